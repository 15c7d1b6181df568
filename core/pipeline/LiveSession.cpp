// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/LiveSession.h"

#include "core/okta/OktaAdminUrl.h"
#include "core/okta/OktaHttp.h"
#include "core/okta/OktaOAuth.h"
#include "core/response/Services.h"
#include "core/response/Tickets.h"
#include "core/store/PostgresEventStore.h"
#include "core/store/SqliteEventStore.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace vigil::pipeline {

LiveSession::LiveSession(LiveSessionSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    connect(this, &LiveSession::logLine, this, [this](const QString& line) {
        m_recentLines.append(line);
        if (m_recentLines.size() > 200) m_recentLines.removeFirst();
    });
}

LiveSession::~LiveSession()
{
    stop();
}

bool LiveSession::start(QString* error)
{
    std::optional<QUrl> org;
    if (m_settings.poll || m_settings.automation) {
        org = okta::validateOrgUrl(m_settings.orgUrl, error);
        if (!org) return false;
        if (m_settings.token.isEmpty() && m_settings.oauthClientId.isEmpty()) {
            if (error) {
                *error = tr("no Okta credential: set VIGIL_OKTA_TOKEN (API token), or VIGIL_OKTA_CLIENT_ID and "
                            "VIGIL_OKTA_PRIVATE_KEY_FILE (OAuth service app)");
            }
            return false;
        }
    }
    if (!m_settings.oauthClientId.isEmpty() && org) {
        okta::OAuthServiceAppSettings oauth;
        oauth.orgUrl = *org;
        oauth.clientId = m_settings.oauthClientId;
        oauth.privateKeyPem = m_settings.oauthPrivateKeyPem;
        oauth.keyId = m_settings.oauthKeyId;
        // Only the scopes the mode needs: monitor reads, enforce also changes users and groups.
        const bool enforce =
            m_settings.mode ? *m_settings.mode == response::Mode::Enforce
                            : m_settings.policy.json().value(u"response").toObject().value(u"mode") == u"enforce"_qs;
        oauth.scopes = okta::serviceAppScopes(enforce);
        m_auth = std::make_unique<okta::OAuthServiceAppAuthenticator>(m_network, oauth);
    } else if (!m_settings.token.isEmpty()) {
        m_auth = std::make_unique<okta::SswsAuthenticator>(m_settings.token);
    }
    std::optional<store::PostgresLocation> team;
    if (!m_settings.storeUrl.isEmpty()) {
        team = store::PostgresLocation::parse(m_settings.storeUrl, error);
        if (!team) return false;
        team->password = m_settings.storePassword;
        m_store = std::make_unique<store::PostgresEventStore>(*team);
        m_storeDescription = team->displayUrl();
    } else {
        const QString path = QDir(m_settings.dataDir).filePath(store::SqliteEventStore::defaultFileName());
        m_store = std::make_unique<store::SqliteEventStore>(path);
        m_storeDescription = path;
    }
    if (!m_store->open(error)) return false;
    if (team) {
        m_team = std::make_unique<team::TeamCoordinator>(*team, audit::AuditLog::currentOperator());
        m_team->setTickMs(m_settings.teamTickMs);
        m_team->setTakeoverGraceMs(m_settings.teamTakeoverGraceMs);
        connect(m_team.get(), &team::TeamCoordinator::logLine, this, &LiveSession::logLine);
        connect(m_team.get(), &team::TeamCoordinator::sharedResponseChanged, this,
                [this](const QString& alertId, const QString& state, const QString& by) {
                    // The leader changed it; a console that follows shows the response as the leader left it.
                    if (m_responses && !m_team->isLeading()) m_responses->reloadResponse(alertId);
                    emit logLine(tr("team: %1 is now %2 (%3)").arg(alertId, state, by));
                    emit sharedResponseChanged(alertId, state, by);
                });
    }

    m_pipeline = std::make_unique<LivePipeline>(*m_store, m_settings.policy);
    if (m_team) {
        // Every console scores every console's events, in commit order: the followers' scores and alerts
        // are the leader's, and the leader acts on events that reached a follower (an Event Hook delivery).
        m_pipeline->followStore(static_cast<store::PostgresEventStore*>(m_store.get()));
        connect(m_team.get(), &team::TeamCoordinator::eventsCommitted, m_pipeline.get(), &LivePipeline::requestTail);
        // And at each tick, in case a notification was lost with a connection.
        connect(m_team.get(), &team::TeamCoordinator::statusChanged, m_pipeline.get(), &LivePipeline::requestTail);
    }
    const qint64 rescored = m_pipeline->warmUp(m_settings.warmUpMs);
    emit logLine(tr("store %1: %2 events; re-scored the last %3 of them")
                     .arg(m_storeDescription)
                     .arg(m_store->eventCount())
                     .arg(rescored));
    connect(m_pipeline.get(), &LivePipeline::alertChanged, this, [this](const risk::Alert& a, bool opened) {
        const QString severity = risk::RiskEngine::severityFor(a.peakRisk, m_settings.policy);
        emit logLine((opened ? tr("alert opened: %1, risk %2 (%3): %4") : tr("alert updated: %1, risk %2 (%3): %4"))
                         .arg(a.user)
                         .arg(qRound(a.peakRisk))
                         .arg(severity, a.detections.join(u", ")));
    });

    if (m_settings.automation) startAutomation(*org);

    if (m_settings.hooks) {
        m_hooks = std::make_unique<okta::EventHookReceiver>(
            *m_settings.hooks, [this](const QList<okta::LogEvent>& events) { return m_store->appendBatch(events); });
        connect(m_hooks.get(), &okta::EventHookReceiver::statusMessage, this, &LiveSession::logLine);
        m_pipeline->attach(m_hooks.get());
        if (!m_hooks->start(error)) return false;
    }
    if (m_settings.poll) {
        okta::PollerSettings poller;
        poller.orgUrl = *org;
        poller.backfillMs = qint64(m_settings.policy.number(u"ingest.backfill_hours"_qs) * 3600000.0);
        poller.pollIntervalMs = qint64(m_settings.policy.number(u"ingest.poll_interval_seconds"_qs) * 1000.0);
        poller.rateLimitReserve = m_settings.policy.number(u"ingest.rate_limit_reserve_percent"_qs) / 100.0;
        m_poller = std::make_unique<okta::SystemLogPoller>(m_network, *m_store, *m_auth, poller);
        connect(m_poller.get(), &okta::SystemLogPoller::statusMessage, this, &LiveSession::logLine);
        connect(m_poller.get(), &okta::SystemLogPoller::failed, this, &LiveSession::failed);
        m_pipeline->attach(m_poller.get());
        // In team mode only the leader polls (see onLeadership()): the shared cursor moves once per page.
        if (!m_team) m_poller->start();
    }
    if (m_team) {
        m_team->setCommandHandler([this](const response::AnalystCommand& c) { return applyHere(c); });
        connect(m_team.get(), &team::TeamCoordinator::leadershipChanged, this, &LiveSession::onLeadership);
        if (!m_team->start(error)) return false;
    }
    return true;
}

void LiveSession::onLeadership(bool leading)
{
    if (leading) {
        // Pick up what the previous leader decided: the persisted responses and countdowns first, then
        // whatever was committed and not scored yet (acted on now), the alerts that changed while nobody may
        // have led, the outbox (pending and in-flight calls), and polling.
        if (m_responses) m_responses->start();
        const qint64 caughtUp = m_pipeline->catchUp();
        emit logLine(tr("team: leading; scored %1 events stored by other consoles").arg(caughtUp));
        actOnRecentAlerts();
        if (m_outbox) m_outbox->start();
        if (m_poller) m_poller->start();
    } else {
        if (m_poller) m_poller->stop();
        if (m_outbox) m_outbox->stop();
        if (m_responses) {
            m_responses->stop();
            m_responses->loadResponses(); // shown as the new leader changes them
        }
        emit logLine(tr("team: following; another console runs the automation"));
    }
}

void LiveSession::actOnRecentAlerts()
{
    const QHash<QString, qint64> changed = std::exchange(m_changedWhileFollowing, {});
    if (!m_responses || changed.isEmpty()) return;
    // A leader acts on an alert as soon as it scores its events, and this console scored the same events
    // at nearly the same moment; only the last minute's may have been missed by a leader that died or by a
    // time without one. Acting again on an alert is harmless (the engine does each step once).
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - 60000;
    // Another console's engine may have numbered the same alert differently ("alert-<opened>-<n>"): a
    // response that closed it (resolved, false positive) is found by user and opening time.
    QSet<QString> closed;
    for (const response::AlertResponse& r : m_responses->responses()) {
        if (r.isOpen()) continue;
        closed.insert(r.alertId);
        closed.insert(r.user + u'|' + r.alertId.left(r.alertId.lastIndexOf(u'-') + 1));
    }
    int handed = 0;
    for (const risk::Alert& a : m_pipeline->engine().alerts()) {
        if (changed.value(a.id, 0) < since) continue;
        if (closed.contains(a.id) || closed.contains(a.user + u"|alert-"_qs + QString::number(a.openedAtMs) + u'-'))
            continue;
        m_responses->onAlert(a);
        ++handed;
    }
    if (handed > 0) emit logLine(tr("team: acting on %1 alerts that changed while this console followed").arg(handed));
}

team::TeamStatus LiveSession::teamStatus() const
{
    return m_team ? m_team->status() : team::TeamStatus();
}

void LiveSession::startAutomation(const QUrl& org)
{
    using namespace response;
    m_audit = std::make_unique<audit::AuditLog>(m_store->database());
    m_outbox = std::make_unique<Outbox>(m_store->database(), m_network, *m_audit);
    if (m_auth) m_outbox->registerService(u"okta"_qs, std::make_shared<OktaService>(org, *m_auth));
    m_outbox->registerService(
        u"pagerduty"_qs,
        std::make_shared<PagerDutyEventsService>(QUrl(m_settings.pagerDutyEventsUrl), m_settings.pagerDutyRoutingKey));
    ResponseSettings rs;
    rs.mode = m_settings.mode.value_or(
        m_settings.policy.json().value(u"response").toObject().value(u"mode").toString() == u"enforce" ? Mode::Enforce
                                                                                                       : Mode::Monitor);
    rs.autoSuspendDelayMs = m_settings.autoSuspendDelayMs > 0
                                ? m_settings.autoSuspendDelayMs
                                : qint64(m_settings.policy.number(u"response.auto_suspend_delay_minutes"_qs) * 60000.0);
    if (!m_settings.notifyWebhookUrl.isEmpty()) {
        m_outbox->registerService(u"notify"_qs, std::make_shared<WebhookService>(QUrl(m_settings.notifyWebhookUrl)));
        rs.notify = true;
    }
    if (!m_settings.jiraUrl.isEmpty()) {
        m_outbox->registerService(u"ticket"_qs,
                                  std::make_shared<JiraTicketService>(QUrl(m_settings.jiraUrl), m_settings.jiraEmail,
                                                                      m_settings.jiraApiToken, m_settings.jiraProject,
                                                                      m_settings.jiraIssueType));
        rs.ticket = true;
    } else if (!m_settings.ticketWebhookUrl.isEmpty()) {
        m_outbox->registerService(u"ticket"_qs, std::make_shared<WebhookService>(QUrl(m_settings.ticketWebhookUrl)));
        rs.ticket = true;
    }
    rs.pagerDutyRestUrl = QUrl(m_settings.pagerDutyRestUrl);
    rs.pagerDutyApiToken = m_settings.pagerDutyApiToken;
    rs.oktaAdminUrl = okta::adminConsoleUrl(org, m_settings.oktaAdminUrl);
    m_responses = std::make_unique<ResponseEngine>(m_store->database(), *m_outbox, *m_audit, m_settings.policy, rs);
    m_responses->setNetwork(&m_network);
    m_responses->setUserContext([this](const QString& user) { return userContext(user); });
    connect(m_responses.get(), &ResponseEngine::logLine, this, &LiveSession::logLine);
    // In team mode only the leader acts on what it scores; the others show and command.
    connect(m_pipeline.get(), &LivePipeline::batchScored, m_responses.get(),
            [this](const QList<okta::LogEvent>& events) {
                if (actsOnAlerts()) m_responses->observe(events);
            });
    connect(m_pipeline.get(), &LivePipeline::alertChanged, m_responses.get(), [this](const risk::Alert& alert, bool) {
        if (actsOnAlerts()) {
            m_responses->onAlert(alert);
        } else {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (m_changedWhileFollowing.size() > 5000)
                m_changedWhileFollowing.removeIf([now](const auto& it) { return it.value() < now - 60000; });
            m_changedWhileFollowing.insert(alert.id, now);
        }
    });
    connect(m_responses.get(), &ResponseEngine::responseChanged, this, [this](const AlertResponse& r) {
        if (m_team && m_team->isLeading()) m_team->publishResponse(r.alertId, r.state, r.acknowledgedBy);
    });
    // Team mode: started by onLeadership() when this console leads; meanwhile the responses are shown as
    // the leader leaves them.
    if (!m_team) {
        m_responses->start();
        m_outbox->start();
    } else {
        m_responses->loadResponses();
    }
    // `vigil alert` on this machine reaches this process instead of racing it on the store.
    m_commands =
        std::make_unique<CommandListener>(m_settings.dataDir, [this](const AnalystCommand& c) { return command(c); });
    QString why;
    if (!m_commands->listen(&why)) {
        emit logLine(tr("analyst commands from 'vigil alert' will not reach this process: %1").arg(why));
        m_commands.reset();
    }
}

void LiveSession::stop()
{
    if (m_outbox) m_outbox->stop();
    if (m_team) m_team->stop(); // frees the automation lock for the next console
    if (m_poller) m_poller->stop();
    m_hooks.reset(); // closes the listening socket
    m_commands.reset();
    if (m_pipeline) m_pipeline->saveBaselines();
}

} // namespace vigil::pipeline

namespace vigil::pipeline {

QJsonObject LiveSession::userContext(const QString& user) const
{
    // What is normal for this person, from the learned baseline, and why the score is what it is.
    QJsonObject context;
    if (const risk::UserBaseline* b = m_pipeline->engine().baseline(user)) {
        context.insert(u"usual_countries"_qs, QJsonArray::fromStringList(b->countries.mostFrequent(3)));
        context.insert(u"usual_cities"_qs, QJsonArray::fromStringList(b->cities.mostFrequent(3)));
        context.insert(u"usual_hours"_qs, b->usualHours());
        context.insert(u"known_sign_ins"_qs, qint64(b->signIns));
    } else {
        context.insert(u"usual_countries"_qs, tr("no baseline yet for this user"));
    }
    QJsonArray evidence;
    const QList<risk::Contribution> contributions = m_pipeline->engine().contributions(user);
    for (qsizetype i = std::max<qsizetype>(0, contributions.size() - 8); i < contributions.size(); ++i) {
        const risk::Contribution& c = contributions.at(i);
        evidence.append(QString(u'+' + QString::number(qRound(c.points)) + u' ' + c.detection + u": "_qs + c.reason));
    }
    context.insert(u"evidence"_qs, evidence);
    return context;
}

} // namespace vigil::pipeline

namespace vigil::pipeline {

response::CommandResult LiveSession::command(const response::AnalystCommand& command)
{
    if (!m_responses) {
        response::CommandResult r;
        r.message = tr("the automation core is not running");
        return r;
    }
    // Team mode: through the leader, which applies commands one at a time; a follower shows the outcome at
    // once rather than when the leader's announcement arrives.
    if (m_team) {
        const response::CommandResult result = m_team->submit(command);
        if (!m_team->isLeading()) m_responses->reloadResponse(command.alertId);
        return result;
    }
    return response::applyCommand(*m_responses, command);
}

response::CommandResult LiveSession::applyHere(const response::AnalystCommand& command)
{
    // Two analysts taking the same alert: the engine would let the second acknowledgement overwrite the
    // first. Commands reach the leader one at a time, so the first one wins and the second is told.
    const std::optional<response::AlertResponse> before = m_responses->response(command.alertId);
    const bool taking = command.action == u"ack" || command.action == u"override";
    if (taking && before && (before->state == u"acknowledged" || before->state == u"overridden")
        && !before->acknowledgedBy.isEmpty() && before->acknowledgedBy != command.who) {
        response::CommandResult refused;
        refused.message = tr("already %1").arg(before->state);
        return team::explainConflict(refused, command, before->acknowledgedBy, before->state);
    }
    const response::CommandResult result = response::applyCommand(*m_responses, command);
    if (result.ok) return result;
    // Too late: say who acted first, from the response as it stands.
    if (const std::optional<response::AlertResponse> r = m_responses->response(command.alertId))
        return team::explainConflict(result, command, r->acknowledgedBy, r->state);
    return result;
}

} // namespace vigil::pipeline

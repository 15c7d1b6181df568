// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/response/ResponseEngine.h"

#include "core/audit/AuditLog.h"
#include "core/okta/Timestamp.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcResponse, "vigil.core.response")

namespace vigil::response {

namespace {

const QString kBreakerId = QStringLiteral("circuit-breaker");
// The subject of the calls that read protected groups and Okta administrators.
const QString kProtectedId = QStringLiteral("protected-accounts");

QJsonArray toArray(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

QStringList fromArray(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out.append(x.toString());
    return out;
}

// PagerDuty's four severities for Vigil's four bands.
QString pagerDutySeverity(const QString& band)
{
    if (band == u"critical") return u"critical"_qs;
    if (band == u"high") return u"error"_qs;
    if (band == u"medium") return u"warning"_qs;
    return u"info"_qs;
}

bool isClosedState(const QString& state)
{
    return state == u"resolved" || state == u"false_positive";
}

} // namespace

QString modeName(Mode mode)
{
    return mode == Mode::Enforce ? u"enforce"_qs : u"monitor"_qs;
}

QJsonObject AlertResponse::toJson() const
{
    return QJsonObject{{u"alert_id"_qs, alertId},
                       {u"user"_qs, user},
                       {u"user_id"_qs, userId},
                       {u"state"_qs, state},
                       {u"severity"_qs, severity},
                       {u"peak_risk"_qs, peakRisk},
                       {u"opened_ms"_qs, openedMs},
                       {u"deadline_ms"_qs, deadlineMs},
                       {u"step_up"_qs, stepUp},
                       {u"stepped_up_ms"_qs, steppedUpMs},
                       {u"paged"_qs, paged},
                       {u"paged_severity"_qs, pagedSeverity},
                       {u"acknowledged_by"_qs, acknowledgedBy},
                       {u"assignee"_qs, assignee},
                       {u"reason"_qs, reason},
                       {u"source_ips"_qs, toArray(sourceIps)},
                       {u"detections"_qs, toArray(detections)},
                       {u"activity_continued"_qs, activityContinued},
                       {u"continued_evidence"_qs, continuedEvidence},
                       {u"decision"_qs, decision},
                       {u"push_poll_path"_qs, pushPollPath},
                       {u"push_deadline_ms"_qs, pushDeadlineMs},
                       {u"profile"_qs, profile},
                       {u"profile_state"_qs, profileState},
                       {u"page_due_ms"_qs, pageDueMs},
                       {u"ticket"_qs, ticket},
                       {u"updated_ms"_qs, updatedMs}};
}

AlertResponse AlertResponse::fromJson(const QJsonObject& o)
{
    AlertResponse r;
    r.alertId = o.value(u"alert_id").toString();
    r.user = o.value(u"user").toString();
    r.userId = o.value(u"user_id").toString();
    r.state = o.value(u"state").toString();
    r.severity = o.value(u"severity").toString();
    r.peakRisk = o.value(u"peak_risk").toDouble();
    r.openedMs = qint64(o.value(u"opened_ms").toDouble());
    r.deadlineMs = qint64(o.value(u"deadline_ms").toDouble(-1));
    r.stepUp = o.value(u"step_up").toString();
    r.steppedUpMs = qint64(o.value(u"stepped_up_ms").toDouble(-1));
    r.paged = o.value(u"paged").toBool();
    r.pagedSeverity = o.value(u"paged_severity").toString();
    r.acknowledgedBy = o.value(u"acknowledged_by").toString();
    r.assignee = o.value(u"assignee").toString();
    r.reason = o.value(u"reason").toString();
    r.sourceIps = fromArray(o.value(u"source_ips"));
    r.detections = fromArray(o.value(u"detections"));
    r.activityContinued = o.value(u"activity_continued").toBool();
    r.continuedEvidence = o.value(u"continued_evidence").toString();
    r.decision = o.value(u"decision").toString();
    r.pushPollPath = o.value(u"push_poll_path").toString();
    r.pushDeadlineMs = qint64(o.value(u"push_deadline_ms").toDouble(-1));
    r.profile = o.value(u"profile").toObject();
    r.profileState = o.value(u"profile_state").toString(u"none"_qs);
    r.pageDueMs = qint64(o.value(u"page_due_ms").toDouble(-1));
    r.ticket = o.value(u"ticket").toString();
    r.updatedMs = qint64(o.value(u"updated_ms").toDouble());
    return r;
}

QString AlertResponse::oktaUserKey() const
{
    // Okta's Users API takes the id or the login in the path; the id is exact, the login needs encoding.
    return userId.isEmpty() ? QString::fromUtf8(QUrl::toPercentEncoding(user)) : userId;
}

bool AlertResponse::isOpen() const
{
    return !isClosedState(state);
}

ResponseEngine::ResponseEngine(QSqlDatabase db,
                               Outbox& outbox,
                               audit::AuditLog& audit,
                               risk::Policy policy,
                               ResponseSettings settings,
                               QObject* parent)
    : QObject(parent)
    , m_db(std::move(db))
    , m_outbox(outbox)
    , m_audit(audit)
    , m_policy(std::move(policy))
    , m_settings(std::move(settings))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_suppressions(m_db)
{
    m_timer.setSingleShot(true);
    connect(&m_protectedTimer, &QTimer::timeout, this, &ResponseEngine::refreshProtected);
    connect(&m_timer, &QTimer::timeout, this, &ResponseEngine::onTimer);
    connect(&m_outbox, &Outbox::finished, this, &ResponseEngine::onCallFinished);
    connect(&m_pagerDutyTimer, &QTimer::timeout, this, &ResponseEngine::readBackPagerDuty);
}

ResponseEngine::~ResponseEngine() = default;

void ResponseEngine::loadResponses()
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (q.exec(u"SELECT data FROM responses"_qs)) {
        while (q.next()) {
            const AlertResponse r = AlertResponse::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
            if (r.alertId == kBreakerId) {
                m_breakerOpen = r.state == u"open";
            } else if (!r.alertId.isEmpty()) {
                m_responses.insert(r.alertId, r);
                if (!r.userId.isEmpty()) m_userIds.insert(r.user, r.userId);
            }
        }
    } else {
        qCWarning(lcResponse).noquote() << "cannot load responses:" << q.lastError().text();
    }
}

void ResponseEngine::reloadResponse(const QString& alertId)
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT data FROM responses WHERE alert_id = ?"_qs);
    q.addBindValue(alertId);
    if (!q.exec() || !q.next()) return;
    const AlertResponse r = AlertResponse::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
    if (r.alertId.isEmpty() || r.alertId == kBreakerId) return;
    m_responses.insert(r.alertId, r);
    emit responseChanged(r);
}

void ResponseEngine::start()
{
    loadResponses();
    QString suppressionError;
    if (!m_suppressions.load(&suppressionError))
        qCWarning(lcResponse).noquote() << "cannot load suppressions:" << suppressionError;
    emit logLine(tr("automation in %1 mode; %2 responses restored%3")
                     .arg(modeName(m_settings.mode))
                     .arg(m_responses.size())
                     .arg(m_breakerOpen ? tr(", circuit breaker open") : QString()));
    if (m_settings.commandsOnly) return;
    // A deadline that passed while Vigil was down is decided now, once.
    onTimer();
    refreshProtected();
    if (m_settings.protectedRefreshMs > 0 && !m_settings.dryRun)
        m_protectedTimer.start(int(std::min<qint64>(m_settings.protectedRefreshMs, 24 * 3600000)));
    if (m_network && m_settings.pagerDutyRestUrl.isValid() && !m_settings.pagerDutyApiToken.isEmpty()) {
        m_pagerDutyTimer.start(int(m_settings.pagerDutyPollEveryMs));
    }
}

void ResponseEngine::stop()
{
    m_timer.stop();
    m_protectedTimer.stop();
    m_pagerDutyTimer.stop();
    m_responses.clear();
    m_aliases.clear();
    m_suppressedAlerts.clear();
}

void ResponseEngine::readBackPagerDuty()
{
    // Read-only and repeated: not worth an outbox row per poll. Only alerts whose countdown runs matter.
    for (const AlertResponse& r : std::as_const(m_responses)) {
        if (r.state != u"suspension_pending" || !r.paged) continue;
        QUrl url = m_settings.pagerDutyRestUrl.resolved(QUrl(u"/incidents"_qs));
        QUrlQuery query;
        query.addQueryItem(u"incident_key"_qs, r.alertId);
        url.setQuery(query);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Token token=" + m_settings.pagerDutyApiToken);
        request.setRawHeader("Accept", "application/vnd.pagerduty+json;version=2");
        request.setTransferTimeout(15000);
        QNetworkReply* reply = m_network->get(request);
        const QString alertId = r.alertId;
        connect(reply, &QNetworkReply::finished, this, [this, reply, alertId] {
            reply->deleteLater();
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200) return;
            for (const QJsonValue& v :
                 QJsonDocument::fromJson(reply->readAll()).object().value(u"incidents").toArray()) {
                const QJsonObject incident = v.toObject();
                if (incident.value(u"incident_key").toString() != alertId) continue;
                if (incident.value(u"status").toString() == u"acknowledged") {
                    QString who;
                    for (const QJsonValue& a : incident.value(u"acknowledgements").toArray())
                        who = a.toObject().value(u"acknowledger").toObject().value(u"summary").toString();
                    onPagerDutyAcknowledged(alertId, who.isEmpty() ? u"PagerDuty"_qs : who + u" (PagerDuty)"_qs);
                }
            }
        });
    }
}

AlertResponse* ResponseEngine::find(const QString& alertId)
{
    const auto it = m_responses.find(alertId);
    return it == m_responses.end() ? nullptr : &*it;
}

std::optional<AlertResponse> ResponseEngine::response(const QString& alertId) const
{
    const auto it = m_responses.constFind(alertId);
    if (it == m_responses.constEnd()) return std::nullopt;
    return *it;
}

QList<AlertResponse> ResponseEngine::responses() const
{
    return m_responses.values();
}

void ResponseEngine::save(AlertResponse& r)
{
    r.updatedMs = now();
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO responses(alert_id, user_login, user_id, state, severity, peak_risk, opened_ms,"
              " deadline_ms, step_up, acknowledged_by, reason, data, updated_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?)"
              " ON CONFLICT(alert_id) DO UPDATE SET user_id = excluded.user_id, state = excluded.state,"
              " severity = excluded.severity, peak_risk = excluded.peak_risk, deadline_ms = excluded.deadline_ms,"
              " step_up = excluded.step_up, acknowledged_by = excluded.acknowledged_by, reason = excluded.reason,"
              " data = excluded.data, updated_ms = excluded.updated_ms"_qs);
    for (const QVariant& v : {QVariant(r.alertId), QVariant(r.user), QVariant(r.userId), QVariant(r.state),
                              QVariant(r.severity), QVariant(r.peakRisk), QVariant(r.openedMs), QVariant(r.deadlineMs),
                              QVariant(r.stepUp), QVariant(r.acknowledgedBy), QVariant(r.reason),
                              // Text, not bytes: the column is TEXT, which PostgreSQL will not fill from a bytea value.
                              QVariant(QString::fromUtf8(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact))),
                              QVariant(r.updatedMs)}) {
        q.addBindValue(v);
    }
    if (!q.exec())
        qCWarning(lcResponse).noquote() << "cannot save response" << r.alertId << ':' << q.lastError().text();
    if (r.alertId != kBreakerId) emit responseChanged(r);
}

void ResponseEngine::decision(const AlertResponse& r, const QString& rule, const QJsonObject& inputs)
{
    QJsonObject details = inputs;
    details.insert(u"rule"_qs, rule);
    details.insert(u"user"_qs, r.user);
    details.insert(u"state"_qs, r.state);
    details.insert(u"mode"_qs, modeName(m_settings.mode));
    m_audit.append(u"decision"_qs, u"vigil"_qs, r.alertId, details);
}

void ResponseEngine::command(const AlertResponse& r, const QString& name, const QString& who, const QString& reason)
{
    m_audit.append(
        u"command"_qs, who, r.alertId,
        QJsonObject{{u"command"_qs, name}, {u"reason"_qs, reason}, {u"user"_qs, r.user}, {u"state"_qs, r.state}});
    emit logLine(tr("%1 by %2 on %3 (%4): %5").arg(name, who, r.alertId, r.user, reason));
}

std::optional<qint64> ResponseEngine::call(const AlertResponse& r,
                                           const QString& service,
                                           const QString& purpose,
                                           const QByteArray& method,
                                           const QString& path,
                                           const QByteArray& body,
                                           const QString& idempotencyKey)
{
    if (m_settings.dryRun) return std::nullopt; // replay: decided and recorded, never sent
    OutboundCall c;
    c.service = service;
    c.purpose = purpose;
    c.method = method;
    c.path = path;
    c.body = body;
    c.alertId = r.alertId;
    c.user = r.user;
    c.idempotencyKey = idempotencyKey;
    return m_outbox.enqueue(c);
}

void ResponseEngine::observe(const QList<okta::LogEvent>& events)
{
    for (const okta::LogEvent& e : events) {
        const QString login = okta::LogEvent::qs(e.actorAlternateId());
        if (e.str(okta::LogEvent::Str::ActorType) == "User" && e.has(okta::LogEvent::Str::ActorId)
            && !login.isEmpty()) {
            m_userIds.insert(login, okta::LogEvent::qs(e.str(okta::LogEvent::Str::ActorId)));
        }
        // Did it go on from where it came from, after the user was challenged?
        const QString ip = okta::LogEvent::qs(e.clientIp());
        if (ip.isEmpty()) continue;
        for (AlertResponse& r : m_responses) {
            if (r.user != login || r.activityContinued || r.state != u"suspension_pending" || r.steppedUpMs < 0)
                continue;
            if (!r.sourceIps.contains(ip) || e.publishedMs() <= r.steppedUpMs) continue;
            r.activityContinued = true;
            r.continuedEvidence = okta::LogEvent::qs(e.uuid());
            save(r);
        }
    }
}

void ResponseEngine::onAlert(const risk::Alert& alert)
{
    AlertResponse* existing = find(m_aliases.value(alert.id, alert.id));
    if (!existing) {
        // One open response per user: after a restart the re-scored alert may get a new id, and a
        // user's second alert must not start a second countdown.
        for (AlertResponse& r : m_responses) {
            if (r.user == alert.user && r.isOpen() && r.alertId != kBreakerId) {
                m_aliases.insert(alert.id, r.alertId);
                existing = &r;
                break;
            }
        }
    }
    if (!existing) {
        // An analyst said this is normal for the user: no response, but the record says why.
        if (const std::optional<Suppression> s = m_suppressions.covering(alert.user, alert.detections, now())) {
            if (!m_suppressedAlerts.contains(alert.id)) {
                m_suppressedAlerts.insert(alert.id);
                AlertResponse quiet;
                quiet.alertId = alert.id;
                quiet.user = alert.user;
                quiet.state = u"suppressed"_qs;
                decision(quiet, u"suppressed"_qs,
                         {{u"suppression"_qs, s->id},
                          {u"owner"_qs, s->owner},
                          {u"expires"_qs, okta::formatTimestampMs(s->expiresMs)},
                          {u"risk"_qs, alert.peakRisk},
                          {u"detections"_qs, toArray(alert.detections)}});
                emit logLine(tr("alert for %1 suppressed until %2 (owner %3)")
                                 .arg(alert.user, okta::formatTimestampMs(s->expiresMs), s->owner));
            }
            return;
        }
    }
    const bool opened = existing == nullptr;
    if (opened) {
        AlertResponse r;
        r.alertId = alert.id;
        r.user = alert.user;
        r.openedMs = now();
        existing = &*m_responses.insert(alert.id, r);
    }
    AlertResponse& r = *existing;
    r.peakRisk = std::max(r.peakRisk, alert.peakRisk);
    r.severity = risk::RiskEngine::severityFor(r.peakRisk, m_policy);
    r.detections = alert.detections;
    for (const QString& ip : alert.sourceIps) {
        if (!r.sourceIps.contains(ip)) r.sourceIps.append(ip);
    }
    if (!alert.userId.isEmpty()) r.userId = alert.userId;
    if (r.userId.isEmpty()) r.userId = m_userIds.value(r.user);
    if (opened) {
        decision(r, u"alert_opened"_qs,
                 {{u"risk"_qs, r.peakRisk},
                  {u"detections"_qs, toArray(r.detections)},
                  {u"source_ips"_qs, toArray(r.sourceIps)}});
    }
    // Who the person is (department, title, manager) for the page and the manager's note. A read:
    // monitor mode does it too.
    if (r.profileState == u"none" && !m_settings.dryRun) {
        r.profileState = u"pending"_qs;
        call(r, u"okta"_qs, u"user_profile"_qs, "GET", u"/api/v1/users/"_qs + r.oktaUserKey(), {},
             r.alertId + u":profile"_qs);
    }
    for (const QString& ip : std::as_const(r.sourceIps))
        checkSourceBreadth(ip, r.user);

    const bool active = r.state == u"detected" || r.state == u"stepped_up" || r.state == u"suspension_pending";
    if (active && r.peakRisk >= m_policy.number(u"response.step_up_at"_qs) && r.stepUp == u"none") stepUp(r);
    if (active && r.peakRisk >= m_policy.number(u"response.page_at"_qs)) {
        if (!r.paged && r.pageDueMs < 0) {
            // The safety net's countdown starts with the page: an analyst now has the delay to act.
            r.state = u"suspension_pending"_qs;
            r.deadlineMs = now() + m_settings.autoSuspendDelayMs;
            decision(r, u"countdown_started"_qs,
                     {{u"deadline"_qs, okta::formatTimestampMs(r.deadlineMs)},
                      {u"delay_ms"_qs, m_settings.autoSuspendDelayMs}});
            sendPage(r);
            emit logLine(tr("paged on-call for %1 (risk %2); suspension decision at %3")
                             .arg(r.user)
                             .arg(qRound(r.peakRisk))
                             .arg(okta::formatTimestampMs(r.deadlineMs)));
        } else if (r.paged && pagerDutySeverity(r.severity) != r.pagedSeverity) {
            page(r, u"trigger"_qs); // same dedup key: PagerDuty updates the incident's severity
        }
    }
    save(r);
    armTimer();
}

void ResponseEngine::sendPage(AlertResponse& r)
{
    // The responder should see who this is; a profile read usually takes well under a second, and
    // the page goes out without it after profileWaitMs rather than wait on a slow Okta.
    if (r.profileState == u"pending" && m_settings.profileWaitMs > 0) {
        r.pageDueMs = now() + m_settings.profileWaitMs;
        return;
    }
    r.pageDueMs = -1;
    page(r, u"trigger"_qs);
}

void ResponseEngine::stepUp(AlertResponse& r)
{
    r.steppedUpMs = now();
    if (r.state == u"detected") r.state = u"stepped_up"_qs;
    if (m_settings.mode == Mode::Monitor) {
        r.stepUp = u"skipped"_qs;
        decision(r, u"step_up"_qs, {{u"sent"_qs, false}, {u"why"_qs, u"monitor mode changes nothing in Okta"_qs}});
        action(r, u"step_up"_qs);
        if (m_policy.flag(u"response.clear_sessions"_qs)) action(r, u"clear_sessions"_qs);
        return;
    }
    action(r, u"step_up"_qs);
    const QString uid = r.oktaUserKey();
    const QString groupId = m_policy.json().value(u"response").toObject().value(u"step_up_group_id").toString();
    QJsonArray actions;
    if (!groupId.isEmpty()) {
        call(r, u"okta"_qs, u"step_up_group"_qs, "PUT", u"/api/v1/groups/"_qs + groupId + u"/users/"_qs + uid, {},
             r.alertId + u":group"_qs);
        actions.append(u"add to step-up group"_qs);
    }
    if (m_policy.flag(u"response.clear_sessions"_qs)) {
        call(r, u"okta"_qs, u"clear_sessions"_qs, "DELETE",
             u"/api/v1/users/"_qs + uid + u"/sessions?oauthTokens=true"_qs, {}, r.alertId + u":sessions"_qs);
        actions.append(u"clear sessions and OAuth tokens"_qs);
        action(r, u"clear_sessions"_qs);
    }
    if (m_policy.flag(u"response.push_challenge"_qs)) {
        call(r, u"okta"_qs, u"list_factors"_qs, "GET", u"/api/v1/users/"_qs + uid + u"/factors"_qs, {},
             r.alertId + u":factors"_qs);
        r.stepUp = u"pending"_qs;
        r.pushDeadlineMs = now() + qint64(m_policy.number(u"response.push_timeout_minutes"_qs) * 60000.0);
        actions.append(u"Okta Verify push"_qs);
    } else {
        r.stepUp = u"sent"_qs;
    }
    decision(r, u"step_up"_qs, {{u"sent"_qs, true}, {u"actions"_qs, actions}, {u"risk"_qs, r.peakRisk}});
    QStringList said;
    for (const QJsonValue& a : std::as_const(actions))
        said.append(a.toString());
    emit logLine(tr("step-up for %1: %2").arg(r.user, said.isEmpty() ? tr("nothing configured") : said.join(u", ")));
}

void ResponseEngine::page(AlertResponse& r, const QString& action)
{
    const QString severity = pagerDutySeverity(r.severity);
    QJsonObject event{{u"event_action"_qs, action}, {u"dedup_key"_qs, r.alertId}};
    if (action == u"trigger") {
        QString summary = tr("Vigil: %1 risk %2 (%3) for %4: %5")
                              .arg(r.severity)
                              .arg(qRound(r.peakRisk))
                              .arg(r.detections.join(u", "), r.user, r.sourceIps.join(u", "));
        if (summary.size() > 1000) summary = summary.left(999) + u'…';
        QJsonObject details{
            {u"user"_qs, r.user},
            {u"okta_user_id"_qs, r.userId},
            {u"name"_qs, r.profile.value(u"displayName").toString()},
            {u"department"_qs, r.profile.value(u"department").toString()},
            {u"title"_qs, r.profile.value(u"title").toString()},
            {u"manager"_qs, r.profile.value(u"manager").toString()},
            {u"risk"_qs, qRound(r.peakRisk)},
            {u"detections"_qs, toArray(r.detections)},
            {u"source_ips"_qs, toArray(r.sourceIps)},
            {u"step_up"_qs, r.stepUp},
            {u"auto_suspension"_qs, m_settings.mode == Mode::Enforce ? tr("at the deadline unless acknowledged")
                                                                     : tr("monitor mode: recommended only")},
            {u"recommended_actions"_qs, toArray({tr("Acknowledge in Vigil or PagerDuty to stop the countdown"),
                                                 tr("Call the user on a known number to confirm the sign-ins"),
                                                 tr("Suspend now in Vigil if the activity is not theirs")})}};
        if (r.profileState != u"done") details.insert(u"profile"_qs, tr("not read from Okta (%1)").arg(r.profileState));
        // What is normal for this person, so the responder can tell an attack from a trip.
        if (m_userContext) {
            const QJsonObject context = m_userContext(r.user);
            for (auto it = context.begin(); it != context.end(); ++it)
                details.insert(it.key(), it.value());
        }
        QJsonArray links;
        if (!m_settings.oktaAdminUrl.isEmpty() && !r.userId.isEmpty()) {
            links.append(
                QJsonObject{{u"href"_qs, QString(m_settings.oktaAdminUrl + u"/admin/user/profile/view/"_qs + r.userId)},
                            {u"text"_qs, tr("User in the Okta admin console")}});
        }
        if (!m_settings.consoleUrl.isEmpty()) {
            links.append(QJsonObject{{u"href"_qs, QString(m_settings.consoleUrl + u"/alerts/"_qs + r.alertId)},
                                     {u"text"_qs, tr("Alert in Vigil")}});
        }
        event.insert(u"payload"_qs, QJsonObject{{u"summary"_qs, summary},
                                                {u"source"_qs, u"vigil"_qs},
                                                {u"severity"_qs, severity},
                                                {u"component"_qs, u"okta"_qs},
                                                {u"group"_qs, u"identity"_qs},
                                                {u"class"_qs, r.detections.value(0)},
                                                {u"custom_details"_qs, details}});
        if (!links.isEmpty()) event.insert(u"links"_qs, links);
        if (!r.paged) this->action(r, u"page"_qs);
        r.paged = true;
        r.pagedSeverity = severity;
    }
    call(r, u"pagerduty"_qs, u"page_"_qs + action, "POST", u"/v2/enqueue"_qs,
         QJsonDocument(event).toJson(QJsonDocument::Compact));
    decision(r, u"page"_qs, {{u"action"_qs, action}, {u"severity"_qs, severity}});
}

void ResponseEngine::armTimer()
{
    if (m_settings.dryRun || m_settings.commandsOnly) return; // replay drives runDue() in event time
    qint64 next = -1;
    auto consider = [&next](qint64 at) {
        if (at >= 0 && (next < 0 || at < next)) next = at;
    };
    for (const AlertResponse& r : std::as_const(m_responses)) {
        if (r.state == u"suspension_pending") consider(r.deadlineMs);
        consider(r.pageDueMs);
        if (r.stepUp == u"pending") consider(r.pushDeadlineMs);
    }
    if (next < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::clamp<qint64>(next - now(), 0, 60000)));
}

void ResponseEngine::onTimer()
{
    runDue();
    armTimer();
}

void ResponseEngine::runDue()
{
    const qint64 t = now();
    for (AlertResponse& r : m_responses) {
        if (r.pageDueMs >= 0 && r.pageDueMs <= t && r.isOpen()) {
            r.pageDueMs = -1;
            page(r, u"trigger"_qs);
            save(r);
        }
        // A push nobody answered in time counts as ignored (before the deadline is decided on it).
        if (r.stepUp == u"pending" && r.pushDeadlineMs >= 0 && r.pushDeadlineMs <= t) {
            r.stepUp = u"TIMEOUT"_qs;
            save(r);
        }
        if (r.state == u"suspension_pending" && r.deadlineMs >= 0 && r.deadlineMs <= t) decideAtDeadline(r);
    }
}

bool ResponseEngine::isProtected(const AlertResponse& r) const
{
    if (isProtectedLogin(r.user)) return true;
    // Okta's admin list names users by id only.
    return !r.userId.isEmpty()
           && std::any_of(m_protectedBySource.begin(), m_protectedBySource.end(),
                          [&](const QSet<QString>& ids) { return ids.contains(r.userId.toLower()); });
}

bool ResponseEngine::isProtectedLogin(const QString& login) const
{
    const QStringList accounts = m_policy.strings(u"protected_accounts"_qs);
    if (std::any_of(accounts.begin(), accounts.end(),
                    [&](const QString& a) { return a.compare(login, Qt::CaseInsensitive) == 0; })) {
        return true;
    }
    const QString key = login.toLower();
    return std::any_of(m_protectedBySource.begin(), m_protectedBySource.end(),
                       [&](const QSet<QString>& logins) { return logins.contains(key); });
}

QStringList ResponseEngine::discoveredProtected() const
{
    QSet<QString> all;
    for (const QSet<QString>& s : m_protectedBySource)
        all.unite(s);
    QStringList out(all.begin(), all.end());
    out.sort();
    return out;
}

void ResponseEngine::refreshProtected()
{
    // Reads: monitor mode does them too, so that its recommendations respect the same protection.
    AlertResponse subject;
    subject.alertId = kProtectedId;
    subject.user = u"-"_qs;
    const QString hour = QString::number(now() / 3600000);
    const QJsonArray groups = m_policy.json().value(u"response").toObject().value(u"protected_groups").toArray();
    for (const QJsonValue& g : groups) {
        const QString gid = g.toString();
        if (gid.isEmpty()) continue;
        // Okta's page limit for group members is 200 by default; protected groups are small by design.
        call(subject, u"okta"_qs, u"protected_group"_qs, "GET", u"/api/v1/groups/"_qs + gid + u"/users?limit=200"_qs,
             {}, u"protected:"_qs + gid + u':' + hour);
    }
    if (m_policy.flag(u"response.protect_okta_admins"_qs)) {
        call(subject, u"okta"_qs, u"protected_admins"_qs, "GET", u"/api/v1/iam/assignees/users?limit=200"_qs, {},
             u"protected:admins:"_qs + hour);
    }
}

void ResponseEngine::onProtectedListed(const OutboundCall& c)
{
    if (c.state != u"done") {
        emit logLine(tr("cannot read protected accounts (%1): %2; the previous list stays").arg(c.path, c.lastError));
        return;
    }
    QSet<QString> members;
    const QJsonDocument body = QJsonDocument::fromJson(c.response);
    QString source;
    if (c.purpose == u"protected_group") {
        source = u"group:"_qs + c.path.section(u'/', 4, 4);
        for (const QJsonValue& v : body.array()) {
            const QJsonObject user = v.toObject();
            members.insert(user.value(u"id").toString().toLower());
            members.insert(user.value(u"profile").toObject().value(u"login").toString().toLower());
        }
    } else {
        source = u"admins"_qs;
        for (const QJsonValue& v : body.object().value(u"value").toArray())
            members.insert(v.toObject().value(u"id").toString().toLower());
    }
    members.remove(QString());
    m_protectedBySource.insert(source, members);
    AlertResponse subject;
    subject.alertId = kProtectedId;
    subject.user = u"-"_qs;
    decision(subject, u"protected_accounts"_qs, {{u"source"_qs, source}, {u"count"_qs, members.size()}});
}

void ResponseEngine::decideAtDeadline(AlertResponse& r)
{
    // In monitor mode no challenge went out; it counts as unanswered, so the recommendation is what
    // enforce mode would have done had the user not answered.
    const bool challengeFailed = r.stepUp == u"REJECTED" || r.stepUp == u"TIMEOUT" || r.stepUp == u"pending"
                                 || (r.stepUp == u"skipped" && m_settings.mode == Mode::Monitor);
    const bool shouldSuspend = challengeFailed || r.activityContinued;
    const QJsonObject inputs{{u"acknowledged"_qs, false},
                             {u"step_up"_qs, r.stepUp},
                             {u"activity_continued"_qs, r.activityContinued},
                             {u"evidence"_qs, r.continuedEvidence},
                             {u"protected"_qs, isProtected(r)},
                             {u"breaker_open"_qs, m_breakerOpen}};
    r.deadlineMs = -1;
    if (!shouldSuspend) {
        r.state = u"stepped_up"_qs;
        r.decision = tr("not suspended: the challenge was passed (%1) and nothing more came from %2")
                         .arg(r.stepUp, r.sourceIps.join(u", "));
    } else if (isProtected(r)) {
        r.state = u"stepped_up"_qs;
        r.decision = tr("not suspended: %1 is a protected account; the on-call analyst must decide").arg(r.user);
        page(r, u"trigger"_qs);
    } else if (m_breakerOpen) {
        r.state = u"stepped_up"_qs;
        r.decision = tr("not suspended: the circuit breaker is open (step-up only until an analyst resumes)");
    } else if (m_settings.mode == Mode::Monitor) {
        r.state = u"suspension_recommended"_qs;
        r.decision = tr("would suspend (monitor mode): step-up %1, activity continued: %2")
                         .arg(r.stepUp, r.activityContinued ? tr("yes") : tr("no"));
        action(r, u"auto_suspend"_qs);
    } else {
        r.decision = tr("suspended: not acknowledged; step-up %1; activity continued: %2")
                         .arg(r.stepUp, r.activityContinued ? tr("yes") : tr("no"));
        decision(r, u"safety_net"_qs, inputs);
        action(r, u"auto_suspend"_qs);
        suspend(r, r.decision, u"vigil"_qs);
        recordAutoSuspension();
        return;
    }
    decision(r, u"safety_net"_qs, inputs);
    emit logLine(tr("%1: %2").arg(r.user, r.decision));
    save(r);
}

void ResponseEngine::suspend(AlertResponse& r, const QString& why, const QString& actor)
{
    // Never twice: another alert of the same user may already have suspended the account.
    for (const AlertResponse& other : std::as_const(m_responses)) {
        if (other.alertId != r.alertId && other.user == r.user && other.state == u"suspended") {
            r.state = u"suspended"_qs;
            r.decision = why + tr(" (already suspended by %1: no second call)").arg(other.alertId);
            decision(r, u"suspend_noop"_qs, {{u"already_by"_qs, other.alertId}});
            save(r);
            return;
        }
    }
    const QString uid = r.oktaUserKey();
    call(r, u"okta"_qs, u"suspend"_qs, "POST", u"/api/v1/users/"_qs + uid + u"/lifecycle/suspend"_qs, {},
         u"suspend:"_qs + r.alertId);
    call(r, u"okta"_qs, u"clear_sessions_after_suspend"_qs, "DELETE",
         u"/api/v1/users/"_qs + uid + u"/sessions?oauthTokens=true"_qs, {}, u"suspend-sessions:"_qs + r.alertId);
    r.state = u"suspended"_qs;
    emit logLine(tr("suspending %1 (%2): %3").arg(r.user, actor, why));
    save(r);
    notifyAfterSuspension(r);
}

void ResponseEngine::notifyAfterSuspension(AlertResponse& r)
{
    // The outcome goes to the PagerDuty incident, and to the notifier when one is configured.
    QJsonObject event{
        {u"event_action"_qs, u"trigger"_qs},
        {u"dedup_key"_qs, r.alertId},
        {u"payload"_qs, QJsonObject{{u"summary"_qs, tr("Vigil suspended %1: %2").arg(r.user, r.decision).left(1000)},
                                    {u"source"_qs, u"vigil"_qs},
                                    {u"severity"_qs, pagerDutySeverity(r.severity)},
                                    {u"custom_details"_qs, QJsonObject{{u"outcome"_qs, r.decision}}}}}};
    call(r, u"pagerduty"_qs, u"page_outcome"_qs, "POST", u"/v2/enqueue"_qs,
         QJsonDocument(event).toJson(QJsonDocument::Compact), u"outcome:"_qs + r.alertId);
    if (m_settings.ticket) openTicket(r);
    if (!m_settings.notify) return;
    // The IT team gets the technical account; the manager a plain note about their person.
    const QJsonObject team{{u"audience"_qs, u"it_team"_qs},
                           {u"text"_qs, tr("Vigil suspended the Okta account %1. %2").arg(r.user, r.decision)},
                           {u"user"_qs, r.user},
                           {u"alert_id"_qs, r.alertId},
                           {u"severity"_qs, r.severity},
                           {u"detections"_qs, toArray(r.detections)},
                           {u"source_ips"_qs, toArray(r.sourceIps)}};
    call(r, u"notify"_qs, u"notify_it_team"_qs, "POST", {}, QJsonDocument(team).toJson(QJsonDocument::Compact),
         u"notify:"_qs + r.alertId);
    action(r, u"notify"_qs);
    const QString manager = r.profile.value(u"manager").toString();
    const QString managerId = r.profile.value(u"managerId").toString();
    if (manager.isEmpty() && managerId.isEmpty()) {
        decision(r, u"manager_not_notified"_qs, {{u"why"_qs, u"the user's Okta profile names no manager"_qs}});
        return;
    }
    const QString name = r.profile.value(u"displayName").toString(r.user);
    const QJsonObject note{
        {u"audience"_qs, u"manager"_qs},
        {u"to"_qs, QJsonObject{{u"name"_qs, manager}, {u"okta_user_id"_qs, managerId}}},
        {u"text"_qs, tr("%1, the account of %2 (%3) was suspended as a precaution after sign-in activity that "
                        "looked like an attack. The security team is on it and will restore access once it is "
                        "safe; please reach out to them rather than to the IT help desk.")
                         .arg(manager.isEmpty() ? tr("Hello") : manager, name, r.user)},
        {u"user"_qs, r.user},
        {u"alert_id"_qs, r.alertId}};
    call(r, u"notify"_qs, u"notify_manager"_qs, "POST", {}, QJsonDocument(note).toJson(QJsonDocument::Compact),
         u"notify-manager:"_qs + r.alertId);
    action(r, u"notify"_qs);
}

void ResponseEngine::openTicket(AlertResponse& r)
{
    QJsonArray description{tr("Vigil suspended the Okta account %1 (alert %2, %3, peak risk %4).")
                               .arg(r.user, r.alertId, r.severity)
                               .arg(qRound(r.peakRisk)),
                           tr("Decision: %1").arg(r.decision), tr("Detections: %1").arg(r.detections.join(u", ")),
                           tr("Source IPs: %1").arg(r.sourceIps.join(u", ")),
                           tr("Step-up challenge: %1").arg(r.stepUp)};
    if (!r.profile.isEmpty()) {
        description.append(tr("Person: %1, %2, %3; manager %4")
                               .arg(r.profile.value(u"displayName").toString(), r.profile.value(u"title").toString(),
                                    r.profile.value(u"department").toString(), r.profile.value(u"manager").toString()));
    }
    if (!m_settings.oktaAdminUrl.isEmpty() && !r.userId.isEmpty())
        description.append(QString(m_settings.oktaAdminUrl + u"/admin/user/profile/view/"_qs + r.userId));
    description.append(tr("To restore access: confirm with the person on a known channel, reset their password and "
                          "factors, then unsuspend in Vigil (vigil alert unsuspend %1 --reason …).")
                           .arg(r.alertId));
    const QJsonObject ticket{{u"summary"_qs, tr("Okta account %1 suspended by Vigil (%2)").arg(r.user, r.severity)},
                             {u"description"_qs, description},
                             {u"labels"_qs, QJsonArray{u"vigil"_qs, u"okta"_qs, u"account-takeover"_qs}},
                             {u"severity"_qs, r.severity},
                             {u"user"_qs, r.user},
                             {u"alert_id"_qs, r.alertId}};
    call(r, u"ticket"_qs, u"open_ticket"_qs, "POST", {}, QJsonDocument(ticket).toJson(QJsonDocument::Compact),
         u"ticket:"_qs + r.alertId);
    action(r, u"ticket"_qs);
}

void ResponseEngine::action(const AlertResponse& r, const QString& kind)
{
    // Okta-changing actions are dry in monitor mode; everything is dry in a replay.
    const bool changesOkta = kind == u"step_up" || kind == u"clear_sessions" || kind == u"auto_suspend";
    const bool dry = m_settings.dryRun || (changesOkta && m_settings.mode == Mode::Monitor);
    m_audit.append(u"action"_qs, u"vigil"_qs, r.alertId,
                   QJsonObject{{u"kind"_qs, kind},
                               {u"user"_qs, r.user},
                               {u"at_ms"_qs, now()},
                               {u"at"_qs, okta::formatTimestampMs(now())},
                               {u"dry_run"_qs, dry}});
}

QList<ActionRecord> ResponseEngine::actions(const audit::AuditLog& audit)
{
    QList<ActionRecord> out;
    for (const audit::AuditRecord& rec : audit.all()) {
        if (rec.kind != u"action") continue;
        ActionRecord a;
        a.atMs = qint64(rec.details.value(u"at_ms").toDouble(double(rec.atMs)));
        a.user = rec.details.value(u"user").toString();
        a.kind = rec.details.value(u"kind").toString();
        a.dryRun = rec.details.value(u"dry_run").toBool(true);
        a.alertId = rec.subject;
        out.append(a);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ActionRecord& x, const ActionRecord& y) { return x.atMs < y.atMs; });
    return out;
}

std::optional<Suppression> ResponseEngine::suppress(const QString& user,
                                                    const QStringList& detections,
                                                    const QString& owner,
                                                    const QString& reason,
                                                    qint64 expiresMs,
                                                    const QString& alertId,
                                                    QString* error)
{
    Suppression s;
    s.user = user;
    s.detections = detections;
    s.owner = owner;
    s.reason = reason;
    s.alertId = alertId;
    s.createdMs = now();
    s.expiresMs = expiresMs;
    std::optional<Suppression> added = m_suppressions.add(s, error);
    if (!added) return std::nullopt;
    AlertResponse subject;
    subject.alertId = alertId.isEmpty() ? u"suppression:"_qs + QString::number(added->id) : alertId;
    subject.user = user;
    m_audit.append(u"command"_qs, owner, subject.alertId,
                   QJsonObject{{u"command"_qs, u"suppress"_qs},
                               {u"suppression"_qs, added->id},
                               {u"user"_qs, user},
                               {u"detections"_qs, toArray(detections)},
                               {u"reason"_qs, reason},
                               {u"expires"_qs, okta::formatTimestampMs(expiresMs)}});
    emit logLine(tr("%1 suppressed alerts for %2 (%3) until %4: %5")
                     .arg(owner, user, detections.isEmpty() ? tr("all detections") : detections.join(u", "),
                          okta::formatTimestampMs(expiresMs), reason));
    return added;
}

bool ResponseEngine::liftSuppression(qint64 id, const QString& who, const QString& reason, QString* error)
{
    if (!m_suppressions.lift(id, now(), error)) return false;
    m_audit.append(u"command"_qs, who, u"suppression:"_qs + QString::number(id),
                   QJsonObject{{u"command"_qs, u"lift_suppression"_qs}, {u"reason"_qs, reason}});
    return true;
}

void ResponseEngine::recordAutoSuspension()
{
    const qint64 t = now();
    m_autoSuspensions.append(t);
    m_autoSuspensions.removeIf([t](qint64 at) { return at < t - 3600000; });
    const int limit = int(m_policy.number(u"response.max_auto_suspensions_per_hour"_qs));
    if (m_autoSuspensions.size() >= limit && !m_breakerOpen) {
        openBreaker(tr("%1 automatic suspensions within an hour").arg(m_autoSuspensions.size()));
    }
}

void ResponseEngine::checkSourceBreadth(const QString& ip, const QString& user)
{
    QSet<QString>& users = m_usersBySource[ip];
    users.insert(user);
    if (!m_breakerOpen && users.size() > int(m_policy.number(u"response.max_users_per_source"_qs))) {
        openBreaker(tr("one source, %1, is behind alerts of %2 users: a lockout attack must not suspend them all")
                        .arg(ip)
                        .arg(users.size()));
    }
}

void ResponseEngine::openBreaker(const QString& why)
{
    m_breakerOpen = true;
    AlertResponse breaker;
    breaker.alertId = kBreakerId;
    breaker.user = u"-"_qs;
    breaker.state = u"open"_qs;
    breaker.reason = why;
    breaker.openedMs = now();
    breaker.severity = u"critical"_qs;
    save(breaker);
    decision(breaker, u"circuit_breaker_open"_qs, {{u"why"_qs, why}});
    // Paged once, whatever happens next; the dedup key keeps PagerDuty to one incident too.
    QJsonObject event{
        {u"event_action"_qs, u"trigger"_qs},
        {u"dedup_key"_qs, kBreakerId},
        {u"payload"_qs, QJsonObject{{u"summary"_qs, tr("Vigil automation paused (step-up only): %1").arg(why)},
                                    {u"source"_qs, u"vigil"_qs},
                                    {u"severity"_qs, u"critical"_qs}}}};
    call(breaker, u"pagerduty"_qs, u"page_breaker"_qs, "POST", u"/v2/enqueue"_qs,
         QJsonDocument(event).toJson(QJsonDocument::Compact), u"breaker:"_qs + QString::number(now() / 3600000));
    emit logLine(tr("circuit breaker open: %1").arg(why));
}

bool ResponseEngine::resumeAutomation(const QString& who, const QString& reason, QString* error)
{
    if (!m_breakerOpen) {
        if (error) *error = tr("automation is not paused");
        return false;
    }
    if (reason.trimmed().isEmpty()) {
        if (error) *error = tr("a reason is required to resume automation");
        return false;
    }
    m_breakerOpen = false;
    m_autoSuspensions.clear();
    m_usersBySource.clear();
    AlertResponse breaker;
    breaker.alertId = kBreakerId;
    breaker.user = u"-"_qs;
    breaker.state = u"closed"_qs;
    breaker.reason = reason;
    save(breaker);
    command(breaker, u"resume_automation"_qs, who, reason);
    return true;
}

void ResponseEngine::onCallFinished(const OutboundCall& c)
{
    if (c.alertId == kProtectedId) {
        onProtectedListed(c);
        return;
    }
    AlertResponse* r = find(c.alertId);
    if (!r) return;
    const QJsonDocument body = QJsonDocument::fromJson(c.response);
    const bool ok = c.state == u"done";
    if (c.purpose == u"user_profile") {
        const QJsonObject profile = body.object().value(u"profile").toObject();
        r->profileState = ok ? u"done"_qs : u"failed"_qs;
        // Only what a responder needs: no phone numbers or addresses in pages and tickets.
        for (const QString& key : {u"displayName"_qs, u"email"_qs, u"department"_qs, u"title"_qs, u"manager"_qs,
                                   u"managerId"_qs, u"division"_qs, u"employeeNumber"_qs}) {
            if (profile.contains(key)) r->profile.insert(key, profile.value(key));
        }
        if (r->profile.value(u"displayName").toString().isEmpty()) {
            const QString name =
                QString(profile.value(u"firstName").toString() + u' ' + profile.value(u"lastName").toString())
                    .trimmed();
            if (!name.isEmpty()) r->profile.insert(u"displayName"_qs, name);
        }
        if (r->userId.isEmpty()) r->userId = body.object().value(u"id").toString();
        if (r->pageDueMs >= 0) {
            r->pageDueMs = -1;
            page(*r, u"trigger"_qs);
        }
        save(*r);
        armTimer();
        return;
    }
    if (c.purpose == u"open_ticket") {
        if (ok) {
            r->ticket = body.object().value(u"key").toString(body.object().value(u"id").toString());
            if (r->ticket.isEmpty()) r->ticket = tr("opened");
            emit logLine(tr("ticket %1 opened for %2").arg(r->ticket, r->user));
        } else {
            emit logLine(tr("opening a ticket for %1 failed: %2").arg(r->user, c.lastError));
        }
        save(*r);
        return;
    }
    if (c.purpose == u"list_factors") {
        QString verifyPath;
        for (const QJsonValue& f : body.array()) {
            const QJsonObject factor = f.toObject();
            if (factor.value(u"factorType").toString() == u"push" && factor.value(u"status").toString() == u"ACTIVE") {
                verifyPath =
                    QUrl(factor.value(u"_links").toObject().value(u"verify").toObject().value(u"href").toString())
                        .path();
                if (verifyPath.isEmpty()) {
                    verifyPath = u"/api/v1/users/"_qs + r->userId + u"/factors/"_qs + factor.value(u"id").toString()
                                 + u"/verify"_qs;
                }
                break;
            }
        }
        if (!ok || verifyPath.isEmpty()) {
            r->stepUp = ok ? u"no_push_factor"_qs : u"failed"_qs;
            save(*r);
            return;
        }
        call(*r, u"okta"_qs, u"push_verify"_qs, "POST", verifyPath, "{}", r->alertId + u":push"_qs);
    } else if (c.purpose == u"push_verify" || c.purpose == u"push_poll") {
        const QString result = body.object().value(u"factorResult").toString();
        if (!ok) {
            r->stepUp = u"failed"_qs;
        } else if (result == u"WAITING") {
            if (r->pushPollPath.isEmpty()) {
                r->pushPollPath =
                    QUrl(body.object().value(u"_links").toObject().value(u"poll").toObject().value(u"href").toString())
                        .path();
            }
            if (now() < r->pushDeadlineMs && !r->pushPollPath.isEmpty()) {
                OutboundCall poll;
                poll.service = u"okta"_qs;
                poll.purpose = u"push_poll"_qs;
                poll.method = "GET";
                poll.path = r->pushPollPath;
                poll.alertId = r->alertId;
                poll.user = r->user;
                poll.nextAttemptMs = now() + m_settings.pushPollEveryMs;
                m_outbox.enqueue(poll);
            } else {
                r->stepUp = u"TIMEOUT"_qs;
            }
        } else if (!result.isEmpty()) {
            r->stepUp = result; // SUCCESS, REJECTED, TIMEOUT
            decision(*r, u"step_up_outcome"_qs, {{u"result"_qs, result}});
            emit logLine(tr("step-up push for %1: %2").arg(r->user, result));
        }
        save(*r);
    } else if (c.purpose == u"suspend") {
        // Okta refuses to suspend a user who is not ACTIVE: the account is already where we want it.
        const QString code = body.object().value(u"errorCode").toString();
        if (!ok && c.lastStatus == 400 && code == u"E0000001") {
            decision(*r, u"suspend_noop"_qs, {{u"okta"_qs, body.object().value(u"errorSummary").toString()}});
        } else if (!ok) {
            r->decision += tr(" — the suspension call failed: %1").arg(c.lastError);
            emit logLine(tr("suspending %1 failed: %2").arg(r->user, c.lastError));
            save(*r);
        } else {
            emit logLine(tr("%1 is suspended in Okta").arg(r->user));
        }
    }
}

void ResponseEngine::onPagerDutyAcknowledged(const QString& alertId, const QString& who)
{
    AlertResponse* r = find(alertId);
    if (!r || r->state != u"suspension_pending") return;
    r->state = u"acknowledged"_qs;
    r->acknowledgedBy = who;
    r->deadlineMs = -1;
    r->pageDueMs = -1; // a page still waiting for the profile is not needed any more
    command(*r, u"acknowledge (PagerDuty)"_qs, who, tr("acknowledged in PagerDuty"));
    save(*r);
    armTimer();
}

bool ResponseEngine::acknowledge(const QString& alertId, const QString& who, const QString& reason, QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r || !r->isOpen()) {
        if (error) *error = tr("no open alert %1").arg(alertId);
        return false;
    }
    r->state = u"acknowledged"_qs;
    r->acknowledgedBy = who;
    r->reason = reason;
    r->deadlineMs = -1;
    if (r->pageDueMs >= 0) {
        // The on-call record should show the incident the analyst took: page now, then acknowledge.
        r->pageDueMs = -1;
        page(*r, u"trigger"_qs);
    }
    command(*r, u"acknowledge"_qs, who, reason);
    if (r->paged) page(*r, u"acknowledge"_qs);
    save(*r);
    armTimer();
    return true;
}

bool ResponseEngine::assign(const QString& alertId, const QString& who, const QString& assignee, QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r) {
        if (error) *error = tr("no alert %1").arg(alertId);
        return false;
    }
    r->assignee = assignee.trimmed();
    command(*r, u"assign"_qs, who, r->assignee);
    save(*r);
    return true;
}

bool ResponseEngine::overrideSuspension(const QString& alertId,
                                        const QString& who,
                                        const QString& reason,
                                        QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r || !r->isOpen() || r->state == u"suspended") {
        if (error) *error = tr("alert %1 has no pending suspension to override").arg(alertId);
        return false;
    }
    if (reason.trimmed().isEmpty()) {
        if (error) *error = tr("an override needs a reason");
        return false;
    }
    r->state = u"overridden"_qs;
    r->reason = reason;
    r->deadlineMs = -1;
    if (r->pageDueMs >= 0) {
        // The on-call record should show the incident the analyst took: page now, then acknowledge.
        r->pageDueMs = -1;
        page(*r, u"trigger"_qs);
    }
    command(*r, u"override"_qs, who, reason);
    save(*r);
    armTimer();
    return true;
}

bool ResponseEngine::suspendNow(const QString& alertId, const QString& who, const QString& reason, QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r || !r->isOpen()) {
        if (error) *error = tr("no open alert %1").arg(alertId);
        return false;
    }
    if (r->state == u"suspended") {
        if (error) *error = tr("%1 is already suspended").arg(r->user);
        return false;
    }
    command(*r, u"suspend"_qs, who, reason);
    // An analyst's explicit decision still respects monitor mode: nothing changes in Okta there.
    if (m_settings.mode == Mode::Monitor) {
        r->state = u"suspension_recommended"_qs;
        r->decision = tr("suspension requested by %1 (monitor mode: not sent to Okta)").arg(who);
        r->deadlineMs = -1;
        save(*r);
        return true;
    }
    r->deadlineMs = -1;
    r->pageDueMs = -1; // a page still waiting for the profile is not needed any more
    r->decision = tr("suspended by %1: %2").arg(who, reason);
    suspend(*r, r->decision, who);
    armTimer();
    return true;
}

bool ResponseEngine::unsuspend(const QString& alertId, const QString& who, const QString& reason, QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r || r->state != u"suspended") {
        if (error) *error = tr("alert %1 did not suspend anyone").arg(alertId);
        return false;
    }
    command(*r, u"unsuspend"_qs, who, reason);
    const QString uid = r->oktaUserKey();
    if (m_settings.mode == Mode::Enforce) {
        call(*r, u"okta"_qs, u"unsuspend"_qs, "POST", u"/api/v1/users/"_qs + uid + u"/lifecycle/unsuspend"_qs, {},
             u"unsuspend:"_qs + r->alertId + u':' + QString::number(now()));
    }
    r->state = u"acknowledged"_qs;
    r->reason = reason;
    save(*r);
    return true;
}

bool ResponseEngine::resolve(const QString& alertId, const QString& who, const QString& reason, QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r || !r->isOpen()) {
        if (error) *error = tr("no open alert %1").arg(alertId);
        return false;
    }
    r->state = u"resolved"_qs;
    r->reason = reason;
    r->deadlineMs = -1;
    r->pageDueMs = -1; // a page still waiting for the profile is not needed any more
    command(*r, u"resolve"_qs, who, reason);
    if (r->paged) page(*r, u"resolve"_qs);
    save(*r);
    armTimer();
    return true;
}

bool ResponseEngine::falsePositive(const QString& alertId, const QString& who, const QString& reason, QString* error)
{
    AlertResponse* r = find(alertId);
    if (!r || !r->isOpen()) {
        if (error) *error = tr("no open alert %1").arg(alertId);
        return false;
    }
    if (reason.trimmed().isEmpty()) {
        if (error) *error = tr("a false positive needs a reason");
        return false;
    }
    r->state = u"false_positive"_qs;
    r->reason = reason;
    r->deadlineMs = -1;
    r->pageDueMs = -1; // a page still waiting for the profile is not needed any more
    command(*r, u"false_positive"_qs, who, reason);
    if (r->paged) page(*r, u"resolve"_qs);
    save(*r);
    armTimer();
    return true;
}

} // namespace vigil::response

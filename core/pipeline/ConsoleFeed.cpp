// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/ConsoleFeed.h"

#include "core/okta/LogEvent.h"
#include "core/pipeline/LiveSession.h"
#include "core/risk/Geo.h"

#include <QDateTime>
#include <QHash>
#include <QMetaMethod>

#include <algorithm>

namespace vigil::pipeline {

namespace {

constexpr int kTrendSamples = 30;
constexpr int kTopUsers = 50;
constexpr int kMaxSignInsPerSnapshot = 20000; // the map keeps its own bounded history
constexpr int kMaxLogLinesPerSnapshot = 200;

bool isSignInEvent(std::string_view type)
{
    return type == "user.session.start" || type == "user.authentication.sso"
           || type == "user.authentication.auth_via_mfa" || type == "user.authentication.verify"
           || type == "user.authentication.auth_via_AD_agent";
}

struct LastSignIn
{
    double lat = 0, lon = 0;
    QString place;
    qint64 atMs = 0;
};

} // namespace

struct ConsoleFeed::State
{
    qint64 sequence = 0;
    qint64 lastPublishedMs = 0;
    bool dirty = true;
    qint64 lastEventMs = 0;
    QHash<QString, QList<double>> trends; // user -> risk samples
    QHash<QString, ConsoleUser> risky;    // users with a risk above zero
    QHash<QString, QString> lastCountry;  // user -> country of their last event
    QHash<QString, LastSignIn> lastSignIn;
    QList<ConsoleSignIn> signIns;
    QList<ConsoleArc> arcs;
    QStringList logLines;
    QList<qint64> signInTimes, failureTimes; // wall time of recent sign-ins, for per-minute rates
};

ConsoleFeed::ConsoleFeed(LiveSession& session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_state(std::make_unique<State>())
{
    qRegisterMetaType<std::shared_ptr<const ConsoleSnapshot>>();
    qRegisterMetaType<response::AnalystCommand>();
    qRegisterMetaType<response::CommandResult>();
    connect(&session.pipeline(), &LivePipeline::batchScored, this, &ConsoleFeed::onBatch);
    connect(&session.pipeline(), &LivePipeline::alertChanged, this, [this] { m_state->dirty = true; });
    for (const QString& line : session.recentLogLines())
        addLogLine(line);
    connect(&session, &LiveSession::logLine, this, &ConsoleFeed::addLogLine);
    if (response::ResponseEngine* r = session.responses()) {
        connect(r, &response::ResponseEngine::responseChanged, this, [this] { m_state->dirty = true; });
    }
    // Ten snapshots a second at most: the UI redraws in batches, never per event.
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &ConsoleFeed::publish);
    m_timer.start();
}

ConsoleFeed::~ConsoleFeed() = default;

void ConsoleFeed::onBatch(const QList<okta::LogEvent>& events)
{
    State& s = *m_state;
    const risk::RiskEngine& engine = m_session.pipeline().engine();
    const qint64 wall = QDateTime::currentMSecsSinceEpoch();
    QSet<QString> touched;
    for (const okta::LogEvent& e : events) {
        s.lastEventMs = std::max(s.lastEventMs, e.publishedMs());
        const QString user = okta::LogEvent::qs(e.actorAlternateId());
        if (user.isEmpty()) continue;
        touched.insert(user);
        if (!e.country().empty()) s.lastCountry.insert(user, okta::LogEvent::qs(e.country()));
        if (!isSignInEvent(e.eventType())) continue;
        const bool success = e.outcomeResult() == "SUCCESS";
        (success ? s.signInTimes : s.failureTimes).append(wall);
        if (!e.hasGeolocation()) continue;
        ConsoleSignIn p;
        p.user = user;
        p.ip = okta::LogEvent::qs(e.clientIp());
        p.city = okta::LogEvent::qs(e.str(okta::LogEvent::Str::City));
        p.country = okta::LogEvent::qs(e.country());
        p.lat = e.latitude();
        p.lon = e.longitude();
        p.atMs = e.publishedMs();
        p.success = success;
        p.risk = engine.riskAt(user, e.publishedMs());
        if (s.signIns.size() < kMaxSignInsPerSnapshot) s.signIns.append(p);
        if (!success) continue;
        // An impossible-travel finding for this very sign-in becomes an arc from the previous one.
        const LastSignIn previous = s.lastSignIn.value(user);
        const QString place = risk::placeName(p.city, p.country);
        if (s.lastSignIn.contains(user)) {
            const QList<risk::Contribution> cs = engine.contributions(user);
            const QString uuid = okta::LogEvent::qs(e.uuid());
            for (qsizetype i = cs.size() - 1; i >= 0 && i >= cs.size() - 4; --i) {
                if (cs.at(i).detection != u"impossible_travel" || !cs.at(i).eventUuids.contains(uuid)) continue;
                ConsoleArc arc;
                arc.user = user;
                arc.fromLat = previous.lat;
                arc.fromLon = previous.lon;
                arc.toLat = p.lat;
                arc.toLon = p.lon;
                arc.fromPlace = previous.place;
                arc.toPlace = place;
                arc.atMs = p.atMs;
                arc.risk = p.risk;
                const double km = risk::greatCircleKm(previous.lat, previous.lon, p.lat, p.lon);
                const double hours = std::max<qint64>(60000, p.atMs - previous.atMs) / 3600000.0;
                arc.speedKmh = km / hours;
                s.arcs.append(arc);
                break;
            }
        }
        s.lastSignIn.insert(user, LastSignIn{p.lat, p.lon, place, p.atMs});
    }
    for (const QString& user : std::as_const(touched)) {
        const double risk = engine.riskAt(user, s.lastEventMs);
        if (risk >= 1) {
            ConsoleUser& u = s.risky[user];
            u.user = user;
            u.lastSeenMs = s.lastEventMs;
        }
    }
    s.dirty = true;
}

void ConsoleFeed::addLogLine(const QString& line)
{
    m_state->logLines.append(line);
    if (m_state->logLines.size() > kMaxLogLinesPerSnapshot) m_state->logLines.removeFirst();
    m_state->dirty = true;
}

void ConsoleFeed::publishNow()
{
    m_state->dirty = true;
    publish();
}

void ConsoleFeed::publish()
{
    // Until a window listens, keep what is new (log lines, sign-ins, arcs are sent once, as news):
    // a window that attaches a moment after the session started still sees how it started.
    static const QMetaMethod snapshotSignal = QMetaMethod::fromSignal(&ConsoleFeed::snapshot);
    if (!isSignalConnected(snapshotSignal)) return;
    State& s = *m_state;
    const qint64 wall = QDateTime::currentMSecsSinceEpoch();
    // Once a second even when nothing changed: health, countdowns and rates move on their own.
    static constexpr qint64 kQuietEveryMs = 1000;
    if (!s.dirty && wall - s.lastPublishedMs < kQuietEveryMs) return;
    s.lastPublishedMs = wall;
    s.dirty = false;

    auto snap = std::make_shared<ConsoleSnapshot>();
    snap->wallMs = wall;
    snap->sequence = ++s.sequence;
    const risk::RiskEngine& engine = m_session.pipeline().engine();
    const qint64 at = std::max(s.lastEventMs, engine.lastEventMs());

    // Users: current risk, trend, detections, last place; the decayed ones leave the board.
    QList<ConsoleUser> users;
    for (auto it = s.risky.begin(); it != s.risky.end();) {
        const double risk = engine.riskAt(it.key(), at);
        if (risk < 1) {
            s.trends.remove(it.key());
            it = s.risky.erase(it);
            continue;
        }
        QList<double>& trend = s.trends[it.key()];
        trend.append(risk);
        if (trend.size() > kTrendSamples) trend.removeFirst();
        ConsoleUser u = it.value();
        u.risk = risk;
        u.trend = trend;
        QStringList detections;
        for (const risk::Contribution& c : engine.contributions(it.key())) {
            if (!detections.contains(c.detection)) detections.append(c.detection);
        }
        u.detections = detections;
        const LastSignIn last = s.lastSignIn.value(it.key());
        u.lastPlace = last.place.isEmpty() ? s.lastCountry.value(it.key()) : last.place;
        users.append(u);
        ++it;
    }
    std::sort(users.begin(), users.end(), [](const ConsoleUser& a, const ConsoleUser& b) { return a.risk > b.risk; });
    snap->usersWatched = int(engine.trackedUsers());
    snap->topUsers = users.mid(0, kTopUsers);

    // Alerts joined with their responses (by alert id, or by user for an alert that joined one). In team
    // mode another console's engine may have numbered the alert differently ("alert-<opened>-<n>"): then
    // by user and opening time.
    QHash<QString, response::AlertResponse> responsesByAlert, openResponseByUser, responseByOpening;
    response::ResponseEngine* responses = m_session.responses();
    if (responses) {
        for (const response::AlertResponse& r : responses->responses()) {
            responsesByAlert.insert(r.alertId, r);
            if (r.isOpen()) openResponseByUser.insert(r.user, r);
            responseByOpening.insert(r.user + u'|' + r.alertId.left(r.alertId.lastIndexOf(u'-') + 1), r);
        }
        snap->mode = response::modeName(responses->mode());
        snap->breakerOpen = responses->breakerOpen();
    }
    const team::TeamStatus team = m_session.teamStatus();
    snap->teamMode = team.teamMode;
    snap->teamConnected = team.connected;
    snap->teamLeading = team.leading;
    snap->teamLeader = team.leader;
    for (const team::TeamMember& m : team.members)
        snap->teamMembers.append(m.who);
    QSet<QString> shownResponses;
    for (const risk::Alert& a : engine.alerts()) {
        ConsoleAlert c;
        c.alertId = a.id;
        c.user = a.user;
        c.peakRisk = a.peakRisk;
        c.risk = engine.riskAt(a.user, at);
        c.severity = risk::RiskEngine::severityFor(a.peakRisk, engine.policy());
        c.detections = a.detections;
        c.openedMs = a.openedAtMs;
        c.lastSeenMs = a.lastSeenMs;
        c.sourceIps = a.sourceIps;
        c.events = a.events;
        if (a.eventIds.size() <= ConsoleAlert::kMaxEventUuids)
            c.eventUuids = QStringList(a.eventIds.begin(), a.eventIds.end());
        c.country = s.lastCountry.value(a.user);
        c.riskTrend = s.trends.value(a.user);
        c.state = u"detected"_qs;
        std::optional<response::AlertResponse> r;
        const QString opening = a.user + u"|alert-"_qs + QString::number(a.openedAtMs) + u'-';
        if (responsesByAlert.contains(a.id))
            r = responsesByAlert.value(a.id);
        else if (responseByOpening.contains(opening))
            r = responseByOpening.value(opening);
        else if (openResponseByUser.contains(a.user))
            r = openResponseByUser.value(a.user);
        if (r) {
            if (shownResponses.contains(r->alertId)) continue; // a later alert that joined the same response
            shownResponses.insert(r->alertId);
            c.alertId = r->alertId; // commands address the response
            c.state = r->state;
            c.deadlineMs = r->state == u"suspension_pending" ? r->deadlineMs : -1;
            c.decision = r->decision;
            c.stepUp = r->stepUp;
            c.ticket = r->ticket;
            c.acknowledgedBy = r->acknowledgedBy;
            c.assignee = r->assignee;
            c.profile = r->profile;
            c.peakRisk = std::max(c.peakRisk, r->peakRisk);
            c.severity = r->severity.isEmpty() ? c.severity : r->severity;
        }
        const QList<risk::Contribution> cs = engine.contributions(a.user);
        for (qsizetype i = std::max<qsizetype>(0, cs.size() - 8); i < cs.size(); ++i) {
            const risk::Contribution& x = cs.at(i);
            c.reasons.append(
                QString(u'+' + QString::number(qRound(x.points)) + u' ' + x.detection + u": "_qs + x.reason));
        }
        snap->alerts.append(c);
    }

    snap->newSignIns = std::exchange(s.signIns, {});
    snap->newArcs = std::exchange(s.arcs, {});
    snap->newLogLines = std::exchange(s.logLines, {});
    snap->health = m_session.pipeline().health().toJson();
    snap->storedEvents = m_session.store().eventCount();
    snap->storeBytes = m_session.store().sizeOnDisk();
    s.signInTimes.removeIf([wall](qint64 t) { return t < wall - 60000; });
    s.failureTimes.removeIf([wall](qint64 t) { return t < wall - 60000; });
    snap->signInsLastMinute = int(s.signInTimes.size());
    snap->failuresLastMinute = int(s.failureTimes.size());
    emit snapshot(snap);
}

void ConsoleFeed::command(const response::AnalystCommand& command)
{
    const response::CommandResult result = m_session.command(command);
    emit commandFinished(command, result);
    publishNow();
}

} // namespace vigil::pipeline

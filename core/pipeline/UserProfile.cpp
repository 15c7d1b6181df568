// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/UserProfile.h"

#include "core/okta/EventParser.h"
#include "core/pipeline/ConsoleFeed.h"
#include "core/store/EventStore.h"

#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace vigil::pipeline {

namespace {

using Str = okta::LogEvent::Str;
using okta::Behavior;

QString text(const okta::LogEvent& e, Str field)
{
    return okta::LogEvent::qs(e.str(field));
}

bool known(const QString& value)
{
    return !value.isEmpty() && value.compare(u"UNKNOWN", Qt::CaseInsensitive) != 0
           && value.compare(u"null", Qt::CaseInsensitive) != 0;
}

// Okta writes browsers in capitals ("CHROME"); "Chrome" reads better beside "Mac OS X".
QString browserName(const QString& browser)
{
    if (browser.isEmpty() || browser != browser.toUpper()) return browser;
    QString out = browser.toLower();
    bool startOfWord = true;
    for (QChar& c : out) {
        if (startOfWord) c = c.toUpper();
        startOfWord = c == u'_' || c == u' ';
        if (c == u'_') c = u' ';
    }
    return out;
}

// An Okta user id, not the "unknown" Okta writes for a failed sign-in with a name it does not know.
bool isOktaId(const QString& id)
{
    return !id.isEmpty() && id.compare(u"unknown", Qt::CaseInsensitive) != 0;
}

struct DeviceIdentity
{
    QString key, label, detail;
};

DeviceIdentity deviceOf(const okta::LogEvent& e)
{
    const QString browser = text(e, Str::UserAgentBrowser);
    const QString os = text(e, Str::UserAgentOs);
    const QString kind = text(e, Str::ClientDevice);
    const QString fingerprint = text(e, Str::DeviceFingerprint);
    QString family;
    if (known(browser) && known(os))
        family = UserProfileBuilder::tr("%1 on %2").arg(browserName(browser), os);
    else if (known(browser))
        family = browserName(browser);
    else if (known(os))
        family = os;
    else
        family = text(e, Str::UserAgentRaw).left(60); // python-requests/2.31: tools say who they are
    if (family.isEmpty()) family = UserProfileBuilder::tr("unknown client");
    if (known(kind)) family += u" · "_qs + kind;

    DeviceIdentity d;
    d.label = family;
    if (!fingerprint.isEmpty()) {
        d.key = u"fp:"_qs + fingerprint;
        d.detail = fingerprint;
    } else {
        d.key = u"ua:"_qs + family.toLower();
    }
    return d;
}

QString placeKeyOf(const QString& city, const QString& state, const QString& country)
{
    if (!known(city) && !known(country)) return {};
    return (city + u'|' + state + u'|' + country).toLower();
}

QStringList behaviorsOf(const okta::LogEvent& e)
{
    QStringList out;
    for (quint16 bit = 1; bit != 0 && bit <= static_cast<quint16>(Behavior::NewAsn); bit <<= 1) {
        const auto b = static_cast<Behavior>(bit);
        if (e.behaviorPositive(b)) out.append(okta::LogEvent::qs(okta::behaviorName(b)));
    }
    return out;
}

// Okta's own verdict that a device or place is new to the user.
constexpr quint16 kNewDeviceBits = quint16(Behavior::NewDevice);
constexpr quint16 kNewPlaceBits =
    quint16(Behavior::NewGeoLocation) | quint16(Behavior::NewCity) | quint16(Behavior::NewCountry);

bool feeds(const UserAlertLink& link, const UserEvent& e)
{
    if (!link.eventUuids.isEmpty()) return link.eventUuids.contains(e.uuid);
    return !e.ip.isEmpty() && link.sourceIps.contains(e.ip) && e.atMs >= link.openedMs && e.atMs <= link.lastSeenMs;
}

// The user's stored events in [fromMs, toMs), oldest first, at most `limit` of them: the newest ones.
// One query when they fit, which is the usual case; otherwise an hour at a time from the newest back,
// because the store answers oldest first.
QList<QByteArray> newestEvents(
    const store::EventStore& store, const QByteArray& login, qint64 fromMs, qint64 toMs, int limit, bool* truncated)
{
    const std::string_view name(login.constData(), size_t(login.size()));
    *truncated = false;
    QList<QByteArray> all = store.eventsForActor(name, fromMs, toMs, limit < 0 ? -1 : limit + 1);
    if (limit < 0 || all.size() <= limit) return all;

    *truncated = true;
    QList<QList<QByteArray>> hours; // newest hour first
    qsizetype kept = 0;
    for (qint64 end = toMs; end > fromMs && kept < limit; end -= UserProfileRequest::kHourMs) {
        const qint64 start = std::max(fromMs, end - UserProfileRequest::kHourMs);
        QList<QByteArray> hour = store.eventsForActor(name, start, end, -1);
        if (kept + hour.size() > limit) hour = hour.mid(hour.size() - (limit - kept)); // its newest
        kept += hour.size();
        hours.append(hour);
    }
    QList<QByteArray> out;
    out.reserve(kept);
    for (auto it = hours.crbegin(); it != hours.crend(); ++it)
        out.append(*it);
    return out;
}

} // namespace

QList<UserAlertLink> UserProfileRequest::alertsOfUser() const
{
    QList<UserAlertLink> out;
    for (const UserAlertLink& link : alerts) {
        if (link.user.isEmpty() || link.user.compare(login, Qt::CaseInsensitive) == 0) out.append(link);
    }
    return out;
}

UserAlertLink UserAlertLink::from(const ConsoleAlert& alert)
{
    UserAlertLink link;
    link.alertId = alert.alertId;
    link.user = alert.user;
    link.detections = alert.detections;
    link.sourceIps = alert.sourceIps;
    link.openedMs = alert.openedMs;
    link.lastSeenMs = alert.lastSeenMs;
    link.eventUuids = alert.eventUuids;
    return link;
}

RiskContribution RiskContribution::parse(const QString& line)
{
    static const QRegularExpression shape(u"^\\s*([+-]?\\d+)\\s+([A-Za-z0-9_.-]+):\\s*(.*)$"_qs,
                                          QRegularExpression::DotMatchesEverythingOption);
    RiskContribution c;
    const QRegularExpressionMatch m = shape.match(line);
    if (!m.hasMatch()) {
        c.reason = line.trimmed();
        return c;
    }
    c.points = m.captured(1).toInt();
    c.detection = m.captured(2);
    c.reason = m.captured(3).trimmed();
    return c;
}

QList<RiskContribution> RiskContribution::of(const QList<ConsoleAlert>& alerts)
{
    QList<const ConsoleAlert*> newestFirst;
    for (const ConsoleAlert& a : alerts)
        newestFirst.append(&a);
    std::stable_sort(newestFirst.begin(), newestFirst.end(),
                     [](const ConsoleAlert* a, const ConsoleAlert* b) { return a->lastSeenMs > b->lastSeenMs; });
    QList<RiskContribution> out;
    QSet<QString> seen;
    for (const ConsoleAlert* a : std::as_const(newestFirst)) {
        for (auto it = a->reasons.crbegin(); it != a->reasons.crend(); ++it) {
            if (seen.contains(*it)) continue;
            seen.insert(*it);
            RiskContribution c = parse(*it);
            c.alertId = a->alertId;
            out.append(c);
        }
    }
    return out;
}

QString UserEvent::place() const
{
    QStringList parts;
    if (known(city)) parts << city;
    if (known(country)) parts << country;
    return parts.join(u", ");
}

UserEvent::Outcome UserProfileBuilder::classify(QStringView result)
{
    if (result.compare(u"SUCCESS", Qt::CaseInsensitive) == 0 || result.compare(u"ALLOW", Qt::CaseInsensitive) == 0)
        return UserEvent::Outcome::Success;
    if (result.compare(u"FAILURE", Qt::CaseInsensitive) == 0 || result.compare(u"DENY", Qt::CaseInsensitive) == 0
        || result.compare(u"REJECTED", Qt::CaseInsensitive) == 0)
        return UserEvent::Outcome::Failure;
    return UserEvent::Outcome::Other;
}

UserEvent UserProfileBuilder::toUserEvent(const okta::LogEvent& e)
{
    UserEvent u;
    u.uuid = okta::LogEvent::qs(e.uuid());
    u.atMs = e.publishedMs();
    u.eventType = okta::LogEvent::qs(e.eventType());
    u.displayMessage = text(e, Str::DisplayMessage);
    u.outcome = okta::LogEvent::qs(e.outcomeResult());
    u.reason = okta::LogEvent::qs(e.outcomeReason());
    u.kind = classify(u.outcome);
    u.ip = okta::LogEvent::qs(e.clientIp());
    if (!known(u.ip)) u.ip.clear();
    u.city = text(e, Str::City);
    u.state = text(e, Str::State);
    u.country = text(e, Str::Country);
    u.userAgent = text(e, Str::UserAgentRaw);
    const DeviceIdentity device = deviceOf(e);
    u.client = device.label;
    u.deviceKey = device.key;
    u.fingerprint = device.detail;
    u.placeKey = placeKeyOf(u.city, u.state, u.country);
    u.oktaBehaviors = behaviorsOf(e);
    return u;
}

void UserProfileBuilder::addEvents(UserProfile& p,
                                   const QList<okta::LogEvent>& events,
                                   const UserProfileRequest& request)
{
    const qint64 newSince = p.toMs - request.newWithinMs;
    QHash<QString, qsizetype> deviceIndex, placeIndex;
    QHash<QString, bool> deviceFlagged, placeFlagged; // Okta called it new on one of its events
    bool historyBeforeNew = false;                    // the user has events older than the "new" cutoff
    QString actorId, targetId;

    const qint64 firstHour = p.hours.isEmpty() ? 0 : p.hours.first().startMs;
    for (const okta::LogEvent& e : events) {
        UserEvent u = toUserEvent(e);
        if (u.atMs < newSince) historyBeforeNew = true;

        // Who the user is in Okta: the newest of their own ids and names.
        const QString id = text(e, Str::ActorId);
        if (isOktaId(id)) actorId = id;
        const QString name = text(e, Str::ActorDisplayName);
        if (known(name)) p.displayName = name;
        for (qsizetype i = 0; i < e.targetCount(); ++i) {
            const okta::LogEvent::TargetView t = e.target(i);
            if (okta::LogEvent::qs(t.alternateId).compare(p.login, Qt::CaseInsensitive) == 0
                && isOktaId(okta::LogEvent::qs(t.id)))
                targetId = okta::LogEvent::qs(t.id);
        }

        const auto count = [&u](QList<UserSighting>& list, QHash<QString, qsizetype>& index, const QString& key,
                                const QString& label, const QString& detail) {
            auto it = index.find(key);
            if (it == index.end()) {
                UserSighting s;
                s.key = key;
                s.label = label;
                s.detail = detail;
                s.firstSeenMs = u.atMs;
                it = index.insert(key, list.size());
                list.append(s);
            }
            UserSighting& s = list[*it];
            s.lastSeenMs = std::max(s.lastSeenMs, u.atMs);
            s.firstSeenMs = std::min(s.firstSeenMs, u.atMs);
            ++s.events;
            if (u.kind == UserEvent::Outcome::Failure) ++s.failures;
        };
        count(p.devices, deviceIndex, u.deviceKey, u.client, u.fingerprint);
        if (e.behaviorsPositive() & kNewDeviceBits) deviceFlagged[u.deviceKey] = true;
        if (!u.placeKey.isEmpty()) {
            count(p.places, placeIndex, u.placeKey, u.place(), known(u.state) ? u.state : QString());
            if (e.behaviorsPositive() & kNewPlaceBits) placeFlagged[u.placeKey] = true;
        }

        if (!p.hours.isEmpty() && u.atMs >= firstHour) {
            const qsizetype h = (u.atMs - firstHour) / UserProfileRequest::kHourMs;
            if (h < p.hours.size()) {
                UserHour& hour = p.hours[h];
                if (u.kind == UserEvent::Outcome::Success)
                    ++hour.success;
                else if (u.kind == UserEvent::Outcome::Failure)
                    ++hour.failure;
                else
                    ++hour.other;
            }
        }
        p.events.append(u);
    }
    if (p.oktaUserId.isEmpty()) p.oktaUserId = !actorId.isEmpty() ? actorId : targetId;

    const auto markNew = [&](QList<UserSighting>& list, const QHash<QString, bool>& flagged, const QString& flagWord) {
        for (UserSighting& s : list) {
            if (historyBeforeNew && s.firstSeenMs >= newSince) {
                s.isNew = true;
                s.newBecause = tr("first seen in the last %n hour(s) of the window", nullptr,
                                  int(request.newWithinMs / UserProfileRequest::kHourMs));
            } else if (flagged.value(s.key)) {
                s.isNew = true;
                s.newBecause = flagWord;
            }
        }
        std::sort(list.begin(), list.end(),
                  [](const UserSighting& a, const UserSighting& b) { return a.lastSeenMs > b.lastSeenMs; });
    };
    markNew(p.devices, deviceFlagged, tr("Okta reported a new device"));
    markNew(p.places, placeFlagged, tr("Okta reported a new location"));
    std::reverse(p.events.begin(), p.events.end()); // newest first
    linkAlerts(p.events, request.alertsOfUser());
}

void UserProfileBuilder::linkAlerts(QList<UserEvent>& events, const QList<UserAlertLink>& alerts)
{
    for (UserEvent& e : events) {
        e.alertIds.clear();
        e.detections.clear();
        for (const UserAlertLink& link : alerts) {
            if (!feeds(link, e)) continue;
            e.alertIds.append(link.alertId);
            for (const QString& d : link.detections) {
                if (!e.detections.contains(d)) e.detections.append(d);
            }
        }
    }
}

UserProfile UserProfileBuilder::build(const store::EventStore& store, const UserProfileRequest& request)
{
    UserProfile p;
    p.login = request.login;
    if (request.login.isEmpty()) {
        p.error = tr("No user given.");
        return p;
    }
    qint64 to = request.toMs;
    if (to < 0) to = store.newestPublishedMs().value_or(0);
    p.toMs = to;
    // Whole hours, the newest one holding `to`.
    const qint64 hour = UserProfileRequest::kHourMs;
    const qint64 lastHour = (to >= 0 ? to / hour : (to - hour + 1) / hour) * hour;
    const qsizetype hourCount = std::max<qint64>(1, request.spanMs / hour);
    p.fromMs = lastHour - (hourCount - 1) * hour;
    for (qsizetype i = 0; i < hourCount; ++i)
        p.hours.append(UserHour{p.fromMs + i * hour, 0, 0, 0});

    const QByteArray login = request.login.toUtf8();
    const QList<QByteArray> raw = newestEvents(store, login, p.fromMs, to + 1, request.limit, &p.truncated);
    okta::EventParser parser;
    QList<okta::LogEvent> events;
    events.reserve(raw.size());
    for (const QByteArray& json : raw) {
        okta::LogEvent e;
        okta::ParseError error;
        if (parser.parse(std::string_view(json.constData(), size_t(json.size())), e, error))
            events.append(std::move(e));
        else
            ++p.rejected;
    }
    p.coveredFromMs = p.truncated && !events.isEmpty() ? events.first().publishedMs() : p.fromMs;
    addEvents(p, events, request);

    QSqlDatabase db = store.database();
    if (!db.isOpen()) return p;

    // The automation's responses to the user's alerts.
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT data, user_id FROM responses WHERE user_login = ? ORDER BY opened_ms DESC"_qs);
    q.addBindValue(request.login);
    if (q.exec()) {
        while (q.next()) {
            response::AlertResponse r =
                response::AlertResponse::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
            if (r.userId.isEmpty()) r.userId = q.value(1).toString();
            if (p.oktaUserId.isEmpty() && isOktaId(r.userId)) p.oktaUserId = r.userId;
            p.responses.append(r);
        }
    } else {
        p.error = tr("Cannot read the responses: %1").arg(q.lastError().text());
    }

    response::Suppressions suppressions(db);
    if (suppressions.load()) {
        for (const response::Suppression& s : suppressions.all()) {
            if (s.user == request.login) p.suppressions.append(s);
        }
    }

    // Audit records are filed under an alert id (decisions, commands, calls) or under the user; a
    // suppression's under "suppression:<id>" when it came without an alert.
    QStringList subjects{request.login};
    for (const response::AlertResponse& r : std::as_const(p.responses))
        subjects.append(r.alertId);
    for (const UserAlertLink& link : request.alertsOfUser())
        subjects.append(link.alertId);
    for (const response::Suppression& s : std::as_const(p.suppressions)) {
        subjects.append(s.alertId.isEmpty() ? u"suppression:"_qs + QString::number(s.id) : s.alertId);
    }
    subjects.removeAll(QString());
    subjects.removeDuplicates();
    const audit::AuditLog audit(db);
    QSet<qint64> seen;
    for (const QString& subject : std::as_const(subjects)) {
        for (const audit::AuditRecord& r : audit.forSubject(subject)) {
            if (!seen.contains(r.seq)) {
                seen.insert(r.seq);
                p.audit.append(r);
            }
        }
    }
    std::sort(p.audit.begin(), p.audit.end(),
              [](const audit::AuditRecord& a, const audit::AuditRecord& b) { return a.seq > b.seq; });
    return p;
}

} // namespace vigil::pipeline

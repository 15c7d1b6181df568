// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/risk/RiskEngine.h"

#include "core/okta/FastHash.h"
#include "core/risk/Geo.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vigil::risk {

using Str = okta::LogEvent::Str;

namespace {

QString qs(std::string_view v)
{
    return okta::LogEvent::qs(v);
}

// A fast in-memory hash (eight bytes at a time) for lookups; stableHash() is for what is persisted.
quint64 lookupHash(std::string_view text)
{
    // A second mixing round: the actor table uses the low bits for its buckets.
    const quint64 h = okta::fastHash(text);
    return h * 0xc4ceb9fe1a85ec53ull ^ (h >> 32);
}

bool isFailure(const okta::LogEvent& e)
{
    return e.outcomeResult() == "FAILURE";
}

bool isSuccess(const okta::LogEvent& e)
{
    return e.outcomeResult() == "SUCCESS" || e.outcomeResult() == "ALLOW";
}

// Primary (first-factor) authentications: a failure here is a wrong password or unknown user.
bool isPrimaryAuthentication(std::string_view type)
{
    return type == "user.session.start" || type == "user.authentication.auth_via_AD_agent"
           || type == "user.authentication.auth_via_LDAP_agent" || type == "user.authentication.auth_via_radius"
           || type == "user.authentication.verify" || type == "user.authentication.authenticate";
}

bool isSignIn(std::string_view type)
{
    return type == "user.session.start" || type == "user.authentication.sso"
           || type == "user.authentication.auth_via_mfa" || type == "user.authentication.verify";
}

// Browser family and OS, e.g. "CHROME on Mac OS X": a new one for a known user is a new device.
QString deviceFamily(const okta::LogEvent& e)
{
    if (!e.has(Str::UserAgentBrowser) && !e.has(Str::UserAgentOs)) return {};
    return qs(e.str(Str::UserAgentBrowser)) + QStringLiteral(" on ") + qs(e.str(Str::UserAgentOs));
}

// The same family as a hash (0 when unknown): runs for every sign-in, so no strings are built.
quint64 deviceFamilyHash(const okta::LogEvent& e)
{
    if (!e.has(Str::UserAgentBrowser) && !e.has(Str::UserAgentOs)) return 0;
    return stableHash(e.str(Str::UserAgentOs), stableHash(" on ", stableHash(e.str(Str::UserAgentBrowser)))) | 1;
}

// Fingerprints and families share one set; a different seed keeps their hashes apart.
constexpr quint64 kFingerprintSeed = 0x9e3779b97f4a7c15ull;

template <typename Window> void pruneWindow(Window& window, qint64 nowMs, qint64 spanMs)
{
    while (!window.empty() && window.front().first <= nowMs - spanMs)
        window.pop_front();
}

QString minutes(qint64 ms)
{
    return QLocale().toString(std::max<qint64>(1, (ms + 59999) / 60000));
}

const QString kDetectionOrder[] = {
    u"brute_force"_qs,    u"password_spray"_qs, u"mfa_fatigue"_qs,    u"mfa_failure"_qs,       u"geo_risk"_qs,
    u"anonymizer"_qs,     u"off_hours"_qs,      u"new_device"_qs,     u"impossible_travel"_qs, u"threat_insight"_qs,
    u"session_hijack"_qs, u"factor_reset"_qs,   u"privilege_grant"_qs};
// business_hours.weekdays entries, Monday first.
const QString kDays[] = {u"Mon"_qs, u"Tue"_qs, u"Wed"_qs, u"Thu"_qs, u"Fri"_qs, u"Sat"_qs, u"Sun"_qs};
const QString kSettingPaths[] = {u"business_hours.end_hour"_qs,
                                 u"business_hours.start_hour"_qs,
                                 u"detections.brute_force.failures"_qs,
                                 u"detections.factor_reset.window_hours"_qs,
                                 u"detections.impossible_travel.max_speed_kmh"_qs,
                                 u"detections.impossible_travel.min_distance_km"_qs,
                                 u"detections.mfa_fatigue.pushes"_qs,
                                 u"detections.mfa_fatigue.rejections"_qs,
                                 u"detections.mfa_fatigue.success_after_points"_qs,
                                 u"detections.off_hours.min_days"_qs,
                                 u"detections.off_hours.min_signins"_qs,
                                 u"detections.password_spray.distinct_users"_qs};

} // namespace

RiskEngine::RiskEngine(Policy policy)
    : m_policy(std::move(policy))
    , m_halfLifeMs(num(u"scoring.half_life_hours"_qs) * 3600000.0)
    , m_alertThreshold(num(u"scoring.alert_threshold"_qs))
    , m_alwaysAlert(list(u"scoring.always_alert"_qs))
{
    // Policy lookups walk JSON by path: read each detection's settings once, not per event.
    for (const QString& id : detectionIds()) {
        const QString base = u"detections."_qs + id + u'.';
        const QJsonObject section = m_policy.json().value(u"detections").toObject().value(id).toObject();
        m_detections.insert(id, {m_policy.flag(base + u"enabled"_qs), m_policy.number(base + u"points"_qs),
                                 qint64(section.value(u"window_minutes").toDouble() * 60000.0)});
    }
    // The same, by index, for the per-event checks: no string hashing per event.
    static_assert(std::size(kDetectionOrder) == size_t(Det::Count_));
    for (size_t i = 0; i < m_det.size(); ++i)
        m_det[i] = m_detections.value(kDetectionOrder[i]);
    static_assert(std::size(kSettingPaths) == size_t(Setting::Count_));
    for (size_t i = 0; i < m_settings.size(); ++i)
        m_settings[i] = num(kSettingPaths[i]);
    // AS numbers on the anonymizer list, as numbers: an entry matches when it is written the way
    // QString::number() writes the event's AS number.
    static_assert(std::size(kDays) == 7);
    for (size_t day = 0; day < std::size(kDays); ++day) {
        if (list(u"business_hours.weekdays"_qs).contains(kDays[day])) m_workdays |= quint8(1u << day);
    }
    for (const QString& entry : list(u"detections.anonymizer.asns"_qs)) {
        bool ok = false;
        const qint64 asn = entry.toLongLong(&ok);
        if (ok && QString::number(asn) == entry) m_anonymizerAsns.insert(asn);
    }
}

bool RiskEngine::enabled(const QString& detection) const
{
    return m_detections.value(detection).enabled;
}

double RiskEngine::points(const QString& detection) const
{
    return m_detections.value(detection).points;
}

qint64 RiskEngine::windowMs(const QString& detection) const
{
    return m_detections.value(detection).windowMs;
}

RiskEngine::Actor& RiskEngine::actorOf(std::string_view utf8, quint64 h)
{
    // Events without an actor share one entry with an empty name, which never gets a state.
    if (m_actorSlots.empty()) m_actorSlots.resize(1024);
    const size_t mask = m_actorSlots.size() - 1;
    for (size_t i = size_t(h) & mask;; i = (i + 1) & mask) {
        const ActorSlot slot = m_actorSlots[i];
        if (!slot.actor) break;
        if (slot.hash == h && slot.actor->utf8.view() == utf8) return *slot.actor;
    }
    Actor& actor = m_actorRecords.emplace_back();
    actor.name = qs(utf8);
    actor.hash = stableHash(utf8);
    actor.utf8.assign(utf8);
    if ((m_actorRecords.size()) * 2 > m_actorSlots.size()) {
        // Grow and re-place every record (its lookup hash is recomputed: rare, and keeps slots small).
        std::vector<ActorSlot> grown(m_actorSlots.size() * 2);
        const size_t grownMask = grown.size() - 1;
        for (Actor& a : m_actorRecords) {
            const quint64 ah = lookupHash(a.utf8.view());
            size_t i = size_t(ah) & grownMask;
            while (grown[i].actor)
                i = (i + 1) & grownMask;
            grown[i] = {ah, &a};
        }
        m_actorSlots.swap(grown);
    } else {
        size_t i = size_t(h) & mask;
        while (m_actorSlots[i].actor)
            i = (i + 1) & mask;
        m_actorSlots[i] = {h, &actor};
    }
    return actor;
}

RiskEngine::UserState& RiskEngine::userState(const QString& user)
{
    auto it = m_users.find(user);
    if (it == m_users.end()) it = m_users.insert(user, &m_userStates.emplace_back());
    return **it;
}

const QString& RiskEngine::placeOf(const okta::LogEvent& e, const QString& country)
{
    constexpr size_t kMaxPlaces = 4096; // bounds memory against made-up city names
    if (m_places.size() >= kMaxPlaces) m_places.clear();
    m_placeKey.assign(e.str(Str::City));
    m_placeKey += '\0';
    m_placeKey += e.country();
    auto it = m_places.find(std::string_view(m_placeKey));
    if (it == m_places.end()) it = m_places.emplace(m_placeKey, placeName(qs(e.str(Str::City)), country)).first;
    return it->second;
}

double RiskEngine::num(const QString& path) const
{
    auto it = m_numbers.constFind(path);
    if (it == m_numbers.constEnd()) it = m_numbers.insert(path, m_policy.number(path));
    return *it;
}

const QStringList& RiskEngine::list(const QString& path) const
{
    auto it = m_lists.constFind(path);
    if (it == m_lists.constEnd()) it = m_lists.insert(path, m_policy.strings(path));
    return *it;
}

QString RiskEngine::severityFor(double risk, const Policy& policy)
{
    if (risk >= policy.number(u"severity.critical"_qs)) return QStringLiteral("critical");
    if (risk >= policy.number(u"severity.high"_qs)) return QStringLiteral("high");
    if (risk >= policy.number(u"severity.medium"_qs)) return QStringLiteral("medium");
    return QStringLiteral("low");
}

double RiskEngine::riskAt(const QString& user, qint64 atMs) const
{
    const auto it = m_users.constFind(user);
    if (it == m_users.constEnd()) return 0;
    double sum = 0;
    for (const Contribution& c : (*it)->contributions) {
        if (c.atMs > atMs) continue;
        sum += c.points * std::exp2(-double(atMs - c.atMs) / m_halfLifeMs);
    }
    return std::min(100.0, sum);
}

QList<Contribution> RiskEngine::contributions(const QString& user) const
{
    const auto it = m_users.constFind(user);
    return it == m_users.constEnd() ? QList<Contribution>() : (*it)->contributions;
}

QList<Alert> RiskEngine::alerts() const
{
    return m_alerts;
}

QList<IpFinding> RiskEngine::ipFindings() const
{
    return m_ipFindings.values();
}

void RiskEngine::contribute(const QString& user,
                            const okta::LogEvent& event,
                            const QString& detection,
                            double pts,
                            const QString& reason,
                            const QStringList& extraUuids)
{
    if (user.isEmpty() || pts <= 0) return;
    UserState& state = userState(user);
    Contribution c{detection, pts, event.publishedMs(), reason, extraUuids};
    const QString uuid = qs(event.uuid());
    if (!c.eventUuids.contains(uuid)) c.eventUuids.append(uuid);
    // Contributions older than ten half-lives weigh under 0.1%: drop them to bound memory.
    const qint64 horizon = event.publishedMs() - qint64(10 * m_halfLifeMs);
    state.contributions.removeIf([horizon](const Contribution& old) { return old.atMs < horizon; });
    state.contributions.append(c);
    if (!state.detections.contains(detection)) state.detections.append(detection);

    const double risk = riskAt(user, event.publishedMs());
    state.peakRisk = std::max(state.peakRisk, risk);
    // An always-alert detection on a sign-in that failed is an attack on the account, not (yet) a
    // compromise: a ThreatInsight-flagged password spray must not open thirty alerts. It still counts
    // towards the user's risk and the source's IP finding.
    const bool forced = m_alwaysAlert.contains(detection) && !isFailure(event);
    // Likewise a single failed password attempt (a spray's, an anonymizer's) raises the account's risk
    // but opens an alert only through brute_force: the attacker is the source's IP finding.
    const bool failedAttempt = isFailure(event) && isPrimaryAuthentication(event.eventType());
    const bool mayOpen = !failedAttempt || detection == u"brute_force";
    if (state.alertIndex < 0 && mayOpen && (risk >= m_alertThreshold || forced)) {
        Alert alert;
        alert.id = QStringLiteral("alert-%1-%2").arg(event.publishedMs()).arg(m_alerts.size() + 1);
        alert.user = user;
        alert.openedAtMs = event.publishedMs();
        // The alert carries what led to it, not only the detection that crossed the line.
        for (const Contribution& earlier : state.contributions) {
            if (!alert.detections.contains(earlier.detection)) alert.detections.append(earlier.detection);
            for (const QString& id : earlier.eventUuids)
                alert.eventIds.insert(id);
        }
        state.alertIndex = int(m_alerts.size());
        m_alerts.append(alert);
    }
    if (state.alertIndex >= 0) {
        Alert& alert = m_alerts[state.alertIndex];
        alert.lastSeenMs = event.publishedMs();
        // Where the trouble came from, for the responder and for "did it go on from there".
        const QString ip = qs(event.clientIp());
        if (!ip.isEmpty() && !alert.sourceIps.contains(ip) && alert.sourceIps.size() < 16) alert.sourceIps.append(ip);
        if (alert.userId.isEmpty() && qs(event.actorAlternateId()) == user)
            alert.userId = qs(event.str(okta::LogEvent::Str::ActorId));
        alert.peakRisk = std::max(alert.peakRisk, risk);
        if (!alert.detections.contains(detection)) alert.detections.append(detection);
        for (const QString& id : std::as_const(c.eventUuids))
            alert.eventIds.insert(id);
        alert.events = int(alert.eventIds.size());
    }
}

void RiskEngine::process(const okta::LogEvent& e)
{
    m_lastEventMs = std::max(m_lastEventMs, e.publishedMs());
    // The actor's slot and the session's slot are in tables of megabytes, read at random: their cache lines
    // are requested first, so that the misses overlap each other and the checks below instead of following
    // one another (with ~5,000 users they were a fifth of the engine's time).
    const std::string_view actorName = e.actorAlternateId();
    const quint64 actorHash = lookupHash(actorName);
    if (!m_actorSlots.empty()) prefetchLine(&m_actorSlots[size_t(actorHash) & (m_actorSlots.size() - 1)]);
    const std::optional<quint64> session = sessionKey(e);
    if (session) m_sessions.prefetch(*session);

    const std::string_view type = e.eventType();
    const bool primaryFailure = isPrimaryAuthentication(type) && isFailure(e);
    const bool mfa = type == "system.push.send_factor_verify_push" || type == "user.mfa.okta_verify.deny_push"
                     || type == "user.authentication.auth_via_mfa";
    const bool signIn = isSignIn(type) && isSuccess(e);
    const bool threat =
        det(Det::ThreatInsight).enabled
        && (type == "security.threat.detected" || e.threatSuspected() || e.riskLevel() == okta::OktaRiskLevel::High);
    // Most of an org's events (policy evaluations, app and admin activity) concern no detection of the
    // actor's: their actor is not looked up at all.
    Actor* actor = nullptr;
    if (primaryFailure || mfa || signIn || threat || session) actor = &actorOf(actorName, actorHash);

    if (primaryFailure) detectPrimaryFailure(*actor, e);
    if (mfa) detectMfa(*actor, e);
    if (signIn) detectSignIn(*actor, e);
    if (threat) detectThreat(*actor, e);
    if (type == "user.account.privilege.grant" || type == "group.privilege.grant") detectPrivilegeGrant(e);
    if (type == "user.mfa.factor.reset_all" || type == "user.mfa.factor.deactivate") detectFactorReset(e);
    if (session) detectSessionHijack(*actor, e, *session);
}

bool RiskEngine::hasBaseline(const UserState& state) const
{
    return state.baseline.signIns >= quint32(setting(Setting::OffHoursMinSignins))
           && state.baseline.signInDays >= quint32(setting(Setting::OffHoursMinDays));
}

void RiskEngine::detectFactorReset(const okta::LogEvent& e)
{
    if (!det(Det::FactorReset).enabled || !isSuccess(e)) return;
    // The user whose factors changed is the target; a self-service reset has none, so the actor.
    QString user;
    for (qsizetype i = 0; i < e.targetCount() && user.isEmpty(); ++i) {
        if (e.target(i).type == "User") user = qs(e.target(i).alternateId);
    }
    if (user.isEmpty()) user = qs(e.actorAlternateId());
    if (!user.isEmpty()) userState(user).factorResetMs = e.publishedMs();
}

namespace {

// A dotted IPv4 address into four bytes, or IPv6 (through QHostAddress) into sixteen; 0 when neither.
quint8 addressBytes(std::string_view text, std::array<quint8, 16>& out)
{
    int part = 0;
    int value = -1;
    bool v4 = !text.empty() && text.size() <= 15;
    for (size_t i = 0; v4 && i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            v4 = value <= 255;
        } else if (c == '.' && value >= 0 && part < 3) {
            out[size_t(part++)] = quint8(value);
            value = -1;
        } else {
            v4 = false;
        }
    }
    if (v4 && part == 3 && value >= 0) {
        out[3] = quint8(value);
        return 4;
    }
    if (text.find(':') == std::string_view::npos || text.size() > 64) return 0;
    const QHostAddress address(QString::fromLatin1(text.data(), qsizetype(text.size())));
    if (address.protocol() != QAbstractSocket::IPv6Protocol) return 0;
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    std::memcpy(out.data(), v6.c, 16);
    return 6;
}

QString addressText(quint8 kind, const std::array<quint8, 16>& bytes)
{
    if (kind == 4)
        return QString::number(bytes[0]) + u'.' + QString::number(bytes[1]) + u'.' + QString::number(bytes[2]) + u'.'
               + QString::number(bytes[3]);
    if (kind == 6) {
        Q_IPV6ADDR v6;
        std::memcpy(v6.c, bytes.data(), 16);
        return QHostAddress(v6).toString();
    }
    return u"?"_qs;
}

} // namespace

// Browser names are a handful (CHROME, FIREFOX, SAFARI…); a flood of made-up ones stops being told apart
// after 255, which only means no session_hijack from a browser change between two of those.
quint8 RiskEngine::browserIndex(std::string_view browser)
{
    if (browser.empty()) return 0;
    for (qsizetype i = 1; i < m_browsers.size(); ++i) {
        if (std::string_view(m_browsers.at(i).constData(), size_t(m_browsers.at(i).size())) == browser)
            return quint8(i);
    }
    if (m_browsers.size() > 255) return 0;
    m_browsers.append(QByteArray(browser.data(), qsizetype(browser.size())));
    return quint8(m_browsers.size() - 1);
}

std::optional<quint64> RiskEngine::sessionKey(const okta::LogEvent& e) const
{
    if (!det(Det::SessionHijack).enabled || e.actorAlternateId().empty() || !isSuccess(e) || !e.has(Str::ClientIp))
        return std::nullopt;
    // Session origins live in memory only, so the fast hash serves (stableHash() goes a byte at a time).
    const std::string_view session = e.str(Str::ExternalSessionId);
    if (!session.empty() && session != "unknown") return okta::fastHash(session);
    if (e.has(Str::DtHash)) return okta::fastHash(e.str(Str::DtHash)) ^ 0xd7a5b1c3e9f20b67ull; // apart from sessions
    return std::nullopt;
}

void RiskEngine::detectSessionHijack(const Actor& actor, const okta::LogEvent& e, quint64 key)
{
    const QString& user = actor.name;
    const std::string_view ip = e.clientIp();
    const std::string_view browser = e.str(Str::UserAgentBrowser);
    const quint64 userHash = actor.hash;
    const quint64 ipHash = okta::fastHash(ip);
    SessionOrigin* found = m_sessions.find(key, e.publishedMs());
    if (!found) {
        SessionOrigin origin;
        origin.userHash = userHash;
        origin.atMs = e.publishedMs();
        origin.ipHash = ipHash;
        origin.addressKind = addressBytes(ip, origin.address);
        origin.hasAsn = e.asNumber() >= 0;
        origin.asn = origin.hasAsn ? quint32(e.asNumber()) : 0;
        origin.browser = browserIndex(browser);
        m_sessions.insert(key, origin, e.publishedMs());
        return;
    }
    SessionOrigin& origin = *found;
    if (origin.flagged || origin.userHash != userHash || origin.ipHash == ipHash) return;
    const bool otherNetwork = origin.hasAsn && e.asNumber() >= 0 && qint64(origin.asn) != e.asNumber();
    const quint8 browserNow = browserIndex(browser);
    const bool otherBrowser = origin.browser != 0 && browserNow != 0 && origin.browser != browserNow;
    if (!otherNetwork && !otherBrowser) return;
    origin.flagged = true;
    const QString originAsn = origin.hasAsn ? QString::number(origin.asn) : u"?"_qs;
    const QString originBrowser = QString::fromLatin1(m_browsers.at(origin.browser));
    contribute(user, e, u"session_hijack"_qs, det(Det::SessionHijack).points,
               tr("session begun from %1 (AS%2, %3) reused from %4 (AS%5, %6) %7 min later")
                   .arg(addressText(origin.addressKind, origin.address), originAsn, originBrowser, qs(ip))
                   .arg(e.asNumber())
                   .arg(qs(browser), minutes(e.publishedMs() - origin.atMs)));
}

void RiskEngine::detectOffHours(const QString& user, const okta::LogEvent& e, UserState& state)
{
    if (!det(Det::OffHours).enabled || !e.hasGeolocation()) return;
    // Local solar time from the sign-in's longitude: close enough for "is this a usual hour".
    const qint64 localMs = e.publishedMs() + qint64(std::lround(e.longitude() / 15.0)) * 3600000;
    const int hour = int((localMs / 3600000) % 24 + 24) % 24;
    const int weekday = int(((localMs / 86400000) % 7 + 7 + 3) % 7); // 0 = Monday (1970-01-01 was a Thursday)
    // The words are only written for a finding: most sign-ins are at usual hours.
    const bool learned = hasBaseline(state);
    bool unusual = false;
    if (learned) {
        // Learned hours: no sign-in within an hour either side of this one.
        const std::array<quint16, 24>& hours = state.baseline.localHours;
        const int around = hours[size_t((hour + 23) % 24)] + hours[size_t(hour)] + hours[size_t((hour + 1) % 24)];
        unusual = around == 0;
    } else {
        const bool workday = m_workdays & (1u << weekday);
        unusual = !workday || hour < int(setting(Setting::BusinessHoursStartHour))
                  || hour >= int(setting(Setting::BusinessHoursEndHour));
    }
    // One finding per off-hours stretch: ten sign-ins during one late night are one unusual night.
    constexpr qint64 kStretchMs = 8 * 3600000;
    if (unusual && (state.lastOffHoursMs < 0 || e.publishedMs() - state.lastOffHoursMs >= kStretchMs)) {
        state.lastOffHoursMs = e.publishedMs();
        const QString why = learned
                                ? tr("signed in at %1:00 local time, outside this user's usual hours").arg(hour)
                                : tr("signed in at %1:00 local time on %2, outside business hours (no baseline yet)")
                                      .arg(hour)
                                      .arg(QLocale().dayName(weekday + 1));
        contribute(user, e, u"off_hours"_qs, det(Det::OffHours).points, why);
    }
    quint16& count = state.baseline.localHours[size_t(hour)];
    if (m_learning && count < 0xffff) ++count;
}

void RiskEngine::detectAnonymizer(const QString& user, const okta::LogEvent& e, UserState& state, bool anonymized)
{
    if (!det(Det::Anonymizer).enabled || !anonymized) return;
    // Once per source per hour: a brute force through Tor is one anonymizer finding, not fifty.
    const QString ip = qs(e.clientIp());
    if (state.lastAnonymizerIp == ip && e.publishedMs() - state.lastAnonymizerMs < 3600000) return;
    state.lastAnonymizerIp = ip;
    state.lastAnonymizerMs = e.publishedMs();
    const QString service = e.has(Str::Tunnels) ? qs(e.str(Str::Tunnels)) : qs(e.str(Str::Isp));
    contribute(user, e, u"anonymizer"_qs, det(Det::Anonymizer).points,
               isSuccess(e) ? tr("signed in through an anonymizer from %1 (%2)").arg(ip, service)
                            : tr("tried to sign in through an anonymizer from %1 (%2)").arg(ip, service));
}

void RiskEngine::detectPrimaryFailure(Actor& actor, const okta::LogEvent& e)
{
    const QString& user = actor.name;
    const qint64 now = e.publishedMs();
    if (!user.isEmpty() && e.eventType() == "user.session.start") {
        UserState& state = stateOf(actor);
        detectAnonymizer(user, e, state, det(Det::Anonymizer).enabled && isAnonymized(e));
    }
    const QString uuid = qs(e.uuid());
    if (!user.isEmpty() && det(Det::BruteForce).enabled) {
        UserState& state = stateOf(actor);
        const qint64 span = det(Det::BruteForce).windowMs;
        state.failures.emplace_back(now, uuid);
        pruneWindow(state.failures, now, span);
        const auto needed = size_t(setting(Setting::BruteForceFailures));
        const auto reason = [&] {
            return tr("%1 failed sign-ins in %2 min, the last from %3 (%4)")
                .arg(state.failures.size())
                .arg(minutes(now - state.failures.front().first))
                .arg(qs(e.clientIp()), qs(e.outcomeReason()));
        };
        if (state.failures.size() >= needed && (state.lastBruteForceMs < 0 || now - state.lastBruteForceMs >= span)) {
            state.lastBruteForceMs = now;
            QStringList uuids;
            for (const auto& f : state.failures)
                uuids.append(f.second);
            contribute(user, e, u"brute_force"_qs, det(Det::BruteForce).points, reason(), uuids);
        } else if (state.lastBruteForceMs >= 0 && now - state.lastBruteForceMs < span) {
            // The same burst goes on: the finding keeps its points but its words and evidence grow
            // ("8 failed sign-ins in 3 min"), so the analyst sees the whole attack, not its first second.
            for (auto it = state.contributions.rbegin(); it != state.contributions.rend(); ++it) {
                if (it->detection != u"brute_force") continue;
                it->reason = reason();
                it->eventUuids.append(uuid);
                if (state.alertIndex >= 0) {
                    Alert& alert = m_alerts[state.alertIndex];
                    alert.eventIds.insert(uuid);
                    alert.events = int(alert.eventIds.size());
                }
                break;
            }
        }
    }
    const QString ip = qs(e.clientIp());
    if (ip.isEmpty() || user.isEmpty() || !det(Det::PasswordSpray).enabled) return;
    IpState& ipState = m_ips[ip];
    if (m_learning) {
        if (ipState.baseline.failures == 0) ipState.baseline.firstSeenMs = now;
        ++ipState.baseline.failures;
        ipState.baseline.usersFailed.touch(actor.hash, now);
        ipState.baseline.updatedMs = now;
        ipState.baselineChanged = true;
    }
    const qint64 span = det(Det::PasswordSpray).windowMs;
    ipState.failures.emplace_back(now, user);
    pruneWindow(ipState.failures, now, span);
    // A window with fewer failures than the threshold has fewer users: most sources fail once or twice.
    const auto needed = qsizetype(setting(Setting::PasswordSprayDistinctUsers));
    if (qsizetype(ipState.failures.size()) < needed) return;
    QSet<QString> users;
    for (const auto& f : ipState.failures)
        users.insert(f.second);
    if (users.size() < needed) return;
    IpFinding& finding = m_ipFindings[ip];
    finding.ip = ip;
    if (!finding.detections.contains(u"password_spray"_qs)) finding.detections.append(u"password_spray"_qs);
    finding.usersTargeted.unite(users);
    // Each targeted user is charged once per spraying IP: a small share, not an alert of their own.
    for (const QString& target : std::as_const(users)) {
        if (ipState.sprayedUsers.contains(target)) continue;
        ipState.sprayedUsers.insert(target);
        contribute(target, e, u"password_spray"_qs, det(Det::PasswordSpray).points,
                   tr("targeted by a password spray from %1 (%2 accounts in %3 min)")
                       .arg(ip)
                       .arg(users.size())
                       .arg(minutes(now - ipState.failures.front().first)));
    }
}

void RiskEngine::detectMfa(Actor& actor, const okta::LogEvent& e)
{
    const QString& user = actor.name;
    if (user.isEmpty()) return;
    UserState& state = stateOf(actor);
    const qint64 now = e.publishedMs();
    const std::string_view type = e.eventType();
    const bool pushSent = type == "system.push.send_factor_verify_push";
    // Identity Engine logs a rejected push as a failed auth_via_mfa on the Okta Verify enrollment; a wrong
    // TOTP code fails the same way but is not a push, so the factor or the target must say Okta Verify.
    bool oktaVerify = e.str(Str::Factor) == "OKTA_VERIFY_PUSH";
    for (qsizetype i = 0; i < e.targetCount() && !oktaVerify; ++i) {
        oktaVerify = e.target(i).type == "AuthenticatorEnrollment" && e.target(i).displayName == "Okta Verify";
    }
    bool pushDenied = type == "user.mfa.okta_verify.deny_push"
                      || (type == "user.authentication.auth_via_mfa" && isFailure(e) && oktaVerify);
    // Classic can log one denial twice (deny_push and a failed auth_via_mfa): count a transaction once.
    if (pushDenied && e.has(Str::TransactionId)) {
        const QString transaction = qs(e.str(Str::TransactionId));
        if (state.lastDenialTransaction == transaction) pushDenied = false;
        state.lastDenialTransaction = transaction;
    }
    const bool mfaSuccess = type == "user.authentication.auth_via_mfa" && isSuccess(e);

    if (det(Det::MfaFatigue).enabled) {
        const qint64 span = det(Det::MfaFatigue).windowMs;
        if (pushSent || pushDenied) {
            const QString uuid = qs(e.uuid());
            if (pushSent) state.pushesSent.emplace_back(now, uuid);
            if (pushDenied) state.pushRejects.emplace_back(now, uuid);
        }
        pruneWindow(state.pushesSent, now, span);
        pruneWindow(state.pushRejects, now, span);
        const bool burst = state.pushRejects.size() >= size_t(setting(Setting::MfaFatigueRejections))
                           || state.pushesSent.size() >= size_t(setting(Setting::MfaFatiguePushes));
        if (burst && (pushSent || pushDenied) && (state.lastFatigueMs < 0 || now - state.lastFatigueMs >= span)) {
            state.lastFatigueMs = now;
            state.fatigueSuccessScored = false;
            // The evidence is the burst itself: every push sent and rejected in the window.
            QStringList burst;
            for (const auto* window : {&state.pushesSent, &state.pushRejects}) {
                for (const auto& p : *window)
                    burst.append(p.second);
            }
            contribute(user, e, u"mfa_fatigue"_qs, det(Det::MfaFatigue).points,
                       tr("%1 pushes sent and %2 rejected in %3 min")
                           .arg(state.pushesSent.size())
                           .arg(state.pushRejects.size())
                           .arg(minutes(span)),
                       burst);
            // The burst is scored: the next one must be a new burst, not these pushes again.
            state.pushesSent.clear();
            state.pushRejects.clear();
        } else if (mfaSuccess && state.lastFatigueMs >= 0 && now - state.lastFatigueMs < span
                   && !state.fatigueSuccessScored) {
            contribute(user, e, u"mfa_fatigue"_qs, setting(Setting::MfaFatigueSuccessAfterPoints),
                       tr("an MFA push was accepted right after a push burst: the user may have given in"));
            state.fatigueSuccessScored = true;
        }
    }
    if (det(Det::MfaFailure).enabled && type == "user.authentication.auth_via_mfa" && isFailure(e) && !pushDenied
        && state.lastPasswordOkMs >= 0 && now - state.lastPasswordOkMs <= det(Det::MfaFailure).windowMs) {
        contribute(user, e, u"mfa_failure"_qs, det(Det::MfaFailure).points,
                   tr("MFA failed after a correct password from %1 (%2)").arg(qs(e.clientIp()), qs(e.outcomeReason())));
    }
}

bool RiskEngine::isAnonymized(const okta::LogEvent& e) const
{
    if (e.isProxy() == okta::TriState::True || e.has(Str::Tunnels)) return true;
    if (e.asNumber() >= 0 && m_anonymizerAsns.contains(e.asNumber())) return true;
    if (!e.has(Str::Isp) && !e.has(Str::AsOrg)) return false;
    // The keyword verdict depends only on the "isp asOrg" text, and a few providers carry most sign-ins:
    // remember it per text instead of matching every keyword case-insensitively on every event.
    m_ispKey.assign(e.str(Str::Isp));
    m_ispKey += ' ';
    m_ispKey += e.str(Str::AsOrg);
    if (const auto it = m_anonymizerIsps.find(std::string_view(m_ispKey)); it != m_anonymizerIsps.end()) {
        return it->second;
    }
    const QString isp = qs(m_ispKey);
    const QStringList& keywords = list(u"detections.anonymizer.isp_keywords"_qs);
    const bool anonymizer = std::any_of(keywords.begin(), keywords.end(),
                                        [&isp](const QString& k) { return isp.contains(k, Qt::CaseInsensitive); });
    constexpr size_t kMaxRemembered = 4096; // bounds memory against a flood of one-off providers
    if (m_anonymizerIsps.size() >= kMaxRemembered) m_anonymizerIsps.clear();
    m_anonymizerIsps.emplace(m_ispKey, anonymizer);
    return anonymizer;
}

bool RiskEngine::isHighRiskCountry(const QString& country) const
{
    // Matching names against codes is slow and the answer per country never changes: remember it.
    auto it = m_highRiskCountry.constFind(country);
    if (it == m_highRiskCountry.constEnd()) {
        const QStringList& countries = list(u"detections.geo_risk.high_risk_countries"_qs);
        it = m_highRiskCountry.insert(country, std::any_of(countries.begin(), countries.end(),
                                                           [&](const QString& c) { return sameCountry(c, country); }));
    }
    return *it;
}

RiskEngine::Country& RiskEngine::countryOf(std::string_view utf8)
{
    auto it = m_countries.find(utf8);
    if (it == m_countries.end()) it = m_countries.emplace(std::string(utf8), Country{qs(utf8)}).first;
    return it->second;
}

bool RiskEngine::isHighRiskCountry(Country& country) const
{
    if (country.highRisk < 0) country.highRisk = isHighRiskCountry(country.name) ? 1 : 0;
    return country.highRisk > 0;
}

bool RiskEngine::isAllowedCountry(Country& country) const
{
    if (country.allowed < 0) country.allowed = isAllowedCountry(country.name) ? 1 : 0;
    return country.allowed > 0;
}

bool RiskEngine::isAllowedCountry(const QString& country) const
{
    auto it = m_allowedCountry.constFind(country);
    if (it == m_allowedCountry.constEnd()) {
        const QStringList& allowed = list(u"detections.geo_risk.allowed_countries"_qs);
        it = m_allowedCountry.insert(country, allowed.isEmpty()
                                                  || std::any_of(allowed.begin(), allowed.end(), [&](const QString& c) {
                                                         return sameCountry(c, country);
                                                     }));
    }
    return *it;
}

void RiskEngine::detectSignIn(Actor& actor, const okta::LogEvent& e)
{
    const QString& user = actor.name;
    if (user.isEmpty()) return;
    UserState& state = stateOf(actor);
    const qint64 now = e.publishedMs();
    const std::string_view type = e.eventType();
    if (type == "user.session.start") state.lastPasswordOkMs = now;
    // Few distinct countries: shared strings, not one conversion per sign-in, with their geo verdicts.
    // The address is only spelled out for a finding's words.
    constexpr size_t kMaxCountries = 4096; // bounds memory against made-up country names
    if (m_countries.size() >= kMaxCountries) m_countries.clear();
    static Country noCountry;
    Country& place = e.country().empty() ? noCountry : countryOf(e.country());
    const QString& country = place.name;
    const auto ip = [&e] { return qs(e.clientIp()); };
    const bool anonymized = isAnonymized(e);

    if (type != "user.authentication.sso") detectAnonymizer(user, e, state, anonymized);
    // One login logs session.start, auth_via_mfa and SSOs: the country is one finding, not four.
    constexpr qint64 kGeoRepeatMs = 8 * 3600000;
    if (det(Det::GeoRisk).enabled && !country.isEmpty() && (isHighRiskCountry(place) || !isAllowedCountry(place))
        && (state.lastGeoCountry != country || now - state.lastGeoMs >= kGeoRepeatMs)) {
        state.lastGeoCountry = country;
        state.lastGeoMs = now;
        contribute(user, e, u"geo_risk"_qs, det(Det::GeoRisk).points,
                   isHighRiskCountry(place)
                       ? tr("signed in from %1, a high-risk country (%2)").arg(country, ip())
                       : tr("signed in from %1, outside the allowed countries (%2)").arg(country, ip()));
    }

    // New device: Okta's own verdict, or a fingerprint/browser family this user never used before.
    UserBaseline& learned = state.baseline;
    const quint64 family = deviceFamilyHash(e);
    const bool baseline = hasBaseline(state);
    const bool unseen = family != 0 && !learned.devices.contains(family);
    const bool newDevice = e.behaviorPositive(okta::Behavior::NewDevice) || (!learned.devices.isEmpty() && unseen);
    const bool newCountry = !country.isEmpty() && !learned.countries.isEmpty() && !learned.countries.contains(country);
    const qint64 resetWindow = qint64(setting(Setting::FactorResetWindowHours) * 3600000.0);
    if (det(Det::FactorReset).enabled && state.factorResetMs >= 0 && (newDevice || newCountry)
        && now - state.factorResetMs <= resetWindow) {
        contribute(user, e, u"factor_reset"_qs, det(Det::FactorReset).points,
                   tr("factors were reset %1 min earlier, then a sign-in from %2")
                       .arg(minutes(now - state.factorResetMs), newCountry ? country : tr("a new device")));
        state.factorResetMs = -1;
    }
    if (det(Det::NewDevice).enabled && type == "user.session.start"
        && (e.behaviorPositive(okta::Behavior::NewDevice) || (baseline && unseen))) {
        contribute(user, e, u"new_device"_qs, det(Det::NewDevice).points,
                   tr("first sign-in from %1 (%2)")
                       .arg(family == 0 ? tr("a new device") : deviceFamily(e),
                            e.behaviorPositive(okta::Behavior::NewDevice) ? tr("Okta: New Device") : ip()));
    }
    if (m_learning) {
        if (e.has(Str::DeviceFingerprint))
            learned.devices.touch(stableHash(e.str(Str::DeviceFingerprint), kFingerprintSeed), now);
        if (family != 0) learned.devices.touch(family, now);
        if (!e.clientIp().empty()) learned.ips.touch(stableHash(e.clientIp()), now);
        if (e.asNumber() >= 0) learned.networks.touch(quint64(e.asNumber()), now);
        learned.updatedMs = now;
        state.baselineChanged = true;
    }

    // Impossible travel between consecutive successful primary sign-ins with a location.
    if (type == "user.session.start" && e.hasGeolocation()) {
        SignIn current{now, e.latitude(), e.longitude(), true, {}, e.asNumber(), placeOf(e, country), anonymized};
        current.ip.assign(e.clientIp());
        if (det(Det::ImpossibleTravel).enabled && state.hasLastSignIn && state.lastSignIn.hasGeo) {
            const SignIn& last = state.lastSignIn;
            const double km = greatCircleKm(last.lat, last.lon, current.lat, current.lon);
            const double hours = std::max(double(now - last.atMs), 60000.0) / 3600000.0;
            const double speed = km / hours;
            const bool sameNetwork = last.ip.view() == current.ip.view() || (last.asn >= 0 && last.asn == current.asn);
            if (km > setting(Setting::ImpossibleTravelMinDistanceKm)
                && speed > setting(Setting::ImpossibleTravelMaxSpeedKmh) && !sameNetwork && !last.anonymized
                && !current.anonymized) {
                const QLocale locale;
                contribute(user, e, u"impossible_travel"_qs, det(Det::ImpossibleTravel).points,
                           tr("%1 → %2: %3 km in %4 min (%5 km/h)")
                               .arg(last.place, current.place, locale.toString(qRound64(km)), minutes(now - last.atMs),
                                    locale.toString(qRound64(speed))));
            }
        }
        state.lastSignIn = current;
        state.hasLastSignIn = true;
    }
    if (!country.isEmpty() && m_learning) learned.countries.add(country, now);
    if (type == "user.session.start") {
        detectOffHours(user, e, state);
        // Cities, hours and days count logins, not the SSO and MFA events that follow each one.
        if (m_learning) {
            if (e.has(Str::City)) learned.cities.add(placeOf(e, country), now);
            ++learned.signIns;
            learned.countSignInDay(now);
        }
    }
}

void RiskEngine::detectThreat(Actor& actor, const okta::LogEvent& e)
{
    // process() calls this only when ThreatInsight is on and Okta flagged the event.
    const QString& user = actor.name;
    const bool detected = e.eventType() == "security.threat.detected";
    const QString ip = qs(e.clientIp());
    if (detected && !ip.isEmpty()) {
        IpFinding& finding = m_ipFindings[ip];
        finding.ip = ip;
        if (!finding.detections.contains(u"threat_insight"_qs)) finding.detections.append(u"threat_insight"_qs);
    }
    // ThreatInsight verdicts on unauthenticated traffic carry no user; those stay IP findings.
    if (user.isEmpty() || e.str(Str::ActorType) == "SystemPrincipal") return;
    QString why;
    if (detected) {
        why = tr("Okta ThreatInsight flagged %1: %2").arg(ip, qs(e.outcomeReason()));
    } else if (e.threatSuspected()) {
        why = tr("Okta ThreatInsight suspects the request from %1").arg(ip);
    } else {
        why = tr("Okta rated the sign-in risk HIGH (%1)").arg(e.riskReasons().join(u", "));
    }
    // Okta repeats its verdict on every event of a flagged request chain: one finding an hour.
    UserState& state = stateOf(actor);
    if (state.lastThreatMs >= 0 && e.publishedMs() - state.lastThreatMs < 3600000) return;
    state.lastThreatMs = e.publishedMs();
    // A flagged attempt that failed was stopped; one that succeeded may be a compromise.
    const double pts =
        isFailure(e) ? num(u"detections.threat_insight.failed_attempt_points"_qs) : det(Det::ThreatInsight).points;
    contribute(user, e, u"threat_insight"_qs, pts, why);
}

void RiskEngine::detectPrivilegeGrant(const okta::LogEvent& e)
{
    if (!det(Det::PrivilegeGrant).enabled || !isSuccess(e)) return;
    for (qsizetype i = 0; i < e.targetCount(); ++i) {
        const okta::LogEvent::TargetView t = e.target(i);
        if (t.type != "User") continue;
        contribute(qs(t.alternateId), e, u"privilege_grant"_qs, det(Det::PrivilegeGrant).points,
                   tr("admin privileges granted by %1").arg(qs(e.actorAlternateId())));
    }
}

const UserBaseline* RiskEngine::baseline(const QString& user) const
{
    const auto it = m_users.constFind(user);
    return it == m_users.constEnd() ? nullptr : &(*it)->baseline;
}

QList<store::BaselineRecord> RiskEngine::takeChangedBaselines()
{
    QList<store::BaselineRecord> records;
    for (auto it = m_users.cbegin(); it != m_users.cend(); ++it) {
        UserState& state = **it;
        if (!state.baselineChanged) continue;
        state.baselineChanged = false;
        records.append({store::BaselineRecord::User, it.key(), state.baseline.serialize(), state.baseline.updatedMs});
    }
    for (auto it = m_ips.begin(); it != m_ips.end(); ++it) {
        if (!it->baselineChanged) continue;
        it->baselineChanged = false;
        records.append({store::BaselineRecord::Ip, it.key(), it->baseline.serialize(), it->baseline.updatedMs});
    }
    return records;
}

int RiskEngine::restoreBaselines(const QList<store::BaselineRecord>& records)
{
    int restored = 0;
    for (const store::BaselineRecord& r : records) {
        if (r.key.isEmpty()) continue;
        if (r.kind == store::BaselineRecord::User) {
            if (auto b = UserBaseline::deserialize(r.data)) {
                userState(r.key).baseline = std::move(*b);
                ++restored;
            }
        } else if (r.kind == store::BaselineRecord::Ip) {
            if (auto b = IpBaseline::deserialize(r.data)) {
                m_ips[r.key].baseline = std::move(*b);
                ++restored;
            }
        }
    }
    return restored;
}

void RiskEngine::fillReport(report::Report& report) const
{
    QStringList users = m_users.keys();
    users.sort();
    for (const QString& user : users) {
        const UserState& state = **m_users.constFind(user);
        if (state.detections.isEmpty()) continue;
        report.users.append({user, riskAt(user, m_lastEventMs), state.peakRisk, state.detections});
    }
    // Highest risk first: what an analyst reads first.
    std::stable_sort(
        report.users.begin(), report.users.end(),
        [](const report::UserVerdict& a, const report::UserVerdict& b) { return a.peakRisk > b.peakRisk; });
    QStringList ips = m_ipFindings.keys();
    ips.sort();
    for (const QString& ip : ips) {
        const IpFinding& f = *m_ipFindings.constFind(ip);
        report.ips.append({ip, f.detections, int(f.usersTargeted.size())});
    }
    for (const Alert& a : m_alerts) {
        report.alerts.append(
            {a.id, a.user, severityFor(a.peakRisk, m_policy), a.peakRisk, a.detections, a.openedAtMs, a.events});
    }
}

} // namespace vigil::risk

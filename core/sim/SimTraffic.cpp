// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimTraffic.h"

#include "core/risk/Geo.h"

#include <QJsonArray>

#include <algorithm>
#include <utility>

namespace vigil::sim {

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
// Okta's default password policy locks an account after this many failed attempts.
constexpr int kLockoutAttempts = 10;
// The simulated org's password policy unlocks automatically after this long.
constexpr qint64 kAutoUnlock = 30 * kMinute;

struct AttackName
{
    SimAttack kind;
    const char* name;
};
constexpr AttackName kAttackNames[] = {
    {SimAttack::BruteForce, "brute_force"},       {SimAttack::PasswordSpray, "password_spray"},
    {SimAttack::MfaFatigue, "mfa_fatigue"},       {SimAttack::ImpossibleTravel, "impossible_travel"},
    {SimAttack::SessionHijack, "session_hijack"}, {SimAttack::ThreatInsight, "threat_insight"},
    {SimAttack::FactorReset, "factor_reset"},     {SimAttack::PrivilegeGrant, "privilege_grant"},
};

QString behaviorString(bool geo, bool device, bool ip, bool state, bool country, bool velocity, bool city)
{
    const auto v = [](bool b) { return b ? u"POSITIVE"_qs : u"NEGATIVE"_qs; };
    return u"{New Geo-Location="_qs + v(geo) + u", New Device="_qs + v(device) + u", New IP="_qs + v(ip)
           + u", New State="_qs + v(state) + u", New Country="_qs + v(country) + u", Velocity="_qs + v(velocity)
           + u", New City="_qs + v(city) + u'}';
}

} // namespace

QString attackName(SimAttack attack)
{
    for (const AttackName& a : kAttackNames) {
        if (a.kind == attack) return QString::fromLatin1(a.name);
    }
    return {};
}

std::optional<SimAttack> attackFromName(const QString& name)
{
    for (const AttackName& a : kAttackNames) {
        if (name == QLatin1String(a.name)) return a.kind;
    }
    return std::nullopt;
}

QStringList attackNames()
{
    QStringList out;
    for (const AttackName& a : kAttackNames)
        out.append(QString::fromLatin1(a.name));
    return out;
}

SimTraffic::SimTraffic(SimOrg& org, SimEventFactory& factory, quint64 seed, qint64 fromMs)
    : m_org(org)
    , m_factory(factory)
    , m_rng(seed ^ 0x7a11cULL)
    , m_releasedUntil(fromMs)
{
    const QList<SimUser>& users = m_org.users();
    for (int i = 0; i < users.size(); ++i) {
        const SimUser& u = users.at(i);
        // Okta has seen each person at home, on their laptop and phone, before the simulation starts.
        History& h = m_history[u.id];
        const SimPlace& home = SimOrg::places().at(u.home);
        h.cities.insert(home.city);
        h.states.insert(home.state);
        h.countries.insert(home.country);
        h.ips.insert(u.homeIp);
        h.fingerprints.insert(u.laptop.fingerprint);
        h.fingerprints.insert(u.phone.fingerprint);
        h.lastLat = home.lat;
        h.lastLon = home.lon;
        if (!u.serviceAccount) planNext(i, fromMs);
    }
}

qint64 SimTraffic::nextWorkStart(const SimUser& u, int placeIndex, qint64 afterMs)
{
    const int offset = SimOrg::places().at(placeIndex).utcOffsetMinutes;
    for (int d = 0; d < 10; ++d) {
        const qint64 localMs = afterMs + qint64(offset) * kMinute;
        const qint64 localDay = localMs / kDay + d;
        const int weekday = int((localDay + 3) % 7); // 1970-01-01 was a Thursday; 0 = Monday
        const bool weekend = weekday >= 5;
        if (weekend && (!u.weekendWorker || m_rng() % 2)) continue;
        const qint64 start = localDay * kDay + qint64(u.workStartMinute) * kMinute
                             + qint64(m_rng() % quint64(50 * kMinute)) - qint64(offset) * kMinute;
        if (start > afterMs) return start;
    }
    return afterMs + kDay;
}

void SimTraffic::planNext(int userIndex, qint64 afterMs)
{
    const SimUser& u = m_org.users().at(userIndex);
    const History& h = m_history.value(u.id);
    const int where = h.tripTo >= 0 && afterMs < h.tripUntilMs ? h.tripTo : u.home;
    qint64 at = nextWorkStart(u, where, afterMs);
    // A second sign-in after lunch, once the morning session has expired, for one in five.
    if (h.sessions > 0 && m_rng() % 5 == 0) at = std::min(at, afterMs + 4 * kHour + qint64(m_rng() % 120) * kMinute);
    m_plans.emplace(at, userIndex);
}

void SimTraffic::queue(qint64 atMs, QJsonObject event, std::function<void()> effect)
{
    if (m_recording >= 0) m_attacks[m_recording].uuids.append(event.value(u"uuid").toString());
    m_pending.emplace(atMs, Pending{std::move(event), std::move(effect)});
}

void SimTraffic::queueEvent(qint64 atMs, QJsonObject event, std::function<void()> effect)
{
    queue(std::max(atMs, m_releasedUntil + 1), std::move(event), std::move(effect));
}

QList<QJsonObject> SimTraffic::takeUntil(qint64 nowMs)
{
    // Plans first: a session starting before now may already have published events.
    while (m_background && !m_plans.empty() && m_plans.begin()->first <= nowMs) {
        const auto [at, user] = *m_plans.begin();
        m_plans.erase(m_plans.begin());
        session(user, at);
    }
    QList<QJsonObject> out;
    while (!m_pending.empty() && m_pending.begin()->first <= nowMs) {
        Pending p = std::move(m_pending.begin()->second);
        m_pending.erase(m_pending.begin());
        if (p.effect) p.effect();
        out.append(std::move(p.event));
    }
    m_releasedUntil = std::max(m_releasedUntil, nowMs);
    return out;
}

QJsonObject SimTraffic::signIn(qint64 atMs, const SimUser& u, const SimClient& c, const QString& session)
{
    History& h = m_history[u.id];
    const bool newCity = !h.cities.contains(c.place.city);
    const bool newState = !h.states.contains(c.place.state);
    const bool newCountry = !h.countries.contains(c.place.country);
    const bool newIp = !h.ips.contains(c.ip);
    const bool newDevice = !h.fingerprints.contains(c.device.fingerprint);
    bool velocity = false;
    if (h.lastSignInMs > 0 && atMs > h.lastSignInMs) {
        const double km = risk::greatCircleKm(h.lastLat, h.lastLon, c.place.lat, c.place.lon);
        const double hours = double(atMs - h.lastSignInMs) / double(kHour);
        velocity = km > 500 && km / hours > 805; // faster than an airliner
    }
    QJsonObject e = m_factory.make(atMs, u"user.session.start"_qs, SimActor::of(u), &c, session, u"SUCCESS"_qs);
    SimEventFactory::addTarget(e, u"lae"_qs + SimOrg::makeId(m_rng, QString()).left(17), u"AuthenticatorEnrollment"_qs,
                               u"unknown"_qs, u"Password"_qs);
    const SimApp& dashboard = m_org.apps().last();
    SimEventFactory::addTarget(e, dashboard.id, u"AppInstance"_qs, dashboard.label, dashboard.label);
    SimEventFactory::setBehaviors(e,
                                  behaviorString(newCity, newDevice, newIp, newState, newCountry, velocity, newCity));
    // Okta's own risk scoring, approximated from the same behaviors.
    QStringList reasons;
    if (velocity) reasons << u"Anomalous Geo-Distance"_qs;
    if (newCountry || newCity) reasons << u"Anomalous Location"_qs;
    if (newDevice) reasons << u"Anomalous Device"_qs;
    const QString level = velocity || (newCountry && newDevice) ? u"HIGH"_qs
                          : reasons.isEmpty()                   ? u"LOW"_qs
                                                                : u"MEDIUM"_qs;
    SimEventFactory::setRisk(e, level, reasons);
    h.cities.insert(c.place.city);
    h.states.insert(c.place.state);
    h.countries.insert(c.place.country);
    h.ips.insert(c.ip);
    h.fingerprints.insert(c.device.fingerprint);
    h.lastSignInMs = atMs;
    h.lastLat = c.place.lat;
    h.lastLon = c.place.lon;
    return e;
}

void SimTraffic::pushAndMfa(qint64 atMs, const SimUser& u, const SimClient& c, const QString& session, bool approve)
{
    if (u.factors.isEmpty()) return;
    const SimFactor& f = u.factors.first();
    QJsonObject push =
        m_factory.make(atMs, u"system.push.send_factor_verify_push"_qs, SimActor::of(u), &c, session, u"SUCCESS"_qs);
    SimEventFactory::addTarget(push, f.id, u"AuthenticatorEnrollment"_qs, f.deviceName, u"Okta Verify"_qs);
    queue(atMs, push);
    // OIE logs a rejected push as a failed MFA authentication with INVALID_CREDENTIALS.
    const qint64 answerAt = atMs + (5 + qint64(m_rng() % 12)) * kSecond + qint64(m_rng() % 1000);
    QJsonObject mfa =
        m_factory.make(answerAt, u"user.authentication.auth_via_mfa"_qs, SimActor::of(u), &c, session,
                       approve ? u"SUCCESS"_qs : u"FAILURE"_qs, approve ? QString() : u"INVALID_CREDENTIALS"_qs);
    SimEventFactory::addTarget(mfa, f.id, u"AuthenticatorEnrollment"_qs, f.deviceName, u"Okta Verify"_qs);
    SimEventFactory::setDebug(mfa, u"factor"_qs, u"OKTA_VERIFY_PUSH"_qs);
    queue(answerAt, mfa);
}

QJsonObject SimTraffic::sso(qint64 atMs, const SimUser& u, const SimClient& c, const QString& session, int app)
{
    const SimApp& a = m_org.apps().at(app % (m_org.apps().size() - 1));
    QJsonObject e = m_factory.make(atMs, u"user.authentication.sso"_qs, SimActor::of(u), &c, session, u"SUCCESS"_qs);
    SimEventFactory::addTarget(e, a.id, u"AppInstance"_qs, a.label, a.label);
    return e;
}

void SimTraffic::session(int userIndex, qint64 atMs)
{
    const SimUser& u = m_org.users().at(userIndex);
    History& h = m_history[u.id];
    ++h.sessions;
    if (u.status != u"ACTIVE") { // suspended or locked people cannot sign in; try again tomorrow
        planNext(userIndex, atMs + 12 * kHour);
        return;
    }
    // Business trips: one in forty sessions starts two or three days in another office.
    if (h.tripTo >= 0 && atMs >= h.tripUntilMs) h.tripTo = -1;
    if (h.tripTo < 0 && h.sessions > 2 && m_rng() % 40 == 0) {
        int dest = int(m_rng() % quint64(SimOrg::officeCount()));
        if (dest == u.home) dest = (dest + 1) % SimOrg::officeCount();
        const SimPlace& from = SimOrg::places().at(u.home);
        const SimPlace& to = SimOrg::places().at(dest);
        const double km = risk::greatCircleKm(from.lat, from.lon, to.lat, to.lon);
        // The flight: 800 km/h plus three hours of airports, after the last sign-in at home.
        atMs = std::max(atMs, h.lastSignInMs + qint64(km / 800.0 * double(kHour)) + 3 * kHour);
        h.tripTo = dest;
        h.tripUntilMs = atMs + qint64(2 + m_rng() % 2) * kDay;
        h.tripIp = to.ipPrefix + QString::number(60 + m_rng() % 40); // the hotel's network
    }
    SimClient c;
    c.place = SimOrg::places().at(h.tripTo >= 0 ? h.tripTo : u.home);
    c.ip = h.tripTo >= 0 ? h.tripIp : u.homeIp;
    const bool phone = m_rng() % 5 == 0;
    c.device = phone ? u.phone : u.laptop;

    qint64 t = atMs;
    // Typos: one wrong password now and then, rarely two.
    const int typos = m_rng() % 12 == 0 ? 1 + int(m_rng() % 8 == 0) : 0;
    for (int k = 0; k < typos; ++k) {
        queue(t, m_factory.make(t, u"user.session.start"_qs, SimActor::of(u), &c, {}, u"FAILURE"_qs,
                                u"INVALID_CREDENTIALS"_qs));
        t += (10 + qint64(m_rng() % 30)) * kSecond + qint64(m_rng() % 1000);
    }
    // A new phone: Okta Verify is enrolled on it (the old enrolment goes), then it signs in.
    std::function<void()> effect;
    if (h.sessions > 2 && m_rng() % 150 == 0) {
        std::mt19937_64 deviceRng(m_rng());
        const SimDevice newPhone = SimOrg::makeDevice(deviceRng, true);
        c.device = newPhone;
        const QString userId = u.id;
        const QString factorId = SimOrg::makeId(m_rng, u"opf"_qs);
        const QString oldFactor = u.factors.isEmpty() ? QString() : u.factors.first().id;
        QJsonObject deactivate = m_factory.make(t, u"user.mfa.factor.deactivate"_qs, SimActor::of(u), &c, {},
                                                u"SUCCESS"_qs, u"User reset PUSH factor"_qs);
        SimEventFactory::addTarget(deactivate, oldFactor, u"AuthenticatorEnrollment"_qs, u.login, u"Okta Verify"_qs);
        queue(t, deactivate);
        t += 40 * kSecond;
        QJsonObject activate = m_factory.make(t, u"user.mfa.factor.activate"_qs, SimActor::of(u), &c, {}, u"SUCCESS"_qs,
                                              u"User set up PUSH factor"_qs);
        SimEventFactory::addTarget(activate, factorId, u"AuthenticatorEnrollment"_qs, u.login, u"Okta Verify"_qs);
        queue(t, activate, [this, userId, newPhone, factorId, t] {
            SimUser* user = m_org.user(userId);
            if (!user || user->factors.isEmpty()) return;
            user->phone = newPhone;
            user->factors.first().id = factorId;
            user->factors.first().createdMs = t;
        });
        t += 30 * kSecond;
    }
    const QString session = m_factory.sessionId();
    const QJsonObject start = signIn(t, u, c, session);
    const QString userId = u.id;
    queue(t, start, [this, userId, t] {
        if (SimUser* user = m_org.user(userId)) user->lastLoginMs = t;
    });
    qint64 m = t + (3 + qint64(m_rng() % 5)) * kSecond + qint64(m_rng() % 1000);
    if (m_rng() % 50 == 0) { // a push fumbled once first
        pushAndMfa(m, u, c, session, false);
        m += 30 * kSecond;
    }
    pushAndMfa(m, u, c, session, true);
    m += 20 * kSecond;
    // The working day: apps by SSO on the same session.
    const int apps = 2 + int(m_rng() % 5);
    for (int a = 0; a < apps; ++a) {
        m += qint64(5 + m_rng() % 70) * kMinute + qint64(m_rng() % kMinute);
        queue(m, sso(m, u, c, session, int(m_rng() % 100)));
    }
    planNext(userIndex, t + 2 * kHour);
}

SimClient SimTraffic::hostileClient(int place, bool scripted)
{
    const QList<SimPlace>& hostile = SimOrg::hostilePlaces();
    SimClient c;
    c.place = hostile.at(place >= 0 ? place : int(m_rng() % quint64(hostile.size())));
    c.ip = c.place.ipPrefix + QString::number(2 + m_rng() % 250);
    std::mt19937_64 deviceRng(m_rng());
    c.device = SimOrg::makeDevice(deviceRng, false);
    if (scripted) {
        // Credential-stuffing tools say who they are and carry no browser fingerprint.
        c.device.userAgent = u"python-requests/2.31.0"_qs;
        c.device.os = u"Unknown"_qs;
        c.device.browser = u"UNKNOWN"_qs;
        c.device.fingerprint.clear();
    }
    return c;
}

int SimTraffic::pickVictim()
{
    const QList<SimUser>& users = m_org.users();
    for (int tries = 0; tries < 1000; ++tries) {
        const int i = 1 + int(m_rng() % quint64(users.size() - 1));
        const SimUser& u = users.at(i);
        if (u.status == u"ACTIVE" && !u.serviceAccount && !u.admin && !m_victims.contains(u.id)) return i;
    }
    return 1;
}

SimAttackInfo SimTraffic::scheduleAttack(SimAttack kind, qint64 atMs, const QString& victimIdOrLogin)
{
    atMs = std::max(atMs, m_releasedUntil + 1);
    const SimUser* victim = victimIdOrLogin.isEmpty() ? nullptr : m_org.user(victimIdOrLogin);
    if (!victim) victim = &m_org.users().at(pickVictim());
    SimAttackInfo info;
    info.kind = kind;
    info.victimId = victim->id;
    info.victimLogin = victim->login;
    info.startMs = atMs;
    m_victims.insert(victim->id);
    m_attacks.append(info);
    m_recording = m_attacks.size() - 1;
    SimAttackInfo& a = m_attacks.last();
    switch (kind) {
    case SimAttack::BruteForce:
        bruteForce(a, *victim);
        break;
    case SimAttack::PasswordSpray:
        passwordSpray(a, *victim);
        break;
    case SimAttack::MfaFatigue:
        mfaFatigue(a, *victim);
        break;
    case SimAttack::ImpossibleTravel:
        impossibleTravel(a, *victim);
        break;
    case SimAttack::SessionHijack:
        sessionHijack(a, *victim);
        break;
    case SimAttack::ThreatInsight:
        threatInsight(a, *victim);
        break;
    case SimAttack::FactorReset:
        factorReset(a, *victim);
        break;
    case SimAttack::PrivilegeGrant:
        privilegeGrant(a, *victim);
        break;
    }
    m_recording = -1;
    return a;
}

// Guessing one person's password from a hosting range until Okta locks the account; the last
// guesses meet the lockout.
void SimTraffic::bruteForce(SimAttackInfo& a, const SimUser& v)
{
    const SimClient c = hostileClient(0, true);
    a.attackerIp = c.ip;
    qint64 t = a.startMs;
    const int attempts = kLockoutAttempts + 3;
    for (int i = 0; i < attempts; ++i) {
        const bool locked = i >= kLockoutAttempts;
        QJsonObject e = m_factory.make(t, u"user.session.start"_qs, SimActor::of(v), &c, {}, u"FAILURE"_qs,
                                       locked ? u"LOCKED_OUT"_qs : u"INVALID_CREDENTIALS"_qs);
        SimEventFactory::setDebug(e, u"requestUri"_qs, u"/api/v1/authn"_qs);
        queue(t, e);
        if (i == kLockoutAttempts - 1) {
            t += 200;
            QJsonObject lock =
                m_factory.make(t, u"user.account.lock"_qs, SimActor::of(v), &c, {}, u"FAILURE"_qs, u"LOCKED_OUT"_qs);
            const QString id = v.id;
            queue(t, lock, [this, id, t] {
                SimUser* u = m_org.user(id);
                if (!u || u->status != u"ACTIVE") return;
                u->status = u"LOCKED_OUT"_qs;
                u->statusChangedMs = t;
            });
            // The password policy unlocks the account later; Okta logs it as the system's doing.
            const qint64 unlockAt = t + kAutoUnlock;
            QJsonObject unlock =
                m_factory.make(unlockAt, u"user.account.unlock"_qs,
                               SimActor{u"0oa1system"_qs, u"PublicClientApp"_qs, u"system"_qs, u"Okta System"_qs},
                               nullptr, {}, u"SUCCESS"_qs);
            SimEventFactory::addTarget(unlock, v.id, u"User"_qs, v.login, v.displayName());
            // Not part of the attack: the org's policy at work later.
            const qsizetype recording = std::exchange(m_recording, -1);
            queue(unlockAt, unlock, [this, id, unlockAt] {
                SimUser* u = m_org.user(id);
                if (!u || u->status != u"LOCKED_OUT") return;
                u->status = u"ACTIVE"_qs;
                u->statusChangedMs = unlockAt;
            });
            m_recording = recording;
        }
        t += (4 + qint64(m_rng() % 8)) * kSecond;
    }
    a.endMs = t;
}

// One or two common passwords tried once against many accounts (some of which do not exist) from a
// Tor exit; ThreatInsight flags the address part-way through.
void SimTraffic::passwordSpray(SimAttackInfo& a, const SimUser& v)
{
    const SimClient c = hostileClient(4, true);
    a.attackerIp = c.ip;
    QList<const SimUser*> targets{&v};
    const QList<SimUser>& users = m_org.users();
    for (int i = 0; targets.size() < 22 && i < 200; ++i) {
        const SimUser& u = users.at(1 + int(m_rng() % quint64(users.size() - 1)));
        if (!targets.contains(&u)) targets.append(&u);
    }
    const QStringList guessed{u"admin"_qs, u"test"_qs, u"it-support"_qs, u"hr"_qs, u"finance"_qs};
    qint64 t = a.startMs;
    int attempt = 0;
    const auto attemptOne = [&](const SimActor& actor, const QString& reason) {
        QJsonObject e = m_factory.make(t, u"user.session.start"_qs, actor, &c, {}, u"FAILURE"_qs, reason);
        SimEventFactory::setDebug(e, u"requestUri"_qs, u"/api/v1/authn"_qs);
        if (attempt >= 8) SimEventFactory::setDebug(e, u"threatSuspected"_qs, u"true"_qs);
        queue(t, e);
        ++attempt;
        t += (2 + qint64(m_rng() % 6)) * kSecond;
    };
    for (qsizetype i = 0; i < targets.size(); ++i) {
        attemptOne(SimActor::of(*targets.at(i)), u"INVALID_CREDENTIALS"_qs);
        if (i % 4 == 3 && i / 4 < guessed.size())
            attemptOne(SimActor::unknown(guessed.at(i / 4) + u'@' + m_org.domain()), u"VERIFICATION_ERROR"_qs);
    }
    a.endMs = t;
}

// Someone with the password signs in from abroad and sends push after push until the person,
// worn down, approves one.
void SimTraffic::mfaFatigue(SimAttackInfo& a, const SimUser& v)
{
    const SimClient c = hostileClient(2);
    a.attackerIp = c.ip;
    const QString session = m_factory.sessionId();
    qint64 t = a.startMs;
    queue(t, signIn(t, v, c, session));
    t += 20 * kSecond;
    const int pushes = 7 + int(m_rng() % 6);
    for (int i = 0; i < pushes; ++i) {
        const bool last = i == pushes - 1;
        QJsonObject push =
            m_factory.make(t, u"system.push.send_factor_verify_push"_qs, SimActor::of(v), &c, session, u"SUCCESS"_qs);
        if (!v.factors.isEmpty())
            SimEventFactory::addTarget(push, v.factors.first().id, u"AuthenticatorEnrollment"_qs,
                                       v.factors.first().deviceName, u"Okta Verify"_qs);
        queue(t, push);
        // Some pushes go unanswered (no event); the others are rejected, the last approved.
        if (last || m_rng() % 4 != 0) {
            const qint64 at = t + (8 + qint64(m_rng() % 20)) * kSecond;
            QJsonObject mfa =
                m_factory.make(at, u"user.authentication.auth_via_mfa"_qs, SimActor::of(v), &c, session,
                               last ? u"SUCCESS"_qs : u"FAILURE"_qs, last ? QString() : u"INVALID_CREDENTIALS"_qs);
            if (!v.factors.isEmpty())
                SimEventFactory::addTarget(mfa, v.factors.first().id, u"AuthenticatorEnrollment"_qs,
                                           v.factors.first().deviceName, u"Okta Verify"_qs);
            SimEventFactory::setDebug(mfa, u"factor"_qs, u"OKTA_VERIFY_PUSH"_qs);
            queue(at, mfa);
        }
        t += (35 + qint64(m_rng() % 30)) * kSecond;
    }
    t += 2 * kMinute;
    queue(t, sso(t, v, c, session, 2));
    a.endMs = t;
}

// The person signs in at home; within the hour the same account signs in, MFA and all, from a
// city no flight could reach in time.
void SimTraffic::impossibleTravel(SimAttackInfo& a, const SimUser& v)
{
    SimClient home;
    home.place = SimOrg::places().at(v.home);
    home.ip = v.homeIp;
    home.device = v.laptop;
    qint64 t = a.startMs;
    const QString s1 = m_factory.sessionId();
    queue(t, signIn(t, v, home, s1));
    pushAndMfa(t + 5 * kSecond, v, home, s1, true);
    t += (20 + qint64(m_rng() % 30)) * kMinute;
    // Far from home: pick the hostile place furthest away.
    int far = 0;
    double best = -1;
    for (int i = 0; i < SimOrg::hostilePlaces().size(); ++i) {
        const SimPlace& p = SimOrg::hostilePlaces().at(i);
        const double km = risk::greatCircleKm(home.place.lat, home.place.lon, p.lat, p.lon);
        if (km > best && !p.isProxy) {
            best = km;
            far = i;
        }
    }
    const SimClient away = hostileClient(far);
    a.attackerIp = away.ip;
    const QString s2 = m_factory.sessionId();
    queue(t, signIn(t, v, away, s2));
    pushAndMfa(t + 6 * kSecond, v, away, s2, true);
    t += 3 * kMinute;
    queue(t, sso(t, v, away, s2, 0));
    a.endMs = t;
}

// A session cookie stolen after a normal sign-in is replayed from a cloud host: same session id and
// device token, new address, network and browser.
void SimTraffic::sessionHijack(SimAttackInfo& a, const SimUser& v)
{
    SimClient home;
    home.place = SimOrg::places().at(v.home);
    home.ip = v.homeIp;
    home.device = v.laptop;
    const QString session = m_factory.sessionId();
    qint64 t = a.startMs;
    queue(t, signIn(t, v, home, session));
    pushAndMfa(t + 5 * kSecond, v, home, session, true);
    t += 2 * kMinute;
    queue(t, sso(t, v, home, session, 1));
    t += (10 + qint64(m_rng() % 20)) * kMinute;
    SimClient thief = hostileClient(0);
    thief.device.dtHash = home.device.dtHash; // the stolen cookie carries the device token
    a.attackerIp = thief.ip;
    for (int i = 0; i < 3; ++i) {
        queue(t, sso(t, v, thief, session, 3 + i));
        if (i == 0) {
            // Identity Threat Protection notices the session's context change.
            const qint64 at = t + 5 * kSecond;
            QJsonObject change =
                m_factory.make(at, u"user.session.context.change"_qs, SimActor::of(v), &thief, session, u"SUCCESS"_qs);
            SimEventFactory::setDebug(change, u"causes"_qs, u"[\"ipAddress.change\"]"_qs);
            SimEventFactory::setDebug(change, u"previousIpAddress"_qs, home.ip);
            SimEventFactory::setDebug(change, u"newIpAddress"_qs, thief.ip);
            SimEventFactory::setRisk(change, u"HIGH"_qs, {u"Anomalous Device"_qs});
            QJsonObject security = change.value(u"securityContext").toObject();
            QJsonObject risk = security.value(u"risk").toObject();
            risk.insert(u"detectionName"_qs, u"Suspected Session Hijacking"_qs);
            security.insert(u"risk"_qs, risk);
            change.insert(u"securityContext"_qs, security);
            queue(at, change);
        }
        t += (1 + qint64(m_rng() % 4)) * kMinute;
    }
    a.endMs = t;
}

// A burst of failures for many (mostly unknown) usernames from one address; ThreatInsight logs
// its verdict on the address and denies it.
void SimTraffic::threatInsight(SimAttackInfo& a, const SimUser& v)
{
    const SimClient c = hostileClient(5, true);
    a.attackerIp = c.ip;
    qint64 t = a.startMs;
    for (int i = 0; i < 15; ++i) {
        const bool real = i % 5 == 0;
        const SimActor actor =
            real ? SimActor::of(v)
                 : SimActor::unknown(u"user"_qs + QString::number(m_rng() % 10000) + u'@' + m_org.domain());
        QJsonObject e = m_factory.make(t, u"user.session.start"_qs, actor, &c, {}, u"FAILURE"_qs,
                                       real ? u"INVALID_CREDENTIALS"_qs : u"VERIFICATION_ERROR"_qs);
        SimEventFactory::setDebug(e, u"requestUri"_qs, u"/api/v1/authn"_qs);
        queue(t, e);
        t += (1 + qint64(m_rng() % 3)) * kSecond;
    }
    for (int i = 0; i < 2; ++i) {
        QJsonObject e =
            m_factory.make(t, u"security.threat.detected"_qs, SimActor::of(v), &c, {}, u"DENY"_qs,
                           u"Password Spray, Login failures with high unknown users count, Login Failures"_qs);
        SimEventFactory::setDebug(e, u"threatSuspected"_qs, u"true"_qs);
        SimEventFactory::setDebug(
            e, u"threatDetections"_qs,
            u"{\"Login failures with high unknown users count\":\"HIGH\",\"Password Spray\":\"HIGH\",\"Login Failures\":\"MEDIUM\"}"_qs);
        queue(t, e);
        t += 30 * kSecond;
    }
    a.endMs = t;
}

// A help-desk call talked into resetting the person's factors; the caller enrols a new phone and
// signs in from a device and place Okta has never seen for them.
void SimTraffic::factorReset(SimAttackInfo& a, const SimUser& v)
{
    const QList<SimUser>& users = m_org.users();
    const SimUser* helpdesk = nullptr;
    for (const SimUser& u : users) {
        if (u.admin && !u.serviceAccount) {
            helpdesk = &u;
            break;
        }
    }
    if (!helpdesk) helpdesk = &users.first();
    SimClient office;
    office.place = SimOrg::places().at(helpdesk->home);
    office.ip = helpdesk->homeIp;
    office.device = helpdesk->laptop;
    qint64 t = a.startMs;
    QJsonObject reset = m_factory.make(t, u"user.mfa.factor.reset_all"_qs, SimActor::of(*helpdesk), &office,
                                       m_factory.sessionId(), u"SUCCESS"_qs);
    SimEventFactory::addTarget(reset, v.id, u"User"_qs, v.login, v.displayName());
    queue(t, reset);
    t += (8 + qint64(m_rng() % 10)) * kMinute;
    SimClient caller = hostileClient(3);
    std::mt19937_64 deviceRng(m_rng());
    caller.device = SimOrg::makeDevice(deviceRng, true);
    a.attackerIp = caller.ip;
    const QString factorId = SimOrg::makeId(m_rng, u"opf"_qs);
    QJsonObject activate = m_factory.make(t, u"user.mfa.factor.activate"_qs, SimActor::of(v), &caller, {},
                                          u"SUCCESS"_qs, u"User set up PUSH factor"_qs);
    SimEventFactory::addTarget(activate, factorId, u"AuthenticatorEnrollment"_qs, v.login, u"Okta Verify"_qs);
    const QString id = v.id;
    const SimDevice phone = caller.device;
    queue(t, activate, [this, id, factorId, phone, t] {
        SimUser* u = m_org.user(id);
        if (!u || u->factors.isEmpty()) return;
        u->factors.first().id = factorId;
        u->factors.first().createdMs = t;
        u->factors.first().deviceName = u"iPhone"_qs;
    });
    t += 90 * kSecond;
    const QString session = m_factory.sessionId();
    queue(t, signIn(t, v, caller, session));
    t += 10 * kSecond;
    queue(t, sso(t, v, caller, session, 4));
    a.endMs = t;
}

// An administrator's account, signed in from an unusual place, makes another account a Super
// administrator.
void SimTraffic::privilegeGrant(SimAttackInfo& a, const SimUser& v)
{
    const SimUser* admin = nullptr;
    for (const SimUser& u : m_org.users()) {
        if (u.admin && !u.serviceAccount && u.id != v.id) {
            admin = &u;
            break;
        }
    }
    if (!admin) admin = &m_org.users().first();
    const SimClient c = hostileClient(1);
    a.attackerIp = c.ip;
    const QString session = m_factory.sessionId();
    qint64 t = a.startMs;
    queue(t, signIn(t, *admin, c, session));
    pushAndMfa(t + 5 * kSecond, *admin, c, session, true);
    t += 3 * kMinute;
    QJsonObject grant =
        m_factory.make(t, u"user.account.privilege.grant"_qs, SimActor::of(*admin), &c, session, u"SUCCESS"_qs);
    SimEventFactory::addTarget(grant, v.id, u"User"_qs, v.login, v.displayName());
    SimEventFactory::setDebug(grant, u"privilegeGranted"_qs, u"Super administrator"_qs);
    SimEventFactory::setDebug(grant, u"requestUri"_qs, u"/api/v1/users/"_qs + v.id + u"/roles"_qs);
    queue(t, grant);
    a.endMs = t;
}

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sim/SimEventFactory.h"
#include "core/sim/SimOrg.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QStringList>

#include <functional>
#include <map>
#include <optional>
#include <random>

namespace vigil::sim {

// The attacks of the detection catalogue, as Okta would log them.
enum class SimAttack
{
    BruteForce,
    PasswordSpray,
    MfaFatigue,
    ImpossibleTravel,
    SessionHijack,
    ThreatInsight,
    FactorReset,
    PrivilegeGrant,
};

QString attackName(SimAttack attack); // "brute_force", …
std::optional<SimAttack> attackFromName(const QString& name);
QStringList attackNames();

struct SimAttackInfo
{
    SimAttack kind = SimAttack::BruteForce;
    QString victimId, victimLogin;
    QString attackerIp;
    qint64 startMs = 0, endMs = 0;
    QStringList uuids; // every event the attack writes, in order
};

// The org's System Log traffic over sim time: people signing in on working days from home or the
// office, with typos, MFA pushes, SSO to their apps, business trips and new phones; and scripted
// attacks on demand. Events are produced ahead of time but released only once sim time reaches
// their `published`, so what a client can see grows as the clock runs.
class SimTraffic
{
public:
    // Background traffic starts at `fromMs` (earlier than now to give the log a history).
    SimTraffic(SimOrg& org, SimEventFactory& factory, quint64 seed, qint64 fromMs);

    // Events published after the previous call and no later than `nowMs`, in `published` order. Their
    // effects on the org (a lockout, a new phone's factor) apply as they are released.
    QList<QJsonObject> takeUntil(qint64 nowMs);
    qint64 releasedUntilMs() const { return m_releasedUntil; }

    // Plans an attack starting at `atMs` (not before what is already released); an empty victim picks
    // an active user. Returns what it will write.
    SimAttackInfo scheduleAttack(SimAttack kind, qint64 atMs, const QString& victimIdOrLogin = {});
    const QList<SimAttackInfo>& attacks() const { return m_attacks; }
    // Whether an attack targeted this user: the simulated person then rejects pushes they did not start.
    bool isVictim(const QString& userId) const { return m_victims.contains(userId); }

    void setBackgroundEnabled(bool on) { m_background = on; }
    // Queues an event written elsewhere (a person's answer to a push the API sent) for release at
    // `atMs`, or just after what is already released.
    void queueEvent(qint64 atMs, QJsonObject event, std::function<void()> effect = {});

private:
    struct Pending
    {
        QJsonObject event;
        std::function<void()> effect;
    };
    // What the org's own risk engine remembers about a person, to write `behaviors` and `risk` as Okta would.
    struct History
    {
        QSet<QString> cities, states, countries, ips, fingerprints;
        qint64 lastSignInMs = 0;
        double lastLat = 0, lastLon = 0;
        int tripTo = -1; // place index while on a business trip
        qint64 tripUntilMs = 0;
        QString tripIp;
        int sessions = 0;
    };

    void planNext(int userIndex, qint64 afterMs);
    void session(int userIndex, qint64 atMs);
    qint64 nextWorkStart(const SimUser& u, int placeIndex, qint64 afterMs);
    void queue(qint64 atMs, QJsonObject event, std::function<void()> effect = {});
    // A successful sign-in: writes behaviors and risk from the person's history, then remembers it.
    QJsonObject signIn(qint64 atMs, const SimUser& u, const SimClient& c, const QString& session);
    void pushAndMfa(qint64 atMs, const SimUser& u, const SimClient& c, const QString& session, bool approve);
    QJsonObject sso(qint64 atMs, const SimUser& u, const SimClient& c, const QString& session, int app);
    SimClient hostileClient(int place = -1, bool scripted = false);
    int pickVictim();

    void bruteForce(SimAttackInfo& a, const SimUser& v);
    void passwordSpray(SimAttackInfo& a, const SimUser& v);
    void mfaFatigue(SimAttackInfo& a, const SimUser& v);
    void impossibleTravel(SimAttackInfo& a, const SimUser& v);
    void sessionHijack(SimAttackInfo& a, const SimUser& v);
    void threatInsight(SimAttackInfo& a, const SimUser& v);
    void factorReset(SimAttackInfo& a, const SimUser& v);
    void privilegeGrant(SimAttackInfo& a, const SimUser& v);

    SimOrg& m_org;
    SimEventFactory& m_factory;
    std::mt19937_64 m_rng;
    bool m_background = true;
    qint64 m_releasedUntil;
    std::multimap<qint64, int> m_plans; // next session start → user index
    std::multimap<qint64, Pending> m_pending;
    QHash<QString, History> m_history;
    QList<SimAttackInfo> m_attacks;
    qsizetype m_recording = -1; // index of the attack whose events queue() is writing
    QSet<QString> m_victims;
};

} // namespace vigil::sim

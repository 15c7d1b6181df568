// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/UserActivityFixture.h"

#include "core/audit/AuditLog.h"
#include "core/okta/EventParser.h"
#include "core/response/ResponseEngine.h"
#include "core/response/Suppressions.h"
#include "core/sim/SimEventFactory.h"
#include "core/store/SqliteEventStore.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace vigil::test {

namespace {

bool saveResponse(QSqlDatabase db, const response::AlertResponse& r, QString* error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO responses(alert_id, user_login, user_id, state, severity, peak_risk, "
                             "opened_ms, deadline_ms, step_up, acknowledged_by, reason, data, updated_ms) "
                             "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant& v :
         {QVariant(r.alertId), QVariant(r.user), QVariant(r.userId), QVariant(r.state), QVariant(r.severity),
          QVariant(r.peakRisk), QVariant(r.openedMs), QVariant(r.deadlineMs), QVariant(r.stepUp),
          QVariant(r.acknowledgedBy), QVariant(r.reason),
          QVariant(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact)), QVariant(r.updatedMs)})
        q.addBindValue(v);
    if (q.exec()) return true;
    *error = q.lastError().text();
    return false;
}

} // namespace

bool UserActivityFixture::write(const QString& storePath, QString* error)
{
    const sim::SimOrg org(7, 6, kNowMs);
    alice = org.users().at(1);
    bob = org.users().at(2);
    home = sim::SimOrg::places().at(alice.home);
    hostile = sim::SimOrg::hostilePlaces().first();
    attackerIp = hostile.ipPrefix + QStringLiteral("23");
    sim::SimEventFactory factory(11);

    const sim::SimClient laptop{home, alice.homeIp, alice.laptop};
    const sim::SimClient phone{home, alice.homeIp, alice.phone};
    sim::SimDevice script;
    script.kind = QStringLiteral("Computer");
    script.userAgent = QStringLiteral("python-requests/2.31.0");
    script.os = QStringLiteral("Unknown");
    script.browser = QStringLiteral("UNKNOWN");
    const sim::SimClient attacker{hostile, attackerIp, script};
    const sim::SimClient bobLaptop{sim::SimOrg::places().at(bob.home), bob.homeIp, bob.laptop};

    QList<QJsonObject> json;
    const auto add = [&](qint64 at, const QString& type, const sim::SimUser& who, const sim::SimClient& client,
                         const QString& result, const QString& reason = {}) {
        QJsonObject e = factory.make(at, type, sim::SimActor::of(who), &client,
                                     result == u"SUCCESS" ? factory.sessionId() : QString(), result, reason);
        const QString uuid = e.value(u"uuid").toString();
        if (who.login == alice.login) {
            aliceUuids.insert(uuid);
            const bool success = result == u"SUCCESS";
            (success ? aliceSuccesses : aliceFailures)++;
            if (at > kNowMs - 23 * kHour) (success ? aliceLastDaySuccesses : aliceLastDayFailures)++;
            if (&client == &laptop) ++laptopEvents;
            if (&client == &phone) ++phoneEvents;
            if (&client == &attacker) {
                ++toolEvents;
                attackUuids.insert(uuid);
            }
            (&client == &attacker ? hostileEvents : homeEvents)++;
        } else {
            bobUuids.insert(uuid);
        }
        json.append(e);
    };

    const QString signIn = QStringLiteral("user.session.start");
    const QString mfa = QStringLiteral("user.authentication.auth_via_mfa");
    for (int d = 7; d >= 2; --d) {
        const qint64 morning = kNowMs - d * kDay + 2 * kHour;
        add(morning, signIn, alice, laptop, QStringLiteral("SUCCESS"));
        add(morning + 60000, mfa, alice, phone, QStringLiteral("SUCCESS"));
        add(morning + 5 * kHour, signIn, alice, laptop, QStringLiteral("SUCCESS"));
        if (d <= 6) add(morning + 30 * 60000, signIn, bob, bobLaptop, QStringLiteral("SUCCESS"));
    }
    add(kNowMs - 20 * kHour, signIn, alice, laptop, QStringLiteral("SUCCESS"));
    attackStartMs = kNowMs - 3 * kHour;
    for (int i = 0; i < 8; ++i)
        add(attackStartMs + i * 20000, signIn, alice, attacker, QStringLiteral("FAILURE"),
            QStringLiteral("INVALID_CREDENTIALS"));
    attackEndMs = attackStartMs + 8 * 20000;
    add(attackEndMs, signIn, alice, attacker, QStringLiteral("SUCCESS"));
    add(attackStartMs - 60000, signIn, bob, attacker, QStringLiteral("FAILURE"), QStringLiteral("INVALID_CREDENTIALS"));
    add(attackStartMs + 30000, signIn, bob, attacker, QStringLiteral("FAILURE"), QStringLiteral("INVALID_CREDENTIALS"));
    add(kNowMs, mfa, alice, phone, QStringLiteral("SUCCESS"));

    // Stored in published order, as the poller would.
    std::sort(json.begin(), json.end(), [](const QJsonObject& a, const QJsonObject& b) {
        return a.value(u"published").toString() < b.value(u"published").toString();
    });
    okta::EventParser parser;
    QList<okta::LogEvent> events;
    for (const QJsonObject& o : std::as_const(json)) {
        const QByteArray bytes = QJsonDocument(o).toJson(QJsonDocument::Compact);
        okta::LogEvent e;
        okta::ParseError parseError;
        if (!parser.parse(std::string_view(bytes.constData(), size_t(bytes.size())), e, parseError)) {
            *error = parseError.detail;
            return false;
        }
        events.append(e);
    }

    store::SqliteEventStore store(storePath);
    if (!store.open(error)) return false;
    const store::AppendResult appended = store.appendBatch(events);
    if (appended.inserted != events.size()) {
        *error = QStringLiteral("stored %1 of %2 events").arg(appended.inserted).arg(events.size());
        return false;
    }

    // What the automation left: an open response for alice's alert, a closed one from last week, bob's.
    QSqlDatabase db = store.database();
    response::AlertResponse open;
    open.alertId = aliceAlertId;
    open.user = alice.login;
    open.userId = alice.id;
    open.state = QStringLiteral("suspension_pending");
    open.severity = QStringLiteral("critical");
    open.peakRisk = 92;
    open.openedMs = attackStartMs;
    aliceDeadlineMs = kNowMs + (11 * 60 + 42) * 1000;
    open.deadlineMs = aliceDeadlineMs;
    open.stepUp = QStringLiteral("REJECTED");
    open.decision = QStringLiteral("push rejected; activity continued from %1").arg(attackerIp);
    open.updatedMs = attackEndMs;
    response::AlertResponse old;
    old.alertId = aliceOldAlertId;
    old.user = alice.login;
    old.userId = alice.id;
    old.state = QStringLiteral("resolved");
    old.severity = QStringLiteral("medium");
    old.peakRisk = 45;
    old.openedMs = kNowMs - 5 * kDay;
    old.acknowledgedBy = QStringLiteral("sam@soc-ws-2");
    old.reason = QStringLiteral("travelling; confirmed by phone");
    old.updatedMs = kNowMs - 5 * kDay + kHour;
    response::AlertResponse bobs;
    bobs.alertId = bobAlertId;
    bobs.user = bob.login;
    bobs.userId = bob.id;
    bobs.state = QStringLiteral("paged");
    bobs.openedMs = attackStartMs;
    bobs.updatedMs = attackStartMs;
    for (const response::AlertResponse& r : {open, old, bobs}) {
        if (!saveResponse(db, r, error)) return false;
    }

    response::Suppressions suppressions(db);
    response::Suppression s;
    s.user = alice.login;
    s.detections = {QStringLiteral("off_hours")};
    s.owner = QStringLiteral("sam@soc-ws-2");
    s.reason = QStringLiteral("works nights this month");
    s.createdMs = kNowMs - 2 * kDay;
    s.expiresMs = kNowMs + 10 * kDay;
    const std::optional<response::Suppression> added = suppressions.add(s, error);
    if (!added) return false;
    suppressionId = added->id;

    audit::AuditLog audit(db);
    qint64 clock = kNowMs - 5 * kDay;
    audit.setClock([&clock] { return clock += 60000; });
    const auto record = [&](const QString& kind, const QString& actor, const QString& subject, const QJsonObject& d,
                            bool aboutAlice) {
        if (!audit.append(kind, actor, subject, d, error)) return false;
        (aboutAlice ? aliceAuditRecords : bobAuditRecords)++;
        return true;
    };
    bool ok = record(QStringLiteral("command"), QStringLiteral("sam@soc-ws-2"), aliceOldAlertId,
                     {{QStringLiteral("command"), QStringLiteral("resolve")},
                      {QStringLiteral("reason"), old.reason},
                      {QStringLiteral("user"), alice.login}},
                     true);
    clock = kNowMs - 2 * kDay;
    ok = ok
         && record(QStringLiteral("command"), s.owner, QStringLiteral("suppression:%1").arg(suppressionId),
                   {{QStringLiteral("command"), QStringLiteral("suppress")}, {QStringLiteral("reason"), s.reason}},
                   true);
    clock = attackEndMs;
    ok = ok
         && record(QStringLiteral("decision"), QStringLiteral("vigil"), bobAlertId,
                   {{QStringLiteral("rule"), QStringLiteral("page")}, {QStringLiteral("user"), bob.login}}, false);
    ok = ok
         && record(QStringLiteral("decision"), QStringLiteral("vigil"), aliceAlertId,
                   {{QStringLiteral("rule"), QStringLiteral("step_up")},
                    {QStringLiteral("state"), QStringLiteral("stepped_up")},
                    {QStringLiteral("user"), alice.login}},
                   true);
    ok = ok
         && record(QStringLiteral("call"), QStringLiteral("vigil"), alice.login,
                   {{QStringLiteral("service"), QStringLiteral("okta")},
                    {QStringLiteral("method"), QStringLiteral("GET")},
                    {QStringLiteral("path"), QStringLiteral("/api/v1/users/%1").arg(alice.id)},
                    {QStringLiteral("status"), 200},
                    {QStringLiteral("outcome"), QStringLiteral("done")}},
                   true);
    ok = ok
         && record(QStringLiteral("decision"), QStringLiteral("vigil"), aliceAlertId,
                   {{QStringLiteral("rule"), QStringLiteral("suspend_after_delay")},
                    {QStringLiteral("state"), QStringLiteral("suspension_pending")},
                    {QStringLiteral("user"), alice.login}},
                   true);
    return ok;
}

pipeline::ConsoleAlert UserActivityFixture::aliceAlert() const
{
    pipeline::ConsoleAlert a;
    a.alertId = aliceAlertId;
    a.user = alice.login;
    a.severity = QStringLiteral("critical");
    a.risk = 81;
    a.peakRisk = 92;
    a.detections = {QStringLiteral("brute_force"), QStringLiteral("anonymizer"), QStringLiteral("new_device")};
    a.reasons = {QStringLiteral("+15 new_device: python-requests/2.31.0, never seen for this user"),
                 QStringLiteral("+20 anonymizer: hosting provider %1 (%2)").arg(attackerIp, hostile.country),
                 QStringLiteral("+45 brute_force: 8 failed sign-ins in 3 min from %1").arg(attackerIp)};
    a.state = QStringLiteral("suspension_pending");
    a.deadlineMs = aliceDeadlineMs;
    a.openedMs = attackStartMs;
    a.lastSeenMs = attackEndMs;
    a.sourceIps = {attackerIp};
    a.country = hostile.country;
    a.stepUp = QStringLiteral("REJECTED");
    a.decision = QStringLiteral("push rejected; activity continued");
    a.profile = QJsonObject{{QStringLiteral("title"), alice.title},
                            {QStringLiteral("department"), alice.department},
                            {QStringLiteral("manager"), alice.manager}};
    a.events = 9;
    return a;
}

pipeline::ConsoleAlert UserActivityFixture::bobAlert() const
{
    pipeline::ConsoleAlert a;
    a.alertId = bobAlertId;
    a.user = bob.login;
    a.severity = QStringLiteral("medium");
    a.risk = 42;
    a.peakRisk = 42;
    a.detections = {QStringLiteral("password_spray")};
    a.reasons = {QStringLiteral("+40 password_spray: one of 2 users tried from %1").arg(attackerIp)};
    a.state = QStringLiteral("paged");
    a.openedMs = attackStartMs - 60000;
    a.lastSeenMs = attackStartMs + 30000;
    a.sourceIps = {attackerIp};
    return a;
}

pipeline::ConsoleUser UserActivityFixture::aliceOnBoard() const
{
    pipeline::ConsoleUser u;
    u.user = alice.login;
    u.risk = 81;
    u.trend = {20, 45, 81};
    u.detections = {QStringLiteral("brute_force"), QStringLiteral("anonymizer"), QStringLiteral("new_device")};
    u.lastPlace = QStringLiteral("%1, %2").arg(hostile.city, hostile.country);
    u.lastSeenMs = kNowMs;
    return u;
}

} // namespace vigil::test

// SPDX-License-Identifier: GPL-3.0-or-later
// The automation core against the simulated tenant over real HTTP: step-up, page, the safety net at
// the deadline and every way an analyst (or PagerDuty) stops it, restarts, guardrails, the outbox's
// retries and the hash-chained audit log.
#include "core/audit/AuditLog.h"
#include "core/okta/OktaAuth.h"
#include "core/response/Outbox.h"
#include "core/response/ResponseEngine.h"
#include "core/response/Services.h"
#include "core/response/Tickets.h"
#include "core/sim/SimServer.h"
#include "core/store/SqliteEventStore.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;
using response::AlertResponse;

namespace {

// Everything a response engine needs, over one store file; destroyed and rebuilt to simulate a restart.
struct Rig
{
    Rig(const QString& path, sim::SimServer& sim, const risk::Policy& policy, response::ResponseSettings settings)
        : store(path)
        , auth(sim.options().token.toUtf8())
    {
        QString error;
        if (!store.open(&error)) qFatal("store: %s", qPrintable(error));
        audit = std::make_unique<audit::AuditLog>(store.database());
        outbox = std::make_unique<response::Outbox>(store.database(), network, *audit);
        outbox->setRetryLimits(50, 400, 6);
        outbox->registerService(u"okta"_qs, std::make_shared<response::OktaService>(sim.baseUrl(), auth));
        outbox->registerService(u"pagerduty"_qs, std::make_shared<response::PagerDutyEventsService>(
                                                     sim.baseUrl(), sim.options().routingKey.toUtf8()));
        // Used only when the settings say notify / ticket.
        outbox->registerService(u"notify"_qs, std::make_shared<response::WebhookService>(sim.notifyWebhookUrl()));
        outbox->registerService(u"ticket"_qs, std::make_shared<response::JiraTicketService>(
                                                  sim.baseUrl(), sim.options().jiraEmail,
                                                  sim.options().jiraToken.toUtf8(), u"SEC"_qs, u"Task"_qs));
        settings.pagerDutyRestUrl = sim.baseUrl();
        settings.pagerDutyApiToken = sim.options().pagerDutyToken.toUtf8();
        settings.pushPollEveryMs = 150;
        engine = std::make_unique<response::ResponseEngine>(store.database(), *outbox, *audit, policy, settings);
        engine->setNetwork(&network);
        engine->start();
        outbox->start();
    }

    store::SqliteEventStore store;
    QNetworkAccessManager network;
    okta::SswsAuthenticator auth;
    std::unique_ptr<audit::AuditLog> audit;
    std::unique_ptr<response::Outbox> outbox;
    std::unique_ptr<response::ResponseEngine> engine;
};

risk::Alert alertFor(const sim::SimUser& user, const QString& id, double risk, const QString& ip = u"185.220.101.7"_qs)
{
    risk::Alert a;
    a.id = id;
    a.user = user.login;
    a.userId = user.id;
    a.peakRisk = risk;
    a.detections = {u"brute_force"_qs, u"geo_risk"_qs};
    a.sourceIps = {ip};
    return a;
}

int requestsTo(sim::SimServer& sim, const QString& pathEnd, const QByteArray& method = "POST")
{
    int n = 0;
    for (const sim::SimRequestRecord& r : sim.requests()) {
        if (r.method == method && r.path.endsWith(pathEnd) && r.status < 300) ++n;
    }
    return n;
}

risk::Policy policyWith(const QByteArray& extra)
{
    QStringList errors;
    const auto p = risk::Policy::fromJson("{\"schema_version\": 1" + extra + "}", &errors);
    if (!p) qFatal("policy: %s", qPrintable(errors.join(u"; ")));
    return *p;
}

} // namespace

class TestResponseEngine : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_serial = 0;
    std::unique_ptr<sim::SimServer> m_sim;

    QString freshPath() { return m_dir.filePath(QStringLiteral("resp-%1.sqlite").arg(++m_serial)); }

    static response::ResponseSettings enforce(qint64 delayMs)
    {
        response::ResponseSettings s;
        s.mode = response::Mode::Enforce;
        s.autoSuspendDelayMs = delayMs;
        s.pagerDutyPollEveryMs = 200;
        return s;
    }

    const sim::SimUser& victim(int i) { return m_sim->org().users().at(i + 1); }

private slots:
    void init()
    {
        sim::SimOptions o;
        o.seed = 11;
        o.users = 60;
        o.historyMs = 0;
        o.backgroundTraffic = false;
        o.pushAnswerDelayMs = 200;
        o.pushLifetimeMs = 60000;
        m_sim = std::make_unique<sim::SimServer>(o);
        QVERIFY(m_sim->listen() > 0);
    }

    void rejectedPushAndNoAcknowledgementSuspendsOnce()
    {
        const sim::SimUser& user = victim(0);
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Reject);
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), enforce(1500));
        rig.engine->onAlert(alertFor(user, u"alert-1"_qs, 70));
        QCOMPARE(rig.engine->response(u"alert-1"_qs)->state, u"suspension_pending"_qs);
        // The challenge went out and the user said no.
        QTRY_COMPARE_WITH_TIMEOUT(rig.engine->response(u"alert-1"_qs)->stepUp, u"REJECTED"_qs, 10000);
        QCOMPARE(requestsTo(*m_sim, u"/sessions"_qs, "DELETE"), 1);
        QVERIFY(m_sim->pagerDuty().incident(u"alert-1"_qs));
        // At the deadline: suspended, exactly once, and the page says so.
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->org().user(user.id)->status, u"SUSPENDED"_qs, 10000);
        QCOMPARE(rig.engine->response(u"alert-1"_qs)->state, u"suspended"_qs);
        QVERIFY(rig.engine->response(u"alert-1"_qs)->decision.contains(u"REJECTED"));
        // A second alert for the same person joins the first: no second countdown, no second call.
        rig.engine->onAlert(alertFor(user, u"alert-2"_qs, 90));
        QTest::qWait(500);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 1);
        bool decided = false;
        for (const audit::AuditRecord& r : rig.audit->forSubject(u"alert-1"_qs))
            decided |= r.kind == u"decision" && r.details.value(u"rule").toString() == u"safety_net";
        QVERIFY(decided);
        QVERIFY(rig.audit->verify().ok);
    }

    void acknowledgedBeforeTheDeadlineIsNotSuspended()
    {
        const sim::SimUser& user = victim(1);
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Reject);
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), enforce(1500));
        rig.engine->onAlert(alertFor(user, u"alert-ack"_qs, 70));
        QString error;
        QVERIFY2(rig.engine->acknowledge(u"alert-ack"_qs, u"ann@soc"_qs, u"calling the user"_qs, &error),
                 qPrintable(error));
        QTest::qWait(2500);
        QCOMPARE(m_sim->org().user(user.id)->status, u"ACTIVE"_qs);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->pagerDuty().incident(u"alert-ack"_qs)->status, u"acknowledged"_qs, 5000);
        const QList<audit::AuditRecord> records = rig.audit->forSubject(u"alert-ack"_qs);
        QVERIFY(std::any_of(records.cbegin(), records.cend(), [](const audit::AuditRecord& r) {
            return r.kind == u"command" && r.actor == u"ann@soc"
                   && r.details.value(u"reason").toString() == u"calling the user";
        }));
    }

    void overrideCancelsTheSuspensionAndNeedsAReason()
    {
        const sim::SimUser& user = victim(2);
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Ignore);
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), enforce(1200));
        rig.engine->onAlert(alertFor(user, u"alert-ovr"_qs, 75));
        QString error;
        QVERIFY(!rig.engine->overrideSuspension(u"alert-ovr"_qs, u"bob@soc"_qs, u"  "_qs, &error));
        QVERIFY(error.contains(u"reason"));
        QVERIFY(rig.engine->overrideSuspension(u"alert-ovr"_qs, u"bob@soc"_qs, u"VIP travelling, verified"_qs, &error));
        QTest::qWait(2000);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
        QCOMPARE(rig.engine->response(u"alert-ovr"_qs)->state, u"overridden"_qs);
    }

    void acknowledgementInPagerDutyStopsTheTimer()
    {
        const sim::SimUser& user = victim(3);
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Reject);
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), enforce(2500));
        rig.engine->onAlert(alertFor(user, u"alert-pd"_qs, 70));
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->pagerDuty().incident(u"alert-pd"_qs), 5000);
        QVERIFY(m_sim->pagerDuty().acknowledge(u"alert-pd"_qs, m_sim->clock().nowMs(), u"Dana On-Call"_qs));
        QTRY_COMPARE_WITH_TIMEOUT(rig.engine->response(u"alert-pd"_qs)->state, u"acknowledged"_qs, 5000);
        QVERIFY(rig.engine->response(u"alert-pd"_qs)->acknowledgedBy.contains(u"PagerDuty"));
        QTest::qWait(2000);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
    }

    void restartInTheMiddleOfACountdownSuspendsOnce()
    {
        const sim::SimUser& user = victim(4);
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Reject);
        const QString path = freshPath();
        {
            Rig rig(path, *m_sim, risk::Policy::defaults(), enforce(1500));
            rig.engine->onAlert(alertFor(user, u"alert-rs"_qs, 70));
            QTRY_COMPARE_WITH_TIMEOUT(rig.engine->response(u"alert-rs"_qs)->stepUp, u"REJECTED"_qs, 10000);
        }                   // Vigil stops with the countdown running
        QTest::qWait(1600); // and stays down past the deadline
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
        Rig again(path, *m_sim, risk::Policy::defaults(), enforce(1500));
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->org().user(user.id)->status, u"SUSPENDED"_qs, 5000);
        QTest::qWait(500);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 1);
        QCOMPARE(again.engine->response(u"alert-rs"_qs)->state, u"suspended"_qs);
    }

    void protectedAccountIsNeverSuspended()
    {
        const sim::SimUser& user = victim(5);
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Reject);
        const risk::Policy policy = policyWith(", \"protected_accounts\": [\"" + user.login.toUtf8() + "\"]");
        Rig rig(freshPath(), *m_sim, policy, enforce(1000));
        rig.engine->onAlert(alertFor(user, u"alert-prot"_qs, 95));
        QTRY_VERIFY_WITH_TIMEOUT(rig.engine->response(u"alert-prot"_qs)->decision.contains(u"protected"), 8000);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
        QCOMPARE(m_sim->org().user(user.id)->status, u"ACTIVE"_qs);
    }

    void suspensionNotifiesTheManagerAndTheTeamAndOpensATicket()
    {
        const sim::SimUser& user = victim(7);
        QVERIFY(!user.manager.isEmpty());
        m_sim->setPushAnswer(user.id, sim::SimPushAnswer::Reject);
        response::ResponseSettings settings = enforce(1200);
        settings.notify = true;
        settings.ticket = true;
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), settings);
        rig.engine->setUserContext([](const QString&) {
            return QJsonObject{{u"usual_countries"_qs, QJsonArray{u"Canada"_qs}},
                               {u"usual_hours"_qs, u"8:00–18:00"_qs}};
        });
        rig.engine->onAlert(alertFor(user, u"alert-chain"_qs, 82));
        // The page waited for the profile: the responder sees who this is and what is normal for them.
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->pagerDuty().incident(u"alert-chain"_qs), 8000);
        const QJsonObject details = m_sim->pagerDuty().incident(u"alert-chain"_qs)->customDetails;
        QCOMPARE(details.value(u"department").toString(), user.department);
        QCOMPARE(details.value(u"title").toString(), user.title);
        QCOMPARE(details.value(u"manager").toString(), user.manager);
        QCOMPARE(details.value(u"usual_countries").toArray().first().toString(), u"Canada"_qs);
        QCOMPARE(details.value(u"usual_hours").toString(), u"8:00–18:00"_qs);

        QTRY_COMPARE_WITH_TIMEOUT(m_sim->org().user(user.id)->status, u"SUSPENDED"_qs, 10000);
        // The IT channel and the manager are told, each once; one Jira issue, its key kept with the alert.
        QTRY_COMPARE_WITH_TIMEOUT(m_sim->notifications().size(), 2, 8000);
        QTRY_COMPARE_WITH_TIMEOUT(rig.engine->response(u"alert-chain"_qs)->ticket, u"SEC-1"_qs, 8000);
        QStringList audiences;
        for (const QJsonObject& n : m_sim->notifications())
            audiences.append(n.value(u"audience").toString());
        audiences.sort();
        QCOMPARE(audiences, (QStringList{u"it_team"_qs, u"manager"_qs}));
        const auto manager =
            std::find_if(m_sim->notifications().begin(), m_sim->notifications().end(),
                         [](const QJsonObject& n) { return n.value(u"audience").toString() == u"manager"; });
        QCOMPARE(manager->value(u"to").toObject().value(u"name").toString(), user.manager);
        QVERIFY(manager->value(u"text").toString().contains(user.login));
        QCOMPARE(m_sim->jiraIssues().size(), 1);
        const QJsonObject fields = m_sim->jiraIssues().first().value(u"fields").toObject();
        QCOMPARE(fields.value(u"project").toObject().value(u"key").toString(), u"SEC"_qs);
        QVERIFY(fields.value(u"summary").toString().contains(user.login));
        QVERIFY(QJsonDocument(fields.value(u"description").toObject()).toJson().contains("REJECTED"));

        // What the report's `actions` will list: real (not dry), in order.
        QStringList kinds;
        for (const response::ActionRecord& a : response::ResponseEngine::actions(*rig.audit)) {
            QVERIFY(!a.dryRun);
            QCOMPARE(a.user, user.login);
            kinds.append(a.kind);
        }
        QCOMPARE(kinds, (QStringList{u"step_up"_qs, u"clear_sessions"_qs, u"page"_qs, u"auto_suspend"_qs, u"ticket"_qs,
                                     u"notify"_qs, u"notify"_qs}));
    }

    void pageGoesOutWithoutTheProfileWhenOktaCannotSayWhoItIs()
    {
        // A login Okta does not know (a typo'd hook, a deleted user): the profile read fails and the
        // page goes out anyway, saying so.
        response::ResponseSettings settings = enforce(60000);
        settings.profileWaitMs = 30000;
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), settings);
        risk::Alert a;
        a.id = u"alert-ghost"_qs;
        a.user = u"ghost@corp.example"_qs;
        a.peakRisk = 75;
        a.detections = {u"brute_force"_qs};
        a.sourceIps = {u"203.0.113.50"_qs};
        QElapsedTimer timer;
        timer.start();
        rig.engine->onAlert(a);
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->pagerDuty().incident(u"alert-ghost"_qs), 10000);
        QVERIFY2(timer.elapsed() < 20000, "the page waited for the whole profile wait, not for the failed read");
        QCOMPARE(rig.engine->response(u"alert-ghost"_qs)->profileState, u"failed"_qs);
        QVERIFY(m_sim->pagerDuty()
                    .incident(u"alert-ghost"_qs)
                    ->customDetails.value(u"profile")
                    .toString()
                    .contains(u"failed"));
    }

    void protectedGroupMembersAndOktaAdminsAreNeverSuspended()
    {
        // A member of a protected group, and an Okta administrator (read from the admin-role API).
        const sim::SimUser* member = nullptr;
        const sim::SimUser* admin = nullptr;
        QString groupId;
        for (const sim::SimGroup& g : m_sim->org().groups()) {
            if (g.type == u"OKTA_GROUP" && g.name == u"Engineering" && !g.members.isEmpty()) groupId = g.id;
        }
        QVERIFY(!groupId.isEmpty());
        member = m_sim->org().user(m_sim->org().group(groupId)->members.constLast());
        for (const sim::SimUser& u : m_sim->org().users()) {
            if (u.admin && !u.serviceAccount && u.status == u"ACTIVE") admin = &u;
        }
        QVERIFY(member && admin && !member->admin);
        m_sim->setPushAnswer(member->id, sim::SimPushAnswer::Reject);
        m_sim->setPushAnswer(admin->id, sim::SimPushAnswer::Reject);
        const risk::Policy policy =
            policyWith(", \"response\": {\"protected_groups\": [\"" + groupId.toUtf8() + "\"]}");
        Rig rig(freshPath(), *m_sim, policy, enforce(1500));
        QTRY_VERIFY_WITH_TIMEOUT(rig.engine->isProtectedLogin(member->login), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(rig.engine->discoveredProtected().contains(admin->id.toLower()), 5000);
        QVERIFY(!rig.engine->isProtectedLogin(victim(9).login));
        rig.engine->onAlert(alertFor(*member, u"alert-member"_qs, 95));
        rig.engine->onAlert(alertFor(*admin, u"alert-admin"_qs, 95, u"198.51.100.9"_qs));
        QTRY_VERIFY_WITH_TIMEOUT(rig.engine->response(u"alert-member"_qs)->decision.contains(u"protected"), 8000);
        QTRY_VERIFY_WITH_TIMEOUT(rig.engine->response(u"alert-admin"_qs)->decision.contains(u"protected"), 8000);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
    }

    void falsePositiveWithASuppressionSilencesTheUserUntilItExpires()
    {
        const sim::SimUser& user = victim(11);
        qint64 now = QDateTime::currentMSecsSinceEpoch();
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), enforce(60000));
        rig.engine->setClock([&now] { return now; });
        rig.engine->onAlert(alertFor(user, u"alert-fp"_qs, 45));
        QString error;
        QVERIFY(rig.engine->falsePositive(u"alert-fp"_qs, u"ann@soc"_qs, u"travelling for the offsite"_qs, &error));
        // Every suppression is owned, explained and bounded.
        QVERIFY(!rig.engine->suppress(user.login, {}, {}, u"why"_qs, now + 3600000, u"alert-fp"_qs, &error));
        QVERIFY(!rig.engine->suppress(user.login, {}, u"ann@soc"_qs, {}, now + 3600000, u"alert-fp"_qs, &error));
        QVERIFY(!rig.engine->suppress(user.login, {}, u"ann@soc"_qs, u"why"_qs, now + 400LL * 86400000, {}, &error));
        QVERIFY(error.contains(u"90"));
        const auto s = rig.engine->suppress(user.login, {u"brute_force"_qs, u"geo_risk"_qs}, u"ann@soc"_qs,
                                            u"offsite in Lisbon"_qs, now + 3600000, u"alert-fp"_qs, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(rig.engine->activeSuppressions().size(), 1);

        // A new alert with covered detections: no response, and the audit says why.
        rig.engine->onAlert(alertFor(user, u"alert-fp-2"_qs, 70));
        QVERIFY(!rig.engine->response(u"alert-fp-2"_qs));
        bool recorded = false;
        for (const audit::AuditRecord& r : rig.audit->forSubject(u"alert-fp-2"_qs))
            recorded |= r.kind == u"decision" && r.details.value(u"rule").toString() == u"suppressed";
        QVERIFY(recorded);
        // A detection the analyst did not suppress still gets a response.
        risk::Alert other = alertFor(user, u"alert-fp-3"_qs, 70);
        other.detections = {u"factor_reset"_qs};
        rig.engine->onAlert(other);
        QVERIFY(rig.engine->response(u"alert-fp-3"_qs));
        QVERIFY(rig.engine->resolve(u"alert-fp-3"_qs, u"ann@soc"_qs, u"checked"_qs, &error));

        // Suppressions survive a restart, and end at their expiry.
        Rig again(rig.store.path(), *m_sim, risk::Policy::defaults(), enforce(60000));
        again.engine->setClock([&now] { return now; });
        QCOMPARE(again.engine->activeSuppressions().size(), 1);
        now += 3600001;
        QCOMPARE(again.engine->activeSuppressions().size(), 0);
        again.engine->onAlert(alertFor(user, u"alert-fp-4"_qs, 70));
        QVERIFY(again.engine->response(u"alert-fp-4"_qs));
    }

    void sprayAgainstThirtyUsersTripsTheBreaker()
    {
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), enforce(1000));
        for (int i = 0; i < 30; ++i) {
            m_sim->setPushAnswer(victim(10 + i).id, sim::SimPushAnswer::Reject);
            rig.engine->onAlert(alertFor(victim(10 + i), QStringLiteral("alert-spray-%1").arg(i), 65, u"5.8.18.1"_qs));
        }
        QVERIFY(rig.engine->breakerOpen());
        QTest::qWait(2500);
        QCOMPARE(requestsTo(*m_sim, u"/lifecycle/suspend"_qs), 0);
        // Paged once that automation is paused.
        QTRY_VERIFY_WITH_TIMEOUT(m_sim->pagerDuty().incident(u"circuit-breaker"_qs), 5000);
        QString error;
        QVERIFY(!rig.engine->resumeAutomation(u"ann@soc"_qs, {}, &error));
        QVERIFY(rig.engine->resumeAutomation(u"ann@soc"_qs, u"spray blocked at the firewall"_qs, &error));
        QVERIFY(!rig.engine->breakerOpen());
    }

    void monitorModeChangesNothingInOkta()
    {
        const sim::SimUser& user = victim(6);
        response::ResponseSettings settings = enforce(800);
        settings.mode = response::Mode::Monitor;
        Rig rig(freshPath(), *m_sim, risk::Policy::defaults(), settings);
        rig.engine->onAlert(alertFor(user, u"alert-mon"_qs, 85));
        QTRY_COMPARE_WITH_TIMEOUT(rig.engine->response(u"alert-mon"_qs)->state, u"suspension_recommended"_qs, 5000);
        for (const sim::SimRequestRecord& r : m_sim->requests())
            QVERIFY2(!(r.path.startsWith(u"/api/v1") && r.method != "GET"), qPrintable(r.path));
        QVERIFY(m_sim->pagerDuty().incident(u"alert-mon"_qs)); // paging is not an Okta change
    }

    void outboxRetriesServerErrorsAndAuditsEachAttempt()
    {
        // Okta answers 500 twice, then 200: the call is retried and every attempt is in the audit log.
        QHttpServer flaky;
        int hits = 0;
        flaky.route(u"/api/v1/users/<arg>/lifecycle/suspend"_qs, [&hits](const QString&, const QHttpServerRequest&) {
            ++hits;
            return hits <= 2
                       ? QHttpServerResponse(QByteArrayLiteral("application/json"),
                                             QByteArrayLiteral("{\"errorCode\":\"E0000009\",\"errorSummary\":"
                                                               "\"Internal Server Error\",\"errorId\":\"oaeX1\"}"),
                                             QHttpServerResponder::StatusCode::InternalServerError)
                       : QHttpServerResponse(QHttpServerResponder::StatusCode::Ok);
        });
        const quint16 port = flaky.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port > 0);
        store::SqliteEventStore db(freshPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        audit::AuditLog log(db.database());
        QNetworkAccessManager network;
        okta::SswsAuthenticator auth("test-token");
        response::Outbox outbox(db.database(), network, log);
        outbox.setRetryLimits(50, 200, 5);
        outbox.registerService(u"okta"_qs, std::make_shared<response::OktaService>(
                                               QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), auth));
        response::OutboundCall call;
        call.service = u"okta"_qs;
        call.purpose = u"suspend"_qs;
        call.path = u"/api/v1/users/00u1/lifecycle/suspend"_qs;
        call.alertId = u"alert-x"_qs;
        call.idempotencyKey = u"suspend:alert-x"_qs;
        const auto id = outbox.enqueue(call);
        QVERIFY(id);
        QCOMPARE(outbox.enqueue(call), id); // the same key is the same call
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(outbox.call(*id)->state, u"done"_qs, 10000);
        QCOMPARE(hits, 3);
        QCOMPARE(outbox.call(*id)->attempts, 3);
        int audited = 0;
        for (const audit::AuditRecord& r : log.forSubject(u"alert-x"_qs)) {
            if (r.kind != u"call") continue;
            ++audited;
            QVERIFY(!QJsonDocument(r.details).toJson().contains("test-token"));
        }
        QCOMPARE(audited, 3);
        QCOMPARE(log.forSubject(u"alert-x"_qs).first().details.value(u"okta_error_id").toString(), u"oaeX1"_qs);
        // A restart after success sends nothing again.
        response::Outbox again(db.database(), network, log);
        again.registerService(u"okta"_qs, std::make_shared<response::OktaService>(
                                              QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), auth));
        again.start();
        QTest::qWait(300);
        QCOMPARE(hits, 3);
    }

    void auditLogCatchesEditsInsertionsAndDeletions()
    {
        store::SqliteEventStore db(freshPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        audit::AuditLog log(db.database());
        for (int i = 0; i < 6; ++i)
            QVERIFY2(log.append(u"decision"_qs, u"vigil"_qs, u"alert-a"_qs, {{u"n"_qs, i}}, &error), qPrintable(error));
        QVERIFY(log.verify().ok);
        QCOMPARE(log.verify().records, 6);
        // Secrets are refused outright.
        QVERIFY(!log.append(u"call"_qs, u"vigil"_qs, u"x"_qs, {{u"header"_qs, u"SSWS 00abc"_qs}}, &error));

        QSqlQuery q(db.database());
        QVERIFY(q.exec(u"UPDATE audit SET details = '{\"n\":99}' WHERE seq = 3"_qs));
        audit::VerifyResult v = log.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBadSeq, 3);
        QVERIFY(q.exec(u"UPDATE audit SET details = '{\"n\":2}' WHERE seq = 3"_qs));
        QVERIFY(log.verify().ok); // put back exactly: whole again

        QVERIFY(q.exec(u"DELETE FROM audit WHERE seq = 4"_qs));
        v = log.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBadSeq, 5);
        QVERIFY2(v.problem.contains(u"missing"), qPrintable(v.problem));
    }

    void auditCommandVerifiesAndExports()
    {
        const QString vigil = QString::fromLocal8Bit(qgetenv("VIGIL_BINARY"));
        if (vigil.isEmpty()) QSKIP("VIGIL_BINARY is not set (run through ctest)");
        QTemporaryDir dir;
        {
            store::SqliteEventStore db(dir.filePath(store::SqliteEventStore::defaultFileName()));
            QString error;
            QVERIFY2(db.open(&error), qPrintable(error));
            audit::AuditLog log(db.database());
            for (int i = 0; i < 4; ++i)
                QVERIFY(log.append(u"decision"_qs, u"vigil"_qs, u"alert-c"_qs, {{u"n"_qs, i}}));
        }
        auto run = [&](const QStringList& args, QByteArray* out = nullptr) {
            QProcess p;
            p.start(vigil, args);
            p.waitForFinished(20000);
            if (out) *out = p.readAllStandardOutput() + p.readAllStandardError();
            return p.exitCode();
        };
        QByteArray out;
        QCOMPARE(run({u"audit"_qs, u"verify"_qs, u"--data-dir"_qs, dir.path()}, &out), 0);
        QVERIFY2(out.contains("4 records"), out.constData());
        QCOMPARE(run({u"audit"_qs, u"export"_qs, u"--format"_qs, u"csv"_qs, u"--data-dir"_qs, dir.path()}, &out), 0);
        QCOMPARE(out.count('\n'), 5); // header and four records
        {
            store::SqliteEventStore db(dir.filePath(store::SqliteEventStore::defaultFileName()));
            QString error;
            QVERIFY2(db.open(&error), qPrintable(error));
            QSqlQuery q(db.database());
            QVERIFY(q.exec(u"UPDATE audit SET actor = 'someone-else' WHERE seq = 2"_qs));
        }
        QCOMPARE(run({u"audit"_qs, u"verify"_qs, u"--data-dir"_qs, dir.path()}, &out), 1);
        QVERIFY2(out.contains("first bad record: 2"), out.constData());
    }

    void auditLogCatchesADeletedTail()
    {
        store::SqliteEventStore db(freshPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        audit::AuditLog log(db.database());
        for (int i = 0; i < 3; ++i)
            QVERIFY(log.append(u"command"_qs, u"ann@soc"_qs, u"alert-b"_qs, {{u"n"_qs, i}}));
        QSqlQuery q(db.database());
        QVERIFY(q.exec(u"DELETE FROM audit WHERE seq = 3"_qs));
        const audit::VerifyResult v = log.verify();
        QVERIFY(!v.ok);
        QVERIFY2(v.problem.contains(u"written up to record 3"), qPrintable(v.problem));
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        QVERIFY(log.exportTo(out, audit::AuditLog::Format::JsonLines));
        QCOMPARE(out.data().count('\n'), 2);
    }
};

QTEST_GUILESS_MAIN(TestResponseEngine)
#include "TestResponseEngine.moc"

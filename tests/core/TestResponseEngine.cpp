// SPDX-License-Identifier: GPL-3.0-or-later
// The automation core against the simulated tenant over real HTTP: step-up, page, the safety net at
// the deadline and every way an analyst (or PagerDuty) stops it, restarts, guardrails, the outbox's
// retries and the hash-chained audit log.
#include "core/audit/AuditLog.h"
#include "core/okta/OktaAuth.h"
#include "core/response/Outbox.h"
#include "core/response/ResponseEngine.h"
#include "core/response/Services.h"
#include "core/sim/SimServer.h"
#include "core/store/SqliteEventStore.h"

#include <QBuffer>
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

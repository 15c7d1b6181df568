// SPDX-License-Identifier: GPL-3.0-or-later
// The System Log poller against the simulated tenant over real HTTP: exact counts against what the
// simulator served, through every fault it injects, a restart, the rate limit and its reserve, and
// rejected credentials. Also `vigil serve` killed with SIGKILL mid-run and restarted.
#include "core/okta/OktaAuth.h"
#include "core/okta/OktaHttp.h"
#include "core/okta/SystemLogPoller.h"
#include "core/pipeline/LiveSession.h"
#include "core/sim/SimHookDelivery.h"
#include "core/sim/SimServer.h"
#include "core/store/SqliteEventStore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "support/TestSupport.h"

using namespace vigil;
using State = pipeline::IngestHealth::State;

namespace {

constexpr qint64 kMinute = 60000;

sim::SimOptions simOptions(int users = 60)
{
    sim::SimOptions o;
    o.seed = 7;
    o.users = users;
    o.historyMs = 24 * 60 * kMinute; // a working day for everyone, whatever time the test runs
    o.manualClock = true;
    o.startMs = QDateTime::currentMSecsSinceEpoch();
    return o;
}

okta::PollerSettings pollerSettings(const sim::SimServer& sim)
{
    okta::PollerSettings s;
    s.orgUrl = sim.baseUrl();
    s.pageLimit = 100;
    s.pollIntervalMs = 100;
    s.firstBackoffMs = 40;
    s.maxBackoffMs = 400;
    s.requestTimeoutMs = 5000;
    return s;
}

// Every uuid the simulator holds is stored, and nothing else.
bool storeMatches(const store::EventStore& db, sim::SimServer& sim, QString* why)
{
    const QStringList expected = sim.log().uuids();
    if (db.eventCount() != expected.size()) {
        *why =
            QStringLiteral("store has %1 events, the simulator published %2").arg(db.eventCount()).arg(expected.size());
        return false;
    }
    for (const QString& uuid : expected) {
        if (!db.contains(uuid.toStdString())) {
            *why = QStringLiteral("missing %1").arg(uuid);
            return false;
        }
    }
    return true;
}

} // namespace

class TestSystemLogPoller : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_serial = 0;

    QString freshDbPath() { return m_dir.filePath(QStringLiteral("poll-%1.sqlite").arg(++m_serial)); }

    // Runs the poller until it is live and holds everything the simulator published.
    static bool pollUntilComplete(okta::SystemLogPoller& poller,
                                  store::SqliteEventStore& db,
                                  sim::SimServer& sim,
                                  int timeoutMs = 30000)
    {
        QElapsedTimer t;
        t.start();
        QString why;
        while (t.elapsed() < timeoutMs) {
            QTest::qWait(20);
            if (poller.health().state == State::Live && storeMatches(db, sim, &why)) return true;
        }
        qWarning().noquote() << "not complete:" << why << poller.health().summary();
        return false;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void linkHeaderForms()
    {
        using Pairs = QList<QNetworkReply::RawHeaderPair>;
        const Pairs twoHeaders{
            {"link", "<https://a.okta.com/api/v1/logs?limit=20>; rel=\"self\""},
            {"link", "<https://a.okta.com/api/v1/logs?limit=20&after=1627500044869_1>; rel=\"next\""}};
        QCOMPARE(okta::nextLink(twoHeaders)->query(), u"limit=20&after=1627500044869_1"_qs);
        const Pairs folded{{"Link", "<https://a.okta.com/api/v1/logs?limit=20>; rel=\"self\", "
                                    "<https://a.okta.com/api/v1/logs?limit=20&after=X2>; rel=\"next\""}};
        QCOMPARE(okta::nextLink(folded)->query(), u"limit=20&after=X2"_qs);
        const Pairs selfOnly{{"link", "<https://a.okta.com/api/v1/logs?limit=20>; rel=\"self\""}};
        QVERIFY(!okta::nextLink(selfOnly));
        const Pairs unquoted{{"link", "<https://a.okta.com/x?after=3>;rel=next"}};
        QCOMPARE(okta::nextLink(unquoted)->query(), u"after=3"_qs);
    }

    void orgUrlRules_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("https") << "https://acme.okta.com" << true;
        QTest::newRow("https-slash") << "https://acme.okta.com/" << true;
        QTest::newRow("http-remote") << "http://acme.okta.com" << false;
        QTest::newRow("http-loopback") << "http://127.0.0.1:8080" << true;
        QTest::newRow("http-localhost") << "http://localhost:8080" << true;
        QTest::newRow("http-v6-loopback") << "http://[::1]:8080" << true;
        QTest::newRow("ftp") << "ftp://acme.okta.com" << false;
        QTest::newRow("with-query") << "https://acme.okta.com/?x=1" << false;
        QTest::newRow("garbage") << "::::" << false;
    }

    void orgUrlRules()
    {
        QFETCH(QString, url);
        QFETCH(bool, accepted);
        QString error;
        QCOMPARE(okta::validateOrgUrl(url, &error).has_value(), accepted);
        QCOMPARE(error.isEmpty(), accepted);
    }

    void catchesUpThenFollowsNewEvents()
    {
        sim::SimServer sim(simOptions());
        QVERIFY(sim.listen() > 0);
        store::SqliteEventStore db(freshDbPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QNetworkAccessManager network;
        okta::SswsAuthenticator auth(sim.options().token.toUtf8());
        okta::SystemLogPoller poller(network, db, auth, pollerSettings(sim));
        QSignalSpy stored(&poller, &okta::SystemLogPoller::eventsStored);
        poller.start();
        QVERIFY(pollUntilComplete(poller, db, sim));
        const qsizetype history = sim.log().size();
        QVERIFY2(history > 300, qPrintable(QString::number(history))); // several pages of 100
        qsizetype signalled = 0;
        for (const auto& args : stored)
            signalled += args.first().value<QList<okta::LogEvent>>().size();
        QCOMPARE(signalled, history);

        // Time moves on in the org; the poller, caught up, picks up what is new on its next poll.
        sim.clock().advance(20 * kMinute);
        sim.triggerAttack(sim::SimAttack::BruteForce);
        sim.clock().advance(5 * kMinute);
        sim.pump();
        QVERIFY(sim.log().size() > history);
        QVERIFY(pollUntilComplete(poller, db, sim));
        QCOMPARE(poller.health().duplicates, 0);
        QCOMPARE(poller.health().state, State::Live);
        QVERIFY(poller.health().lagMs >= 0);
        // Okta's requirement: after the first request, only `next` links are followed.
        const QList<sim::SimRequestRecord> requests = sim.requests();
        QVERIFY(requests.first().query.contains(u"since="));
        for (qsizetype i = 1; i < requests.size(); ++i)
            QVERIFY2(requests.at(i).query.contains(u"after="), qPrintable(requests.at(i).query));
    }

    void everyFaultLosesAndDoublesNothing_data()
    {
        QTest::addColumn<int>("fault");
        QTest::addColumn<int>("times");
        QTest::newRow("429-burst") << int(sim::SimFault::RateLimitBurst) << 1;
        QTest::newRow("500s") << int(sim::SimFault::ServerError) << 3;
        QTest::newRow("slow") << int(sim::SimFault::Slow) << 2;
        QTest::newRow("truncated") << int(sim::SimFault::Truncated) << 3;
        QTest::newRow("expired-cursor") << int(sim::SimFault::ExpiredCursor) << 1;
    }

    void everyFaultLosesAndDoublesNothing()
    {
        QFETCH(int, fault);
        QFETCH(int, times);
        sim::SimOptions options = simOptions();
        options.slowReplyMs = 300;
        options.burstMs = 1500;
        sim::SimServer sim(options);
        QVERIFY(sim.listen() > 0);
        // A 429 means "wait until X-Rate-Limit-Reset": a 3-second window keeps that wait short here.
        sim.setRateLimits(60, 600, 3000);
        store::SqliteEventStore db(freshDbPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QNetworkAccessManager network;
        okta::SswsAuthenticator auth(sim.options().token.toUtf8());
        okta::PollerSettings settings = pollerSettings(sim);
        settings.requestTimeoutMs = 2000;
        okta::SystemLogPoller poller(network, db, auth, settings);
        poller.start();
        // Faults start after the first two pages, mid-history, where a lost or doubled page would show.
        QTRY_VERIFY_WITH_TIMEOUT(db.eventCount() >= 200, 10000);
        sim.faults().force(static_cast<sim::SimFault>(fault), times);
        QVERIFY(pollUntilComplete(poller, db, sim));
        // And once more after time moves on, in the live phase.
        sim.faults().force(static_cast<sim::SimFault>(fault), times);
        sim.clock().advance(30 * kMinute);
        sim.pump();
        QVERIFY(pollUntilComplete(poller, db, sim));
        QString why;
        QVERIFY2(storeMatches(db, sim, &why), qPrintable(why));
        bool sawFault = false;
        for (const sim::SimRequestRecord& r : sim.requests())
            sawFault |= !r.fault.isEmpty();
        QVERIFY(sawFault);
        if (fault != int(sim::SimFault::Slow)) QVERIFY(!poller.health().lastError.isEmpty());
    }

    void restartResumesFromTheStoredCursor()
    {
        sim::SimServer sim(simOptions());
        QVERIFY(sim.listen() > 0);
        const QString path = freshDbPath();
        QNetworkAccessManager network;
        okta::SswsAuthenticator auth(sim.options().token.toUtf8());
        qsizetype requestsBefore = 0;
        {
            store::SqliteEventStore db(path);
            QString error;
            QVERIFY2(db.open(&error), qPrintable(error));
            okta::SystemLogPoller poller(network, db, auth, pollerSettings(sim));
            poller.start();
            QTRY_VERIFY_WITH_TIMEOUT(db.eventCount() >= 200, 10000);
            poller.stop(); // mid-history
            QVERIFY(db.eventCount() < sim.log().size());
            requestsBefore = sim.requests().size();
        }
        store::SqliteEventStore db(path);
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        okta::SystemLogPoller poller(network, db, auth, pollerSettings(sim));
        poller.start();
        QVERIFY(pollUntilComplete(poller, db, sim));
        // The second run continued with the stored `next` link, not a new `since` query.
        QVERIFY(sim.requests().at(requestsBefore).query.contains(u"after="));
        QCOMPARE(poller.health().duplicates, 0);
    }

    void rateLimitIsNeverExceededAndTheReserveIsKept()
    {
        sim::SimServer sim(simOptions(60));
        QVERIFY(sim.listen() > 0);
        sim.setRateLimits(10, 600, 2000); // 10 log requests per 2-second window
        store::SqliteEventStore db(freshDbPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QNetworkAccessManager network;
        okta::SswsAuthenticator auth(sim.options().token.toUtf8());
        okta::PollerSettings settings = pollerSettings(sim);
        settings.pageLimit = 10; // many pages: the limit is what paces the run
        settings.rateLimitReserve = 0.2;
        okta::SystemLogPoller poller(network, db, auth, settings);
        poller.start();
        QVERIFY(pollUntilComplete(poller, db, sim, 60000));
        int minRemaining = 1000;
        int logsRequests = 0;
        for (const sim::SimRequestRecord& r : sim.requests()) {
            if (r.bucket != u"logs") continue;
            ++logsRequests;
            QVERIFY2(r.status != 429, "the poller ran into the rate limit");
            if (r.remaining >= 0) minRemaining = std::min(minRemaining, r.remaining);
        }
        QVERIFY2(logsRequests >= 25, qPrintable(QString::number(logsRequests))); // several windows were used
        QCOMPARE(minRemaining, 2); // 20% of 10 kept for the response engine, and not more
    }

    void rejectedTokenStopsWithAReason()
    {
        sim::SimServer sim(simOptions());
        QVERIFY(sim.listen() > 0);
        store::SqliteEventStore db(freshDbPath());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QNetworkAccessManager network;
        okta::SswsAuthenticator auth("not-the-token");
        okta::SystemLogPoller poller(network, db, auth, pollerSettings(sim));
        QSignalSpy failed(&poller, &okta::SystemLogPoller::failed);
        poller.start();
        QVERIFY(failed.wait(5000));
        const QString reason = failed.first().first().toString();
        QVERIFY2(reason.contains(u"401") && reason.contains(u"API token"), qPrintable(reason));
        QVERIFY2(!reason.contains(u"not-the-token"), "the token must never be printed");
        QCOMPARE(poller.health().state, State::Failed);
        const qsizetype requests = sim.requests().size();
        QTest::qWait(500);
        QCOMPARE(sim.requests().size(), requests); // no retry storm
        QCOMPARE(requests, 1);
    }

    void hooksAndPollingTogetherStoreEachEventOnce()
    {
        sim::SimServer sim(simOptions());
        QVERIFY(sim.listen() > 0);
        QTemporaryDir dataDir;
        pipeline::LiveSessionSettings settings;
        QStringList problems;
        settings.policy =
            *risk::Policy::fromJson("{\"schema_version\": 1, \"ingest\": {\"poll_interval_seconds\": 2}}", &problems);
        settings.dataDir = dataDir.path();
        settings.orgUrl = sim.baseUrl().toString();
        settings.token = sim.options().token.toUtf8();
        okta::HookReceiverSettings hooks;
        hooks.port = 0;
        hooks.secret = "Bearer overlap-secret";
        settings.hooks = hooks;
        pipeline::LiveSession session(settings);
        QString error;
        QVERIFY2(session.start(&error), qPrintable(error));
        QUrl hookUrl(QStringLiteral("http://127.0.0.1:%1/okta/hooks").arg(session.hooks()->port()));
        sim::SimHookDelivery* delivery = sim.startHookDelivery(hookUrl, "Bearer overlap-secret");
        QTRY_VERIFY_WITH_TIMEOUT(delivery->isVerified(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(session.poller()->health().state == State::Live, 20000);
        sim.clock().advance(30 * kMinute);
        sim.triggerAttack(sim::SimAttack::MfaFatigue);
        sim.clock().advance(10 * kMinute);
        sim.pump();
        QTRY_VERIFY_WITH_TIMEOUT(delivery->eventsDelivered() > 0, 10000);
        QString why;
        QTRY_VERIFY2_WITH_TIMEOUT(storeMatches(session.store(), sim, &why), qPrintable(why), 20000);
        // Both paths carried the new events; the store kept each once.
        QVERIFY(session.hooks()->counters().eventsStored + session.hooks()->counters().duplicates > 0);
        QTRY_VERIFY_WITH_TIMEOUT(session.poller()->health().duplicates + session.hooks()->counters().duplicates > 0,
                                 10000);
        // And the pipeline scored them: the attack's victim has an alert.
        QTRY_VERIFY_WITH_TIMEOUT(!session.pipeline().engine().alerts().isEmpty(), 5000);
    }

    void serveKilledMidRunLosesAndDoublesNothing()
    {
        const QByteArray vigil = qgetenv("VIGIL_BINARY");
        if (vigil.isEmpty()) QSKIP("VIGIL_BINARY is not set (run through ctest)");
        // 800 people's day is ~7,000 events: several pages of 1,000 to be killed in the middle of.
        sim::SimOptions options = simOptions(800);
        sim::SimServer sim(options);
        QVERIFY(sim.listen() > 0);
        sim.setRateLimits(1000, 1000, 60000);
        QTemporaryDir dataDir;
        const QString policy = dataDir.filePath(u"fast-poll.json"_qs);
        {
            QFile f(policy);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"schema_version\": 1, \"ingest\": {\"poll_interval_seconds\": 2}}");
        }
        auto startServe = [&](QProcess& p) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"VIGIL_OKTA_TOKEN"_qs, sim.options().token);
            p.setProcessEnvironment(env);
            p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            p.start(QString::fromLocal8Bit(vigil),
                    {u"serve"_qs, u"--okta-url"_qs, sim.baseUrl().toString(), u"--data-dir"_qs, dataDir.path(),
                     u"--health-interval"_qs, u"1"_qs});
            return p.waitForStarted(5000);
        };
        // Kill it three times at different moments, each while it is still catching up.
        for (int round = 0; round < 3; ++round) {
            QProcess serve;
            QVERIFY(startServe(serve));
            const qsizetype before = sim.requests().size();
            QTRY_VERIFY_WITH_TIMEOUT(sim.requests().size() >= before + 1 + round, 20000);
            serve.kill(); // SIGKILL: no chance to clean up
            QVERIFY(serve.waitForFinished(5000));
        }
        // The killed runs may have stored the whole day already (a fast machine pages quickly): new events
        // give the clean run work of its own, so that its health can be checked against the store.
        qint64 storedBefore = 0;
        {
            store::SqliteEventStore db(QDir(dataDir.path()).filePath(store::SqliteEventStore::defaultFileName()));
            QString error;
            QVERIFY2(db.open(&error), qPrintable(error));
            storedBefore = db.eventCount();
        }
        sim.clock().advance(10 * kMinute);
        sim.triggerAttack(sim::SimAttack::MfaFatigue);
        sim.clock().advance(10 * kMinute);
        sim.pump();
        QVERIFY(sim.log().uuids().size() > storedBefore);
        QProcess serve;
        QVERIFY(startServe(serve));
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += serve.readAllStandardOutput()).contains("caught up"), 30000);
        serve.terminate(); // SIGTERM: a clean stop
        QVERIFY(serve.waitForFinished(10000));
        output += serve.readAllStandardOutput();
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        QVERIFY2(output.contains("stopping on request"), output.right(500).constData());

        store::SqliteEventStore db(QDir(dataDir.path()).filePath(store::SqliteEventStore::defaultFileName()));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QString why;
        QVERIFY2(storeMatches(db, sim, &why), qPrintable(why));
        QVERIFY2(!output.contains(sim.options().token.toUtf8()), "the token must never be logged");

        // `vigil status` reads the health serve left behind: stopped, with what it stored.
        QProcess status;
        status.start(QString::fromLocal8Bit(vigil), {u"status"_qs, u"--data-dir"_qs, dataDir.path(), u"--json"_qs});
        QVERIFY(status.waitForFinished(10000));
        QCOMPARE(status.exitCode(), 1); // not running
        const QJsonObject health = QJsonDocument::fromJson(status.readAllStandardOutput()).object();
        QCOMPARE(health.value(u"running").toBool(true), false);
        // What the clean run stored: everything the killed runs had not.
        QCOMPARE(health.value(u"events_stored").toInteger(), db.eventCount() - storedBefore);
        QCOMPARE(health.value(u"state").toString(), u"stopped"_qs);
    }
};

QTEST_GUILESS_MAIN(TestSystemLogPoller)
#include "TestSystemLogPoller.moc"

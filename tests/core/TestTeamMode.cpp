// SPDX-License-Identifier: GPL-3.0-or-later
// Team mode end to end: three `vigil serve --store postgresql://…` processes on a private PostgreSQL
// cluster and the simulated tenant. The leader is killed in the middle of a suspension countdown; a
// new leader takes over and the user is suspended exactly once, by it. Two analysts acknowledge one
// alert at the same moment through two different consoles: one wins, the other is told who acted.
// No event is stored twice.
#include "core/response/AnalystCommands.h"
#include "core/sim/SimServer.h"
#include "core/store/PostgresEventStore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

#include "support/PostgresCluster.h"

using namespace vigil;

namespace {

constexpr qint64 kMinute = 60000;

int postsTo(const sim::SimServer& sim, const QString& pathEnd)
{
    int n = 0;
    for (const sim::SimRequestRecord& r : sim.requests()) {
        if (r.method == "POST" && r.path.endsWith(pathEnd)) ++n;
    }
    return n;
}

struct Console
{
    std::unique_ptr<QProcess> process;
    QTemporaryDir dataDir;
    QByteArray output;

    QByteArray read()
    {
        output += process->readAllStandardOutput();
        return output;
    }
};

} // namespace

class TestTeamMode : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_up = m_pg.start();
        if (!m_up) QVERIFY2(!m_pg.skipReason().isEmpty(), qPrintable(m_pg.error()));
    }

    void killedLeaderIsReplacedAndSuspendsOnce();

private:
    bool startConsole(Console& c, const sim::SimServer& sim, const QString& url, const QString& policy)
    {
        c.process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"VIGIL_OKTA_TOKEN"_qs, sim.options().token);
        env.insert(u"VIGIL_PAGERDUTY_ROUTING_KEY"_qs, sim.options().routingKey);
        env.insert(u"VIGIL_STORE_PASSWORD"_qs, QString::fromLatin1(m_pg.password()));
        c.process->setProcessEnvironment(env);
        c.process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        c.process->start(qEnvironmentVariable("VIGIL_BINARY"),
                         {u"serve"_qs, u"--okta-url"_qs, sim.baseUrl().toString(), u"--data-dir"_qs, c.dataDir.path(),
                          u"--store"_qs, url, u"--mode"_qs, u"enforce"_qs, u"--policy"_qs, policy,
                          u"--pagerduty-url"_qs, sim.baseUrl().toString(), u"--auto-suspend-delay"_qs, u"25"_qs,
                          u"--health-interval"_qs, u"1"_qs});
        return c.process->waitForStarted(5000);
    }

    test::PostgresCluster m_pg;
    bool m_up = false;
};

void TestTeamMode::killedLeaderIsReplacedAndSuspendsOnce()
{
    if (!m_up) QSKIP(qPrintable(m_pg.skipReason()));
    if (qEnvironmentVariableIsEmpty("VIGIL_BINARY")) QSKIP("VIGIL_BINARY is not set (run through ctest)");

    sim::SimOptions o;
    o.seed = 21;
    o.users = 60;
    o.historyMs = 2 * 60 * kMinute;
    o.backgroundTraffic = false;
    o.manualClock = true;
    o.startMs = QDateTime::currentMSecsSinceEpoch() - 30 * kMinute;
    o.pushAnswerDelayMs = 200;
    sim::SimServer sim(o);
    QVERIFY(sim.listen() > 0);
    sim.setRateLimits(1000, 1000, 60000);
    // Sim time follows the wall clock from here (pushes get answered, the log moves on).
    QTimer clock;
    connect(&clock, &QTimer::timeout, &sim, [&sim] {
        sim.clock().advance(250);
        sim.pump();
    });
    clock.start(250);

    const QString url = m_pg.createDatabase(u"team"_qs);
    QTemporaryDir work;
    const QString policy = work.filePath(u"team-policy.json"_qs);
    {
        QFile f(policy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"schema_version\": 1, \"ingest\": {\"poll_interval_seconds\": 2},"
                " \"response\": {\"step_up_at\": 10, \"page_at\": 10}}");
    }
    std::optional<store::PostgresLocation> where = store::PostgresLocation::parse(url, nullptr);
    where->password = m_pg.password();
    QSqlDatabase db = where->connect(u"team-mode-test"_qs, u"test"_qs, nullptr);
    QVERIFY(db.isOpen());

    Console consoles[3];
    QVERIFY(startConsole(consoles[0], sim, url, policy));
    QTRY_VERIFY2_WITH_TIMEOUT(consoles[0].read().contains("now leads the automation")
                                  || consoles[0].process->state() == QProcess::NotRunning,
                              consoles[0].output.right(2000).constData(), 30000);
    QVERIFY2(consoles[0].output.contains("now leads the automation"), consoles[0].output.right(2000).constData());
    QVERIFY(startConsole(consoles[1], sim, url, policy));
    QVERIFY(startConsole(consoles[2], sim, url, policy));
    QTRY_VERIFY_WITH_TIMEOUT(consoles[1].read().contains("following") || consoles[1].output.contains("store "), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(consoles[2].read().contains("store "), 20000);

    // The org's history is ingested once, by the leader.
    const sim::SimAttackInfo attack = sim.triggerAttack(sim::SimAttack::BruteForce);
    QSqlQuery q(db);
    QString alertId;
    QTRY_VERIFY_WITH_TIMEOUT(q.exec(u"SELECT alert_id FROM responses WHERE state = 'suspension_pending'"_qs) && q.next()
                                 && !(alertId = q.value(0).toString()).isEmpty(),
                             40000);
    q.finish();
    QCOMPARE(postsTo(sim, u"/lifecycle/suspend"_qs), 0);

    // Kill the leader mid-countdown: no chance to clean up or hand over.
    const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
    consoles[0].process->kill();
    QVERIFY(consoles[0].process->waitForFinished(5000));
    int newLeader = -1;
    QTRY_VERIFY_WITH_TIMEOUT((consoles[1].read().contains("now leads the automation") && (newLeader = 1))
                                 || (consoles[2].read().contains("now leads the automation") && (newLeader = 2)),
                             30000);
    const qint64 tookOver = QDateTime::currentMSecsSinceEpoch() - killedAt;
    qInfo("a new leader took over %lld ms after the leader was killed", tookOver);
    QVERIFY(tookOver < 30000);
    const int follower = newLeader == 1 ? 2 : 1;
    QVERIFY(!consoles[follower].read().contains("now leads the automation"));

    // The countdown resumes on the new leader and ends in one suspension.
    QTRY_VERIFY2_WITH_TIMEOUT(postsTo(sim, u"/lifecycle/suspend"_qs) >= 1,
                              consoles[newLeader].read().right(3000).constData(), 60000);
    QTest::qWait(5000);
    QCOMPARE(postsTo(sim, u"/lifecycle/suspend"_qs), 1);
    QVERIFY(q.exec(u"SELECT count(*), min(created_ms) FROM outbox WHERE purpose = 'suspend'"_qs) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    QVERIFY2(q.value(1).toLongLong() > killedAt, "the suspension was queued by the new leader");
    q.finish();
    QVERIFY2(consoles[newLeader].read().contains("suspending " + attack.victimLogin.toUtf8()),
             consoles[newLeader].output.right(3000).constData());

    // Two analysts acknowledge a second alert at once, through the two remaining consoles.
    const sim::SimAttackInfo second = sim.triggerAttack(sim::SimAttack::BruteForce);
    QString secondId;
    QTRY_VERIFY_WITH_TIMEOUT(q.exec(u"SELECT alert_id FROM responses WHERE state = 'suspension_pending'"
                                    " AND user_login = '"_qs
                                    + second.victimLogin + u"'"_qs)
                                 && q.next() && !(secondId = q.value(0).toString()).isEmpty(),
                             40000);
    q.finish();
    response::CommandResult results[2];
    QThread* senders[2];
    for (int i = 0; i < 2; ++i) {
        const QString dir = consoles[i == 0 ? newLeader : follower].dataDir.path();
        senders[i] = QThread::create([&results, i, dir, secondId] {
            response::AnalystCommand c;
            c.action = u"ack"_qs;
            c.alertId = secondId;
            c.who = i == 0 ? u"alice@ws-1"_qs : u"bob@ws-2"_qs;
            c.reason = u"looking into it"_qs;
            results[i] = response::CommandListener::send(dir, c).value_or(response::CommandResult());
        });
    }
    senders[0]->start();
    senders[1]->start();
    for (QThread* t : senders) {
        QTRY_VERIFY_WITH_TIMEOUT(t->isFinished(), 20000);
        delete t;
    }
    qInfo("first: %s / second: %s", qPrintable(results[0].message), qPrintable(results[1].message));
    QCOMPARE(int(results[0].ok) + int(results[1].ok), 1);
    const int loser = results[0].ok ? 1 : 0;
    const QString winner = loser == 1 ? u"alice@ws-1"_qs : u"bob@ws-2"_qs;
    QVERIFY2(results[loser].message.contains(winner), qPrintable(results[loser].message));
    QVERIFY(q.exec(u"SELECT state, acknowledged_by FROM responses WHERE alert_id = '"_qs + secondId + u"'"_qs)
            && q.next());
    QCOMPARE(q.value(0).toString(), u"acknowledged"_qs);
    QCOMPARE(q.value(1).toString(), winner);
    q.finish();
    // The other console heard of it (LISTEN/NOTIFY), whichever applied it.
    QTRY_VERIFY_WITH_TIMEOUT(consoles[follower].read().contains(secondId.toUtf8() + " is now acknowledged"), 5000);

    // Every event the tenant served is stored, once.
    QVERIFY(q.exec(u"SELECT count(*), count(DISTINCT uuid) FROM events"_qs) && q.next());
    const qint64 stored = q.value(0).toLongLong();
    QCOMPARE(q.value(1).toLongLong(), stored);
    QSet<QString> served(sim.servedUuids().cbegin(), sim.servedUuids().cend());
    QCOMPARE(stored, qint64(served.size()));
    q.finish();

    for (int i : {1, 2}) {
        consoles[i].process->terminate();
        QVERIFY(consoles[i].process->waitForFinished(15000));
        QVERIFY(!consoles[i].read().contains(m_pg.password()));
        QVERIFY(!consoles[i].output.contains(sim.options().token.toUtf8()));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"team-mode-test"_qs);
}

QTEST_GUILESS_MAIN(TestTeamMode)
#include "TestTeamMode.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// Team mode end to end: three `vigil serve --store postgresql://…` processes on a private PostgreSQL
// cluster and the simulated tenant. The leader is killed in the middle of a suspension countdown; a
// new leader takes over and the user is suspended exactly once, by it. Two analysts acknowledge one
// alert at the same moment through two different consoles: one wins, the other is told who acted.
// No event is stored twice.
//
// And consoles in this process, each a LiveSession with its ConsoleFeed on a core thread of its own as
// the window runs them: the consoles that follow score what the leader stored and show the leader's
// response, an acknowledgement made in one console shows in the others within a second, no console
// scores an event twice, and an Event Hook delivery that reached a follower is acted on by the leader.
#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/CoreThread.h"
#include "core/pipeline/LiveSession.h"
#include "core/response/AnalystCommands.h"
#include "core/sim/SimHookDelivery.h"
#include "core/sim/SimServer.h"
#include "core/store/PostgresEventStore.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
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

// The simulated org on loopback, its clock following the wall clock from start() on (pushes get answered,
// the log moves on), with rate limits high enough for three consoles.
struct RunningSim
{
    RunningSim(quint64 seed, int users, qint64 historyMs, bool backgroundTraffic)
        : sim(options(seed, users, historyMs, backgroundTraffic))
    {
    }

    static sim::SimOptions options(quint64 seed, int users, qint64 historyMs, bool backgroundTraffic)
    {
        sim::SimOptions o;
        o.seed = seed;
        o.users = users;
        o.historyMs = historyMs;
        o.backgroundTraffic = backgroundTraffic;
        o.manualClock = true;
        o.startMs = QDateTime::currentMSecsSinceEpoch() - 30 * kMinute;
        o.pushAnswerDelayMs = 200;
        return o;
    }

    bool start()
    {
        if (sim.listen() <= 0) return false;
        sim.setRateLimits(1000, 1000, 60000);
        QObject::connect(&clock, &QTimer::timeout, &sim, [this] {
            sim.clock().advance(250);
            sim.pump();
        });
        clock.start(250);
        return true;
    }

    sim::SimServer sim;
    QTimer clock;
};

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

// A console in this process: its LiveSession and ConsoleFeed live on a core thread; `receiver` (on the
// test's thread) gets the feed's snapshots and the answers to commands.
class InProcessConsole
{
public:
    ~InProcessConsole() { stop(); }

    bool start(const pipeline::LiveSessionSettings& base, QObject* receiver, QString* error)
    {
        m_thread = std::make_unique<pipeline::CoreThread>(u"vigil-core-test"_qs);
        pipeline::LiveSessionSettings settings = base;
        settings.dataDir = m_dataDir.path();
        bool ok = false;
        m_thread->runBlocking([&] {
            m_session = std::make_unique<pipeline::LiveSession>(settings);
            QObject::connect(m_session.get(), &pipeline::LiveSession::logLine, [this](const QString& line) {
                QMutexLocker lock(&m_mutex);
                m_log.append(line);
            });
            ok = m_session->start(error);
            if (!ok) return;
            // Everything scored from here on (warm-up is counted apart; a tail runs from the event loop).
            QObject::connect(&m_session->pipeline(), &pipeline::LivePipeline::batchScored,
                             [this](const QList<okta::LogEvent>& events) {
                                 QMutexLocker lock(&m_mutex);
                                 for (const okta::LogEvent& e : events)
                                     m_scored.append(okta::LogEvent::qs(e.uuid()));
                             });
            m_feed = std::make_unique<pipeline::ConsoleFeed>(*m_session);
            QObject::connect(m_feed.get(), &pipeline::ConsoleFeed::snapshot, receiver,
                             [this](std::shared_ptr<const pipeline::ConsoleSnapshot> s) { last = std::move(s); });
            QObject::connect(
                m_feed.get(), &pipeline::ConsoleFeed::commandFinished, receiver,
                [this](const response::AnalystCommand&, const response::CommandResult& r) { answers.append(r); });
        });
        return ok;
    }

    void stop()
    {
        if (!m_thread) return;
        m_thread->runBlocking([&] {
            m_feed.reset();
            if (m_session) m_session->stop();
            m_session.reset();
        });
        m_thread.reset();
    }

    // On the core thread, for a moment.
    template <typename F> auto onCore(F f)
    {
        decltype(f()) value{};
        m_thread->runBlocking([&] { value = f(); });
        return value;
    }
    bool leading()
    {
        return onCore([this] { return m_session->team() && m_session->team()->isLeading(); });
    }
    qint64 warmedUp()
    {
        return onCore([this] { return m_session->pipeline().warmedUpCount(); });
    }
    QStringList scored()
    {
        QMutexLocker lock(&m_mutex);
        return m_scored;
    }
    QStringList log()
    {
        QMutexLocker lock(&m_mutex);
        return m_log;
    }
    // The alert the console's queue shows for `user`, if any.
    std::optional<pipeline::ConsoleAlert> alertFor(const QString& user) const
    {
        if (!last) return std::nullopt;
        for (const pipeline::ConsoleAlert& a : last->alerts) {
            if (a.user == user) return a;
        }
        return std::nullopt;
    }
    // As the window sends it: queued to the feed on the core thread; the answer lands in `answers`.
    void command(const response::AnalystCommand& c)
    {
        pipeline::ConsoleFeed* feed = m_feed.get();
        QMetaObject::invokeMethod(
            feed, [feed, c] { feed->command(c); }, Qt::QueuedConnection);
    }
    pipeline::LiveSession* session() { return m_session.get(); }

    std::shared_ptr<const pipeline::ConsoleSnapshot> last; // the test thread's
    QList<response::CommandResult> answers;                // the test thread's

private:
    QTemporaryDir m_dataDir;
    std::unique_ptr<pipeline::CoreThread> m_thread;
    std::unique_ptr<pipeline::LiveSession> m_session;
    std::unique_ptr<pipeline::ConsoleFeed> m_feed;
    QMutex m_mutex;
    QStringList m_scored; // uuids, in the order batchScored gave them
    QStringList m_log;
};

int countOf(const QStringList& lines, QLatin1StringView text)
{
    int n = 0;
    for (const QString& l : lines)
        n += l.contains(text) ? 1 : 0;
    return n;
}

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
    void followersScoreAndShowTheLeadersResponses();
    void hookDeliveryToAFollowerIsActedOnByTheLeader();

private:
    pipeline::LiveSessionSettings inProcessSettings(const sim::SimServer& sim, const QString& url)
    {
        pipeline::LiveSessionSettings s;
        QStringList problems;
        s.policy = *risk::Policy::fromJson("{\"schema_version\": 1, \"ingest\": {\"poll_interval_seconds\": 2,"
                                           " \"backfill_hours\": 80},"
                                           " \"response\": {\"step_up_at\": 10, \"page_at\": 10}}",
                                           &problems);
        s.storeUrl = url;
        s.storePassword = m_pg.password();
        s.orgUrl = sim.baseUrl().toString();
        s.token = sim.options().token.toUtf8();
        s.mode = response::Mode::Enforce;
        s.autoSuspendDelayMs = 10 * kMinute; // no suspension while the test runs
        s.pagerDutyEventsUrl = sim.baseUrl().toString();
        s.pagerDutyRoutingKey = sim.options().routingKey.toUtf8();
        s.teamTickMs = 250;
        s.teamTakeoverGraceMs = 0;
        return s;
    }

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

    RunningSim running(21, 60, 2 * 60 * kMinute, false);
    QVERIFY(running.start());
    sim::SimServer& sim = running.sim;

    const QString url = m_pg.createDatabase(u"team"_qs);
    QTemporaryDir work;
    const QString policy = work.filePath(u"team-policy.json"_qs);
    {
        QFile f(policy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"schema_version\": 1, \"ingest\": {\"poll_interval_seconds\": 2},"
                " \"response\": {\"step_up_at\": 10, \"page_at\": 10}}");
    }
    std::optional<store::PostgresLocation> where = m_pg.location(url);
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

void TestTeamMode::followersScoreAndShowTheLeadersResponses()
{
    if (!m_up) QSKIP(qPrintable(m_pg.skipReason()));

    // Three days of history: the simulated people sign in on working days in their own time zones, so a
    // window of a couple of hours can hold no sign-in at all (at 13:10 UTC on a Wednesday this test waited
    // ~56 s for the first event); three days always reach back into a working day, weekends included.
    RunningSim running(31, 60, 72 * 60 * kMinute, true);
    QVERIFY(running.start());
    sim::SimServer& sim = running.sim;

    const QString url = m_pg.createDatabase(u"live"_qs);
    std::optional<store::PostgresLocation> where = m_pg.location(url);
    QSqlDatabase db = where->connect(u"team-live-test"_qs, u"test"_qs, nullptr);
    QVERIFY(db.isOpen());
    QSqlQuery q(db);
    const auto storedEvents = [&q] {
        const qint64 n = q.exec(u"SELECT count(*) FROM events"_qs) && q.next() ? q.value(0).toLongLong() : -1;
        q.finish();
        return n;
    };

    const pipeline::LiveSessionSettings settings = inProcessSettings(sim, url);
    InProcessConsole consoles[3]; // alice leads, bob and carol follow
    QString error;
    QVERIFY2(consoles[0].start(settings, this, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(consoles[0].leading(), 10000);
    QVERIFY2(consoles[1].start(settings, this, &error), qPrintable(error));
    QVERIFY2(consoles[2].start(settings, this, &error), qPrintable(error));
    QVERIFY(!consoles[1].leading() && !consoles[2].leading());

    // The org's history, stored by the leader, scored by everyone (warmed up at start or tailed since).
    QTRY_VERIFY2_WITH_TIMEOUT(
        storedEvents() > 0 && storedEvents() == sim.servedUuids().size(),
        qPrintable(QStringLiteral("%1 events stored, %2 served").arg(storedEvents()).arg(sim.servedUuids().size())),
        30000);
    for (InProcessConsole& c : consoles)
        QTRY_COMPARE_WITH_TIMEOUT(c.warmedUp() + c.scored().size(), storedEvents(), 10000);

    // An attack, polled and stored by the leader only: the followers' queues show the alert, with the
    // leader's response (step-up, page, countdown) rather than a bare detection.
    const sim::SimAttackInfo attack = sim.triggerAttack(sim::SimAttack::BruteForce);
    QString alertId;
    QTRY_VERIFY_WITH_TIMEOUT(q.exec(u"SELECT alert_id FROM responses WHERE state = 'suspension_pending'"
                                    " AND user_login = '"_qs
                                    + attack.victimLogin + u"'"_qs)
                                 && q.next() && !(alertId = q.value(0).toString()).isEmpty(),
                             30000);
    q.finish();
    QElapsedTimer sinceDecided;
    sinceDecided.start();
    for (int i : {1, 2}) {
        QTRY_VERIFY_WITH_TIMEOUT(consoles[i].alertFor(attack.victimLogin)
                                     && consoles[i].alertFor(attack.victimLogin)->state == u"suspension_pending",
                                 5000);
        const pipeline::ConsoleAlert shown = *consoles[i].alertFor(attack.victimLogin);
        QCOMPARE(shown.alertId, alertId); // commands from this console address the leader's response
        QVERIFY(shown.deadlineMs > 0);
        QVERIFY(shown.detections.contains(u"brute_force"_qs));
    }
    qInfo("both followers showed the leader's countdown %lld ms after it was stored", sinceDecided.elapsed());

    // Bob acknowledges in his console (a follower): the leader applies it, and Carol's console and Alice's
    // show it within a second.
    response::AnalystCommand ack;
    ack.action = u"ack"_qs;
    ack.alertId = alertId;
    ack.who = u"bob@ws-2"_qs;
    ack.reason = u"calling the user"_qs;
    QElapsedTimer sinceAck;
    sinceAck.start();
    consoles[1].command(ack);
    QTRY_VERIFY_WITH_TIMEOUT(!consoles[1].answers.isEmpty(), 10000);
    QVERIFY2(consoles[1].answers.constFirst().ok, qPrintable(consoles[1].answers.constFirst().message));
    const qint64 answeredMs = sinceAck.elapsed();
    const auto shownAcknowledged = [&](int i) {
        const std::optional<pipeline::ConsoleAlert> a = consoles[i].alertFor(attack.victimLogin);
        return a && a->state == u"acknowledged" && a->acknowledgedBy == u"bob@ws-2";
    };
    qint64 seenBy[3] = {-1, -1, -1};
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 for (int i = 0; i < 3; ++i) {
                                     if (seenBy[i] < 0 && shownAcknowledged(i)) seenBy[i] = sinceAck.elapsed();
                                 }
                                 return seenBy[0] >= 0 && seenBy[1] >= 0 && seenBy[2] >= 0;
                             }()),
                             3000);
    qInfo("acknowledged through a follower: answered after %lld ms; shown by alice (leader) after %lld ms, bob after"
          " %lld ms, carol after %lld ms",
          answeredMs, seenBy[0], seenBy[1], seenBy[2]);
    for (const qint64 ms : seenBy)
        QVERIFY2(ms < 1000, "an acknowledgement shows in every console within a second");

    // No console scored an event twice, and each scored every stored event once (warm-up included).
    QTRY_VERIFY_WITH_TIMEOUT(storedEvents() == sim.servedUuids().size(), 10000);
    const qint64 stored = storedEvents();
    for (InProcessConsole& c : consoles) {
        QTRY_COMPARE_WITH_TIMEOUT(c.warmedUp() + c.scored().size(), stored, 10000);
        const QStringList scored = c.scored();
        QCOMPARE(QSet<QString>(scored.cbegin(), scored.cend()).size(), scored.size());
    }
    // The followers never took over.
    QCOMPARE(countOf(consoles[1].log(), QLatin1StringView("now leads the automation")), 0);
    QCOMPARE(countOf(consoles[2].log(), QLatin1StringView("now leads the automation")), 0);

    for (InProcessConsole& c : consoles)
        c.stop();
    q = QSqlQuery();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"team-live-test"_qs);
}

void TestTeamMode::hookDeliveryToAFollowerIsActedOnByTheLeader()
{
    if (!m_up) QSKIP(qPrintable(m_pg.skipReason()));

    RunningSim running(32, 40, 30 * kMinute, false);
    QVERIFY(running.start());
    sim::SimServer& sim = running.sim;

    const QString url = m_pg.createDatabase(u"hooks"_qs);
    // Nobody polls: the follower's Event Hook endpoint is the only way in.
    pipeline::LiveSessionSettings settings = inProcessSettings(sim, url);
    settings.poll = false;
    InProcessConsole leader, follower;
    QString error;
    QVERIFY2(leader.start(settings, this, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(leader.leading(), 10000);
    okta::HookReceiverSettings hooks;
    hooks.port = 0;
    hooks.secret = "Bearer team-hook-secret";
    settings.hooks = hooks;
    QVERIFY2(follower.start(settings, this, &error), qPrintable(error));
    QVERIFY(!follower.leading());
    const quint16 port = follower.onCore([&] { return follower.session()->hooks()->port(); });
    sim::SimHookDelivery* delivery =
        sim.startHookDelivery(QUrl(u"http://127.0.0.1:%1/okta/hooks"_qs.arg(port)), "Bearer team-hook-secret");
    QTRY_VERIFY_WITH_TIMEOUT(delivery->isVerified(), 5000);

    const sim::SimAttackInfo attack = sim.triggerAttack(sim::SimAttack::BruteForce);
    // The whole attack at once (it spans a few minutes of sim time).
    sim.clock().advance(std::max<qint64>(0, attack.endMs - sim.clock().nowMs()) + 1000);
    sim.pump();
    QTRY_VERIFY_WITH_TIMEOUT(delivery->eventsDelivered() >= attack.uuids.size(), 10000);
    QVERIFY(follower.onCore([&] { return follower.session()->hooks()->counters().eventsStored; }) > 0);

    // The leader scored the follower's events and acted: the step-up and the page went out from it.
    std::optional<store::PostgresLocation> where = m_pg.location(url);
    QSqlDatabase db = where->connect(u"team-hooks-test"_qs, u"test"_qs, nullptr);
    QVERIFY(db.isOpen());
    {
        QSqlQuery q(db);
        QTRY_VERIFY_WITH_TIMEOUT(
            q.exec(u"SELECT state FROM responses WHERE user_login = '"_qs + attack.victimLogin + u"'"_qs) && q.next()
                && q.value(0).toString() == u"suspension_pending",
            10000);
        q.finish();
        QTRY_VERIFY_WITH_TIMEOUT(postsTo(sim, u"/v2/enqueue"_qs) >= 1, 10000);
    }
    QVERIFY(leader.leading());
    QVERIFY(!follower.leading());
    QCOMPARE(countOf(leader.log(), QLatin1StringView("now leads the automation")), 1); // no takeover
    QTRY_VERIFY_WITH_TIMEOUT(leader.scored().contains(attack.uuids.constLast()), 5000);
    // And the follower's own queue shows the leader's countdown.
    QTRY_VERIFY_WITH_TIMEOUT(follower.alertFor(attack.victimLogin)
                                 && follower.alertFor(attack.victimLogin)->state == u"suspension_pending",
                             3000);

    leader.stop();
    follower.stop();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"team-hooks-test"_qs);
}

QTEST_GUILESS_MAIN(TestTeamMode)
#include "TestTeamMode.moc"

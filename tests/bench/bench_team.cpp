// SPDX-License-Identifier: GPL-3.0-or-later
// bench_team: team mode (issue 8) with several consoles on one PostgreSQL database, a private cluster
// started for the run (tests/support/PostgresCluster: fsync off, like the tests).
//
//   bench_team [--events N] [--page N] [--overlap N] [--users N] [--alerts M] [--consoles N]
//
// 1. Ingestion: each console is a PostgresEventStore on its own thread, storing pages back to back as
//    when catching up a backlog; every page repeats the tail of the one before (a poller asks again from
//    the last `published` it saw), so duplicates are part of the work. Three runs, each on a fresh
//    database: one console polling alone; N consoles polling the one cursor (read it, "fetch" the page
//    after it, store page and cursor in one batch: appendBatch locks the cursor row, but consoles that
//    read the cursor at the same moment fetch and store the same page); N consoles that each get
//    different pages (Event Hook deliveries spread over the consoles). Figure: events stored once per
//    second; checked: the events table holds every generated event once.
// 2. Acknowledgements: the first console leads (TeamCoordinator's advisory lock) and runs the response
//    engine; M alerts are opened through the engine, then every console's analyst works through the
//    queue, each from a different place, skipping what its console already heard was acknowledged
//    (LISTEN/NOTIFY). Commands go through TeamCoordinator::submit as the console's do: applied directly
//    on the leader, queued to the leader from the others. Figure: alerts/s acknowledged and the latency
//    of each command (p50/p99), checked: every alert acknowledged once, by the one analyst told it won,
//    one audit record each, the losers told who won.
//
// Defaults take well under two minutes on two cores; raise --events and --alerts for bigger runs.
#include "core/audit/AuditLog.h"
#include "core/okta/InputReader.h"
#include "core/response/AnalystCommands.h"
#include "core/response/Outbox.h"
#include "core/response/ResponseEngine.h"
#include "core/store/PostgresEventStore.h"
#include "core/team/TeamCoordinator.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <latch>
#include <limits>
#include <memory>
#include <time.h>

#include "support/PostgresCluster.h"
#include "support/TestSupport.h"

using namespace vigil;

namespace {

const QString kCursorSource = QStringLiteral("okta-poll");

struct Options
{
    int events = 100000;
    int page = 1000; // the System Log API's largest page
    int overlap = 50;
    int users = 5000;
    int alerts = 1000;
    int consoles = 3;
};

int intOption(const QStringList& args, const QString& name, int fallback)
{
    const qsizetype at = args.indexOf(name);
    if (at < 0 || at + 1 >= args.size()) return fallback;
    bool ok = false;
    const int value = args.at(at + 1).toInt(&ok);
    return ok && value >= 0 ? value : fallback;
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Nearest-rank percentile of `values` (milliseconds).
double percentile(QList<double> values, double p)
{
    if (values.isEmpty()) return 0;
    std::sort(values.begin(), values.end());
    const qsizetype rank =
        std::clamp<qsizetype>(qsizetype(std::ceil(p / 100.0 * values.size())) - 1, 0, values.size() - 1);
    return values.at(rank);
}

// Runs `work` on a thread of its own (Qt Sql connections belong to the thread that opens them).
template <typename Work> std::unique_ptr<QThread> startThread(Work work)
{
    std::unique_ptr<QThread> thread(QThread::create(std::move(work)));
    thread->start();
    return thread;
}

// --- Ingestion ---------------------------------------------------------------------------------------

using Pages = QList<QList<okta::LogEvent>>;

// The generated log, cut into pages as the API would serve them: page k holds events
// [k*page - overlap, (k+1)*page), so each page repeats the last `overlap` events of the one before.
Pages makePages(const Options& o)
{
    QList<okta::LogEvent> all;
    all.reserve(o.events);
    test::SyntheticEventGenerator generator(o.users, 42);
    constexpr int kChunk = 50000;
    for (int done = 0; done < o.events; done += kChunk) {
        const QByteArray text = generator.ndjson(std::min(kChunk, o.events - done));
        okta::InputReader reader([&all](okta::LogEvent&& e) { all.append(std::move(e)); }, {});
        reader.readBuffer(QStringLiteral("bench"), text);
    }
    Pages pages;
    for (qsizetype from = 0; from < all.size(); from += o.page) {
        const qsizetype start = std::max<qsizetype>(0, from - o.overlap);
        pages.append(all.mid(start, std::min<qsizetype>(all.size(), from + o.page) - start));
    }
    return pages;
}

struct PollerTally
{
    int pagesStored = 0;
    qint64 inserted = 0;
    qint64 duplicates = 0;
    QString error;
};

// How the consoles share the log.
enum class Sharing
{
    // Every console polls the one cursor: read it, fetch the page after it, store page and new cursor.
    RacingPollers,
    // Each page reaches one console (Event Hook deliveries behind a load balancer: every console stores
    // what it receives, leader or not): what the database takes from concurrent writers.
    Deliveries,
};

// CPU seconds of this process (the consoles' side: Qt Sql, LZ4, binding); the server's are not in it.
double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

PollerTally ingestLikeAConsole(const store::PostgresLocation& where,
                               const QString& name,
                               const Pages& pages,
                               Sharing sharing,
                               std::atomic<qsizetype>& nextDelivery,
                               std::latch& ready)
{
    PollerTally tally;
    store::PostgresEventStore db(where, name);
    QString error;
    const bool opened = db.open(&error);
    ready.arrive_and_wait();
    if (!opened) {
        tally.error = error;
        return tally;
    }
    while (true) {
        qsizetype next = 0;
        std::optional<store::IngestCursor> newCursor;
        if (sharing == Sharing::RacingPollers) {
            const std::optional<store::IngestCursor> cursor = db.cursor(kCursorSource);
            next = cursor ? cursor->position.toLongLong() : 0;
            newCursor = store::IngestCursor{kCursorSource, QString::number(next + 1), 0};
        } else {
            next = nextDelivery++;
        }
        if (next >= pages.size()) break;
        const store::AppendResult r = db.appendBatch(pages.at(next), newCursor);
        if (!r.ok) {
            tally.error = r.error;
            break;
        }
        ++tally.pagesStored;
        tally.inserted += r.inserted;
        tally.duplicates += r.duplicates;
    }
    return tally;
}

// One ingestion run on a fresh database; false when a check fails.
bool runIngestion(test::PostgresCluster& pg,
                  const QString& dbName,
                  int consoles,
                  Sharing sharing,
                  const Pages& pages,
                  const Options& o,
                  double* eventsPerSecond)
{
    std::optional<store::PostgresLocation> where = pg.location(pg.createDatabase(dbName));
    if (!where) {
        std::fprintf(stderr, "cannot create database %s: %s\n", qPrintable(dbName), qPrintable(pg.error()));
        return false;
    }
    // Creates the schema before the consoles race to open the store.
    store::PostgresEventStore checker(*where, QStringLiteral("bench-check"));
    QString error;
    if (!checker.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }

    std::latch ready(consoles + 1);
    std::atomic<qsizetype> nextDelivery{0};
    QList<PollerTally> tallies(consoles);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < consoles; ++i) {
        threads.push_back(startThread([&, i] {
            tallies[i] = ingestLikeAConsole(*where, QStringLiteral("bench-console-%1").arg(i + 1), pages, sharing,
                                            nextDelivery, ready);
        }));
    }
    ready.arrive_and_wait();
    const double cpuStart = processCpuSeconds();
    QElapsedTimer timer;
    timer.start();
    for (auto& t : threads)
        t->wait();
    const double seconds = timer.nsecsElapsed() / 1e9;
    const double cpu = processCpuSeconds() - cpuStart;

    QSqlQuery q(checker.database());
    qint64 rows = -1;
    qint64 distinct = -1;
    if (q.exec(QStringLiteral("SELECT count(*), count(DISTINCT uuid) FROM events")) && q.next()) {
        rows = q.value(0).toLongLong();
        distinct = q.value(1).toLongLong();
    }
    // Raw JSON is written to blocks before the rows say which events were new: a duplicate's copy stays.
    qint64 rawBytes = 0;
    qint64 referenced = 0;
    if (q.exec(QStringLiteral("SELECT (SELECT coalesce(sum(raw_size), 0) FROM raw_blocks),"
                              " (SELECT coalesce(sum(raw_size), 0) FROM events)"))
        && q.next()) {
        rawBytes = q.value(0).toLongLong();
        referenced = q.value(1).toLongLong();
    }
    const qint64 dbSize = checker.sizeOnDisk();
    q.finish();
    bool ok = rows == o.events && distinct == rows;
    int pagesStored = 0;
    qint64 inserted = 0;
    qint64 duplicates = 0;
    QStringList perConsole;
    for (const PollerTally& t : std::as_const(tallies)) {
        if (!t.error.isEmpty()) {
            std::fprintf(stderr, "a console failed: %s\n", qPrintable(t.error));
            ok = false;
        }
        pagesStored += t.pagesStored;
        inserted += t.inserted;
        duplicates += t.duplicates;
        perConsole.append(QString::number(t.pagesStored));
    }
    ok = ok && inserted == o.events;
    *eventsPerSecond = distinct / seconds;
    std::printf("  %d console%s, %s: %lld events stored once in %.2f s = %.0f events/s"
                " (consoles' CPU %.1f s)\n",
                consoles, consoles == 1 ? "" : "s",
                sharing == Sharing::RacingPollers ? "polling one cursor" : "one page each (deliveries)",
                static_cast<long long>(distinct), seconds, distinct / seconds, cpu);
    std::printf("    pages stored %d for %lld pages (per console %s); duplicates rejected %lld, of which %lld"
                " from the overlap between pages\n",
                pagesStored, static_cast<long long>(pages.size()), qPrintable(perConsole.join(u'/')),
                static_cast<long long>(duplicates),
                static_cast<long long>(std::max<qsizetype>(0, pages.size() - 1)) * o.overlap);
    std::printf("    database %.0f MB; raw JSON in blocks %.0f MB, of it referenced by events %.0f MB\n", dbSize / 1e6,
                rawBytes / 1e6, referenced / 1e6);
    std::printf("    check: %lld rows, %lld distinct uuids, %d generated -> %s\n", static_cast<long long>(rows),
                static_cast<long long>(distinct), o.events, ok ? "OK" : "FAILED");
    return ok;
}

// --- Acknowledgements ---------------------------------------------------------------------------------

// What a console's LiveSession::applyHere does on the leader (it is private there): apply the command
// through the response engine; an acknowledgement of an alert someone else already took is refused with
// who acted first, since the engine alone would let the second one overwrite the first.
response::CommandResult applyAsLeader(response::ResponseEngine& engine, const response::AnalystCommand& command)
{
    const std::optional<response::AlertResponse> before = engine.response(command.alertId);
    const bool taking = command.action == u"ack" || command.action == u"override";
    if (taking && before && (before->state == u"acknowledged" || before->state == u"overridden")
        && !before->acknowledgedBy.isEmpty() && before->acknowledgedBy != command.who) {
        response::CommandResult refused;
        refused.message = QStringLiteral("already %1").arg(before->state);
        return team::explainConflict(refused, command, before->acknowledgedBy, before->state);
    }
    const response::CommandResult result = response::applyCommand(engine, command);
    if (result.ok) return result;
    if (const std::optional<response::AlertResponse> r = engine.response(command.alertId))
        return team::explainConflict(result, command, r->acknowledgedBy, r->state);
    return result;
}

struct Attempt
{
    QString alertId;
    bool ok = false;
    qint64 startNs = 0;
    qint64 endNs = 0;
    QString message;
    double ms() const { return (endNs - startNs) / 1e6; }
};

struct AckTally
{
    QString who;
    bool leader = false;
    QList<Attempt> attempts;
    int skipped = 0;        // alerts this console heard were acknowledged before its analyst got to them
    QSet<QString> heard;    // alerts other consoles' acknowledgements were announced for
    double openSeconds = 0; // the leader: time to open the alerts
    QString error;
};

struct AckRun
{
    explicit AckRun(int consoles)
        : consoles(consoles)
        , go(consoles + 1)
    {
    }
    store::PostgresLocation where;
    QStringList alertIds;
    int consoles;
    std::latch go;
    std::atomic<bool> leaderReady{false};
    std::atomic<bool> failed{false};
    std::atomic<int> finished{0};
};

QString analyst(int index)
{
    static const char* const names[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    return QStringLiteral("%1@ws-%2").arg(QLatin1String(names[index % 8])).arg(index + 1);
}

risk::Alert benchAlert(const QString& id, int i)
{
    risk::Alert a;
    a.id = id;
    a.user = QStringLiteral("bench.user%1@example.com").arg(i);
    a.openedAtMs = QDateTime::currentMSecsSinceEpoch();
    a.lastSeenMs = a.openedAtMs;
    a.peakRisk = 80;
    a.detections = {QStringLiteral("brute_force"), QStringLiteral("geo_risk")};
    a.sourceIps = {QStringLiteral("185.220.101.7")};
    return a;
}

// One console: its store connection, its coordinator, and on the leader the automation (in monitor mode,
// with the outbox not sending: the calls it queues stay in the table, which is the work that counts here).
AckTally runAckConsole(AckRun& run, int index)
{
    AckTally tally;
    tally.who = analyst(index);
    tally.leader = index == 0;
    bool arrived = false;
    const auto fail = [&](const QString& why) {
        tally.error = why;
        run.failed = true;
        if (!arrived) run.go.arrive_and_wait();
        return tally;
    };
    const QString app = QStringLiteral("bench-console-%1").arg(index + 1);
    store::PostgresEventStore db(run.where, app);
    QString error;
    if (!db.open(&error)) return fail(error);
    team::TeamCoordinator coordinator(run.where, tally.who);
    coordinator.setTickMs(200);
    coordinator.setTakeoverGraceMs(0);
    coordinator.setApplicationName(app);
    if (!coordinator.start(&error)) return fail(error);
    if (tally.leader != coordinator.isLeading())
        return fail(
            QStringLiteral("console %1 was expected %2 lead").arg(index + 1).arg(tally.leader ? "to" : "not to"));

    QNetworkAccessManager network;
    std::unique_ptr<audit::AuditLog> audit;
    std::unique_ptr<response::Outbox> outbox;
    std::unique_ptr<response::ResponseEngine> engine;
    if (tally.leader) {
        QStringList errors;
        const std::optional<risk::Policy> policy = risk::Policy::fromJson("{\"schema_version\": 1}", &errors);
        if (!policy) return fail(errors.join(u"; "));
        audit = std::make_unique<audit::AuditLog>(db.database());
        outbox = std::make_unique<response::Outbox>(db.database(), network, *audit);
        engine = std::make_unique<response::ResponseEngine>(db.database(), *outbox, *audit, *policy,
                                                            response::ResponseSettings());
        engine->start();
        // As LiveSession: the leader announces every change of a response to the other consoles.
        QObject::connect(engine.get(), &response::ResponseEngine::responseChanged, &coordinator,
                         [&coordinator](const response::AlertResponse& r) {
                             if (coordinator.isLeading())
                                 coordinator.publishResponse(r.alertId, r.state, r.acknowledgedBy);
                         });
        coordinator.setCommandHandler(
            [&engine](const response::AnalystCommand& c) { return applyAsLeader(*engine, c); });
        QElapsedTimer opening;
        opening.start();
        for (int i = 0; i < run.alertIds.size(); ++i)
            engine->onAlert(benchAlert(run.alertIds.at(i), i));
        tally.openSeconds = opening.nsecsElapsed() / 1e9;
        for (const QString& id : std::as_const(run.alertIds)) {
            const std::optional<response::AlertResponse> r = engine->response(id);
            if (!r || !r->isOpen() || r->state == u"acknowledged")
                return fail(QStringLiteral("alert %1 did not open").arg(id));
        }
        run.leaderReady = true;
    }

    // The console's queue hides what it heard was acknowledged, so its analyst does not pick it.
    QSet<QString> acknowledged;
    QObject::connect(&coordinator, &team::TeamCoordinator::sharedResponseChanged, &coordinator,
                     [&](const QString& alertId, const QString& state, const QString&) {
                         if (state != u"acknowledged") return;
                         acknowledged.insert(alertId);
                         tally.heard.insert(alertId);
                     });
    if (engine) {
        // The leader's own queue learns of changes from its engine, which applies everyone's commands.
        QObject::connect(engine.get(), &response::ResponseEngine::responseChanged, &coordinator,
                         [&](const response::AlertResponse& r) {
                             if (r.state == u"acknowledged") acknowledged.insert(r.alertId);
                         });
    }
    arrived = true;
    run.go.arrive_and_wait();
    if (run.failed) return tally;

    // One command at a time, back to the event loop in between: the leader applies the others' queued
    // commands there (NOTIFY vigil_commands), and every console hears the announcements.
    const QStringList& ids = run.alertIds;
    const qsizetype count = ids.size();
    const qsizetype offset = index * count / run.consoles;
    qsizetype next = 0;
    QEventLoop loop;
    QTimer waitForOthers;
    waitForOthers.setInterval(20);
    QElapsedTimer allDone;
    QObject::connect(&waitForOthers, &QTimer::timeout, &coordinator, [&] {
        if (run.finished.load() < run.consoles && !run.failed) return;
        // Then a moment for the last announcements to arrive.
        if (!allDone.isValid()) allDone.start();
        if (allDone.elapsed() > 500) loop.quit();
    });
    std::function<void()> step = [&] {
        while (next < count && acknowledged.contains(ids.at((offset + next) % count))) {
            ++next;
            ++tally.skipped;
        }
        if (next >= count) {
            ++run.finished;
            waitForOthers.start();
            return;
        }
        Attempt a;
        a.alertId = ids.at((offset + next++) % count);
        response::AnalystCommand command;
        command.action = QStringLiteral("ack");
        command.alertId = a.alertId;
        command.who = tally.who;
        command.reason = QStringLiteral("looking into it");
        a.startNs = nowNs();
        const response::CommandResult result = coordinator.submit(command, 30000);
        a.endNs = nowNs();
        a.ok = result.ok;
        a.message = result.message;
        tally.attempts.append(a);
        // Taken either way: by this analyst, or (the refusal says) by someone else.
        acknowledged.insert(a.alertId);
        QTimer::singleShot(0, &coordinator, step);
    };
    QTimer::singleShot(0, &coordinator, step);
    loop.exec();
    return tally;
}

bool runAcknowledgements(test::PostgresCluster& pg, const Options& o)
{
    std::optional<store::PostgresLocation> where = pg.location(pg.createDatabase(QStringLiteral("acks")));
    if (!where) {
        std::fprintf(stderr, "cannot create database acks: %s\n", qPrintable(pg.error()));
        return false;
    }
    store::PostgresEventStore checker(*where, QStringLiteral("bench-check"));
    QString error;
    if (!checker.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    // BENCH_PG_STATEMENTS=1 (with VIGIL_TEST_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements
    // -c pg_stat_statements.track_planning=on"): the statements the database spent its time on.
    const bool statements = qEnvironmentVariableIntValue("BENCH_PG_STATEMENTS") == 1;
    if (statements) {
        QSqlQuery q(checker.database());
        if (!q.exec(QStringLiteral("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            || !q.exec(QStringLiteral("SELECT pg_stat_statements_reset()")))
            std::fprintf(stderr, "no pg_stat_statements: %s\n", qPrintable(q.lastError().text()));
    }
    AckRun run(o.consoles);
    run.where = *where;
    for (int i = 0; i < o.alerts; ++i)
        run.alertIds.append(QStringLiteral("bench-ack-%1").arg(i, 6, 10, QLatin1Char('0')));

    QList<AckTally> tallies(o.consoles);
    std::vector<std::unique_ptr<QThread>> threads;
    // The leader first (it takes the automation lock and opens the alerts), then the others.
    threads.push_back(startThread([&] { tallies[0] = runAckConsole(run, 0); }));
    while (!run.leaderReady && !run.failed)
        QThread::msleep(10);
    for (int i = 1; i < o.consoles; ++i)
        threads.push_back(startThread([&, i] { tallies[i] = runAckConsole(run, i); }));
    run.go.arrive_and_wait();
    for (auto& t : threads)
        t->wait();
    for (const AckTally& t : std::as_const(tallies)) {
        if (!t.error.isEmpty()) {
            std::fprintf(stderr, "console %s failed: %s\n", qPrintable(t.who), qPrintable(t.error));
            return false;
        }
    }

    // Figures.
    qint64 firstStart = std::numeric_limits<qint64>::max();
    qint64 lastWin = 0;
    QHash<QString, QStringList> winners; // alert -> who was told it won
    QList<double> all;
    QList<double> wins;
    int attempts = 0;
    for (const AckTally& t : std::as_const(tallies)) {
        for (const Attempt& a : t.attempts) {
            firstStart = std::min(firstStart, a.startNs);
            all.append(a.ms());
            ++attempts;
            if (a.ok) {
                winners[a.alertId].append(t.who);
                wins.append(a.ms());
                lastWin = std::max(lastWin, a.endNs);
            }
        }
    }
    const double seconds = (lastWin - firstStart) / 1e9;
    // The rate as the run goes on (open alerts fall from M to 0): tenths of the acknowledgements.
    QList<qint64> winEnds;
    for (const AckTally& t : std::as_const(tallies)) {
        for (const Attempt& a : t.attempts) {
            if (a.ok) winEnds.append(a.endNs);
        }
    }
    std::sort(winEnds.begin(), winEnds.end());
    QStringList tenths;
    for (int d = 0; d < 10 && winEnds.size() >= 10; ++d) {
        const qsizetype from = d * winEnds.size() / 10;
        const qsizetype to = (d + 1) * winEnds.size() / 10 - 1;
        const qint64 start = from == 0 ? firstStart : winEnds.at(from - 1);
        tenths.append(QString::number(qRound((to - from + 1) / std::max((winEnds.at(to) - start) / 1e9, 1e-9))));
    }
    std::printf("  %d alerts opened by the leader's response engine in %.2f s (%.0f alerts/s)\n", o.alerts,
                tallies[0].openSeconds, o.alerts / std::max(tallies[0].openSeconds, 1e-9));
    std::printf("  %d consoles: %d alerts acknowledged in %.2f s = %.0f alerts/s acknowledged"
                " (%d commands, %d refused as already taken)\n",
                o.consoles, int(winners.size()), seconds, winners.size() / std::max(seconds, 1e-9), attempts,
                attempts - int(wins.size()));
    std::printf("    alerts/s acknowledged by tenths of the run: %s\n", qPrintable(tenths.join(u' ')));
    std::printf("    latency per command: p50 %.1f ms, p99 %.1f ms, max %.1f ms; winning commands p50 %.1f ms,"
                " p99 %.1f ms\n",
                percentile(all, 50), percentile(all, 99), percentile(all, 100), percentile(wins, 50),
                percentile(wins, 99));
    for (const AckTally& t : std::as_const(tallies)) {
        QList<double> mine;
        int won = 0;
        for (const Attempt& a : t.attempts) {
            mine.append(a.ms());
            won += a.ok ? 1 : 0;
        }
        std::printf("    %-12s %-8s commands %5d, won %5d, skipped (heard taken) %5d, p50 %6.1f ms, p99 %6.1f ms\n",
                    qPrintable(t.who), t.leader ? "leader" : "follower", int(t.attempts.size()), won, t.skipped,
                    percentile(mine, 50), percentile(mine, 99));
    }

    // Checks: one winner per alert, and the database agrees with what the analysts were told.
    QStringList problems;
    for (const QString& id : std::as_const(run.alertIds)) {
        if (winners.value(id).size() != 1) {
            problems.append(QStringLiteral("%1 has %2 winners").arg(id).arg(winners.value(id).size()));
        }
    }
    QSqlDatabase sql = checker.database();
    QSqlQuery q(sql);
    int acknowledgedRows = 0;
    if (!q.exec(QStringLiteral("SELECT alert_id, state, acknowledged_by FROM responses WHERE alert_id LIKE"
                               " 'bench-ack-%'"))) {
        problems.append(q.lastError().text());
    }
    while (q.next()) {
        const QString id = q.value(0).toString();
        const QStringList won = winners.value(id);
        if (q.value(1).toString() == u"acknowledged" && won.size() == 1 && q.value(2).toString() == won.first()) {
            ++acknowledgedRows;
        } else if (problems.size() < 20) {
            problems.append(QStringLiteral("%1 is %2 by '%3'").arg(id, q.value(1).toString(), q.value(2).toString()));
        }
    }
    q.finish();
    audit::AuditLog auditLog(sql);
    QHash<QString, int> ackRecords;
    for (const audit::AuditRecord& r : auditLog.all()) {
        if (r.kind == u"command" && r.details.value(u"command").toString() == u"acknowledge") ++ackRecords[r.subject];
    }
    int oneRecord = 0;
    for (const QString& id : std::as_const(run.alertIds))
        oneRecord += ackRecords.value(id) == 1 ? 1 : 0;
    const audit::VerifyResult chain = auditLog.verify();
    int losers = 0;
    int losersToldWinner = 0;
    for (const AckTally& t : std::as_const(tallies)) {
        for (const Attempt& a : t.attempts) {
            if (a.ok) continue;
            ++losers;
            const QStringList won = winners.value(a.alertId);
            losersToldWinner += won.size() == 1 && a.message.contains(won.first()) ? 1 : 0;
        }
    }
    const bool ok = problems.isEmpty() && acknowledgedRows == o.alerts && oneRecord == o.alerts && chain.ok
                    && losersToldWinner == losers;
    std::printf("    check: %d/%d alerts acknowledged once in the database by the console told it won; %d/%d with"
                " one audit record; audit chain %s (%lld records); %d/%d refused commands named the winner -> %s\n",
                acknowledgedRows, o.alerts, oneRecord, o.alerts, chain.ok ? "verifies" : "BROKEN",
                static_cast<long long>(chain.records), losersToldWinner, losers, ok ? "OK" : "FAILED");
    for (int i = 1; i < o.consoles; ++i) {
        std::printf("    live sharing: %s heard %d/%d acknowledgements announced by the leader\n",
                    qPrintable(tallies[i].who), int(tallies[i].heard.size()), o.alerts);
    }
    for (const QString& p : std::as_const(problems))
        std::fprintf(stderr, "    problem: %s\n", qPrintable(p));
    if (statements) {
        QSqlQuery q(checker.database());
        if (q.exec(QStringLiteral("SELECT calls, total_exec_time + total_plan_time, left(regexp_replace(query, '\\s+',"
                                  " ' ', 'g'), 110) FROM pg_stat_statements ORDER BY 2 DESC LIMIT 15"))) {
            std::printf("    database time by statement (calls, total ms, mean ms):\n");
            while (q.next()) {
                std::printf("      %7lld %9.1f %7.3f  %s\n", q.value(0).toLongLong(), q.value(1).toDouble(),
                            q.value(1).toDouble() / std::max<qint64>(1, q.value(0).toLongLong()),
                            qPrintable(q.value(2).toString()));
            }
        }
    }
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    Options o;
    o.events = intOption(args, QStringLiteral("--events"), o.events);
    o.page = std::max(1, intOption(args, QStringLiteral("--page"), o.page));
    o.overlap = std::min(o.page - 1, intOption(args, QStringLiteral("--overlap"), o.overlap));
    o.users = std::max(1, intOption(args, QStringLiteral("--users"), o.users));
    o.alerts = std::max(1, intOption(args, QStringLiteral("--alerts"), o.alerts));
    o.consoles = std::clamp(intOption(args, QStringLiteral("--consoles"), o.consoles), 2, 8);
    const int cores = QThread::idealThreadCount();

    test::PostgresCluster pg;
    if (!pg.start()) {
        std::fprintf(stderr, "no PostgreSQL cluster: %s%s\n", qPrintable(pg.skipReason()), qPrintable(pg.error()));
        return 2;
    }
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("bench-settings"));
        admin.setHostName(QStringLiteral("127.0.0.1"));
        admin.setPort(pg.port());
        admin.setUserName(pg.user());
        admin.setPassword(QString::fromLatin1(pg.password()));
        admin.setDatabaseName(QStringLiteral("postgres"));
        QStringList settings;
        if (admin.open()) {
            QSqlQuery q(admin);
            if (q.exec(QStringLiteral("SHOW server_version")) && q.next())
                settings.append(QStringLiteral("PostgreSQL ") + q.value(0).toString());
            for (const char* name : {"fsync", "synchronous_commit", "shared_buffers"}) {
                if (q.exec(QStringLiteral("SHOW ") + QLatin1String(name)) && q.next())
                    settings.append(QLatin1String(name) + u'=' + q.value(0).toString());
            }
            admin.close();
        }
        admin = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("bench-settings"));
        std::printf("bench_team: %d cores; private cluster on 127.0.0.1:%u (%s); client and server share the"
                    " machine\n",
                    cores, pg.port(), qPrintable(settings.join(QStringLiteral(", "))));
    }

    QElapsedTimer generating;
    generating.start();
    const Pages pages = makePages(o);
    std::printf("input: %d generated events (%d users), %lld pages of %d, each repeating %d events of the one"
                " before (%.1f s to generate)\n",
                o.events, o.users, static_cast<long long>(pages.size()), o.page, o.overlap,
                generating.elapsed() / 1000.0);

    bool ok = true;
    std::printf("ingestion (PostgresEventStore::appendBatch, pages back to back as when catching up a backlog):\n");
    double alone = 0;
    double racing = 0;
    double delivered = 0;
    ok = runIngestion(pg, QStringLiteral("ingest_one"), 1, Sharing::RacingPollers, pages, o, &alone) && ok;
    ok = runIngestion(pg, QStringLiteral("ingest_racing"), o.consoles, Sharing::RacingPollers, pages, o, &racing) && ok;
    ok = runIngestion(pg, QStringLiteral("ingest_deliveries"), o.consoles, Sharing::Deliveries, pages, o, &delivered)
         && ok;
    std::printf("  => events/s stored once: one console %.0f; %d consoles polling one cursor %.0f (x%.2f);"
                " %d consoles, one page each %.0f (x%.2f)\n",
                alone, o.consoles, racing, racing / std::max(alone, 1e-9), o.consoles, delivered,
                delivered / std::max(alone, 1e-9));

    std::printf("acknowledgements (TeamCoordinator::submit; the leader applies them through its response engine):\n");
    ok = runAcknowledgements(pg, o) && ok;
    std::printf("%s\n", ok ? "all checks passed" : "CHECKS FAILED");
    return ok ? 0 : 1;
}

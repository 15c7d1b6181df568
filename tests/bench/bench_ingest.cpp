// SPDX-License-Identifier: GPL-3.0-or-later
// bench_ingest [EVENTS] [USERS]: events/s for parse only and for parse + store, on one thread.
// Targets on the 2-core reference machine: parse >= 600k events/s, parse+store >= 150k events/s.
#include "core/okta/InputReader.h"
#include "core/store/SqliteEventStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "support/TestSupport.h"

using namespace vigil;

namespace {

// CPU seconds of the whole process (all threads). On a shared machine the wall clock also counts the
// time other programs held the cores; CPU time does not, so it tells a change from noise.
double processCpuSeconds()
{
#if defined(CLOCK_PROCESS_CPUTIME_ID)
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
#else
    return 0;
#endif
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const test::BenchInput bench = test::benchInput(args);
    const int events = bench.events;
    const int users = bench.users;
    const QByteArray& text = bench.text;
    // --write FILE keeps the generated input, to profile or replay it elsewhere.
    if (const qsizetype w = args.indexOf(u"--write"_qs); w > 0 && w + 1 < args.size()) {
        QFile out(args.at(w + 1));
        if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size()) return 1;
    }
    const test::PaddedInput padded = test::padded(text);
    const QByteArray& input = padded.buffer;
    const qsizetype inputSize = padded.size;
    std::printf("input: %d events, %d users, %.1f MB, %.0f bytes/event\n", events, users, inputSize / 1e6,
                double(inputSize) / events);

    // Parse only: every field of every event is extracted into a LogEvent (and its raw JSON copied).
    // Best of three runs (--runs N for more, e.g. under a profiler), so that the first run's page faults
    // on fresh heap do not count.
    const qsizetype runsAt = args.indexOf(u"--runs"_qs);
    const int runs = runsAt > 0 && runsAt + 1 < args.size() ? std::max(1, args.at(runsAt + 1).toInt()) : 3;
    qint64 accepted = 0;
    qint64 checksum = 0;
    double parseSecs = 1e9;
    double parseCpuSecs = 1e9;
    QElapsedTimer timer;
    for (int run = 0; run < runs; ++run) {
        accepted = 0;
        const double cpuStart = processCpuSeconds();
        timer.start();
        okta::InputReader reader(
            [&](okta::LogEvent&& e) {
                ++accepted;
                checksum += e.publishedMs() + qint64(e.actorAlternateId().size());
            },
            {});
        reader.readPaddedBuffer(QStringLiteral("bench"), input, inputSize);
        parseSecs = std::min(parseSecs, timer.nsecsElapsed() / 1e9);
        parseCpuSecs = std::min(parseCpuSecs, processCpuSeconds() - cpuStart);
    }
    std::printf("parse:        %lld events in %.3f s = %.0f events/s (%.0f MB/s)  [target >= 600000]\n",
                static_cast<long long>(accepted), parseSecs, accepted / parseSecs, inputSize / parseSecs / 1e6);
    std::printf("              %.0f events per CPU second\n", accepted / std::max(parseCpuSecs, 1e-9));

    if (args.contains(u"--parse-only"_qs)) return 0;

    // Parse + store: batches of 1,000 in one transaction each, as the pipeline does under backlog.
    QTemporaryDir dir;
    if (qEnvironmentVariableIsSet("BENCH_KEEP")) dir.setAutoRemove(false); // to inspect the file (dbstat)
    store::SqliteEventStore db(dir.filePath(QStringLiteral("bench.sqlite")));
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "cannot open store: %s\n", qPrintable(error));
        return 1;
    }
    QList<okta::LogEvent> batch;
    batch.reserve(1000);
    qint64 stored = 0;
    bool failed = false;
    auto flush = [&] {
        const store::AppendResult r =
            db.appendBatch(batch, store::IngestCursor{QStringLiteral("bench"), QString::number(stored), 0});
        if (!r.ok) {
            std::fprintf(stderr, "append failed: %s\n", qPrintable(r.error));
            failed = true;
        }
        stored += r.inserted;
        batch.clear();
    };
    const double storeCpuStart = processCpuSeconds();
    timer.restart();
    {
        okta::InputReader reader(
            [&](okta::LogEvent&& e) {
                batch.append(std::move(e));
                if (batch.size() == 1000) flush();
            },
            {});
        reader.readPaddedBuffer(QStringLiteral("bench"), input, inputSize);
        if (!batch.isEmpty()) flush();
    }
    const double storeSecs = timer.nsecsElapsed() / 1e9;
    const double storeCpuSecs = processCpuSeconds() - storeCpuStart;
    std::printf("parse+store:  %lld events in %.3f s = %.0f events/s  [target >= 150000]\n",
                static_cast<long long>(stored), storeSecs, stored / storeSecs);
    std::printf("              %.0f events per CPU second (all threads)\n", stored / std::max(storeCpuSecs, 1e-9));
    std::printf("store size:   %.1f MB on disk (%.0f bytes/event incl. compressed raw JSON and indexes)\n",
                db.sizeOnDisk() / 1e6, double(db.sizeOnDisk()) / std::max<qint64>(stored, 1));
    std::printf("checksum %lld\n", static_cast<long long>(checksum));
    return failed || stored != events ? 1 : 0;
}

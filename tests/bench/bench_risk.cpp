// SPDX-License-Identifier: GPL-3.0-or-later
// bench_risk [EVENTS] [USERS]: events/s for parse + score on one thread, and memory per tracked user.
// Target on the 2-core reference machine: >= 400k events/s. On a shared VM pin it: taskset -c 0 bench_risk …
#include "core/okta/InputReader.h"
#include "core/risk/RiskEngine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <cstdio>
#include <cstring>
#include <ctime>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "support/TestSupport.h"

using namespace vigil;

namespace {

// Heap bytes in use (glibc). Resident size would hide what the engine holds behind freed event buffers.
qint64 heapInUse()
{
#if defined(__GLIBC__)
    return qint64(mallinfo2().uordblks);
#else
    return 0;
#endif
}

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
    const test::PaddedInput input = test::padded(text);
    std::printf("input: %d events, %d users, %.1f MB\n", events, users, text.size() / 1e6);

    double best = 1e9;
    double bestCpu = 1e9;
    qint64 tracked = 0;
    qint64 withFindings = 0;
    qint64 memoryPerUser = 0;
    qint64 baselineBytes = 0;
    qint64 baselineMemory = 0;
    // --runs N: more parse+score runs (the best is kept), e.g. under a profiler; --no-score-only skips the
    // score-only measurement, whose copy of every parsed event would fill a profile with allocations.
    const qsizetype runsAt = args.indexOf(u"--runs"_qs);
    const int runs = runsAt > 0 && runsAt + 1 < args.size() ? std::max(1, args.at(runsAt + 1).toInt()) : 3;
    const bool measureScoreOnly = !args.contains(u"--no-score-only"_qs);
    for (int run = 0; run < runs; ++run) {
        const qint64 before = heapInUse();
        risk::RiskEngine engine;
        QElapsedTimer timer;
        const double cpuStart = processCpuSeconds();
        timer.start();
        {
            // Scoped, so that the heap figure below counts the engine's state and not the reader's buffers.
            okta::InputReader reader([&](okta::LogEvent&& e) { engine.process(e); }, {});
            reader.readPaddedBuffer(QStringLiteral("bench"), input.buffer, input.size);
        }
        best = std::min(best, timer.nsecsElapsed() / 1e9);
        bestCpu = std::min(bestCpu, processCpuSeconds() - cpuStart);
        tracked = engine.trackedUsers();
        memoryPerUser = (heapInUse() - before) / std::max<qint64>(tracked, 1);
        report::Report report;
        engine.fillReport(report);
        withFindings = report.users.size();
        baselineBytes = 0;
        baselineMemory = 0;
        for (const store::BaselineRecord& r : engine.takeChangedBaselines()) {
            baselineBytes += r.data.size();
            if (r.kind == store::BaselineRecord::User) baselineMemory += engine.baseline(r.key)->approximateBytes();
        }
    }

    // The engine alone, on events parsed beforehand: what scoring adds to parsing.
    QList<okta::LogEvent> parsed;
    if (measureScoreOnly) {
        parsed.reserve(events);
        okta::InputReader reader([&](okta::LogEvent&& e) { parsed.append(std::move(e)); }, {});
        reader.readPaddedBuffer(QStringLiteral("bench"), input.buffer, input.size);
    }
    double scoreOnly = 1e9;
    for (int run = 0; measureScoreOnly && run < 3; ++run) {
        risk::RiskEngine engine;
        QElapsedTimer timer;
        timer.start();
        for (const okta::LogEvent& e : std::as_const(parsed))
            engine.process(e);
        scoreOnly = std::min(scoreOnly, timer.nsecsElapsed() / 1e9);
    }

    std::printf("parse+score:  %d events in %.3f s = %.0f events/s  [target >= 400000]\n", events, best, events / best);
    std::printf("              %.0f events per CPU second\n", events / std::max(bestCpu, 1e-9));
    if (measureScoreOnly) {
        std::printf("score only:   %.0f events/s on parsed events (%.2f us per event)\n", parsed.size() / scoreOnly,
                    scoreOnly * 1e6 / std::max<qsizetype>(parsed.size(), 1));
    }
    std::printf("baselines:    %lld bytes per tracked user in memory (target <= 2048), %lld serialised for the store\n",
                static_cast<long long>(baselineMemory / std::max<qint64>(tracked, 1)),
                static_cast<long long>(baselineBytes / std::max<qint64>(tracked, 1)));
    std::printf("state:        %lld bytes of heap per tracked user: all engine state (baselines, open windows, live"
                " sessions, findings and their words) / %lld users; %lld users with findings\n",
                static_cast<long long>(memoryPerUser), static_cast<long long>(tracked),
                static_cast<long long>(withFindings));
    return 0;
}

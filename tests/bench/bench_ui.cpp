// SPDX-License-Identifier: GPL-3.0-or-later
// bench_ui [--seconds N] [--speed X] [--users N]: how long the UI thread is ever blocked while the demo
// ingests at full speed. The core runs on its own thread as in the console; a 10 ms timer on the UI
// thread measures how late each tick fires (an event-loop latency probe) while the window applies
// the core's snapshots. Prints the ingest rate, the probe's p50/p99/max lateness, and the cost of
// applying one snapshot. Target (console issue): never more than 50 ms at 2,000 events/s.
#include "app/DemoMode.h"
#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/CoreThread.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>

#include "support/CoreThreadDemo.h"

using namespace vigil;

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption seconds(u"seconds"_qs, u"How long to measure."_qs, u"N"_qs, u"30"_qs);
    const QCommandLineOption speed(u"speed"_qs, u"Simulated seconds per real second."_qs, u"X"_qs, u"600"_qs);
    const QCommandLineOption users(u"users"_qs, u"People in the simulated org."_qs, u"N"_qs, u"2000"_qs);
    parser.addOptions({seconds, speed, users});
    parser.process(app);

    app::DemoMode::Options options;
    options.speed = parser.value(speed).toDouble();
    options.users = parser.value(users).toInt();
    options.attackEveryMs = 3000;
    test::CoreThreadDemo run;
    QString error;
    run.start(options, &error);
    pipeline::ConsoleFeed* const feed = run.feed;
    if (!feed) {
        std::fprintf(stderr, "bench_ui: the demo did not start: %s\n", qPrintable(error));
        return 1;
    }
    QList<qint64> lateness;
    QList<qint64> applyCosts;
    qint64 eventsAtStart = -1, eventsAtEnd = 0;
    {
        ui::MainWindow window(nullptr);
        window.attachFeed(feed, u"bench"_qs, risk::Policy::defaults());
        window.resize(1400, 860);
        window.show();
        // Cost of applying a snapshot, measured on the UI thread itself.
        QObject::connect(feed, &pipeline::ConsoleFeed::snapshot, &window,
                         [&](const std::shared_ptr<const pipeline::ConsoleSnapshot>& s) {
                             QElapsedTimer t;
                             t.start();
                             window.applySnapshot(s);
                             applyCosts.append(t.nsecsElapsed() / 1000);
                             eventsAtEnd = s->storedEvents;
                             if (eventsAtStart < 0) eventsAtStart = s->storedEvents;
                         });
        QElapsedTimer clock;
        clock.start();
        qint64 expected = 10;
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        QObject::connect(&probe, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            lateness.append(std::max<qint64>(0, now - expected));
            expected = now + 10;
        });
        probe.start(10);
        // Warm-up (the backfill) is not what an analyst watches all shift: measure after 5 s.
        QTimer::singleShot(5000, [&] {
            lateness.clear();
            applyCosts.clear();
            eventsAtStart = -1;
            clock.restart();
            expected = 10;
        });
        QTimer::singleShot(5000 + parser.value(seconds).toInt() * 1000, &app, &QCoreApplication::quit);
        app.exec();
    }
    run.stop();
    std::sort(lateness.begin(), lateness.end());
    std::sort(applyCosts.begin(), applyCosts.end());
    const auto pct = [](const QList<qint64>& v, double p) {
        return v.isEmpty() ? 0 : v.at(qsizetype((v.size() - 1) * p));
    };
    const double secs = parser.value(seconds).toDouble();
    std::printf("ingest: %.0f events/s stored over %.0f s (speed %.0f, %d users)\n",
                double(eventsAtEnd - std::max<qint64>(0, eventsAtStart)) / secs, secs, options.speed, options.users);
    std::printf(
        "UI event-loop lateness (10 ms probe, %lld ticks): p50 %lld ms, p99 %lld ms, max %lld ms (target: max <= 50)\n",
        static_cast<long long>(lateness.size()), static_cast<long long>(pct(lateness, 0.5)),
        static_cast<long long>(pct(lateness, 0.99)), static_cast<long long>(lateness.isEmpty() ? 0 : lateness.last()));
    std::printf("applying one snapshot: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%lld snapshots)\n",
                pct(applyCosts, 0.5) / 1000.0, pct(applyCosts, 0.99) / 1000.0,
                applyCosts.isEmpty() ? 0 : applyCosts.last() / 1000.0, static_cast<long long>(applyCosts.size()));
    return 0;
}

// SPDX-License-Identifier: GPL-3.0-or-later
// bench_first_paint [--events N] [--reuse DIR] [--screenshot FILE.png]
//
// Time to first paint and resident memory of the console over a store of a million events (target: <= 2 s,
// <= 400 MB). Builds the store first (SyntheticEventGenerator through SqliteEventStore::appendBatch in big
// batches), or reuses DIR/events.sqlite when it already holds N events (--reuse DIR also keeps a new store there).
// The measurement runs in a fresh child process, so that neither the generator's heap nor its SQLite cache
// counts: it opens the reader, builds the event stream view with its newest page and paints it, then, separately,
// the main window over the same store, and finally times a few filters and a jump deep into the stream.
#include "core/okta/InputReader.h"
#include "core/pipeline/StoreReader.h"
#include "core/store/EventQueries.h"
#include "core/store/SqliteEventStore.h"
#include "ui/MainWindow.h"
#include "ui/events/EventStreamModel.h"
#include "ui/events/EventStreamView.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

#include "support/TestSupport.h"

using namespace vigil;

namespace {

double residentMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

QString argValue(const QStringList& args, const QString& name)
{
    const qsizetype at = args.indexOf(name);
    return at > 0 && at + 1 < args.size() ? args.at(at + 1) : QString();
}

// Fills `path` with `events` synthetic events (5,000 users): 20,000 generated, parsed and stored at a time.
bool buildStore(const QString& path, qint64 events)
{
    QElapsedTimer timer;
    timer.start();
    store::SqliteEventStore db(path);
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(path), qPrintable(error));
        return false;
    }
    const qint64 already = db.eventCount();
    test::SyntheticEventGenerator generator(5000, 42);
    // Skip what a partial earlier run stored (same seed, same events; duplicates would be ignored anyway).
    for (qint64 i = 0; i < already; ++i)
        generator.next();
    QList<okta::LogEvent> batch;
    batch.reserve(10000);
    bool ok = true;
    auto flush = [&] {
        const store::AppendResult r = db.appendBatch(batch);
        if (!r.ok) {
            std::fprintf(stderr, "append failed: %s\n", qPrintable(r.error));
            ok = false;
        }
        batch.clear();
    };
    okta::InputReader reader(
        [&](okta::LogEvent&& e) {
            batch.append(std::move(e));
            if (batch.size() == 10000) flush();
        },
        {});
    for (qint64 done = already; done < events && ok; done += 20000) {
        const int n = int(std::min<qint64>(20000, events - done));
        reader.readBuffer(QStringLiteral("bench"), generator.ndjson(n));
        if (!batch.isEmpty()) flush();
        if ((done / 20000) % 10 == 0) {
            std::printf("  %lld events stored…\r", static_cast<long long>(done + n));
            std::fflush(stdout);
        }
    }
    const double secs = timer.nsecsElapsed() / 1e9;
    std::printf("store built:       %lld events in %.1f s (%.0f events/s), %.0f MB on disk\n",
                static_cast<long long>(db.eventCount()), secs, double(events - already) / secs, db.sizeOnDisk() / 1e6);
    return ok;
}

// The measurement, in a process of its own. `processTimer` started before QApplication.
int measure(const QString& path, const QElapsedTimer& processTimer, const QString& screenshot)
{
    const double startMb = residentMb();
    QElapsedTimer timer;
    timer.start();
    auto lap = [&timer] {
        const double ms = timer.nsecsElapsed() / 1e6;
        timer.restart();
        return ms;
    };
    std::printf("process start → QApplication: %.1f ms, %.0f MB resident\n", processTimer.nsecsElapsed() / 1e6,
                startMb);

    pipeline::StoreReader reader(path);
    QString error;
    if (!reader.open(&error)) {
        std::fprintf(stderr, "cannot open the reader: %s\n", qPrintable(error));
        return 1;
    }
    const double openMs = lap();
    ui::EventStreamView view(&reader);
    const double constructMs = lap();
    if (!view.loadNow(&error)) {
        std::fprintf(stderr, "cannot load: %s\n", qPrintable(error));
        return 1;
    }
    const double loadMs = lap();
    view.resize(1400, 900);
    view.show();
    const QPixmap painted = view.grab();
    const double paintMs = lap();
    const double firstPaintMs = processTimer.nsecsElapsed() / 1e6;
    ui::EventStreamModel* model = view.model();
    const int visibleRows = view.table()->rowAt(view.table()->viewport()->height() - 1) + 1;
    bool allLoaded = visibleRows > 0;
    for (int row = 0; row < visibleRows; ++row)
        allLoaded = allLoaded && model->index(row, 0).data(ui::EventStreamModel::LoadedRole).toBool();
    const double viewMb = residentMb();
    std::printf("event stream view over %lld events (count %lld, index %s):\n",
                static_cast<long long>(model->matchCount()), static_cast<long long>(model->matchCount()),
                model->eventIndex().contiguous ? "gap-free, no pass over rows" : "page starts from a pass");
    std::printf(
        "  open reader %.1f ms, construct view %.1f ms, index + count + newest page %.1f ms, show + paint %.1f ms\n",
        openMs, constructMs, loadMs, paintMs);
    std::printf("  %d rows visible, all with their events: %s\n", visibleRows, allLoaded ? "yes" : "NO");
    std::printf("time to first paint: %.0f ms since process start  [target <= 2000]\n", firstPaintMs);
    std::printf("resident memory:     %.0f MB after first paint  [target <= 400]\n", viewMb);
    if (!screenshot.isEmpty()) painted.save(screenshot);

    // The main window as the console builds it before a feed is attached: the store opened on the UI thread.
    // It does not embed the event stream yet, so it is measured on its own (both in this process).
    lap();
    store::SqliteEventStore uiStore(path);
    if (!uiStore.open(&error)) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
        return 1;
    }
    const double uiStoreMs = lap();
    ui::MainWindow window(&uiStore, {});
    const double windowMs = lap();
    window.resize(1600, 1000);
    window.show();
    window.grab();
    const double windowPaintMs = lap();
    std::printf("main window (separately, not yet embedding the view): open store %.0f ms, construct %.0f ms,"
                " show + paint %.0f ms; %.0f MB resident with both\n",
                uiStoreMs, windowMs, windowPaintMs, residentMb());

    // Filters and a jump, each until its rows are on screen.
    auto timeFilter = [&](const QString& text) {
        lap();
        view.setFilterText(text);
        (void)QTest::qWaitFor([&] { return !model->isIndexing(); }, 120000);
        const double indexMs = lap();
        std::printf("  filter %-28s %8lld matches: %7.1f ms to count and show the newest page [%s]\n",
                    qPrintable(u'"' + text + u'"'), static_cast<long long>(model->matchCount()), indexMs,
                    qPrintable(model->eventIndex().compiled.accessPath));
    };
    std::printf("filters over the store:\n");
    timeFilter(u"user:user42@corp.example"_qs);
    timeFilter(u"ip:81.2.69.4"_qs);
    timeFilter(u"type:user.session"_qs);
    timeFilter(u"outcome:failure -type:user.session"_qs);
    timeFilter(u"since:2025-11-26T00:00:00Z until:2025-11-26T01:00:00Z"_qs);
    timeFilter(u"sso"_qs);
    timeFilter(QString());
    lap();
    const int deep = model->rowCount() / 2;
    view.table()->scrollTo(model->index(deep, 0), QAbstractItemView::PositionAtTop);
    model->index(deep, 0).data();
    (void)QTest::qWaitFor([&] { return model->index(deep, 0).data(ui::EventStreamModel::LoadedRole).toBool(); }, 60000);
    std::printf("jump to row %d: %.1f ms until its page is shown\n", deep, lap());
    for (int i = 0; i < 200; ++i) {
        const int row = int(qint64(model->rowCount()) * i / 200);
        model->index(row, 0).data();
    }
    (void)QTest::qWaitFor(
        [&] { return model->index(model->rowCount() - 1, 0).data(ui::EventStreamModel::LoadedRole).toBool(); }, 60000);
    QTest::qWait(500);
    std::printf("after 200 pages fetched across the stream: %d pages cached, %.0f MB resident\n",
                model->cachedPageCount(), residentMb());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer processTimer;
    processTimer.start();
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));

    if (const QString dir = argValue(args, u"--measure"_qs); !dir.isEmpty()) {
        QApplication app(argc, argv);
        return measure(QDir(dir).filePath(QStringLiteral("events.sqlite")), processTimer,
                       argValue(args, u"--screenshot"_qs));
    }

    QCoreApplication app(argc, argv);
    const QString eventsArg = argValue(args, u"--events"_qs);
    const qint64 events = eventsArg.isEmpty() ? 1000000 : eventsArg.toLongLong();
    QTemporaryDir temporary;
    QString dir = argValue(args, u"--reuse"_qs);
    if (dir.isEmpty()) dir = temporary.path();
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(QStringLiteral("events.sqlite"));
    qint64 stored = 0;
    {
        store::SqliteEventStore existing(path);
        QString error;
        if (QFile::exists(path) && existing.open(&error)) stored = existing.eventCount();
    }
    if (stored >= events) {
        std::printf("reusing %s: %lld events\n", qPrintable(path), static_cast<long long>(stored));
    } else if (!buildStore(path, events)) {
        return 1;
    }

    std::fflush(stdout); // the child writes to the same stdout
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    QStringList childArgs{u"--measure"_qs, dir};
    if (const QString shot = argValue(args, u"--screenshot"_qs); !shot.isEmpty())
        childArgs << u"--screenshot"_qs << shot;
    child.start(QCoreApplication::applicationFilePath(), childArgs);
    if (!child.waitForFinished(-1)) return 1;
    return child.exitCode();
}

// SPDX-License-Identifier: GPL-3.0-or-later
//
// store_crash_writer DBPATH [BATCH_SIZE]
//
// Child process of TestSqliteEventStore's crash test. Appends batches of BATCH_SIZE (default 100) events
// to the store, each with the cursor ("crash-writer", "<batch number>"), and prints "committed N" after
// each commit, until it is killed. It resumes after the batch its cursor names, so the test can kill it
// at any moment, restart it and check that the file holds exactly the batches the cursor covers.
//
// Event uuids are "crash-<batch>-<index>", so a batch that were written twice would show up as duplicates.

#include "core/okta/LogEvent.h"
#include "core/store/SqliteEventStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>

#include <cstdio>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

using vigil::okta::EventBuilder;
using vigil::okta::LogEvent;
using vigil::store::IngestCursor;
using vigil::store::SqliteEventStore;

namespace {

// Safety net for a test that dies before killing us: the writer must not fill the disk.
constexpr qint64 kMaxRuntimeMs = 120 * 1000;

LogEvent makeEvent(qint64 batch, int index)
{
    const QByteArray uuid = "crash-" + QByteArray::number(batch) + '-' + QByteArray::number(index);
    const QByteArray actor = "user" + QByteArray::number(index % 17) + "@example.com";
    const QByteArray ip = "10.0." + QByteArray::number(index % 7) + '.' + QByteArray::number(batch % 250);
    const qint64 published = 1'700'000'000'000 + batch * 1000 + index;

    QByteArray raw;
    raw.reserve(1200);
    raw += "{\"uuid\":\"" + uuid + "\",\"published\":" + QByteArray::number(published)
           + ",\"eventType\":\"user.session.start\",\"actor\":{\"alternateId\":\"" + actor
           + "\",\"type\":\"User\"},\"client\":{\"ipAddress\":\"" + ip + "\",\"userAgent\":{\"rawUserAgent\":"
           + "\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\"}},"
           + "\"outcome\":{\"result\":\"SUCCESS\"},\"debugContext\":{\"debugData\":{\"requestId\":\""
           + QByteArray::number(published * 7919 + index, 36) + "\",\"padding\":\"" + QByteArray(700, 'x') + "\"}}}";

    EventBuilder b;
    b.set(LogEvent::Str::Uuid, std::string_view(uuid.constData(), size_t(uuid.size())));
    b.set(LogEvent::Str::EventType, "user.session.start");
    b.set(LogEvent::Str::ActorAlternateId, std::string_view(actor.constData(), size_t(actor.size())));
    b.set(LogEvent::Str::ClientIp, std::string_view(ip.constData(), size_t(ip.size())));
    b.set(LogEvent::Str::OutcomeResult, "SUCCESS");
    b.setPublishedMs(published);
    b.setRaw(raw);
    return b.take();
}

} // namespace

int main(int argc, char** argv)
{
#ifdef Q_OS_LINUX
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.size() > 3) {
        std::fprintf(stderr, "usage: store_crash_writer DBPATH [BATCH_SIZE]\n");
        return 64;
    }
    int batchSize = 100;
    if (args.size() == 3) {
        bool ok = false;
        batchSize = args.at(2).toInt(&ok);
        if (!ok || batchSize < 1) {
            std::fprintf(stderr, "store_crash_writer: bad batch size\n");
            return 64;
        }
    }

    SqliteEventStore store(args.at(1));
    QString error;
    if (!store.open(&error)) {
        std::fprintf(stderr, "store_crash_writer: %s\n", qPrintable(error));
        return 1;
    }
    const QString source = QStringLiteral("crash-writer");
    qint64 batch = 0;
    if (const auto cursor = store.cursor(source)) {
        bool ok = false;
        batch = cursor->position.toLongLong(&ok);
        if (!ok) {
            std::fprintf(stderr, "store_crash_writer: unreadable cursor \"%s\"\n", qPrintable(cursor->position));
            return 1;
        }
    }

    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < kMaxRuntimeMs) {
        ++batch;
        QList<LogEvent> events;
        events.reserve(batchSize);
        for (int i = 0; i < batchSize; ++i)
            events.append(makeEvent(batch, i));
        const auto result = store.appendBatch(
            events, IngestCursor{source, QString::number(batch), QDateTime::currentMSecsSinceEpoch()});
        if (!result.ok || result.inserted != batchSize) {
            std::fprintf(stderr, "store_crash_writer: batch %lld: inserted %d, duplicates %d: %s\n", batch,
                         result.inserted, result.duplicates, qPrintable(result.error));
            return 1;
        }
        std::printf("committed %lld\n", batch);
        std::fflush(stdout);
    }
    std::fprintf(stderr, "store_crash_writer: nobody killed me within %lld ms, stopping\n", kMaxRuntimeMs);
    return 2;
}

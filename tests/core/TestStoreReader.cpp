// SPDX-License-Identifier: GPL-3.0-or-later
// The console's read-only connection: it sees what the writer commits, answers on the caller's thread,
// and drops an answer whose receiver is gone.
#include "core/okta/EventParser.h"
#include "core/pipeline/StoreReader.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "support/TestSupport.h"

using namespace vigil;

class TestStoreReader : public QObject
{
    Q_OBJECT

private:
    static QList<okta::LogEvent> generated(int count, quint64 seed)
    {
        test::SyntheticEventGenerator generator(50, seed);
        okta::EventParser parser;
        QList<okta::LogEvent> events;
        for (int i = 0; i < count; ++i) {
            const QByteArray json = generator.next();
            okta::LogEvent event;
            okta::ParseError error;
            if (!parser.parse(std::string_view(json.constData(), size_t(json.size())), event, error)) {
                qFatal("generated event does not parse");
            }
            events.append(std::move(event));
        }
        return events;
    }

private slots:
    void readsWhatTheWriterCommits()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("vigil.db"));
        store::SqliteEventStore writer(path);
        QString error;
        QVERIFY2(writer.open(&error), qPrintable(error));
        QVERIFY(writer.appendBatch(generated(300, 1)).ok);

        pipeline::StoreReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        QCOMPARE(reader.queryBlocking<qint64>([](store::SqliteEventStore& s) { return s.eventCount(); }), 300);

        // A later commit of the writer is visible to the next query, answered on this thread.
        QVERIFY(writer.appendBatch(generated(200, 2)).ok);
        QObject receiver;
        qint64 answered = -1;
        QThread* answeredOn = nullptr;
        QThread* workedOn = nullptr;
        reader.query<qint64>(
            &receiver,
            [&workedOn](store::SqliteEventStore& s) {
                workedOn = QThread::currentThread();
                return s.eventCount();
            },
            [&](qint64 count) {
                answered = count;
                answeredOn = QThread::currentThread();
            });
        QTRY_COMPARE(answered, 500);
        QCOMPARE(answeredOn, QThread::currentThread());
        QVERIFY(workedOn != QThread::currentThread());
    }

    void dropsAnswersForAReceiverThatIsGone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("vigil.db"));
        {
            store::SqliteEventStore writer(path);
            QString error;
            QVERIFY2(writer.open(&error), qPrintable(error));
        }
        pipeline::StoreReader reader(path);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));

        int delivered = 0;
        auto* gone = new QObject;
        auto* kept = new QObject;
        reader.query<int>(
            gone,
            [](store::SqliteEventStore&) {
                QThread::msleep(50);
                return 1;
            },
            [&](int) { ++delivered; });
        delete gone;
        bool keptAnswered = false;
        reader.query<int>(
            kept, [](store::SqliteEventStore&) { return 2; }, [&](int) { keptAnswered = true; });
        QTRY_VERIFY(keptAnswered); // queries run in order, so the first one has finished too
        QCOMPARE(delivered, 0);
        delete kept;
    }

    void reportsAStoreItCannotOpen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("not-a-db"));
        QFile junk(path);
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(8192, 'x'));
        junk.close();
        pipeline::StoreReader reader(path);
        QString error;
        QVERIFY(!reader.open(&error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!reader.isOpen());
        // Queries on a reader that did not open give the empty result rather than crash.
        QCOMPARE(reader.queryBlocking<qint64>([](store::SqliteEventStore& s) { return s.eventCount(); }), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreReader)
#include "TestStoreReader.moc"

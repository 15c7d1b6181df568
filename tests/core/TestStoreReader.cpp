// SPDX-License-Identifier: GPL-3.0-or-later
// The console's read connection, on the embedded SQLite store and on team mode's PostgreSQL store: it sees what the
// writer commits, answers on the caller's thread, and drops an answer whose receiver is gone.
#include "core/okta/EventParser.h"
#include "core/pipeline/StoreReader.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include "support/StoreBackends.h"
#include "support/TestSupport.h"

using namespace vigil;
using test::StoreBackends;

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

    StoreBackends m_backends;

private slots:
    void initTestCase() { QVERIFY2(m_backends.start(), qPrintable(m_backends.error())); }

    void readsWhatTheWriterCommits_data() { StoreBackends::addRows(); }
    void readsWhatTheWriterCommits()
    {
        VIGIL_FETCH_BACKEND(m_backends, backend);
        pipeline::StoreSource source;
        std::unique_ptr<store::EventStore> writer = m_backends.create(backend, &source);
        QVERIFY(writer);
        QVERIFY(writer->appendBatch(generated(300, 1)).ok);

        pipeline::StoreReader reader(source);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        QCOMPARE(reader.source().isTeam(), backend == QLatin1String(StoreBackends::kPostgres));
        QCOMPARE(reader.path(), writer->path()); // the file, or the URL without the password
        QCOMPARE(reader.queryBlocking<qint64>([](store::EventStore& s) { return s.eventCount(); }), 300);

        // A later commit of the writer is visible to the next query, answered on this thread.
        QVERIFY(writer->appendBatch(generated(200, 2)).ok);
        QObject receiver;
        qint64 answered = -1;
        QThread* answeredOn = nullptr;
        QThread* workedOn = nullptr;
        reader.query<qint64>(
            &receiver,
            [&workedOn](store::EventStore& s) {
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

    void sourceOfAnOpenStore_data() { StoreBackends::addRows(); }
    void sourceOfAnOpenStore()
    {
        // The console opens its reader on whatever store the core opened, with the same credentials.
        VIGIL_FETCH_BACKEND(m_backends, backend);
        pipeline::StoreSource created;
        std::unique_ptr<store::EventStore> core = m_backends.create(backend, &created);
        QVERIFY(core);
        const pipeline::StoreSource source = pipeline::StoreSource::of(*core);
        QCOMPARE(source.isTeam(), created.isTeam());
        QCOMPARE(source.display(), created.display());
        if (source.isTeam()) {
            QCOMPARE(source.team->password, created.team->password);
            QVERIFY(!source.display().contains(QString::fromUtf8(created.team->password)));
        }
        pipeline::StoreReader reader(source);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
    }

    void dropsAnswersForAReceiverThatIsGone()
    {
        pipeline::StoreSource source;
        QVERIFY(m_backends.create(QString::fromLatin1(StoreBackends::kSqlite), &source));
        pipeline::StoreReader reader(source);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));

        int delivered = 0;
        auto* gone = new QObject;
        auto* kept = new QObject;
        reader.query<int>(
            gone,
            [](store::EventStore&) {
                QThread::msleep(50);
                return 1;
            },
            [&](int) { ++delivered; });
        delete gone;
        bool keptAnswered = false;
        reader.query<int>(
            kept, [](store::EventStore&) { return 2; }, [&](int) { keptAnswered = true; });
        QTRY_VERIFY(keptAnswered); // queries run in order, so the first one has finished too
        QCOMPARE(delivered, 0);
        delete kept;
    }

    void reportsAStoreItCannotOpen_data() { StoreBackends::addRows(); }
    void reportsAStoreItCannotOpen()
    {
        VIGIL_FETCH_BACKEND(m_backends, backend);
        pipeline::StoreSource source = m_backends.newSource(backend);
        if (source.isTeam()) {
            source.team->password = "not-the-password";
        } else {
            QFile junk(source.sqlitePath);
            QVERIFY(junk.open(QIODevice::WriteOnly));
            junk.write(QByteArray(8192, 'x'));
        }
        pipeline::StoreReader reader(source);
        QString error;
        QVERIFY(!reader.open(&error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!error.contains(u"not-the-password"));
        QVERIFY(!reader.isOpen());
        // Queries on a reader that did not open give the empty result rather than crash.
        QCOMPARE(reader.queryBlocking<qint64>([](store::EventStore& s) { return s.eventCount(); }), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreReader)
#include "TestStoreReader.moc"

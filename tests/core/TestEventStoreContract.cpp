// SPDX-License-Identifier: GPL-3.0-or-later
// The EventStore contract, run against both implementations: the embedded SQLite store and team mode's
// PostgreSQL store (on a private cluster; skipped only when PostgreSQL is not installed). Plus what
// only matters with several writers on one database, and the automation's SQL on both dialects.
#include "core/audit/AuditLog.h"
#include "core/okta/LogEvent.h"
#include "core/response/Outbox.h"
#include "core/response/Suppressions.h"
#include "core/store/PostgresEventStore.h"
#include "core/store/SqliteEventStore.h"
#include "core/store/SqliteMigrations.h"

#include <QNetworkAccessManager>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

#include "support/PostgresCluster.h"

using vigil::okta::EventBuilder;
using vigil::okta::LogEvent;
using namespace vigil::store;

namespace {

std::string_view sv(const QByteArray& bytes)
{
    return {bytes.constData(), size_t(bytes.size())};
}

LogEvent makeEvent(const QByteArray& uuid,
                   qint64 publishedMs,
                   const QByteArray& actor = "alice@example.com",
                   const QByteArray& raw = {})
{
    EventBuilder b;
    b.set(LogEvent::Str::Uuid, sv(uuid));
    b.set(LogEvent::Str::EventType, "user.session.start");
    b.set(LogEvent::Str::ActorAlternateId, sv(actor));
    b.set(LogEvent::Str::ClientIp, "198.51.100.7");
    b.set(LogEvent::Str::OutcomeResult, "SUCCESS");
    b.setPublishedMs(publishedMs);
    b.setRaw(raw.isEmpty() ? "{\"uuid\":\"" + uuid + "\",\"actor\":\"" + actor + "\"}" : raw);
    return b.take();
}

QList<LogEvent> manyEvents(int from, int count, qint64 t0 = 1'700'000'000'000)
{
    QList<LogEvent> out;
    for (int i = from; i < from + count; ++i) {
        const QByteArray uuid = "evt-" + QByteArray::number(i).rightJustified(8, '0');
        // ~1 KB of JSON, repeated words like the real thing.
        QByteArray raw = "{\"uuid\":\"" + uuid + "\",\"n\":" + QByteArray::number(i) + ",\"pad\":\"";
        while (raw.size() < 1000)
            raw += "session user.session.start Chrome Windows ";
        raw += "\"}";
        out.append(makeEvent(uuid, t0 + i * 1000, "user" + QByteArray::number(i % 17) + "@example.com", raw));
    }
    return out;
}

} // namespace

class TestEventStoreContract : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void storesAndReadsBack_data() { backends(); }
    void storesAndReadsBack();
    void duplicatesAreDropped_data() { backends(); }
    void duplicatesAreDropped();
    void cursorIsCommittedWithBatch_data() { backends(); }
    void cursorIsCommittedWithBatch();
    void eventsForActorInOrder_data() { backends(); }
    void eventsForActorInOrder();
    void visitEventsInOrder_data() { backends(); }
    void visitEventsInOrder();
    void baselinesNewestWins_data() { backends(); }
    void baselinesNewestWins();
    void reopenKeepsEverything_data() { backends(); }
    void reopenKeepsEverything();
    void automationSql_data() { backends(); }
    void automationSql();

    // PostgreSQL only.
    void concurrentWritersStoreEachEventOnce();
    void wrongPasswordIsRefused();
    void urlParsing();
    void foreignDatabaseIsRefused();

private:
    void backends();
    std::unique_ptr<EventStore> makeStore(const QString& backend, bool fresh = true);
    bool needPostgres();

    vigil::test::PostgresCluster m_pg;
    bool m_pgUp = false;
    QString m_pgSkip;
    QTemporaryDir m_dir;
    int m_serial = 0;
    QString m_lastUrl;
    QString m_lastSqlite;
};

void TestEventStoreContract::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pgUp = m_pg.start();
    if (!m_pgUp) {
        m_pgSkip = m_pg.skipReason();
        QVERIFY2(!m_pgSkip.isEmpty(), qPrintable(m_pg.error()));
    }
    qputenv("VIGIL_STORE_PASSWORD", m_pg.password());
}

void TestEventStoreContract::cleanupTestCase()
{
    m_pg.stop();
}

void TestEventStoreContract::backends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

bool TestEventStoreContract::needPostgres()
{
    return m_pgUp;
}

std::unique_ptr<EventStore> TestEventStoreContract::makeStore(const QString& backend, bool fresh)
{
    if (backend == QLatin1String("sqlite")) {
        if (fresh) m_lastSqlite = m_dir.filePath(QStringLiteral("s%1.sqlite").arg(++m_serial));
        return std::make_unique<SqliteEventStore>(m_lastSqlite);
    }
    if (fresh) m_lastUrl = m_pg.createDatabase(QStringLiteral("contract%1").arg(++m_serial));
    QString error;
    std::optional<PostgresLocation> where = PostgresLocation::parse(m_lastUrl, &error);
    if (!where) {
        qWarning() << error;
        return nullptr;
    }
    where->password = qgetenv("VIGIL_STORE_PASSWORD");
    return std::make_unique<PostgresEventStore>(*where);
}

#define BACKEND_STORE(var)                                                                                             \
    QFETCH(QString, backend);                                                                                          \
    if (backend == QLatin1String("postgresql") && !needPostgres()) QSKIP(qPrintable(m_pgSkip));                        \
    std::unique_ptr<EventStore> var = makeStore(backend);                                                              \
    QVERIFY(var);                                                                                                      \
    {                                                                                                                  \
        QString openError;                                                                                             \
        QVERIFY2(var->open(&openError), qPrintable(openError));                                                        \
    }

void TestEventStoreContract::storesAndReadsBack()
{
    BACKEND_STORE(store);
    QCOMPARE(store->schemaVersion(), latestSchemaVersion());
    QCOMPARE(store->eventCount(), 0);
    QVERIFY(!store->newestPublishedMs());
    const QList<LogEvent> batch{makeEvent("u-1", 1000), makeEvent("u-2", 3000, "bob@example.com"),
                                makeEvent("u-3", 2000)};
    const AppendResult r = store->appendBatch(batch);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.inserted, 3);
    QCOMPARE(r.duplicates, 0);
    QCOMPARE(r.insertedIndexes, (QList<int>{0, 1, 2}));
    QCOMPARE(store->eventCount(), 3);
    QVERIFY(store->contains("u-2"));
    QVERIFY(!store->contains("u-9"));
    QCOMPARE(store->rawEvent("u-2").value_or(QByteArray()), QByteArray(batch.at(1).rawJson().toByteArray()));
    QVERIFY(!store->rawEvent("u-9"));
    QCOMPARE(store->newestPublishedMs().value_or(-1), 3000);
    QCOMPARE(store->oldestPublishedMs().value_or(-1), 1000);
    QVERIFY(store->sizeOnDisk() > 0);
}

void TestEventStoreContract::duplicatesAreDropped()
{
    BACKEND_STORE(store);
    AppendResult r = store->appendBatch({makeEvent("a", 1000), makeEvent("b", 2000), makeEvent("a", 1000)});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.inserted, 2);
    QCOMPARE(r.duplicates, 1);
    QCOMPARE(r.insertedIndexes, (QList<int>{0, 1}));
    r = store->appendBatch({makeEvent("b", 2000), makeEvent("c", 3000), makeEvent("a", 1000)});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.inserted, 1);
    QCOMPARE(r.duplicates, 2);
    QCOMPARE(r.insertedIndexes, (QList<int>{1}));
    QCOMPARE(store->eventCount(), 3);
    // An event without a uuid is skipped, not stored and not a duplicate.
    r = store->appendBatch({makeEvent("", 4000)});
    QVERIFY(r.ok);
    QCOMPARE(r.inserted, 0);
    QCOMPARE(store->eventCount(), 3);
}

void TestEventStoreContract::cursorIsCommittedWithBatch()
{
    BACKEND_STORE(store);
    QVERIFY(!store->cursor(QStringLiteral("okta-poll")));
    AppendResult r =
        store->appendBatch({makeEvent("a", 1000)},
                           IngestCursor{QStringLiteral("okta-poll"), QStringLiteral("https://x/next?after=1"), 111});
    QVERIFY2(r.ok, qPrintable(r.error));
    std::optional<IngestCursor> c = store->cursor(QStringLiteral("okta-poll"));
    QVERIFY(c);
    QCOMPARE(c->position, QStringLiteral("https://x/next?after=1"));
    QCOMPARE(c->updatedMs, 111);
    // A cursor alone moves too (an empty page), and other sources are separate.
    r = store->appendBatch({}, IngestCursor{QStringLiteral("okta-poll"), QStringLiteral("p2"), 222});
    QVERIFY(r.ok);
    QCOMPARE(store->cursor(QStringLiteral("okta-poll"))->position, QStringLiteral("p2"));
    QVERIFY(!store->cursor(QStringLiteral("okta-hook")));
}

void TestEventStoreContract::eventsForActorInOrder()
{
    BACKEND_STORE(store);
    const qint64 t0 = 1'700'000'000'000;
    // Out of order and across several 15-minute buckets.
    QList<LogEvent> batch;
    for (int i : {5, 1, 4, 2, 3, 0})
        batch.append(makeEvent("a" + QByteArray::number(i), t0 + i * 20 * 60000));
    batch.append(makeEvent("b0", t0 + 60000, "bob@example.com"));
    QVERIFY(store->appendBatch(batch).ok);
    QList<QByteArray> got = store->eventsForActor("alice@example.com", t0 + 20 * 60000, t0 + 5 * 20 * 60000, -1);
    QCOMPARE(got.size(), 4);
    for (int i = 0; i < 4; ++i)
        QVERIFY2(got.at(i).contains("\"a" + QByteArray::number(i + 1) + "\""), got.at(i).constData());
    got = store->eventsForActor("alice@example.com", t0, t0 + 10 * 20 * 60000, 2);
    QCOMPARE(got.size(), 2);
    QVERIFY(got.at(0).contains("\"a0\""));
    QVERIFY(store->eventsForActor("nobody@example.com", t0, t0 + 1e9, -1).isEmpty());
}

void TestEventStoreContract::visitEventsInOrder()
{
    BACKEND_STORE(store);
    QList<LogEvent> batch = manyEvents(0, 500);
    std::reverse(batch.begin(), batch.end());
    QVERIFY(store->appendBatch(batch).ok);
    const qint64 t0 = 1'700'000'000'000;
    QList<int> seen;
    QVERIFY(store->visitEvents(t0 + 100 * 1000, t0 + 400 * 1000, [&](QByteArrayView raw) {
        const QByteArray s = raw.toByteArray();
        const qsizetype at = s.indexOf("\"n\":");
        seen.append(s.mid(at + 4, s.indexOf(',', at) - at - 4).toInt());
        return true;
    }));
    QCOMPARE(seen.size(), 300);
    for (int i = 0; i < 300; ++i)
        QCOMPARE(seen.at(i), 100 + i);
    int visited = 0;
    QVERIFY(store->visitEvents(t0, t0 + 1e9, [&](QByteArrayView) { return ++visited < 7; }));
    QCOMPARE(visited, 7);
}

void TestEventStoreContract::baselinesNewestWins()
{
    BACKEND_STORE(store);
    QString error;
    QVERIFY2(store->saveBaselines({{BaselineRecord::User, QStringLiteral("alice"), "v2", 200},
                                   {BaselineRecord::Ip, QStringLiteral("1.2.3.4"), "ip", 100}},
                                  &error),
             qPrintable(error));
    QVERIFY(store->saveBaselines({{BaselineRecord::User, QStringLiteral("alice"), "old", 100}}, &error));
    QList<BaselineRecord> all = store->loadBaselines();
    QCOMPARE(all.size(), 2);
    for (const BaselineRecord& b : all) {
        if (b.kind == BaselineRecord::User) QCOMPARE(b.data, QByteArray("v2"));
    }
}

void TestEventStoreContract::reopenKeepsEverything()
{
    QFETCH(QString, backend);
    if (backend == QLatin1String("postgresql") && !needPostgres()) QSKIP(qPrintable(m_pgSkip));
    {
        std::unique_ptr<EventStore> store = makeStore(backend);
        QVERIFY(store->open(nullptr));
        QVERIFY(store->appendBatch(manyEvents(0, 300), IngestCursor{QStringLiteral("s"), QStringLiteral("p"), 1}).ok);
    }
    std::unique_ptr<EventStore> again = makeStore(backend, false);
    QString error;
    QVERIFY2(again->open(&error), qPrintable(error));
    QCOMPARE(again->eventCount(), 300);
    QCOMPARE(again->cursor(QStringLiteral("s"))->position, QStringLiteral("p"));
    QVERIFY(again->rawEvent("evt-00000123").value_or(QByteArray()).contains("\"n\":123,"));
    // The same batch again: every event is a duplicate.
    const AppendResult r = again->appendBatch(manyEvents(0, 300));
    QVERIFY(r.ok);
    QCOMPARE(r.inserted, 0);
    QCOMPARE(r.duplicates, 300);
}

void TestEventStoreContract::automationSql()
{
    BACKEND_STORE(store);
    QSqlDatabase db = store->database();
    vigil::audit::AuditLog audit(db);
    QString error;
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(audit.append(QStringLiteral("decision"), QStringLiteral("vigil"), QStringLiteral("alert-1"),
                              QJsonObject{{QStringLiteral("i"), i}}, &error),
                 qPrintable(error));
    }
    QCOMPARE(audit.count(), 3);
    QVERIFY(audit.verify().ok);
    QCOMPARE(audit.forSubject(QStringLiteral("alert-1")).size(), 3);

    QNetworkAccessManager network;
    vigil::response::Outbox outbox(db, network, audit);
    vigil::response::OutboundCall call;
    call.service = QStringLiteral("okta");
    call.purpose = QStringLiteral("suspend");
    call.path = QStringLiteral("/api/v1/users/00u1/lifecycle/suspend");
    call.body = QByteArray("\x00\x01{}", 4);
    call.idempotencyKey = QStringLiteral("suspend:alert-1");
    const std::optional<qint64> id = outbox.enqueue(call, &error);
    QVERIFY2(id && *id > 0, qPrintable(error));
    QCOMPARE(outbox.enqueue(call).value_or(-1), *id);
    call.idempotencyKey = QStringLiteral("other");
    QVERIFY(outbox.enqueue(call).value_or(-1) > *id);
    QCOMPARE(outbox.pendingCount(), 2);
    QCOMPARE(outbox.call(*id)->body, call.body);

    vigil::response::Suppressions suppressions(db);
    vigil::response::Suppression s;
    s.user = QStringLiteral("alice@example.com");
    s.detections = {QStringLiteral("geo_risk")};
    s.owner = QStringLiteral("bob");
    s.reason = QStringLiteral("travel");
    s.createdMs = 1000;
    s.expiresMs = 3600000;
    const auto added = suppressions.add(s, &error);
    QVERIFY2(added && added->id > 0, qPrintable(error));
    vigil::response::Suppressions reloaded(db);
    QVERIFY(reloaded.load(&error));
    QCOMPARE(reloaded.all().size(), 1);
    QCOMPARE(reloaded.all().constFirst().detections, s.detections);
}

void TestEventStoreContract::concurrentWritersStoreEachEventOnce()
{
    if (!needPostgres()) QSKIP(qPrintable(m_pgSkip));
    const QString url = m_pg.createDatabase(QStringLiteral("concurrent"));
    // Three writers, each storing overlapping windows of the same stream with the same cursor source, at
    // the same time: every event once, and each writer's view of what was new adds up to the total.
    constexpr int kWriters = 3;
    std::atomic<int> inserted{0};
    std::atomic<int> failures{0};
    QList<QThread*> threads;
    for (int w = 0; w < kWriters; ++w) {
        threads.append(QThread::create([&, w] {
            std::optional<PostgresLocation> where = m_pg.location(url);
            PostgresEventStore store(*where);
            if (!store.open(nullptr)) {
                ++failures;
                return;
            }
            for (int page = 0; page < 20; ++page) {
                // Writer w stores pages page..page+1 (overlaps the others and itself).
                const AppendResult r =
                    store.appendBatch(manyEvents((page + w) * 50, 100),
                                      IngestCursor{QStringLiteral("okta-poll"), QString::number(page * 100 + w), 0});
                if (!r.ok) {
                    qWarning("writer %d: %s", w, qPrintable(r.error));
                    ++failures;
                }
                inserted += r.inserted;
            }
        }));
    }
    // A fourth console counts while they write: its count (which only looks at rows committed since it
    // last counted) never goes down, never passes the truth, and ends exact.
    std::optional<PostgresLocation> where = m_pg.location(url);
    PostgresEventStore check(*where);
    QVERIFY(check.open(nullptr));
    const int distinct = (19 + kWriters - 1) * 50 + 100; // pages 0..(19+2), 50 apart, 100 long
    for (QThread* t : threads)
        t->start();
    qint64 lastCount = 0;
    int samples = 0;
    while (std::any_of(threads.cbegin(), threads.cend(), [](QThread* t) { return !t->isFinished(); })) {
        const qint64 now = check.eventCount();
        QVERIFY2(now >= lastCount && now <= distinct,
                 qPrintable(QStringLiteral("%1 after %2").arg(now).arg(lastCount)));
        lastCount = now;
        ++samples;
        QThread::msleep(5);
    }
    for (QThread* t : threads) {
        QVERIFY(t->wait(120000));
        delete t;
    }
    QCOMPARE(failures.load(), 0);
    QVERIFY(samples > 0);
    QCOMPARE(check.eventCount(), distinct);
    QCOMPARE(inserted.load(), distinct);
    QSqlQuery q(check.database());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) - count(DISTINCT uuid) FROM events")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

void TestEventStoreContract::wrongPasswordIsRefused()
{
    if (!needPostgres()) QSKIP(qPrintable(m_pgSkip));
    std::optional<PostgresLocation> where = PostgresLocation::parse(m_pg.createDatabase(QStringLiteral("pw")), nullptr);
    where->password = "not-the-password";
    PostgresEventStore store(*where);
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(QLatin1String("password")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("not-the-password")), "the password must never reach a message");
}

void TestEventStoreContract::urlParsing()
{
    QString error;
    std::optional<PostgresLocation> l =
        PostgresLocation::parse(QStringLiteral("postgresql://soc@db.corp:6543/vigil"), &error);
    QVERIFY2(l, qPrintable(error));
    QCOMPARE(l->host, QStringLiteral("db.corp"));
    QCOMPARE(l->port, 6543);
    QCOMPARE(l->user, QStringLiteral("soc"));
    QCOMPARE(l->database, QStringLiteral("vigil"));
    QCOMPARE(PostgresLocation::parse(QStringLiteral("postgresql://soc@db/vigil"), nullptr)->port, 5432);
    QVERIFY(!PostgresLocation::parse(QStringLiteral("postgresql://soc:secret@db/vigil"), &error));
    QVERIFY(error.contains(QLatin1String("VIGIL_STORE_PASSWORD")));
    QVERIFY(!error.contains(QLatin1String("secret")));
    QVERIFY(!PostgresLocation::parse(QStringLiteral("postgresql://db/vigil"), &error));
    QVERIFY(!PostgresLocation::parse(QStringLiteral("postgresql://soc@db/"), &error));
    QVERIFY(!PostgresLocation::parse(QStringLiteral("mysql://soc@db/vigil"), &error));
}

void TestEventStoreContract::foreignDatabaseIsRefused()
{
    if (!needPostgres()) QSKIP(qPrintable(m_pgSkip));
    std::optional<PostgresLocation> where = m_pg.location(m_pg.createDatabase(QStringLiteral("foreign")));
    {
        const QString name = QStringLiteral("foreign-setup");
        {
            QSqlDatabase db = where->connect(name, QStringLiteral("test"), nullptr);
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE payroll(id INT)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    PostgresEventStore store(*where);
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(QLatin1String("not a Vigil event store")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestEventStoreContract)
#include "TestEventStoreContract.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/LogEvent.h"
#include "core/store/DataLocation.h"
#include "core/store/RawBlockCodec.h"
#include "core/store/SqliteEventStore.h"
#include "core/store/SqliteMigrations.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <limits>
#include <tuple>

#include "support/TestConfig.h"

using vigil::okta::EventBuilder;
using vigil::okta::LogEvent;
using vigil::store::AppendResult;
using vigil::store::IngestCursor;
using vigil::store::MigrationStep;
using vigil::store::SqliteEventStore;

namespace {

std::string_view sv(const QByteArray& bytes)
{
    return {bytes.constData(), size_t(bytes.size())};
}

struct EventSpec
{
    QByteArray uuid;
    qint64 publishedMs = 1'700'000'000'000;
    QByteArray actor = "alice@example.com";
    QByteArray ip = "198.51.100.7";
    QByteArray eventType = "user.session.start";
    QByteArray outcome = "SUCCESS";
    QByteArray raw; // empty: a small JSON naming the uuid
};

LogEvent makeEvent(const EventSpec& spec)
{
    EventBuilder b;
    b.set(LogEvent::Str::Uuid, sv(spec.uuid));
    b.set(LogEvent::Str::EventType, sv(spec.eventType));
    b.set(LogEvent::Str::ActorAlternateId, sv(spec.actor));
    b.set(LogEvent::Str::ClientIp, sv(spec.ip));
    b.set(LogEvent::Str::OutcomeResult, sv(spec.outcome));
    b.setPublishedMs(spec.publishedMs);
    b.setRaw(spec.raw.isEmpty() ? "{\"uuid\":\"" + spec.uuid + "\"}" : spec.raw);
    return b.take();
}

LogEvent makeEvent(const QByteArray& uuid, qint64 publishedMs = 1'700'000'000'000, const QByteArray& raw = {})
{
    EventSpec spec;
    spec.uuid = uuid;
    spec.publishedMs = publishedMs;
    spec.raw = raw;
    return makeEvent(spec);
}

// About `size` bytes of Okta-shaped JSON. Like the real thing it repeats keys and common values
// across events but not inside one, so it compresses in blocks and hardly on its own.
QByteArray oktaLikeJson(const QByteArray& uuid, const QByteArray& actor, qint64 publishedMs, int size, quint32 seed)
{
    static const char* const kWords[] = {
        "login",       "okta",   "session",       "SUCCESS",    "FAILURE",         "Chrome",
        "Windows",     "policy", "MFA",           "push",       "verify",          "User",
        "AppInstance", "Dublin", "United States", "California", "x-forwarded-for", "requestUri"};
    QRandomGenerator rng(seed);
    QByteArray json = "{\"uuid\":\"" + uuid + "\",\"published\":" + QByteArray::number(publishedMs)
                      + ",\"actor\":{\"alternateId\":\"" + actor
                      + "\",\"type\":\"User\"},\"debugContext\":{\"debugData\":{" + "\"requestId\":\""
                      + QByteArray::number(rng.generate64(), 36) + "\",\"notes\":\"";
    while (json.size() < size - 4) {
        json += kWords[rng.bounded(int(std::size(kWords)))];
        json += rng.bounded(4) == 0 ? QByteArray::number(rng.bounded(100000)) : QByteArray(" ");
    }
    json += "\"}}}";
    return json;
}

// A version-1 uuid as Okta mints them: the event's time (100 ns units since 1582), a per-node counter
// in the sub-millisecond digits, then clock sequence and node.
QByteArray oktaUuid(qint64 publishedMs, int counter, quint64 node)
{
    constexpr quint64 kGregorianOffset = 0x01B21DD213814000ULL;
    const quint64 ts = kGregorianOffset + quint64(publishedMs) * 10'000 + quint64(counter % 10'000);
    const auto hex = [](quint64 v, int digits) {
        return QByteArray::number(v, 16).rightJustified(digits, '0').right(digits);
    };
    return hex(ts & 0xFFFFFFFF, 8) + '-' + hex((ts >> 32) & 0xFFFF, 4) + "-1" + hex((ts >> 48) & 0xFFF, 3) + '-'
           + hex(0x8000 | ((node >> 48) & 0x3FFF), 4) + '-' + hex(node & 0xFFFFFFFFFFFFULL, 12);
}

QByteArray randomBytes(int size, quint32 seed)
{
    QRandomGenerator rng(seed);
    QByteArray out(size, Qt::Uninitialized);
    for (char& c : out)
        c = char(rng.bounded(256));
    return out;
}

// A second, plain connection to inspect a store's file behind its back, or to sabotage it.
class AuxDb
{
public:
    explicit AuxDb(const QString& path)
        : m_name(QStringLiteral("aux-%1").arg(++s_serial))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        if (!db.open()) qWarning() << "aux open failed:" << db.lastError().text();
        exec(QStringLiteral("PRAGMA busy_timeout = 5000"));
    }
    ~AuxDb()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    AuxDb(const AuxDb&) = delete;
    AuxDb& operator=(const AuxDb&) = delete;

    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    bool exec(const QString& sql)
    {
        QSqlQuery q(db());
        if (q.exec(sql)) return true;
        qWarning() << sql << "failed:" << q.lastError().text();
        return false;
    }
    QVariant scalar(const QString& sql)
    {
        QSqlQuery q(db());
        if (q.exec(sql) && q.next()) return q.value(0);
        qWarning() << sql << "failed:" << q.lastError().text();
        return {};
    }
    bool tableExists(const QString& name)
    {
        QSqlQuery q(db());
        q.prepare(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"));
        q.addBindValue(name);
        return q.exec() && q.next() && q.value(0).toInt() == 1;
    }

private:
    static inline int s_serial = 0;
    QString m_name;
};

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QList<QByteArray> uuidsOf(const QList<QByteArray>& raws)
{
    QList<QByteArray> out;
    for (const QByteArray& raw : raws)
        out.append(QJsonDocument::fromJson(raw).object().value(u"uuid").toString().toUtf8());
    return out;
}

qint64 constantKey(std::string_view)
{
    return 42;
}

qint64 maxKey(std::string_view)
{
    return std::numeric_limits<qint64>::max();
}

// Two buckets, so probe chains of different uuids interleave.
qint64 parityKey(std::string_view uuid)
{
    return uuid.empty() ? 0 : 1000 + 10 * (static_cast<unsigned char>(uuid.back()) % 2);
}

} // namespace

class TestSqliteEventStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void storesAndReadsBack_data();
    void storesAndReadsBack();
    void newestPublished();
    void eventsForActor();
    void eventsForActorAcrossBuckets();
    void eventsFarApartInTime();
    void bucketOf();
    void newFilesUse16KiBPages();
    void duplicates_data();
    void duplicates();
    void uuidKey_data();
    void uuidKey();
    void uuidKeysOfOktaEventsGrowWithTime();
    void collidingKeysAreProbed_data();
    void collidingKeysAreProbed();
    void realKeyCollisionsAreProbed();
    void eventsWithoutUuidAreSkipped();
    void cursorIsCommittedWithBatch();
    void failedBatchKeepsNothing_data();
    void failedBatchKeepsNothing();
    void closedStoreRefusesWork();
    void reopenKeepsEverything();
    void otherConnectionsCommitsAreCounted();
    void sizeOnDiskGrows();

    void rawBlockCodecRoundTrip_data();
    void rawBlockCodecRoundTrip();
    void rawBlockCodecRejectsDamage();

    void emptyFileIsMigrated();
    void newerSchemaIsRefused();
    void foreignFilesAreRefused_data();
    void foreignFilesAreRefused();
    void migrationStepsRunForwardOneTransactionEach();
    void version1StoreUpgradesWithItsEvents();
    void version4EventsLoseTheirForeignKeys();
    void baselinesAreReplacedAndSurviveReopen();

    void crashMidBatchKeepsWholeBatches();

    void dataDirectory();
    void throughputSanity();

private:
    QString dbPath(const QString& stem)
    {
        return m_dir.filePath(QStringLiteral("%1-%2.sqlite").arg(stem).arg(++m_serial));
    }

    QTemporaryDir m_dir;
    int m_serial = 0;
};

void TestSqliteEventStore::initTestCase()
{
    // Keeps defaultDataDir() out of the real home directory.
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestSqliteEventStore::storesAndReadsBack_data()
{
    QTest::addColumn<int>("batches");
    QTest::addColumn<int>("perBatch");
    QTest::addColumn<int>("eventSize");
    QTest::addColumn<bool>("compressible");
    QTest::addColumn<int>("maxStoredPercent"); // of the raw bytes, in raw_blocks.data

    // Events compress well together and poorly alone: the point of blocks.
    QTest::newRow("one batch, many blocks") << 1 << 400 << 2048 << true << 50;
    QTest::newRow("several batches") << 8 << 50 << 2048 << true << 50;
    QTest::newRow("single-event batches") << 40 << 1 << 2048 << true << 90;
    QTest::newRow("incompressible, stored raw") << 1 << 300 << 2048 << false << 100;
    QTest::newRow("events larger than a block") << 2 << 3 << 150 * 1024 << true << 50;
}

void TestSqliteEventStore::storesAndReadsBack()
{
    QFETCH(int, batches);
    QFETCH(int, perBatch);
    QFETCH(int, eventSize);
    QFETCH(bool, compressible);
    QFETCH(int, maxStoredPercent);

    const QString path = dbPath(QStringLiteral("readback"));
    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), vigil::store::latestSchemaVersion());
    QCOMPARE(store.eventCount(), 0);

    QHash<QByteArray, QByteArray> expected;
    qint64 totalRaw = 0;
    for (int b = 0; b < batches; ++b) {
        QList<LogEvent> batch;
        for (int i = 0; i < perBatch; ++i) {
            const int n = b * perBatch + i;
            EventSpec spec;
            spec.uuid = "evt-" + QByteArray::number(n);
            spec.publishedMs = 1'700'000'000'000 + n;
            spec.actor = "user" + QByteArray::number(n % 13) + "@example.com";
            spec.raw = compressible ? oktaLikeJson(spec.uuid, spec.actor, spec.publishedMs, eventSize, quint32(n))
                                    : randomBytes(eventSize, quint32(n));
            expected.insert(spec.uuid, spec.raw);
            totalRaw += spec.raw.size();
            batch.append(makeEvent(spec));
        }
        const AppendResult result = store.appendBatch(batch);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.inserted, perBatch);
        QCOMPARE(result.duplicates, 0);
    }

    QCOMPARE(store.eventCount(), qint64(batches) * perBatch);
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QVERIFY2(store.contains(sv(it.key())), it.key().constData());
        const std::optional<QByteArray> raw = store.rawEvent(sv(it.key()));
        QVERIFY2(raw.has_value(), it.key().constData());
        QVERIFY2(*raw == it.value(), it.key().constData());
    }
    QVERIFY(!store.contains("evt-unknown"));
    QVERIFY(!store.rawEvent("evt-unknown").has_value());
    QVERIFY(!store.contains(""));

    AuxDb aux(path);
    const qint64 blocks = aux.scalar(QStringLiteral("SELECT count(*) FROM raw_blocks")).toLongLong();
    const qint64 minBlocks = totalRaw / (vigil::store::RawBlockWriter::kTargetInputSize + eventSize);
    QVERIFY2(blocks >= std::max<qint64>(minBlocks, 1), qPrintable(QString::number(blocks)));
    QVERIFY(blocks <= qint64(batches) * perBatch);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT sum(raw_size) FROM raw_blocks")).toLongLong(), totalRaw);
    const qint64 storedBytes = aux.scalar(QStringLiteral("SELECT sum(length(data)) FROM raw_blocks")).toLongLong();
    QVERIFY2(storedBytes * 100 <= totalRaw * maxStoredPercent,
             qPrintable(QStringLiteral("%1 of %2").arg(storedBytes).arg(totalRaw)));
    if (compressible) {
        QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM raw_blocks WHERE codec <> 1")).toLongLong(), 0);
    } else {
        QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM raw_blocks WHERE codec <> 0")).toLongLong(), 0);
        QCOMPARE(storedBytes, totalRaw);
    }
}

void TestSqliteEventStore::newestPublished()
{
    SqliteEventStore store(dbPath(QStringLiteral("newest")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(!store.newestPublishedMs().has_value());

    QVERIFY(store.appendBatch({makeEvent("a", 5000), makeEvent("b", 9000), makeEvent("c", 7000)}).ok);
    QCOMPARE(store.newestPublishedMs().value_or(-1), 9000);
    QVERIFY(store.appendBatch({makeEvent("d", 8000)}).ok);
    QCOMPARE(store.newestPublishedMs().value_or(-1), 9000);
    QVERIFY(store.appendBatch({makeEvent("e", 12000)}).ok);
    QCOMPARE(store.newestPublishedMs().value_or(-1), 12000);
}

void TestSqliteEventStore::eventsForActor()
{
    SqliteEventStore store(dbPath(QStringLiteral("actor")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));

    // alice at t = 1000, 2000 … 10000, inserted out of order over two batches with bob in between;
    // two alice events share t = 5000 and must come back in insertion order.
    QList<LogEvent> first;
    QList<LogEvent> second;
    for (int t : {7, 2, 9, 5, 1}) {
        EventSpec spec;
        spec.uuid = "alice-" + QByteArray::number(t);
        spec.publishedMs = t * 1000;
        first.append(makeEvent(spec));
        spec.uuid = "bob-" + QByteArray::number(t);
        spec.actor = "bob@example.com";
        first.append(makeEvent(spec));
    }
    for (int t : {10, 4, 3, 8, 6}) {
        EventSpec spec;
        spec.uuid = "alice-" + QByteArray::number(t);
        spec.publishedMs = t * 1000;
        second.append(makeEvent(spec));
    }
    EventSpec tie;
    tie.uuid = "alice-5b";
    tie.publishedMs = 5000;
    second.append(makeEvent(tie));
    QVERIFY(store.appendBatch(first).ok);
    QVERIFY(store.appendBatch(second).ok);

    using L = QList<QByteArray>;
    QCOMPARE(uuidsOf(store.eventsForActor("alice@example.com", 3000, 7000, 100)),
             (L{"alice-3", "alice-4", "alice-5", "alice-5b", "alice-6"}));
    QCOMPARE(uuidsOf(store.eventsForActor("alice@example.com", 3000, 7000, 2)), (L{"alice-3", "alice-4"}));
    QCOMPARE(store.eventsForActor("alice@example.com", 0, 100000, -1).size(), 11);
    QCOMPARE(uuidsOf(store.eventsForActor("alice@example.com", 10000, 10001, 10)), (L{"alice-10"}));
    QCOMPARE(uuidsOf(store.eventsForActor("bob@example.com", 0, 100000, 10)),
             (L{"bob-1", "bob-2", "bob-5", "bob-7", "bob-9"}));
    QVERIFY(store.eventsForActor("alice@example.com", 7000, 7000, 10).isEmpty());
    QVERIFY(store.eventsForActor("alice@example.com", 0, 100000, 0).isEmpty());
    QVERIFY(store.eventsForActor("carol@example.com", 0, 100000, 10).isEmpty());
    QVERIFY(store.eventsForActor("", 0, 100000, 10).isEmpty());
}

void TestSqliteEventStore::eventsForActorAcrossBuckets()
{
    // alice every 7 minutes for 4 hours (17 buckets of 15 minutes), bob and carol in between; the events
    // arrive in three batches out of order, as late deliveries do, and some share a millisecond.
    constexpr qint64 kStart = 1'764'000'600'000; // a bucket boundary plus 600 s
    constexpr qint64 kStep = 7 * 60 * 1000;
    QCOMPARE(kStart % SqliteEventStore::kBucketMs, 600'000);
    struct Stored
    {
        QByteArray uuid;
        qint64 published;
        QByteArray actor;
        QByteArray ip;
        int order; // insertion order, which breaks ties in published
    };
    QList<Stored> all;
    for (int i = 0; i < 35; ++i) {
        const qint64 t = kStart + i * kStep;
        all.append(
            {"a-" + QByteArray::number(i), t, "alice@example.com", "198.51.100." + QByteArray::number(i % 3), 0});
        all.append({"b-" + QByteArray::number(i), t + 1, "bob@example.com", "198.51.100.1", 0});
        if (i % 5 == 0) all.append({"a-" + QByteArray::number(i) + "-tie", t, "alice@example.com", "203.0.113.5", 0});
    }
    QList<Stored> order = all;
    std::reverse(order.begin() + 20, order.begin() + 50); // a run delivered late, newest first
    QList<QList<LogEvent>> batches(3);
    for (qsizetype i = 0; i < order.size(); ++i) {
        // Ties keep the tie after its twin: reversing put some twins the other way round.
        order[i].order = int(i);
        EventSpec spec;
        spec.uuid = order[i].uuid;
        spec.publishedMs = order[i].published;
        spec.actor = order[i].actor;
        spec.ip = order[i].ip;
        batches[i * 3 / order.size()].append(makeEvent(spec));
    }
    for (Stored& s : all) {
        for (const Stored& o : order) {
            if (o.uuid == s.uuid) s.order = o.order;
        }
    }

    SqliteEventStore store(dbPath(QStringLiteral("buckets")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    for (const QList<LogEvent>& batch : batches)
        QVERIFY(store.appendBatch(batch).ok);
    QCOMPARE(store.eventCount(), all.size());

    // Oldest first, ties in insertion order; limit < 0 means all.
    const auto expected = [&](const QByteArray& actor, qint64 from, qint64 to, int limit, bool byIp = false) {
        QList<Stored> hits;
        for (const Stored& s : all) {
            if ((byIp ? s.ip : s.actor) == actor && s.published >= from && s.published < to) hits.append(s);
        }
        std::sort(hits.begin(), hits.end(), [](const Stored& x, const Stored& y) {
            return x.published != y.published ? x.published < y.published : x.order < y.order;
        });
        QList<QByteArray> uuids;
        for (const Stored& s : hits) {
            if (limit >= 0 && uuids.size() >= limit) break;
            uuids.append(s.uuid);
        }
        return uuids;
    };
    const qint64 end = kStart + 35 * kStep;
    const qint64 boundary = kStart - 600'000 + 2 * SqliteEventStore::kBucketMs; // start of the 3rd bucket
    struct Range
    {
        qint64 from, to;
        int limit;
    };
    const Range ranges[] = {
        {0, std::numeric_limits<qint64>::max(), -1},
        {std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(), 1000},
        {kStart, end, -1},
        {kStart + 1, end, -1},                                  // excludes alice's first events
        {kStart + 10 * kStep, kStart + 10 * kStep + 1, 10},     // exactly one millisecond
        {boundary, boundary + SqliteEventStore::kBucketMs, -1}, // exactly one bucket
        {boundary - 1, boundary + 1, -1},
        {kStart + 3 * kStep, kStart + 30 * kStep, 7}, // the limit ends the walk mid-range
        {kStart + 3 * kStep, kStart + 30 * kStep, 1},
        {kStart + 5 * kStep + 1, kStart + 6 * kStep, -1}, // nothing in between
        {end, end + 3'600'000, -1},
    };
    for (const Range& r : ranges) {
        for (const QByteArray& actor : {QByteArray("alice@example.com"), QByteArray("bob@example.com")}) {
            const QList<QByteArray> want = expected(actor, r.from, r.to, r.limit);
            const QList<QByteArray> got = uuidsOf(store.eventsForActor(sv(actor), r.from, r.to, r.limit));
            QVERIFY2(got == want,
                     qPrintable(QStringLiteral("%1 [%2, %3) limit %4: got %5, want %6")
                                    .arg(QString::fromUtf8(actor))
                                    .arg(r.from)
                                    .arg(r.to)
                                    .arg(r.limit)
                                    .arg(QString::fromUtf8(got.join(' ')), QString::fromUtf8(want.join(' ')))));
        }
        for (const QByteArray& ip : {QByteArray("198.51.100.1"), QByteArray("203.0.113.5")}) {
            const QList<QByteArray> want = expected(ip, r.from, r.to, r.limit, true);
            QCOMPARE(uuidsOf(store.eventsForIp(sv(ip), r.from, r.to, r.limit)), want);
        }
    }
    QCOMPARE(store.eventsForActor("alice@example.com", 0, std::numeric_limits<qint64>::max(), -1).size(), 42);
    QVERIFY(store.eventsForIp("192.0.2.1", 0, std::numeric_limits<qint64>::max(), -1).isEmpty());
    QCOMPARE(store.newestPublishedMs().value_or(-1), kStart + 34 * kStep + 1);
}

void TestSqliteEventStore::eventsFarApartInTime()
{
    // Days and years between events, and times before 1970: a walk over the buckets must jump the gaps
    // rather than visit every empty bucket in between.
    constexpr qint64 kDay = 24 * 3600 * 1000;
    const qint64 times[] = {-3 * kDay - 1, -1,           0, 1, 5 * kDay, 5 * kDay + 899'999, 5 * kDay + 900'000,
                            400 * kDay,    40'000 * kDay};
    SqliteEventStore store(dbPath(QStringLiteral("far")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QList<LogEvent> batch;
    QList<QByteArray> uuids;
    for (qsizetype i = std::size(times); i-- > 0;) { // newest first
        EventSpec spec;
        spec.uuid = "far-" + QByteArray::number(i);
        spec.publishedMs = times[i];
        batch.append(makeEvent(spec));
    }
    for (qsizetype i = 0; i < qsizetype(std::size(times)); ++i)
        uuids.append("far-" + QByteArray::number(i));
    QVERIFY(store.appendBatch(batch).ok);
    QCOMPARE(store.newestPublishedMs().value_or(-1), 40'000 * kDay);

    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    const char* const alice = "alice@example.com";
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(uuidsOf(store.eventsForActor(alice, kMin, kMax, -1)), uuids);
    QVERIFY2(timer.elapsed() < 2000, "the walk visited empty buckets");
    QCOMPARE(uuidsOf(store.eventsForActor(alice, kMin, kMax, 3)), uuids.mid(0, 3));
    QCOMPARE(uuidsOf(store.eventsForActor(alice, -1, 1, -1)), uuids.mid(1, 2));
    QCOMPARE(uuidsOf(store.eventsForActor(alice, 0, 5 * kDay + 900'000, -1)), uuids.mid(2, 4));
    QCOMPARE(uuidsOf(store.eventsForActor(alice, 5 * kDay + 899'999, 5 * kDay + 900'001, -1)), uuids.mid(5, 2));
    QCOMPARE(uuidsOf(store.eventsForActor(alice, 6 * kDay, kMax, 10)), uuids.mid(7, 2));
    QCOMPARE(uuidsOf(store.eventsForActor(alice, 6 * kDay, 399 * kDay, -1)), QList<QByteArray>());
    QCOMPARE(uuidsOf(store.eventsForIp("198.51.100.7", -kDay, 401 * kDay, -1)), uuids.mid(1, 7));

    // An older event arriving later does not move the newest time back.
    QVERIFY(store.appendBatch({makeEvent("late", 10)}).ok);
    QCOMPARE(store.newestPublishedMs().value_or(-1), 40'000 * kDay);
}

void TestSqliteEventStore::bucketOf()
{
    constexpr qint64 k = SqliteEventStore::kBucketMs;
    QCOMPARE(k, 900'000);
    QCOMPARE(SqliteEventStore::bucketOf(0), 0);
    QCOMPARE(SqliteEventStore::bucketOf(k - 1), 0);
    QCOMPARE(SqliteEventStore::bucketOf(k), 1);
    QCOMPARE(SqliteEventStore::bucketOf(-1), -1);
    QCOMPARE(SqliteEventStore::bucketOf(-k), -1);
    QCOMPARE(SqliteEventStore::bucketOf(-k - 1), -2);
    QCOMPARE(SqliteEventStore::bucketOf(1'764'000'000'000), 1'764'000'000'000 / k);
    QCOMPARE(SqliteEventStore::bucketOf(std::numeric_limits<qint64>::min()),
             std::numeric_limits<qint64>::min() / k - 1);
    QCOMPARE(SqliteEventStore::bucketOf(std::numeric_limits<qint64>::max()), std::numeric_limits<qint64>::max() / k);
}

void TestSqliteEventStore::newFilesUse16KiBPages()
{
    // The page size sets how many bytes each commit writes, which is most of the ingest rate (see
    // SqliteEventStore::open()).
    const QString path = dbPath(QStringLiteral("pages"));
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store.appendBatch({makeEvent("p1")}).ok);
    }
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("PRAGMA page_size")).toInt(), 16384);
    QCOMPARE(aux.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));

    // A file made with other pages (an older build, a copy) keeps them and still opens.
    const QString small = dbPath(QStringLiteral("pages-4k"));
    {
        AuxDb other(small);
        QVERIFY(other.exec(QStringLiteral("PRAGMA page_size = 4096")));
        QVERIFY(vigil::store::migrateSchema(other.db()).ok);
    }
    SqliteEventStore store(small);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(store.appendBatch({makeEvent("p2")}).ok);
    QVERIFY(store.contains("p2"));
    store.close();
    AuxDb check(small);
    QCOMPARE(check.scalar(QStringLiteral("PRAGMA page_size")).toInt(), 4096);
}

void TestSqliteEventStore::duplicates_data()
{
    QTest::addColumn<QList<QByteArrayList>>("batches"); // uuids per batch
    QTest::addColumn<QList<int>>("inserted");
    QTest::addColumn<QList<int>>("duplicates");

    QTest::newRow("repeat inside one batch")
        << QList<QByteArrayList>{{"u1", "u2", "u1", "u3", "u2", "u1"}} << QList<int>{3} << QList<int>{3};
    QTest::newRow("repeat across batches") << QList<QByteArrayList>{{"u1", "u2"}, {"u2", "u3"}, {"u1", "u2", "u3"}}
                                           << QList<int>{2, 1, 0} << QList<int>{0, 1, 3};
    QTest::newRow("both") << QList<QByteArrayList>{{"u1", "u1"}, {"u1", "u2", "u2"}} << QList<int>{1, 1}
                          << QList<int>{1, 2};
}

void TestSqliteEventStore::duplicates()
{
    QFETCH(QList<QByteArrayList>, batches);
    QFETCH(QList<int>, inserted);
    QFETCH(QList<int>, duplicates);

    SqliteEventStore store(dbPath(QStringLiteral("dup")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));

    QSet<QByteArray> distinct;
    int occurrence = 0;
    for (qsizetype b = 0; b < batches.size(); ++b) {
        QList<LogEvent> events;
        for (const QByteArray& uuid : batches.at(b)) {
            // Every occurrence carries different bytes: the first stored copy must win.
            events.append(
                makeEvent(uuid, 1000, "{\"uuid\":\"" + uuid + "\",\"n\":" + QByteArray::number(occurrence++) + '}'));
            distinct.insert(uuid);
        }
        const AppendResult result = store.appendBatch(events);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.inserted, inserted.at(b));
        QCOMPARE(result.duplicates, duplicates.at(b));
    }
    QCOMPARE(store.eventCount(), qint64(distinct.size()));

    int firstSeen = 0;
    QSet<QByteArray> seen;
    for (const QByteArrayList& batch : batches) {
        for (const QByteArray& uuid : batch) {
            if (!seen.contains(uuid)) {
                seen.insert(uuid);
                QCOMPARE(store.rawEvent(sv(uuid)).value_or(QByteArray()),
                         "{\"uuid\":\"" + uuid + "\",\"n\":" + QByteArray::number(firstSeen) + '}');
            }
            ++firstSeen;
        }
    }
}

void TestSqliteEventStore::uuidKey_data()
{
    QTest::addColumn<QByteArray>("uuid");
    QTest::addColumn<quint64>("key");
    // The key is on disk, so these must never drift. Anything but a v1 uuid: FNV-1a 64 reference values.
    QTest::newRow("empty") << QByteArray() << quint64(0xcbf29ce484222325ULL);
    QTest::newRow("a") << QByteArray("a") << quint64(0xaf63dc4c8601ec8cULL);
    QTest::newRow("foobar") << QByteArray("foobar") << quint64(0x85944171f73967e8ULL);
    QTest::newRow("version-4 uuid") << QByteArray("dc9fd3c0-598c-41ef-8478-2b7584bf8d5a")
                                    << quint64(0xf5141baf14096ca7ULL);
    QTest::newRow("v1 shape, bad hex") << QByteArray("dc9fd3c0-598c-11ef-8478-2b7584bf8d5g")
                                       << quint64(0x4a53e983d050439cULL);
    // Okta's version-1 uuids: timestamp 0x1ef598cdc9fd3c0, then 4 bits of FNV-1a of "8478-2b7584bf8d5a".
    QTest::newRow("okta v1 uuid") << QByteArray("dc9fd3c0-598c-11ef-8478-2b7584bf8d5a")
                                  << quint64(0x1ef598cdc9fd3c0fULL);
    QTest::newRow("okta v1 uuid, upper case")
        << QByteArray("DC9FD3C0-598C-11EF-8478-2B7584BF8D5A") << quint64(0x1ef598cdc9fd3c0fULL);
}

void TestSqliteEventStore::uuidKey()
{
    QFETCH(QByteArray, uuid);
    QFETCH(quint64, key);
    QCOMPARE(quint64(SqliteEventStore::uuidKey(sv(uuid))), key);
}

void TestSqliteEventStore::uuidKeysOfOktaEventsGrowWithTime()
{
    // Ordered keys are what keeps the UNIQUE index appended to rather than written all over.
    const quint64 nodes[] = {0x123456789abcULL, 0xfedcba987654ULL, 0x0000000000ffULL};
    qint64 previousMs = -1;
    for (qint64 ms :
         {1'600'000'000'000LL, 1'600'000'000'001LL, 1'600'000'060'000LL, 1'700'000'000'000LL, 4'000'000'000'000LL}) {
        for (int counter = 0; counter < 3; ++counter) {
            for (quint64 node : nodes) {
                const qint64 key = SqliteEventStore::uuidKey(sv(oktaUuid(ms, counter, node)));
                QVERIFY(key > 0);
                if (previousMs >= 0) {
                    QVERIFY(key > SqliteEventStore::uuidKey(sv(oktaUuid(previousMs, 2, nodes[0]))));
                }
            }
        }
        previousMs = ms;
    }
}

void TestSqliteEventStore::collidingKeysAreProbed_data()
{
    QTest::addColumn<quintptr>("keyFunction");
    QTest::addColumn<qint64>("firstKey");
    QTest::newRow("all uuids share one key") << quintptr(&constantKey) << qint64(42);
    QTest::newRow("probing wraps past INT64_MAX") << quintptr(&maxKey) << std::numeric_limits<qint64>::max();
    QTest::newRow("two interleaved chains") << quintptr(&parityKey) << qint64(1000);
}

void TestSqliteEventStore::collidingKeysAreProbed()
{
    QFETCH(quintptr, keyFunction);
    QFETCH(qint64, firstKey);
    const auto keyFn = reinterpret_cast<SqliteEventStore::UuidKeyFunction>(keyFunction);
    const QString path = dbPath(QStringLiteral("collide"));

    const QByteArrayList uuids{"c1", "c2", "c3", "c4", "c5", "c6"};
    {
        SqliteEventStore store(path, keyFn);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        AppendResult r = store.appendBatch({makeEvent("c1"), makeEvent("c2"), makeEvent("c3"), makeEvent("c2")});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.inserted, 3);
        QCOMPARE(r.duplicates, 1);
        r = store.appendBatch({makeEvent("c4"), makeEvent("c1"), makeEvent("c5"), makeEvent("c3"), makeEvent("c6")});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.inserted, 3);
        QCOMPARE(r.duplicates, 2);
        QCOMPARE(store.eventCount(), 6);
    }

    SqliteEventStore store(path, keyFn);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    for (const QByteArray& uuid : uuids) {
        QVERIFY2(store.contains(sv(uuid)), uuid.constData());
        QCOMPARE(store.rawEvent(sv(uuid)).value_or(QByteArray()), "{\"uuid\":\"" + uuid + "\"}");
    }
    QVERIFY(!store.contains("c7"));
    QVERIFY(!store.contains("c0"));

    // The keys really collided and were resolved by walking to the next free one.
    AuxDb aux(path);
    QSqlQuery q(aux.db());
    QVERIFY(q.exec(QStringLiteral("SELECT uuid_key FROM events")));
    QSet<qint64> keys;
    while (q.next())
        keys.insert(q.value(0).toLongLong());
    QCOMPARE(keys.size(), 6);
    QVERIFY(keys.contains(firstKey));
    QVERIFY(keys.contains(qint64(quint64(firstKey) + 1)));
}

void TestSqliteEventStore::realKeyCollisionsAreProbed()
{
    // Okta nodes mint uuids with the same timestamp; 1 in 16 of those pairs share a key. Find three such
    // uuids for the real key function rather than trusting a test hook alone.
    const qint64 ms = 1'723'564'700'353;
    const QByteArray first = oktaUuid(ms, 0, 1);
    const qint64 key = SqliteEventStore::uuidKey(sv(first));
    QByteArrayList colliding{first};
    for (quint64 node = 2; colliding.size() < 3 && node < 10'000; ++node) {
        const QByteArray candidate = oktaUuid(ms, 0, node);
        if (SqliteEventStore::uuidKey(sv(candidate)) == key) colliding.append(candidate);
    }
    QCOMPARE(colliding.size(), 3);
    // And the uuid whose own key is where the probe of the others lands.
    QByteArray neighbour;
    for (quint64 node = 2; neighbour.isEmpty() && node < 10'000; ++node) {
        const QByteArray candidate = oktaUuid(ms, 0, node);
        if (SqliteEventStore::uuidKey(sv(candidate)) == key + 1) neighbour = candidate;
    }
    QVERIFY(!neighbour.isEmpty());

    const QString path = dbPath(QStringLiteral("realcollide"));
    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AppendResult r = store.appendBatch({makeEvent(colliding[0]), makeEvent(colliding[1])});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.inserted, 2);
    r = store.appendBatch({makeEvent(neighbour), makeEvent(colliding[2]), makeEvent(colliding[1])});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.inserted, 2);
    QCOMPARE(r.duplicates, 1);
    QCOMPARE(store.eventCount(), 4);
    for (const QByteArray& uuid : colliding + QByteArrayList{neighbour}) {
        QCOMPARE(store.rawEvent(sv(uuid)).value_or(QByteArray()), "{\"uuid\":\"" + uuid + "\"}");
    }
    QVERIFY(!store.contains(sv(oktaUuid(ms, 0, 999'999))));
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(DISTINCT uuid_key) FROM events")).toInt(), 4);
}

void TestSqliteEventStore::eventsWithoutUuidAreSkipped()
{
    SqliteEventStore store(dbPath(QStringLiteral("nouuid")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const AppendResult r = store.appendBatch({makeEvent("x1"), makeEvent(QByteArray()), makeEvent("x2")});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.inserted, 2);
    QCOMPARE(r.duplicates, 0);
    QCOMPARE(store.eventCount(), 2);
}

void TestSqliteEventStore::cursorIsCommittedWithBatch()
{
    const QString path = dbPath(QStringLiteral("cursor"));
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(!store.cursor(QStringLiteral("okta-poll")).has_value());

        QVERIFY(store
                    .appendBatch({makeEvent("k1")},
                                 IngestCursor{QStringLiteral("okta-poll"), QStringLiteral("next-1"), 111})
                    .ok);
        QVERIFY(store
                    .appendBatch({makeEvent("k2")},
                                 IngestCursor{QStringLiteral("okta-poll"), QStringLiteral("next-2"), 222})
                    .ok);
        // A cursor alone (an empty page still moves the poller on), and a second source beside it.
        QVERIFY(store.appendBatch({}, IngestCursor{QStringLiteral("okta-hook"), QStringLiteral("delivery-9"), 0}).ok);

        const auto poll = store.cursor(QStringLiteral("okta-poll"));
        QVERIFY(poll.has_value());
        QCOMPARE(poll->position, QStringLiteral("next-2"));
        QCOMPARE(poll->updatedMs, 222);
    }

    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const auto poll = store.cursor(QStringLiteral("okta-poll"));
    QVERIFY(poll.has_value());
    QCOMPARE(poll->source, QStringLiteral("okta-poll"));
    QCOMPARE(poll->position, QStringLiteral("next-2"));
    QCOMPARE(poll->updatedMs, 222);
    const auto hook = store.cursor(QStringLiteral("okta-hook"));
    QVERIFY(hook.has_value());
    QCOMPARE(hook->position, QStringLiteral("delivery-9"));
    QVERIFY(hook->updatedMs > 1'600'000'000'000); // 0 means "now"
    QCOMPARE(store.eventCount(), 2);
}

void TestSqliteEventStore::failedBatchKeepsNothing_data()
{
    QTest::addColumn<QStringList>("sabotage");
    QTest::addColumn<bool>("poisonEvent");
    QTest::addColumn<QString>("cursorPosition");

    QTest::newRow("event insert fails mid-batch")
        << QStringList{QStringLiteral("CREATE TRIGGER sabotage BEFORE INSERT ON events WHEN NEW.uuid = 'poison'"
                                      " BEGIN SELECT RAISE(ABORT, 'poisoned event'); END")}
        << true << QStringLiteral("pos-2");
    QTest::newRow("cursor write fails after all events")
        << QStringList{QStringLiteral("CREATE TRIGGER sabotage BEFORE UPDATE ON cursors WHEN NEW.position = 'poison'"
                                      " BEGIN SELECT RAISE(ABORT, 'poisoned cursor'); END")}
        << false << QStringLiteral("poison");
    QTest::newRow("raw block write fails")
        << QStringList{QStringLiteral("CREATE TRIGGER sabotage BEFORE INSERT ON raw_blocks"
                                      " BEGIN SELECT RAISE(ABORT, 'poisoned block'); END")}
        << false << QStringLiteral("pos-2");
    QTest::newRow("new dictionary entry fails")
        << QStringList{QStringLiteral("CREATE TRIGGER sabotage BEFORE INSERT ON ips WHEN NEW.ip = '203.0.113.99'"
                                      " BEGIN SELECT RAISE(ABORT, 'poisoned ip'); END")}
        << false << QStringLiteral("pos-2");
}

void TestSqliteEventStore::failedBatchKeepsNothing()
{
    QFETCH(QStringList, sabotage);
    QFETCH(bool, poisonEvent);
    QFETCH(QString, cursorPosition);

    const QString path = dbPath(QStringLiteral("fail"));
    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const QString source = QStringLiteral("okta-poll");
    QList<LogEvent> before;
    for (int i = 0; i < 10; ++i)
        before.append(makeEvent("old-" + QByteArray::number(i), 1000 + i));
    QVERIFY(store.appendBatch(before, IngestCursor{source, QStringLiteral("pos-1"), 1}).ok);
    const qint64 sizeBefore = store.eventCount();
    const auto newest = store.newestPublishedMs();

    // New actor, IP and event type, so a failure must also forget the dictionary ids it handed out.
    const auto batchOf = [](bool withPoison) {
        QList<LogEvent> batch;
        for (int i = 0; i < 4; ++i) {
            EventSpec spec;
            spec.uuid = "new-" + QByteArray::number(i);
            spec.publishedMs = 50'000 + i;
            spec.actor = "newcomer@example.com";
            spec.ip = "203.0.113.99";
            spec.eventType = "user.mfa.factor.activate";
            spec.raw = oktaLikeJson(spec.uuid, spec.actor, spec.publishedMs, 30'000, quint32(i));
            batch.append(makeEvent(spec));
            if (withPoison && i == 2) batch.append(makeEvent("poison"));
        }
        return batch;
    };

    {
        AuxDb aux(path);
        for (const QString& sql : sabotage)
            QVERIFY(aux.exec(sql));
    }
    const AppendResult failed = store.appendBatch(batchOf(poisonEvent), IngestCursor{source, cursorPosition, 2});
    QVERIFY(!failed.ok);
    QVERIFY(!failed.error.isEmpty());
    QCOMPARE(failed.inserted, 0);
    QCOMPARE(failed.duplicates, 0);

    const auto checkUnchanged = [&](SqliteEventStore& s) {
        QCOMPARE(s.eventCount(), sizeBefore);
        QVERIFY(!s.contains("new-0"));
        QVERIFY(!s.contains("new-3"));
        QVERIFY(s.eventsForActor("newcomer@example.com", 0, 1'000'000, 10).isEmpty());
        QCOMPARE(s.newestPublishedMs(), newest);
        const auto cursor = s.cursor(source);
        QVERIFY(cursor.has_value());
        QCOMPARE(cursor->position, QStringLiteral("pos-1"));
    };
    checkUnchanged(store);
    {
        SqliteEventStore other(path);
        QVERIFY2(other.open(&error), qPrintable(error));
        checkUnchanged(other);
        if (QTest::currentTestFailed()) return;
    }
    {
        AuxDb aux(path);
        QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM actors WHERE alternate_id = 'newcomer@example.com'"))
                     .toInt(),
                 0);
        QVERIFY(aux.exec(QStringLiteral("DROP TRIGGER sabotage")));
    }

    // The same store instance carries on, with no stale dictionary id left from the failed batch
    // (foreign_keys would reject one).
    const AppendResult retried = store.appendBatch(batchOf(false), IngestCursor{source, QStringLiteral("pos-2"), 3});
    QVERIFY2(retried.ok, qPrintable(retried.error));
    QCOMPARE(retried.inserted, 4);
    QCOMPARE(store.eventCount(), sizeBefore + 4);
    QCOMPARE(store.eventsForActor("newcomer@example.com", 0, 1'000'000, 10).size(), 4);
    QCOMPARE(store.cursor(source).value_or(IngestCursor()).position, QStringLiteral("pos-2"));
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM events e JOIN ips i ON i.id = e.ip_id"
                                       " JOIN event_types t ON t.id = e.event_type_id"
                                       " WHERE i.ip = '203.0.113.99' AND t.name = 'user.mfa.factor.activate'"))
                 .toInt(),
             4);
}

void TestSqliteEventStore::closedStoreRefusesWork()
{
    const QString path = dbPath(QStringLiteral("closed"));
    SqliteEventStore store(path);
    AppendResult r = store.appendBatch({makeEvent("z1")});
    QVERIFY(!r.ok);
    QVERIFY(!r.error.isEmpty());

    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(store.isOpen());
    QVERIFY(store.appendBatch({makeEvent("z1")}, IngestCursor{QStringLiteral("s"), QStringLiteral("p1"), 1}).ok);
    store.close();
    QVERIFY(!store.isOpen());
    QCOMPARE(store.schemaVersion(), 0);

    r = store.appendBatch({makeEvent("z2")}, IngestCursor{QStringLiteral("s"), QStringLiteral("p2"), 2});
    QVERIFY(!r.ok);
    QCOMPARE(r.inserted, 0);
    QCOMPARE(store.eventCount(), 0);
    QVERIFY(!store.contains("z1"));
    QVERIFY(!store.rawEvent("z1").has_value());
    QVERIFY(!store.cursor(QStringLiteral("s")).has_value());
    QVERIFY(!store.newestPublishedMs().has_value());

    // Closing twice is harmless, and the instance can open again.
    store.close();
    QVERIFY2(store.open(&error), qPrintable(error));
    QCOMPARE(store.eventCount(), 1);
    QVERIFY(!store.contains("z2"));
    QCOMPARE(store.cursor(QStringLiteral("s")).value_or(IngestCursor()).position, QStringLiteral("p1"));
}

void TestSqliteEventStore::reopenKeepsEverything()
{
    const QString path = dbPath(QStringLiteral("reopen"));
    QHash<QByteArray, QByteArray> expected;
    qint64 actorsBefore = 0;
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        for (int b = 0; b < 5; ++b) {
            QList<LogEvent> batch;
            for (int i = 0; i < 100; ++i) {
                const int n = b * 100 + i;
                EventSpec spec;
                spec.uuid = "r-" + QByteArray::number(n);
                spec.publishedMs = 2'000'000 + n;
                spec.actor = "user" + QByteArray::number(n % 5) + "@example.com";
                spec.raw = oktaLikeJson(spec.uuid, spec.actor, spec.publishedMs, 1900, quint32(n));
                expected.insert(spec.uuid, spec.raw);
                batch.append(makeEvent(spec));
            }
            QVERIFY(store.appendBatch(batch, IngestCursor{QStringLiteral("replay:x"), QString::number(b), 7}).ok);
        }
        AuxDb aux(path);
        actorsBefore = aux.scalar(QStringLiteral("SELECT count(*) FROM actors")).toLongLong();
        QCOMPARE(actorsBefore, 5);
    }

    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QCOMPARE(store.eventCount(), 500);
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QVERIFY2(store.rawEvent(sv(it.key())).value_or(QByteArray()) == it.value(), it.key().constData());
    }
    QCOMPARE(store.newestPublishedMs().value_or(-1), 2'000'499);
    QCOMPARE(store.cursor(QStringLiteral("replay:x")).value_or(IngestCursor()).position, QStringLiteral("4"));
    QCOMPARE(store.eventsForActor("user3@example.com", 0, 10'000'000, -1).size(), 100);

    // Known names reuse their ids after the reopen instead of being added again.
    EventSpec spec;
    spec.uuid = "r-after";
    spec.actor = "user3@example.com";
    QVERIFY(store.appendBatch({makeEvent(spec)}).ok);
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM actors")).toLongLong(), actorsBefore);
}

void TestSqliteEventStore::otherConnectionsCommitsAreCounted()
{
    const QString path = dbPath(QStringLiteral("two"));
    SqliteEventStore first(path);
    SqliteEventStore second(path);
    QString error;
    QVERIFY2(first.open(&error), qPrintable(error));
    QVERIFY2(second.open(&error), qPrintable(error));
    QVERIFY(first.appendBatch({makeEvent("t1"), makeEvent("t2")}).ok);
    QCOMPARE(first.eventCount(), 2);
    QCOMPARE(second.eventCount(), 2);
    // `second` learnt nothing of the names `first` added, and must still reuse them.
    QVERIFY(second.appendBatch({makeEvent("t3"), makeEvent("t1")}).ok);
    QCOMPARE(first.eventCount(), 3);
    QCOMPARE(second.eventCount(), 3);
    QVERIFY(first.contains("t3"));
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM actors")).toInt(), 1);
}

void TestSqliteEventStore::sizeOnDiskGrows()
{
    SqliteEventStore store(dbPath(QStringLiteral("size")));
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const qint64 empty = store.sizeOnDisk();
    QVERIFY(empty > 0);
    QList<LogEvent> batch;
    for (int i = 0; i < 200; ++i)
        batch.append(makeEvent("s-" + QByteArray::number(i), 1, randomBytes(2000, quint32(i))));
    QVERIFY(store.appendBatch(batch).ok);
    QVERIFY(store.sizeOnDisk() >= empty + 200 * 2000);
}

void TestSqliteEventStore::rawBlockCodecRoundTrip_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("expectedCodec");
    QTest::newRow("empty") << QByteArray() << int(vigil::store::RawCodec::Stored);
    QTest::newRow("json") << oktaLikeJson("u", "a@b", 1, 60'000, 1) << int(vigil::store::RawCodec::Lz4Block);
    QTest::newRow("random") << randomBytes(5000, 3) << int(vigil::store::RawCodec::Stored);
}

void TestSqliteEventStore::rawBlockCodecRoundTrip()
{
    namespace codec = vigil::store::RawBlockCodec;
    QFETCH(QByteArray, input);
    QFETCH(int, expectedCodec);
    QByteArray scratch;
    const auto block = codec::encode(input, scratch);
    QVERIFY(block.has_value());
    QCOMPARE(int(block->codec), expectedCodec);
    QCOMPARE(block->rawSize, input.size());
    const QByteArray data = block->data.toByteArray();
    QCOMPARE(codec::decode(block->codec, data, input.size()).value_or(QByteArray("x")), input);
    for (const auto& [offset, length] : {std::pair<qsizetype, qsizetype>{0, 0},
                                         {0, input.size()},
                                         {input.size() / 3, input.size() / 3},
                                         {input.size(), 0}}) {
        const auto part = codec::slice(block->codec, data, input.size(), offset, length);
        QVERIFY(part.has_value());
        QCOMPARE(*part, input.mid(offset, length));
    }
    QVERIFY(!codec::slice(block->codec, data, input.size(), input.size(), 1).has_value());
    QVERIFY(!codec::slice(block->codec, data, input.size(), -1, 1).has_value());
}

void TestSqliteEventStore::rawBlockCodecRejectsDamage()
{
    namespace codec = vigil::store::RawBlockCodec;
    const QByteArray input = oktaLikeJson("u", "a@b", 1, 20'000, 9);
    QByteArray scratch;
    const auto block = codec::encode(input, scratch);
    QVERIFY(block.has_value());
    QCOMPARE(block->codec, vigil::store::RawCodec::Lz4Block);
    const QByteArray data = block->data.toByteArray();
    QVERIFY(!codec::decode(block->codec, data.left(data.size() / 2), input.size()).has_value());
    QVERIFY(!codec::decode(block->codec, data, input.size() + 1).has_value());
    QVERIFY(!codec::decode(block->codec, data, -5).has_value());
    QVERIFY(!codec::decode(static_cast<vigil::store::RawCodec>(7), data, input.size()).has_value());
    QVERIFY(!codec::decode(vigil::store::RawCodec::Stored, data, input.size()).has_value());
}

void TestSqliteEventStore::emptyFileIsMigrated()
{
    const QString path = dbPath(QStringLiteral("empty"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    QCOMPARE(QFileInfo(path).size(), 0);
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), vigil::store::latestSchemaVersion());
        QVERIFY(store.appendBatch({makeEvent("m1")}).ok);
    }
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT version FROM schema_version")).toInt(),
             vigil::store::latestSchemaVersion());
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM schema_version")).toInt(), 1);
    for (const QString& table :
         {QStringLiteral("events"), QStringLiteral("actors"), QStringLiteral("ips"), QStringLiteral("event_types"),
          QStringLiteral("raw_blocks"), QStringLiteral("cursors")}) {
        QVERIFY2(aux.tableExists(table), qPrintable(table));
    }
    QCOMPARE(aux.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM events")).toInt(), 1);
    QCOMPARE(aux.scalar(QStringLiteral("PRAGMA page_size")).toInt(), 16384);
    const auto planOf = [&](const QString& sql) {
        QSqlQuery plan(aux.db());
        if (!plan.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + sql)) return plan.lastError().text();
        QString details;
        while (plan.next())
            details += plan.value(3).toString() + u'\n';
        return details;
    };
    // Reading one bucket by actor or IP must come from the index, not a scan and sort.
    for (const auto& [column, index] : {std::pair{QStringLiteral("actor_id"), QStringLiteral("events_bucket_actor")},
                                        std::pair{QStringLiteral("ip_id"), QStringLiteral("events_bucket_ip")}}) {
        const QString details =
            planOf(QStringLiteral("SELECT block_id, block_offset, raw_size FROM events WHERE bucket = 3"
                                  " AND %1 = 1 AND published >= 0 AND published < 5"
                                  " ORDER BY published, seq LIMIT 10")
                       .arg(column));
        QVERIFY2(details.contains(index + QStringLiteral(" (bucket=? AND ")), qPrintable(details));
        QVERIFY2(!details.contains(QLatin1String("TEMP B-TREE")), qPrintable(details));
    }
    // The newest time and the next bucket are seeks plus one bucket's entries, never a table scan.
    for (const QString& sql :
         {QStringLiteral("SELECT max(published) FROM events WHERE bucket = (SELECT max(bucket) FROM events)"),
          QStringLiteral("SELECT bucket FROM events WHERE bucket > 5 ORDER BY bucket LIMIT 1")}) {
        const QString details = planOf(sql);
        QVERIFY2(details.contains(QLatin1String("COVERING INDEX events_bucket_")), qPrintable(details));
        QVERIFY2(!details.contains(QLatin1String("SCAN events\n")), qPrintable(details));
        QVERIFY2(!details.contains(QLatin1String("TEMP B-TREE")), qPrintable(details));
    }
}

void TestSqliteEventStore::newerSchemaIsRefused()
{
    const QString path = dbPath(QStringLiteral("future"));
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store.appendBatch({makeEvent("f1")}).ok);
    }
    {
        AuxDb aux(path);
        QVERIFY(aux.exec(QStringLiteral("UPDATE schema_version SET version = 999")));
    }
    const QByteArray bytesBefore = readFile(path);
    QVERIFY(!bytesBefore.isEmpty());

    SqliteEventStore store(path);
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(QLatin1String("999")), qPrintable(error));
    QVERIFY(!store.isOpen());
    QVERIFY(!store.appendBatch({makeEvent("f2")}).ok);
    store.close();

    QCOMPARE(readFile(path), bytesBefore);
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT version FROM schema_version")).toInt(), 999);
}

void TestSqliteEventStore::foreignFilesAreRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("another application's database") << QStringLiteral("foreign") << QStringLiteral("not a Vigil");
    QTest::newRow("not SQLite at all") << QStringLiteral("garbage") << QStringLiteral("not a database");
    QTest::newRow("damaged schema_version") << QStringLiteral("two-versions") << QStringLiteral("damaged");
}

void TestSqliteEventStore::foreignFilesAreRefused()
{
    QFETCH(QString, kind);
    QFETCH(QString, expectedError);
    const QString path = dbPath(QStringLiteral("foreign"));
    if (kind == QLatin1String("garbage")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("this is a text file, not a database\n").repeated(200));
    } else if (kind == QLatin1String("foreign")) {
        AuxDb aux(path);
        QVERIFY(aux.exec(QStringLiteral("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")));
        QVERIFY(aux.exec(QStringLiteral("INSERT INTO notes(body) VALUES('keep me')")));
    } else {
        {
            SqliteEventStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
        }
        AuxDb aux(path);
        QVERIFY(aux.exec(QStringLiteral("INSERT INTO schema_version(version) VALUES(1)")));
    }
    const QByteArray bytesBefore = readFile(path);

    SqliteEventStore store(path);
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    store.close();
    QCOMPARE(readFile(path), bytesBefore);
}

void TestSqliteEventStore::migrationStepsRunForwardOneTransactionEach()
{
    using vigil::store::migrateSchema;
    using vigil::store::readSchemaVersion;
    const QString path = dbPath(QStringLiteral("migrate"));

    // A store at the current version with data in it, written by the store itself.
    const int current = vigil::store::latestSchemaVersion();
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store.appendBatch({makeEvent("v1-a"), makeEvent("v1-b")}).ok);
    }

    // What adding the next version looks like: one more entry.
    QList<MigrationStep> steps = vigil::store::sqliteMigrationSteps();
    QCOMPARE(steps.size(), current);
    steps.append(MigrationStep{current + 1,
                               QLatin1String("test: add a tags table"),
                               {QLatin1String("CREATE TABLE tags(event_seq INTEGER NOT NULL, tag TEXT NOT NULL)"),
                                QLatin1String("INSERT INTO tags SELECT seq, 'v1' FROM events")}});
    QList<MigrationStep> broken = steps;
    broken.append(MigrationStep{
        current + 2,
        QLatin1String("test: fails half way"),
        {QLatin1String("CREATE TABLE half_done(x)"), QLatin1String("INSERT INTO no_such_table VALUES(1)")}});
    const QString next = QStringLiteral("version %1").arg(current + 1);
    const QString afterNext = QStringLiteral("version %1").arg(current + 2);

    AuxDb aux(path);
    QString error;
    QCOMPARE(readSchemaVersion(aux.db(), &error), current);

    auto result = migrateSchema(aux.db(), steps);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.fromVersion, current);
    QCOMPARE(result.version, current + 1);
    QCOMPARE(readSchemaVersion(aux.db(), &error), current + 1);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM tags")).toInt(), 2);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM events")).toInt(), 2);

    // Running it again is a no-op.
    result = migrateSchema(aux.db(), steps);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.fromVersion, current + 1);
    QCOMPARE(result.version, current + 1);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM tags")).toInt(), 2);

    // A failing step leaves the file at the last whole version, without its half-made tables.
    result = migrateSchema(aux.db(), broken);
    QVERIFY(!result.ok);
    QCOMPARE(result.version, current + 1);
    QVERIFY2(result.error.contains(afterNext), qPrintable(result.error));
    QCOMPARE(readSchemaVersion(aux.db(), &error), current + 1);
    QVERIFY(!aux.tableExists(QStringLiteral("half_done")));

    // Code that only knows the current version never touches a newer file.
    result = migrateSchema(aux.db());
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(next), qPrintable(result.error));
    SqliteEventStore store(path);
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(next), qPrintable(error));

    // From nothing, all steps run in order.
    const QString fresh = dbPath(QStringLiteral("migrate-fresh"));
    AuxDb freshAux(fresh);
    result = migrateSchema(freshAux.db(), steps);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.fromVersion, 0);
    QCOMPARE(result.version, current + 1);
    QVERIFY(freshAux.tableExists(QStringLiteral("events")));
    QVERIFY(freshAux.tableExists(QStringLiteral("tags")));

    // Steps must be numbered without gaps.
    QList<MigrationStep> gap = steps;
    gap[1].version = 3 + current;
    result = migrateSchema(freshAux.db(), gap);
    QVERIFY(!result.ok);
}

void TestSqliteEventStore::version1StoreUpgradesWithItsEvents()
{
    // A store as the first release wrote it: events, a cursor, schema version 1, no baselines table.
    const QString path = dbPath(QStringLiteral("upgrade-v1"));
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store
                    .appendBatch({makeEvent("old-a"), makeEvent("old-b")},
                                 vigil::store::IngestCursor{QStringLiteral("okta-poll"), QStringLiteral("c1"), 1})
                    .ok);
    }
    {
        AuxDb aux(path);
        // Everything later versions added goes, as if the file had never seen them.
        for (const char* table : {"baselines", "audit", "audit_head", "outbox", "responses", "suppressions"})
            QVERIFY(aux.exec(QStringLiteral("DROP TABLE %1").arg(QLatin1String(table))));
        QVERIFY(aux.exec(QStringLiteral("UPDATE schema_version SET version = 1")));
    }
    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), vigil::store::latestSchemaVersion());
    QCOMPARE(store.eventCount(), 2);
    QVERIFY(store.contains("old-a"));
    QCOMPARE(store.cursor(QStringLiteral("okta-poll"))->position, QStringLiteral("c1"));
    QVERIFY2(
        store.saveBaselines({{vigil::store::BaselineRecord::User, QStringLiteral("a@example.com"), "x", 5}}, &error),
        qPrintable(error));
    QCOMPARE(store.loadBaselines().size(), 1);
}

void TestSqliteEventStore::version4EventsLoseTheirForeignKeys()
{
    // A store at version 4 as that release wrote it: its events table still has REFERENCES clauses.
    const QString path = dbPath(QStringLiteral("upgrade-v4"));
    const QList<MigrationStep> steps = vigil::store::sqliteMigrationSteps();
    QVERIFY(steps.size() >= 5);
    const qint64 t0 = 1'700'000'000'000;
    const QByteArray uuidA = oktaUuid(t0, 0, 7);
    const QByteArray uuidB = oktaUuid(t0 + 1, 0, 7);
    const QByteArray rawA = "{\"uuid\":\"" + uuidA + "\",\"n\":1}";
    const QByteArray rawB = "{\"uuid\":\"" + uuidB + "\",\"n\":2}";
    {
        AuxDb aux(path);
        const auto result = vigil::store::migrateSchema(aux.db(), steps.mid(0, 4));
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.version, 4);
        QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_list('events')")).toInt(), 3);
        QVERIFY(aux.exec(QStringLiteral("INSERT INTO event_types(id, name) VALUES(1, 'user.session.start')")));
        QVERIFY(aux.exec(QStringLiteral("INSERT INTO actors(id, alternate_id) VALUES(1, 'ann@example.com')")));
        QVERIFY(aux.exec(QStringLiteral("INSERT INTO ips(id, ip) VALUES(1, '198.51.100.7')")));
        QSqlQuery block(aux.db());
        // One block holding both events, uncompressed (codec 0).
        QVERIFY(block.prepare(QStringLiteral("INSERT INTO raw_blocks(id, codec, raw_size, data) VALUES(1, 0, ?, ?)")));
        block.addBindValue(rawA.size() + rawB.size());
        block.addBindValue(rawA + rawB);
        QVERIFY2(block.exec(), qPrintable(block.lastError().text()));
        QSqlQuery row(aux.db());
        QVERIFY(row.prepare(QStringLiteral("INSERT INTO events(uuid_key, uuid, published, bucket, event_type_id,"
                                           " actor_id, ip_id, outcome, block_id, block_offset, raw_size)"
                                           " VALUES(?, ?, ?, ?, 1, 1, 1, 'SUCCESS', 1, ?, ?)")));
        for (const auto& [uuid, published, offset, size] :
             {std::tuple{uuidA, t0, qsizetype(0), rawA.size()}, std::tuple{uuidB, t0 + 1, rawA.size(), rawB.size()}}) {
            row.addBindValue(SqliteEventStore::uuidKey(sv(uuid)));
            row.addBindValue(QString::fromLatin1(uuid));
            row.addBindValue(published);
            row.addBindValue(SqliteEventStore::bucketOf(published));
            row.addBindValue(offset);
            row.addBindValue(size);
            QVERIFY2(row.exec(), qPrintable(row.lastError().text()));
        }
    }
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), vigil::store::latestSchemaVersion());
        QCOMPARE(store.eventCount(), 2);
        QCOMPARE(store.rawEvent(sv(uuidA)).value_or(QByteArray()), rawA);
        QCOMPARE(store.eventsForActor("ann@example.com", t0, t0 + 10, 10), (QList<QByteArray>{rawA, rawB}));
        // Dedupe still finds the old rows; new ones go after them.
        EventSpec again;
        again.uuid = uuidB;
        again.publishedMs = t0 + 1;
        EventSpec fresh;
        fresh.uuid = oktaUuid(t0 + 2, 0, 7);
        fresh.publishedMs = t0 + 2;
        const AppendResult r = store.appendBatch({makeEvent(again), makeEvent(fresh)});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.inserted, 1);
        QCOMPARE(r.duplicates, 1);
        QCOMPARE(store.eventsForActor("alice@example.com", t0, t0 + 10, 10).size(), 1);
    }
    AuxDb aux(path);
    QCOMPARE(aux.scalar(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_list('events')")).toInt(), 0);
    QCOMPARE(
        aux.scalar(QStringLiteral("SELECT group_concat(seq) FROM (SELECT seq FROM events ORDER BY seq)")).toString(),
        QStringLiteral("1,2,3"));
    QVERIFY(!aux.tableExists(QStringLiteral("events_v5")));
}

void TestSqliteEventStore::baselinesAreReplacedAndSurviveReopen()
{
    using vigil::store::BaselineRecord;
    const QString path = dbPath(QStringLiteral("baselines"));
    {
        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store.saveBaselines({{BaselineRecord::User, QStringLiteral("ann@example.com"), "first", 10},
                                     {BaselineRecord::Ip, QStringLiteral("203.0.113.9"), "ip", 10}},
                                    &error));
        // Newer replaces; an older record arriving late (a slower console) does not go back in time.
        QVERIFY(store.saveBaselines({{BaselineRecord::User, QStringLiteral("ann@example.com"), "second", 20}}, &error));
        QVERIFY(store.saveBaselines({{BaselineRecord::User, QStringLiteral("ann@example.com"), "stale", 15}}, &error));
        // The same key under another kind is another record.
        QVERIFY(store.saveBaselines({{BaselineRecord::Ip, QStringLiteral("ann@example.com"), "odd", 1}}, &error));
    }
    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QHash<QString, QByteArray> byKey;
    for (const BaselineRecord& r : store.loadBaselines())
        byKey.insert(QString::number(r.kind) + u'/' + r.key, r.data);
    QCOMPARE(byKey.size(), 3);
    QCOMPARE(byKey.value(QStringLiteral("1/ann@example.com")), QByteArray("second"));
    QCOMPARE(byKey.value(QStringLiteral("2/203.0.113.9")), QByteArray("ip"));
    QCOMPARE(byKey.value(QStringLiteral("2/ann@example.com")), QByteArray("odd"));
}

void TestSqliteEventStore::crashMidBatchKeepsWholeBatches()
{
    const QString path = dbPath(QStringLiteral("crash"));
    constexpr int kBatch = 100;
    const QString source = QStringLiteral("crash-writer");
    // Kill right after the 5th report, a little later, and much later.
    const int linesBeforeKill[] = {5, 8, 25};
    const int sleepBeforeKillMs[] = {0, 3, 1};

    qint64 previousCursor = 0;
    for (int round = 0; round < 3; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(VIGIL_STORE_CRASH_WRITER), {path, QString::number(kBatch)});
        QVERIFY2(writer.waitForStarted(10'000), qPrintable(writer.errorString()));

        qint64 firstReported = -1;
        qint64 lastReported = -1;
        int lines = 0;
        const auto consume = [&]() {
            while (writer.canReadLine()) {
                const QByteArray line = writer.readLine().trimmed();
                if (!line.startsWith("committed ")) return false;
                bool ok = false;
                const qint64 n = line.mid(10).toLongLong(&ok);
                if (!ok || (lastReported >= 0 && n != lastReported + 1)) return false;
                if (firstReported < 0) firstReported = n;
                lastReported = n;
                ++lines;
            }
            return true;
        };
        const QDeadlineTimer deadline(60'000);
        while (lines < linesBeforeKill[round] && !deadline.hasExpired() && writer.state() == QProcess::Running) {
            writer.waitForReadyRead(500);
            QVERIFY(consume());
        }
        QVERIFY2(lines >= linesBeforeKill[round], writer.readAllStandardError().constData());
        if (sleepBeforeKillMs[round] > 0) QThread::msleep(sleepBeforeKillMs[round]);
        writer.kill();
        QVERIFY(writer.waitForFinished(10'000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        QVERIFY(consume()); // reports that were printed before the kill but not read yet

        QCOMPARE(firstReported, previousCursor + 1); // it resumed right after its cursor

        SqliteEventStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const auto cursor = store.cursor(source);
        QVERIFY(cursor.has_value());
        bool ok = false;
        const qint64 committed = cursor->position.toLongLong(&ok);
        QVERIFY(ok);
        const qint64 count = store.eventCount();
        qInfo("round %d: killed after %d reports (last %lld); %lld events, cursor %lld", round, lines, lastReported,
              count, committed);
        QCOMPARE(count % kBatch, 0);
        QCOMPARE(count, committed * kBatch);
        QVERIFY(committed >= lastReported);
        QVERIFY(committed <= lastReported + 1); // at most one commit not yet reported
        for (int i : {0, kBatch / 2, kBatch - 1}) {
            const QByteArray uuid = "crash-" + QByteArray::number(committed) + '-' + QByteArray::number(i);
            const auto raw = store.rawEvent(sv(uuid));
            QVERIFY2(raw.has_value() && raw->contains(uuid), uuid.constData());
        }
        QVERIFY(!store.contains(sv("crash-" + QByteArray::number(committed + 1) + "-0")));
        previousCursor = committed;
    }
}

void TestSqliteEventStore::dataDirectory()
{
    using vigil::store::resolveDataDir;
    QString error;
    const QString nested = m_dir.filePath(QStringLiteral("data/a/b"));
    QCOMPARE(resolveDataDir(nested, &error), QDir::cleanPath(nested));
    QVERIFY(error.isEmpty());
    QVERIFY(QFileInfo(nested).isDir());
    // Existing directory: fine again.
    QCOMPARE(resolveDataDir(nested, &error), QDir::cleanPath(nested));

    const QString file = m_dir.filePath(QStringLiteral("plain-file"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    QVERIFY(resolveDataDir(file, &error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("plain-file")), qPrintable(error));
    QVERIFY(resolveDataDir(file + QStringLiteral("/below"), &error).isEmpty());
    QVERIFY(!error.isEmpty());

    const QString def = vigil::store::defaultDataDir();
    QVERIFY(!def.isEmpty());
    QCOMPARE(resolveDataDir(QString(), &error), QDir::cleanPath(def));
    QVERIFY(QFileInfo(def).isDir());
    QCOMPARE(SqliteEventStore::defaultFileName(), QStringLiteral("vigil.sqlite"));
}

void TestSqliteEventStore::throughputSanity()
{
    // Not a benchmark (bench_ingest is): a cheap print that makes a large slowdown visible in test logs.
    QFile file(QStringLiteral(VIGIL_TEST_DATA_DIR "/okta-peers/raw-events.ndjson"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    struct Template
    {
        QByteArray raw, uuid, actor, ip, type, outcome;
    };
    QList<Template> templates;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty()) continue;
        templates.append({line, o.value(u"uuid").toString().toUtf8(),
                          o.value(u"actor").toObject().value(u"alternateId").toString().toUtf8(),
                          o.value(u"client").toObject().value(u"ipAddress").toString().toUtf8(),
                          o.value(u"eventType").toString().toUtf8(),
                          o.value(u"outcome").toObject().value(u"result").toString().toUtf8()});
    }
    QVERIFY(!templates.isEmpty());

    constexpr int kBatches = 20;
    constexpr int kPerBatch = 1000;
    QList<QList<LogEvent>> batches;
    QRandomGenerator rng(7);
    quint64 nodes[8];
    for (quint64& node : nodes)
        node = rng.generate64();
    qint64 rawBytes = 0;
    for (int b = 0; b < kBatches; ++b) {
        QList<LogEvent> batch;
        batch.reserve(kPerBatch);
        for (int i = 0; i < kPerBatch; ++i) {
            const Template& t = templates.at((b * kPerBatch + i) % templates.size());
            // Three events a millisecond, from one of eight Okta nodes.
            const int n = b * kPerBatch + i;
            EventSpec spec;
            spec.publishedMs = 1'600'000'000'000 + n / 3;
            const QByteArray uuid = oktaUuid(spec.publishedMs, n % 3, nodes[n % 8]);
            spec.uuid = uuid;
            spec.actor = t.actor;
            spec.ip = t.ip;
            spec.eventType = t.type;
            spec.outcome = t.outcome;
            spec.raw = t.uuid.isEmpty() ? t.raw : QByteArray(t.raw).replace(t.uuid, uuid);
            rawBytes += spec.raw.size();
            batch.append(makeEvent(spec));
        }
        batches.append(batch);
    }

    const QString path = dbPath(QStringLiteral("throughput"));
    SqliteEventStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QElapsedTimer timer;
    timer.start();
    for (const QList<LogEvent>& batch : batches) {
        const AppendResult r = store.appendBatch(batch);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.inserted, kPerBatch);
    }
    const qint64 ns = std::max<qint64>(timer.nsecsElapsed(), 1);
    qInfo("stored %d events (%.1f MB raw) in %.1f ms: %.0f events/s; %.1f MB on disk", kBatches * kPerBatch,
          double(rawBytes) / 1e6, double(ns) / 1e6, double(kBatches * kPerBatch) * 1e9 / double(ns),
          double(store.sizeOnDisk()) / 1e6);
    QCOMPARE(store.eventCount(), qint64(kBatches) * kPerBatch);
}

QTEST_GUILESS_MAIN(TestSqliteEventStore)
#include "TestSqliteEventStore.moc"

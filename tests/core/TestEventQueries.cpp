// SPDX-License-Identifier: GPL-3.0-or-later
// The event stream's queries: the filter language, counts, pages by row (newest first) over keyset page starts,
// growth, gaps, and the access paths SQLite is given. Everything about stored events runs the same assertions on the
// embedded SQLite store and on team mode's PostgreSQL store (a private cluster; skipped only without PostgreSQL).
#include "core/store/EventQueries.h"
#include "core/store/SqliteEventStore.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

#include "support/EventStoreFixture.h"
#include "support/StoreBackends.h"
#include "support/TestSupport.h"

using namespace vigil;
using store::EventFilter;
using store::EventIndex;
using store::EventQueries;
using Predicate = std::function<bool(const test::StoredEvent&)>;
using test::StoreBackends;

namespace {

constexpr qint64 kNow = 1764000000000;   // fixed "now" for relative times
constexpr qint64 kStart = 1764000000000; // the generator's first timestamp
constexpr qint64 kBurstGapMs = 6 * 3600 * 1000;

} // namespace

class TestEventQueries : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void parse_data();
    void parse();
    void parseTimes();
    void counts_data();
    void counts();
    void pagesByRow_data() { StoreBackends::addRows(); }
    void pagesByRow();
    void newestKeyset_data() { StoreBackends::addRows(); }
    void newestKeyset();
    void growth_data() { StoreBackends::addRows(); }
    void growth();
    void gapsAreNotAssumedAway_data() { StoreBackends::addRows(); }
    void gapsAreNotAssumedAway();
    void accessPaths();
    // PostgreSQL only.
    void postgresPlans();
    void lateCommitsBehindTheIndex();
    void corpusEvents_data() { StoreBackends::addRows(); }
    void corpusEvents();

private:
    // Newest first, as the stream shows them.
    QList<test::StoredEvent> expected(const QString& backend, const Predicate& match) const
    {
        QList<test::StoredEvent> out;
        const QList<test::StoredEvent> stored = m_stored.value(backend);
        for (auto it = stored.crbegin(); it != stored.crend(); ++it) {
            if (match(*it)) out.append(*it);
        }
        return out;
    }
    void checkRows(const store::EventStore& store,
                   const EventIndex& index,
                   const QList<test::StoredEvent>& want,
                   const QList<qint64>& rows);

    StoreBackends m_backends;
    // The same five bursts in each backend's store, keyed by backend.
    QHash<QString, std::shared_ptr<store::EventStore>> m_stores;
    QHash<QString, QList<test::StoredEvent>> m_stored;
};

void TestEventQueries::initTestCase()
{
    QVERIFY2(m_backends.start(), qPrintable(m_backends.error()));
    for (const QString& backend :
         {QString::fromLatin1(StoreBackends::kSqlite), QString::fromLatin1(StoreBackends::kPostgres)}) {
        QString skip;
        if (!m_backends.available(backend, &skip)) continue;
        std::shared_ptr<store::EventStore> db = m_backends.create(backend);
        QVERIFY(db);
        QString error;
        // Five bursts six hours apart: a day of buckets, so that time windows can cover a small part of the store.
        for (int burst = 0; burst < 5; ++burst) {
            test::SyntheticEventGenerator generator(40, 7 + burst, kStart + burst * kBurstGapMs);
            QVERIFY2(test::appendNdjson(*db, generator.ndjson(1000), &m_stored[backend], &error, 700),
                     qPrintable(error));
        }
        QCOMPARE(m_stored[backend].size(), 5000);
        m_stores.insert(backend, db);
    }
}

void TestEventQueries::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("clauses");
    QTest::addColumn<QString>("errorPart"); // empty: valid

    QTest::newRow("empty") << QString() << 0 << QString();
    QTest::newRow("user") << u"user:alice"_qs << 1 << QString();
    QTest::newRow("two terms") << u"type:user.session outcome:failure"_qs << 2 << QString();
    QTest::newRow("negated") << u"-user:bob !ip:10.0.0.1 user:!carol"_qs << 3 << QString();
    QTest::newRow("list") << u"user:alice,bob"_qs << 1 << QString();
    QTest::newRow("range") << u"ip:10.0.0.0/8"_qs << 1 << QString();
    QTest::newRow("quoted text") << u"\"user login\" sso"_qs << 2 << QString();
    QTest::newRow("aliases") << u"actor:a event:user result:success after:1h before:10m"_qs << 5 << QString();
    QTest::newRow("unknown field") << u"usr:bob"_qs << 0 << u"unknown field 'usr' at 1; try user:"_qs;
    QTest::newRow("no value") << u"type:"_qs << 0 << u"needs a value"_qs;
    QTest::newRow("empty list item") << u"user:a,,b"_qs << 0 << u"empty value in the list at 8"_qs;
    QTest::newRow("bad range") << u"ip:10.0.0.0/99"_qs << 0 << u"not an address range"_qs;
    QTest::newRow("bad time") << u"since:soon"_qs << 0 << u"'soon' at 7 is not a time"_qs;
    QTest::newRow("negated time") << u"-since:2h"_qs << 0 << u"cannot be excluded"_qs;
    QTest::newRow("time list") << u"since:1h,2h"_qs << 0 << u"takes one time"_qs;
    QTest::newRow("empty window") << u"since:1h until:2h"_qs << 0 << u"since: is not before until:"_qs;
    QTest::newRow("open quote") << u"user:\"bob"_qs << 0 << u"not closed"_qs;
    QTest::newRow("lone minus") << u"- user:bob"_qs << 0 << u"needs something to exclude"_qs;
}

void TestEventQueries::parse()
{
    QFETCH(QString, text);
    QFETCH(int, clauses);
    QFETCH(QString, errorPart);
    const EventFilter filter = EventFilter::parse(text, kNow);
    if (errorPart.isEmpty()) {
        QVERIFY2(filter.isValid(), qPrintable(filter.errorString()));
        QCOMPARE(filter.clauses().size(), clauses);
    } else {
        QVERIFY(!filter.isValid());
        QVERIFY(filter.clauses().isEmpty());
        QVERIFY2(filter.errorString().contains(errorPart), qPrintable(filter.errorString()));
        QVERIFY(filter.error().position >= 0);
        // Invalid filters are never run.
        QString error;
        EventIndex index;
        QVERIFY(!EventQueries(*m_stores.value(QString::fromLatin1(StoreBackends::kSqlite)))
                     .buildIndex(filter, &index, &error));
        QCOMPARE(error, filter.errorString());
    }
}

void TestEventQueries::parseTimes()
{
    auto timeOf = [](const QString& text) {
        const EventFilter f = EventFilter::parse(text, kNow);
        return f.isValid() && f.clauses().size() == 1 ? f.clauses().first().timeMs : -1;
    };
    QCOMPARE(timeOf(u"since:2h"_qs), kNow - 2 * 3600 * 1000);
    QCOMPARE(timeOf(u"since:90s"_qs), kNow - 90 * 1000);
    QCOMPARE(timeOf(u"since:7d"_qs), kNow - 7 * 86400 * 1000);
    QCOMPARE(timeOf(u"until:2026-05-01T11:30:00Z"_qs),
             QDateTime(QDate(2026, 5, 1), QTime(11, 30), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(timeOf(u"until:2026-05-01T13:30:00+02:00"_qs),
             QDateTime(QDate(2026, 5, 1), QTime(11, 30), Qt::UTC).toMSecsSinceEpoch());
    // Without a zone: local time, as the table shows times.
    QCOMPARE(timeOf(u"since:2026-05-01"_qs), QDate(2026, 5, 1).startOfDay().toMSecsSinceEpoch());
    QCOMPARE(timeOf(u"since:\"2026-05-01 13:30\""_qs), QDateTime(QDate(2026, 5, 1), QTime(13, 30)).toMSecsSinceEpoch());
    QCOMPARE(timeOf(u"since:today"_qs), QDateTime::fromMSecsSinceEpoch(kNow).date().startOfDay().toMSecsSinceEpoch());
}

void TestEventQueries::counts_data()
{
    StoreBackends::addColumn();
    QTest::addColumn<QString>("text");
    QTest::addColumn<Predicate>("match");
    struct Case
    {
        QString name;
        QString text;
        Predicate match;
    };
    QList<Case> cases;
    // Rows as newRow(name) << text << match, once per backend.
    struct Rows
    {
        QList<Case>& cases;
        QString name;
        QString text;
        Rows& operator<<(const QString& t)
        {
            text = t;
            return *this;
        }
        Rows& operator<<(const Predicate& p)
        {
            cases.append({name, text, p});
            return *this;
        }
    };
    const auto newRow = [&](const char* name) { return Rows{cases, QString::fromLatin1(name), {}}; };
    auto has = [](const QString& s, const QString& part) { return s.contains(part, Qt::CaseInsensitive); };
    const qint64 mid = kStart + 2 * kBurstGapMs + 100 * 1000; // inside the third burst

    newRow("all") << QString() << Predicate([](const auto&) { return true; });
    newRow("user") << u"user:USER7@"_qs << Predicate([=](const auto& e) { return has(e.actor, u"user7@"_qs); });
    newRow("user list") << u"user:user7@,user12@"_qs << Predicate([=](const auto& e) {
        return has(e.actor, u"user7@"_qs) || has(e.actor, u"user12@"_qs);
    });
    newRow("many users") << u"user:corp.example"_qs << Predicate([](const auto&) { return true; });
    newRow("no such user") << u"user:nobody"_qs << Predicate([](const auto&) { return false; });
    newRow("type prefix") << u"type:user.session"_qs
                          << Predicate([](const auto& e) { return e.type.startsWith(u"user.session"); });
    newRow("type is a prefix, not a part")
        << u"type:session"_qs << Predicate([](const auto& e) { return e.type.startsWith(u"session"); });
    newRow("not type") << u"-type:user.session"_qs
                       << Predicate([](const auto& e) { return !e.type.startsWith(u"user.session"); });
    newRow("outcome") << u"outcome:failure"_qs << Predicate([](const auto& e) { return e.outcome == u"FAILURE"; });
    newRow("outcome alias") << u"outcome:fail"_qs << Predicate([](const auto& e) { return e.outcome == u"FAILURE"; });
    newRow("ip prefix") << u"ip:198.51.100."_qs
                        << Predicate([](const auto& e) { return e.ip.startsWith(u"198.51.100."); });
    newRow("ip range") << u"ip:81.2.69.0/24"_qs
                       << Predicate([](const auto& e) { return e.ip.startsWith(u"81.2.69."); });
    newRow("user and type") << u"user:user3 type:user.authentication"_qs << Predicate([=](const auto& e) {
        return has(e.actor, u"user3"_qs) && e.type.startsWith(u"user.authentication");
    });
    newRow("user but not outcome") << u"user:user1 outcome:!success"_qs << Predicate([=](const auto& e) {
        return has(e.actor, u"user1"_qs) && e.outcome != u"SUCCESS";
    });
    newRow("text") << u"sso"_qs << Predicate([=](const auto& e) {
        return has(e.type, u"sso"_qs) || has(e.actor, u"sso"_qs) || has(e.ip, u"sso"_qs) || has(e.outcome, u"sso"_qs);
    });
    newRow("text outcome") << u"allow"_qs << Predicate([](const auto& e) { return e.outcome == u"ALLOW"; });
    newRow("since") << u"since:%1"_qs.arg(QDateTime::fromMSecsSinceEpoch(mid, Qt::UTC).toString(Qt::ISODateWithMs))
                    << Predicate([=](const auto& e) { return e.publishedMs >= mid; });
    newRow("window and user") << u"user:user5 since:%1 until:%2"_qs.arg(
        QDateTime::fromMSecsSinceEpoch(kStart + 100000, Qt::UTC).toString(Qt::ISODateWithMs),
        QDateTime::fromMSecsSinceEpoch(mid, Qt::UTC).toString(Qt::ISODateWithMs))
                              << Predicate([=](const auto& e) {
                                     return has(e.actor, u"user5"_qs) && e.publishedMs >= kStart + 100000
                                            && e.publishedMs < mid;
                                 });
    for (const char* backend : {StoreBackends::kSqlite, StoreBackends::kPostgres}) {
        for (const Case& c : std::as_const(cases)) {
            QTest::addRow("%s/%s", backend, qPrintable(c.name)) << QString::fromLatin1(backend) << c.text << c.match;
        }
    }
}

void TestEventQueries::counts()
{
    VIGIL_FETCH_BACKEND(m_backends, backend);
    QFETCH(QString, text);
    QFETCH(Predicate, match);
    const EventFilter filter = EventFilter::parse(text, kNow);
    QVERIFY2(filter.isValid(), qPrintable(filter.errorString()));
    const QList<test::StoredEvent> want = expected(backend, match);
    QString error;
    const store::EventStore& db = *m_stores.value(backend);
    const EventQueries queries(db);
    QCOMPARE(queries.count(filter, &error), qint64(want.size()));
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // Every row of the index is the right event, newest first, across page boundaries (pages of 64 here).
    EventIndex index;
    QVERIFY2(queries.buildIndex(filter, &index, &error, 64), qPrintable(error));
    QCOMPARE(index.count, qint64(want.size()));
    for (qint64 row = 0; row < index.count; row += 64) {
        // Walking rows in steps of a page from the top crosses pages at different slots when count % 64 != 0.
        const int page = index.pageOfRow(row);
        const QList<store::EventRow> rows = queries.page(index, page, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), index.rowsInPage(page));
    }
    QList<qint64> sample;
    for (qint64 row = 0; row < index.count; row += std::max<qint64>(1, index.count / 97))
        sample.append(row);
    if (index.count > 0) sample.append(index.count - 1);
    checkRows(db, index, want, sample);
}

void TestEventQueries::checkRows(const store::EventStore& store,
                                 const EventIndex& index,
                                 const QList<test::StoredEvent>& want,
                                 const QList<qint64>& rows)
{
    const EventQueries queries(store);
    QHash<int, QList<store::EventRow>> pages;
    for (const qint64 row : rows) {
        const int page = index.pageOfRow(row);
        if (!pages.contains(page)) {
            QString error;
            pages.insert(page, queries.page(index, page, &error));
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        const QList<store::EventRow>& got = pages.value(page);
        const int slot = index.slotOfRow(row);
        QVERIFY2(slot < got.size(), qPrintable(u"row %1: slot %2 of %3"_qs.arg(row).arg(slot).arg(got.size())));
        const store::EventRow& r = got.at(slot);
        const test::StoredEvent& w = want.at(row);
        QCOMPARE(r.uuid, w.uuid);
        QCOMPARE(r.eventType, w.type);
        QCOMPARE(r.actor, w.actor);
        QCOMPARE(r.ip, w.ip);
        QCOMPARE(r.outcome, w.outcome);
        QCOMPARE(r.publishedMs, w.publishedMs);
    }
}

void TestEventQueries::pagesByRow()
{
    // The unfiltered store is gap-free: no pass over the rows, pages straight from seq ranges.
    VIGIL_FETCH_BACKEND(m_backends, backend);
    const store::EventStore& db = *m_stores.value(backend);
    const EventQueries queries(db);
    EventIndex index;
    QString error;
    QVERIFY2(queries.buildIndex(EventFilter(), &index, &error), qPrintable(error));
    QVERIFY(index.contiguous);
    QCOMPARE(index.count, qint64(m_stored.value(backend).size()));
    QCOMPARE(index.pageSize, 256);
    // Row 1000 of 5000 is the 1001st newest event.
    const QList<test::StoredEvent> all = expected(backend, [](const auto&) { return true; });
    checkRows(db, index, all, {0, 1, 255, 256, 999, 1000, 1001, 4743, 4744, 4999});
    QCOMPARE(index.rowsInPage(index.pageCount() - 1), 5000 % 256);
    QCOMPARE(index.rowsInPage(0), 256);
    QCOMPARE(index.rowsInPage(index.pageCount()), 0);
}

void TestEventQueries::newestKeyset()
{
    VIGIL_FETCH_BACKEND(m_backends, backend);
    const EventQueries queries(*m_stores.value(backend));
    const EventFilter filter = EventFilter::parse(u"type:user.session"_qs, kNow);
    const QList<test::StoredEvent> want =
        expected(backend, [](const auto& e) { return e.type.startsWith(u"user.session"); });
    QString error;
    const QList<store::EventRow> first = queries.newest(filter, 10, std::numeric_limits<qint64>::max(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(first.size(), 10);
    const QList<store::EventRow> second = queries.newest(filter, 10, first.last().seq, &error);
    QCOMPARE(second.size(), 10);
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(first.at(i).uuid, want.at(i).uuid);
        QCOMPARE(second.at(i).uuid, want.at(10 + i).uuid);
    }
}

void TestEventQueries::growth()
{
    VIGIL_FETCH_BACKEND(m_backends, backend);
    store::EventStore& db = *m_stores.value(backend);
    QList<test::StoredEvent>& stored = m_stored[backend];
    const EventQueries queries(db);
    const EventFilter all;
    const EventFilter user = EventFilter::parse(u"user:user9@"_qs, kNow);
    EventIndex allIndex;
    EventIndex userIndex;
    QString error;
    QVERIFY(queries.buildIndex(all, &allIndex, &error, 100));
    QVERIFY(queries.buildIndex(user, &userIndex, &error, 7));
    const qint64 allBefore = allIndex.count;
    const qint64 userBefore = userIndex.count;

    // Later events, including a user the dictionary did not have when the index was built.
    test::SyntheticEventGenerator generator(60, 8, kStart + 5 * kBurstGapMs);
    const qsizetype storedBefore = stored.size();
    QVERIFY2(test::appendNdjson(db, generator.ndjson(900), &stored, &error, 300), qPrintable(error));
    const auto isUser9 = [](const test::StoredEvent& e) { return e.actor == u"user9@corp.example"; };
    const qint64 newForUser = std::count_if(stored.cbegin() + storedBefore, stored.cend(), isUser9);
    QVERIFY(newForUser > 0);

    qint64 added = 0;
    QVERIFY2(queries.extendIndex(&allIndex, &added, &error), qPrintable(error));
    QCOMPARE(added, qint64(900));
    QVERIFY(allIndex.contiguous);
    QCOMPARE(allIndex.count, allBefore + 900);
    QVERIFY2(queries.extendIndex(&userIndex, &added, &error), qPrintable(error));
    QCOMPARE(added, newForUser);
    QCOMPARE(userIndex.count, userBefore + newForUser);
    // Nothing new: nothing added.
    QVERIFY(queries.extendIndex(&userIndex, &added, &error));
    QCOMPARE(added, qint64(0));

    QCOMPARE(allIndex.rebuilds, 0);
    QCOMPARE(userIndex.rebuilds, 0);
    const QList<test::StoredEvent> allWant = expected(backend, [](const auto&) { return true; });
    checkRows(db, allIndex, allWant, {0, 899, 900, 901, allIndex.count - 1});
    const QList<test::StoredEvent> userWant = expected(backend, isUser9);
    QList<qint64> rows;
    for (qint64 r = 0; r < userIndex.count; ++r)
        rows.append(r);
    checkRows(db, userIndex, userWant, rows);

    // A user seen for the first time after the index was built (users 40–59 only exist in the new events).
    const EventFilter newUser = EventFilter::parse(u"user:user55@"_qs, kNow);
    EventIndex newUserIndex;
    QVERIFY(queries.buildIndex(newUser, &newUserIndex, &error));
    QVERIFY(newUserIndex.count > 0);
}

void TestEventQueries::gapsAreNotAssumedAway()
{
    // A copy of the store with rows deleted in the middle: seq has gaps, and the index must not pretend otherwise.
    VIGIL_FETCH_BACKEND(m_backends, backend);
    const std::unique_ptr<store::EventStore> gappyStore = m_backends.create(backend);
    QVERIFY(gappyStore);
    store::EventStore& gappy = *gappyStore;
    QString error;
    QList<test::StoredEvent> stored;
    test::SyntheticEventGenerator generator(30, 9, kStart);
    QVERIFY(test::appendNdjson(gappy, generator.ndjson(1200), &stored, &error));
    QSqlQuery q(gappy.database());
    QVERIFY(q.exec(QStringLiteral("DELETE FROM events WHERE seq % 7 = 3 OR seq BETWEEN 400 AND 450")));
    QList<test::StoredEvent> left;
    for (qsizetype i = 0; i < stored.size(); ++i) {
        const qint64 seq = i + 1;
        if (seq % 7 != 3 && (seq < 400 || seq > 450)) left.append(stored.at(i));
    }
    std::reverse(left.begin(), left.end());

    const EventQueries queries(gappy);
    EventIndex index;
    QVERIFY2(queries.buildIndex(EventFilter(), &index, &error, 50), qPrintable(error));
    QVERIFY(!index.contiguous);
    QCOMPARE(index.count, qint64(left.size()));
    for (qint64 row = 0; row < index.count; ++row) {
        const QList<store::EventRow> rows = queries.page(index, index.pageOfRow(row), &error);
        QCOMPARE(rows.at(index.slotOfRow(row)).uuid, left.at(row).uuid);
    }
}

void TestEventQueries::accessPaths()
{
    // SQLite's plans; PostgreSQL's planner chooses its own (postgresPlans).
    const QString backend = QString::fromLatin1(StoreBackends::kSqlite);
    const store::EventStore& db = *m_stores.value(backend);
    const EventQueries queries(db);
    QString error;
    auto plan = [&](const QString& text, QString* path) {
        EventIndex index;
        if (!queries.buildIndex(EventFilter::parse(text, kNow), &index, &error)) return QString();
        *path = index.compiled.accessPath;
        return queries.explain(index).join(u'\n');
    };
    QString path;
    // One user among thousands of events: seeks in the (bucket, actor) index, no pass over the table.
    QString p = plan(u"user:user7@"_qs, &path);
    QCOMPARE(path, u"actor index"_qs);
    QVERIFY2(p.contains(u"INDEX events_bucket_actor (bucket=? AND actor_id=?)"), qPrintable(p));
    QVERIFY2(!p.contains(u"SCAN e"), qPrintable(p));
    p = plan(u"ip:81.2.69.36"_qs, &path);
    QCOMPARE(path, u"ip index"_qs);
    QVERIFY2(p.contains(u"events_bucket_ip (bucket=? AND ip_id=?)"), qPrintable(p));
    // The unfiltered stream reads pages by seq range.
    p = plan(QString(), &path);
    QVERIFY2(p.contains(u"USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"), qPrintable(p));
    // Anything else reads the table in seq order, with no sort.
    p = plan(u"type:user.session"_qs, &path);
    QCOMPARE(path, u"seq"_qs);
    QVERIFY2(!p.contains(u"TEMP B-TREE"), qPrintable(p));
    // A window over a small part of the store reads its buckets only.
    const QString since = QDateTime::fromMSecsSinceEpoch(kStart + 5 * kBurstGapMs, Qt::UTC).toString(Qt::ISODate);
    p = plan(u"since:%1"_qs.arg(since), &path);
    QCOMPARE(path, u"time range"_qs);
    QVERIFY2(p.contains(u"(bucket>? AND bucket<?)"), qPrintable(p));
    // …and finds what a pass over everything finds, pages included.
    const EventFilter window = EventFilter::parse(u"since:%1"_qs.arg(since), kNow);
    const QList<test::StoredEvent> want =
        expected(backend, [](const auto& e) { return e.publishedMs >= kStart + 5 * kBurstGapMs; });
    QVERIFY(!want.isEmpty());
    EventIndex index;
    QVERIFY(queries.buildIndex(window, &index, &error, 100));
    QCOMPARE(index.count, qint64(want.size()));
    checkRows(db, index, want, {0, 99, 100, 101, index.count - 1});
}

void TestEventQueries::postgresPlans()
{
    VIGIL_REQUIRE_POSTGRES(m_backends);
    const store::EventStore& db = *m_stores.value(QString::fromLatin1(StoreBackends::kPostgres));
    const EventQueries queries(db);
    for (const QString& text :
         {QString(), u"user:user7@"_qs, u"ip:81.2.69.0/24"_qs, u"type:user.session -user:bob"_qs}) {
        EventIndex index;
        QString error;
        QVERIFY2(queries.buildIndex(EventFilter::parse(text, kNow), &index, &error), qPrintable(error));
        QCOMPARE(index.compiled.accessPath, u"planner"_qs);
        QVERIFY(!index.compiled.where.contains(u"INDEXED BY"));
        const QStringList plan = queries.explain(index);
        QVERIFY2(!plan.isEmpty(), qPrintable(text));
        QVERIFY2(plan.join(u'\n').contains(u"Scan"), qPrintable(plan.join(u'\n')));
        QVERIFY2(!plan.join(u'\n').contains(u"ERROR"), qPrintable(plan.join(u'\n')));
    }
}

void TestEventQueries::lateCommitsBehindTheIndex()
{
    // Two consoles storing at once: one transaction takes seq 101 and commits after another has committed 102–151.
    // An index built in between has passed 101; extending it must notice and start over rather than miss the event.
    VIGIL_REQUIRE_POSTGRES(m_backends);
    pipeline::StoreSource source;
    const std::unique_ptr<store::EventStore> db =
        m_backends.create(QString::fromLatin1(StoreBackends::kPostgres), &source);
    QVERIFY(db);
    QString error;
    QList<test::StoredEvent> stored;
    test::SyntheticEventGenerator first(20, 3, kStart);
    QVERIFY2(test::appendNdjson(*db, first.ndjson(100), &stored, &error), qPrintable(error));
    {
        QSqlDatabase late = source.team->connect(u"late-writer"_qs, u"vigil-test"_qs, &error);
        QVERIFY2(late.isOpen(), qPrintable(error));
        QVERIFY(late.transaction());
        QSqlQuery insert(late);
        QVERIFY2(insert.exec(u"INSERT INTO events(uuid, published, bucket, outcome, block_id, block_offset, raw_size)"
                             " VALUES('late-1', %1, %2, 'SUCCESS', 0, 0, 0)"_qs.arg(kStart)
                                 .arg(store::SqliteEventStore::bucketOf(kStart))),
                 qPrintable(insert.lastError().text()));
        test::SyntheticEventGenerator second(20, 4, kStart + 3600000);
        QVERIFY2(test::appendNdjson(*db, second.ndjson(50), &stored, &error), qPrintable(error));

        const EventQueries queries(*db);
        EventIndex all;
        EventIndex outcome;
        QVERIFY2(queries.buildIndex(EventFilter(), &all, &error, 16), qPrintable(error));
        QVERIFY2(queries.buildIndex(EventFilter::parse(u"outcome:success"_qs, kNow), &outcome, &error, 16),
                 qPrintable(error));
        QCOMPARE(all.count, qint64(150));
        QVERIFY(!all.contiguous); // 101 is missing as far as this snapshot knows
        const qint64 successes = outcome.count;
        QVERIFY(late.commit());

        qint64 added = 0;
        QVERIFY2(queries.extendIndex(&all, &added, &error), qPrintable(error));
        QCOMPARE(all.rebuilds, 1);
        QCOMPARE(all.count, qint64(151));
        QVERIFY2(queries.extendIndex(&outcome, &added, &error), qPrintable(error));
        QCOMPARE(outcome.rebuilds, 1);
        QCOMPARE(outcome.count, successes + 1);
        // The late event is where its seq puts it: after the first hundred, 50 rows below the newest.
        const QList<store::EventRow> rows = queries.page(all, all.pageOfRow(50), &error);
        QCOMPARE(rows.at(all.slotOfRow(50)).uuid, u"late-1"_qs);
        // Nothing new since: no second rebuild.
        QVERIFY(queries.extendIndex(&all, &added, &error));
        QCOMPARE(all.rebuilds, 1);
        QCOMPARE(added, qint64(0));
    }
    QSqlDatabase::removeDatabase(u"late-writer"_qs);
}

void TestEventQueries::corpusEvents()
{
    // Real public Okta events (varied shapes: no actor, IPv6, odd outcomes) go through the same queries.
    VIGIL_FETCH_BACKEND(m_backends, backend);
    const std::unique_ptr<store::EventStore> corpus = m_backends.create(backend);
    QVERIFY(corpus);
    store::EventStore& corpusStore = *corpus;
    QString error;
    QList<test::StoredEvent> stored;
    const QByteArray input = test::readFileOrFail(test::dataPath(QStringLiteral("okta-peers/raw-events.ndjson")));
    QVERIFY(test::appendNdjson(corpusStore, input, &stored, &error));
    QVERIFY2(stored.size() > 20, qPrintable(QString::number(stored.size())));
    const EventQueries queries(corpusStore);
    QCOMPARE(queries.count(EventFilter()), qint64(stored.size()));
    for (const QString& text :
         {u"type:user.session"_qs, u"outcome:success"_qs, u"-user:elastic"_qs, u"type:policy"_qs}) {
        const EventFilter filter = EventFilter::parse(text, kNow);
        const QString field = text.section(u':', 0, 0);
        const QString value = text.section(u':', 1);
        qint64 want = 0;
        for (const test::StoredEvent& e : std::as_const(stored)) {
            if (field == u"type")
                want += e.type.startsWith(value);
            else if (field == u"outcome")
                want += e.outcome.compare(value, Qt::CaseInsensitive) == 0;
            else
                want += !e.actor.contains(u"elastic"_qs, Qt::CaseInsensitive);
        }
        QCOMPARE(queries.count(filter), want);
    }
    // The stored raw JSON is what was read.
    const EventIndex index = [&] {
        EventIndex i;
        queries.buildIndex(EventFilter(), &i, &error);
        return i;
    }();
    const QList<store::EventRow> top = queries.page(index, index.pageOfRow(0), &error);
    QVERIFY(!top.isEmpty());
    QCOMPARE(top.constLast().uuid, stored.constLast().uuid);
}

QTEST_GUILESS_MAIN(TestEventQueries)
#include "TestEventQueries.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <limits>

namespace vigil::store {

class EventStore;

// One row of the console's event stream: what the table shows, plus the uuid to fetch the raw JSON with.
struct EventRow
{
    qint64 seq = 0; // arrival order in the store (events.seq)
    QString uuid;
    qint64 publishedMs = 0; // UTC
    QString eventType;
    QString actor; // actor.alternateId
    QString ip;    // client.ipAddress
    QString outcome;
};

// The event stream's filter language, parsed once into terms that are all required (AND). It follows the alert
// queue's filter bar (negation, lists, quotes, errors with their position) with the fields the store can answer:
//
//   user:alice            the actor's alternateId contains "alice" (any case)
//   type:user.session     the event type starts with it: user.session.start, user.session.end
//   ip:185.220.           an address prefix, or a range such as ip:10.0.0.0/8
//   outcome:failure       the outcome result, any case: success, failure, allow, deny, challenge…
//   since:2h  until:…     published at or after / before: a span back from now (90s, 15m, 2h, 7d, 2w), today,
//                         yesterday, a date (2026-05-01, local midnight), a local time (2026-05-01T13:30) or an
//                         ISO 8601 time with its zone (2026-05-01T11:30:00Z)
//   text                  the event type, user or IP contains it, or the outcome does
//
//   -term or !term excludes (not since/until); user:!bob too; user:alice,bob is either; "a b" quotes.
class EventFilter
{
    Q_DECLARE_TR_FUNCTIONS(EventFilter)

public:
    struct Error
    {
        int position = -1; // 0-based index into the text
        int length = 0;
        QString message; // translated, with the 1-based position in it
    };
    enum class Field
    {
        Text,
        User,
        Type,
        Ip,
        Outcome,
        Since,
        Until,
    };
    struct Clause
    {
        Field field = Field::Text;
        bool negate = false;
        QStringList values; // as typed (quotes removed); any of them matches
        qint64 timeMs = 0;  // Since, Until: the instant, UTC ms
    };

    // The empty filter: valid, matches every event.
    EventFilter() = default;
    // `nowMs` anchors relative times (since:2h); tests pass a fixed one.
    static EventFilter parse(const QString& text, qint64 nowMs);
    static EventFilter parse(const QString& text);

    QString text() const { return m_text; }
    bool isValid() const { return m_error.position < 0; }
    bool isEmpty() const { return isValid() && m_clauses.isEmpty(); }
    const Error& error() const { return m_error; }
    QString errorString() const { return m_error.message; }
    const QList<Clause>& clauses() const { return m_clauses; }

    static QStringList fieldNames(); // "user", "type", …

private:
    QString m_text;
    QList<Clause> m_clauses;
    Error m_error;

    friend class EventFilterParser;
};

// A filter made concrete against one store connection: dictionary terms (user, type, IP) resolved to id lists
// first, so the per-row test is integer compares, and the access path chosen (see EventQueries.cpp). Plain data:
// built on the reader thread and carried in an EventIndex to the UI thread and back with page requests.
struct CompiledEventFilter
{
    bool matchesNothing = false;
    QString with;  // a leading WITH clause, or empty
    QString from;  // FROM … (table alias e)
    QString where; // a boolean SQL expression over e, never empty
    // The counting pass over a narrow since:/until: window reads the window's buckets through an index; pages
    // read on in seq order from their start (the window's rows are close together in seq), so no sort.
    QString countFrom;  // replaces `from` in the counting pass when set
    QString countWhere; // ANDed to `where` in the counting pass when set
    QString accessPath; // "seq", "actor index", "ip index", "time range" (SQLite) or "planner" (PostgreSQL)
};

// Where the matching events are, for random access by row with keyset paging. Position 0 is the OLDEST matching
// event, so events stored later only add positions at the end and the pages already fetched stay valid; the
// stream's row 0 (the newest) is position count - 1. Page p holds positions [p * pageSize, (p + 1) * pageSize).
struct EventIndex
{
    static constexpr int kDefaultPageSize = 256;

    EventFilter filter;
    CompiledEventFilter compiled;
    int pageSize = kDefaultPageSize;
    qint64 count = 0;   // matching events with seq <= lastSeq
    qint64 lastSeq = 0; // the newest seq looked at (matching or not); later events are not in this index
    // Every seq in [firstSeq, lastSeq] matches: the unfiltered store without deleted rows. Checked, not assumed.
    bool contiguous = false;
    qint64 firstSeq = 0;
    QList<qint64> pageStarts; // otherwise: the seq at position p * pageSize, for each page p
    // PostgreSQL, where several consoles store at once and a transaction can commit after one that took later seqs:
    // how many events had a seq in (settleFrom, lastSeq] when the index was last brought up to date. extendIndex()
    // counts them again and starts over (rebuilds + 1: positions moved) when some arrived behind lastSeq since.
    qint64 settleFrom = 0;
    qint64 settleCount = -1; // -1: not tracked (SQLite has one writer at a time, committing in seq order)
    int rebuilds = 0;

    int pageCount() const { return int((count + pageSize - 1) / pageSize); }
    // The stream's row (0 = newest) as a page and a slot in that page's rows (which are oldest first).
    int pageOfRow(qint64 row) const { return int((count - 1 - row) / pageSize); }
    int slotOfRow(qint64 row) const { return int((count - 1 - row) % pageSize); }
    // Rows page p holds: pageSize except for the newest page.
    int rowsInPage(int page) const;
};

// The console's SQL over the store's own connection (EventStore::database()), on the thread that owns it: the
// StoreReader's thread in the console. The same statements run on the embedded SQLite store and on team mode's
// PostgreSQL one (core/store/SqlDialect.h for where they differ). Tables: core/store/SqliteMigrations.cpp and
// PostgresMigrations.cpp.
class EventQueries
{
    Q_DECLARE_TR_FUNCTIONS(EventQueries)

public:
    explicit EventQueries(const EventStore& store);

    // The filter made concrete for the store as it is now. False with `error` when the store cannot be read.
    bool compile(const EventFilter& filter, CompiledEventFilter* out, QString* error) const;

    // Counts the matching events and records where each page starts: one pass over the matches (none for the
    // unfiltered store without gaps). False with `error` when the filter is invalid or the store cannot be read.
    bool buildIndex(const EventFilter& filter,
                    EventIndex* out,
                    QString* error,
                    int pageSize = EventIndex::kDefaultPageSize) const;
    // `index` brought up to the events stored since it was built (their positions come after the old ones). `added` =
    // matches appended. On PostgreSQL, when events were committed behind the index's newest seq meanwhile (another
    // console's transaction), it is built again instead and `rebuilds` goes up: the old positions are void.
    bool extendIndex(EventIndex* index, qint64* added, QString* error) const;
    // The rows of page `page`, oldest first (EventIndex::rowsInPage() of them unless the store lost rows).
    QList<EventRow> page(const EventIndex& index, int page, QString* error) const;

    // The number of matching events (-1 on error).
    qint64 count(const EventFilter& filter, QString* error = nullptr) const;
    // Plain keyset paging, newest first: up to `limit` matching events with seq < beforeSeq.
    QList<EventRow> newest(const EventFilter& filter,
                           int limit,
                           qint64 beforeSeq = std::numeric_limits<qint64>::max(),
                           QString* error = nullptr) const;

    // The plan of the index pass and of a page fetch, one line per step (tests, benchmark): EXPLAIN QUERY PLAN on
    // SQLite, EXPLAIN on PostgreSQL.
    QStringList explain(const EventIndex& index) const;

private:
    bool buildInSnapshot(const EventFilter& filter, EventIndex* out, QString* error, int pageSize) const;

    const EventStore& m_store;
};

} // namespace vigil::store

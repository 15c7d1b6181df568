// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/EventQueries.h"

#include "core/store/SqlDialect.h"
#include "core/store/SqliteEventStore.h"
#include "core/text/EditDistance.h"

#include <QDateTime>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <optional>

namespace vigil::store {

namespace {

using text::editDistance;

// since:/until: values. Relative spans count back from `nowMs`; times without a zone are local, as the table shows.
std::optional<qint64> parseTime(const QString& value, qint64 nowMs)
{
    const QString v = value.trimmed().toLower();
    static const QRegularExpression span(QStringLiteral("^(\\d{1,9})(s|m|h|d|w)$"));
    if (const QRegularExpressionMatch m = span.match(v); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 unitMs = unit == u's'   ? 1000
                              : unit == u'm' ? 60 * 1000
                              : unit == u'h' ? 3600 * 1000
                              : unit == u'd' ? 86400 * 1000
                                             : 7 * 86400 * 1000;
        return nowMs - n * unitMs;
    }
    const QDate today = QDateTime::fromMSecsSinceEpoch(nowMs).date();
    if (v == u"now") return nowMs;
    if (v == u"today") return today.startOfDay().toMSecsSinceEpoch();
    if (v == u"yesterday") return today.addDays(-1).startOfDay().toMSecsSinceEpoch();
    if (const QDate d = QDate::fromString(v, Qt::ISODate); d.isValid() && v.size() == 10)
        return d.startOfDay().toMSecsSinceEpoch();
    QString iso = value.trimmed();
    iso.replace(u' ', u'T');
    if (iso.endsWith(u'z')) iso.back() = u'Z';
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (t.isValid()) return t.toMSecsSinceEpoch();
    return std::nullopt;
}

// SQL text: every value reaches SQL as a literal written here (integers, or strings with quotes doubled), so the
// statements need no bound parameters beyond the seq bounds and page fetches can reuse one compiled filter.
QString sqlString(const QString& value)
{
    QString clean;
    clean.reserve(value.size() + 2);
    clean += u'\'';
    for (const QChar c : value) {
        if (c.unicode() < 0x20) continue;
        if (c == u'\'') clean += u'\'';
        clean += c;
    }
    clean += u'\'';
    return clean;
}

// A LIKE pattern for `value` with its wildcards escaped, for sql::likeOperator() (case-insensitive on both stores).
QString likePattern(const QString& value, bool anyBefore, bool anyAfter)
{
    QString escaped;
    for (const QChar c : value) {
        if (c == u'\\' || c == u'%' || c == u'_') escaped += u'\\';
        escaped += c;
    }
    return sqlString((anyBefore ? u"%"_qs : QString()) + escaped + (anyAfter ? u"%"_qs : QString()))
           + QStringLiteral(" ESCAPE '\\'");
}

QString idList(QList<qint64> ids)
{
    std::sort(ids.begin(), ids.end());
    QString out = QStringLiteral("(");
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i) out += u',';
        out += QString::number(ids.at(i));
    }
    return out + u')';
}

// Boolean SQL both dialects accept (PostgreSQL has no integer truth values; SQLite knows TRUE and FALSE).
const QString kNever = QStringLiteral("FALSE");
const QString kAlways = QStringLiteral("TRUE");

// Above this many ids the condition names the dictionary query instead of the ids: SQLite runs it once per
// statement, and page fetches do not parse a list of a hundred thousand numbers each time.
constexpr qsizetype kMaxLiteralIds = 2000;

// A dictionary term resolved: the ids that match, and how to say "this row's id is one of them" in SQL.
struct Resolved
{
    QList<qint64> ids;
    QString condition; // over e.<column>; kNever when no id matches
};

class Resolver
{
public:
    Resolver(const QSqlDatabase& db, QString* error)
        : m_db(db)
        , m_like(u' ' + sql::likeOperator(db) + u' ')
        , m_error(error)
    {
    }

    bool failed() const { return m_failed; }

    // `table`.`column` LIKE any of `patterns`, plus (for IPs) the addresses in any of `subnets`.
    Resolved resolve(const QString& table,
                     const QString& column,
                     const QString& eventColumn,
                     const QStringList& patterns,
                     const QList<QPair<QHostAddress, int>>& subnets = {})
    {
        Resolved r;
        QStringList ors;
        for (const QString& p : patterns)
            ors.append(column + m_like + p);
        const QString where = ors.join(QStringLiteral(" OR "));
        if (!where.isEmpty()) {
            QSqlQuery q(m_db);
            q.setForwardOnly(true);
            if (!q.exec(QStringLiteral("SELECT id FROM ") + table + QStringLiteral(" WHERE ") + where)) {
                fail(q);
                return r;
            }
            while (q.next())
                r.ids.append(q.value(0).toLongLong());
        }
        if (!subnets.isEmpty()) {
            // Ranges are tested here, the same for both stores (SQLite does not know addresses; the column is text).
            // The ips table holds one row per address seen.
            QSqlQuery q(m_db);
            q.setForwardOnly(true);
            if (!q.exec(QStringLiteral("SELECT id, ") + column + QStringLiteral(" FROM ") + table)) {
                fail(q);
                return r;
            }
            while (q.next()) {
                const QHostAddress address(q.value(1).toString());
                if (address.isNull()) continue;
                for (const auto& subnet : subnets) {
                    if (address.isInSubnet(subnet.first, subnet.second)) {
                        r.ids.append(q.value(0).toLongLong());
                        break;
                    }
                }
            }
            std::sort(r.ids.begin(), r.ids.end());
            r.ids.erase(std::unique(r.ids.begin(), r.ids.end()), r.ids.end());
        }
        if (r.ids.isEmpty()) {
            r.condition = kNever;
        } else if (r.ids.size() > kMaxLiteralIds && subnets.isEmpty()) {
            r.condition =
                eventColumn + QStringLiteral(" IN (SELECT id FROM ") + table + QStringLiteral(" WHERE ") + where + u')';
        } else {
            r.condition = eventColumn + QStringLiteral(" IN ") + idList(r.ids);
        }
        return r;
    }

private:
    void fail(const QSqlQuery& q)
    {
        m_failed = true;
        if (m_error) *m_error = q.lastError().text();
    }

    QSqlDatabase m_db;
    QString m_like;
    QString* m_error;
    bool m_failed = false;
};

std::optional<qint64> scalar(const QSqlDatabase& db, const QString& sql, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) {
        if (error) *error = q.lastError().text();
        return std::nullopt;
    }
    return q.isNull(0) ? 0 : q.value(0).toLongLong();
}

// Runs its queries inside one read transaction, so that the newest seq, the dictionaries and the matches it reads
// are one snapshot of a store that the core (or, in team mode, every console) keeps writing.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(QSqlDatabase db)
        : m_db(std::move(db))
        , m_open(sql::beginReadSnapshot(m_db))
    {
    }
    ~ReadSnapshot()
    {
        if (m_open) m_db.commit();
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    QSqlDatabase m_db;
    bool m_open;
};

QString withClause(const CompiledEventFilter& f, const QString& extra = {})
{
    QStringList ctes;
    if (!f.with.isEmpty()) ctes.append(f.with);
    if (!extra.isEmpty()) ctes.append(extra);
    return ctes.isEmpty() ? QString() : QStringLiteral("WITH RECURSIVE ") + ctes.join(QStringLiteral(", ")) + u' ';
}

// The matching seqs in (afterSeq, toSeq], oldest first.
QString matchSql(const CompiledEventFilter& f)
{
    const QString from = f.countFrom.isEmpty() ? f.from : f.countFrom;
    const QString where = f.countWhere.isEmpty() ? f.where : f.countWhere + QStringLiteral(" AND ") + f.where;
    return withClause(f) + QStringLiteral("SELECT e.seq FROM ") + from + QStringLiteral(" WHERE ") + where
           + QStringLiteral(" AND e.seq > ? AND e.seq <= ? ORDER BY e.seq");
}

const QString kRowColumns =
    QStringLiteral("SELECT e.seq, e.uuid, e.published, t.name, a.alternate_id, i.ip, e.outcome FROM events e"
                   " LEFT JOIN event_types t ON t.id = e.event_type_id LEFT JOIN actors a ON a.id = e.actor_id"
                   " LEFT JOIN ips i ON i.id = e.ip_id");

// A page of a filtered index: the seqs first (keyset: seq >= the page's start), then their columns, so that the
// dictionary joins touch only the page's rows whatever the access path.
QString pageSql(const CompiledEventFilter& f, int limit)
{
    const QString page = QStringLiteral("p(seq) AS (SELECT e.seq FROM ") + f.from + QStringLiteral(" WHERE ") + f.where
                         + QStringLiteral(" AND e.seq >= ? AND e.seq <= ? ORDER BY e.seq LIMIT ")
                         + QString::number(limit) + u')';
    return withClause(f, page) + kRowColumns + QStringLiteral(" WHERE e.seq IN (SELECT seq FROM p) ORDER BY e.seq");
}

QList<EventRow> readRows(QSqlQuery& q)
{
    QList<EventRow> rows;
    while (q.next()) {
        EventRow r;
        r.seq = q.value(0).toLongLong();
        r.uuid = q.value(1).toString();
        r.publishedMs = q.value(2).toLongLong();
        r.eventType = q.value(3).toString();
        r.actor = q.value(4).toString();
        r.ip = q.value(5).toString();
        r.outcome = q.value(6).toString();
        rows.append(std::move(r));
    }
    return rows;
}

// Appends the matching seqs in (afterSeq, toSeq] to the index: count, and a page start every pageSize matches.
bool scanMatches(const QSqlDatabase& db, EventIndex* index, qint64 afterSeq, qint64 toSeq, QString* error)
{
    if (index->compiled.matchesNothing || toSeq <= afterSeq) return true;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(matchSql(index->compiled))) {
        if (error) *error = q.lastError().text();
        return false;
    }
    q.addBindValue(afterSeq);
    q.addBindValue(toSeq);
    if (!q.exec()) {
        if (error) *error = q.lastError().text();
        return false;
    }
    qint64 count = index->count;
    const int pageSize = index->pageSize;
    while (q.next()) {
        if (count % pageSize == 0) index->pageStarts.append(q.value(0).toLongLong());
        ++count;
    }
    index->count = count;
    return true;
}

// Stored events with afterSeq < seq <= toSeq (a range of the primary key: cheap).
std::optional<qint64> countSeqs(const QSqlDatabase& db, qint64 afterSeq, qint64 toSeq, QString* error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT count(*) FROM events WHERE seq > ? AND seq <= ?"));
    q.addBindValue(afterSeq);
    q.addBindValue(toSeq);
    if (!q.exec() || !q.next()) {
        if (error) *error = q.lastError().text();
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

// How far behind the newest seq another console's transaction may still commit events that the index should hold:
// far more than a batch (a System Log page is at most 1,000 events) stored while another is being stored.
constexpr qint64 kSettleWindow = 50000;

// Records how many events the last kSettleWindow seqs up to index->lastSeq hold now (EventIndex::settleCount).
bool settle(const QSqlDatabase& db, EventIndex* index, QString* error)
{
    index->settleFrom = std::max<qint64>(0, index->lastSeq - kSettleWindow);
    const std::optional<qint64> n = countSeqs(db, index->settleFrom, index->lastSeq, error);
    if (!n) return false;
    index->settleCount = *n;
    return true;
}

} // namespace

// ---- the filter language -----------------------------------------------------------------------------------

// A hand-written scanner, like the alert queue's: the grammar is small, and it can say where and why text is wrong.
class EventFilterParser
{
    Q_DECLARE_TR_FUNCTIONS(EventFilter)

public:
    EventFilterParser(const QString& text, qint64 nowMs)
        : m_text(text)
        , m_nowMs(nowMs)
    {
    }

    EventFilter run()
    {
        EventFilter filter;
        filter.m_text = m_text;
        while (true) {
            skipSpaces();
            if (atEnd()) break;
            EventFilter::Clause clause;
            if (!term(clause)) {
                filter.m_clauses.clear();
                filter.m_error = m_error;
                return filter;
            }
            filter.m_clauses.append(std::move(clause));
        }
        if (!checkTimeWindow(filter)) {
            filter.m_clauses.clear();
            filter.m_error = m_error;
        }
        return filter;
    }

private:
    using Field = EventFilter::Field;

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return m_pos < m_text.size() ? m_text.at(m_pos) : QChar(); }
    void skipSpaces()
    {
        while (!atEnd() && peek().isSpace())
            ++m_pos;
    }
    static QString at(qsizetype position) { return QString::number(position + 1); }

    bool fail(qsizetype position, qsizetype length, const QString& message)
    {
        m_error.position = int(position);
        m_error.length = int(std::max<qsizetype>(1, length));
        m_error.message = message;
        return false;
    }

    bool term(EventFilter::Clause& clause)
    {
        const qsizetype start = m_pos;
        if (peek() == u'-' || peek() == u'!') {
            clause.negate = true;
            ++m_pos;
            if (atEnd() || peek().isSpace()) {
                return fail(start, 1,
                            tr("'%1' at %2 needs something to exclude, e.g. -user:bob or !type:user.session")
                                .arg(QString(m_text.at(start)), at(start)));
            }
        }
        if (peek() == u'"') {
            const qsizetype valueStart = m_pos;
            QString value;
            if (!quoted(value)) return false;
            if (value.isEmpty()) return fail(valueStart, 2, tr("empty quotes at %1 match nothing").arg(at(valueStart)));
            clause.field = Field::Text;
            clause.values = {value};
            return true;
        }
        // A field name is letters followed by ':'; anything else is text (so 10:42 or an IPv6 address with a digit
        // first stays text).
        qsizetype end = m_pos;
        while (end < m_text.size() && (m_text.at(end).isLetter() || m_text.at(end) == u'_'))
            ++end;
        if (end == m_pos || end >= m_text.size() || m_text.at(end) != u':') {
            const qsizetype wordStart = m_pos;
            while (!atEnd() && !peek().isSpace())
                ++m_pos;
            clause.field = Field::Text;
            clause.values = {m_text.mid(wordStart, m_pos - wordStart)};
            return true;
        }
        const qsizetype nameStart = m_pos;
        const QString name = m_text.mid(nameStart, end - nameStart);
        m_pos = end + 1; // after ':'
        const std::optional<Field> field = fieldFor(name.toLower());
        if (!field) return unknownField(name, nameStart);
        clause.field = *field;
        if (peek() == u'!') {
            clause.negate = !clause.negate;
            ++m_pos;
        }
        return values(clause, name, nameStart);
    }

    static std::optional<Field> fieldFor(const QString& name)
    {
        // Aliases are accepted; errors offer EventFilter::fieldNames().
        if (name == u"user" || name == u"actor") return Field::User;
        if (name == u"type" || name == u"event" || name == u"eventtype") return Field::Type;
        if (name == u"ip") return Field::Ip;
        if (name == u"outcome" || name == u"result") return Field::Outcome;
        if (name == u"since" || name == u"after") return Field::Since;
        if (name == u"until" || name == u"before") return Field::Until;
        return std::nullopt;
    }

    bool unknownField(const QString& name, qsizetype position)
    {
        QStringList offered;
        const QStringList names = EventFilter::fieldNames();
        int best = 3;
        qsizetype bestIndex = -1;
        for (qsizetype i = 0; i < names.size(); ++i) {
            offered.append(names.at(i) + u':');
            const int d = editDistance(name.toLower(), names.at(i));
            if (d < best) {
                best = d;
                bestIndex = i;
            }
        }
        if (bestIndex > 0) offered.move(bestIndex, 0);
        return fail(position, name.size(),
                    tr("unknown field '%1' at %2; try %3 (put text with ':' in quotes to search for it)")
                        .arg(name, at(position), offered.join(u", ")));
    }

    static QString exampleFor(Field field)
    {
        switch (field) {
        case Field::User:
            return QStringLiteral("user:alice");
        case Field::Type:
            return QStringLiteral("type:user.session");
        case Field::Ip:
            return QStringLiteral("ip:10.0.0.0/8");
        case Field::Outcome:
            return QStringLiteral("outcome:failure");
        case Field::Since:
            return QStringLiteral("since:2h");
        case Field::Until:
            return QStringLiteral("until:2026-05-01T12:00");
        case Field::Text:
            break;
        }
        return {};
    }

    struct Item
    {
        QString text;
        qsizetype position = 0;
        qsizetype length = 0;
    };

    bool values(EventFilter::Clause& clause, const QString& name, qsizetype nameStart)
    {
        const qsizetype valueStart = m_pos;
        if (atEnd() || peek().isSpace()) {
            return fail(nameStart, m_pos - nameStart,
                        tr("'%1' at %2 needs a value, e.g. %3")
                            .arg(m_text.mid(nameStart, m_pos - nameStart), at(nameStart), exampleFor(clause.field)));
        }
        QList<Item> items;
        if (peek() == u'"') {
            QString value;
            if (!quoted(value)) return false;
            items.append({value, valueStart, m_pos - valueStart});
        } else {
            qsizetype itemStart = m_pos;
            while (true) {
                if (atEnd() || peek().isSpace() || peek() == u',') {
                    if (m_pos == itemStart)
                        return fail(itemStart, 1, tr("empty value in the list at %1").arg(at(itemStart)));
                    items.append({m_text.mid(itemStart, m_pos - itemStart), itemStart, m_pos - itemStart});
                    if (atEnd() || peek().isSpace()) break;
                    ++m_pos; // ','
                    itemStart = m_pos;
                    continue;
                }
                if (peek() == u'"') {
                    return fail(m_pos, 1,
                                tr("unexpected quote at %1; quote the whole value, e.g. %2:\"a b\"")
                                    .arg(at(m_pos), name.toLower()));
                }
                ++m_pos;
            }
        }
        for (const Item& item : items) {
            if (item.text.trimmed().isEmpty())
                return fail(item.position, item.length, tr("empty value at %1 matches nothing").arg(at(item.position)));
            clause.values.append(item.text);
        }
        if (clause.field == Field::Since || clause.field == Field::Until) {
            if (clause.negate) {
                return fail(
                    nameStart, m_pos - nameStart,
                    tr("'%1' at %2 cannot be excluded; use %3 instead")
                        .arg(name, at(nameStart),
                             clause.field == Field::Since ? QStringLiteral("until:") : QStringLiteral("since:")));
            }
            if (items.size() > 1) {
                return fail(valueStart, m_pos - valueStart,
                            tr("'%1' at %2 takes one time, not a list").arg(name, at(nameStart)));
            }
            const std::optional<qint64> t = parseTime(items.first().text, m_nowMs);
            if (!t) {
                return fail(valueStart, m_pos - valueStart,
                            tr("'%1' at %2 is not a time; use a span such as 15m, 2h or 7d, today, a date such as "
                               "2026-05-01 or a time such as 2026-05-01T13:30")
                                .arg(items.first().text, at(valueStart)));
            }
            clause.timeMs = *t;
            m_timeClauses.append({clause.field, *t, nameStart, m_pos - nameStart});
        } else if (clause.field == Field::Ip) {
            for (const Item& item : items) {
                if (!item.text.contains(u'/')) continue;
                if (QHostAddress::parseSubnet(item.text).first.isNull()) {
                    return fail(
                        item.position, item.length,
                        tr("'%1' at %2 is not an address range such as 10.0.0.0/8").arg(item.text, at(item.position)));
                }
            }
        }
        return true;
    }

    // since: after until: matches nothing, which is surely a typo: say so rather than show an empty table.
    bool checkTimeWindow(const EventFilter&)
    {
        qint64 since = std::numeric_limits<qint64>::min();
        qint64 until = std::numeric_limits<qint64>::max();
        for (const TimeClause& t : std::as_const(m_timeClauses)) {
            if (t.field == Field::Since)
                since = std::max(since, t.ms);
            else
                until = std::min(until, t.ms);
        }
        if (since < until) return true;
        const TimeClause& last = m_timeClauses.constLast();
        return fail(last.position, last.length,
                    tr("since: is not before until:, so nothing can match (at %1)").arg(at(last.position)));
    }

    bool quoted(QString& out)
    {
        const qsizetype start = m_pos;
        ++m_pos; // opening quote
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u'\\' && m_pos + 1 < m_text.size()) {
                out += m_text.at(m_pos + 1);
                m_pos += 2;
                continue;
            }
            ++m_pos;
            if (c == u'"') {
                if (!atEnd() && !peek().isSpace())
                    return fail(m_pos, 1, tr("a space must follow the closing quote at %1").arg(at(m_pos - 1)));
                return true;
            }
            out += c;
        }
        return fail(start, m_pos - start, tr("the quote at %1 is not closed").arg(at(start)));
    }

    struct TimeClause
    {
        Field field;
        qint64 ms;
        qsizetype position;
        qsizetype length;
    };

    QString m_text;
    qint64 m_nowMs;
    qsizetype m_pos = 0;
    EventFilter::Error m_error;
    QList<TimeClause> m_timeClauses;
};

EventFilter EventFilter::parse(const QString& text, qint64 nowMs)
{
    return EventFilterParser(text, nowMs).run();
}

EventFilter EventFilter::parse(const QString& text)
{
    return parse(text, QDateTime::currentMSecsSinceEpoch());
}

QStringList EventFilter::fieldNames()
{
    return {QStringLiteral("user"),    QStringLiteral("type"),  QStringLiteral("ip"),
            QStringLiteral("outcome"), QStringLiteral("since"), QStringLiteral("until")};
}

int EventIndex::rowsInPage(int page) const
{
    if (page < 0 || page >= pageCount()) return 0;
    return int(std::min<qint64>(pageSize, count - qint64(page) * pageSize));
}

// ---- queries -----------------------------------------------------------------------------------------------

EventQueries::EventQueries(const EventStore& store)
    : m_store(store)
{
}

// Access paths. The events table has no index on published, type or outcome (each would slow ingest), only
// (bucket, actor_id, published) and (bucket, ip_id, published), where bucket is published in 15-minute steps:
// - "actor index"/"ip index": a positive user: or ip: term that resolved to few ids seeks each (bucket, id) of
//   the store's time range (or the since:/until: window) instead of reading every row — a user's events among
//   millions in milliseconds. Matches come out of the index unordered and are sorted by seq.
// - "time range": a since:/until: window over a small part of the store reads only its buckets' rows.
// - "seq": everything else reads the table in seq order; the first page stops early, a count reads it all.
// PostgreSQL's planner needs none of this: it has (actor_id, published), (ip_id, published) and (published, seq)
// indexes and statistics, and no INDEXED BY. There the same conditions go to it as they are ("planner").
bool EventQueries::compile(const EventFilter& filter, CompiledEventFilter* out, QString* error) const
{
    *out = CompiledEventFilter{};
    if (!filter.isValid()) {
        if (error) *error = filter.errorString();
        return false;
    }
    const QSqlDatabase db = m_store.database();
    const bool postgres = sql::isPostgres(db);
    const QString like = u' ' + sql::likeOperator(db) + u' ';
    Resolver resolver(db, error);
    QStringList conditions;
    qint64 sinceMs = std::numeric_limits<qint64>::min();
    qint64 untilMs = std::numeric_limits<qint64>::max();
    struct Seek
    {
        QString index;
        QString column;
        QList<qint64> ids;
    };
    std::optional<Seek> seek;
    auto offerSeek = [&](const QString& index, const QString& column, const Resolved& r) {
        if (r.ids.size() > 64) return;
        if (!seek || r.ids.size() < seek->ids.size()) seek = Seek{index, column, r.ids};
    };
    using Field = EventFilter::Field;

    for (const EventFilter::Clause& clause : filter.clauses()) {
        QString condition;
        switch (clause.field) {
        case Field::User: {
            QStringList patterns;
            for (const QString& v : clause.values)
                patterns.append(likePattern(v, true, true));
            const Resolved r = resolver.resolve(QStringLiteral("actors"), QStringLiteral("alternate_id"),
                                                QStringLiteral("e.actor_id"), patterns);
            condition = r.condition;
            if (!clause.negate) offerSeek(QStringLiteral("events_bucket_actor"), QStringLiteral("e.actor_id"), r);
            break;
        }
        case Field::Type: {
            QStringList patterns;
            for (const QString& v : clause.values)
                patterns.append(likePattern(v, false, true));
            condition = resolver
                            .resolve(QStringLiteral("event_types"), QStringLiteral("name"),
                                     QStringLiteral("e.event_type_id"), patterns)
                            .condition;
            break;
        }
        case Field::Ip: {
            QStringList patterns;
            QList<QPair<QHostAddress, int>> subnets;
            for (const QString& v : clause.values) {
                if (v.contains(u'/'))
                    subnets.append(QHostAddress::parseSubnet(v));
                else
                    patterns.append(likePattern(v, false, true));
            }
            const Resolved r = resolver.resolve(QStringLiteral("ips"), QStringLiteral("ip"), QStringLiteral("e.ip_id"),
                                                patterns, subnets);
            condition = r.condition;
            if (!clause.negate) offerSeek(QStringLiteral("events_bucket_ip"), QStringLiteral("e.ip_id"), r);
            break;
        }
        case Field::Outcome: {
            QStringList ors;
            for (const QString& v : clause.values) {
                // What analysts say for Okta's words.
                const QString lower = v.toLower();
                const QString word = lower == u"fail" || lower == u"failed"    ? QStringLiteral("failure")
                                     : lower == u"ok" || lower == u"succeeded" ? QStringLiteral("success")
                                                                               : v;
                ors.append(QStringLiteral("e.outcome") + like + likePattern(word, false, false));
            }
            condition = u'(' + ors.join(QStringLiteral(" OR ")) + u')';
            break;
        }
        case Field::Text: {
            QStringList ors;
            for (const QString& v : clause.values) {
                const QString p = likePattern(v, true, true);
                for (const auto& [table, column, eventColumn] :
                     {std::tuple{u"event_types"_qs, u"name"_qs, u"e.event_type_id"_qs},
                      std::tuple{u"actors"_qs, u"alternate_id"_qs, u"e.actor_id"_qs},
                      std::tuple{u"ips"_qs, u"ip"_qs, u"e.ip_id"_qs}}) {
                    const Resolved r = resolver.resolve(table, column, eventColumn, {p});
                    if (!r.ids.isEmpty()) ors.append(r.condition);
                }
                ors.append(QStringLiteral("e.outcome") + like + p);
            }
            condition = u'(' + ors.join(QStringLiteral(" OR ")) + u')';
            break;
        }
        case Field::Since:
            sinceMs = std::max(sinceMs, clause.timeMs);
            condition = QStringLiteral("e.published >= ") + QString::number(clause.timeMs);
            break;
        case Field::Until:
            untilMs = std::min(untilMs, clause.timeMs);
            condition = QStringLiteral("e.published < ") + QString::number(clause.timeMs);
            break;
        }
        if (resolver.failed()) return false;
        if (clause.negate) {
            // NULL (an event without a user or IP) is not excluded by a term about users or IPs.
            if (condition != kNever)
                conditions.append(QStringLiteral("NOT coalesce(") + condition + QStringLiteral(", FALSE)"));
        } else {
            if (condition == kNever) out->matchesNothing = true;
            conditions.append(condition);
        }
    }
    if (sinceMs >= untilMs) out->matchesNothing = true;
    out->from = QStringLiteral("events e");
    out->accessPath = postgres ? QStringLiteral("planner") : QStringLiteral("seq");
    if (conditions.isEmpty()) conditions.append(kAlways);

    if (!postgres && !out->matchesNothing
        && (seek || sinceMs != std::numeric_limits<qint64>::min() || untilMs != std::numeric_limits<qint64>::max())) {
        // The store's bucket range and roughly how many rows a full read would touch.
        const std::optional<qint64> minBucket = scalar(db, QStringLiteral("SELECT min(bucket) FROM events"), error);
        const std::optional<qint64> maxBucket = scalar(db, QStringLiteral("SELECT max(bucket) FROM events"), error);
        const std::optional<qint64> minSeq = scalar(db, QStringLiteral("SELECT min(seq) FROM events"), error);
        const std::optional<qint64> maxSeq = scalar(db, QStringLiteral("SELECT max(seq) FROM events"), error);
        if (!minBucket || !maxBucket || !minSeq || !maxSeq) return false;
        const qint64 rows = *maxSeq - *minSeq + 1;
        const qint64 storeBuckets = *maxBucket - *minBucket + 1;
        qint64 lo = *minBucket;
        qint64 hi = *maxBucket;
        if (sinceMs != std::numeric_limits<qint64>::min()) lo = std::max(lo, SqliteEventStore::bucketOf(sinceMs));
        if (untilMs != std::numeric_limits<qint64>::max()) hi = std::min(hi, SqliteEventStore::bucketOf(untilMs - 1));
        if (lo > hi) {
            out->matchesNothing = true;
        } else if (seek && (hi - lo + 1) * seek->ids.size() * 16 < rows) {
            // One index seek per (bucket, id) costs about as much as reading a dozen rows in seq order.
            out->with =
                QStringLiteral("b(x) AS (SELECT %1 UNION ALL SELECT x + 1 FROM b WHERE x < %2)").arg(lo).arg(hi);
            out->from = QStringLiteral("b CROSS JOIN events e INDEXED BY ") + seek->index;
            conditions.prepend(QStringLiteral("e.bucket = b.x"));
            out->accessPath =
                seek->index == u"events_bucket_actor" ? QStringLiteral("actor index") : QStringLiteral("ip index");
        } else if ((hi - lo + 1) * 4 < storeBuckets) {
            // INDEXED BY: left to itself SQLite prefers the seq range of the pass, which reads the whole table.
            out->countFrom = QStringLiteral("events e INDEXED BY events_bucket_actor");
            out->countWhere = QStringLiteral("e.bucket BETWEEN %1 AND %2").arg(lo).arg(hi);
            out->accessPath = QStringLiteral("time range");
        }
    }
    out->where = conditions.join(QStringLiteral(" AND "));
    return true;
}

bool EventQueries::buildIndex(const EventFilter& filter, EventIndex* out, QString* error, int pageSize) const
{
    ReadSnapshot snapshot(m_store.database());
    return buildInSnapshot(filter, out, error, pageSize);
}

bool EventQueries::buildInSnapshot(const EventFilter& filter, EventIndex* out, QString* error, int pageSize) const
{
    *out = EventIndex{};
    out->filter = filter;
    out->pageSize = std::max(1, pageSize);
    const QSqlDatabase db = m_store.database();
    const std::optional<qint64> lastSeq = scalar(db, QStringLiteral("SELECT max(seq) FROM events"), error);
    if (!lastSeq) return false;
    out->lastSeq = *lastSeq;
    if (sql::isPostgres(db) && !settle(db, out, error)) return false;
    if (!compile(filter, &out->compiled, error)) return false;
    if (out->compiled.matchesNothing || out->lastSeq == 0) return true;
    if (filter.isEmpty()) {
        // The unfiltered stream needs no pass over the rows when seq has no gaps, which is what the store writes;
        // the count says whether rows went missing.
        const std::optional<qint64> firstSeq = scalar(db, QStringLiteral("SELECT min(seq) FROM events"), error);
        if (!firstSeq) return false;
        const qint64 count = m_store.eventCount();
        if (count == out->lastSeq - *firstSeq + 1) {
            out->contiguous = true;
            out->firstSeq = *firstSeq;
            out->count = count;
            return true;
        }
    }
    return scanMatches(db, out, 0, out->lastSeq, error);
}

bool EventQueries::extendIndex(EventIndex* index, qint64* added, QString* error) const
{
    if (added) *added = 0;
    const QSqlDatabase db = m_store.database();
    ReadSnapshot snapshot(db);
    const std::optional<qint64> lastSeq = scalar(db, QStringLiteral("SELECT max(seq) FROM events"), error);
    if (!lastSeq) return false;
    if (index->settleCount >= 0) {
        const std::optional<qint64> settled = countSeqs(db, index->settleFrom, index->lastSeq, error);
        if (!settled) return false;
        if (*settled != index->settleCount) {
            // Another console's transaction committed events with seqs this index had already passed.
            const int rebuilds = index->rebuilds + 1;
            const EventFilter filter = index->filter;
            if (!buildInSnapshot(filter, index, error, index->pageSize)) return false;
            index->rebuilds = rebuilds;
            if (added) *added = index->count;
            return true;
        }
    }
    if (*lastSeq <= index->lastSeq) return true;
    const qint64 before = index->count;
    const auto done = [&](qint64 fresh) {
        if (added) *added = fresh;
        return index->settleCount < 0 || settle(db, index, error);
    };
    if (index->contiguous) {
        const std::optional<qint64> counted = countSeqs(db, index->lastSeq, *lastSeq, error);
        if (!counted) return false;
        const qint64 fresh = *counted;
        if (fresh == *lastSeq - index->lastSeq) {
            index->count += fresh;
            index->lastSeq = *lastSeq;
            return done(fresh);
        }
        // Gaps from now on: keep the positions of the old events (they are still every seq from firstSeq on) as
        // page starts, and go on with a pass over the new ones.
        index->contiguous = false;
        index->pageStarts.clear();
        for (qint64 start = 0; start < index->count; start += index->pageSize)
            index->pageStarts.append(index->firstSeq + start);
    }
    // Dictionaries grow too (a new user that matches user:alice): the filter is compiled again for the new rows.
    if (!compile(index->filter, &index->compiled, error)) return false;
    const qint64 from = index->lastSeq;
    index->lastSeq = *lastSeq;
    if (!scanMatches(db, index, from, *lastSeq, error)) return false;
    return done(index->count - before);
}

QList<EventRow> EventQueries::page(const EventIndex& index, int page, QString* error) const
{
    const int rows = index.rowsInPage(page);
    if (rows <= 0) return {};
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    if (index.contiguous) {
        const qint64 first = index.firstSeq + qint64(page) * index.pageSize;
        q.prepare(kRowColumns + QStringLiteral(" WHERE e.seq >= ? AND e.seq <= ? ORDER BY e.seq"));
        q.addBindValue(first);
        q.addBindValue(std::min(index.lastSeq, first + rows - 1));
    } else {
        q.prepare(pageSql(index.compiled, rows));
        q.addBindValue(index.pageStarts.at(page));
        q.addBindValue(index.lastSeq);
    }
    if (!q.exec()) {
        if (error) *error = q.lastError().text();
        return {};
    }
    return readRows(q);
}

qint64 EventQueries::count(const EventFilter& filter, QString* error) const
{
    EventIndex index;
    if (!buildIndex(filter, &index, error)) return -1;
    return index.count;
}

QList<EventRow> EventQueries::newest(const EventFilter& filter, int limit, qint64 beforeSeq, QString* error) const
{
    const QSqlDatabase db = m_store.database();
    ReadSnapshot snapshot(db);
    CompiledEventFilter compiled;
    if (!compile(filter, &compiled, error)) return {};
    if (compiled.matchesNothing || limit <= 0) return {};
    const QString page = QStringLiteral("p(seq) AS (SELECT e.seq FROM ") + compiled.from + QStringLiteral(" WHERE ")
                         + compiled.where + QStringLiteral(" AND e.seq < ? ORDER BY e.seq DESC LIMIT ")
                         + QString::number(limit) + u')';
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(withClause(compiled, page) + kRowColumns
              + QStringLiteral(" WHERE e.seq IN (SELECT seq FROM p) ORDER BY e.seq DESC"));
    q.addBindValue(beforeSeq);
    if (!q.exec()) {
        if (error) *error = q.lastError().text();
        return {};
    }
    return readRows(q);
}

QStringList EventQueries::explain(const EventIndex& index) const
{
    QStringList lines;
    const bool postgres = sql::isPostgres(m_store.database());
    auto plan = [&](const QString& label, const QString& statement, const QList<qint64>& binds) {
        QSqlQuery q(m_store.database());
        bool ran = false;
        if (postgres) {
            // EXPLAIN cannot be a prepared statement there: the bounds go in as text.
            ran = q.exec(QStringLiteral("EXPLAIN ") + sql::inlineIntegers(statement, binds));
        } else {
            q.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + statement);
            for (const qint64 b : binds)
                q.addBindValue(b);
            ran = q.exec();
        }
        if (!ran) {
            lines.append(label + QStringLiteral(": ") + q.lastError().text());
            return;
        }
        while (q.next())
            lines.append(label + QStringLiteral(": ") + q.value(postgres ? 0 : 3).toString());
    };
    if (!index.contiguous) plan(QStringLiteral("count"), matchSql(index.compiled), {0, index.lastSeq});
    const CompiledEventFilter& c = index.compiled;
    if (index.contiguous)
        plan(QStringLiteral("page"), kRowColumns + QStringLiteral(" WHERE e.seq >= ? AND e.seq <= ? ORDER BY e.seq"),
             {index.firstSeq, index.lastSeq});
    else
        plan(QStringLiteral("page"), pageSql(c, index.pageSize), {0, index.lastSeq});
    return lines;
}

} // namespace vigil::store

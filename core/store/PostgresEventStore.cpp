// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/PostgresEventStore.h"

#include "core/okta/EventParser.h"
#include "core/store/PostgresMigrations.h"
#include "core/store/SqlDialect.h"
#include "core/store/SqliteEventStore.h"
#include "core/store/StoreTables.h"

#include <QDateTime>
#include <QSet>
#include <QSqlError>
#include <QUrl>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <limits>
#include <numeric>

namespace vigil::store {

Q_LOGGING_CATEGORY(lcPgStore, "vigil.core.store.pg", QtInfoMsg)

namespace {

std::atomic<quint64> s_serial{0};

// Rows per INSERT statement: one round trip per 200 events instead of one per event.
constexpr int kRowsPerInsert = 200;
constexpr int kEventColumns = 10;
// Names per dictionary INSERT/SELECT.
constexpr int kNamesPerStatement = 500;

QVariant idOrNull(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qlonglong>());
}

QString text(std::string_view v)
{
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

QString placeholders(int rows, int columns)
{
    QString row = QStringLiteral("(");
    for (int c = 0; c < columns; ++c)
        row += c == 0 ? QStringLiteral("?") : QStringLiteral(",?");
    row += u')';
    QString all;
    all.reserve(rows * (row.size() + 1));
    for (int r = 0; r < rows; ++r) {
        if (r > 0) all += u',';
        all += row;
    }
    return all;
}

} // namespace

std::optional<PostgresLocation> PostgresLocation::parse(const QString& text, QString* error)
{
    const QUrl url(text, QUrl::StrictMode);
    auto fail = [&](const QString& why) -> std::optional<PostgresLocation> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (!url.isValid() || (url.scheme() != u"postgresql" && url.scheme() != u"postgres"))
        return fail(QStringLiteral("a team store is postgresql://USER@HOST:PORT/DATABASE"));
    if (!url.password().isEmpty()) {
        return fail(QStringLiteral("the store URL must not carry a password: put it in the keychain or in"
                                   " VIGIL_STORE_PASSWORD"));
    }
    PostgresLocation l;
    l.host = url.host();
    l.port = url.port(5432);
    l.user = url.userName();
    l.database = url.path().mid(1);
    if (l.host.isEmpty()) return fail(QStringLiteral("the store URL names no host"));
    if (l.user.isEmpty()) return fail(QStringLiteral("the store URL names no user (postgresql://USER@HOST/DB)"));
    if (l.database.isEmpty() || l.database.contains(u'/'))
        return fail(QStringLiteral("the store URL names no database (postgresql://USER@HOST/DB)"));
    return l;
}

bool PostgresLocation::isPostgresUrl(const QString& text)
{
    return text.startsWith(QLatin1String("postgresql://")) || text.startsWith(QLatin1String("postgres://"));
}

QString PostgresLocation::displayUrl() const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

QSqlDatabase
PostgresLocation::connect(const QString& connectionName, const QString& applicationName, QString* error) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(host);
    db.setPort(port);
    db.setUserName(user);
    db.setDatabaseName(database);
    db.setPassword(QString::fromUtf8(password));
    // Client side: libpq's TCP keep-alives find a dead server or network within ~25 s.
    db.setConnectOptions(QStringLiteral("connect_timeout=10;keepalives=1;keepalives_idle=10;keepalives_interval=5;"
                                        "keepalives_count=3;tcp_user_timeout=20000;application_name=")
                         + applicationName);
    if (!db.open()) {
        if (error) *error = db.lastError().text();
        return db;
    }
    // Server side: the same for a console that vanished without closing its socket, so the session (and
    // the advisory locks it holds) ends within ~25 s instead of the kernel's two hours.
    QSqlQuery q(db);
    for (const QString& set :
         {QStringLiteral("SET tcp_keepalives_idle = 10"), QStringLiteral("SET tcp_keepalives_interval = 5"),
          QStringLiteral("SET tcp_keepalives_count = 3"), QStringLiteral("SET client_min_messages = warning")}) {
        q.exec(set);
    }
    return db;
}

PostgresEventStore::PostgresEventStore(PostgresLocation location, QString applicationName)
    : m_location(std::move(location))
    , m_applicationName(std::move(applicationName))
{
    m_eventTypes.table = QStringLiteral("event_types");
    m_eventTypes.column = QStringLiteral("name");
    m_actors.table = QStringLiteral("actors");
    m_actors.column = QStringLiteral("alternate_id");
    m_ips.table = QStringLiteral("ips");
    m_ips.column = QStringLiteral("ip");
}

PostgresEventStore::~PostgresEventStore()
{
    close();
}

bool PostgresEventStore::open(QString* error)
{
    if (isOpen()) return true;
    auto fail = [&](const QString& why) {
        const QString full = QStringLiteral("cannot open the team store %1: %2").arg(m_location.displayUrl(), why);
        qCWarning(lcPgStore).noquote() << full;
        if (error) *error = full;
        close();
        return false;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return fail(QStringLiteral("the Qt PostgreSQL driver (QPSQL) is not installed"));
    m_connectionName = QStringLiteral("vigil-pg-store-%1").arg(++s_serial);
    QString why;
    m_db = m_location.connect(m_connectionName, m_applicationName, &why);
    if (!m_db.isOpen()) return fail(why);
    const MigrationResult migration = migratePostgresSchema(m_db);
    if (!migration.ok) return fail(migration.error);
    if (migration.fromVersion != migration.version) {
        qCInfo(lcPgStore) << "team store" << m_location.displayUrl() << "upgraded from schema version"
                          << migration.fromVersion << "to" << migration.version;
    }
    m_schemaVersion = migration.version;
    if (error) error->clear();
    return true;
}

void PostgresEventStore::close()
{
    m_countedRows = 0;
    m_countedUpToSeq = 0;
    if (m_db.isValid()) m_db.close();
    m_db = QSqlDatabase();
    if (!m_connectionName.isEmpty()) {
        QSqlDatabase::removeDatabase(m_connectionName);
        m_connectionName.clear();
    }
    for (Dictionary* d : {&m_eventTypes, &m_actors, &m_ips}) {
        d->ids.clear();
        d->pending.clear();
    }
    m_blockWriter.clear();
    m_blocks.clear();
    m_ownCommits.clear();
    m_ownCommitEvents = 0;
    m_schemaVersion = 0;
}

void PostgresEventStore::forgetPending()
{
    for (Dictionary* d : {&m_eventTypes, &m_actors, &m_ips}) {
        for (const QByteArray& name : std::as_const(d->pending))
            d->ids.remove(name);
        d->pending.clear();
    }
    m_blockWriter.clear();
    m_blocks.clear();
}

bool PostgresEventStore::resolveNames(Dictionary& dict, const QList<QByteArray>& names, QString* error)
{
    // Insert what is missing (another console may insert the same name meanwhile: ON CONFLICT waits for
    // it and keeps its row), then read every id back.
    for (qsizetype from = 0; from < names.size(); from += kNamesPerStatement) {
        const int n = int(std::min<qsizetype>(kNamesPerStatement, names.size() - from));
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT INTO %1(%2) VALUES %3 ON CONFLICT (%2) DO NOTHING")
                           .arg(dict.table, dict.column, placeholders(n, 1)));
        QSqlQuery select(m_db);
        select.setForwardOnly(true);
        QString in = QStringLiteral("?");
        for (int i = 1; i < n; ++i)
            in += QStringLiteral(",?");
        select.prepare(QStringLiteral("SELECT id, %2 FROM %1 WHERE %2 IN (%3)").arg(dict.table, dict.column, in));
        for (int i = 0; i < n; ++i) {
            const QString name = QString::fromUtf8(names.at(from + i));
            insert.addBindValue(name);
            select.addBindValue(name);
        }
        if (!insert.exec() || !select.exec()) {
            if (error) *error = insert.lastError().isValid() ? insert.lastError().text() : select.lastError().text();
            if (error && error->isEmpty()) *error = select.lastError().text();
            return false;
        }
        while (select.next()) {
            const QByteArray name = select.value(1).toString().toUtf8();
            dict.ids.insert(name, select.value(0).toLongLong());
            dict.pending.append(name);
        }
    }
    return true;
}

std::optional<qint64> PostgresEventStore::nextBlockId(QString* error)
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT nextval(pg_get_serial_sequence('raw_blocks', 'id'))")) || !q.next()) {
        if (error) *error = q.lastError().text();
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

bool PostgresEventStore::closeBlock(qint64 id, QString* error)
{
    if (m_blockWriter.isEmpty()) return true;
    const std::optional<EncodedBlock> block = m_blockWriter.encode();
    if (!block) {
        if (error) *error = QStringLiteral("an event is too large to store (%1 bytes)").arg(m_blockWriter.size());
        return false;
    }
    m_blocks.append({id, block->codec, qint64(block->rawSize), block->data.toByteArray()});
    m_blockWriter.clear();
    return true;
}

bool PostgresEventStore::insertRows(const QList<okta::LogEvent>& events,
                                    const QList<int>& indexes,
                                    const QList<Location>& locations,
                                    QHash<QByteArray, qint64>& inserted,
                                    QString* error)
{
    for (qsizetype from = 0; from < indexes.size(); from += kRowsPerInsert) {
        const int n = int(std::min<qsizetype>(kRowsPerInsert, indexes.size() - from));
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("INSERT INTO events(uuid, published, bucket, event_type_id, actor_id, ip_id, outcome,"
                                 " block_id, block_offset, raw_size) VALUES %1 ON CONFLICT (uuid) DO NOTHING"
                                 " RETURNING uuid, seq")
                      .arg(placeholders(n, kEventColumns)));
        for (int i = 0; i < n; ++i) {
            const okta::LogEvent& e = events.at(indexes.at(from + i));
            const Location& where = locations.at(from + i);
            const auto id = [](const Dictionary& d, std::string_view name) -> qint64 {
                return name.empty() ? 0 : d.ids.value(QByteArray::fromRawData(name.data(), qsizetype(name.size())));
            };
            q.addBindValue(text(e.uuid()));
            q.addBindValue(e.publishedMs());
            q.addBindValue(SqliteEventStore::bucketOf(e.publishedMs()));
            q.addBindValue(idOrNull(id(m_eventTypes, e.eventType())));
            q.addBindValue(idOrNull(id(m_actors, e.actorAlternateId())));
            q.addBindValue(idOrNull(id(m_ips, e.clientIp())));
            q.addBindValue(e.outcomeResult().empty() ? QVariant(QMetaType::fromType<QString>())
                                                     : QVariant(text(e.outcomeResult())));
            q.addBindValue(where.blockId);
            q.addBindValue(where.offset);
            q.addBindValue(where.size);
        }
        if (!q.exec()) {
            if (error) *error = q.lastError().text();
            return false;
        }
        while (q.next())
            inserted.insert(q.value(0).toString().toUtf8(), q.value(1).toLongLong());
    }
    return true;
}

AppendResult PostgresEventStore::appendBatch(const QList<okta::LogEvent>& events,
                                             const std::optional<IngestCursor>& cursor)
{
    // Two consoles storing overlapping batches can deadlock on each other's new rows; PostgreSQL then
    // aborts one of them, which simply stores its batch again.
    AppendResult result;
    for (int attempt = 0; attempt < 4; ++attempt) {
        result = appendOnce(events, cursor);
        if (result.ok || !result.error.contains(QLatin1String("deadlock detected"))) break;
    }
    return result;
}

AppendResult PostgresEventStore::appendOnce(const QList<okta::LogEvent>& events,
                                            const std::optional<IngestCursor>& cursor)
{
    AppendResult result;
    if (!isOpen()) {
        result.error = QStringLiteral("the event store is not open");
        return result;
    }
    if (events.isEmpty() && !cursor) {
        result.ok = true;
        return result;
    }
    const auto fail = [&](const QString& message) {
        m_db.rollback();
        forgetPending();
        result = AppendResult();
        result.error =
            QStringLiteral("storing a batch of %1 events failed, nothing was kept: %2").arg(events.size()).arg(message);
        qCWarning(lcPgStore).noquote() << result.error;
        return result;
    };
    if (!m_db.transaction()) return fail(m_db.lastError().text());
    forgetPending();
    QString error;

    // The cursor row first: a second writer of the same source waits here until this batch is committed,
    // so cursors move forward in the order batches are stored. An upsert rather than SELECT … FOR UPDATE:
    // that locks nothing while the row does not exist yet, and two first batches would then take the
    // append lock and the new row in opposite orders (a deadlock).
    if (cursor) {
        QSqlQuery lock(m_db);
        lock.prepare(QStringLiteral("INSERT INTO cursors(source, position, updated_ms) VALUES(?, ?, ?)"
                                    " ON CONFLICT (source) DO UPDATE SET position = cursors.position"));
        lock.addBindValue(cursor->source);
        lock.addBindValue(cursor->position);
        lock.addBindValue(cursor->updatedMs > 0 ? cursor->updatedMs : QDateTime::currentMSecsSinceEpoch());
        if (!lock.exec()) return fail(lock.lastError().text());
    }

    // Names this connection has not seen yet, resolved in a few statements rather than one per event.
    QList<QByteArray> missing[3];
    QSet<QByteArray> seenMissing[3];
    Dictionary* dicts[3] = {&m_eventTypes, &m_actors, &m_ips};
    for (const okta::LogEvent& e : events) {
        const std::string_view names[3] = {e.eventType(), e.actorAlternateId(), e.clientIp()};
        for (int d = 0; d < 3; ++d) {
            if (names[d].empty()) continue;
            const QByteArray key = QByteArray::fromRawData(names[d].data(), qsizetype(names[d].size()));
            if (dicts[d]->ids.contains(key) || seenMissing[d].contains(key)) continue;
            const QByteArray copy(names[d].data(), qsizetype(names[d].size()));
            seenMissing[d].insert(copy);
            missing[d].append(copy);
        }
    }
    for (int d = 0; d < 3; ++d) {
        // In one order for everyone, so that two writers adding the same names wait rather than deadlock.
        std::sort(missing[d].begin(), missing[d].end());
        if (!missing[d].isEmpty() && !resolveNames(*dicts[d], missing[d], &error)) return fail(error);
    }

    // Candidates: events with a uuid, the first of each uuid in the batch. The rest are duplicates. Taken in
    // `published` order (stable), so that their seq values, which are given in insert order, follow event
    // time within the batch: consoles that tail the store score events by seq.
    QList<int> order(events.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&events](int a, int b) { return events.at(a).publishedMs() < events.at(b).publishedMs(); });
    QList<int> candidates;
    QList<Location> locations;
    QSet<QByteArray> batchUuids;
    int skipped = 0;
    candidates.reserve(events.size());
    locations.reserve(events.size());
    std::optional<qint64> blockId;
    for (const int i : std::as_const(order)) {
        const okta::LogEvent& e = events.at(i);
        if (e.uuid().empty()) {
            ++skipped;
            continue;
        }
        const QByteArray uuid(e.uuid().data(), qsizetype(e.uuid().size()));
        if (batchUuids.contains(uuid)) {
            ++result.duplicates;
            continue;
        }
        batchUuids.insert(uuid);
        const QByteArrayView raw = e.rawJson();
        if (!blockId || m_blockWriter.needsFlushBefore(raw.size())) {
            if (blockId && !closeBlock(*blockId, &error)) return fail(error);
            blockId = nextBlockId(&error);
            if (!blockId) return fail(error);
        }
        const qint64 offset = m_blockWriter.append(raw);
        candidates.append(i);
        locations.append({*blockId, offset, qint64(raw.size())});
    }
    if (blockId && !closeBlock(*blockId, &error)) return fail(error);
    // The blocks before the rows, outside the append lock below: they are most of the bytes.
    for (const PendingBlock& b : std::as_const(m_blocks)) {
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("INSERT INTO raw_blocks(id, codec, raw_size, data) VALUES(?, ?, ?, ?)"));
        q.addBindValue(b.id);
        q.addBindValue(int(b.codec));
        q.addBindValue(b.rawSize);
        q.addBindValue(b.data);
        if (!q.exec()) return fail(q.lastError().text());
    }

    // Event rows are inserted under one lock held until the commit, so seq values are handed out in commit
    // order: whoever has seen seq N has seen everything committed before it (see eventsAfter()). The lock
    // is taken after everything another writer could hold (cursor row, names), so it cannot deadlock.
    QHash<QByteArray, qint64> inserted;
    qint64 before = 0;
    if (!candidates.isEmpty()) {
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?)"));
        q.addBindValue(sql::advisoryKey(QStringLiteral("vigil.events.append")));
        if (!q.exec()) return fail(q.lastError().text());
        // A statement of its own: its snapshot is taken now that the lock is held.
        if (!q.exec(QStringLiteral("SELECT coalesce(max(seq), 0) FROM events")) || !q.next())
            return fail(q.lastError().text());
        before = q.value(0).toLongLong();
        if (!insertRows(events, candidates, locations, inserted, &error)) return fail(error);
    }
    if (cursor) {
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("INSERT INTO cursors(source, position, updated_ms) VALUES(?, ?, ?)"
                                 " ON CONFLICT (source) DO UPDATE SET position = excluded.position,"
                                 " updated_ms = excluded.updated_ms"));
        q.addBindValue(cursor->source);
        q.addBindValue(cursor->position);
        q.addBindValue(cursor->updatedMs > 0 ? cursor->updatedMs : QDateTime::currentMSecsSinceEpoch());
        if (!q.exec()) return fail(q.lastError().text());
    }
    qint64 newest = before;
    for (const qint64 seq : std::as_const(inserted))
        newest = std::max(newest, seq);
    if (!inserted.isEmpty()) {
        // Delivered to the listening consoles when (and only if) the batch commits.
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT pg_notify('vigil_events', ?)"));
        q.addBindValue(QString::number(newest));
        if (!q.exec()) return fail(q.lastError().text());
    }
    if (!m_db.commit()) return fail(m_db.lastError().text());
    for (Dictionary* d : dicts)
        d->pending.clear();
    m_blocks.clear();

    OwnCommit own;
    own.before = before;
    for (const int index : std::as_const(candidates)) {
        const std::string_view uuid = events.at(index).uuid();
        const auto seq = inserted.constFind(QByteArray::fromRawData(uuid.data(), qsizetype(uuid.size())));
        if (seq != inserted.constEnd()) {
            result.insertedIndexes.append(index);
            if (m_keepCommitted) own.events.append({*seq, events.at(index)});
        } else {
            ++result.duplicates;
        }
    }
    std::sort(result.insertedIndexes.begin(), result.insertedIndexes.end());
    result.inserted = int(result.insertedIndexes.size());
    if (m_keepCommitted && !own.events.isEmpty()) {
        std::sort(own.events.begin(), own.events.end(),
                  [](const Committed& a, const Committed& b) { return a.seq < b.seq; });
        m_ownCommitEvents += own.events.size();
        m_ownCommits.append(std::move(own));
        // Nobody tailing for a while: the oldest are read back from the database when they are wanted.
        constexpr qsizetype kMaxKeptEvents = 100000;
        while (m_ownCommits.size() > 1 && (m_ownCommitEvents > kMaxKeptEvents || m_ownCommits.size() > 256)) {
            m_ownCommitEvents -= m_ownCommits.constFirst().events.size();
            m_ownCommits.removeFirst();
        }
    }
    if (skipped > 0) qCWarning(lcPgStore) << "skipped" << skipped << "events without a uuid";
    result.ok = true;
    return result;
}

std::optional<IngestCursor> PostgresEventStore::cursor(const QString& source) const
{
    if (!isOpen()) return std::nullopt;
    QString error;
    std::optional<IngestCursor> found = StoreTables::readCursor(m_db, source, &error);
    if (!error.isEmpty()) qCWarning(lcPgStore) << "cannot read cursor" << source << ':' << error;
    return found;
}

qint64 PostgresEventStore::eventCount() const
{
    if (!isOpen()) return 0;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT count(*), max(seq) FROM events WHERE seq > ?"));
    q.addBindValue(m_countedUpToSeq);
    if (!q.exec() || !q.next()) return m_countedRows;
    m_countedRows += q.value(0).toLongLong();
    if (!q.value(1).isNull()) m_countedUpToSeq = std::max(m_countedUpToSeq, q.value(1).toLongLong());
    return m_countedRows;
}

bool PostgresEventStore::contains(std::string_view uuid) const
{
    if (!isOpen() || uuid.empty()) return false;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT 1 FROM events WHERE uuid = ?"));
    q.addBindValue(text(uuid));
    return q.exec() && q.next();
}

std::optional<QByteArray> PostgresEventStore::rawEvent(std::string_view uuid) const
{
    if (!isOpen() || uuid.empty()) return std::nullopt;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT e.block_offset, e.raw_size, b.codec, b.raw_size, b.data FROM events e"
                             " LEFT JOIN raw_blocks b ON b.id = e.block_id WHERE e.uuid = ?"));
    q.addBindValue(text(uuid));
    if (!q.exec() || !q.next()) return std::nullopt;
    const qint64 size = q.value(1).toLongLong();
    if (size == 0) return QByteArray();
    if (q.isNull(2)) {
        qCWarning(lcPgStore) << "the raw block of an event is missing";
        return std::nullopt;
    }
    const QByteArray data = q.value(4).toByteArray();
    auto slice = RawBlockCodec::slice(static_cast<RawCodec>(q.value(2).toInt()), data, q.value(3).toLongLong(),
                                      q.value(0).toLongLong(), size);
    if (!slice) qCWarning(lcPgStore) << "a raw block is damaged";
    return slice;
}

std::optional<qint64> PostgresEventStore::newestPublishedMs() const
{
    if (!isOpen()) return std::nullopt;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT max(published) FROM events")) || !q.next() || q.isNull(0)) return std::nullopt;
    return q.value(0).toLongLong();
}

std::optional<qint64> PostgresEventStore::oldestPublishedMs() const
{
    if (!isOpen()) return std::nullopt;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT min(published) FROM events")) || !q.next() || q.isNull(0)) return std::nullopt;
    return q.value(0).toLongLong();
}

QList<QByteArray> PostgresEventStore::readRaw(const QList<Location>& locations) const
{
    QList<QByteArray> out;
    out.reserve(locations.size());
    for (std::optional<QByteArray>& raw : readRawAligned(locations)) {
        if (raw) out.append(std::move(*raw));
    }
    return out;
}

QList<std::optional<QByteArray>> PostgresEventStore::readRawAligned(const QList<Location>& locations) const
{
    QList<std::optional<QByteArray>> out;
    out.reserve(locations.size());
    QHash<qint64, QByteArray> blocks; // neighbours share blocks: decode each once
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT codec, raw_size, data FROM raw_blocks WHERE id = ?"));
    for (const Location& where : locations) {
        if (where.size == 0) {
            out.append(QByteArray());
            continue;
        }
        auto it = blocks.find(where.blockId);
        if (it == blocks.end()) {
            q.addBindValue(where.blockId);
            std::optional<QByteArray> block;
            if (q.exec() && q.next()) {
                block = RawBlockCodec::decode(static_cast<RawCodec>(q.value(0).toInt()), q.value(2).toByteArray(),
                                              q.value(1).toLongLong());
            }
            q.finish();
            if (!block) {
                qCWarning(lcPgStore) << "raw block" << where.blockId << "is missing or damaged";
                out.append(std::nullopt);
                continue;
            }
            it = blocks.insert(where.blockId, *block);
        }
        if (where.offset < 0 || where.offset + where.size > it->size()) {
            qCWarning(lcPgStore) << "an event points outside raw block" << where.blockId;
            out.append(std::nullopt);
            continue;
        }
        out.append(it->sliced(where.offset, where.size));
    }
    return out;
}

QList<QByteArray>
PostgresEventStore::eventsForActor(std::string_view alternateId, qint64 fromMs, qint64 toMs, int limit) const
{
    if (!isOpen() || alternateId.empty() || limit == 0 || fromMs >= toMs) return {};
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT e.block_id, e.block_offset, e.raw_size FROM events e"
                             " JOIN actors a ON a.id = e.actor_id WHERE a.alternate_id = ?"
                             " AND e.published >= ? AND e.published < ? ORDER BY e.published, e.seq")
              + (limit > 0 ? QStringLiteral(" LIMIT %1").arg(limit) : QString()));
    q.addBindValue(text(alternateId));
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    if (!q.exec()) {
        qCWarning(lcPgStore) << "cannot read events by actor:" << q.lastError().text();
        return {};
    }
    QList<Location> locations;
    while (q.next())
        locations.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()});
    return readRaw(locations);
}

bool PostgresEventStore::visitEvents(qint64 fromMs,
                                     qint64 toMs,
                                     const std::function<bool(QByteArrayView raw)>& visit) const
{
    return visitEventsUpTo(fromMs, toMs, std::numeric_limits<qint64>::max(), visit);
}

bool PostgresEventStore::visitEventsUpTo(qint64 fromMs,
                                         qint64 toMs,
                                         qint64 maxSeq,
                                         const std::function<bool(QByteArrayView raw)>& visit) const
{
    if (!isOpen() || fromMs >= toMs) return isOpen();
    // Keyset pages of (published, seq): memory stays at one page whatever the range holds.
    constexpr int kPage = 20000;
    qint64 afterPublished = fromMs - 1;
    qint64 afterSeq = std::numeric_limits<qint64>::max();
    bool first = true;
    while (true) {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT block_id, block_offset, raw_size, published, seq FROM events"
                                 " WHERE published >= ? AND published < ? AND (published, seq) > (?, ?) AND seq <= ?"
                                 " ORDER BY published, seq LIMIT %1")
                      .arg(kPage));
        q.addBindValue(fromMs);
        q.addBindValue(toMs);
        q.addBindValue(first ? fromMs - 1 : afterPublished);
        q.addBindValue(first ? std::numeric_limits<qint64>::max() : afterSeq);
        q.addBindValue(maxSeq);
        if (!q.exec()) {
            qCWarning(lcPgStore) << "cannot walk the events:" << q.lastError().text();
            return false;
        }
        first = false;
        QList<Location> locations;
        while (q.next()) {
            locations.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()});
            afterPublished = q.value(3).toLongLong();
            afterSeq = q.value(4).toLongLong();
        }
        for (const QByteArray& raw : readRaw(locations)) {
            if (!visit(raw)) return true;
        }
        if (locations.size() < kPage) return true;
    }
}

std::optional<qint64> PostgresEventStore::newestSeq() const
{
    if (!isOpen()) return std::nullopt;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT coalesce(max(seq), 0) FROM events")) || !q.next()) return std::nullopt;
    return q.value(0).toLongLong();
}

void PostgresEventStore::setKeepCommitted(bool keep)
{
    m_keepCommitted = keep;
    if (!keep) {
        m_ownCommits.clear();
        m_ownCommitEvents = 0;
    }
}

bool PostgresEventStore::eventsAfter(qint64 afterSeq, int limit, QList<Committed>* out, qint64* reached, QString* error)
{
    out->clear();
    *reached = afterSeq;
    if (!isOpen()) {
        if (error) *error = QStringLiteral("the event store is not open");
        return false;
    }
    okta::EventParser parser;
    qint64 after = afterSeq;
    while (out->size() < limit) {
        // Own commits already passed are of no more use.
        while (!m_ownCommits.isEmpty() && m_ownCommits.constFirst().events.constLast().seq <= after) {
            m_ownCommitEvents -= m_ownCommits.constFirst().events.size();
            m_ownCommits.removeFirst();
        }
        if (!m_ownCommits.isEmpty() && m_ownCommits.constFirst().before <= after) {
            // Nothing committed by others between `after` and these: serve them from memory.
            for (const Committed& c : std::as_const(m_ownCommits.constFirst().events)) {
                if (c.seq <= after) continue;
                if (out->size() >= limit) break;
                out->append(c);
                after = c.seq;
            }
            continue;
        }
        // From the database: everything after `after`, up to the next own commit's predecessor (all of it
        // committed, and visible, before that commit was).
        const qint64 upTo =
            m_ownCommits.isEmpty() ? std::numeric_limits<qint64>::max() : m_ownCommits.constFirst().before;
        const qsizetype wanted = limit - out->size();
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT seq, block_id, block_offset, raw_size FROM events WHERE seq > ? AND seq <= ?"
                                 " ORDER BY seq LIMIT %1")
                      .arg(wanted));
        q.addBindValue(after);
        q.addBindValue(upTo);
        if (!q.exec()) {
            if (error) *error = q.lastError().text();
            return false;
        }
        QList<qint64> seqs;
        QList<Location> locations;
        while (q.next()) {
            seqs.append(q.value(0).toLongLong());
            locations.append({q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong()});
        }
        q.finish();
        const QList<std::optional<QByteArray>> raws = readRawAligned(locations);
        for (qsizetype i = 0; i < seqs.size(); ++i) {
            after = seqs.at(i);
            Committed c;
            c.seq = seqs.at(i);
            okta::ParseError parseError;
            const std::optional<QByteArray>& raw = raws.at(i);
            // An event that cannot be read back is passed over (warned about): it cannot be scored anyway.
            if (!raw || !parser.parse(std::string_view(raw->constData(), size_t(raw->size())), c.event, parseError)) {
                qCWarning(lcPgStore) << "cannot read back stored event with seq" << c.seq;
                continue;
            }
            out->append(std::move(c));
        }
        if (seqs.size() < wanted) {
            if (m_ownCommits.isEmpty()) break;
            after = upTo; // the rest up to the own commit were gaps (duplicates, rollbacks)
        }
    }
    *reached = after;
    return true;
}

bool PostgresEventStore::saveBaselines(const QList<BaselineRecord>& records, QString* error)
{
    if (!isOpen()) {
        if (error) *error = QStringLiteral("the event store is not open");
        return false;
    }
    return StoreTables::saveBaselines(m_db, records, error);
}

QList<BaselineRecord> PostgresEventStore::loadBaselines() const
{
    if (!isOpen()) return {};
    QString error;
    QList<BaselineRecord> records = StoreTables::loadBaselines(m_db, &error);
    if (!error.isEmpty()) qCWarning(lcPgStore) << "cannot read baselines:" << error;
    return records;
}

qint64 PostgresEventStore::sizeOnDisk() const
{
    if (!isOpen()) return 0;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT pg_database_size(current_database())")) || !q.next()) return 0;
    return q.value(0).toLongLong();
}

} // namespace vigil::store

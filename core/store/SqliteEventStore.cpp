// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/SqliteEventStore.h"

#include "core/store/SqliteMigrations.h"
#include "core/store/StoreTables.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>
#include <sqlite3.h>

namespace vigil::store {

Q_LOGGING_CATEGORY(lcStore, "vigil.core.store", QtInfoMsg)

namespace {

// A probe chain grows only with uuids minted in the same 100 ns tick (v1 keys) or with 64-bit hash
// collisions; a chain this long means a broken key function, not bad luck.
constexpr int kMaxProbes = 4096;
constexpr int kBusyTimeoutMs = 5000;
constexpr int kPageSize = 16384;
constexpr int kCheckpointBytes = 64 * 1024 * 1024;

std::atomic<quint64> s_connectionSerial{0};

// Resets a statement when it leaves scope, so no early return leaves a read open (which would pin
// the WAL) or a statement half-run.
class StatementScope
{
public:
    explicit StatementScope(sqlite3_stmt* stmt)
        : m_stmt(stmt)
    {
    }
    ~StatementScope() { sqlite3_reset(m_stmt); }
    StatementScope(const StatementScope&) = delete;
    StatementScope& operator=(const StatementScope&) = delete;

private:
    sqlite3_stmt* m_stmt;
};

// SQLITE_STATIC: every view bound here outlives the statement's step.
int bindText(sqlite3_stmt* stmt, int index, std::string_view text)
{
    return sqlite3_bind_text(stmt, index, text.data(), int(text.size()), SQLITE_STATIC);
}

int bindIdOrNull(sqlite3_stmt* stmt, int index, qint64 id)
{
    return id > 0 ? sqlite3_bind_int64(stmt, index, id) : sqlite3_bind_null(stmt, index);
}

std::string_view columnText(sqlite3_stmt* stmt, int column)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    return text ? std::string_view(text, size_t(sqlite3_column_bytes(stmt, column))) : std::string_view();
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The 60-bit timestamp of a canonical version-1 UUID (tttttttt-tttt-1ttt-xxxx-xxxxxxxxxxxx), else nullopt.
std::optional<quint64> uuidV1Timestamp(std::string_view uuid)
{
    if (uuid.size() != 36 || uuid[8] != '-' || uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-'
        || uuid[14] != '1') {
        return std::nullopt;
    }
    for (size_t i = 19; i < 36; ++i) {
        if (i != 23 && hexValue(uuid[i]) < 0) return std::nullopt;
    }
    quint64 timestamp = 0;
    // time_hi (after the version digit), then time_mid, then time_low: most significant first.
    for (const auto& [from, to] : {std::pair<size_t, size_t>{15, 18}, {9, 13}, {0, 8}}) {
        for (size_t i = from; i < to; ++i) {
            const int v = hexValue(uuid[i]);
            if (v < 0) return std::nullopt;
            timestamp = (timestamp << 4) | quint64(v);
        }
    }
    return timestamp;
}

// Columns of a new events row, in the order bindRow() binds them.
constexpr int kEventColumns = 11;

// INSERT of `rows` rows that are known to be new. OR FAIL, not IGNORE: a broken assumption fails the batch
// (appendBatch() then rolls the whole transaction back) instead of silently dropping an event. Not the
// default ABORT either: to undo only the failing statement, SQLite keeps a statement journal of every page a
// multi-row INSERT touches, in a temporary file. That journal wrote ~10 KB per event, five times the events
// themselves, and cost more than everything else the store does; FAIL needs no journal because the
// transaction it leaves behind is rolled back anyway.
QByteArray insertNewSql(int rows)
{
    QByteArray sql(
        "INSERT OR FAIL INTO events(uuid_key, uuid, published, bucket, event_type_id, actor_id, ip_id, outcome,"
        " block_id, block_offset, raw_size) VALUES");
    for (int r = 0; r < rows; ++r) {
        sql += r == 0 ? "(" : ",(";
        for (int c = 1; c <= kEventColumns; ++c) {
            sql += '?';
            sql += QByteArray::number(r * kEventColumns + c);
            sql += c < kEventColumns ? "," : ")";
        }
    }
    return sql;
}

qint64 nextKey(qint64 key)
{
    // Unsigned arithmetic wraps from INT64_MAX to INT64_MIN without undefined behaviour.
    return qint64(quint64(key) + 1);
}

} // namespace

SqliteEventStore::SqliteEventStore(QString path)
    : SqliteEventStore(std::move(path), &SqliteEventStore::uuidKey)
{
}

SqliteEventStore::SqliteEventStore(QString path, UuidKeyFunction keyFunction)
    : m_path(std::move(path))
    , m_keyFunction(keyFunction ? keyFunction : &SqliteEventStore::uuidKey)
{
    m_eventTypes.table = "event_types";
    m_eventTypes.column = "name";
    m_actors.table = "actors";
    m_actors.column = "alternate_id";
    m_ips.table = "ips";
    m_ips.column = "ip";
}

SqliteEventStore::~SqliteEventStore()
{
    close();
}

QString SqliteEventStore::defaultFileName()
{
    return QStringLiteral("vigil.sqlite");
}

quint64 SqliteEventStore::fnv1a64(std::string_view bytes)
{
    quint64 hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= quint64(static_cast<unsigned char>(c));
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

qint64 SqliteEventStore::uuidKey(std::string_view uuid)
{
    if (const std::optional<quint64> timestamp = uuidV1Timestamp(uuid)) {
        // Below 2^59 until the year 3400, so the key stays positive and ordered.
        return qint64((*timestamp << 4) | (fnv1a64(uuid.substr(19)) & 0xF));
    }
    return qint64(fnv1a64(uuid));
}

bool SqliteEventStore::failOpen(QString* error, const QString& message)
{
    const QString full = QStringLiteral("cannot open the event store %1: %2").arg(m_path, message);
    qCWarning(lcStore).noquote() << full;
    if (error) *error = full;
    close();
    return false;
}

bool SqliteEventStore::open(QString* error)
{
    if (isOpen()) {
        if (error) error->clear();
        return true;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE"))) {
        return failOpen(error, QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
    }

    m_connectionName = QStringLiteral("vigil-store-%1").arg(++s_connectionSerial);
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    if (!m_db.open()) return failOpen(error, m_db.lastError().text());

    const QVariant handle = m_db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        return failOpen(error, QStringLiteral("the Qt SQLite driver does not expose its sqlite3 handle"));
    }
    sqlite3* raw = *static_cast<sqlite3* const*>(handle.data());
    if (!raw) return failOpen(error, QStringLiteral("the Qt SQLite driver returned no connection"));

    {
        QSqlQuery q(m_db);
        // busy_timeout first, so everything below waits for another process's lock rather than failing.
        if (!q.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs))) {
            return failOpen(error, q.lastError().text());
        }
    }
    // Before anything writes: a newer or foreign file must be left exactly as it was, and switching
    // to WAL already rewrites the file header. This is also where a file that is not SQLite is noticed.
    if (const MigrationResult check = checkSchema(m_db); !check.ok) return failOpen(error, check.error);
    bool walMode = false;
    {
        QSqlQuery q(m_db);
        const QString pragmas[] = {
            // Only takes effect on a new (empty) file, and so must come before WAL mode, which writes the
            // header. Every page a commit dirties is written whole to the WAL (a frame, two pwrite() calls),
            // so the size trades calls against bytes: a 1,000-event batch writes ~5 compressed raw blocks but
            // touches index pages only partly. Measured with bench_ingest (200k events, 5k users): 16 KiB pages
            // wrote half the bytes of 64 KiB ones and stored 137-140k events/s against 117-122k; 4 and 8 KiB
            // made more calls for no fewer bytes (129-131k).
            QStringLiteral("PRAGMA page_size = %1").arg(kPageSize),
            QStringLiteral("PRAGMA journal_mode = WAL"),
            QStringLiteral("PRAGMA synchronous = NORMAL"),
            QStringLiteral("PRAGMA foreign_keys = ON"),
            // Measured with 1,000-event batches of Okta events: 16 MiB beat 64 MiB by ~10%, because every page
            // a growing cache adds costs a malloc and page faults, while the pages each batch writes to (index
            // tails, dictionaries) are few.
            QStringLiteral("PRAGMA cache_size = -16384"),
            // Only in effect if the WalCheckpointer cannot start (it replaces the automatic checkpoint, which
            // runs inside the COMMIT that crosses it): every ~64 MiB of WAL instead of SQLite's 1,000 pages.
            // journal_size_limit trims the WAL file back when the WAL restarts after an unusually large batch.
            QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(kCheckpointBytes / kPageSize),
            QStringLiteral("PRAGMA journal_size_limit = %1").arg(kCheckpointBytes),
        };
        for (const QString& pragma : pragmas) {
            if (!q.exec(pragma)) return failOpen(error, q.lastError().text());
            if (pragma.contains(QLatin1String("journal_mode"))) {
                const QString mode = q.next() ? q.value(0).toString().toLower() : QString();
                // An in-memory database (tests) cannot use WAL and says "memory".
                if (mode != QLatin1String("wal") && mode != QLatin1String("memory")) {
                    return failOpen(error, QStringLiteral("cannot switch to WAL journaling (got \"%1\")").arg(mode));
                }
                walMode = mode == QLatin1String("wal");
            }
            q.finish();
        }
    }

    const MigrationResult migration = migrateSchema(m_db);
    if (!migration.ok) return failOpen(error, migration.error);
    if (migration.fromVersion == 0) {
        qCInfo(lcStore) << "created event store" << m_path << "at schema version" << migration.version;
    } else if (migration.fromVersion != migration.version) {
        qCInfo(lcStore) << "event store" << m_path << "upgraded from schema version" << migration.fromVersion << "to"
                        << migration.version;
    }
    m_schemaVersion = migration.version;

    m_handle = raw;
    QString message;
    if (!prepareStatements(&message)) return failOpen(error, message);
    for (Dictionary* dict : {&m_eventTypes, &m_actors, &m_ips}) {
        if (!loadDictionary(*dict, &message)) return failOpen(error, message);
    }
    if (walMode && m_checkpointing) {
        int pageSize = kPageSize;
        {
            QSqlQuery q(m_db);
            if (q.exec(QStringLiteral("PRAGMA page_size")) && q.next()) pageSize = q.value(0).toInt();
        }
        m_checkpointer = std::make_unique<WalCheckpointer>(m_path, pageSize, WalCheckpointer::Settings());
        if (!m_checkpointer->start(m_handle, &message)) {
            // Not fatal: SQLite's own checkpoint (wal_autocheckpoint above) stays in charge.
            qCWarning(lcStore).noquote() << message << "- checkpoints will run inside commits";
            m_checkpointer.reset();
        }
    }
    qCDebug(lcStore) << "opened event store" << m_path << "schema version" << m_schemaVersion;
    if (error) error->clear();
    return true;
}

bool SqliteEventStore::prepare(sqlite3_stmt** stmt, const char* sql, QString* error)
{
    if (sqlite3_prepare_v3(m_handle, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) == SQLITE_OK) return true;
    if (error) *error = QStringLiteral("cannot prepare \"%1\": %2").arg(QString::fromUtf8(sql), sqliteError());
    return false;
}

bool SqliteEventStore::prepareStatements(QString* error)
{
    bool ok =
        prepare(&m_begin, "BEGIN IMMEDIATE", error) && prepare(&m_commit, "COMMIT", error)
        && prepare(&m_rollback, "ROLLBACK", error)
        && prepare(&m_nextBlockId, "SELECT coalesce(max(id), 0) + 1 FROM raw_blocks", error)
        && prepare(&m_insertEvent,
                   "INSERT OR IGNORE INTO events(uuid_key, uuid, published, bucket, event_type_id, actor_id, ip_id,"
                   " outcome, block_id, block_offset, raw_size) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                   error)
        && prepare(&m_insertNew, insertNewSql(1).constData(), error)
        && prepare(&m_insertNewMany, insertNewSql(kRowsPerInsert).constData(), error)
        && prepare(&m_maxKey, "SELECT max(uuid_key) FROM events", error)
        && prepare(&m_findByKey, "SELECT uuid, block_id, block_offset, raw_size FROM events WHERE uuid_key = ?1", error)
        && prepare(&m_insertBlock, "INSERT INTO raw_blocks(id, codec, raw_size, data) VALUES(?1, ?2, ?3, ?4)", error)
        && prepare(&m_readBlock, "SELECT codec, raw_size, data FROM raw_blocks WHERE id = ?1", error)
        && prepare(&m_upsertCursor,
                   "INSERT INTO cursors(source, position, updated_ms) VALUES(?1, ?2, ?3) ON CONFLICT(source) DO UPDATE"
                   " SET position = excluded.position, updated_ms = excluded.updated_ms",
                   error)
        // One bucket at a time: (bucket, actor_id, published) plus the implicit seq then gives the ORDER BY
        // without a sort, which a range over several buckets would not.
        && prepare(&m_actorEvents,
                   "SELECT block_id, block_offset, raw_size FROM events WHERE bucket = ?1 AND actor_id = ?2"
                   " AND published >= ?3 AND published < ?4 ORDER BY published, seq LIMIT ?5",
                   error)
        && prepare(&m_ipEvents,
                   "SELECT block_id, block_offset, raw_size FROM events WHERE bucket = ?1 AND ip_id = ?2"
                   " AND published >= ?3 AND published < ?4 ORDER BY published, seq LIMIT ?5",
                   error)
        // Lets readers skip runs of empty buckets (a quiet weekend, a gap in a replay) in one index seek.
        && prepare(&m_nextBucket, "SELECT bucket FROM events WHERE bucket > ?1 ORDER BY bucket LIMIT 1", error)
        // The newest bucket is one seek and max(published) inside it a scan of that bucket's index entries.
        && prepare(&m_newestPublished,
                   "SELECT max(published) FROM events WHERE bucket = (SELECT max(bucket) FROM events)", error)
        && prepare(&m_count, "SELECT count(*) FROM events", error)
        && prepare(&m_dataVersion, "PRAGMA data_version", error);
    for (Dictionary* dict : {&m_eventTypes, &m_actors, &m_ips}) {
        if (!ok) break;
        const QByteArray insert =
            QByteArray("INSERT OR IGNORE INTO ") + dict->table + '(' + dict->column + ") VALUES(?1)";
        const QByteArray select = QByteArray("SELECT id FROM ") + dict->table + " WHERE " + dict->column + " = ?1";
        ok = prepare(&dict->insert, insert.constData(), error) && prepare(&dict->select, select.constData(), error);
    }
    return ok;
}

bool SqliteEventStore::loadDictionary(Dictionary& dict, QString* error)
{
    const QByteArray sql = QByteArray("SELECT id, ") + dict.column + " FROM " + dict.table;
    sqlite3_stmt* stmt = nullptr;
    if (!prepare(&stmt, sql.constData(), error)) return false;
    dict.ids.clear();
    dict.pending.clear();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const std::string_view name = columnText(stmt, 1);
        dict.ids.insert(QByteArray(name.data(), qsizetype(name.size())), sqlite3_column_int64(stmt, 0));
    }
    if (rc != SQLITE_DONE && error)
        *error = QStringLiteral("cannot read %1: %2").arg(QLatin1String(dict.table), sqliteError());
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
}

void SqliteEventStore::finalizeStatements()
{
    for (sqlite3_stmt** stmt :
         {&m_begin,           &m_commit,        &m_rollback,    &m_nextBlockId,       &m_insertEvent,
          &m_insertNew,       &m_insertNewMany, &m_maxKey,      &m_findByKey,         &m_insertBlock,
          &m_readBlock,       &m_upsertCursor,  &m_actorEvents, &m_ipEvents,          &m_nextBucket,
          &m_newestPublished, &m_count,         &m_dataVersion, &m_eventTypes.insert, &m_eventTypes.select,
          &m_actors.insert,   &m_actors.select, &m_ips.insert,  &m_ips.select}) {
        sqlite3_finalize(*stmt); // a no-op on nullptr
        *stmt = nullptr;
    }
}

void SqliteEventStore::close()
{
    // Before the connection: its hook is on it, and its own connection must not outlive this one.
    m_checkpointer.reset();
    // Qt's driver closes with sqlite3_close(), which refuses while any statement is alive.
    finalizeStatements();
    m_handle = nullptr;
    if (m_db.isValid()) m_db.close();
    m_db = QSqlDatabase();
    if (!m_connectionName.isEmpty()) {
        QSqlDatabase::removeDatabase(m_connectionName);
        m_connectionName.clear();
    }
    for (Dictionary* dict : {&m_eventTypes, &m_actors, &m_ips}) {
        dict->ids.clear();
        dict->pending.clear();
    }
    m_blockWriter.clear();
    m_schemaVersion = 0;
    m_cachedCount = -1;
    m_cachedDataVersion = -1;
}

QString SqliteEventStore::sqliteError() const
{
    return m_handle ? QString::fromUtf8(sqlite3_errmsg(m_handle)) : QStringLiteral("the event store is not open");
}

bool SqliteEventStore::runStep(sqlite3_stmt* stmt, QString* error)
{
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        if (error) *error = sqliteError();
        sqlite3_reset(stmt);
        return false;
    }
    sqlite3_reset(stmt);
    return true;
}

bool SqliteEventStore::dictionaryId(Dictionary& dict, std::string_view value, qint64* id, QString* error)
{
    *id = 0;
    if (value.empty()) return true;
    // fromRawData: a lookup key without copying the name.
    if (const auto it = dict.ids.constFind(QByteArray::fromRawData(value.data(), qsizetype(value.size())));
        it != dict.ids.cend()) {
        *id = it.value();
        return true;
    }
    bindText(dict.insert, 1, value);
    if (!runStep(dict.insert, error)) return false;
    if (sqlite3_changes(m_handle) > 0) {
        *id = sqlite3_last_insert_rowid(m_handle);
    } else {
        // Another connection added the name after this one loaded its cache.
        StatementScope scope(dict.select);
        bindText(dict.select, 1, value);
        if (sqlite3_step(dict.select) != SQLITE_ROW) {
            if (error)
                *error = QStringLiteral("cannot find the %1 id of a known name: %2")
                             .arg(QLatin1String(dict.table), sqliteError());
            return false;
        }
        *id = sqlite3_column_int64(dict.select, 0);
    }
    const QByteArray name(value.data(), qsizetype(value.size()));
    dict.ids.insert(name, *id);
    dict.pending.append(name);
    return true;
}

SqliteEventStore::InsertOutcome SqliteEventStore::insertEvent(const okta::LogEvent& event,
                                                              qint64 eventTypeId,
                                                              qint64 actorId,
                                                              qint64 ipId,
                                                              qint64 blockId,
                                                              qint64 blockOffset,
                                                              qint64* usedKey,
                                                              QString* error)
{
    const std::string_view uuid = event.uuid();
    sqlite3_stmt* stmt = m_insertEvent;
    bindText(stmt, 2, uuid);
    sqlite3_bind_int64(stmt, 3, event.publishedMs());
    sqlite3_bind_int64(stmt, 4, bucketOf(event.publishedMs()));
    bindIdOrNull(stmt, 5, eventTypeId);
    bindIdOrNull(stmt, 6, actorId);
    bindIdOrNull(stmt, 7, ipId);
    const std::string_view outcome = event.outcomeResult();
    if (outcome.empty()) {
        sqlite3_bind_null(stmt, 8);
    } else {
        bindText(stmt, 8, outcome);
    }
    sqlite3_bind_int64(stmt, 9, blockId);
    sqlite3_bind_int64(stmt, 10, blockOffset);
    sqlite3_bind_int64(stmt, 11, event.rawJson().size());

    // Open addressing on uuid_key: the first free key from hash(uuid) on is this uuid's.
    qint64 key = m_keyFunction(uuid);
    for (int probe = 0; probe < kMaxProbes; ++probe, key = nextKey(key)) {
        *usedKey = key;
        sqlite3_bind_int64(stmt, 1, key);
        if (!runStep(stmt, error)) return InsertOutcome::Failed;
        if (sqlite3_changes(m_handle) > 0) return InsertOutcome::Inserted;

        StatementScope scope(m_findByKey);
        sqlite3_bind_int64(m_findByKey, 1, key);
        const int rc = sqlite3_step(m_findByKey);
        if (rc != SQLITE_ROW) {
            if (error) {
                *error = rc == SQLITE_DONE ? QStringLiteral("an event insert was ignored for no known reason")
                                           : sqliteError();
            }
            return InsertOutcome::Failed;
        }
        if (columnText(m_findByKey, 0) == uuid) return InsertOutcome::Duplicate;
    }
    if (error) *error = QStringLiteral("more than %1 uuid_key collisions in a row").arg(kMaxProbes);
    return InsertOutcome::Failed;
}

void SqliteEventStore::bindRow(sqlite3_stmt* stmt, int first, const PendingRow& row)
{
    const okta::LogEvent& event = *row.event;
    sqlite3_bind_int64(stmt, first, row.key);
    bindText(stmt, first + 1, event.uuid());
    sqlite3_bind_int64(stmt, first + 2, event.publishedMs());
    sqlite3_bind_int64(stmt, first + 3, bucketOf(event.publishedMs()));
    bindIdOrNull(stmt, first + 4, row.eventTypeId);
    bindIdOrNull(stmt, first + 5, row.actorId);
    bindIdOrNull(stmt, first + 6, row.ipId);
    const std::string_view outcome = event.outcomeResult();
    if (outcome.empty()) {
        sqlite3_bind_null(stmt, first + 7);
    } else {
        bindText(stmt, first + 7, outcome);
    }
    sqlite3_bind_int64(stmt, first + 8, row.blockId);
    sqlite3_bind_int64(stmt, first + 9, row.blockOffset);
    sqlite3_bind_int64(stmt, first + 10, event.rawJson().size());
}

bool SqliteEventStore::flushPendingRows(QString* error)
{
    // One statement per kRowsPerInsert rows: per-statement work (VDBE setup and halt) was a third of
    // SQLite's time per event when each row had its own.
    qsizetype done = 0;
    for (; done + kRowsPerInsert <= m_pendingRows.size(); done += kRowsPerInsert) {
        for (int r = 0; r < kRowsPerInsert; ++r)
            bindRow(m_insertNewMany, r * kEventColumns + 1, m_pendingRows.at(done + r));
        if (!runStep(m_insertNewMany, error)) return false;
    }
    for (; done < m_pendingRows.size(); ++done) {
        bindRow(m_insertNew, 1, m_pendingRows.at(done));
        if (!runStep(m_insertNew, error)) return false;
    }
    m_pendingRows.clear();
    return true;
}

bool SqliteEventStore::insertBlockRow(
    qint64 blockId, RawCodec codec, qsizetype rawSize, QByteArrayView data, QString* error)
{
    sqlite3_bind_int64(m_insertBlock, 1, blockId);
    sqlite3_bind_int(m_insertBlock, 2, int(codec));
    sqlite3_bind_int64(m_insertBlock, 3, rawSize);
    sqlite3_bind_blob(m_insertBlock, 4, data.data(), int(data.size()), SQLITE_STATIC);
    return runStep(m_insertBlock, error);
}

bool SqliteEventStore::writeCompressedBlocks(QString* error)
{
    for (const BlockCompressor::Block& block : m_compressor.finish()) {
        if (!block.ok) {
            if (error) *error = QStringLiteral("an event is too large to store (%1 bytes)").arg(block.rawSize);
            return false;
        }
        if (!insertBlockRow(block.id, block.codec, block.rawSize, block.data, error)) return false;
    }
    return true;
}

bool SqliteEventStore::writeCursor(const IngestCursor& cursor, QString* error)
{
    const QByteArray source = cursor.source.toUtf8();
    const QByteArray position = cursor.position.toUtf8();
    bindText(m_upsertCursor, 1, std::string_view(source.constData(), size_t(source.size())));
    bindText(m_upsertCursor, 2, std::string_view(position.constData(), size_t(position.size())));
    sqlite3_bind_int64(m_upsertCursor, 3,
                       cursor.updatedMs > 0 ? cursor.updatedMs : QDateTime::currentMSecsSinceEpoch());
    return runStep(m_upsertCursor, error);
}

void SqliteEventStore::rollbackTransaction()
{
    // Some errors (disk full, I/O) have already rolled the transaction back.
    if (!sqlite3_get_autocommit(m_handle) && sqlite3_step(m_rollback) != SQLITE_DONE) {
        qCWarning(lcStore) << "rollback failed:" << sqliteError();
    }
    sqlite3_reset(m_rollback);
    for (Dictionary* dict : {&m_eventTypes, &m_actors, &m_ips}) {
        for (const QByteArray& name : std::as_const(dict->pending))
            dict->ids.remove(name);
        dict->pending.clear();
    }
    m_blockWriter.clear();
    m_pendingRows.clear();
    m_compressor.discard();
}

AppendResult SqliteEventStore::appendBatch(const QList<okta::LogEvent>& events,
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
        rollbackTransaction();
        result = AppendResult();
        result.error =
            QStringLiteral("storing a batch of %1 events failed, nothing was kept: %2").arg(events.size()).arg(message);
        qCWarning(lcStore).noquote() << result.error;
        return result;
    };

    QString error;
    if (!runStep(m_begin, &error)) {
        result.error = QStringLiteral("cannot start a write transaction: %1").arg(error);
        qCWarning(lcStore).noquote() << result.error;
        return result;
    }
    for (Dictionary* dict : {&m_eventTypes, &m_actors, &m_ips})
        dict->pending.clear();
    m_blockWriter.clear();

    // Ids are handed out before the block row exists, which the write lock taken by BEGIN IMMEDIATE makes safe.
    qint64 blockId = 0;
    {
        StatementScope scope(m_nextBlockId);
        if (sqlite3_step(m_nextBlockId) != SQLITE_ROW) return fail(sqliteError());
        blockId = sqlite3_column_int64(m_nextBlockId, 0);
    }

    // The largest uuid_key stored. A key above it is free, and so is every key after it: the event is new
    // and its probe chain (see insertEvent()) is that one key. Okta's keys grow with time (uuidKey()), so
    // events arriving in order skip the duplicate lookup and go in kRowsPerInsert rows per statement; the
    // rest (older events, duplicates, other key shapes) take the probing path one at a time.
    std::optional<qint64> maxKey;
    {
        StatementScope scope(m_maxKey);
        if (sqlite3_step(m_maxKey) != SQLITE_ROW) return fail(sqliteError());
        if (sqlite3_column_type(m_maxKey, 0) != SQLITE_NULL) maxKey = sqlite3_column_int64(m_maxKey, 0);
    }
    m_pendingRows.clear();

    int skipped = 0;
    result.insertedIndexes.reserve(events.size());
    for (qsizetype index = 0; index < events.size(); ++index) {
        const okta::LogEvent& event = events.at(index);
        if (event.uuid().empty()) {
            ++skipped;
            continue;
        }
        qint64 eventTypeId = 0;
        qint64 actorId = 0;
        qint64 ipId = 0;
        if (!dictionaryId(m_eventTypes, event.eventType(), &eventTypeId, &error)
            || !dictionaryId(m_actors, event.actorAlternateId(), &actorId, &error)
            || !dictionaryId(m_ips, event.clientIp(), &ipId, &error)) {
            return fail(error);
        }

        const QByteArrayView raw = event.rawJson();
        if (m_blockWriter.needsFlushBefore(raw.size())) {
            // Full blocks are encoded on the compressor's thread meanwhile; their rows go in before COMMIT.
            m_compressor.submit(blockId, m_blockWriter.takeInput());
            ++blockId;
        }
        const qint64 key = m_keyFunction(event.uuid());
        if (!maxKey || key > *maxKey) {
            m_pendingRows.append({&event, key, eventTypeId, actorId, ipId, blockId, m_blockWriter.size()});
            m_blockWriter.append(raw);
            maxKey = key;
            ++result.inserted;
            result.insertedIndexes.append(int(index));
            continue;
        }
        // insertEvent() must see every row before this one in the table.
        if (!flushPendingRows(&error)) return fail(error);
        qint64 usedKey = key;
        switch (insertEvent(event, eventTypeId, actorId, ipId, blockId, m_blockWriter.size(), &usedKey, &error)) {
        case InsertOutcome::Inserted:
            m_blockWriter.append(raw);
            maxKey = std::max(*maxKey, usedKey);
            ++result.inserted;
            result.insertedIndexes.append(int(index));
            break;
        case InsertOutcome::Duplicate:
            ++result.duplicates;
            break;
        case InsertOutcome::Failed:
            return fail(error);
        }
    }
    if (!flushPendingRows(&error)) return fail(error);
    // The last block is encoded here while the compressor finishes the others, and written after them:
    // raw_blocks rows in id order are appended to their b-tree, not inserted before its last page.
    if (!m_blockWriter.isEmpty()) {
        const std::optional<EncodedBlock> last = m_blockWriter.encode();
        if (!last) return fail(QStringLiteral("an event is too large to store (%1 bytes)").arg(m_blockWriter.size()));
        if (!writeCompressedBlocks(&error) || !insertBlockRow(blockId, last->codec, last->rawSize, last->data, &error))
            return fail(error);
        m_blockWriter.clear();
    } else if (!writeCompressedBlocks(&error)) {
        return fail(error);
    }
    if (cursor && !writeCursor(*cursor, &error)) return fail(error);
    if (!runStep(m_commit, &error)) return fail(error);

    for (Dictionary* dict : {&m_eventTypes, &m_actors, &m_ips})
        dict->pending.clear();
    if (m_cachedCount >= 0) m_cachedCount += result.inserted;
    if (skipped > 0) qCWarning(lcStore) << "skipped" << skipped << "events without a uuid";
    result.ok = true;
    return result;
}

std::optional<IngestCursor> SqliteEventStore::cursor(const QString& source) const
{
    if (!isOpen()) return std::nullopt;
    QString error;
    std::optional<IngestCursor> found = StoreTables::readCursor(m_db, source, &error);
    if (!error.isEmpty()) qCWarning(lcStore) << "cannot read cursor" << source << ':' << error;
    return found;
}

qint64 SqliteEventStore::eventCount() const
{
    if (!isOpen()) return 0;
    qint64 dataVersion = -1;
    {
        StatementScope scope(m_dataVersion);
        if (sqlite3_step(m_dataVersion) == SQLITE_ROW) dataVersion = sqlite3_column_int64(m_dataVersion, 0);
    }
    if (m_cachedCount >= 0 && dataVersion >= 0 && dataVersion == m_cachedDataVersion) return m_cachedCount;

    StatementScope scope(m_count);
    if (sqlite3_step(m_count) != SQLITE_ROW) {
        qCWarning(lcStore) << "cannot count events:" << sqliteError();
        return 0;
    }
    m_cachedCount = sqlite3_column_int64(m_count, 0);
    m_cachedDataVersion = dataVersion;
    return m_cachedCount;
}

std::optional<SqliteEventStore::RawLocation> SqliteEventStore::locate(std::string_view uuid) const
{
    if (!isOpen() || uuid.empty()) return std::nullopt;
    qint64 key = m_keyFunction(uuid);
    for (int probe = 0; probe < kMaxProbes; ++probe, key = nextKey(key)) {
        StatementScope scope(m_findByKey);
        sqlite3_bind_int64(m_findByKey, 1, key);
        const int rc = sqlite3_step(m_findByKey);
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) {
            qCWarning(lcStore) << "cannot look up an event:" << sqliteError();
            return std::nullopt;
        }
        if (columnText(m_findByKey, 0) == uuid) {
            return RawLocation{sqlite3_column_int64(m_findByKey, 1), sqlite3_column_int64(m_findByKey, 2),
                               sqlite3_column_int64(m_findByKey, 3)};
        }
    }
    return std::nullopt;
}

bool SqliteEventStore::contains(std::string_view uuid) const
{
    return locate(uuid).has_value();
}

std::optional<QByteArray> SqliteEventStore::readSlice(const RawLocation& where) const
{
    // An empty event may point at a block that was never written (nothing went into it).
    if (where.size == 0) return QByteArray();
    StatementScope scope(m_readBlock);
    sqlite3_bind_int64(m_readBlock, 1, where.blockId);
    if (sqlite3_step(m_readBlock) != SQLITE_ROW) {
        qCWarning(lcStore) << "raw block" << where.blockId << "is missing:" << sqliteError();
        return std::nullopt;
    }
    const auto codec = static_cast<RawCodec>(sqlite3_column_int(m_readBlock, 0));
    const qint64 rawSize = sqlite3_column_int64(m_readBlock, 1);
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_readBlock, 2));
    const int dataSize = sqlite3_column_bytes(m_readBlock, 2);
    auto slice = RawBlockCodec::slice(codec, QByteArrayView(data, dataSize), rawSize, where.offset, where.size);
    if (!slice) qCWarning(lcStore) << "raw block" << where.blockId << "is damaged";
    return slice;
}

std::optional<QByteArray> SqliteEventStore::rawEvent(std::string_view uuid) const
{
    const std::optional<RawLocation> where = locate(uuid);
    if (!where) return std::nullopt;
    return readSlice(*where);
}

std::optional<qint64> SqliteEventStore::newestPublishedMs() const
{
    if (!isOpen()) return std::nullopt;
    StatementScope scope(m_newestPublished);
    if (sqlite3_step(m_newestPublished) != SQLITE_ROW) {
        qCWarning(lcStore) << "cannot read the newest event time:" << sqliteError();
        return std::nullopt;
    }
    if (sqlite3_column_type(m_newestPublished, 0) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(m_newestPublished, 0);
}

QList<QByteArray>
SqliteEventStore::eventsForActor(std::string_view alternateId, qint64 fromMs, qint64 toMs, int limit) const
{
    return eventsByName(m_actors, m_actorEvents, alternateId, fromMs, toMs, limit);
}

QList<QByteArray> SqliteEventStore::eventsForIp(std::string_view ip, qint64 fromMs, qint64 toMs, int limit) const
{
    return eventsByName(m_ips, m_ipEvents, ip, fromMs, toMs, limit);
}

QList<QByteArray> SqliteEventStore::eventsByName(
    const Dictionary& dict, sqlite3_stmt* byBucket, std::string_view name, qint64 fromMs, qint64 toMs, int limit) const
{
    if (!isOpen() || name.empty() || limit == 0 || fromMs >= toMs) return {};

    // The database, not the cache: another connection may have added the name.
    qint64 id = 0;
    {
        StatementScope scope(dict.select);
        bindText(dict.select, 1, name);
        const int rc = sqlite3_step(dict.select);
        if (rc == SQLITE_DONE) return {};
        if (rc != SQLITE_ROW) {
            qCWarning(lcStore) << "cannot look up" << dict.table << "entry:" << sqliteError();
            return {};
        }
        id = sqlite3_column_int64(dict.select, 0);
    }

    // Buckets are ordered like the times in them, so walking them oldest first and each in (published, seq)
    // order yields the whole range in that order. toMs > fromMs, so toMs - 1 cannot overflow.
    const qint64 lastBucket = bucketOf(toMs - 1);
    qint64 bucket = bucketOf(fromMs);
    QList<RawLocation> locations;
    while (bucket <= lastBucket) {
        StatementScope scope(byBucket);
        sqlite3_bind_int64(byBucket, 1, bucket);
        sqlite3_bind_int64(byBucket, 2, id);
        sqlite3_bind_int64(byBucket, 3, fromMs);
        sqlite3_bind_int64(byBucket, 4, toMs);
        sqlite3_bind_int64(byBucket, 5, limit < 0 ? -1 : limit - locations.size());
        int rc;
        while ((rc = sqlite3_step(byBucket)) == SQLITE_ROW) {
            locations.append({sqlite3_column_int64(byBucket, 0), sqlite3_column_int64(byBucket, 1),
                              sqlite3_column_int64(byBucket, 2)});
        }
        if (rc != SQLITE_DONE) {
            qCWarning(lcStore) << "cannot read events by" << dict.table << ':' << sqliteError();
            return {};
        }
        if (limit >= 0 && locations.size() >= limit) break;

        StatementScope nextScope(m_nextBucket);
        sqlite3_bind_int64(m_nextBucket, 1, bucket);
        rc = sqlite3_step(m_nextBucket);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) {
            qCWarning(lcStore) << "cannot read events by" << dict.table << ':' << sqliteError();
            return {};
        }
        bucket = sqlite3_column_int64(m_nextBucket, 0);
    }
    return readRawEvents(locations);
}

QList<QByteArray> SqliteEventStore::readRawEvents(const QList<RawLocation>& locations) const
{
    QList<QByteArray> out;
    // Neighbouring events usually share a block: decode each block once.
    QHash<qint64, QByteArray> blocks;
    out.reserve(locations.size());
    for (const RawLocation& where : locations) {
        if (where.size == 0) {
            out.append(QByteArray());
            continue;
        }
        auto it = blocks.find(where.blockId);
        if (it == blocks.end()) {
            StatementScope scope(m_readBlock);
            sqlite3_bind_int64(m_readBlock, 1, where.blockId);
            std::optional<QByteArray> block;
            if (sqlite3_step(m_readBlock) == SQLITE_ROW) {
                const auto* data = static_cast<const char*>(sqlite3_column_blob(m_readBlock, 2));
                block = RawBlockCodec::decode(static_cast<RawCodec>(sqlite3_column_int(m_readBlock, 0)),
                                              QByteArrayView(data, sqlite3_column_bytes(m_readBlock, 2)),
                                              sqlite3_column_int64(m_readBlock, 1));
            }
            if (!block) {
                qCWarning(lcStore) << "raw block" << where.blockId << "is missing or damaged";
                continue;
            }
            it = blocks.insert(where.blockId, *block);
        }
        if (where.offset < 0 || where.size < 0 || where.offset + where.size > it->size()) {
            qCWarning(lcStore) << "an event points outside raw block" << where.blockId;
            continue;
        }
        out.append(it->sliced(where.offset, where.size));
    }
    return out;
}

qint64 SqliteEventStore::sizeOnDisk() const
{
    return QFileInfo(m_path).size() + QFileInfo(m_path + QLatin1String("-wal")).size();
}

bool SqliteEventStore::saveBaselines(const QList<BaselineRecord>& records, QString* error)
{
    if (!isOpen()) {
        if (error) *error = QStringLiteral("the event store is not open");
        return false;
    }
    return StoreTables::saveBaselines(m_db, records, error);
}

QList<BaselineRecord> SqliteEventStore::loadBaselines() const
{
    if (!isOpen()) return {};
    QString error;
    QList<BaselineRecord> records = StoreTables::loadBaselines(m_db, &error);
    if (!error.isEmpty()) qCWarning(lcStore) << "cannot read baselines:" << error;
    return records;
}

std::optional<qint64> SqliteEventStore::oldestPublishedMs() const
{
    if (!isOpen()) return std::nullopt;
    QSqlQuery q(m_db);
    // The oldest bucket first (index prefix), then the minimum inside it.
    if (!q.exec(QStringLiteral("SELECT min(published) FROM events WHERE bucket = (SELECT min(bucket) FROM events)"))
        || !q.next() || q.isNull(0)) {
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

bool SqliteEventStore::visitEvents(qint64 fromMs,
                                   qint64 toMs,
                                   const std::function<bool(QByteArrayView raw)>& visit) const
{
    if (!isOpen() || fromMs >= toMs) return isOpen();
    // One bucket at a time keeps memory to a quarter hour of events and uses the bucket index.
    QSqlQuery next(m_db);
    next.prepare(QStringLiteral("SELECT min(bucket) FROM events WHERE bucket >= ? AND bucket <= ?"));
    QSqlQuery rows(m_db);
    rows.setForwardOnly(true);
    rows.prepare(QStringLiteral("SELECT block_id, block_offset, raw_size FROM events"
                                " WHERE bucket = ? AND published >= ? AND published < ? ORDER BY published, seq"));
    const qint64 lastBucket = bucketOf(toMs - 1);
    qint64 bucket = bucketOf(fromMs);
    while (bucket <= lastBucket) {
        next.addBindValue(bucket);
        next.addBindValue(lastBucket);
        if (!next.exec() || !next.next()) {
            qCWarning(lcStore) << "cannot walk the events:" << next.lastError().text();
            return false;
        }
        if (next.isNull(0)) break;
        bucket = next.value(0).toLongLong();
        next.finish();
        rows.addBindValue(bucket);
        rows.addBindValue(fromMs);
        rows.addBindValue(toMs);
        if (!rows.exec()) {
            qCWarning(lcStore) << "cannot read events:" << rows.lastError().text();
            return false;
        }
        QList<RawLocation> locations;
        while (rows.next())
            locations.append({rows.value(0).toLongLong(), rows.value(1).toLongLong(), rows.value(2).toLongLong()});
        rows.finish();
        for (const QByteArray& raw : readRawEvents(locations)) {
            if (!visit(raw)) return true;
        }
        ++bucket;
    }
    return true;
}

} // namespace vigil::store

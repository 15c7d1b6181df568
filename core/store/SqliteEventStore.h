// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/EventStore.h"
#include "core/store/RawBlockCodec.h"
#include "core/store/WalCheckpointer.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>

#include <memory>
#include <optional>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::store {

Q_DECLARE_LOGGING_CATEGORY(lcStore)

// The embedded event store: one SQLite file in WAL mode (schema in SqliteMigrations.cpp). The WAL is
// checkpointed by a WalCheckpointer on a thread of its own, never inside a commit.
//
// Opens its own uniquely named Qt Sql connection, so several stores may live in one process; each
// instance must be used from one thread only. Writes go through the sqlite3 C API on that connection
// with statements prepared once, because per-row QVariant binding is several times too slow for the
// ingest rate the poller and replay need.
class SqliteEventStore final : public EventStore
{
public:
    using UuidKeyFunction = qint64 (*)(std::string_view uuid);

    explicit SqliteEventStore(QString path);
    // Lets tests force uuid_key collisions. A file must always be opened with the key function it was
    // written with, or its events cannot be found.
    SqliteEventStore(QString path, UuidKeyFunction keyFunction);
    ~SqliteEventStore() override;

    SqliteEventStore(const SqliteEventStore&) = delete;
    SqliteEventStore& operator=(const SqliteEventStore&) = delete;

    static QString defaultFileName();
    // The 64-bit dedupe key stored in events.uuid_key. It is part of the file format: changing it makes
    // every stored event unfindable.
    //
    // Okta's uuids are version-1 (time-based) UUIDs. For those the key is the 60-bit timestamp shifted
    // left by 4, plus 4 bits of FNV-1a 64 of the clock-sequence and node part, so keys grow with time
    // and the UNIQUE index is appended to: a hash spread over the whole range dirties one random index
    // page per stored event, which cost ~45% of the insert rate. Anything else gets FNV-1a 64 of its
    // bytes. Collisions from either are resolved by probing (see insertEvent()).
    static qint64 uuidKey(std::string_view uuid);
    static quint64 fnv1a64(std::string_view bytes);

    // Width of the time buckets that lead the actor and IP indexes (see SqliteMigrations.cpp). Part of the
    // file format, like uuidKey(): rows are found by the bucket computed from their `published`.
    static constexpr qint64 kBucketMs = 15 * 60 * 1000;
    // floor(publishedMs / kBucketMs), also for times before 1970.
    static qint64 bucketOf(qint64 publishedMs)
    {
        const qint64 bucket = publishedMs / kBucketMs;
        return publishedMs % kBucketMs < 0 ? bucket - 1 : bucket;
    }

    QString path() const override { return m_path; }
    // A second connection that only reads (the console's views) leaves checkpoints to the writer's
    // WalCheckpointer. Call before open().
    void setCheckpointing(bool on) { m_checkpointing = on; }
    bool isOpen() const { return m_handle != nullptr; }

    bool open(QString* error) override;
    void close() override;
    int schemaVersion() const override { return m_schemaVersion; }

    AppendResult appendBatch(const QList<okta::LogEvent>& events,
                             const std::optional<IngestCursor>& cursor = std::nullopt) override;
    std::optional<IngestCursor> cursor(const QString& source) const override;

    qint64 eventCount() const override;
    bool contains(std::string_view uuid) const override;
    std::optional<QByteArray> rawEvent(std::string_view uuid) const override;
    std::optional<qint64> newestPublishedMs() const override;
    QList<QByteArray>
    eventsForActor(std::string_view alternateId, qint64 fromMs, qint64 toMs, int limit) const override;
    // Stored events from one client IP in [fromMs, toMs), oldest first, as raw JSON (like eventsForActor()).
    QList<QByteArray> eventsForIp(std::string_view ip, qint64 fromMs, qint64 toMs, int limit) const;
    qint64 sizeOnDisk() const override;
    bool saveBaselines(const QList<BaselineRecord>& records, QString* error) override;
    QSqlDatabase database() const override { return m_db; }
    bool visitEvents(qint64 fromMs, qint64 toMs, const std::function<bool(QByteArrayView raw)>& visit) const override;
    std::optional<qint64> oldestPublishedMs() const override;
    QList<BaselineRecord> loadBaselines() const override;

private:
    // A name table (actors, ips, event_types) and its in-memory id cache.
    struct Dictionary
    {
        const char* table = nullptr;
        const char* column = nullptr;
        sqlite3_stmt* insert = nullptr;
        sqlite3_stmt* select = nullptr;
        // Three lookups per stored event: with thousands of actors and IPs, std::unordered_map<std::string>
        // took ~18% of the insert path and QHash (open addressing, keys looked up without a copy) half that.
        QHash<QByteArray, qint64> ids;
        // Ids learnt inside the open transaction; forgotten again if it rolls back.
        QList<QByteArray> pending;
    };

    struct RawLocation
    {
        qint64 blockId = 0;
        qint64 offset = 0;
        qint64 size = 0;
    };

    enum class InsertOutcome
    {
        Inserted,
        Duplicate,
        Failed
    };

    bool failOpen(QString* error, const QString& message);
    bool prepareStatements(QString* error);
    bool prepare(sqlite3_stmt** stmt, const char* sql, QString* error);
    bool loadDictionary(Dictionary& dict, QString* error);
    void finalizeStatements();

    bool dictionaryId(Dictionary& dict, std::string_view value, qint64* id, QString* error);
    // `*key` is the uuid_key the event was stored under (or found at, for a duplicate).
    InsertOutcome insertEvent(const okta::LogEvent& event,
                              qint64 eventTypeId,
                              qint64 actorId,
                              qint64 ipId,
                              qint64 blockId,
                              qint64 blockOffset,
                              qint64* key,
                              QString* error);
    // Rows known to be new (see appendBatch()) wait here and go in kRowsPerInsert at a time.
    struct PendingRow
    {
        const okta::LogEvent* event = nullptr;
        qint64 key = 0;
        qint64 eventTypeId = 0;
        qint64 actorId = 0;
        qint64 ipId = 0;
        qint64 blockId = 0;
        qint64 blockOffset = 0;
    };
    static constexpr int kRowsPerInsert = 32;
    void bindRow(sqlite3_stmt* stmt, int firstParameter, const PendingRow& row);
    bool flushPendingRows(QString* error);
    bool insertBlockRow(qint64 blockId, RawCodec codec, qsizetype rawSize, QByteArrayView data, QString* error);
    bool writeCompressedBlocks(QString* error);
    bool writeCursor(const IngestCursor& cursor, QString* error);
    bool runStep(sqlite3_stmt* stmt, QString* error);
    void rollbackTransaction();
    QString sqliteError() const;

    // Walks the uuid_key probe chain: nullopt when the uuid is not stored.
    std::optional<RawLocation> locate(std::string_view uuid) const;
    std::optional<QByteArray> readSlice(const RawLocation& where) const;
    // eventsForActor() and eventsForIp(): `byBucket` selects one bucket's rows of one dictionary id.
    QList<QByteArray> eventsByName(const Dictionary& dict,
                                   sqlite3_stmt* byBucket,
                                   std::string_view name,
                                   qint64 fromMs,
                                   qint64 toMs,
                                   int limit) const;
    QList<QByteArray> readRawEvents(const QList<RawLocation>& locations) const;

    QString m_path;
    UuidKeyFunction m_keyFunction;
    QString m_connectionName;
    QSqlDatabase m_db;
    sqlite3* m_handle = nullptr;
    int m_schemaVersion = 0;

    sqlite3_stmt* m_begin = nullptr;
    sqlite3_stmt* m_commit = nullptr;
    sqlite3_stmt* m_rollback = nullptr;
    sqlite3_stmt* m_nextBlockId = nullptr;
    sqlite3_stmt* m_insertEvent = nullptr;
    sqlite3_stmt* m_insertNew = nullptr;     // one new row (plain INSERT)
    sqlite3_stmt* m_insertNewMany = nullptr; // kRowsPerInsert new rows
    sqlite3_stmt* m_maxKey = nullptr;
    sqlite3_stmt* m_findByKey = nullptr;
    sqlite3_stmt* m_insertBlock = nullptr;
    sqlite3_stmt* m_readBlock = nullptr;
    sqlite3_stmt* m_upsertCursor = nullptr;
    sqlite3_stmt* m_actorEvents = nullptr;
    sqlite3_stmt* m_ipEvents = nullptr;
    sqlite3_stmt* m_nextBucket = nullptr;
    sqlite3_stmt* m_newestPublished = nullptr;
    sqlite3_stmt* m_count = nullptr;
    sqlite3_stmt* m_dataVersion = nullptr;

    Dictionary m_eventTypes;
    Dictionary m_actors;
    Dictionary m_ips;

    RawBlockWriter m_blockWriter;
    BlockCompressor m_compressor;
    // Checkpoints off the writer's thread (file stores in WAL mode only).
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    bool m_checkpointing = true;
    QList<PendingRow> m_pendingRows;

    // count(*) walks a whole index, so it is cached until another connection commits (data_version).
    mutable qint64 m_cachedCount = -1;
    mutable qint64 m_cachedDataVersion = -1;
};

} // namespace vigil::store

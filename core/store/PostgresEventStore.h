// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/EventStore.h"
#include "core/store/RawBlockCodec.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <optional>

namespace vigil::store {

Q_DECLARE_LOGGING_CATEGORY(lcPgStore)

// Where a team's PostgreSQL database is: `postgresql://user@host:port/database`. The password never
// goes in the URL (it would end up in shell history, process lists and settings); it comes from the
// keychain or VIGIL_STORE_PASSWORD.
struct PostgresLocation
{
    QString host;
    int port = 5432;
    QString user;
    QString database;
    QByteArray password; // never logged

    // nullopt (with `error`) for anything else, including a URL that carries a password.
    static std::optional<PostgresLocation> parse(const QString& url, QString* error);
    static bool isPostgresUrl(const QString& text);
    // The URL again, without a password: safe to log and to show.
    QString displayUrl() const;
    // Opens a Qt Sql connection named `connectionName` with keep-alives on both ends, so that a
    // console whose network died is noticed (and its session locks freed) within ~30 s. The caller
    // removes the connection.
    QSqlDatabase connect(const QString& connectionName, const QString& applicationName, QString* error) const;
};

// Team mode's event store (issue 8): the EventStore contract on PostgreSQL through Qt Sql's QPSQL, with
// the same schema versions as the SQLite store (PostgresMigrations.cpp). Several consoles share it:
// - events are deduplicated by uuid with INSERT … ON CONFLICT DO NOTHING, so a page stored twice (two
//   pollers, a hook and the poller) keeps one copy;
// - appendBatch() stores the batch and its cursor in one transaction and locks the cursor row first,
//   so two writers of one source are serialised and the cursor only moves forward with what is stored;
// - raw JSON goes into LZ4 blocks (raw_blocks) as in SQLite: ~3x smaller than per-event rows and
//   fewer, larger writes.
// - Events are committed in the order of their `seq`: appendBatch() takes a transaction-level advisory
//   lock just before it inserts event rows and holds it until the commit, so a console that has seen
//   every event up to seq N has seen everything committed before N, and can tail the rest with
//   eventsAfter(N). Each commit that stored events is announced with NOTIFY vigil_events (payload: the
//   newest seq); within a batch, seq follows `published` (stable), the order the risk engine wants.
// One instance per thread; it owns its connection.
class PostgresEventStore final : public EventStore
{
public:
    explicit PostgresEventStore(PostgresLocation location, QString applicationName = QStringLiteral("vigil"));
    ~PostgresEventStore() override;
    PostgresEventStore(const PostgresEventStore&) = delete;
    PostgresEventStore& operator=(const PostgresEventStore&) = delete;

    const PostgresLocation& location() const { return m_location; }
    bool isOpen() const { return m_db.isOpen(); }

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
    bool visitEvents(qint64 fromMs, qint64 toMs, const std::function<bool(QByteArrayView raw)>& visit) const override;
    std::optional<qint64> oldestPublishedMs() const override;
    // As visitEvents(), but only events with seq <= maxSeq: a console warming up before it tails from maxSeq.
    bool visitEventsUpTo(qint64 fromMs,
                         qint64 toMs,
                         qint64 maxSeq,
                         const std::function<bool(QByteArrayView raw)>& visit) const;

    // Team mode: every console's events in commit order.
    struct Committed
    {
        qint64 seq = 0;
        okta::LogEvent event;
    };
    // The newest committed seq (0 when there are no events); nullopt on a database error.
    std::optional<qint64> newestSeq() const;
    // Up to `limit` events with seq > afterSeq, in seq order, into `out` (cleared first); `reached` is the
    // seq to ask after next time (past gaps and events that could not be read back; afterSeq when nothing
    // new was committed). Events this instance stored itself come from memory while keepsCommitted() (no
    // read back, no parse); everything else is read and parsed. False (with `error`) on a database error.
    bool eventsAfter(qint64 afterSeq, int limit, QList<Committed>* out, qint64* reached, QString* error = nullptr);
    // Keep the events of this instance's own commits for eventsAfter() (LivePipeline turns it on).
    void setKeepCommitted(bool keep);
    bool keepsCommitted() const { return m_keepCommitted; }

    bool saveBaselines(const QList<BaselineRecord>& records, QString* error) override;
    QList<BaselineRecord> loadBaselines() const override;
    QSqlDatabase database() const override { return m_db; }
    qint64 sizeOnDisk() const override;
    QString path() const override { return m_location.displayUrl(); }

private:
    AppendResult appendOnce(const QList<okta::LogEvent>& events, const std::optional<IngestCursor>& cursor);

    struct Dictionary
    {
        QString table;
        QString column;
        QHash<QByteArray, qint64> ids;
        QList<QByteArray> pending; // learnt inside the open transaction; forgotten on rollback
    };
    struct Location
    {
        qint64 blockId = 0;
        qint64 offset = 0;
        qint64 size = 0;
    };
    struct PendingBlock
    {
        qint64 id = 0;
        RawCodec codec = RawCodec::Stored;
        qint64 rawSize = 0;
        QByteArray data;
    };

    bool resolveNames(Dictionary& dict, const QList<QByteArray>& names, QString* error);
    std::optional<qint64> nextBlockId(QString* error);
    bool closeBlock(qint64 id, QString* error);
    bool insertRows(const QList<okta::LogEvent>& events,
                    const QList<int>& indexes,
                    const QList<Location>& locations,
                    QHash<QByteArray, qint64>& inserted,
                    QString* error);
    QList<QByteArray> readRaw(const QList<Location>& locations) const;
    // One entry per location, nullopt where the block is missing or damaged.
    QList<std::optional<QByteArray>> readRawAligned(const QList<Location>& locations) const;
    void forgetPending();

    // eventCount() counts only the rows committed since it last looked: a full count(*) took ~130 ms at a
    // million events, and the console asks for it with every snapshot. Exact because rows are committed in
    // seq order (appendBatch() holds an advisory lock from insert to commit) and never deleted.
    mutable qint64 m_countedRows = 0;
    mutable qint64 m_countedUpToSeq = 0; // every row with seq <= this is in m_countedRows

    PostgresLocation m_location;
    QString m_applicationName;
    QString m_connectionName;
    QSqlDatabase m_db;
    int m_schemaVersion = 0;
    Dictionary m_eventTypes;
    Dictionary m_actors;
    Dictionary m_ips;
    RawBlockWriter m_blockWriter;
    QList<PendingBlock> m_blocks;

    // This instance's own commits, for eventsAfter(): the events it stored, by seq, and the newest seq
    // committed before them (under the append lock, so everything up to it was already visible).
    struct OwnCommit
    {
        qint64 before = 0;
        QList<Committed> events; // by seq
    };
    bool m_keepCommitted = false;
    QList<OwnCommit> m_ownCommits;
    qsizetype m_ownCommitEvents = 0;
};

} // namespace vigil::store

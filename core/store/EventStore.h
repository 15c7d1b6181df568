// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

namespace vigil::store {

// Where an ingestion source stands (the System Log `next` URL, a hook delivery id, a replay file offset…).
struct IngestCursor
{
    QString source;   // "okta-poll", "okta-hook", "replay:<file>"
    QString position; // opaque to the store
    qint64 updatedMs = 0;
};

// A learned baseline (risk::UserBaseline, risk::IpBaseline), serialised by the risk engine. The store
// keeps the newest record per (kind, key) and does not look inside.
struct BaselineRecord
{
    enum Kind : int
    {
        User = 1,
        Ip = 2,
    };
    int kind = User;
    QString key; // the user's alternateId or the IP address
    QByteArray data;
    qint64 updatedMs = 0;
};

struct AppendResult
{
    bool ok = false;
    int inserted = 0;
    int duplicates = 0; // events whose uuid was already stored (or repeated inside the batch)
    // Positions in the batch of the events that were new: the live pipeline scores only those, so an
    // event delivered by both a hook and the poller counts once.
    QList<int> insertedIndexes;
    QString error; // set when ok is false; nothing of the batch was kept
};

// The embedded store's contract. SQLite implements it today; team mode adds a PostgreSQL one.
//
// appendBatch() is the only write path for events: the batch and the cursor that covers it
// are committed in one transaction, so a crash never keeps half a batch or loses a committed event,
// and a restarted poller resumes exactly after what was stored.
class EventStore
{
public:
    virtual ~EventStore() = default;

    virtual bool open(QString* error) = 0;
    virtual void close() = 0;
    virtual int schemaVersion() const = 0;

    virtual AppendResult appendBatch(const QList<okta::LogEvent>& events,
                                     const std::optional<IngestCursor>& cursor = std::nullopt) = 0;
    virtual std::optional<IngestCursor> cursor(const QString& source) const = 0;

    virtual qint64 eventCount() const = 0;
    virtual bool contains(std::string_view uuid) const = 0;
    // The event's JSON exactly as received, or nullopt if unknown.
    virtual std::optional<QByteArray> rawEvent(std::string_view uuid) const = 0;
    // Newest `published` stored (UTC ms), or nullopt when empty; a poller resumes from here if its cursor is rejected.
    virtual std::optional<qint64> newestPublishedMs() const = 0;
    // Stored events of one actor (alternateId) in [fromMs, toMs), oldest first, as raw JSON.
    virtual QList<QByteArray>
    eventsForActor(std::string_view alternateId, qint64 fromMs, qint64 toMs, int limit) const = 0;
    // Every stored event with fromMs <= published < toMs, oldest first (ties in arrival order), as raw
    // JSON; `visit` returns false to stop. For `vigil report` and for warming the risk engine at start.
    virtual bool
    visitEvents(qint64 fromMs, qint64 toMs, const std::function<bool(QByteArrayView raw)>& visit) const = 0;
    // Oldest `published` stored, or nullopt when empty.
    virtual std::optional<qint64> oldestPublishedMs() const = 0;
    // Baselines: replaced per (kind, key) in one transaction; all of them read back at start.
    virtual bool saveBaselines(const QList<BaselineRecord>& records, QString* error) = 0;
    virtual QList<BaselineRecord> loadBaselines() const = 0;
    // The open connection, for the response engine's and the audit log's own tables (portable SQL through
    // Qt Sql, so the PostgreSQL store can hand out its connection the same way). Same thread only.
    virtual QSqlDatabase database() const = 0;
    // Size of the database on disk in bytes (for the status bar).
    virtual qint64 sizeOnDisk() const = 0;
    // Where the store is, for people: the SQLite file's path, or the team database's URL (never a password).
    virtual QString path() const = 0;
};

} // namespace vigil::store

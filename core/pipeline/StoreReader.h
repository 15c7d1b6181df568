// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/CoreThread.h"
#include "core/store/EventStore.h"
#include "core/store/PostgresEventStore.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace vigil::pipeline {

// Which store a StoreReader opens its own connection to: the embedded SQLite file, or team mode's PostgreSQL
// database (with the password the core's connection was given; never shown).
struct StoreSource
{
    QString sqlitePath;
    std::optional<store::PostgresLocation> team;

    static StoreSource sqlite(const QString& path);
    static StoreSource postgres(const store::PostgresLocation& where);
    // Where an open store is: its file, or its database and credentials.
    static StoreSource of(const store::EventStore& store);

    bool isEmpty() const { return sqlitePath.isEmpty() && !team; }
    bool isTeam() const { return team.has_value(); }
    // The file's path or the database's URL, for people (no password).
    QString display() const;
    // A new, unopened store for it: what the reader opens on its thread.
    std::unique_ptr<store::EventStore> makeStore(const QString& applicationName) const;
};

// A read connection to the store on a thread of its own, for the console's views: the event stream's pages, a
// user's timeline, the audit log, the policy preview. Their queries never run on the UI thread (a page of a
// million-event store is cheap, a policy preview is not) and never on the core thread, which keeps ingesting
// meanwhile. On SQLite it is a second connection to the file (WAL lets it read while the core writes); in team mode
// a second PostgreSQL connection ("vigil-reader"), which also sees what the other consoles store. The views' SQL
// runs on both (store::EventQueries, ui::AuditPage, UserProfileBuilder, PolicyPreview).
//
// Create and use it on the UI thread. Answers come back on that thread, and only while the receiver given with
// the query is still alive.
class StoreReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreReader)

public:
    explicit StoreReader(StoreSource source, QObject* parent = nullptr);
    explicit StoreReader(const QString& sqlitePath, QObject* parent = nullptr);
    ~StoreReader() override;

    // Opens the connection on the reader thread; blocks until it is open or failed.
    bool open(QString* error);
    bool isOpen() const { return m_open; }
    const StoreSource& source() const { return m_source; }
    // The file's path or the team database's URL (no password).
    QString path() const { return m_source.display(); }

    // Runs `work` on the reader thread and then `done(result)` on this object's thread if `receiver`
    // still exists. Queries run one after another, in the order given.
    template <class Result>
    void query(QObject* receiver, std::function<Result(store::EventStore&)> work, std::function<void(Result)> done)
    {
        QPointer<QObject> guard(receiver);
        m_thread.post([this, guard, work = std::move(work), done = std::move(done)]() mutable {
            if (!m_store) return;
            auto result = std::make_shared<Result>(work(*m_store));
            QMetaObject::invokeMethod(
                this,
                [guard, result, done = std::move(done)]() {
                    if (guard) done(std::move(*result));
                },
                Qt::QueuedConnection);
        });
    }

    // The same, waiting for the answer (tests, and a first page the window must have before it paints).
    template <class Result> Result queryBlocking(const std::function<Result(store::EventStore&)>& work)
    {
        std::optional<Result> result;
        m_thread.runBlocking([&] {
            if (m_store) result.emplace(work(*m_store));
        });
        return result ? std::move(*result) : Result{};
    }

private:
    StoreSource m_source;
    bool m_open = false;
    CoreThread m_thread;
    std::unique_ptr<store::EventStore> m_store; // created, used and destroyed on m_thread
};

} // namespace vigil::pipeline

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/CoreThread.h"
#include "core/store/SqliteEventStore.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace vigil::pipeline {

// A read-only connection to the store's file on a thread of its own, for the console's views: the
// event stream's pages, a user's timeline, the audit log, the policy preview. Their queries never run
// on the UI thread (a page of a million-event store is cheap, a policy preview is not) and never on the
// core thread, which keeps ingesting meanwhile; SQLite's WAL lets this connection read while the core
// writes.
//
// Create and use it on the UI thread. Answers come back on that thread, and only while the receiver
// given with the query is still alive.
class StoreReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreReader)

public:
    explicit StoreReader(QString storePath, QObject* parent = nullptr);
    ~StoreReader() override;

    // Opens the connection on the reader thread; blocks until it is open or failed.
    bool open(QString* error);
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }

    // Runs `work` on the reader thread and then `done(result)` on this object's thread if `receiver`
    // still exists. Queries run one after another, in the order given.
    template <class Result>
    void
    query(QObject* receiver, std::function<Result(store::SqliteEventStore&)> work, std::function<void(Result)> done)
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
    template <class Result> Result queryBlocking(const std::function<Result(store::SqliteEventStore&)>& work)
    {
        std::optional<Result> result;
        m_thread.runBlocking([&] {
            if (m_store) result.emplace(work(*m_store));
        });
        return result ? std::move(*result) : Result{};
    }

private:
    QString m_path;
    bool m_open = false;
    CoreThread m_thread;
    std::unique_ptr<store::SqliteEventStore> m_store; // created, used and destroyed on m_thread
};

} // namespace vigil::pipeline

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/WalCheckpointer.h"

#include <QLoggingCategory>

#include <chrono>
#include <sqlite3.h>

namespace vigil::store {

namespace {

Q_LOGGING_CATEGORY(lcCheckpoint, "vigil.core.store.checkpoint", QtInfoMsg)

using Clock = std::chrono::steady_clock;

// A WAL frame is a page plus its 24-byte header.
constexpr qint64 kFrameHeaderBytes = 24;

} // namespace

WalCheckpointer::WalCheckpointer(QString path, int pageSize, Settings settings)
    : m_path(std::move(path))
    , m_frameBytes(qint64(pageSize) + kFrameHeaderBytes)
    , m_settings(settings)
{
}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

bool WalCheckpointer::start(sqlite3* writer, QString* error)
{
    if (m_thread.joinable()) return true;
    // Opened here so that a failure is reported to the caller; used only by the thread from then on.
    const QByteArray path = m_path.toUtf8();
    // A connection only opens the file, and so its WAL, with its first read; until then a checkpoint on it
    // does nothing at all (SQLite 3.40).
    if (sqlite3_open_v2(path.constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK
        || sqlite3_exec(m_db, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
        if (error) {
            *error = QStringLiteral("cannot open a checkpoint connection to %1: %2")
                         .arg(m_path, QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : "out of memory"));
        }
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        return false;
    }
    {
        const std::lock_guard lock(m_mutex);
        m_stop = false;
    }
    m_writer = writer;
    // Replaces the automatic checkpoint (which is a WAL hook too): from here on no COMMIT checkpoints.
    sqlite3_wal_hook(m_writer, &WalCheckpointer::walHook, this);
    m_thread = std::thread([this] { run(); });
    return true;
}

void WalCheckpointer::stop()
{
    if (m_writer) {
        sqlite3_wal_hook(m_writer, nullptr, nullptr);
        m_writer = nullptr;
    }
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    // Closed before the writer, so that the writer's close, the last one, checkpoints and removes the WAL.
    sqlite3_close_v2(m_db);
    m_db = nullptr;
}

WalCheckpointer::Stats WalCheckpointer::stats() const
{
    const std::lock_guard lock(m_mutex);
    return m_stats;
}

int WalCheckpointer::walHook(void* self, sqlite3*, const char*, int frames)
{
    static_cast<WalCheckpointer*>(self)->onCommit(frames);
    return SQLITE_OK;
}

void WalCheckpointer::onCommit(int frames)
{
    // Runs in the writer's thread right after its commit: no I/O, only bookkeeping and a wake-up.
    {
        const std::lock_guard lock(m_mutex);
        m_walFrames = frames;
        ++m_commits;
        m_stats.largestWalBytes = std::max(m_stats.largestWalBytes, qint64(frames) * m_frameBytes);
    }
    m_wake.notify_one();
}

int WalCheckpointer::checkpoint(int mode, int* logFrames, int* checkpointedFrames)
{
    // PASSIVE never calls the busy handler; RESTART and TRUNCATE wait for the writer and readers through
    // it, and hold new writers back meanwhile, so they wait briefly and are simply tried again later.
    sqlite3_busy_timeout(m_db, mode == SQLITE_CHECKPOINT_PASSIVE ? 0 : m_settings.blockingCheckpointTimeoutMs);
    *logFrames = 0;
    *checkpointedFrames = 0;
    const int rc = sqlite3_wal_checkpoint_v2(m_db, "main", mode, logFrames, checkpointedFrames);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        qCWarning(lcCheckpoint) << "checkpoint of" << m_path << "failed:" << sqlite3_errmsg(m_db);
    }
    return rc;
}

void WalCheckpointer::run()
{
    std::unique_lock lock(m_mutex);
    quint64 commitsSeen = m_commits;
    Clock::time_point lastCommit = Clock::now();
    Clock::time_point firstPending = lastCommit; // first commit not yet covered by a checkpoint
    bool truncated = true;                       // nothing committed since the last truncation
    const auto passiveDelay = std::chrono::milliseconds(m_settings.passiveDelayMs);
    const auto idle = std::chrono::milliseconds(m_settings.idleMs);
    while (!m_stop) {
        const bool pending = m_commits != m_commitsHandled;
        if (!pending && truncated) {
            m_wake.wait(lock, [this] { return m_stop || m_commits != m_commitsHandled; });
        } else {
            m_wake.wait_until(lock, pending ? firstPending + passiveDelay : lastCommit + idle);
        }
        if (m_stop) break;
        const Clock::time_point now = Clock::now();
        if (m_commits != commitsSeen) {
            if (commitsSeen == m_commitsHandled) firstPending = now;
            commitsSeen = m_commits;
            lastCommit = now;
            truncated = false;
        }
        if (m_commits != m_commitsHandled) {
            // The WAL restarts from its beginning after a full checkpoint, so fewer frames than at the last
            // checkpoint means that everything now in it is new.
            const int fresh = m_walFrames >= m_framesAtCheckpoint ? m_walFrames - m_framesAtCheckpoint : m_walFrames;
            const bool large = qint64(m_walFrames) * m_frameBytes >= m_settings.restartBytes;
            if (!large && qint64(fresh) * m_frameBytes < m_settings.passiveBytes && now < firstPending + passiveDelay) {
                continue;
            }
            m_commitsHandled = m_commits;
            m_framesAtCheckpoint = m_walFrames;
            lock.unlock();
            int log = 0;
            int done = 0;
            int rc = checkpoint(SQLITE_CHECKPOINT_PASSIVE, &log, &done);
            bool restarted = false;
            // Under a writer that never pauses the WAL never restarts by itself (a passive checkpoint rarely
            // finishes between one commit and the next transaction): past the limit, make it restart.
            if (rc == SQLITE_OK && qint64(log) * m_frameBytes >= m_settings.restartBytes) {
                rc = checkpoint(SQLITE_CHECKPOINT_RESTART, &log, &done);
                restarted = rc == SQLITE_OK;
            }
            qCDebug(lcCheckpoint) << "passive rc" << rc << "log" << log << "done" << done << "restarted" << restarted;
            lock.lock();
            ++m_stats.passive;
            if (restarted) ++m_stats.restarts;
            continue;
        }
        if (!truncated && now >= lastCommit + idle) {
            lock.unlock();
            int log = 0;
            int done = 0;
            const int rc = checkpoint(SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
            lock.lock();
            if (rc == SQLITE_OK) {
                ++m_stats.truncates;
                truncated = true;
                m_framesAtCheckpoint = 0;
            } else {
                lastCommit = now; // busy: try again after another idle period
            }
        }
    }
}

} // namespace vigil::store

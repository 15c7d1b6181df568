// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace vigil::store {

// Checkpoints a WAL-mode SQLite file on a thread and connection of its own, so that a writer's COMMIT
// never copies the WAL back into the database itself.
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold: with the store's
// 64 MiB threshold that commit copied 64 MiB and waited for two fsyncs, and an Event Hook delivery
// stored by it took 50–100 ms longer than the others (tests/bench/bench_hooks: the p99). Here the writer
// only reports the size of the WAL after each commit (a WAL hook, which also turns the automatic
// checkpoint off) and this thread:
//   * runs a PASSIVE checkpoint once a few MiB have been committed, or a moment after the last commit
//     (it never waits for, or blocks, the writer or any reader);
//   * restarts the WAL (RESTART, which waits for the current writer and holds the next one back while it
//     finishes) only when it has grown past `restartBytes` because the passive ones could not catch up
//     (a reader holding an old snapshot, or a writer that never pauses), so the WAL stays bounded;
//   * truncates the WAL file to zero bytes (TRUNCATE) once writers have been idle for `idleMs`.
// When every frame has been copied back, the writer's next transaction starts the WAL over from its
// beginning by itself, so under a steady load the WAL stays a few MiB.
class WalCheckpointer
{
public:
    struct Settings
    {
        qint64 passiveBytes = 4 * 1024 * 1024;  // committed since the last checkpoint
        int passiveDelayMs = 200;               // after the last commit, whatever the size
        qint64 restartBytes = 64 * 1024 * 1024; // WAL size that forces a restart
        int idleMs = 1000;                      // no commit for this long: truncate the WAL
        int blockingCheckpointTimeoutMs = 200;  // how long RESTART/TRUNCATE wait for others, at most
    };

    struct Stats
    {
        quint64 passive = 0;
        quint64 restarts = 0;
        quint64 truncates = 0;
        qint64 largestWalBytes = 0; // largest WAL size reported by a commit
    };

    WalCheckpointer(QString path, int pageSize, Settings settings);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Installs the WAL hook on `writer` (the store's connection; this turns its automatic checkpoint
    // off) and starts the thread. False, with `error`, if the thread's connection cannot be opened.
    bool start(sqlite3* writer, QString* error);
    // Stops the thread and removes the hook (the writer must still be open). Idempotent.
    void stop();

    Stats stats() const;

private:
    static int walHook(void* self, sqlite3* db, const char* schema, int frames);
    void onCommit(int frames);
    void run();
    int checkpoint(int mode, int* logFrames, int* checkpointedFrames);

    const QString m_path;
    const qint64 m_frameBytes;
    const Settings m_settings;
    sqlite3* m_writer = nullptr;
    sqlite3* m_db = nullptr; // the thread's own connection, used only there

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    int m_walFrames = 0;          // WAL size after the last commit, in frames
    quint64 m_commits = 0;        // commits seen
    quint64 m_commitsHandled = 0; // commits covered by the last checkpoint
    int m_framesAtCheckpoint = 0; // m_walFrames when the last checkpoint started
    Stats m_stats;
    std::thread m_thread;
};

} // namespace vigil::store

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QThread>

#include <functional>

namespace vigil::pipeline {

// The thread the core runs on in the console: ingestion, scoring, the automation and their timers,
// so that a burst of events never stalls the window. Objects the core needs are created (and
// destroyed) on it through runBlocking(), which is how QObjects get the right thread affinity.
class CoreThread
{
public:
    explicit CoreThread(const QString& name = QStringLiteral("vigil-core"));
    ~CoreThread(); // stops the thread; destroy what you created with runBlocking() first

    CoreThread(const CoreThread&) = delete;
    CoreThread& operator=(const CoreThread&) = delete;

    // Runs `work` on the core thread and returns when it is done.
    void runBlocking(const std::function<void()>& work);
    // Queues `work` to run on the core thread and returns at once.
    void post(std::function<void()> work);
    QThread* thread() { return &m_thread; }

private:
    QThread m_thread;
    QObject* m_context; // lives on m_thread; the target of queued work
};

} // namespace vigil::pipeline

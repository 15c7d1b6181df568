// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/CoreThread.h"

namespace vigil::pipeline {

CoreThread::CoreThread(const QString& name)
    : m_context(new QObject)
{
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

CoreThread::~CoreThread()
{
    m_thread.quit();
    m_thread.wait();
}

void CoreThread::runBlocking(const std::function<void()>& work)
{
    if (QThread::currentThread() == &m_thread) {
        work();
        return;
    }
    QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
}

void CoreThread::post(std::function<void()> work)
{
    QMetaObject::invokeMethod(m_context, std::move(work), Qt::QueuedConnection);
}

} // namespace vigil::pipeline

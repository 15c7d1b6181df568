// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/DryRunAutomation.h"

#include "core/audit/AuditLog.h"
#include "core/store/SqliteEventStore.h"

#include <QLoggingCategory>

namespace vigil::pipeline {

DryRunAutomation::DryRunAutomation(const risk::Policy& policy)
    : m_store(std::make_unique<store::SqliteEventStore>(u":memory:"_qs))
{
    QString error;
    if (!m_store->open(&error)) qFatal("an in-memory store cannot be opened: %s", qPrintable(error));
    const auto clock = [this] { return m_nowMs; };
    m_audit = std::make_unique<audit::AuditLog>(m_store->database());
    m_audit->setClock(clock);
    m_outbox = std::make_unique<response::Outbox>(m_store->database(), m_network, *m_audit);
    m_outbox->setClock(clock);
    response::ResponseSettings settings;
    settings.mode = response::Mode::Enforce;
    settings.dryRun = true;
    settings.notify = true; // what would go to the notifier and the tracker, had they been set up
    settings.ticket = true;
    settings.autoSuspendDelayMs = qint64(policy.number(u"response.auto_suspend_delay_minutes"_qs) * 60000.0);
    m_longestWaitMs =
        settings.autoSuspendDelayMs + qint64(policy.number(u"response.push_timeout_minutes"_qs) * 60000.0);
    m_engine = std::make_unique<response::ResponseEngine>(m_store->database(), *m_outbox, *m_audit, policy, settings);
    m_engine->setClock(clock);
    m_engine->start();
}

DryRunAutomation::~DryRunAutomation() = default;

void DryRunAutomation::advance(qint64 atMs, const QList<okta::LogEvent>& events, const QList<risk::Alert>& changed)
{
    m_nowMs = std::max(m_nowMs, atMs);
    // Deadlines that fell inside this step are decided before its events count as "continued".
    m_engine->runDue();
    m_engine->observe(events);
    for (const risk::Alert& a : changed)
        m_engine->onAlert(a);
    m_engine->runDue();
}

void DryRunAutomation::finish()
{
    m_nowMs += m_longestWaitMs + 1;
    m_engine->runDue();
}

QList<response::ActionRecord> DryRunAutomation::actions() const
{
    return response::ResponseEngine::actions(*m_audit);
}

} // namespace vigil::pipeline

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/DryRunReplay.h"

#include "core/pipeline/AlertChanges.h"

namespace vigil::pipeline {

DryRunReplay::DryRunReplay(const risk::Policy& policy)
    : m_engine(policy)
    , m_automation(policy)
{
}

void DryRunReplay::process(const okta::LogEvent& event)
{
    if (!m_step.isEmpty() && event.publishedMs() - m_stepStartMs >= kStepMs) flush();
    if (m_step.isEmpty()) m_stepStartMs = event.publishedMs();
    m_engine.process(event);
    m_step.append(event);
}

void DryRunReplay::flush()
{
    if (m_step.isEmpty()) return;
    QList<risk::Alert> after = m_engine.alerts();
    QList<risk::Alert> changed;
    forEachChangedAlert(m_before, after, [&](const risk::Alert& a, bool) { changed.append(a); });
    m_automation.advance(m_step.last().publishedMs(), m_step, changed);
    m_before = std::move(after);
    m_step.clear();
}

void DryRunReplay::finish()
{
    flush();
    m_automation.finish();
}

} // namespace vigil::pipeline

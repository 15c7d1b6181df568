// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/DryRunAutomation.h"
#include "core/risk/RiskEngine.h"

#include <QList>

namespace vigil::pipeline {

// The risk engine and the automation's dry run driven together in event time: what `vigil replay`
// runs over its files and the policy preview runs over the stored history, once per policy.
//
// Feed events oldest first. The automation advances in steps of at most a minute of event time
// (deadlines are minutes long), which keeps the alert comparison off the per-event path.
class DryRunReplay
{
public:
    explicit DryRunReplay(const risk::Policy& policy);

    void process(const okta::LogEvent& event);
    // The input ended: the last step is applied and running timers are decided as they would be once
    // their time came. Call once, after the last event.
    void finish();

    const risk::RiskEngine& engine() const { return m_engine; }
    QList<response::ActionRecord> actions() const { return m_automation.actions(); }

private:
    void flush();

    static constexpr qint64 kStepMs = 60000;
    risk::RiskEngine m_engine;
    DryRunAutomation m_automation;
    QList<okta::LogEvent> m_step;
    QList<risk::Alert> m_before;
    qint64 m_stepStartMs = 0;
};

} // namespace vigil::pipeline

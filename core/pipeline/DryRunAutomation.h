// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/response/ResponseEngine.h"
#include "core/risk/Policy.h"

#include <QNetworkAccessManager>

#include <memory>

namespace vigil::audit {
class AuditLog;
}
namespace vigil::store {
class SqliteEventStore;
}

namespace vigil::pipeline {

// The automation core in a dry run, in event time, for `vigil replay`: the real ResponseEngine in
// enforce mode over a private in-memory store, with nothing sent. Nobody acknowledges and no push is
// answered, so it shows what enforce mode would have done had no analyst acted — the worst case the
// policy allows, guardrails included.
class DryRunAutomation
{
public:
    explicit DryRunAutomation(const risk::Policy& policy);
    ~DryRunAutomation();

    // Event time has reached `atMs`: `events` happened (observed for continued activity) and
    // `changed` alerts opened or grew.
    void advance(qint64 atMs, const QList<okta::LogEvent>& events, const QList<risk::Alert>& changed);
    // The log ended: timers still running are decided as they would be once their time came.
    void finish();
    QList<response::ActionRecord> actions() const;

private:
    qint64 m_nowMs = 0;
    qint64 m_longestWaitMs = 0;
    std::unique_ptr<store::SqliteEventStore> m_store;
    QNetworkAccessManager m_network; // required by the outbox; never used: nothing is sent
    std::unique_ptr<audit::AuditLog> m_audit;
    std::unique_ptr<response::Outbox> m_outbox;
    std::unique_ptr<response::ResponseEngine> m_engine;
};

} // namespace vigil::pipeline

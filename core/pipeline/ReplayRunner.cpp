// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/ReplayRunner.h"

#include "core/pipeline/DryRunReplay.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace vigil::pipeline {

ReplayRunner::ReplayRunner(RejectSink onReject, ErrorSink onError, risk::Policy policy)
    : m_onReject(std::move(onReject))
    , m_onError(std::move(onError))
    , m_policy(std::move(policy))
{
}

bool ReplayRunner::run(const QStringList& inputs)
{
    QList<okta::LogEvent> events;
    std::unordered_set<std::string> seen;
    report::EventCounts& counts = m_report.events;
    auto accept = [&](okta::LogEvent&& e) {
        if (!seen.emplace(e.uuid()).second) {
            ++counts.duplicates;
            return;
        }
        e.releaseRawJson(); // verdicts need the fields, not the bytes
        events.append(std::move(e));
    };
    for (const QString& path : inputs) {
        okta::InputReader reader(accept, m_onReject);
        QString error;
        const bool ok = path == u"-" ? reader.readStdin(&error) : reader.readFile(path, &error);
        if (!ok) {
            m_onError(error);
            continue;
        }
        ++m_inputsRead;
        counts.read += reader.counts().read;
        counts.rejected += reader.counts().rejected;
    }
    // read = accepted + rejected + duplicates: a repeated uuid is neither accepted twice nor an error.
    counts.accepted = events.size();
    // Event time, not arrival order: Okta's polling API returns events by persistence time.
    std::stable_sort(events.begin(), events.end(), [](const okta::LogEvent& a, const okta::LogEvent& b) {
        return a.publishedMs() < b.publishedMs();
    });
    DryRunReplay replay(m_policy);
    for (const okta::LogEvent& e : std::as_const(events))
        replay.process(e);
    replay.finish();
    replay.engine().fillReport(m_report);
    for (const response::ActionRecord& a : replay.actions())
        m_report.actions.append(report::ActionRecord{a.atMs, a.user, a.kind, a.dryRun});
    return m_inputsRead > 0;
}

} // namespace vigil::pipeline

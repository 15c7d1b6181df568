// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/IngestHealth.h"

#include "core/okta/Timestamp.h"

namespace vigil::pipeline {

void PerMinuteCounter::add(qint64 nowMs, qint64 count)
{
    if (!m_samples.empty() && m_samples.back().first / 1000 == nowMs / 1000) {
        m_samples.back().second += count; // one entry per second keeps this small under load
    } else {
        m_samples.emplace_back(nowMs, count);
    }
    perMinute(nowMs);
}

qint64 PerMinuteCounter::perMinute(qint64 nowMs) const
{
    while (!m_samples.empty() && m_samples.front().first <= nowMs - 60000)
        m_samples.pop_front();
    qint64 sum = 0;
    for (const auto& s : m_samples)
        sum += s.second;
    return sum;
}

QString IngestHealth::stateName(State s)
{
    switch (s) {
    case State::Stopped:
        return tr("stopped");
    case State::Starting:
        return tr("starting");
    case State::CatchingUp:
        return tr("catching up");
    case State::Live:
        return tr("live");
    case State::Waiting:
        return tr("waiting");
    case State::Failed:
        return tr("failed");
    }
    return {};
}

QString IngestHealth::summary() const
{
    QStringList parts{stateName(state)};
    if (lagMs >= 0) parts << tr("lag %1 s").arg(lagMs / 1000);
    parts << tr("%1 events/min").arg(eventsPerMinute);
    parts << tr("%1 requests/min").arg(requestsPerMinute);
    if (rateLimitLimit >= 0) parts << tr("%1/%2 requests left").arg(rateLimitRemaining).arg(rateLimitLimit);
    parts << tr("%1 stored").arg(eventsStored);
    if (duplicates > 0) parts << tr("%1 duplicates").arg(duplicates);
    if (rejected > 0) parts << tr("%1 rejected").arg(rejected);
    if (!lastError.isEmpty()) parts << tr("last error: %1").arg(lastError);
    return parts.join(QStringLiteral(" · "));
}

QJsonObject IngestHealth::toJson() const
{
    QJsonObject o{{u"state"_qs, stateName(state)},
                  {u"lag_ms"_qs, lagMs},
                  {u"events_per_minute"_qs, eventsPerMinute},
                  {u"requests_per_minute"_qs, requestsPerMinute},
                  {u"events_stored"_qs, eventsStored},
                  {u"duplicates"_qs, duplicates},
                  {u"rejected"_qs, rejected},
                  {u"hook_events_stored"_qs, hookEventsStored},
                  {u"rate_limit_limit"_qs, rateLimitLimit},
                  {u"rate_limit_remaining"_qs, rateLimitRemaining},
                  {u"last_error"_qs, lastError}};
    if (newestPublishedMs >= 0) o.insert(u"newest_published"_qs, okta::formatTimestampMs(newestPublishedMs));
    if (lastErrorAtMs >= 0) o.insert(u"last_error_at"_qs, okta::formatTimestampMs(lastErrorAtMs));
    return o;
}

} // namespace vigil::pipeline

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace vigil::sim {

// One of Okta's rate-limit buckets: N requests per window (a minute in Okta), the window starting
// with the first request after the previous one ended, so it is not aligned to wall-clock minutes.
// Time is real (wall-clock) time, not sim time: a limit protects the server, whatever the speed.
class SimRateLimiter
{
public:
    struct Decision
    {
        bool allowed = true;
        int limit = 0;
        int remaining = 0;
        qint64 resetEpochSeconds = 0; // X-Rate-Limit-Reset
    };

    explicit SimRateLimiter(int limit = 60, qint64 windowMs = 60000);

    // Counts one request at `wallMs` (refused requests do not count).
    Decision take(qint64 wallMs);
    // What the headers say now, without counting a request.
    Decision peek(qint64 wallMs) const;

    int limit() const { return m_limit; }
    qint64 windowMs() const { return m_windowMs; }
    void configure(int limit, qint64 windowMs);

private:
    void roll(qint64 wallMs);
    Decision decision(bool allowed) const;

    int m_limit;
    qint64 m_windowMs;
    qint64 m_windowStartMs = -1;
    int m_used = 0;
};

} // namespace vigil::sim

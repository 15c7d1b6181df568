// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimRateLimiter.h"

namespace vigil::sim {

SimRateLimiter::SimRateLimiter(int limit, qint64 windowMs)
    : m_limit(limit)
    , m_windowMs(windowMs)
{
}

void SimRateLimiter::configure(int limit, qint64 windowMs)
{
    m_limit = limit;
    m_windowMs = windowMs;
    m_windowStartMs = -1;
    m_used = 0;
}

void SimRateLimiter::roll(qint64 wallMs)
{
    if (m_windowStartMs < 0 || wallMs >= m_windowStartMs + m_windowMs) {
        m_windowStartMs = wallMs;
        m_used = 0;
    }
}

SimRateLimiter::Decision SimRateLimiter::decision(bool allowed) const
{
    Decision d;
    d.allowed = allowed;
    d.limit = m_limit;
    d.remaining = qMax(0, m_limit - m_used);
    // Rounded up: a client that waits until Reset must find the new window open.
    d.resetEpochSeconds = (m_windowStartMs + m_windowMs + 999) / 1000;
    return d;
}

SimRateLimiter::Decision SimRateLimiter::take(qint64 wallMs)
{
    roll(wallMs);
    if (m_used >= m_limit) return decision(false);
    ++m_used;
    return decision(true);
}

SimRateLimiter::Decision SimRateLimiter::peek(qint64 wallMs) const
{
    SimRateLimiter copy = *this;
    copy.roll(wallMs);
    return copy.decision(true);
}

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimClock.h"

namespace vigil::sim {

SimClock::SimClock(qint64 startMs, double speed, Mode mode)
    : m_baseMs(startMs)
    , m_speed(speed > 0 ? speed : 1.0)
    , m_mode(mode)
{
    m_elapsed.start();
}

qint64 SimClock::nowMs() const
{
    if (m_mode == Mode::Manual) return m_baseMs;
    return m_baseMs + qint64(double(m_elapsed.elapsed()) * m_speed);
}

void SimClock::setSpeed(double speed)
{
    // Rebase first so the time already played is kept at the old speed.
    m_baseMs = nowMs();
    m_elapsed.restart();
    m_speed = speed > 0 ? speed : 1.0;
}

void SimClock::set(qint64 ms)
{
    m_mode = Mode::Manual;
    m_baseMs = ms;
}

void SimClock::advance(qint64 ms)
{
    m_baseMs += ms;
}

} // namespace vigil::sim

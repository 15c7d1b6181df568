// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QtGlobal>

namespace vigil::sim {

// The simulated org's idea of "now", in UTC milliseconds since the epoch.
//
// Running: now = start + real elapsed time × speed, so `--speed 60` plays an hour a minute and a
// 15-minute auto-suspension timer can be watched in a demo. Manual: time moves only when a test
// calls set() or advance(), so a test decides exactly which events have been published.
class SimClock
{
public:
    enum class Mode
    {
        Running,
        Manual
    };

    explicit SimClock(qint64 startMs, double speed = 1.0, Mode mode = Mode::Running);

    qint64 nowMs() const;
    double speed() const { return m_speed; }
    Mode mode() const { return m_mode; }

    // Keeps the current sim time and changes how fast it moves from here on.
    void setSpeed(double speed);
    // Manual mode from now on, at `ms`.
    void set(qint64 ms);
    // Moves sim time forward (both modes).
    void advance(qint64 ms);

private:
    qint64 m_baseMs; // sim time when m_elapsed was (re)started
    double m_speed;
    Mode m_mode;
    QElapsedTimer m_elapsed;
};

} // namespace vigil::sim

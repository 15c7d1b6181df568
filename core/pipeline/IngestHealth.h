// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include <deque>

namespace vigil::pipeline {

// Events or requests per minute over the last minute, from timestamps (wall clock, ms).
class PerMinuteCounter
{
public:
    void add(qint64 nowMs, qint64 count = 1);
    qint64 perMinute(qint64 nowMs) const;

private:
    mutable std::deque<std::pair<qint64, qint64>> m_samples;
};

// One status object for the live ingestion, shared by the console's status bar, `vigil serve`'s
// health line and `vigil status`: how far behind Okta we are, how fast events arrive, how much of the
// rate limit is left, and the last thing that went wrong.
struct IngestHealth
{
    Q_DECLARE_TR_FUNCTIONS(IngestHealth)

public:
    enum class State
    {
        Stopped,
        Starting,
        CatchingUp, // pages are full: more history is waiting
        Live,       // caught up, polling every interval
        Waiting,    // rate limit reserve reached, or backing off after an error
        Failed,     // stopped for good (rejected credentials): needs a person
    };
    State state = State::Stopped;
    qint64 newestPublishedMs = -1; // newest event time seen
    qint64 lagMs = -1;             // now - newestPublishedMs when last computed
    qint64 eventsPerMinute = 0;
    qint64 requestsPerMinute = 0;
    qint64 eventsStored = 0;
    qint64 duplicates = 0;
    qint64 rejected = 0; // events Okta sent that did not parse
    int rateLimitLimit = -1;
    int rateLimitRemaining = -1;
    qint64 hookEventsStored = 0;
    QString lastError;
    qint64 lastErrorAtMs = -1;
    qint64 retryAtMs = -1; // when the next attempt is due while Waiting

    static QString stateName(State s);
    // "live · lag 3 s · 412 events/min · 57/60 requests left"
    QString summary() const;
    QJsonObject toJson() const;
};

} // namespace vigil::pipeline

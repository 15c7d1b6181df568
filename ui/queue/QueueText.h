// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/Severity.h"
#include "ui/queue/AlertRow.h"

#include <QCoreApplication>
#include <QString>

namespace vigil::ui {

// The words and numbers the queue, its filter and its dialogs share, so that a state or a detection reads the same
// in the table, the tooltips, the prompts and the filter's error messages.
class QueueText
{
    Q_DECLARE_TR_FUNCTIONS(QueueText)

public:
    // The row's band from its severity word; from its risk when the word is missing or unknown.
    static SeverityBand band(const AlertRow& row);

    // "Suspension pending", "Acknowledged", … (the raw state for one this version does not know).
    static QString stateName(const QString& state);
    // Lower is more urgent: pending suspensions first, closed alerts last.
    static int stateUrgency(const QString& state);
    // The state with what the step-up did, when that adds something ("Stepped up · push rejected").
    static QString statusText(const AlertRow& row);

    // A short chip label for a detection key ("brute force", "Tor/VPN"); unknown keys with spaces for '_'.
    static QString detectionLabel(const QString& detection);

    // "11:42" (mm:ss) below an hour, "1:02:03" above; "00:00" once the deadline has passed.
    static QString countdownText(qint64 remainingMs);
    // "in 11 minutes 42 seconds", for screen readers and tooltips.
    static QString countdownWords(qint64 remainingMs);
    // "just now", "4 min ago", "3 h ago", "2 days ago".
    static QString ageText(qint64 ageMs);
    // The local date and time, seconds included, for tooltips next to relative ages.
    static QString absoluteTime(qint64 ms);

    // "a@x, b@x, c@x and 2 more": users named in a confirmation, at most `limit` of them.
    static QString userList(const QStringList& users, int limit = 4);

private:
    static QString translateDetection(const QString& detection);
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace vigil::ui {

// One alert as the queue shows it. The main window fills it from the response engine's AlertResponse and the risk
// engine's alert, so the queue components never read the core themselves and can be tested with plain values.
struct AlertRow
{
    QString alertId;
    QString user;
    QString severity; // low|medium|high|critical
    double risk = 0;
    QList<double> riskTrend; // recent risk samples, oldest first
    QStringList detections;
    // detected, stepped_up, suspension_pending, suspension_recommended, acknowledged, overridden, suspended,
    // resolved, false_positive
    QString state;
    qint64 deadlineMs = -1; // auto-suspension time while suspension_pending
    qint64 openedMs = 0;
    qint64 lastSeenMs = 0;
    QString sourceIp;
    QString country;
    QString assignee;
    QString decision; // the safety net's verdict in words
    QString stepUp;
    int events = 0;

    // The automation will suspend the account at deadlineMs unless an analyst holds or cancels it.
    bool isPending() const { return state == u"suspension_pending"; }
    // Resolved and false positives are closed; everything else still needs someone (the core's isOpen()).
    bool isClosed() const { return state == u"resolved" || state == u"false_positive"; }

    bool operator==(const AlertRow&) const = default;
};

} // namespace vigil::ui

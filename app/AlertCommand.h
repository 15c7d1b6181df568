// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil alert list [--data-dir DIR] [--all]
// vigil alert ack|override|suspend|unsuspend|resolve|false-positive ID --reason TEXT [--data-dir DIR]
//             [--suppress-hours H [--detections a,b]]
// vigil alert resume-automation --reason TEXT
//
// A running `vigil serve` or console on the same data folder applies the command (through its
// command socket); with none running, the command is applied to the store and the Okta and PagerDuty
// calls it needs wait in the outbox for the next run.
class AlertCommand
{
    Q_DECLARE_TR_FUNCTIONS(AlertCommand)

public:
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

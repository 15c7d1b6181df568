// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil report --data-dir DIR [--report FILE|-] [--policy FILE]
class ReportCommand
{
    Q_DECLARE_TR_FUNCTIONS(ReportCommand)

public:
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

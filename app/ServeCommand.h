// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil serve --okta-url URL [--data-dir DIR] [--policy FILE] [--mode monitor|enforce]
//             [--pagerduty-url URL] [--auto-suspend-delay SECONDS] [--hook-listen ADDR:PORT]
class ServeCommand
{
    Q_DECLARE_TR_FUNCTIONS(ServeCommand)

public:
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

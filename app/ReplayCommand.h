// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil replay --input FILE [--input FILE …] [--report FILE|-]
class ReplayCommand
{
    Q_DECLARE_TR_FUNCTIONS(ReplayCommand)

public:
    // `arguments` starts with the command word ("replay").
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil policy check FILE   — validates a policy, naming each bad key
// vigil policy defaults     — prints the documented default policy, a starting point for your own
class PolicyCommand
{
    Q_DECLARE_TR_FUNCTIONS(PolicyCommand)

public:
    // `arguments` starts with the command word ("policy").
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

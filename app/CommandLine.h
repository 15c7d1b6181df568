// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// Exit codes shared by every headless command (the `vigil replay` contract).
enum ExitCode
{
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2
};

// The headless commands; anything else starts the console window.
bool isHeadlessInvocation(int argc, char** argv);

class CommandLine
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)

public:
    // Parses the arguments and runs the headless command they name.
    static int runHeadless(const QStringList& arguments);
    static QString topLevelHelp();
};

} // namespace vigil::app

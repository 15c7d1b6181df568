// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil status [--data-dir DIR] [--json]: the ingestion health `vigil serve` last wrote.
class StatusCommand
{
    Q_DECLARE_TR_FUNCTIONS(StatusCommand)

public:
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

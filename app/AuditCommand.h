// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QStringList>

namespace vigil::app {

// vigil audit verify [--data-dir DIR]
// vigil audit export [--data-dir DIR] [--format jsonl|csv] [--output FILE|-]
class AuditCommand
{
    Q_DECLARE_TR_FUNCTIONS(AuditCommand)

public:
    static int run(const QStringList& arguments);
};

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include <QLabel>
#include <QStatusBar>

namespace vigil::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Vigil"));
    auto* note = new QLabel(tr("The analyst console is not built yet.\n"
                               "Use 'vigil replay --input FILE' to score an Okta System Log export."),
                            this);
    note->setObjectName(QStringLiteral("consolePendingLabel"));
    note->setAlignment(Qt::AlignCenter);
    setCentralWidget(note);
    statusBar()->showMessage(tr("No Okta tenant connected"));
    resize(1100, 700);
}

} // namespace vigil::ui

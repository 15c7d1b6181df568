// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

namespace vigil::ui {

// The analyst console's frame. The queue, board, map and views arrive with the console issue;
// until then the window only states what Vigil can do from the command line.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace vigil::ui

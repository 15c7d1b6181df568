// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

namespace vigil::store {
class EventStore;
}

class QLabel;

namespace vigil::ui {

// The analyst console's frame. The queue, board, map and views arrive with the console issue;
// until then the window states what Vigil can do and what its store holds.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `store` may be null when it could not be opened; `storeError` then says why.
    explicit MainWindow(const store::EventStore* store, const QString& storeError = {}, QWidget* parent = nullptr);

    void refreshStoreStatus();

private:
    const store::EventStore* m_store;
    QString m_storeError;
    QLabel* m_storeLabel;
};

} // namespace vigil::ui

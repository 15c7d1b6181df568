// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

namespace vigil::store {
class EventStore;
}
namespace vigil::pipeline {
class LiveSession;
}

class QLabel;
class QPlainTextEdit;
class QTableView;
class QTimer;

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

    // Shows a live run: open alerts, an activity log and the ingestion health. The console issue
    // replaces this with the queue, board and map; the session must outlive the window.
    void attachLiveSession(pipeline::LiveSession* session, const QString& title);
    void appendActivity(const QString& line);

private:
    void refreshAlerts();

    const store::EventStore* m_store;
    QString m_storeError;
    QLabel* m_storeLabel;
    QLabel* m_healthLabel = nullptr;
    pipeline::LiveSession* m_session = nullptr;
    class AlertTableModel* m_alerts = nullptr;
    QTableView* m_alertView = nullptr;
    QPlainTextEdit* m_activity = nullptr;
    QTimer* m_alertRefresh = nullptr;
};

} // namespace vigil::ui

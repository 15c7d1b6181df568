// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/response/AnalystCommands.h"
#include "ui/queue/ActionPrompter.h"
#include "ui/queue/AlertRow.h"

#include <QList>
#include <QWidget>

#include <memory>
#include <optional>

class QFrame;
class QLabel;
class QPushButton;
class QTableView;
class QToolButton;

namespace vigil::ui {

class AlertFilterProxy;
class AlertQueueModel;
class FilterBar;

// The alert queue: a filter bar, a summary line, the pending-suspension bar and the table, driven from the keyboard
// like a mail client (press ? for the keys). It never calls the core: every action becomes
// commandsRequested() with one AnalystCommand per selected alert (`who` left empty for the main window to fill),
// after the questions an ActionPrompter asks (a count for bulk actions, a reason, a confirmation naming the users).
class AlertQueueView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertQueueView)

public:
    explicit AlertQueueView(QWidget* parent = nullptr);
    ~AlertQueueView() override;

    AlertQueueModel* model() const { return m_model; }
    AlertFilterProxy* proxy() const { return m_proxy; }
    QTableView* tableView() const { return m_table; }
    FilterBar* filterBar() const { return m_filterBar; }

    // The core's snapshot; see AlertQueueModel::setRows().
    void setRows(const QList<AlertRow>& rows);

    // Who answers the queue's questions. Not owned; nullptr restores the built-in dialogs.
    void setPrompter(ActionPrompter* prompter);
    ActionPrompter* prompter() const;

    // The empty state: "No open alerts — Vigil is watching N users" unless setEmptyText() gave other words.
    void setWatchedUsers(int users);
    void setEmptyText(const QString& text);
    QString emptyText() const;
    // The text over the table right now (empty queue, or a filter that hides everything); empty when rows show.
    QString emptyStateText() const;

    // Enforce mode suspends in Okta; monitor mode only records a recommendation. The suspend prompt says which.
    void setEnforcing(bool enforcing);

    void setGroupByUser(bool group);
    bool groupByUser() const;

    // The rows an action applies to: the selected rows in view order, or the current row when none is selected.
    QList<AlertRow> selectedRows() const;
    QString currentAlertId() const;
    // Selects these alerts (those in view) and makes the first current.
    void selectAlerts(const QStringList& alertIds);
    // The alert the pending bar offers Hold / Approve now / Cancel for; empty when nothing is pending.
    QString pendingBarAlertId() const { return m_pendingAlertId; }

    // The keys, as the cheat sheet lists them.
    static QList<KeyHelp> keyHelp();

public slots:
    void acknowledgeSelected();
    void overrideSelected();
    void suspendSelected();
    void resolveSelected();
    void markFalsePositiveSelected();
    // Takes the selected alerts (the analyst giving the command becomes their assignee); no question asked.
    void assignSelectedToMe();
    // Reactivates the suspended accounts among the selected alerts, with a reason.
    void unsuspendSelected();
    void openCurrentUser();
    void focusFilter();
    void showKeys();
    // The pending bar's buttons: hold = acknowledge, approve now = suspend, cancel = override with a reason.
    void holdPending();
    void approvePending();
    void cancelPending();

signals:
    void commandsRequested(const QList<vigil::response::AnalystCommand>& commands);
    void userActivated(const QString& user);
    void alertSelected(const QString& alertId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void applyIcons();

    enum class SuspendKind
    {
        SuspendNow,
        ApprovePending,
    };

    bool handleKey(QKeyEvent* event);
    void moveCurrent(int delta, bool extend);
    void toggleCurrentSelection();
    void showContextMenu(const QPoint& position);

    void acknowledge(const QList<AlertRow>& rows);
    void overrideAlerts(const QList<AlertRow>& rows);
    void suspend(const QList<AlertRow>& rows, SuspendKind kind);
    void resolve(const QList<AlertRow>& rows);
    void markFalsePositive(const QList<AlertRow>& rows);
    void send(const QString& action,
              const QList<AlertRow>& rows,
              const QString& reason,
              double suppressHours = 0,
              const QStringList& suppressDetections = {});
    std::optional<AlertRow> pendingBarRow() const;

    void onCurrentChanged();
    void refresh();
    void updateSummary();
    void updatePendingBar();
    void updateEmptyState();
    void applyColumnWidths();
    void applyPendingBarColors();

    AlertQueueModel* m_model;
    AlertFilterProxy* m_proxy;
    FilterBar* m_filterBar;
    QLabel* m_summary;
    QToolButton* m_groupButton;
    QToolButton* m_keysButton;
    QFrame* m_pendingBar;
    QLabel* m_pendingIcon;
    QLabel* m_pendingText;
    QPushButton* m_holdButton;
    QPushButton* m_approveButton;
    QPushButton* m_cancelButton;
    QTableView* m_table;
    QLabel* m_emptyLabel;

    std::unique_ptr<ActionPrompter> m_dialogs;
    ActionPrompter* m_prompter = nullptr;
    int m_watchedUsers = -1;
    QString m_emptyText;
    bool m_enforcing = true;
    QString m_lastAlertId;
    QString m_pendingAlertId;
};

} // namespace vigil::ui

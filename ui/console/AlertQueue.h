// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"

#include <QWidget>

namespace vigil::ui {

class AlertQueueView;
struct AlertRow;

// The alert queue as the main window uses it: fed with the core's alerts, it reports the selection
// and the commands an analyst gives (already confirmed and with their reasons). An adapter over
// AlertQueueView, so that the window does not depend on how the queue's model, filter and view work.
class AlertQueue final : public QWidget
{
    Q_OBJECT

public:
    explicit AlertQueue(QWidget* parent = nullptr);

    void setAlerts(const QList<pipeline::ConsoleAlert>& alerts, int usersWatched);
    void setEnforcing(bool enforcing);
    void setFilterText(const QString& text);
    QString filterText() const;
    QString selectedAlertId() const;
    void selectAlert(const QString& alertId);
    int visibleRows() const;
    AlertQueueView* view() const { return m_view; }
    // The same prompts and confirmations as the queue's keys, for the detail panel's buttons.
    void requestAction(const QString& action, const QString& alertId);

    static AlertRow toRow(const pipeline::ConsoleAlert& alert);

signals:
    void alertSelected(const QString& alertId);
    void commandsRequested(const QList<vigil::response::AnalystCommand>& commands);
    void userActivated(const QString& user);

private:
    AlertQueueView* m_view;
};

} // namespace vigil::ui

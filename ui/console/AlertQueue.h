// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"
#include "ui/Severity.h"

#include <QWidget>

class QStandardItemModel;
class QTableView;
class QLineEdit;
class QLabel;

namespace vigil::ui {

// The alert queue as the main window uses it: fed with the core's alerts, it reports the selection
// and the actions an analyst asks for. (An adapter: the main window does not depend on how the
// queue's model, filter and view are built.)
class AlertQueue final : public QWidget
{
    Q_OBJECT

public:
    explicit AlertQueue(QWidget* parent = nullptr);

    void setAlerts(const QList<pipeline::ConsoleAlert>& alerts, int usersWatched);
    void setNow(qint64 wallMs);
    void setFilterText(const QString& text);
    QString filterText() const;
    QString selectedAlertId() const;
    void selectAlert(const QString& alertId);
    int visibleRows() const;

signals:
    void alertSelected(const QString& alertId);
    void actionRequested(const QString& action, const QStringList& alertIds);
    void userActivated(const QString& user);

private:
    void rebuild();
    QStringList selectedIds() const;

    QList<pipeline::ConsoleAlert> m_alerts;
    qint64 m_now = 0;
    int m_watched = 0;
    QLineEdit* m_filter;
    QLabel* m_summary;
    QStandardItemModel* m_model;
    QTableView* m_view;
};

} // namespace vigil::ui

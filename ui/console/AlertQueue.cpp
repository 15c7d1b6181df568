// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/AlertQueue.h"

#include "ui/queue/AlertFilterProxy.h"
#include "ui/queue/AlertQueueView.h"
#include "ui/queue/AlertRow.h"
#include "ui/queue/FilterBar.h"

#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

AlertQueue::AlertQueue(QWidget* parent)
    : QWidget(parent)
    , m_view(new AlertQueueView(this))
{
    setObjectName(QStringLiteral("alertQueue"));
    m_view->tableView()->setObjectName(QStringLiteral("alertTable"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    connect(m_view, &AlertQueueView::alertSelected, this, &AlertQueue::alertSelected);
    connect(m_view, &AlertQueueView::commandsRequested, this, &AlertQueue::commandsRequested);
    connect(m_view, &AlertQueueView::userActivated, this, &AlertQueue::userActivated);
}

AlertRow AlertQueue::toRow(const pipeline::ConsoleAlert& a)
{
    AlertRow r;
    r.alertId = a.alertId;
    r.user = a.user;
    r.severity = a.severity;
    r.risk = a.peakRisk;
    r.riskTrend = a.riskTrend;
    r.detections = a.detections;
    r.state = a.state;
    r.deadlineMs = a.deadlineMs;
    r.openedMs = a.openedMs;
    r.lastSeenMs = a.lastSeenMs;
    r.sourceIp = a.sourceIps.value(0);
    r.country = a.country;
    // Who took it; until someone does, who acknowledged it is the one working on it.
    r.assignee = a.assignee.isEmpty() ? a.acknowledgedBy : a.assignee;
    r.decision = a.decision;
    r.stepUp = a.stepUp;
    r.events = a.events;
    return r;
}

void AlertQueue::setAlerts(const QList<pipeline::ConsoleAlert>& alerts, int usersWatched)
{
    QList<AlertRow> rows;
    rows.reserve(alerts.size());
    for (const pipeline::ConsoleAlert& a : alerts)
        rows.append(toRow(a));
    m_view->setWatchedUsers(usersWatched);
    m_view->setRows(rows);
}

void AlertQueue::setEnforcing(bool enforcing)
{
    m_view->setEnforcing(enforcing);
}

void AlertQueue::setFilterText(const QString& text)
{
    m_view->filterBar()->setText(text);
}

QString AlertQueue::filterText() const
{
    return m_view->filterBar()->text();
}

QString AlertQueue::selectedAlertId() const
{
    return m_view->currentAlertId();
}

void AlertQueue::selectAlert(const QString& alertId)
{
    m_view->selectAlerts({alertId});
}

int AlertQueue::visibleRows() const
{
    return m_view->proxy()->rowCount();
}

void AlertQueue::requestAction(const QString& action, const QString& alertId)
{
    m_view->selectAlerts({alertId});
    if (action == u"ack")
        m_view->acknowledgeSelected();
    else if (action == u"override")
        m_view->overrideSelected();
    else if (action == u"suspend")
        m_view->suspendSelected();
    else if (action == u"resolve")
        m_view->resolveSelected();
    else if (action == u"false-positive")
        m_view->markFalsePositiveSelected();
    else if (action == u"assign")
        m_view->assignSelectedToMe();
    else if (action == u"unsuspend")
        m_view->unsuspendSelected();
}

} // namespace vigil::ui

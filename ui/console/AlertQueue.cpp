// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/AlertQueue.h"

#include "ui/console/AlertDetailPanel.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

AlertQueue::AlertQueue(QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_model(new QStandardItemModel(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("alertQueue"));
    m_filter->setObjectName(QStringLiteral("queueFilter"));
    m_filter->setPlaceholderText(tr("Filter: text, user:…, detection:…, country:…"));
    m_filter->setClearButtonEnabled(true);
    m_summary->setObjectName(QStringLiteral("queueSummary"));
    m_view->setObjectName(QStringLiteral("alertTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->setSortingEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    connect(m_filter, &QLineEdit::textChanged, this, &AlertQueue::rebuild);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { emit alertSelected(selectedAlertId()); });
    connect(m_view, &QTableView::doubleClicked, this,
            [this](const QModelIndex& i) { emit userActivated(m_model->item(i.row(), 1)->text()); });
}

void AlertQueue::setAlerts(const QList<pipeline::ConsoleAlert>& alerts, int usersWatched)
{
    m_alerts = alerts;
    m_watched = usersWatched;
    rebuild();
}

void AlertQueue::setNow(qint64 wallMs)
{
    m_now = wallMs;
}

void AlertQueue::setFilterText(const QString& text)
{
    m_filter->setText(text);
}

QString AlertQueue::filterText() const
{
    return m_filter->text();
}

int AlertQueue::visibleRows() const
{
    return m_model->rowCount();
}

QStringList AlertQueue::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows())
        ids.append(m_model->item(i.row(), 0)->data(Qt::UserRole).toString());
    return ids;
}

QString AlertQueue::selectedAlertId() const
{
    const QStringList ids = selectedIds();
    return ids.isEmpty() ? QString() : ids.first();
}

void AlertQueue::selectAlert(const QString& alertId)
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->item(row, 0)->data(Qt::UserRole).toString() == alertId) {
            m_view->selectRow(row);
            return;
        }
    }
}

void AlertQueue::rebuild()
{
    const QStringList selected = selectedIds();
    const QString needle = m_filter->text().trimmed();
    m_model->clear();
    m_model->setHorizontalHeaderLabels(
        {tr("Severity"), tr("User"), tr("Risk"), tr("Detections"), tr("Status"), tr("Next"), tr("Source")});
    int open = 0, pending = 0;
    for (const pipeline::ConsoleAlert& a : std::as_const(m_alerts)) {
        const bool closed = a.state == u"resolved" || a.state == u"false_positive";
        if (!closed) ++open;
        if (a.state == u"suspension_pending") ++pending;
        const QString haystack =
            QStringList{a.user, a.detections.join(u' '), a.sourceIps.join(u' '), a.country, a.state}.join(u' ');
        if (!needle.isEmpty() && !haystack.contains(needle, Qt::CaseInsensitive)) continue;
        const SeverityBand band = Severity::fromKey(a.severity);
        auto* sev = new QStandardItem(Severity::glyph(band) + u' ' + Severity::name(band));
        sev->setData(a.alertId, Qt::UserRole);
        sev->setForeground(Severity::color(band, palette()));
        auto* risk = new QStandardItem(QString::number(qRound(a.peakRisk)));
        risk->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const QString next = a.state == u"suspension_pending" ? formatCountdown(a.deadlineMs - m_now) : QString();
        m_model->appendRow({sev, new QStandardItem(a.user), risk, new QStandardItem(a.detections.join(u", ")),
                            new QStandardItem(a.state), new QStandardItem(next),
                            new QStandardItem(QStringList{a.sourceIps.value(0), a.country}.join(u' '))});
        if (selected.contains(a.alertId)) m_view->selectRow(m_model->rowCount() - 1);
    }
    m_summary->setText(m_alerts.isEmpty()
                           ? tr("No open alerts — Vigil is watching %1 users").arg(m_watched)
                           : tr("<b>ALERT QUEUE</b> (%1 open · %2 pending suspension)").arg(open).arg(pending));
    m_view->resizeColumnsToContents();
    m_view->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
}

} // namespace vigil::ui

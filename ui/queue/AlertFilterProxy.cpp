// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertFilterProxy.h"

namespace vigil::ui {

AlertFilterProxy::AlertFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    // lessThan() and filterAcceptsRow() read the rows directly; the role only serves the base class's fallback.
    setSortRole(AlertQueueModel::SortRole);
}

void AlertFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    auto* queue = qobject_cast<AlertQueueModel*>(model);
    if (model && !queue) {
        qWarning("AlertFilterProxy: the source model must be an AlertQueueModel");
        return;
    }
    if (m_model) disconnect(m_model, nullptr, this, nullptr);
    m_model = queue;
    QSortFilterProxyModel::setSourceModel(model);
    if (m_model) {
        // The proxy re-sorts only the rows that changed; when a user's highest risk moves, that user's other rows
        // must move with the group too.
        connect(m_model, &AlertQueueModel::userRiskChanged, this, [this] {
            if (m_group) invalidate();
        });
    }
}

bool AlertFilterProxy::setFilter(const AlertFilter& filter)
{
    if (!filter.isValid()) return false;
    m_filter = filter;
    // One layout change instead of invalidateRowsFilter(): that removes and inserts the rows a new filter hides or
    // shows range by range, and with thousands of scattered ranges each one costs the view a pass over its rows
    // (120 ms instead of 20 for 10,000 alerts in bench_queue).
    invalidate();
    emit filterChanged();
    return true;
}

bool AlertFilterProxy::setFilterText(const QString& text, QString* error)
{
    const AlertFilter filter = AlertFilter::parse(text);
    if (!filter.isValid()) {
        if (error) *error = filter.errorString();
        return false;
    }
    return setFilter(filter);
}

int AlertFilterProxy::hiddenCount() const
{
    return m_model ? m_model->rowCount() - rowCount() : 0;
}

void AlertFilterProxy::setGroupByUser(bool group)
{
    if (group == m_group) return;
    m_group = group;
    // Grouping changes the order, not the set of rows.
    invalidate();
    emit groupByUserChanged(group);
}

AlertRow AlertFilterProxy::row(const QModelIndex& proxyIndex) const
{
    if (!m_model || !proxyIndex.isValid()) return {};
    return m_model->row(mapToSource(proxyIndex));
}

QModelIndex AlertFilterProxy::indexOf(const QString& alertId, int column) const
{
    if (!m_model) return {};
    return mapFromSource(m_model->indexOf(alertId, column));
}

bool AlertFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid() || !m_model) return false;
    return m_filter.isEmpty() || m_filter.matches(m_model->rowAt(sourceRow));
}

bool AlertFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_model) return QSortFilterProxyModel::lessThan(left, right);
    const int l = left.row();
    const int r = right.row();
    if (m_group) {
        // Groups keep one order in both directions, most dangerous user first: the proxy turns a descending sort
        // into lessThan(right, left), so answer the mirrored question then.
        const int g = m_model->compareGroups(l, r);
        if (g != 0) return sortOrder() == Qt::AscendingOrder ? g < 0 : g > 0;
    }
    return m_model->compare(l, r, left.column()) < 0;
}

AlertFilterProxy::GroupPosition AlertFilterProxy::groupPosition(int proxyRow, int* groupSize) const
{
    if (!m_group) return NotGrouped;
    const auto userAt = [this](int row) {
        return QSortFilterProxyModel::data(index(row, AlertQueueModel::UserColumn), AlertQueueModel::UserLoginRole)
            .toString();
    };
    const QString user = userAt(proxyRow);
    if (proxyRow > 0 && userAt(proxyRow - 1).compare(user, Qt::CaseInsensitive) == 0) return GroupMember;
    int size = 1;
    while (proxyRow + size < rowCount() && userAt(proxyRow + size).compare(user, Qt::CaseInsensitive) == 0)
        ++size;
    if (groupSize) *groupSize = size;
    return size > 1 ? GroupHead : NotGrouped;
}

QVariant AlertFilterProxy::data(const QModelIndex& index, int role) const
{
    if (!m_group || !index.isValid()) return QSortFilterProxyModel::data(index, role);
    if (role == GroupPositionRole) return int(groupPosition(index.row()));
    if (index.column() == AlertQueueModel::UserColumn && (role == Qt::DisplayRole || role == Qt::AccessibleTextRole)) {
        int size = 0;
        const GroupPosition position = groupPosition(index.row(), &size);
        const QString user = QSortFilterProxyModel::data(index, AlertQueueModel::UserLoginRole).toString();
        if (position == GroupHead) {
            //: The first row of a user's group of alerts: the login and how many rows the group has.
            return role == Qt::DisplayRole ? tr("%1 (%2)").arg(user).arg(size)
                                           : tr("%1, %2 alerts").arg(user).arg(size);
        }
    }
    return QSortFilterProxyModel::data(index, role);
}

} // namespace vigil::ui

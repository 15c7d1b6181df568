// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserTimelineProxy.h"

#include "ui/user/UserTimelineModel.h"

namespace vigil::ui {

UserTimelineProxy::UserTimelineProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(UserTimelineModel::SortRole);
}

void UserTimelineProxy::setSince(qint64 ms)
{
    if (ms == m_since) return;
    m_since = ms;
    invalidateRowsFilter();
}

void UserTimelineProxy::setText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text) return;
    m_text = trimmed;
    invalidateRowsFilter();
}

bool UserTimelineProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* model = sourceModel();
    if (m_since >= 0) {
        const QModelIndex time = model->index(sourceRow, UserTimelineModel::Time, sourceParent);
        if (time.data(UserTimelineModel::SortRole).toLongLong() < m_since) return false;
    }
    if (m_text.isEmpty()) return true;
    for (int c = 0; c < UserTimelineModel::ColumnCount; ++c) {
        const QModelIndex i = model->index(sourceRow, c, sourceParent);
        if (i.data(Qt::DisplayRole).toString().contains(m_text, Qt::CaseInsensitive)) return true;
        if (c == UserTimelineModel::Event && i.data(Qt::ToolTipRole).toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace vigil::ui

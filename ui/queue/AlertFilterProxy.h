// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/queue/AlertFilter.h"
#include "ui/queue/AlertQueueModel.h"

#include <QPointer>
#include <QSortFilterProxyModel>

namespace vigil::ui {

// Sorts and filters an AlertQueueModel for the queue view. Sorting compares rows directly (AlertQueueModel::compare)
// and filtering runs a parsed AlertFilter, so 10,000 alerts sort and filter in well under 100 ms
// (tests/bench/bench_queue).
class AlertFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertFilterProxy)

public:
    enum Role
    {
        GroupPositionRole = AlertQueueModel::RemainingMsRole + 1, // int(GroupPosition)
    };
    enum GroupPosition
    {
        NotGrouped,  // grouping off, or the user's only row in view
        GroupHead,   // the first of several rows of one user
        GroupMember, // a further row of the user above
    };

    explicit AlertFilterProxy(QObject* parent = nullptr);

    // The source must be an AlertQueueModel (anything else is refused with a warning).
    void setSourceModel(QAbstractItemModel* model) override;
    AlertQueueModel* queueModel() const { return m_model; }

    // Applies a valid filter; an invalid one is refused (false) and the current filter stays.
    bool setFilter(const AlertFilter& filter);
    bool setFilterText(const QString& text, QString* error = nullptr);
    const AlertFilter& filter() const { return m_filter; }
    // Source rows the filter hides.
    int hiddenCount() const;

    // Group by user: rows of one user sit together, users ordered by their highest risk (whatever the sort
    // direction), and within a user by the chosen sort column. The simple approach the issue allows: it is a sort
    // order, not a tree, so selection, keyboard moves and bulk actions work exactly as without grouping. The
    // user's first row shows how many rows follow ("bob@x (3)"), the others show the login dimmed.
    void setGroupByUser(bool group);
    bool groupByUser() const { return m_group; }

    AlertRow row(const QModelIndex& proxyIndex) const;
    QModelIndex indexOf(const QString& alertId, int column = 0) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

signals:
    void filterChanged();
    void groupByUserChanged(bool group);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    GroupPosition groupPosition(int proxyRow, int* groupSize = nullptr) const;

    QPointer<AlertQueueModel> m_model;
    AlertFilter m_filter;
    bool m_group = false;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSortFilterProxyModel>

namespace vigil::ui {

// The timeline as the table shows it: the chosen span (the last day or week) and the analyst's filter
// text, matched against every column; sorted by each column's UserTimelineModel::SortRole.
class UserTimelineProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit UserTimelineProxy(QObject* parent = nullptr);

    // Events before `ms` (event time) are left out; a negative value shows everything.
    void setSince(qint64 ms);
    void setText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    qint64 m_since = -1;
    QString m_text;
};

} // namespace vigil::ui

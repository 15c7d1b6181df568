// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/UserProfile.h"

#include <QAbstractTableModel>

namespace vigil::ui {

// Why this score: the contributions behind the user's risk, newest first, in plain words with their points.
class UserContributionsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Points,
        Detection,
        Reason,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        DetectionKeyRole,
    };

    explicit UserContributionsModel(QObject* parent = nullptr);

    void setContributions(QList<pipeline::RiskContribution> contributions);
    const QList<pipeline::RiskContribution>& contributions() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<pipeline::RiskContribution> m_rows;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserContributionsModel.h"

#include "ui/queue/QueueText.h"

namespace vigil::ui {

UserContributionsModel::UserContributionsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void UserContributionsModel::setContributions(QList<pipeline::RiskContribution> contributions)
{
    // Snapshots arrive ten times a second; an unchanged list must not reset the view (and its selection).
    const bool same = contributions.size() == m_rows.size()
                      && std::equal(contributions.begin(), contributions.end(), m_rows.begin(),
                                    [](const pipeline::RiskContribution& a, const pipeline::RiskContribution& b) {
                                        return a.points == b.points && a.detection == b.detection
                                               && a.reason == b.reason && a.alertId == b.alertId;
                                    });
    if (same) return;
    beginResetModel();
    m_rows = std::move(contributions);
    endResetModel();
}

int UserContributionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UserContributionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserContributionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const pipeline::RiskContribution& c = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Points:
            return c.points > 0 ? QStringLiteral("+%1").arg(c.points) : QString::number(c.points);
        case Detection:
            return c.detection.isEmpty() ? QString() : QueueText::detectionLabel(c.detection);
        case Reason:
            return c.reason;
        default:
            return {};
        }
    case SortRole:
        return index.column() == Points ? QVariant(c.points) : data(index, Qt::DisplayRole);
    case DetectionKeyRole:
        return c.detection;
    case Qt::ToolTipRole:
        if (index.column() == Detection) return tr("%1 (alert %2)").arg(c.detection, c.alertId);
        return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
        if (index.column() == Points) return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant UserContributionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Points:
        return tr("Points");
    case Detection:
        return tr("Detection");
    case Reason:
        return tr("Reason");
    default:
        return {};
    }
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/policy/PreviewResultModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

namespace vigil::ui {

using pipeline::PreviewChange;
using pipeline::PreviewOutcome;
using pipeline::PreviewResult;

PreviewResultModel::PreviewResultModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void PreviewResultModel::setResult(const PreviewResult& result)
{
    beginResetModel();
    m_result = result;
    rebuild();
    endResetModel();
}

void PreviewResultModel::clear()
{
    setResult({});
}

void PreviewResultModel::setOnlyChanges(bool only)
{
    if (only == m_onlyChanges) return;
    beginResetModel();
    m_onlyChanges = only;
    rebuild();
    endResetModel();
}

void PreviewResultModel::rebuild()
{
    m_rows.clear();
    for (int i = 0; i < m_result.users.size(); ++i) {
        if (!m_onlyChanges || m_result.users.at(i).change != PreviewChange::Unchanged) m_rows.append(i);
    }
}

int PreviewResultModel::rowOfUser(const QString& user) const
{
    for (int r = 0; r < m_rows.size(); ++r) {
        if (userAt(r).user == user) return r;
    }
    return -1;
}

QString PreviewResultModel::actionsText(const PreviewOutcome& o)
{
    QStringList words;
    if (o.has(u"step_up"_qs)) words << tr("step-up");
    if (o.has(u"page"_qs)) words << tr("page");
    if (o.has(u"auto_suspend"_qs)) words << tr("suspend");
    if (words.isEmpty()) return o.alerts > 0 ? tr("alert only") : tr("nothing");
    return words.join(u", ");
}

QString PreviewResultModel::changeText(PreviewChange change)
{
    switch (change) {
    case PreviewChange::NewlyAffected:
        return tr("Newly affected");
    case PreviewChange::NoLongerAffected:
        return tr("No longer affected");
    case PreviewChange::Changed:
        return tr("Different actions");
    case PreviewChange::Unchanged:
        break;
    }
    return tr("Same");
}

QString PreviewResultModel::summary(const PreviewResult& r)
{
    // Spelled out for one and for many: there is no English catalogue yet to turn "%n user(s)" into words.
    QStringList parts;
    auto add = [&](int n, const QString& sign, const QString& one, const QString& many) {
        if (n > 0) parts << sign + (n == 1 ? one : many.arg(n));
    };
    const QString plus = u"+"_qs, minus = u"−"_qs;
    add(r.gained(u"auto_suspend"_qs), plus, tr("1 user suspended"), tr("%1 users suspended"));
    add(r.lost(u"auto_suspend"_qs), minus, tr("1 user suspended"), tr("%1 users suspended"));
    add(r.gained(u"page"_qs), plus, tr("1 user paged"), tr("%1 users paged"));
    add(r.lost(u"page"_qs), minus, tr("1 user paged"), tr("%1 users paged"));
    add(r.gained(u"step_up"_qs), plus, tr("1 user stepped up"), tr("%1 users stepped up"));
    add(r.lost(u"step_up"_qs), minus, tr("1 user stepped up"), tr("%1 users stepped up"));
    if (parts.isEmpty()) return tr("No change: the same users would have been stepped up, paged and suspended.");
    return parts.join(u", ");
}

int PreviewResultModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PreviewResultModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PreviewResultModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const pipeline::PreviewUser& u = userAt(index.row());
    const PreviewOutcome &cur = u.current, &prop = u.proposed;
    auto pair = [](const QString& a, const QString& b) { return a == b ? a : tr("%1 → %2").arg(a, b); };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case UserColumn:
            return u.user;
        case ChangeColumn:
            return changeText(u.change);
        case CurrentActionsColumn:
            return actionsText(cur);
        case ProposedActionsColumn:
            return actionsText(prop);
        case AlertsColumn:
            return pair(QString::number(cur.alerts), QString::number(prop.alerts));
        case PeakRiskColumn:
            return pair(QString::number(qRound(cur.peakRisk)), QString::number(qRound(prop.peakRisk)));
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case CurrentActionsColumn:
            return cur.actions.isEmpty() ? tr("No action") : cur.actions.join(u", ");
        case ProposedActionsColumn:
            return prop.actions.isEmpty() ? tr("No action") : prop.actions.join(u", ");
        case PeakRiskColumn:
            return tr("Severity: %1 → %2. Detections: %3")
                .arg(cur.severity, prop.severity,
                     (prop.detections.isEmpty() ? cur.detections : prop.detections).join(u", "));
        default:
            return data(index, Qt::DisplayRole);
        }
        break;
    case Qt::BackgroundRole: {
        // Soft tints that keep dark text readable in both themes; the Change column says it in words.
        switch (u.change) {
        case PreviewChange::NewlyAffected:
            return QBrush(QColor(0xff, 0xd6, 0xd1));
        case PreviewChange::NoLongerAffected:
            return QBrush(QColor(0xd4, 0xf0, 0xd8));
        case PreviewChange::Changed:
            return QBrush(QColor(0xff, 0xf0, 0xc2));
        case PreviewChange::Unchanged:
            break;
        }
        break;
    }
    case Qt::ForegroundRole:
        if (u.change != PreviewChange::Unchanged) return QBrush(Qt::black);
        break;
    case Qt::FontRole: {
        const bool differs = (index.column() == ProposedActionsColumn && actionsText(cur) != actionsText(prop))
                             || (index.column() == AlertsColumn && cur.alerts != prop.alerts)
                             || (index.column() == PeakRiskColumn && qRound(cur.peakRisk) != qRound(prop.peakRisk))
                             || (index.column() == ChangeColumn && u.change != PreviewChange::Unchanged);
        if (differs) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        break;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == AlertsColumn || index.column() == PeakRiskColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SortRole:
        switch (index.column()) {
        case UserColumn:
            return u.user.toLower();
        case ChangeColumn:
            return int(u.change);
        case CurrentActionsColumn:
            return cur.actions.size() * 1000 + qRound(cur.peakRisk);
        case ProposedActionsColumn:
            return prop.actions.size() * 1000 + qRound(prop.peakRisk);
        case AlertsColumn:
            return prop.alerts - cur.alerts;
        case PeakRiskColumn:
            return prop.peakRisk;
        }
        break;
    case ChangeRole:
        return int(u.change);
    case UserRole:
        return u.user;
    }
    return {};
}

QVariant PreviewResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case UserColumn:
        return tr("User");
    case ChangeColumn:
        return tr("Change");
    case CurrentActionsColumn:
        return tr("Current policy");
    case ProposedActionsColumn:
        return tr("Proposed policy");
    case AlertsColumn:
        return tr("Alerts");
    case PeakRiskColumn:
        return tr("Peak risk");
    }
    return {};
}

} // namespace vigil::ui

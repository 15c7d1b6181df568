// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/PolicyPreview.h"

#include <QAbstractTableModel>
#include <QCoreApplication>

namespace vigil::ui {

// The policy preview's users: what the current and the proposed policy would have done to each,
// with the differences marked (row tint for the kind of change, bold where the two sides differ).
class PreviewResultModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewResultModel)

public:
    enum Column
    {
        UserColumn,
        ChangeColumn,
        CurrentActionsColumn,
        ProposedActionsColumn,
        AlertsColumn,
        PeakRiskColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        SortRole = Qt::UserRole + 1,
        ChangeRole, // int(pipeline::PreviewChange)
        UserRole,
    };
    Q_ENUM(Role)

    explicit PreviewResultModel(QObject* parent = nullptr);

    void setResult(const pipeline::PreviewResult& result);
    void clear();
    // Only users whose actions change (the default), or everyone with an alert or an action.
    void setOnlyChanges(bool only);
    bool onlyChanges() const { return m_onlyChanges; }
    const pipeline::PreviewResult& result() const { return m_result; }
    const pipeline::PreviewUser& userAt(int row) const { return m_result.users.at(m_rows.at(row)); }
    int rowOfUser(const QString& user) const;

    // "step-up, page, suspend" in the analyst's words; the key actions only.
    static QString actionsText(const pipeline::PreviewOutcome& outcome);
    static QString changeText(pipeline::PreviewChange change);
    // "+3 users suspended, −1 user paged" (or that nothing changes), for the dialog's summary line.
    static QString summary(const pipeline::PreviewResult& result);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();

    pipeline::PreviewResult m_result;
    QList<int> m_rows; // indexes into m_result.users that are shown
    bool m_onlyChanges = true;
};

} // namespace vigil::ui

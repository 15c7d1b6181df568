// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/audit/AuditLog.h"

#include <QAbstractTableModel>

namespace vigil::ui {

// Audit records about the user and their alerts, newest first: when, what kind, who, about what, and a
// one-line summary of the details (the whole record in the tooltip).
class UserAuditModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Time,
        Kind,
        Actor,
        Subject,
        Summary,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        SeqRole,
    };

    explicit UserAuditModel(QObject* parent = nullptr);

    void setRecords(QList<audit::AuditRecord> records);
    const QList<audit::AuditRecord>& records() const { return m_rows; }
    // "ack — reason: on the phone with her", "call okta POST /api/v1/users/…/lifecycle/suspend → 200"
    static QString summary(const audit::AuditRecord& record);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<audit::AuditRecord> m_rows;
};

} // namespace vigil::ui

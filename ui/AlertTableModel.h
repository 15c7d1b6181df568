// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/risk/RiskEngine.h"

#include <QAbstractTableModel>

namespace vigil::ui {

// The open alerts as rows: severity, user, peak risk, detections, first and last seen, events.
// A snapshot model: setAlerts() replaces the rows (the pipeline emits changes in batches).
class AlertTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Severity,
        User,
        Risk,
        Detections,
        Opened,
        LastSeen,
        Events,
        ColumnCount
    };

    explicit AlertTableModel(risk::Policy policy, QObject* parent = nullptr);

    void setAlerts(const QList<risk::Alert>& alerts);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    risk::Policy m_policy;
    QList<risk::Alert> m_alerts;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/UserProfile.h"

#include <QAbstractTableModel>

namespace vigil::ui {

// The user's events, newest first: time, event type, outcome and reason, IP, place, client, and the
// alerts the event fed. Qt::UserRole gives each cell's sort value (times as milliseconds).
class UserTimelineModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Time,
        Event,
        Outcome,
        Ip,
        Place,
        Client,
        Alerts,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        UuidRole,
        OutcomeKindRole, // int(pipeline::UserEvent::Outcome)
    };

    explicit UserTimelineModel(QObject* parent = nullptr);

    void setEvents(QList<pipeline::UserEvent> events);
    const QList<pipeline::UserEvent>& events() const { return m_events; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<pipeline::UserEvent> m_events;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/UserProfile.h"

#include <QAbstractTableModel>

namespace vigil::ui {

// The user's distinct devices or places with first and last seen and a count; new ones are marked
// (with a word, not only a colour) and say why they count as new.
class UserSightingsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum class Kind
    {
        Devices,
        Places
    };
    enum Column
    {
        Name,
        Detail, // the fingerprint / the region
        FirstSeen,
        LastSeen,
        Events,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        IsNewRole,
        KeyRole,
    };

    explicit UserSightingsModel(Kind kind, QObject* parent = nullptr);

    void setSightings(QList<pipeline::UserSighting> sightings);
    const QList<pipeline::UserSighting>& sightings() const { return m_rows; }
    int newCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Kind m_kind;
    QList<pipeline::UserSighting> m_rows;
};

} // namespace vigil::ui

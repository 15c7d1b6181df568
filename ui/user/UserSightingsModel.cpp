// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserSightingsModel.h"

#include "ui/queue/QueueText.h"

#include <QDateTime>
#include <QFont>
#include <QLocale>

namespace vigil::ui {

namespace {

QString shortTime(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QStringLiteral("ddd d MMM HH:mm"));
}

} // namespace

UserSightingsModel::UserSightingsModel(Kind kind, QObject* parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{
}

void UserSightingsModel::setSightings(QList<pipeline::UserSighting> sightings)
{
    beginResetModel();
    m_rows = std::move(sightings);
    endResetModel();
}

int UserSightingsModel::newCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const pipeline::UserSighting& s) { return s.isNew; }));
}

int UserSightingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UserSightingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserSightingsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const pipeline::UserSighting& s = m_rows.at(index.row());
    switch (role) {
    case IsNewRole:
        return s.isNew;
    case KeyRole:
        return s.key;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            //: Marks a device or place first seen recently
            return s.isNew ? tr("★ NEW  %1").arg(s.label) : s.label;
        case Detail:
            return m_kind == Kind::Devices && s.detail.size() > 12 ? s.detail.left(12) + QStringLiteral("…") : s.detail;
        case FirstSeen:
            return shortTime(s.firstSeenMs);
        case LastSeen:
            return shortTime(s.lastSeenMs);
        case Events:
            return s.failures > 0 ? tr("%1 (%2 failed)").arg(s.events).arg(s.failures) : QString::number(s.events);
        default:
            return {};
        }
    case SortRole:
        switch (index.column()) {
        case FirstSeen:
            return s.firstSeenMs;
        case LastSeen:
            return s.lastSeenMs;
        case Events:
            return s.events;
        case Name:
            return s.label;
        default:
            return s.detail;
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Name:
            return s.isNew ? tr("%1\nNew: %2").arg(s.label, s.newBecause) : s.label;
        case Detail:
            return s.detail;
        case FirstSeen:
            return QueueText::absoluteTime(s.firstSeenMs);
        case LastSeen:
            return QueueText::absoluteTime(s.lastSeenMs);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::FontRole:
        if (s.isNew && index.column() == Name) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Events) return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant UserSightingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name:
        return m_kind == Kind::Devices ? tr("Device or client") : tr("Place");
    case Detail:
        return m_kind == Kind::Devices ? tr("Fingerprint") : tr("Region");
    case FirstSeen:
        return tr("First seen");
    case LastSeen:
        return tr("Last seen");
    case Events:
        return tr("Events");
    default:
        return {};
    }
}

} // namespace vigil::ui

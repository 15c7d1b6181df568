// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserTimelineModel.h"

#include "ui/queue/QueueText.h"

#include <QDateTime>
#include <QLocale>

namespace vigil::ui {

using pipeline::UserEvent;

namespace {

QString outcomeText(const UserEvent& e)
{
    // A mark as well as the word, so that failures stand out without relying on colour.
    QString mark;
    switch (e.kind) {
    case UserEvent::Outcome::Success:
        mark = QStringLiteral("✓ ");
        break;
    case UserEvent::Outcome::Failure:
        mark = QStringLiteral("✗ ");
        break;
    case UserEvent::Outcome::Other:
        mark = QStringLiteral("• ");
        break;
    }
    QString text = mark + (e.outcome.isEmpty() ? UserTimelineModel::tr("no outcome") : e.outcome);
    if (!e.reason.isEmpty()) text += QStringLiteral(" · ") + e.reason;
    return text;
}

QString detectionList(const QStringList& detections)
{
    QStringList labels;
    for (const QString& d : detections)
        labels << QueueText::detectionLabel(d);
    return labels.join(QStringLiteral(", "));
}

} // namespace

UserTimelineModel::UserTimelineModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void UserTimelineModel::setEvents(QList<UserEvent> events)
{
    beginResetModel();
    m_events = std::move(events);
    endResetModel();
}

int UserTimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int UserTimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserTimelineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const UserEvent& e = m_events.at(index.row());
    if (role == UuidRole) return e.uuid;
    if (role == OutcomeKindRole) return int(e.kind);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time:
            return QLocale().toString(QDateTime::fromMSecsSinceEpoch(e.atMs).toLocalTime(),
                                      QStringLiteral("ddd d MMM HH:mm:ss"));
        case Event:
            return e.eventType;
        case Outcome:
            return outcomeText(e);
        case Ip:
            return e.ip;
        case Place:
            return e.place();
        case Client:
            return e.client;
        case Alerts:
            return detectionList(e.detections);
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Time:
            return e.atMs;
        case Outcome:
            return int(e.kind); // failures together
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Time:
            return QString(QueueText::absoluteTime(e.atMs) + u'\n' + e.uuid);
        case Event:
            return e.displayMessage.isEmpty() ? e.eventType : e.displayMessage;
        case Outcome:
            return outcomeText(e);
        case Place: {
            QStringList parts;
            if (!e.city.isEmpty()) parts << e.city;
            if (!e.state.isEmpty()) parts << e.state;
            if (!e.country.isEmpty()) parts << e.country;
            QString tip = parts.join(QStringLiteral(", "));
            if (!e.oktaBehaviors.isEmpty())
                tip += QStringLiteral("\n") + tr("Okta: %1").arg(e.oktaBehaviors.join(QStringLiteral(", ")));
            return tip;
        }
        case Client: {
            QString tip = e.userAgent.isEmpty() ? e.client : e.userAgent;
            if (!e.fingerprint.isEmpty()) tip += QStringLiteral("\n") + tr("Device fingerprint %1").arg(e.fingerprint);
            return tip;
        }
        case Alerts:
            if (e.alertIds.isEmpty()) return tr("Not linked to an alert of this user");
            return tr("Fed %1 (%2)").arg(e.alertIds.join(QStringLiteral(", ")), detectionList(e.detections));
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    return {};
}

QVariant UserTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::ToolTipRole && section == Alerts)
        return tr("The alerts an event counted towards: without the alert's own event list, an event from one of "
                  "its source IPs while it was open");
    if (role != Qt::DisplayRole) return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Event:
        return tr("Event");
    case Outcome:
        return tr("Outcome");
    case Ip:
        return tr("IP");
    case Place:
        return tr("Place");
    case Client:
        return tr("Client");
    case Alerts:
        return tr("Fed alert");
    default:
        return {};
    }
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserAuditModel.h"

#include "ui/queue/QueueText.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLocale>

namespace vigil::ui {

UserAuditModel::UserAuditModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void UserAuditModel::setRecords(QList<audit::AuditRecord> records)
{
    beginResetModel();
    m_rows = std::move(records);
    endResetModel();
}

QString UserAuditModel::summary(const audit::AuditRecord& r)
{
    const QJsonObject& d = r.details;
    const auto str = [&d](QStringView key) { return d.value(key).toString(); };
    QString text;
    if (r.kind == u"command") {
        text = str(u"command");
        if (!str(u"reason").isEmpty()) text += tr(" — reason: %1").arg(str(u"reason"));
    } else if (r.kind == u"decision") {
        text = str(u"rule");
        if (!str(u"state").isEmpty()) text += tr(" → %1").arg(QueueText::stateName(str(u"state")));
    } else if (r.kind == u"action") {
        text = str(u"kind");
        if (d.value(u"dry_run").toBool()) text += tr(" (dry run)");
    } else if (r.kind == u"call") {
        text = QStringLiteral("%1 %2 %3").arg(str(u"service"), str(u"method"), str(u"path"));
        if (d.contains(u"status")) text += tr(" → %1 %2").arg(d.value(u"status").toInt()).arg(str(u"outcome"));
        if (!str(u"error").isEmpty()) text += QStringLiteral(" · ") + str(u"error");
    }
    if (text.trimmed().isEmpty()) text = QString::fromUtf8(QJsonDocument(d).toJson(QJsonDocument::Compact));
    return text;
}

int UserAuditModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UserAuditModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserAuditModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const audit::AuditRecord& r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QLocale().toString(QDateTime::fromMSecsSinceEpoch(r.atMs).toLocalTime(),
                                      QStringLiteral("ddd d MMM HH:mm:ss"));
        case Kind:
            return r.kind;
        case Actor:
            return r.actor;
        case Subject:
            return r.subject;
        case Summary:
            return summary(r);
        default:
            return {};
        }
    case SortRole:
        return index.column() == Time ? QVariant(r.seq) : data(index, Qt::DisplayRole);
    case SeqRole:
        return r.seq;
    case Qt::ToolTipRole:
        if (index.column() == Time) return tr("%1 · record %2").arg(QueueText::absoluteTime(r.atMs)).arg(r.seq);
        if (index.column() == Summary)
            return QString::fromUtf8(QJsonDocument(r.details).toJson(QJsonDocument::Indented)).trimmed();
        return data(index, Qt::DisplayRole);
    default:
        return {};
    }
}

QVariant UserAuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Kind");
    case Actor:
        return tr("Who");
    case Subject:
        return tr("About");
    case Summary:
        return tr("What");
    default:
        return {};
    }
}

} // namespace vigil::ui

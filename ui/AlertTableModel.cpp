// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/AlertTableModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace vigil::ui {

namespace {

// One palette for the four bands, everywhere in the console.
QColor severityColor(const QString& severity)
{
    if (severity == u"critical") return QColor(0xb7, 0x1c, 0x1c);
    if (severity == u"high") return QColor(0xe6, 0x51, 0x00);
    if (severity == u"medium") return QColor(0xf9, 0xa8, 0x25);
    return QColor(0x55, 0x8b, 0x2f);
}

QString severityLabel(const QString& severity)
{
    if (severity == u"critical") return AlertTableModel::tr("Critical");
    if (severity == u"high") return AlertTableModel::tr("High");
    if (severity == u"medium") return AlertTableModel::tr("Medium");
    return AlertTableModel::tr("Low");
}

} // namespace

AlertTableModel::AlertTableModel(risk::Policy policy, QObject* parent)
    : QAbstractTableModel(parent)
    , m_policy(std::move(policy))
{
}

void AlertTableModel::setAlerts(const QList<risk::Alert>& alerts)
{
    beginResetModel();
    m_alerts = alerts;
    // Newest activity first: what changed last is what the analyst looks at.
    std::stable_sort(m_alerts.begin(), m_alerts.end(),
                     [](const risk::Alert& a, const risk::Alert& b) { return a.lastSeenMs > b.lastSeenMs; });
    endResetModel();
}

int AlertTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_alerts.size()) return {};
    const risk::Alert& a = m_alerts.at(index.row());
    const QString severity = risk::RiskEngine::severityFor(a.peakRisk, m_policy);
    const QLocale locale;
    auto when = [&](qint64 ms) {
        return locale.toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
    };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Severity:
            return severityLabel(severity);
        case User:
            return a.user;
        case Risk:
            return qRound(a.peakRisk);
        case Detections:
            return a.detections.join(QStringLiteral(", "));
        case Opened:
            return when(a.openedAtMs);
        case LastSeen:
            return when(a.lastSeenMs);
        case Events:
            return a.events;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Severity) return QBrush(severityColor(severity));
    if (role == Qt::TextAlignmentRole && (index.column() == Risk || index.column() == Events)) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::UserRole) return a.id;
    return {};
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Severity:
        return tr("Severity");
    case User:
        return tr("User");
    case Risk:
        return tr("Peak risk");
    case Detections:
        return tr("Detections");
    case Opened:
        return tr("Opened");
    case LastSeen:
        return tr("Last activity");
    case Events:
        return tr("Events");
    }
    return {};
}

} // namespace vigil::ui

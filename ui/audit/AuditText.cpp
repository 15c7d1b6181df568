// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/audit/AuditText.h"

#include "core/okta/Timestamp.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace vigil::ui {

namespace {

QString text(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 12);
    case QJsonValue::Bool:
        return v.toBool() ? u"true"_qs : u"false"_qs;
    case QJsonValue::Array:
    case QJsonValue::Object:
        return QString::fromUtf8(v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}

// Everything in key=value form, for kinds this view does not know yet ("state", later additions).
QString generic(const QJsonObject& details, const QStringList& skip = {})
{
    QStringList parts;
    for (auto it = details.begin(); it != details.end(); ++it) {
        if (skip.contains(it.key())) continue;
        parts << it.key() + u'=' + text(it.value());
    }
    QString line = parts.join(u", ");
    if (line.size() > 240) line = line.left(239) + u'…';
    return line;
}

} // namespace

QString AuditText::kindLabel(const QString& kind)
{
    if (kind == u"decision") return tr("Decision");
    if (kind == u"action") return tr("Action");
    if (kind == u"command") return tr("Analyst command");
    if (kind == u"call") return tr("Outbound call");
    if (kind == u"state") return tr("State change");
    return kind;
}

QString AuditText::summary(const QString& kind, const QJsonObject& d)
{
    if (kind == u"decision") {
        // "rule → state" and the inputs that decided it
        QString line = tr("%1 → %2").arg(d.value(u"rule").toString(), d.value(u"state").toString());
        const QString rest = generic(d, {u"rule"_qs, u"state"_qs, u"user"_qs, u"mode"_qs});
        if (!rest.isEmpty()) line += u" (" + rest + u')';
        return line;
    }
    if (kind == u"action") {
        return d.value(u"dry_run").toBool(true) ? tr("%1 (dry run)").arg(d.value(u"kind").toString())
                                                : d.value(u"kind").toString();
    }
    if (kind == u"command") {
        const QString reason = d.value(u"reason").toString();
        const QString command = d.value(u"command").toString();
        return reason.isEmpty() ? command : tr("%1: %2").arg(command, reason);
    }
    if (kind == u"call") {
        QString line = tr("%1 %2 %3 → %4 %5")
                           .arg(d.value(u"service").toString(), d.value(u"method").toString(),
                                d.value(u"path").toString(), text(d.value(u"status")), d.value(u"outcome").toString());
        if (d.contains(u"error")) line += u" · " + d.value(u"error").toString();
        return line;
    }
    return generic(d);
}

QString AuditText::localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_qs);
}

QString AuditText::utcTime(qint64 ms)
{
    return okta::formatTimestampMs(ms);
}

} // namespace vigil::ui

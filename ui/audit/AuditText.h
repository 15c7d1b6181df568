// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

namespace vigil::ui {

// The words of the audit view: kinds, and the one-line summary of a record's details.
class AuditText
{
    Q_DECLARE_TR_FUNCTIONS(AuditText)

public:
    static QString kindLabel(const QString& kind);
    static QString summary(const QString& kind, const QJsonObject& details);
    // "2026-01-01 10:00:00" in local time, and the ISO UTC form for tooltips and the details pane.
    static QString localTime(qint64 ms);
    static QString utcTime(qint64 ms);
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/report/Report.h"

#include "core/okta/Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vigil::report {

namespace {

// Scores are shown with one decimal: enough for an analyst, and stable across platforms.
double rounded(double v)
{
    return std::round(v * 10.0) / 10.0;
}

} // namespace

QByteArray Report::toJson() const
{
    QJsonObject root;
    root.insert(u"events"_qs, QJsonObject{{u"read"_qs, events.read},
                                          {u"accepted"_qs, events.accepted},
                                          {u"rejected"_qs, events.rejected},
                                          {u"duplicates"_qs, events.duplicates}});
    QJsonArray userArray;
    for (const UserVerdict& u : users) {
        userArray.append(QJsonObject{{u"user"_qs, u.user},
                                     {u"risk"_qs, rounded(u.risk)},
                                     {u"peak_risk"_qs, rounded(u.peakRisk)},
                                     {u"detections"_qs, QJsonArray::fromStringList(u.detections)}});
    }
    root.insert(u"users"_qs, userArray);
    QJsonArray ipArray;
    for (const IpVerdict& ip : ips) {
        ipArray.append(QJsonObject{{u"ip"_qs, ip.ip},
                                   {u"detections"_qs, QJsonArray::fromStringList(ip.detections)},
                                   {u"users_targeted"_qs, ip.usersTargeted}});
    }
    root.insert(u"ips"_qs, ipArray);
    QJsonArray alertArray;
    for (const AlertVerdict& a : alerts) {
        alertArray.append(QJsonObject{{u"id"_qs, a.id},
                                      {u"user"_qs, a.user},
                                      {u"severity"_qs, a.severity},
                                      {u"peak_risk"_qs, rounded(a.peakRisk)},
                                      {u"detections"_qs, QJsonArray::fromStringList(a.detections)},
                                      {u"opened_at"_qs, okta::formatTimestampMs(a.openedAtMs)},
                                      {u"events"_qs, a.events}});
    }
    root.insert(u"alerts"_qs, alertArray);
    QJsonArray actionArray;
    for (const ActionRecord& a : actions) {
        actionArray.append(QJsonObject{{u"at"_qs, okta::formatTimestampMs(a.atMs)},
                                       {u"user"_qs, a.user},
                                       {u"kind"_qs, a.kind},
                                       {u"dry_run"_qs, a.dryRun}});
    }
    root.insert(u"actions"_qs, actionArray);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace vigil::report

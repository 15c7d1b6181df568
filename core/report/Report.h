// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace vigil::report {

struct EventCounts
{
    qint64 read = 0;
    qint64 accepted = 0;
    qint64 rejected = 0;
    qint64 duplicates = 0;
};

struct UserVerdict
{
    QString user; // actor alternateId
    double risk = 0;
    double peakRisk = 0;
    QStringList detections;
};

struct IpVerdict
{
    QString ip;
    QStringList detections;
    int usersTargeted = 0;
};

struct AlertVerdict
{
    QString id;
    QString user;
    QString severity; // low, medium, high, critical
    double peakRisk = 0;
    QStringList detections;
    qint64 openedAtMs = 0;
    int events = 0;
};

struct ActionRecord
{
    qint64 atMs = 0;
    QString user;
    QString kind; // step_up, page, auto_suspend, clear_sessions, notify, ticket
    bool dryRun = true;
};

// The `vigil replay` / `vigil report` document (contract in ARCHITECTURE.md).
struct Report
{
    EventCounts events;
    QList<UserVerdict> users;
    QList<IpVerdict> ips;
    QList<AlertVerdict> alerts;
    QList<ActionRecord> actions;

    QByteArray toJson() const;
};

} // namespace vigil::report

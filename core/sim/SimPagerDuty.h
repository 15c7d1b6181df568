// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <random>

namespace vigil::sim {

struct SimIncident
{
    QString id; // "Q…", 14 characters
    int number = 0;
    QString title, source, severity, component, group, eventClass;
    QString status = QStringLiteral("triggered"); // triggered, acknowledged, resolved
    QString incidentKey;                          // the Events API dedup_key
    QString urgency = QStringLiteral("high");
    QJsonObject customDetails;
    qint64 createdMs = 0, updatedMs = 0, lastStatusChangeMs = 0, resolvedMs = 0;
    QList<qint64> acknowledgedAtMs;
    QString acknowledgedBy;
    int alerts = 1; // triggers folded into this incident by dedup_key
};

// PagerDuty as Vigil sees it (reference §6): the Events API v2 `POST /v2/enqueue` with its
// validation and dedup_key semantics, and the REST API's `GET /incidents`.
class SimPagerDuty
{
public:
    SimPagerDuty(const QString& routingKey, const QString& apiToken, quint64 seed);

    struct Reply
    {
        int status = 202;
        QJsonObject body;
    };

    Reply enqueue(const QByteArray& body, qint64 nowMs);
    // `GET /incidents`; `authorization` is the request's Authorization header.
    Reply listIncidents(const QByteArray& authorization, const QUrlQuery& query) const;

    // What an on-call engineer does in PagerDuty's own UI: by incident id or dedup_key.
    bool acknowledge(const QString& idOrKey, qint64 nowMs, const QString& by = QStringLiteral("Sim On-Call"));
    bool resolve(const QString& idOrKey, qint64 nowMs);

    const QList<SimIncident>& incidents() const { return m_incidents; }
    const SimIncident* incident(const QString& idOrKey) const;
    int eventsAccepted() const { return m_accepted; }
    QString routingKey() const { return m_routingKey; }

private:
    SimIncident* open(const QString& idOrKey);
    QJsonObject toJson(const SimIncident& i) const;

    QString m_routingKey, m_apiToken;
    std::mt19937_64 m_rng;
    QList<SimIncident> m_incidents;
    int m_accepted = 0;
};

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimPagerDuty.h"

#include "core/okta/Timestamp.h"
#include "core/sim/SimOrg.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vigil::sim {

namespace {

SimPagerDuty::Reply invalid(const QString& problem)
{
    return {400, QJsonObject{{u"status"_qs, u"invalid event"_qs},
                             {u"message"_qs, u"Event object is invalid"_qs},
                             {u"errors"_qs, QJsonArray{problem}}}};
}

QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(okta::formatTimestampMs(ms)) : QJsonValue();
}

} // namespace

SimPagerDuty::SimPagerDuty(const QString& routingKey, const QString& apiToken, quint64 seed)
    : m_routingKey(routingKey)
    , m_apiToken(apiToken)
    , m_rng(seed ^ 0x9a6e7ULL)
{
}

SimIncident* SimPagerDuty::open(const QString& idOrKey)
{
    for (SimIncident& i : m_incidents) {
        if ((i.id == idOrKey || i.incidentKey == idOrKey) && i.status != u"resolved") return &i;
    }
    return nullptr;
}

const SimIncident* SimPagerDuty::incident(const QString& idOrKey) const
{
    // The latest incident with that key: after a resolve, a new trigger opens a new one.
    for (qsizetype k = m_incidents.size() - 1; k >= 0; --k) {
        const SimIncident& i = m_incidents.at(k);
        if (i.id == idOrKey || i.incidentKey == idOrKey) return &i;
    }
    return nullptr;
}

SimPagerDuty::Reply SimPagerDuty::enqueue(const QByteArray& body, qint64 nowMs)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return {400, QJsonObject{{u"status"_qs, u"Unrecognized object"_qs},
                                 {u"message"_qs, u"Event object format is unrecognized"_qs},
                                 {u"errors"_qs, QJsonArray{u"JSON parse error"_qs}}}};
    const QJsonObject e = doc.object();
    const QString routingKey = e.value(u"routing_key").toString();
    if (routingKey.isEmpty()) return invalid(u"'routing_key' is missing or blank"_qs);
    if (routingKey.size() != 32 || routingKey != m_routingKey) return invalid(u"Invalid routing key"_qs);
    const QString action = e.value(u"event_action").toString();
    if (action != u"trigger" && action != u"acknowledge" && action != u"resolve")
        return invalid(
            u"'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')"_qs);
    QString dedupKey = e.value(u"dedup_key").toString();
    if (dedupKey.size() > 255) return invalid(u"'dedup_key' is too long (maximum is 255 characters)"_qs);

    if (action == u"trigger") {
        const QJsonObject payload = e.value(u"payload").toObject();
        const QString summary = payload.value(u"summary").toString();
        const QString source = payload.value(u"source").toString();
        const QString severity = payload.value(u"severity").toString();
        if (summary.trimmed().isEmpty()) return invalid(u"'payload.summary' is missing or blank"_qs);
        if (summary.size() > 1024) return invalid(u"'payload.summary' is too long (maximum is 1024 characters)"_qs);
        if (source.trimmed().isEmpty()) return invalid(u"'payload.source' is missing or blank"_qs);
        static const QStringList kSeverities{u"critical"_qs, u"error"_qs, u"warning"_qs, u"info"_qs};
        if (!kSeverities.contains(severity))
            return invalid(
                u"'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')"_qs);
        if (dedupKey.isEmpty()) dedupKey = SimOrg::hex(m_rng, 32);
        if (SimIncident* existing = open(dedupKey)) {
            // Same key while open: one more alert on the same incident, no new page.
            ++existing->alerts;
            existing->updatedMs = nowMs;
        } else {
            SimIncident i;
            i.id = u"Q"_qs + SimOrg::makeId(m_rng, QString()).left(13).toUpper();
            i.number = int(m_incidents.size()) + 1;
            i.title = summary;
            i.source = source;
            i.severity = severity;
            i.component = payload.value(u"component").toString();
            i.group = payload.value(u"group").toString();
            i.eventClass = payload.value(u"class").toString();
            i.customDetails = payload.value(u"custom_details").toObject();
            i.incidentKey = dedupKey;
            i.urgency = severity == u"critical" || severity == u"error" ? u"high"_qs : u"low"_qs;
            i.createdMs = i.updatedMs = i.lastStatusChangeMs = nowMs;
            m_incidents.append(i);
        }
    } else {
        if (dedupKey.isEmpty()) return invalid(u"'dedup_key' is missing or blank"_qs);
        // With no open incident for the key, PagerDuty accepts the event and drops it.
        if (action == u"acknowledge")
            acknowledge(dedupKey, nowMs, u"Events API"_qs);
        else
            resolve(dedupKey, nowMs);
    }
    ++m_accepted;
    return {202, QJsonObject{{u"status"_qs, u"success"_qs},
                             {u"message"_qs, u"Event processed"_qs},
                             {u"dedup_key"_qs, dedupKey}}};
}

bool SimPagerDuty::acknowledge(const QString& idOrKey, qint64 nowMs, const QString& by)
{
    SimIncident* i = open(idOrKey);
    if (!i) return false;
    if (i->status != u"acknowledged") i->lastStatusChangeMs = nowMs;
    i->status = u"acknowledged"_qs;
    i->acknowledgedAtMs.append(nowMs);
    i->acknowledgedBy = by;
    i->updatedMs = nowMs;
    return true;
}

bool SimPagerDuty::resolve(const QString& idOrKey, qint64 nowMs)
{
    SimIncident* i = open(idOrKey);
    if (!i) return false;
    i->status = u"resolved"_qs;
    i->resolvedMs = i->lastStatusChangeMs = i->updatedMs = nowMs;
    i->acknowledgedAtMs.clear();
    return true;
}

QJsonObject SimPagerDuty::toJson(const SimIncident& i) const
{
    QJsonArray acks;
    if (i.status == u"acknowledged") {
        for (qint64 at : i.acknowledgedAtMs)
            acks.append(QJsonObject{{u"at"_qs, okta::formatTimestampMs(at)},
                                    {u"acknowledger"_qs, QJsonObject{{u"type"_qs, u"user_reference"_qs},
                                                                     {u"summary"_qs, i.acknowledgedBy}}}});
    }
    const QJsonObject service{
        {u"id"_qs, u"PSIMVGL"_qs}, {u"type"_qs, u"service_reference"_qs}, {u"summary"_qs, u"Okta account takeover"_qs}};
    QJsonArray assignments;
    if (i.status != u"resolved")
        assignments.append(QJsonObject{{u"at"_qs, okta::formatTimestampMs(i.createdMs)},
                                       {u"assignee"_qs, QJsonObject{{u"id"_qs, u"PSIMUSR"_qs},
                                                                    {u"type"_qs, u"user_reference"_qs},
                                                                    {u"summary"_qs, u"Sim On-Call"_qs}}}});
    return QJsonObject{
        {u"id"_qs, i.id},
        {u"type"_qs, u"incident"_qs},
        {u"incident_number"_qs, i.number},
        {u"title"_qs, i.title},
        {u"summary"_qs, QString(u"[#"_qs + QString::number(i.number) + u"] "_qs + i.title)},
        {u"status"_qs, i.status},
        {u"incident_key"_qs, i.incidentKey},
        {u"urgency"_qs, i.urgency},
        {u"created_at"_qs, okta::formatTimestampMs(i.createdMs)},
        {u"updated_at"_qs, okta::formatTimestampMs(i.updatedMs)},
        {u"last_status_change_at"_qs, okta::formatTimestampMs(i.lastStatusChangeMs)},
        {u"resolved_at"_qs, timeOrNull(i.resolvedMs)},
        {u"assignments"_qs, assignments},
        {u"acknowledgements"_qs, acks},
        {u"service"_qs, service},
        {u"alert_counts"_qs, QJsonObject{{u"all"_qs, i.alerts},
                                         {u"triggered"_qs, i.status == u"resolved" ? 0 : i.alerts},
                                         {u"resolved"_qs, i.status == u"resolved" ? i.alerts : 0}}},
        {u"html_url"_qs, QString(u"https://sim.pagerduty.example/incidents/"_qs + i.id)},
    };
}

SimPagerDuty::Reply SimPagerDuty::listIncidents(const QByteArray& authorization, const QUrlQuery& query) const
{
    if (authorization != "Token token=" + m_apiToken.toUtf8())
        return {401, QJsonObject{{u"error"_qs, QJsonObject{{u"message"_qs, u"Unauthorized"_qs}, {u"code"_qs, 2006}}}}};
    QStringList statuses = query.allQueryItemValues(u"statuses[]"_qs, QUrl::FullyDecoded);
    statuses += query.allQueryItemValues(u"statuses%5B%5D"_qs, QUrl::FullyDecoded);
    const QString key = query.queryItemValue(u"incident_key"_qs, QUrl::FullyDecoded);
    const int limit = qBound(1, query.hasQueryItem(u"limit"_qs) ? query.queryItemValue(u"limit"_qs).toInt() : 25, 100);
    const int offset = qMax(0, query.queryItemValue(u"offset"_qs).toInt());
    QJsonArray all;
    for (const SimIncident& i : m_incidents) {
        if (!statuses.isEmpty() && !statuses.contains(i.status)) continue;
        if (!key.isEmpty() && i.incidentKey != key) continue;
        all.append(toJson(i));
    }
    QJsonArray page;
    for (qsizetype k = offset; k < all.size() && page.size() < limit; ++k)
        page.append(all.at(k));
    return {200, QJsonObject{{u"incidents"_qs, page},
                             {u"limit"_qs, limit},
                             {u"offset"_qs, offset},
                             {u"more"_qs, offset + page.size() < all.size()},
                             {u"total"_qs, QJsonValue()}}};
}

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sim/SimOrg.h"

#include <QJsonObject>
#include <QString>

#include <random>

namespace vigil::sim {

// Who did something, as Okta's `actor` shows it.
struct SimActor
{
    QString id, type = QStringLiteral("User"), alternateId, displayName;

    static SimActor of(const SimUser& u) { return {u.id, QStringLiteral("User"), u.login, u.displayName()}; }
    // A failed sign-in with a username Okta does not know.
    static SimActor unknown(const QString& typedName)
    {
        return {QStringLiteral("unknown"), QStringLiteral("User"), typedName, QStringLiteral("unknown")};
    }
};

// Where a request came from: `client`, `request.ipChain`, `securityContext` and the device fields of
// `debugData` all follow from it.
struct SimClient
{
    SimPlace place;
    QString ip;
    SimDevice device;
};

// Writes System Log events with Okta's field names and value forms (reference §2): a time-based
// (version 1) uuid, `published` in ISO-8601 UTC with milliseconds, client geography, the security
// context, `debugContext.debugData` with string values, the session id and a transaction id.
class SimEventFactory
{
public:
    explicit SimEventFactory(quint64 seed);

    // A complete event; `client` null for events without an HTTP request (transaction type JOB).
    // `sessionId` empty writes "unknown", as Okta does for failed sign-ins.
    QJsonObject make(qint64 atMs,
                     const QString& eventType,
                     const SimActor& actor,
                     const SimClient* client,
                     const QString& sessionId,
                     const QString& result,
                     const QString& reason = {});

    QString sessionId();     // "idx…", as externalSessionId
    QString transactionId(); // 27 characters, as Okta's request ids
    QString uuid(qint64 atMs);
    std::mt19937_64& rng() { return m_rng; }

    // Editing helpers for the parts that vary per event type.
    static void addTarget(QJsonObject& event,
                          const QString& id,
                          const QString& type,
                          const QString& alternateId,
                          const QString& displayName);
    static void setDebug(QJsonObject& event, const QString& key, const QString& value);
    static void setSeverity(QJsonObject& event, const QString& severity);
    static void setDisplayMessage(QJsonObject& event, const QString& message);
    // Okta's two risk forms: debugData strings ("{New Device=POSITIVE, …}", "{reasons=…, level=…}") and,
    // in newer orgs, the structured securityContext.risk.
    static void setBehaviors(QJsonObject& event, const QString& behaviors);
    static void setRisk(QJsonObject& event, const QString& level, const QStringList& reasons);
    // Marks an API-token request: transaction.detail.requestApiTokenId.
    static void setApiToken(QJsonObject& event, const QString& tokenId);

private:
    std::mt19937_64 m_rng;
    QString m_node; // the uuid node field: one "host" per simulated org
    qint64 m_lastMs = -1;
    int m_sameMs = 0;
};

} // namespace vigil::sim

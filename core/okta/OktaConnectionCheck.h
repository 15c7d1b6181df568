// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/OktaHttp.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace vigil::okta {

class OktaAuthenticator;

// What to check: an org and one credential, typed or read from the keychain. Held only for the
// check; the check never stores, logs or prints a secret.
struct ConnectionCheckRequest
{
    QString orgUrl;
    QString authMethod = QStringLiteral("token"); // "token" (SSWS) or "oauth" (service app)
    QByteArray apiToken;
    QString oauthClientId;
    QString oauthKeyId;
    QByteArray oauthPrivateKeyPem;
    bool enforceScopes = false; // ask the service app for the enforce-mode scopes too
    int timeoutMs = 15000;
};

struct ConnectionCheckResult
{
    bool ok = false;
    int httpStatus = 0;     // of GET /api/v1/logs; 0 when it was never answered
    QString summary;        // one line: "Connected to acme.okta.com" or what failed
    QString detail;         // what the answer proves, or how to fix what failed
    QStringList scopes;     // the service app's granted scopes (the token response's `scope`)
    bool hasScopes = false; // false for an API token: SSWS tokens carry no scopes
    RateLimitInfo rateLimit;
};

// "Test connection": fetches a service app token when needed, then asks GET /api/v1/logs?limit=1 —
// the call Vigil's ingestion depends on — and says in words what the answer proves. One check at a
// time; starting another abandons the one in flight.
class OktaConnectionCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OktaConnectionCheck)

public:
    explicit OktaConnectionCheck(QNetworkAccessManager& network, QObject* parent = nullptr);
    ~OktaConnectionCheck() override;

    void start(const ConnectionCheckRequest& request);
    bool running() const { return m_running; }

    // "Scopes granted: okta.logs.read, okta.users.read", or what an API token's lack of scopes means.
    static QString scopesLine(const ConnectionCheckResult& result);

signals:
    void finished(const vigil::okta::ConnectionCheckResult& result);

private:
    void probeLogs(const QUrl& org, const QByteArray& authorization);
    void onLogsReply(QNetworkReply* reply, const QString& host);
    void finish(ConnectionCheckResult result);

    QNetworkAccessManager& m_network;
    std::unique_ptr<OktaAuthenticator> m_auth;
    ConnectionCheckRequest m_request;
    QPointer<QNetworkReply> m_reply;
    quint64 m_generation = 0; // answers to an abandoned check are dropped
    bool m_running = false;
};

} // namespace vigil::okta

Q_DECLARE_METATYPE(vigil::okta::ConnectionCheckResult)

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/OktaAuth.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

class QNetworkReply;

namespace vigil::okta {

struct OAuthServiceAppSettings
{
    QUrl orgUrl; // validated origin, see validateOrgUrl(); the token URL is {orgUrl}/oauth2/v1/token
    QString clientId;
    // The app's private key as PEM (PKCS#1 or PKCS#8, RSA), from the keychain or the environment.
    // Parsed once by the constructor, which then wipes this copy; never printed.
    QByteArray privateKeyPem;
    QString keyId; // the `kid` of the key registered with the app, if it has several
    QStringList scopes{QStringLiteral("okta.logs.read")};
    qint64 requestTimeoutMs = 30000;
    qint64 assertionLifetimeMs = 5 * 60000; // Okta accepts at most one hour
    // A token is used until this long before it expires (at most half of its lifetime).
    qint64 refreshMarginMs = 60000;
    // After Okta refuses the client itself (invalid_client, invalid_scope, …), answer every
    // authorize() with that refusal for this long instead of asking again: a wrong key must not
    // become a storm of failed token requests in Okta's System Log.
    qint64 refusalHoldMs = 5 * 60000;
};

// The Okta API scopes Vigil asks its service app for: monitor mode only reads, enforce mode also
// changes users and groups. One list for the live session and the connection check, so that a
// passing check proves what the session will need.
QStringList serviceAppScopes(bool enforce);

// Signs `header` and `claims` as a compact JWS with RS256 (RSASSA-PKCS1-v1_5, SHA-256). Returns an
// empty array and sets `error` when the key is not an RSA private key or signing fails.
QByteArray
signJwtRs256(const QJsonObject& header, const QJsonObject& claims, const QByteArray& privateKeyPem, QString* error);

// An OAuth 2.0 service app: the client credentials grant with `private_key_jwt` client
// authentication against the org authorization server, as Okta requires for Okta-scoped tokens.
// The access token is cached until shortly before it expires; callers that ask while a token
// request is in flight wait for that one request. `Authorization: Bearer <token>`.
//
// Lives on the thread of the injected QNetworkAccessManager.
class OAuthServiceAppAuthenticator final : public QObject, public OktaAuthenticator
{
    Q_OBJECT

public:
    using Clock = std::function<qint64()>; // wall clock in ms; tests may replace it

    OAuthServiceAppAuthenticator(QNetworkAccessManager& network,
                                 OAuthServiceAppSettings settings,
                                 QObject* parent = nullptr);
    ~OAuthServiceAppAuthenticator() override;

    void authorize(Done done) override;
    void invalidate() override;
    QString describe() const override;

    QUrl tokenUrl() const;
    // Token requests sent so far (for health and tests).
    int tokenRequests() const { return m_tokenRequests; }
    // The scopes Okta granted with the current token (empty before the first one).
    QStringList grantedScopes() const { return m_grantedScopes; }
    void setClock(Clock clock) { m_clock = std::move(clock); }

signals:
    // "fetched an access token for …, valid 3600 s" and refusals; never the token.
    void statusMessage(const QString& message);

private:
    void requestToken();
    void onTokenReply(QNetworkReply* reply);
    void finish(const QByteArray& authorization, const QString& error);
    QByteArray clientAssertion(QString* error) const;
    qint64 now() const { return m_clock(); }

    QNetworkAccessManager& m_network;
    OAuthServiceAppSettings m_settings;
    std::unique_ptr<evp_pkey_st, void (*)(evp_pkey_st*)> m_key;
    QString m_keyError; // why the key could not be used, empty when it is fine
    Clock m_clock;
    QByteArray m_authorization; // "Bearer …", empty when none is cached
    qint64 m_useUntilMs = 0;
    QStringList m_grantedScopes;
    QString m_refusal; // Okta's refusal of the client, repeated until m_refusalUntilMs
    qint64 m_refusalUntilMs = 0;
    QPointer<QNetworkReply> m_reply;
    QList<Done> m_waiting;
    int m_tokenRequests = 0;
};

} // namespace vigil::okta

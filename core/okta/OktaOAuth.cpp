// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/OktaOAuth.h"

#include "core/okta/OktaHttp.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

Q_LOGGING_CATEGORY(lcOAuth, "vigil.core.okta.oauth")

namespace vigil::okta {

namespace {

QByteArray base64Url(const QByteArray& bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// The newest OpenSSL error as text, and the queue emptied so that it does not leak into later calls.
QString openSslError()
{
    const unsigned long code = ERR_peek_last_error();
    char text[256] = {};
    if (code != 0) ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return code != 0 ? QString::fromLatin1(text) : QCoreApplication::translate("Okta", "unknown OpenSSL error");
}

void freeKey(evp_pkey_st* key)
{
    EVP_PKEY_free(key);
}

// Parses a PEM private key; only RSA keys can sign RS256.
EVP_PKEY* readRsaPrivateKey(const QByteArray& pem, QString* error)
{
    if (pem.trimmed().isEmpty()) {
        if (error) *error = QCoreApplication::translate("Okta", "no private key was given");
        return nullptr;
    }
    BIO* bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    if (!bio) {
        if (error) *error = openSslError();
        return nullptr;
    }
    // No passphrase callback: an encrypted key fails here instead of prompting on a terminal.
    EVP_PKEY* key = PEM_read_bio_PrivateKey(
        bio, nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
    BIO_free(bio);
    if (!key) {
        if (error)
            *error = QCoreApplication::translate("Okta", "the private key is not an unencrypted PEM key (%1)")
                         .arg(openSslError());
        return nullptr;
    }
    if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        if (error) *error = QCoreApplication::translate("Okta", "the private key is not an RSA key (RS256 needs one)");
        return nullptr;
    }
    return key;
}

QByteArray signWithKey(EVP_PKEY* key, const QByteArray& signingInput, QString* error)
{
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    QByteArray signature;
    size_t length = 0;
    bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1
              && EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(signingInput.constData()),
                                size_t(signingInput.size()))
                     == 1;
    if (ok) {
        signature.resize(qsizetype(length));
        ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                            reinterpret_cast<const unsigned char*>(signingInput.constData()),
                            size_t(signingInput.size()))
             == 1;
        signature.resize(qsizetype(length));
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        if (error)
            *error =
                QCoreApplication::translate("Okta", "could not sign the client assertion (%1)").arg(openSslError());
        return {};
    }
    return signature;
}

QByteArray compactJws(EVP_PKEY* key, const QJsonObject& header, const QJsonObject& claims, QString* error)
{
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                                    + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signature = signWithKey(key, signingInput, error);
    if (signature.isEmpty()) return {};
    return signingInput + '.' + base64Url(signature);
}

QByteArray formValue(const QString& value)
{
    return QUrl::toPercentEncoding(value);
}

} // namespace

QStringList serviceAppScopes(bool enforce)
{
    QStringList scopes{u"okta.logs.read"_qs, u"okta.users.read"_qs};
    if (enforce) scopes << u"okta.users.manage"_qs << u"okta.groups.manage"_qs;
    return scopes;
}

QByteArray
signJwtRs256(const QJsonObject& header, const QJsonObject& claims, const QByteArray& privateKeyPem, QString* error)
{
    std::unique_ptr<evp_pkey_st, void (*)(evp_pkey_st*)> key(readRsaPrivateKey(privateKeyPem, error), freeKey);
    if (!key) return {};
    return compactJws(key.get(), header, claims, error);
}

OAuthServiceAppAuthenticator::OAuthServiceAppAuthenticator(QNetworkAccessManager& network,
                                                           OAuthServiceAppSettings settings,
                                                           QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_settings(std::move(settings))
    , m_key(nullptr, freeKey)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_key.reset(readRsaPrivateKey(m_settings.privateKeyPem, &m_keyError));
    // The parsed key is all we need: wipe the PEM so that one copy fewer of the secret lingers.
    if (!m_settings.privateKeyPem.isEmpty()) {
        m_settings.privateKeyPem.detach();
        OPENSSL_cleanse(m_settings.privateKeyPem.data(), size_t(m_settings.privateKeyPem.size()));
        m_settings.privateKeyPem.clear();
    }
    if (m_settings.clientId.trimmed().isEmpty())
        m_keyError = tr("the OAuth service app has no client ID");
    else if (!m_keyError.isEmpty())
        m_keyError = tr("the private key of %1 cannot be used: %2").arg(describe(), m_keyError);
}

OAuthServiceAppAuthenticator::~OAuthServiceAppAuthenticator()
{
    if (m_reply) {
        QNetworkReply* reply = m_reply;
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

QString OAuthServiceAppAuthenticator::describe() const
{
    return tr("OAuth service app %1").arg(m_settings.clientId);
}

QUrl OAuthServiceAppAuthenticator::tokenUrl() const
{
    QUrl url = m_settings.orgUrl;
    url.setPath(QStringLiteral("/oauth2/v1/token"));
    return url;
}

void OAuthServiceAppAuthenticator::invalidate()
{
    m_authorization.clear();
    m_useUntilMs = 0;
}

void OAuthServiceAppAuthenticator::authorize(Done done)
{
    if (!m_keyError.isEmpty()) {
        done({}, m_keyError);
        return;
    }
    const qint64 t = now();
    if (!m_authorization.isEmpty() && t < m_useUntilMs) {
        done(m_authorization, {});
        return;
    }
    if (!m_refusal.isEmpty() && t < m_refusalUntilMs) {
        done({}, m_refusal);
        return;
    }
    m_waiting.append(std::move(done));
    if (!m_reply) requestToken();
}

QByteArray OAuthServiceAppAuthenticator::clientAssertion(QString* error) const
{
    unsigned char random[16];
    if (RAND_bytes(random, sizeof random) != 1) {
        if (error) *error = tr("no random bytes for the client assertion (%1)").arg(openSslError());
        return {};
    }
    const qint64 issuedAt = now() / 1000;
    QJsonObject header{{u"alg"_qs, u"RS256"_qs}, {u"typ"_qs, u"JWT"_qs}};
    if (!m_settings.keyId.isEmpty()) header.insert(u"kid"_qs, m_settings.keyId);
    const QJsonObject claims{
        {u"aud"_qs, QString::fromUtf8(tokenUrl().toEncoded())},
        {u"iss"_qs, m_settings.clientId},
        {u"sub"_qs, m_settings.clientId},
        {u"iat"_qs, issuedAt},
        {u"exp"_qs, issuedAt + std::clamp<qint64>(m_settings.assertionLifetimeMs / 1000, 30, 3600)},
        {u"jti"_qs, QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(random), sizeof random).toHex())},
    };
    return compactJws(m_key.get(), header, claims, error);
}

void OAuthServiceAppAuthenticator::requestToken()
{
    QString error;
    const QByteArray assertion = clientAssertion(&error);
    if (assertion.isEmpty()) {
        finish({}, error);
        return;
    }
    const QByteArray body =
        "grant_type=client_credentials&scope=" + formValue(m_settings.scopes.join(u' ')) + "&client_assertion_type="
        + formValue(u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_qs) + "&client_assertion=" + assertion;
    QNetworkRequest request(tokenUrl());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    request.setTransferTimeout(int(std::clamp<qint64>(m_settings.requestTimeoutMs, 1, 3600000)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // The assertion and the token must not be cached anywhere.
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    ++m_tokenRequests;
    QNetworkReply* reply = m_network.post(request, body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onTokenReply(reply); });
}

void OAuthServiceAppAuthenticator::onTokenReply(QNetworkReply* reply)
{
    reply->deleteLater();
    if (m_reply == reply) m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (status == 0) {
        const QString error =
            tr("cannot reach Okta's token endpoint for the %1: %2").arg(describe(), reply->errorString());
        qCWarning(lcOAuth).noquote() << error;
        finish({}, error);
        return;
    }
    if (status != 200) {
        const QString okta = describeOktaError(status, body);
        // 400/401 mean the client, its key, its grant or its scopes were refused: asking again with
        // the same credentials gets the same answer, so hold the refusal for a while.
        const bool refused = status == 400 || status == 401 || status == 403;
        const QString error = refused ? tr("Okta refused the %1 (%2)").arg(describe(), okta)
                                      : tr("Okta's token endpoint failed for the %1 (%2)").arg(describe(), okta);
        qCWarning(lcOAuth).noquote() << error;
        if (refused) {
            m_refusal = error;
            m_refusalUntilMs = now() + m_settings.refusalHoldMs;
            emit statusMessage(error);
        }
        finish({}, error);
        return;
    }
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString tokenType = o.value(u"token_type").toString();
    const QByteArray token = o.value(u"access_token").toString().toUtf8();
    const qint64 expiresIn = qint64(o.value(u"expires_in").toDouble(-1));
    QString error;
    if (tokenType.compare(u"DPoP", Qt::CaseInsensitive) == 0) {
        error = tr("the %1 requires DPoP-bound tokens, which Vigil does not support: turn off \"Require DPoP\" for "
                   "the app in Okta")
                    .arg(describe());
    } else if (tokenType.compare(u"Bearer", Qt::CaseInsensitive) != 0 || token.isEmpty() || expiresIn <= 0) {
        error = tr("Okta's token endpoint answered the %1 without a usable Bearer token").arg(describe());
    }
    if (!error.isEmpty()) {
        qCWarning(lcOAuth).noquote() << error;
        finish({}, error);
        return;
    }
    const qint64 lifetimeMs = expiresIn * 1000;
    m_authorization = "Bearer " + token;
    m_useUntilMs = now() + lifetimeMs - std::min(m_settings.refreshMarginMs, lifetimeMs / 2);
    m_grantedScopes = o.value(u"scope").toString().split(u' ', Qt::SkipEmptyParts);
    m_refusal.clear();
    m_refusalUntilMs = 0;
    const QString message = tr("fetched an access token for the %1 (valid %2 s, scopes: %3)")
                                .arg(describe())
                                .arg(expiresIn)
                                .arg(m_grantedScopes.join(u' '));
    qCInfo(lcOAuth).noquote() << message;
    finish(m_authorization, {});
}

void OAuthServiceAppAuthenticator::finish(const QByteArray& authorization, const QString& error)
{
    // A callback may call authorize() again (and start a new request): hand out a detached list.
    const QList<Done> waiting = std::exchange(m_waiting, {});
    for (const Done& done : waiting)
        done(authorization, error);
}

} // namespace vigil::okta

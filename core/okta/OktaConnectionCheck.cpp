// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/OktaConnectionCheck.h"

#include "core/okta/OktaAuth.h"
#include "core/okta/OktaOAuth.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace vigil::okta {

OktaConnectionCheck::OktaConnectionCheck(QNetworkAccessManager& network, QObject* parent)
    : QObject(parent)
    , m_network(network)
{
    qRegisterMetaType<ConnectionCheckResult>();
}

OktaConnectionCheck::~OktaConnectionCheck()
{
    if (m_reply) m_reply->abort();
}

void OktaConnectionCheck::start(const ConnectionCheckRequest& request)
{
    const quint64 generation = ++m_generation;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
    // An authenticator may still wait for its token reply: let it go once control returns.
    if (auto* previous = dynamic_cast<QObject*>(m_auth.get())) {
        (void)m_auth.release();
        previous->deleteLater();
    }
    m_auth.reset();
    m_request = request;
    m_running = true;

    ConnectionCheckResult failed;
    QString why;
    const std::optional<QUrl> org = validateOrgUrl(request.orgUrl, &why);
    if (!org) {
        failed.summary = tr("The org URL cannot be used.");
        failed.detail = why;
        finish(failed);
        return;
    }
    if (request.authMethod == u"oauth") {
        if (request.oauthClientId.isEmpty() || request.oauthPrivateKeyPem.isEmpty()) {
            failed.summary = tr("The service app needs its client id and private key.");
            finish(failed);
            return;
        }
        OAuthServiceAppSettings oauth;
        oauth.orgUrl = *org;
        oauth.clientId = request.oauthClientId;
        oauth.keyId = request.oauthKeyId;
        oauth.privateKeyPem = request.oauthPrivateKeyPem;
        oauth.scopes = serviceAppScopes(request.enforceScopes);
        oauth.requestTimeoutMs = request.timeoutMs;
        oauth.refusalHoldMs = 0; // a check after fixing the app in Okta must ask again
        m_auth = std::make_unique<OAuthServiceAppAuthenticator>(m_network, oauth);
    } else {
        if (request.apiToken.isEmpty()) {
            failed.summary = tr("Type the API token first.");
            finish(failed);
            return;
        }
        m_auth = std::make_unique<SswsAuthenticator>(request.apiToken);
    }
    m_auth->authorize([this, generation, org = *org](const QByteArray& authorization, const QString& error) {
        if (generation != m_generation) return;
        if (authorization.isEmpty()) {
            ConnectionCheckResult r;
            r.summary = tr("Okta did not issue an access token to the service app.");
            r.detail = error + u"\n"
                       + tr("Check the client id, that the app uses public key / private key authentication with "
                            "this key (and key id), and that it is granted these Okta API scopes: %1.")
                             .arg(serviceAppScopes(m_request.enforceScopes).join(u", "));
            finish(r);
            return;
        }
        probeLogs(org, authorization);
    });
}

void OktaConnectionCheck::probeLogs(const QUrl& org, const QByteArray& authorization)
{
    QUrl url = org.resolved(QUrl(u"/api/v1/logs"_qs));
    url.setQuery(QUrlQuery{{u"limit"_qs, u"1"_qs}});
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", authorization);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    request.setTransferTimeout(m_request.timeoutMs);
    // The credential goes to the org and nowhere else, not even where the org redirects.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    QNetworkReply* reply = m_network.get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, host = org.host()] { onLogsReply(reply, host); });
}

void OktaConnectionCheck::onLogsReply(QNetworkReply* reply, const QString& host)
{
    reply->deleteLater();
    m_reply = nullptr;
    const bool oauth = m_request.authMethod == u"oauth";
    ConnectionCheckResult r;
    r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.rateLimit = rateLimitInfo(*reply);
    if (oauth) {
        if (const auto* app = dynamic_cast<OAuthServiceAppAuthenticator*>(m_auth.get())) {
            r.scopes = app->grantedScopes();
            r.hasScopes = true;
        }
    }
    const QByteArray body = reply->readAll();
    const QString okta = describeOktaError(r.httpStatus, body);
    switch (r.httpStatus) {
    case 200: {
        r.ok = true;
        r.summary = tr("Connected to %1: Okta answered GET /api/v1/logs.").arg(host);
        QStringList lines;
        if (oauth) {
            lines << tr("The service app's token reads the System Log with the scopes Okta granted.");
        } else {
            //: SSWS = Okta's API token scheme; keep the technical terms.
            lines << tr("The API token is valid and reads the System Log. API tokens carry no scopes: they act "
                        "with the admin role of the person who created them, so create Vigil's token as a "
                        "Read-only Administrator for monitor mode.");
        }
        const QJsonArray events = QJsonDocument::fromJson(body).array();
        lines << (events.isEmpty() ? tr("The System Log has no event from the last 7 days (Okta's default "
                                        "window); Vigil will read new ones as they arrive.")
                                   : tr("The System Log returned an event, so Vigil will see sign-ins."));
        if (r.rateLimit.known()) {
            lines << tr("System Log rate limit: %1 of %2 requests left in this window.")
                         .arg(r.rateLimit.remaining)
                         .arg(r.rateLimit.limit);
        }
        r.detail = lines.join(u'\n');
        break;
    }
    case 0:
        r.summary = tr("Cannot reach %1.").arg(host);
        r.detail = tr("%1. Check the org URL, and that this workstation can reach Okta (proxy, firewall, VPN).")
                       .arg(reply->errorString());
        break;
    case 301:
    case 302:
    case 307:
    case 308:
        r.summary = tr("%1 redirects the API elsewhere.").arg(host);
        r.detail = tr("Okta answered with a redirect to %1. Use the org's own address (https://<org>.okta.com), "
                      "not a custom or admin domain.")
                       .arg(reply->header(QNetworkRequest::LocationHeader).toUrl().toDisplayString());
        break;
    case 401:
        if (oauth) {
            r.summary = tr("Okta refused the service app's access token (%1).").arg(okta);
            r.detail = tr("Check that the app is an API Services app of this org and is still active.");
        } else {
            r.summary = tr("Okta refused the API token (%1).").arg(okta);
            r.detail = tr("Check that the whole token was copied and that it is still active: Okta revokes a token "
                          "that was not used for 30 days, and every token of an admin who is deactivated.");
        }
        break;
    case 403:
        r.summary = tr("The credential is valid but may not read the System Log (%1).").arg(okta);
        r.detail = oauth ? tr("Grant the service app the okta.logs.read and okta.users.read scopes (Okta API Scopes "
                              "tab) and assign it the Read-only Administrator role.")
                         : tr("Create the token as an admin with at least the Read-only Administrator role.");
        break;
    case 429: {
        r.summary = tr("Okta's rate limit for the System Log is used up right now (%1).").arg(okta);
        const qint64 waitMs = r.rateLimit.msUntilReset(QDateTime::currentMSecsSinceEpoch());
        r.detail = waitMs > 0 ? tr("Try again in %n second(s). Other clients use the same limit.", "",
                                   int((waitMs + 999) / 1000))
                              : tr("Try again in a minute. Other clients use the same limit.");
        break;
    }
    default:
        r.summary = tr("Okta answered %1.").arg(okta);
        r.detail = tr("Try again; if it persists, check Okta's status page.");
        break;
    }
    finish(r);
}

QString OktaConnectionCheck::scopesLine(const ConnectionCheckResult& result)
{
    if (!result.hasScopes) return tr("Scopes: none (an API token acts with its creator's admin role).");
    if (result.scopes.isEmpty()) return tr("Scopes granted: none reported by Okta.");
    return tr("Scopes granted: %1.").arg(result.scopes.join(u", "));
}

void OktaConnectionCheck::finish(ConnectionCheckResult result)
{
    m_running = false;
    emit finished(result);
}

} // namespace vigil::okta

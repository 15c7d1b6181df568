// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/response/Services.h"

#include "core/okta/OktaAuth.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace vigil::response {

OktaService::OktaService(QUrl orgUrl, okta::OktaAuthenticator& auth)
    : m_org(std::move(orgUrl))
    , m_auth(auth)
{
}

void OktaService::prepare(const OutboundCall& call, Ready ready)
{
    QUrl url = m_org.resolved(QUrl(call.path));
    m_auth.authorize(
        [url, ready = std::move(ready), body = call.body](const QByteArray& authorization, const QString& error) {
            if (!error.isEmpty()) {
                ready({}, {}, error);
                return;
            }
            QNetworkRequest request(url);
            request.setRawHeader("Authorization", authorization);
            request.setRawHeader("Accept", "application/json");
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            ready(request, body, {});
        });
}

PagerDutyEventsService::PagerDutyEventsService(QUrl baseUrl, QByteArray routingKey)
    : m_base(std::move(baseUrl))
    , m_routingKey(std::move(routingKey))
{
}

void PagerDutyEventsService::prepare(const OutboundCall& call, Ready ready)
{
    if (m_routingKey.isEmpty()) {
        ready({}, {}, QCoreApplication::translate("Response", "no PagerDuty routing key is configured"));
        return;
    }
    QJsonObject event = QJsonDocument::fromJson(call.body).object();
    event.insert(u"routing_key"_qs, QString::fromLatin1(m_routingKey));
    QNetworkRequest request(m_base.resolved(QUrl(call.path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    ready(request, QJsonDocument(event).toJson(QJsonDocument::Compact), {});
}

WebhookService::WebhookService(QUrl url)
    : m_url(std::move(url))
{
}

void WebhookService::prepare(const OutboundCall& call, Ready ready)
{
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    ready(request, call.body, {});
}

} // namespace vigil::response

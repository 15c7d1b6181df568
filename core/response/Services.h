// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/response/Outbox.h"

#include <QUrl>

namespace vigil::okta {
class OktaAuthenticator;
}

namespace vigil::response {

// Okta's management API: the org URL, the credential (SSWS or OAuth) added at send time.
class OktaService final : public OutboundService
{
public:
    OktaService(QUrl orgUrl, okta::OktaAuthenticator& auth);
    void prepare(const OutboundCall& call, Ready ready) override;

private:
    QUrl m_org;
    okta::OktaAuthenticator& m_auth;
};

// PagerDuty Events API v2. The routing key is a secret: it is not stored with the call but put into
// the body when it is sent.
class PagerDutyEventsService final : public OutboundService
{
public:
    PagerDutyEventsService(QUrl baseUrl, QByteArray routingKey);
    void prepare(const OutboundCall& call, Ready ready) override;

private:
    QUrl m_base;
    QByteArray m_routingKey;
};

// A generic JSON webhook (Slack and Teams incoming webhooks accept {"text": …}). The URL itself is a
// secret for those services, so it lives here, not in the stored call.
class WebhookService final : public OutboundService
{
public:
    explicit WebhookService(QUrl url);
    void prepare(const OutboundCall& call, Ready ready) override;

private:
    QUrl m_url;
};

} // namespace vigil::response

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/response/Outbox.h"

#include <QUrl>

namespace vigil::response {

// The ticket interface. The response engine writes one neutral ticket per incident,
//   {"summary": …, "description": [paragraphs…], "labels": […], "severity": …, "user": …, "alert_id": …},
// as the body of an outbox call to the "ticket" service; the service registered under that name
// turns it into its tracker's request. The generic webhook (WebhookService) posts it as it is.

// Jira Cloud: POST /rest/api/3/issue with basic auth (account e-mail and API token), the description
// in Atlassian Document Format. The reply's "key" (e.g. SEC-42) is the ticket's name.
class JiraTicketService final : public OutboundService
{
public:
    JiraTicketService(QUrl siteUrl, QString email, QByteArray apiToken, QString projectKey, QString issueType);
    void prepare(const OutboundCall& call, Ready ready) override;

    // The Jira request body for a neutral ticket (exposed for tests).
    static QByteArray issueBody(const QByteArray& neutralTicket, const QString& projectKey, const QString& issueType);

private:
    QUrl m_site;
    QString m_email;
    QByteArray m_token;
    QString m_project;
    QString m_issueType;
};

} // namespace vigil::response

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/response/Tickets.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vigil::response {

JiraTicketService::JiraTicketService(
    QUrl siteUrl, QString email, QByteArray apiToken, QString projectKey, QString issueType)
    : m_site(std::move(siteUrl))
    , m_email(std::move(email))
    , m_token(std::move(apiToken))
    , m_project(std::move(projectKey))
    , m_issueType(issueType.isEmpty() ? u"Task"_qs : std::move(issueType))
{
}

QByteArray
JiraTicketService::issueBody(const QByteArray& neutralTicket, const QString& projectKey, const QString& issueType)
{
    const QJsonObject ticket = QJsonDocument::fromJson(neutralTicket).object();
    // Atlassian Document Format: a doc of paragraphs of text nodes. Jira rejects empty text nodes.
    QJsonArray paragraphs;
    for (const QJsonValue& p : ticket.value(u"description").toArray()) {
        const QString text = p.toString();
        if (text.isEmpty()) continue;
        paragraphs.append(
            QJsonObject{{u"type"_qs, u"paragraph"_qs},
                        {u"content"_qs, QJsonArray{QJsonObject{{u"type"_qs, u"text"_qs}, {u"text"_qs, text}}}}});
    }
    QJsonObject fields{
        {u"project"_qs, QJsonObject{{u"key"_qs, projectKey}}},
        {u"issuetype"_qs, QJsonObject{{u"name"_qs, issueType}}},
        // Jira's summary field holds at most 255 characters.
        {u"summary"_qs, ticket.value(u"summary").toString().left(255)},
        {u"description"_qs, QJsonObject{{u"type"_qs, u"doc"_qs}, {u"version"_qs, 1}, {u"content"_qs, paragraphs}}}};
    QJsonArray labels;
    for (const QJsonValue& l : ticket.value(u"labels").toArray())
        labels.append(QString(l.toString()).replace(u' ', u'-')); // Jira labels cannot hold spaces
    if (!labels.isEmpty()) fields.insert(u"labels"_qs, labels);
    return QJsonDocument(QJsonObject{{u"fields"_qs, fields}}).toJson(QJsonDocument::Compact);
}

void JiraTicketService::prepare(const OutboundCall& call, Ready ready)
{
    if (m_project.isEmpty() || m_token.isEmpty()) {
        ready({}, {}, QCoreApplication::translate("Response", "Jira needs a project key and an API token"));
        return;
    }
    QNetworkRequest request(m_site.resolved(QUrl(u"/rest/api/3/issue"_qs)));
    request.setRawHeader("Authorization", "Basic " + QByteArray(m_email.toUtf8() + ':' + m_token).toBase64());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    ready(request, issueBody(call.body, m_project, m_issueType), {});
}

} // namespace vigil::response

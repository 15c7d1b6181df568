// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/audit/AuditLog.h"
#include "core/okta/EventHookReceiver.h"
#include "core/okta/OktaAuth.h"
#include "core/okta/SystemLogPoller.h"
#include "core/pipeline/LivePipeline.h"
#include "core/response/AnalystCommands.h"
#include "core/response/Outbox.h"
#include "core/response/ResponseEngine.h"
#include "core/risk/Policy.h"
#include "core/store/EventStore.h"
#include "core/team/TeamCoordinator.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <memory>
#include <optional>

namespace vigil::pipeline {

struct LiveSessionSettings
{
    QString dataDir; // resolved folder for the store
    // Team mode (issue 8): postgresql://USER@HOST:PORT/DB instead of the SQLite file in dataDir (which
    // still holds status.json and the command socket's identity).
    QString storeUrl;
    QByteArray storePassword; // never logged
    QString orgUrl;           // validated in start()
    QByteArray token;         // SSWS API token; never logged
    // Or an OAuth 2.0 service app (client credentials with private_key_jwt), preferred by Okta.
    QString oauthClientId;
    QByteArray oauthPrivateKeyPem; // never logged
    QString oauthKeyId;
    risk::Policy policy = risk::Policy::defaults();
    bool poll = true;
    std::optional<okta::HookReceiverSettings> hooks;
    qint64 warmUpMs = 24 * 3600000LL;

    // The automation core.
    bool automation = true;
    std::optional<response::Mode> mode; // default: the policy's response.mode
    qint64 autoSuspendDelayMs = -1;     // default: the policy's response.auto_suspend_delay_minutes
    QString pagerDutyEventsUrl = QStringLiteral("https://events.pagerduty.com");
    QByteArray pagerDutyRoutingKey; // never logged
    QString pagerDutyRestUrl = QStringLiteral("https://api.pagerduty.com");
    QByteArray pagerDutyApiToken; // never logged
    QString notifyWebhookUrl;     // Slack/Teams-style incoming webhook; a secret for those services
    // Incident tickets: Jira Cloud (site URL, account e-mail, API token, project key) or a generic
    // webhook that receives Vigil's neutral ticket JSON. Jira wins when both are set.
    QString jiraUrl;
    QString jiraEmail;
    QByteArray jiraApiToken; // never logged
    QString jiraProject;
    QString jiraIssueType = QStringLiteral("Task");
    QString ticketWebhookUrl;
    QString oktaAdminUrl; // links in pages; default derived from the org URL

    // Team mode's pace (tests shorten them): how often a console beats and tries for the automation lock,
    // and how long a new leader waits before it acts (TeamCoordinator).
    int teamTickMs = 2000;
    int teamTakeoverGraceMs = 5000;
};

// Everything a live run needs, wired together: the store, one QNetworkAccessManager, the System Log
// poller, the optional Event Hook receiver and the pipeline. `vigil serve`, `vigil --demo` and the
// console build one of these instead of repeating the wiring.
class LiveSession : public QObject
{
    Q_OBJECT

public:
    explicit LiveSession(LiveSessionSettings settings, QObject* parent = nullptr);
    ~LiveSession() override;

    bool start(QString* error);
    // Stops ingestion and saves what was learned; the store stays open for reading.
    void stop();

    store::EventStore& store() { return *m_store; }
    // The SQLite file's path, or the team database's URL (without password).
    QString storeDescription() const { return m_storeDescription; }
    // Team mode only (nullptr otherwise): leadership, members, live sharing.
    team::TeamCoordinator* team() { return m_team.get(); }
    // For the status bar; teamMode is false with the embedded store.
    team::TeamStatus teamStatus() const;
    LivePipeline& pipeline() { return *m_pipeline; }
    okta::SystemLogPoller* poller() { return m_poller.get(); }
    okta::EventHookReceiver* hooks() { return m_hooks.get(); }
    QNetworkAccessManager& network() { return m_network; }
    response::ResponseEngine* responses() { return m_responses.get(); }
    // An analyst command from the console (the command socket applies `vigil alert`'s the same way).
    response::CommandResult command(const response::AnalystCommand& command);
    response::Outbox* outbox() { return m_outbox.get(); }
    audit::AuditLog* auditLog() { return m_audit.get(); }
    // The latest log lines (at most 200), for a console that attaches after the session started.
    const QStringList& recentLogLines() const { return m_recentLines; }

signals:
    // A line for a log: state changes of the poller and the receiver, alerts.
    void logLine(const QString& line);
    // The poller stopped for good (for instance rejected credentials).
    void failed(const QString& reason);
    // Team mode: another console changed an alert's response (the console re-reads that alert).
    void sharedResponseChanged(const QString& alertId, const QString& state, const QString& by);

private:
    QJsonObject userContext(const QString& user) const;
    void startAutomation(const QUrl& org);
    // Team mode: start or stop what only the leader runs (polling, the engine's timers, the outbox).
    void onLeadership(bool leading);
    bool actsOnAlerts() const { return !m_team || m_team->isLeading(); }
    response::CommandResult applyHere(const response::AnalystCommand& command);
    // A new leader: hands the response engine the alerts that changed while this console followed and no
    // leader may have acted on (a leader died, or nobody led for a while).
    void actOnRecentAlerts();

    LiveSessionSettings m_settings;
    QStringList m_recentLines;
    QNetworkAccessManager m_network;
    std::unique_ptr<store::EventStore> m_store;
    QString m_storeDescription;
    std::unique_ptr<team::TeamCoordinator> m_team;
    std::unique_ptr<okta::OktaAuthenticator> m_auth;
    std::unique_ptr<LivePipeline> m_pipeline;
    std::unique_ptr<okta::SystemLogPoller> m_poller;
    std::unique_ptr<okta::EventHookReceiver> m_hooks;
    std::unique_ptr<audit::AuditLog> m_audit;
    std::unique_ptr<response::Outbox> m_outbox;
    std::unique_ptr<response::ResponseEngine> m_responses;
    std::unique_ptr<response::CommandListener> m_commands;
    QHash<QString, qint64> m_changedWhileFollowing; // alert id -> wall time it last changed here
};

} // namespace vigil::pipeline

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sim/SimClock.h"
#include "core/sim/SimEventFactory.h"
#include "core/sim/SimFaults.h"
#include "core/sim/SimLogStore.h"
#include "core/sim/SimOrg.h"
#include "core/sim/SimPagerDuty.h"
#include "core/sim/SimRateLimiter.h"
#include "core/sim/SimTraffic.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <optional>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace vigil::sim {

class SimHookDelivery;

// How the simulated person answers a push the Factors API sends them.
enum class SimPushAnswer
{
    VictimsReject, // approve, unless an attack targeted them: then they reject what they did not start
    Approve,
    Reject,
    Ignore, // never answer: the transaction times out
};

struct SimOptions
{
    quint64 seed = 1;
    int users = 200;
    double speed = 1.0;
    qint64 startMs = 0;                  // sim time at start; 0 = the current time
    qint64 historyMs = 24 * 3600 * 1000; // traffic already in the log at start
    bool manualClock = false;            // tests move time themselves
    bool backgroundTraffic = true;
    QString token = QStringLiteral("sim-okta-api-token");                    // Authorization: SSWS <token>
    QString routingKey = QStringLiteral("vigilsimroutingkey0000000000000a"); // 32 characters
    QString pagerDutyToken = QStringLiteral("sim-pagerduty-api-token");
    // A single API token may use half of a Workforce org's 120 requests a minute to /api/v1/logs.
    int logsRateLimit = 60;
    int managementRateLimit = 600;
    qint64 rateWindowMs = 60000;
    QString faults; // --faults syntax, see SimFaults
    int slowReplyMs = 2000;
    int burstMs = 3000;              // how long a 429 burst lasts
    qint64 pushAnswerDelayMs = 8000; // sim time
    qint64 pushLifetimeMs = 300000;  // sim time, Okta's default token lifetime for a push
    SimPushAnswer pushAnswer = SimPushAnswer::VictimsReject;
    // An OAuth 2.0 service app (client credentials, private_key_jwt) for POST /oauth2/v1/token. Without
    // a registered public key (PEM, SubjectPublicKeyInfo) every token request is refused.
    QString oauthClientId = QStringLiteral("0oasimserviceapp0001");
    QByteArray oauthPublicKeyPem;
    QStringList oauthScopes{QStringLiteral("okta.logs.read"), QStringLiteral("okta.users.read"),
                            QStringLiteral("okta.users.manage"), QStringLiteral("okta.groups.manage")};
    int oauthTokenLifetimeSeconds = 3600; // Okta's access tokens live an hour
    // Jira Cloud (POST /rest/api/3/issue, basic auth with an account e-mail and API token).
    QString jiraEmail = QStringLiteral("vigil-bot@corp.example");
    QString jiraToken = QStringLiteral("sim-jira-api-token");
};

// One HTTP request the simulator answered, for tests that check a client's manners.
struct SimRequestRecord
{
    qint64 wallMs = 0;
    QByteArray method;
    QString path, query;
    int status = 0;
    QString bucket; // "logs", "management", "pagerduty" or empty
    int limit = -1; // X-Rate-Limit-Limit sent, -1 when none
    int remaining = -1;
    qint64 resetEpochSeconds = 0;
    QString fault;  // the injected fault, if any
    int events = 0; // events in a /api/v1/logs body
};

// The simulated Okta org and PagerDuty served over real HTTP (QHttpServer) on loopback: the System
// Log API with Okta's paging, cursors, filters, rate limits and error bodies; the Users, lifecycle,
// sessions, factors and groups calls the response engine makes (each also logged as Okta logs it);
// the PagerDuty Events API v2 and `GET /incidents`; fault injection; Event Hook delivery.
//
// Not thread-safe: use it from the thread it lives in (start it in-process with listen()).
class SimServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimServer)

public:
    explicit SimServer(const SimOptions& options = {}, QObject* parent = nullptr);
    ~SimServer() override;

    // Returns the bound port, 0 on failure. Port 0 picks a free one.
    quint16 listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const { return m_port; }
    QUrl baseUrl() const; // http://127.0.0.1:PORT
    const SimOptions& options() const { return m_options; }

    SimClock& clock() { return m_clock; }
    SimOrg& org() { return m_org; }
    SimLogStore& log() { return *m_log; }
    SimTraffic& traffic() { return m_traffic; }
    SimPagerDuty& pagerDuty() { return m_pagerDuty; }
    SimFaults& faults() { return m_faults; }

    // Publishes every event whose time has come; returns the sim time it used. Requests and a
    // 250 ms timer call it, a test with a manual clock may call it after advancing.
    qint64 pump();
    // Starts an attack `delayMs` of sim time from now.
    SimAttackInfo triggerAttack(SimAttack kind, const QString& victimIdOrLogin = {}, qint64 delayMs = 0);
    void setPushAnswer(const QString& userId, SimPushAnswer answer) { m_pushOverrides.insert(userId, answer); }
    void setRateLimits(int logsPerWindow, int managementPerWindow, qint64 windowMs);

    // Verifies `url` as an Okta Event Hook endpoint, then delivers new events to it.
    SimHookDelivery* startHookDelivery(const QUrl& url, const QByteArray& authorization);
    SimHookDelivery* hookDelivery() const { return m_hook; }

    const QList<SimRequestRecord>& requests() const { return m_requests; }
    // Each uuid that went out in a complete 200 /api/v1/logs body, once, in the order first served.
    const QStringList& servedUuids() const { return m_servedOrder; }
    qint64 servedEventCount() const { return m_servedTotal; } // repeats included
    // Access tokens issued by POST /oauth2/v1/token so far.
    int oauthTokensIssued() const { return m_oauthTokensIssued; }
    // Jira issues created (their request bodies plus "key"), and the JSON bodies posted to the generic
    // notification webhook at /hooks/notify (what a Slack or Teams channel would have shown).
    const QList<QJsonObject>& jiraIssues() const { return m_jiraIssues; }
    const QList<QJsonObject>& notifications() const { return m_notifications; }
    QUrl notifyWebhookUrl() const;

signals:
    void eventsPublished(int count);
    void requestHandled(const vigil::sim::SimRequestRecord& record);

private:
    struct Reply;
    struct PushTransaction
    {
        QString id, userId, factorId;
        qint64 createdMs = 0, expiresMs = 0, answerAtMs = 0;
        QString answer; // SUCCESS, REJECTED or empty (no answer)
    };

    void dispatch(const QHttpServerRequest& request, QHttpServerResponder&& responder);
    Reply handleLogs(const QHttpServerRequest& request, const QString& base, qint64 now, SimRequestRecord& record);
    Reply handleOkta(const QHttpServerRequest& request, const QStringList& path, const QString& base, qint64 now);
    Reply userJson(const QString& id, const QString& base);
    Reply lifecycle(const QHttpServerRequest& request, SimUser& user, const QString& action, qint64 now);
    Reply verifyPush(
        const QHttpServerRequest& request, SimUser& user, const QString& factorId, const QString& base, qint64 now);
    Reply
    pollPush(const QString& userId, const QString& factorId, const QString& txId, const QString& base, qint64 now);
    Reply groupMembership(
        const QHttpServerRequest& request, const QString& groupId, const QString& userId, bool add, qint64 now);
    Reply listGroups(const QHttpServerRequest& request);
    Reply listGroupMembers(const QString& groupId, const QString& base);
    Reply listAdminAssignees(const QString& base);
    Reply createJiraIssue(const QHttpServerRequest& request, const QString& base);
    Reply receiveNotification(const QHttpServerRequest& request);
    Reply handleToken(const QHttpServerRequest& request, const QString& base, qint64 wallNow);
    // Why an API call's Authorization (SSWS token or an issued Bearer token) is refused, if it is.
    std::optional<Reply>
    refuseApiCall(const QHttpServerRequest& request, const QStringList& path, const QString& base, qint64 wallNow);
    QJsonObject apiEvent(const QHttpServerRequest& request,
                         qint64 now,
                         const QString& eventType,
                         const SimUser* target,
                         const QString& result = QStringLiteral("SUCCESS"));
    static Reply oktaError(int status, const QString& code, const QString& summary, const QStringList& causes = {});
    void send(QHttpServerResponder& responder, const Reply& reply, const SimRequestRecord& record);

    SimOptions m_options;
    SimClock m_clock;
    SimOrg m_org;
    SimEventFactory m_factory;
    SimTraffic m_traffic;
    SimLogStore* m_log;
    SimPagerDuty m_pagerDuty;
    SimFaults m_faults;
    SimRateLimiter m_logsLimit, m_managementLimit;
    QHttpServer* m_http;
    SimHookDelivery* m_hook = nullptr;
    QTimer m_pumpTimer;
    quint16 m_port = 0;
    QHostAddress m_address;
    std::mt19937_64 m_rng;
    QHash<QString, PushTransaction> m_push;
    QHash<QString, SimPushAnswer> m_pushOverrides;
    QList<SimRequestRecord> m_requests;
    QStringList m_servedOrder;
    QSet<QByteArray> m_served;
    qint64 m_servedTotal = 0;
    int m_logsRequests = 0;
    qint64 m_burstUntilWallMs = 0;
    qint64 m_violationLoggedWindow = -1;
    struct AccessToken
    {
        qint64 expiresWallMs = 0;
        QStringList scopes;
    };
    QHash<QByteArray, AccessToken> m_accessTokens;
    QHash<QString, qint64> m_usedAssertionIds; // jti → the assertion's expiry (wall ms)
    int m_oauthTokensIssued = 0;
    QList<QJsonObject> m_jiraIssues;
    QList<QJsonObject> m_notifications;
};

} // namespace vigil::sim

Q_DECLARE_METATYPE(vigil::sim::SimRequestRecord)

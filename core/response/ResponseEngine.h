// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/response/Outbox.h"
#include "core/response/Suppressions.h"
#include "core/risk/Policy.h"
#include "core/risk/RiskEngine.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSqlDatabase>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

namespace vigil::audit {
class AuditLog;
}

namespace vigil::response {

enum class Mode
{
    Monitor, // decide and record; change nothing in Okta
    Enforce,
};

// The response to one alert, as persisted: where it stands and why.
struct AlertResponse
{
    QString alertId;
    QString user;   // login (alternateId)
    QString userId; // Okta id, once known
    QString state = QStringLiteral("detected");
    // detected → stepped_up → paged → suspension_pending → suspended | acknowledged | overridden
    //          → resolved | false_positive
    QString severity;
    double peakRisk = 0;
    qint64 openedMs = 0;
    qint64 deadlineMs = -1;                  // the safety net's decision time while suspension_pending
    QString stepUp = QStringLiteral("none"); // none, pending, SUCCESS, REJECTED, TIMEOUT, failed, skipped
    qint64 steppedUpMs = -1;
    bool paged = false;
    QString pagedSeverity;
    QString acknowledgedBy;
    QString assignee; // the analyst who took the alert ("alice@ws-12"); empty when nobody did
    QString reason;   // the analyst's words for an override, a resolution, a false positive
    QStringList sourceIps;
    QStringList detections;
    bool activityContinued = false;
    QString continuedEvidence; // uuid of the first event from a source after the step-up
    QString decision;          // the safety net's verdict and its inputs, in words
    QString pushPollPath;      // the push transaction to poll
    qint64 pushDeadlineMs = -1;
    // The user's Okta profile (department, title, manager…) for the page and the manager's note.
    QJsonObject profile;
    QString profileState = QStringLiteral("none"); // none, pending, done, failed
    qint64 pageDueMs = -1;                         // a page waiting (briefly) for the profile
    QString ticket;                                // the incident ticket's key (e.g. SEC-42) once opened
    qint64 updatedMs = 0;

    QJsonObject toJson() const;
    static AlertResponse fromJson(const QJsonObject& o);
    bool isOpen() const;
    // The user as a Users API path segment.
    QString oktaUserKey() const;
};

struct ResponseSettings
{
    Mode mode = Mode::Monitor;
    qint64 autoSuspendDelayMs = 15 * 60000;
    QString oktaAdminUrl; // for links in pages, e.g. https://acme-admin.okta.com
    QString consoleUrl;   // Vigil's own link for an alert, if any
    qint64 pushPollEveryMs = 4000;
    // PagerDuty REST API, to read back acknowledgements made there (empty URL: not read back).
    QUrl pagerDutyRestUrl;
    QByteArray pagerDutyApiToken;
    qint64 pagerDutyPollEveryMs = 30000;
    bool notify = false; // a "notify" service is registered with the outbox
    bool ticket = false; // a "ticket" service (Jira or a webhook) is registered with the outbox
    // How long a page waits for the user's profile before it goes out without it.
    qint64 profileWaitMs = 5000;
    // How often protected groups and Okta admins are read again (0: only at start).
    qint64 protectedRefreshMs = 3600000;
    // `vigil replay`: decide and record every action in event time, send nothing.
    bool dryRun = false;
    // `vigil alert` with no Vigil running: apply analyst commands only (no timers, no reads); the
    // calls they queue are sent by the next `vigil serve` or console on the same data folder.
    bool commandsOnly = false;
};

// One action the automation took (or, dry, would have taken): the report's `actions`.
struct ActionRecord
{
    qint64 atMs = 0;
    QString user;
    QString kind; // step_up, page, auto_suspend, clear_sessions, notify, ticket
    bool dryRun = true;
    QString alertId;
};

// The automation core (issue: step-up, page, delayed auto-suspension with analyst override). A
// persisted state machine per alert, driven by the risk engine's alerts, the outcomes of outbound
// calls, a clock, and analyst commands. Every decision and command is audited with its inputs.
class ResponseEngine : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<qint64()>;

    ResponseEngine(QSqlDatabase db,
                   Outbox& outbox,
                   audit::AuditLog& audit,
                   risk::Policy policy,
                   ResponseSettings settings,
                   QObject* parent = nullptr);
    ~ResponseEngine() override;

    void setClock(Clock clock) { m_clock = std::move(clock); }
    // For reading PagerDuty acknowledgements back; without one they only come in through the console.
    void setNetwork(QNetworkAccessManager* network) { m_network = network; }
    // What is normal for a user (usual countries and hours from the risk engine's baseline), for pages.
    using UserContext = std::function<QJsonObject(const QString& user)>;
    void setUserContext(UserContext context) { m_userContext = std::move(context); }
    // Loads persisted responses and arms their timers; a deadline that passed while Vigil was down
    // is decided now, once.
    void start();
    // Stops every timer and forgets the loaded responses (team mode: this console no longer leads, and
    // the next start() reads what the new leader changed meanwhile).
    void stop();
    // Team mode, on a console that does not lead: the responses as the leader left them, to show, without
    // starting anything. reloadResponse() re-reads one that the leader changed (NOTIFY vigil_responses) and
    // emits responseChanged.
    void loadResponses();
    void reloadResponse(const QString& alertId);
    // Decides whatever is due at now(): deadlines, unanswered pushes, pages waiting for a profile.
    // Timers call it; `vigil replay` calls it as event time advances.
    void runDue();

    // Inputs from the pipeline.
    void observe(const QList<okta::LogEvent>& events);
    void onAlert(const risk::Alert& alert);

    // Analyst commands. `who` is recorded; false with `error` when the command does not apply.
    bool acknowledge(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    bool
    overrideSuspension(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    bool suspendNow(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    bool unsuspend(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    bool resolve(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    // Gives the alert to `assignee` (empty: nobody); recorded as `who`'s command. Changes nothing else.
    bool assign(const QString& alertId, const QString& who, const QString& assignee, QString* error = nullptr);
    bool falsePositive(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    // After a false positive: stop alerting on `user` (these detections, or all when empty) until
    // `expiresMs`. The owner answers for it; it is audited and listed until it expires.
    std::optional<Suppression> suppress(const QString& user,
                                        const QStringList& detections,
                                        const QString& owner,
                                        const QString& reason,
                                        qint64 expiresMs,
                                        const QString& alertId = {},
                                        QString* error = nullptr);
    bool liftSuppression(qint64 id, const QString& who, const QString& reason, QString* error = nullptr);
    QList<Suppression> activeSuppressions() const { return m_suppressions.active(now()); }
    bool resumeAutomation(const QString& who, const QString& reason, QString* error = nullptr);

    std::optional<AlertResponse> response(const QString& alertId) const;
    QList<AlertResponse> responses() const;
    bool breakerOpen() const { return m_breakerOpen; }
    // Logins protected from automatic suspension: the policy's accounts, members of its protected
    // groups and Okta administrators as last read from the API.
    bool isProtectedLogin(const QString& login) const;
    QStringList discoveredProtected() const;
    // Every action recorded in the audit log, oldest first (`vigil report`, `vigil replay`).
    static QList<ActionRecord> actions(const audit::AuditLog& audit);
    Mode mode() const { return m_settings.mode; }
    qint64 nowMs() const { return m_clock(); }

    // An acknowledgement made in PagerDuty (read back from its REST API or a webhook).
    void onPagerDutyAcknowledged(const QString& alertId, const QString& who);

signals:
    void responseChanged(const vigil::response::AlertResponse& response);
    void logLine(const QString& line);

private:
    void onCallFinished(const OutboundCall& call);
    void readBackPagerDuty();
    void stepUp(AlertResponse& r);
    void page(AlertResponse& r, const QString& action);
    void decideAtDeadline(AlertResponse& r);
    void suspend(AlertResponse& r, const QString& why, const QString& actor);
    void notifyAfterSuspension(AlertResponse& r);
    void armTimer();
    void onTimer();
    void pollPush(AlertResponse& r);
    void sendPage(AlertResponse& r);
    void refreshProtected();
    void onProtectedListed(const OutboundCall& call);
    void openTicket(AlertResponse& r);
    void action(const AlertResponse& r, const QString& kind);
    bool isProtected(const AlertResponse& r) const;
    void recordAutoSuspension();
    void checkSourceBreadth(const QString& ip, const QString& user);
    void openBreaker(const QString& why);
    void save(AlertResponse& r);
    void decision(const AlertResponse& r, const QString& rule, const QJsonObject& inputs);
    void command(const AlertResponse& r, const QString& name, const QString& who, const QString& reason);
    std::optional<qint64> call(const AlertResponse& r,
                               const QString& service,
                               const QString& purpose,
                               const QByteArray& method,
                               const QString& path,
                               const QByteArray& body = {},
                               const QString& idempotencyKey = {});
    AlertResponse* find(const QString& alertId);
    qint64 now() const { return m_clock(); }

    QSqlDatabase m_db;
    Outbox& m_outbox;
    audit::AuditLog& m_audit;
    risk::Policy m_policy;
    ResponseSettings m_settings;
    Clock m_clock;
    QTimer m_timer;
    QTimer m_pagerDutyTimer;
    QNetworkAccessManager* m_network = nullptr;
    QHash<QString, AlertResponse> m_responses; // by alert id
    QHash<QString, QString> m_userIds;         // login -> Okta id, learned from events
    QHash<QString, QString> m_aliases;         // a risk-engine alert id -> the response it joined
    QList<qint64> m_autoSuspensions;           // times of automatic suspensions in the last hour
    QHash<QString, QSet<QString>> m_usersBySource;
    bool m_breakerOpen = false;
    Suppressions m_suppressions;
    QSet<QString> m_suppressedAlerts; // alert ids already recorded as suppressed
    UserContext m_userContext;
    QTimer m_protectedTimer;
    QHash<QString, QSet<QString>> m_protectedBySource; // "group:<id>" or "admins" -> logins (lower case)
};

QString modeName(Mode mode);

} // namespace vigil::response

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/response/Outbox.h"
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
    QString reason; // the analyst's words for an override, a resolution, a false positive
    QStringList sourceIps;
    QStringList detections;
    bool activityContinued = false;
    QString continuedEvidence; // uuid of the first event from a source after the step-up
    QString decision;          // the safety net's verdict and its inputs, in words
    QString pushPollPath;      // the push transaction to poll
    qint64 pushDeadlineMs = -1;
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
    // Loads persisted responses and arms their timers; a deadline that passed while Vigil was down
    // is decided now, once.
    void start();

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
    bool falsePositive(const QString& alertId, const QString& who, const QString& reason, QString* error = nullptr);
    bool resumeAutomation(const QString& who, const QString& reason, QString* error = nullptr);

    std::optional<AlertResponse> response(const QString& alertId) const;
    QList<AlertResponse> responses() const;
    bool breakerOpen() const { return m_breakerOpen; }
    Mode mode() const { return m_settings.mode; }

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
    void notifyAfterSuspension(const AlertResponse& r);
    void armTimer();
    void onTimer();
    void pollPush(AlertResponse& r);
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
};

QString modeName(Mode mode);

} // namespace vigil::response

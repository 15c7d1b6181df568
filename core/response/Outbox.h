// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QObject>
#include <QSqlDatabase>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace vigil::audit {
class AuditLog;
}

namespace vigil::response {

// One call to Okta, PagerDuty or a notifier, as the outbox stores it. No secrets: credentials and
// keys are added by the service when the call is sent.
struct OutboundCall
{
    qint64 id = 0;
    QString service; // "okta", "pagerduty", "pagerduty-rest", a notifier's name
    QString purpose; // "suspend", "clear_sessions", "page", … (for people and the audit)
    QByteArray method = "POST";
    QString path; // relative to the service's base URL, e.g. /api/v1/users/00u1/lifecycle/suspend
    QByteArray body;
    QString alertId;
    QString user;
    QString idempotencyKey;                    // a second enqueue with the same key is the same call
    QString state = QStringLiteral("pending"); // pending, sending, done, failed
    int attempts = 0;
    qint64 nextAttemptMs = 0;
    int lastStatus = 0;
    QString lastError;
    QByteArray response;
    qint64 doneMs = 0;
};

// Turns a stored call into a request: base URL, headers, credentials, and secrets the body needs
// (PagerDuty's routing key). Asynchronous because an OAuth token may have to be fetched first.
class OutboundService
{
public:
    using Ready = std::function<void(const QNetworkRequest& request, const QByteArray& body, const QString& error)>;
    virtual ~OutboundService() = default;
    virtual void prepare(const OutboundCall& call, Ready ready) = 0;
};

// The outbox: every outbound call is stored before it is sent and retried with backoff on 429
// (honouring Retry-After and X-Rate-Limit-Reset), 5xx and network errors until it succeeds or fails
// for good. A restart resends what was pending or in flight (at least once; the calls Vigil makes
// are idempotent or checked), and never repeats one that succeeded. Every attempt is audited.
class Outbox : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<qint64()>;

    Outbox(QSqlDatabase db, QNetworkAccessManager& network, audit::AuditLog& audit, QObject* parent = nullptr);
    ~Outbox() override;

    void registerService(const QString& name, std::shared_ptr<OutboundService> service);
    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setRetryLimits(qint64 firstBackoffMs, qint64 maxBackoffMs, int maxAttempts);
    void setRequestTimeoutMs(int ms) { m_timeoutMs = ms; }

    // Stores the call and schedules it; returns its id (the existing one for a known idempotency key).
    std::optional<qint64> enqueue(OutboundCall call, QString* error = nullptr);
    std::optional<OutboundCall> call(qint64 id) const;
    QList<OutboundCall> calls(const QString& alertId = {}) const;
    int pendingCount() const;

    // Starts sending (resuming what a previous run left pending or in flight).
    void start();
    void stop();

signals:
    // A call reached its end: done (2xx) or failed for good.
    void finished(const vigil::response::OutboundCall& call);

private:
    void pump();
    void send(OutboundCall call);
    void onReply(qint64 id,
                 int status,
                 const QByteArray& body,
                 const QString& networkError,
                 qint64 retryAtMs,
                 const QByteArray& requestId,
                 const QByteArray& oktaErrorId);
    bool save(const OutboundCall& call, QString* error = nullptr);
    void auditAttempt(const OutboundCall& call, const QByteArray& requestId, const QByteArray& oktaErrorId);
    qint64 now() const { return m_clock(); }

    QSqlDatabase m_db;
    QNetworkAccessManager& m_network;
    audit::AuditLog& m_audit;
    QHash<QString, std::shared_ptr<OutboundService>> m_services;
    Clock m_clock;
    QTimer m_timer;
    QHash<QString, qint64> m_inFlight; // service -> call id: one call at a time per service keeps order
    bool m_running = false;
    qint64 m_firstBackoffMs = 2000;
    qint64 m_maxBackoffMs = 5 * 60000;
    int m_maxAttempts = 12;
    int m_timeoutMs = 30000;
};

} // namespace vigil::response

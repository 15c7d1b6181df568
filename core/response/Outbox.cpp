// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/response/Outbox.h"

#include "core/audit/AuditLog.h"
#include "core/okta/OktaHttp.h"
#include "core/store/SqlDialect.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrl>

Q_LOGGING_CATEGORY(lcOutbox, "vigil.core.response.outbox")

namespace vigil::response {

namespace {

constexpr qsizetype kMaxStoredResponse = 64 * 1024;

const char* const kColumns = "id, created_ms, service, purpose, method, path, body, alert_id, user_login,"
                             " idempotency_key, state, attempts, next_attempt_ms, last_status, last_error,"
                             " response, done_ms";

OutboundCall fromQuery(const QSqlQuery& q)
{
    OutboundCall c;
    c.id = q.value(0).toLongLong();
    c.service = q.value(2).toString();
    c.purpose = q.value(3).toString();
    c.method = q.value(4).toString().toLatin1();
    c.path = q.value(5).toString();
    c.body = q.value(6).toByteArray();
    c.alertId = q.value(7).toString();
    c.user = q.value(8).toString();
    c.idempotencyKey = q.value(9).toString();
    c.state = q.value(10).toString();
    c.attempts = q.value(11).toInt();
    c.nextAttemptMs = q.value(12).toLongLong();
    c.lastStatus = q.value(13).toInt();
    c.lastError = q.value(14).toString();
    c.response = q.value(15).toByteArray();
    c.doneMs = q.value(16).toLongLong();
    return c;
}

// "Retry-After: 30" or an HTTP date; Okta's X-Rate-Limit-Reset (epoch seconds, against its Date).
qint64 retryAtFrom(const QNetworkReply& reply, qint64 localNow)
{
    const QByteArray retryAfter = reply.rawHeader("Retry-After").trimmed();
    if (!retryAfter.isEmpty()) {
        bool ok = false;
        const qint64 seconds = retryAfter.toLongLong(&ok);
        if (ok) return localNow + seconds * 1000;
        const QDateTime when = QDateTime::fromString(QString::fromLatin1(retryAfter), Qt::RFC2822Date);
        if (when.isValid()) return when.toMSecsSinceEpoch();
    }
    const okta::RateLimitInfo rate = okta::rateLimitInfo(reply);
    if (rate.resetEpochSeconds > 0) return localNow + rate.msUntilReset(localNow) + 1000;
    return -1;
}

} // namespace

Outbox::Outbox(QSqlDatabase db, QNetworkAccessManager& network, audit::AuditLog& audit, QObject* parent)
    : QObject(parent)
    , m_db(std::move(db))
    , m_network(network)
    , m_audit(audit)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Outbox::pump);
}

Outbox::~Outbox() = default;

void Outbox::registerService(const QString& name, std::shared_ptr<OutboundService> service)
{
    m_services.insert(name, std::move(service));
}

void Outbox::setRetryLimits(qint64 firstBackoffMs, qint64 maxBackoffMs, int maxAttempts)
{
    m_firstBackoffMs = firstBackoffMs;
    m_maxBackoffMs = maxBackoffMs;
    m_maxAttempts = maxAttempts;
}

bool Outbox::save(const OutboundCall& c, QString* error)
{
    QSqlQuery q(m_db);
    q.prepare(u"UPDATE outbox SET state = ?, attempts = ?, next_attempt_ms = ?, last_status = ?, last_error = ?,"
              " response = ?, done_ms = ? WHERE id = ?"_qs);
    for (const QVariant& v :
         {QVariant(c.state), QVariant(c.attempts), QVariant(c.nextAttemptMs), QVariant(c.lastStatus),
          QVariant(c.lastError), QVariant(c.response), QVariant(c.doneMs), QVariant(c.id)}) {
        q.addBindValue(v);
    }
    if (q.exec()) return true;
    if (error) *error = q.lastError().text();
    qCWarning(lcOutbox).noquote() << "cannot update outbound call" << c.id << ':' << q.lastError().text();
    return false;
}

std::optional<qint64> Outbox::enqueue(OutboundCall call, QString* error)
{
    if (!call.idempotencyKey.isEmpty()) {
        QSqlQuery existing(m_db);
        existing.prepare(u"SELECT id FROM outbox WHERE idempotency_key = ?"_qs);
        existing.addBindValue(call.idempotencyKey);
        if (existing.exec() && existing.next()) return existing.value(0).toLongLong();
    }
    QSqlQuery q(m_db);
    q.prepare(store::sql::insertReturningId(
        m_db,
        u"INSERT INTO outbox(created_ms, service, purpose, method, path, body, alert_id, user_login,"
        " idempotency_key, state, attempts, next_attempt_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)"_qs));
    const qint64 t = now();
    for (const QVariant& v :
         {QVariant(t), QVariant(call.service), QVariant(call.purpose), QVariant(QString::fromLatin1(call.method)),
          QVariant(call.path.isNull() ? QString(u""_qs) : call.path) /* a webhook has no path; NULL is refused */,
          QVariant(call.body), QVariant(call.alertId), QVariant(call.user),
          call.idempotencyKey.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(call.idempotencyKey),
          QVariant(std::max(call.nextAttemptMs, t))}) {
        q.addBindValue(v);
    }
    if (!q.exec()) {
        if (error) *error = q.lastError().text();
        qCWarning(lcOutbox).noquote() << "cannot store an outbound call:" << q.lastError().text();
        return std::nullopt;
    }
    const qint64 id = store::sql::insertedId(q).value_or(0);
    if (m_running) m_timer.start(0);
    return id;
}

std::optional<OutboundCall> Outbox::call(qint64 id) const
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT "_qs + QLatin1String(kColumns) + u" FROM outbox WHERE id = ?"_qs);
    q.addBindValue(id);
    if (!q.exec() || !q.next()) return std::nullopt;
    return fromQuery(q);
}

QList<OutboundCall> Outbox::calls(const QString& alertId) const
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT "_qs + QLatin1String(kColumns) + u" FROM outbox"_qs
              + (alertId.isEmpty() ? QString() : u" WHERE alert_id = ?"_qs) + u" ORDER BY id"_qs);
    if (!alertId.isEmpty()) q.addBindValue(alertId);
    QList<OutboundCall> out;
    if (!q.exec()) return out;
    while (q.next())
        out.append(fromQuery(q));
    return out;
}

int Outbox::pendingCount() const
{
    QSqlQuery q(m_db);
    if (!q.exec(u"SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"_qs) || !q.next()) return 0;
    return q.value(0).toInt();
}

void Outbox::start()
{
    m_running = true;
    // A call marked as sending when the last run ended has an unknown outcome: send it again.
    QSqlQuery q(m_db);
    q.exec(u"UPDATE outbox SET state = 'pending' WHERE state = 'sending'"_qs);
    m_timer.start(0);
}

void Outbox::stop()
{
    m_running = false;
    m_timer.stop();
}

void Outbox::pump()
{
    if (!m_running) return;
    const qint64 t = now();
    QSqlQuery q(m_db);
    q.prepare(u"SELECT "_qs + QLatin1String(kColumns)
              + u" FROM outbox WHERE state = 'pending' ORDER BY next_attempt_ms, id"_qs);
    if (!q.exec()) return;
    qint64 nextDue = -1;
    QList<OutboundCall> due;
    while (q.next()) {
        OutboundCall c = fromQuery(q);
        if (m_inFlight.contains(c.service)) continue;
        if (c.nextAttemptMs > t) {
            if (nextDue < 0 || c.nextAttemptMs < nextDue) nextDue = c.nextAttemptMs;
            continue;
        }
        // One call per service at a time, oldest first: a suspension is not overtaken by its own follow-ups.
        if (std::any_of(due.cbegin(), due.cend(), [&](const OutboundCall& d) { return d.service == c.service; })) {
            continue;
        }
        due.append(std::move(c));
    }
    q.finish();
    for (OutboundCall& c : due)
        send(std::move(c));
    if (nextDue >= 0) m_timer.start(int(std::clamp<qint64>(nextDue - t, 0, 60000)));
}

void Outbox::send(OutboundCall call)
{
    const auto service = m_services.value(call.service);
    if (!service) {
        call.state = u"failed"_qs;
        call.lastError = tr("no service named '%1' is configured").arg(call.service);
        call.doneMs = now();
        save(call);
        auditAttempt(call, {}, {});
        emit finished(call);
        return;
    }
    // Claimed with a conditional update: in team mode a console that has just lost the lead may still
    // pump once, and only one of two outboxes may send a call.
    {
        QSqlQuery claim(m_db);
        claim.prepare(
            u"UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'pending'"_qs);
        claim.addBindValue(call.id);
        if (!claim.exec() || claim.numRowsAffected() != 1) return;
    }
    call.state = u"sending"_qs;
    ++call.attempts;
    m_inFlight.insert(call.service, call.id);
    const qint64 id = call.id;
    service->prepare(
        call, [this, id, call](const QNetworkRequest& prepared, const QByteArray& body, const QString& error) {
            if (!error.isEmpty()) {
                onReply(id, 0, {}, error, -1, {}, {});
                return;
            }
            QNetworkRequest request = prepared;
            request.setTransferTimeout(m_timeoutMs);
            request.setHeader(QNetworkRequest::UserAgentHeader, okta::userAgent());
            if (!body.isEmpty() && !request.header(QNetworkRequest::ContentTypeHeader).isValid()) {
                request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            }
            // Okta answers 411 to a POST without Content-Length; an empty body still gets one.
            QNetworkReply* reply = m_network.sendCustomRequest(request, call.method, body);
            connect(reply, &QNetworkReply::finished, this, [this, id, reply] {
                reply->deleteLater();
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QString networkError = status == 0 || reply->error() == QNetworkReply::OperationCanceledError
                                                 ? reply->errorString()
                                                 : QString();
                const QByteArray responseBody = reply->readAll();
                const QByteArray oktaErrorId =
                    QJsonDocument::fromJson(responseBody).object().value(u"errorId").toString().toLatin1();
                onReply(id, status, responseBody, networkError, retryAtFrom(*reply, now()),
                        reply->rawHeader("X-Okta-Request-Id"), oktaErrorId);
            });
        });
}

void Outbox::onReply(qint64 id,
                     int status,
                     const QByteArray& body,
                     const QString& networkError,
                     qint64 retryAtMs,
                     const QByteArray& requestId,
                     const QByteArray& oktaErrorId)
{
    std::optional<OutboundCall> stored = call(id);
    if (!stored) return;
    OutboundCall c = *stored;
    m_inFlight.remove(c.service);
    c.lastStatus = status;
    c.response = body.left(kMaxStoredResponse);
    const bool success = status >= 200 && status < 300;
    const bool retryable = status == 0 || status == 429 || status >= 500 || status == 408;
    if (success) {
        c.state = u"done"_qs;
        c.lastError.clear();
        c.doneMs = now();
    } else if (retryable && c.attempts < m_maxAttempts) {
        c.state = u"pending"_qs;
        c.lastError = status == 0 ? networkError : okta::describeOktaError(status, body);
        // Exponential backoff with jitter; a server-given time wins when it is later.
        const qint64 ceiling = std::min(m_maxBackoffMs, m_firstBackoffMs << std::min(c.attempts - 1, 20));
        qint64 at = now() + ceiling / 2 + qint64(QRandomGenerator::global()->bounded(quint32(ceiling / 2 + 1)));
        if (retryAtMs > at) at = retryAtMs + qint64(QRandomGenerator::global()->bounded(500u));
        c.nextAttemptMs = at;
    } else {
        c.state = u"failed"_qs;
        c.lastError = status == 0 ? networkError : okta::describeOktaError(status, body);
        c.doneMs = now();
    }
    save(c);
    auditAttempt(c, requestId, oktaErrorId);
    if (c.state != u"pending") emit finished(c);
    if (m_running) m_timer.start(0);
}

void Outbox::auditAttempt(const OutboundCall& c, const QByteArray& requestId, const QByteArray& oktaErrorId)
{
    // The path only: queries may carry nothing secret today, but a path never does.
    QJsonObject details{
        {u"service"_qs, c.service},        {u"purpose"_qs, c.purpose},  {u"method"_qs, QString::fromLatin1(c.method)},
        {u"path"_qs, QUrl(c.path).path()}, {u"attempt"_qs, c.attempts}, {u"status"_qs, c.lastStatus},
        {u"outcome"_qs, c.state},          {u"call_id"_qs, c.id}};
    if (!c.lastError.isEmpty()) details.insert(u"error"_qs, c.lastError);
    if (!requestId.isEmpty()) details.insert(u"request_id"_qs, QString::fromLatin1(requestId));
    if (!oktaErrorId.isEmpty()) details.insert(u"okta_error_id"_qs, QString::fromLatin1(oktaErrorId));
    if (c.state == u"pending") details.insert(u"retry_at_ms"_qs, c.nextAttemptMs);
    m_audit.append(u"call"_qs, u"vigil"_qs, c.alertId.isEmpty() ? c.user : c.alertId, details);
}

} // namespace vigil::response

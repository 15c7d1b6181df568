// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimServer.h"

#include "core/okta/Timestamp.h"
#include "core/sim/SimHookDelivery.h"
#include "core/sim/SimLogFilter.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace vigil::sim {

namespace {

constexpr qint64 kDay = 24 * 3600 * 1000LL;

QString iso(qint64 ms)
{
    return okta::formatTimestampMs(ms);
}

QByteArray header(const QHttpServerRequest& request, const QByteArray& name)
{
    // Header names are case-insensitive; QHttpServerRequest::value() in Qt 6.4 is not reliably so.
    const auto headers = request.headers();
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0) return value;
    }
    return {};
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

QByteArray httpDate(qint64 wallMs)
{
    return QLocale::c()
        .toString(QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_qs)
        .toLatin1();
}

// A query value as the client sent it, decoded; '+' stays '+' (Okta's clients percent-encode it).
QString param(const QUrlQuery& q, const QString& name)
{
    return q.queryItemValue(name, QUrl::FullyDecoded);
}

QByteArray encode(const QString& value)
{
    return QUrl::toPercentEncoding(value);
}

// The polling cursor: "<published ms of the event before the position>_<position>". It looks like
// Okta's ("1627500044869_1") and lets the server tell a cursor it issued from one it did not.
QString makeCursor(const SimLogStore& log, qsizetype position)
{
    const qint64 ms = position > 0 ? log.at(position - 1).publishedMs : 0;
    return QString::number(ms) + u'_' + QString::number(position);
}

std::optional<qsizetype> readCursor(const SimLogStore& log, const QString& cursor)
{
    const QStringList parts = cursor.split(u'_');
    if (parts.size() != 2) return std::nullopt;
    bool okMs = false, okPos = false;
    const qint64 ms = parts.at(0).toLongLong(&okMs);
    const qsizetype position = parts.at(1).toLongLong(&okPos);
    if (!okMs || !okPos || position < 0 || position > log.size()) return std::nullopt;
    if ((position > 0 ? log.at(position - 1).publishedMs : 0) != ms) return std::nullopt;
    return position;
}

// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over `signingInput`, checked against a PEM public key.
bool verifyRs256(const QByteArray& publicKeyPem, const QByteArray& signingInput, const QByteArray& signature)
{
    BIO* bio = BIO_new_mem_buf(publicKeyPem.constData(), int(publicKeyPem.size()));
    EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    bool ok = false;
    if (key && EVP_PKEY_base_id(key) == EVP_PKEY_RSA) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1
             && EVP_DigestVerify(
                    ctx, reinterpret_cast<const unsigned char*>(signature.constData()), size_t(signature.size()),
                    reinterpret_cast<const unsigned char*>(signingInput.constData()), size_t(signingInput.size()))
                    == 1;
        EVP_MD_CTX_free(ctx);
    }
    EVP_PKEY_free(key);
    ERR_clear_error();
    return ok;
}

std::optional<QJsonObject> jwtPart(const QByteArray& part)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        part, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    return doc.object();
}

// The scopes of which an OAuth access token needs one for an API call, empty when any token will do.
QStringList requiredScopes(const QStringList& path, bool logs, QHttpServerRequest::Method method)
{
    const bool read = method == QHttpServerRequest::Method::Get;
    if (logs) return {u"okta.logs.read"_qs};
    if (path.size() >= 3 && path.at(2) == u"users") {
        return read ? QStringList{u"okta.users.read"_qs, u"okta.users.manage"_qs}
                    : QStringList{u"okta.users.manage"_qs};
    }
    if (path.size() >= 3 && path.at(2) == u"groups") {
        return read ? QStringList{u"okta.groups.read"_qs, u"okta.groups.manage"_qs}
                    : QStringList{u"okta.groups.manage"_qs};
    }
    if (path.size() >= 3 && path.at(2) == u"iam") return {u"okta.roles.read"_qs, u"okta.roles.manage"_qs};
    return {};
}

} // namespace

struct SimServer::Reply
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    int delayMs = 0;
    QByteArray contentType = "application/json";

    Reply() = default;
    Reply(int s, const QJsonObject& o)
        : status(s)
        , body(QJsonDocument(o).toJson(QJsonDocument::Compact))
    {
    }
    Reply(int s, const QJsonArray& a)
        : status(s)
        , body(QJsonDocument(a).toJson(QJsonDocument::Compact))
    {
    }
    static Reply empty(int s)
    {
        Reply r;
        r.status = s;
        return r;
    }
};

SimServer::SimServer(const SimOptions& options, QObject* parent)
    : QObject(parent)
    , m_options(options)
    , m_clock(options.startMs > 0 ? options.startMs : QDateTime::currentMSecsSinceEpoch(),
              options.speed,
              options.manualClock ? SimClock::Mode::Manual : SimClock::Mode::Running)
    , m_org(options.seed, options.users, m_clock.nowMs())
    , m_factory(options.seed)
    , m_traffic(m_org, m_factory, options.seed, m_clock.nowMs() - options.historyMs)
    , m_log(new SimLogStore(this))
    , m_pagerDuty(options.routingKey, options.pagerDutyToken, options.seed)
    , m_faults(options.seed)
    , m_logsLimit(options.logsRateLimit, options.rateWindowMs)
    , m_managementLimit(options.managementRateLimit, options.rateWindowMs)
    , m_http(new QHttpServer(this))
    , m_rng(options.seed ^ 0x5e4e4ULL)
{
    qRegisterMetaType<vigil::sim::SimRequestRecord>();
    m_traffic.setBackgroundEnabled(options.backgroundTraffic);
    QString error;
    if (!m_faults.parse(options.faults, error)) qWarning("vigil-sim: %s", qPrintable(error));
    // One handler for everything: authentication, rate limits, faults and the request log apply to
    // every path alike, and the responder gives full control of the headers (two Link headers).
    m_http->setMissingHandler([this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
        dispatch(request, std::move(responder));
    });
    m_pumpTimer.setInterval(250);
    connect(&m_pumpTimer, &QTimer::timeout, this, [this] { pump(); });
    m_pumpTimer.start();
    pump();
}

SimServer::~SimServer() = default;

quint16 SimServer::listen(const QHostAddress& address, quint16 port)
{
    m_address = address;
    m_port = m_http->listen(address, port);
    return m_port;
}

QUrl SimServer::baseUrl() const
{
    QUrl url;
    url.setScheme(u"http"_qs);
    url.setHost(m_address.isNull() ? u"127.0.0.1"_qs : m_address.toString());
    url.setPort(m_port);
    return url;
}

void SimServer::setRateLimits(int logsPerWindow, int managementPerWindow, qint64 windowMs)
{
    m_logsLimit.configure(logsPerWindow, windowMs);
    m_managementLimit.configure(managementPerWindow, windowMs);
}

qint64 SimServer::pump()
{
    const qint64 now = m_clock.nowMs();
    const QList<QJsonObject> events = m_traffic.takeUntil(now);
    if (!events.isEmpty()) {
        m_log->append(events);
        emit eventsPublished(int(events.size()));
    }
    return now;
}

SimAttackInfo SimServer::triggerAttack(SimAttack kind, const QString& victimIdOrLogin, qint64 delayMs)
{
    const qint64 now = pump();
    return m_traffic.scheduleAttack(kind, now + qMax<qint64>(1, delayMs), victimIdOrLogin);
}

SimHookDelivery* SimServer::startHookDelivery(const QUrl& url, const QByteArray& authorization)
{
    if (!m_hook)
        m_hook = new SimHookDelivery(
            m_log, [this] { return m_clock.nowMs(); }, this);
    m_hook->start(url, authorization);
    return m_hook;
}

SimServer::Reply
SimServer::oktaError(int status, const QString& code, const QString& summary, const QStringList& causes)
{
    static std::mt19937_64 rng(0xe77ULL);
    QJsonArray causeArray;
    for (const QString& c : causes)
        causeArray.append(QJsonObject{{u"errorSummary"_qs, c}});
    return Reply(status, QJsonObject{{u"errorCode"_qs, code},
                                     {u"errorSummary"_qs, summary},
                                     {u"errorLink"_qs, code},
                                     {u"errorId"_qs, QString(u"oae"_qs + SimOrg::makeId(rng, QString()))},
                                     {u"errorCauses"_qs, causeArray}});
}

void SimServer::send(QHttpServerResponder& responder, const Reply& reply, const SimRequestRecord& record)
{
    responder.writeStatusLine(QHttpServerResponder::StatusCode(reply.status));
    responder.writeHeader("Date", httpDate(QDateTime::currentMSecsSinceEpoch()));
    if (!reply.body.isEmpty() || reply.status != 204) responder.writeHeader("Content-Type", reply.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    for (const auto& [name, value] : reply.headers)
        responder.writeHeader(name, value);
    responder.writeBody(reply.body);
    m_requests.append(record);
    emit requestHandled(record);
}

void SimServer::dispatch(const QHttpServerRequest& request, QHttpServerResponder&& responder)
{
    const qint64 now = pump();
    const qint64 wallNow = QDateTime::currentMSecsSinceEpoch();
    SimRequestRecord record;
    record.wallMs = wallNow;
    record.method = methodName(request.method());
    record.path = request.url().path();
    record.query = request.url().query(QUrl::FullyEncoded);
    const QByteArray host = header(request, "Host");
    const QString base = u"http://"_qs + (host.isEmpty() ? baseUrl().authority() : QString::fromLatin1(host));
    const QStringList path = record.path.split(u'/', Qt::SkipEmptyParts);

    Reply reply;
    if (record.path == u"/v2/enqueue") {
        record.bucket = u"pagerduty"_qs;
        if (request.method() != QHttpServerRequest::Method::Post) {
            reply = Reply(405, QJsonObject{{u"status"_qs, u"invalid event"_qs}, {u"message"_qs, u"Use POST"_qs}});
        } else {
            const SimPagerDuty::Reply pd = m_pagerDuty.enqueue(request.body(), now);
            reply = Reply(pd.status, pd.body);
        }
    } else if (record.path == u"/incidents") {
        record.bucket = u"pagerduty"_qs;
        const SimPagerDuty::Reply pd = m_pagerDuty.listIncidents(header(request, "Authorization"), request.query());
        reply = Reply(pd.status, pd.body);
        reply.contentType = "application/vnd.pagerduty+json;version=2";
    } else if (path.size() >= 2 && path.at(0) == u"api" && path.at(1) == u"v1") {
        const bool logs = record.path == u"/api/v1/logs" || record.path == u"/api/v1/logs/";
        record.bucket = logs ? u"logs"_qs : u"management"_qs;
        if (std::optional<Reply> refusal = refuseApiCall(request, path, base, wallNow)) {
            reply = std::move(*refusal);
        } else {
            SimRateLimiter& limiter = logs ? m_logsLimit : m_managementLimit;
            const bool burst = logs && wallNow < m_burstUntilWallMs;
            SimRateLimiter::Decision d = burst ? limiter.peek(wallNow) : limiter.take(wallNow);
            if (burst) {
                // A burst refuses everything until it ends, whatever the minute's count says.
                d.allowed = false;
                d.remaining = 0;
                d.resetEpochSeconds = (m_burstUntilWallMs + 999) / 1000;
                record.fault = faultName(SimFault::RateLimitBurst);
            }
            if (!d.allowed) {
                reply = oktaError(429, u"E0000047"_qs, u"API call exceeded rate limit due to too many requests."_qs);
                // Okta logs the violation, once per window here.
                if (!burst && m_violationLoggedWindow != d.resetEpochSeconds) {
                    m_violationLoggedWindow = d.resetEpochSeconds;
                    QJsonObject e = apiEvent(request, now, u"system.org.rate_limit.violation"_qs, nullptr, u"DENY"_qs);
                    SimEventFactory::setDebug(e, u"requestUri"_qs, record.path);
                    SimEventFactory::setSeverity(e, u"WARN"_qs);
                    m_log->append(e);
                }
            } else if (logs) {
                reply = handleLogs(request, base, now, record);
            } else {
                reply = handleOkta(request, path, base, now);
            }
            reply.headers.append({"X-Rate-Limit-Limit", QByteArray::number(d.limit)});
            reply.headers.append({"X-Rate-Limit-Remaining", QByteArray::number(d.remaining)});
            reply.headers.append({"X-Rate-Limit-Reset", QByteArray::number(d.resetEpochSeconds)});
            record.limit = d.limit;
            record.remaining = d.remaining;
            record.resetEpochSeconds = d.resetEpochSeconds;
        }
        reply.headers.append({"X-Okta-Request-Id", SimOrg::makeId(m_rng, QString()).toLatin1()});
    } else if (record.path == u"/oauth2/v1/token") {
        record.bucket = u"oauth"_qs;
        reply = handleToken(request, base, wallNow);
    } else if (record.path == u"/rest/api/3/issue") {
        record.bucket = u"jira"_qs;
        reply = request.method() == QHttpServerRequest::Method::Post
                    ? createJiraIssue(request, base)
                    : Reply(405, QJsonObject{{u"errorMessages"_qs, QJsonArray{u"Method not allowed"_qs}}});
    } else if (record.path == u"/hooks/notify") {
        record.bucket = u"notify"_qs;
        reply = receiveNotification(request);
    } else {
        reply = Reply(404, QJsonObject{{u"error"_qs, u"Not found"_qs}});
    }
    record.status = reply.status;

    if (reply.delayMs > 0) {
        // A slow reply: answer later, unless the client gave up and its socket is gone by then.
        auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
        QPointer<QTcpSocket> socket = held->socket();
        QTimer::singleShot(reply.delayMs, this, [this, held, socket, reply, record] {
            if (!socket || socket->state() != QAbstractSocket::ConnectedState) return;
            send(*held, reply, record);
        });
        return;
    }
    send(responder, reply, record);
}

SimServer::Reply
SimServer::handleLogs(const QHttpServerRequest& request, const QString& base, qint64 now, SimRequestRecord& record)
{
    if (request.method() != QHttpServerRequest::Method::Get)
        return oktaError(405, u"E0000022"_qs, u"The endpoint does not support the provided HTTP method"_qs);
    ++m_logsRequests;
    const QUrlQuery q = request.query();
    const QString after = param(q, u"after"_qs);
    const std::optional<SimFault> fault = m_faults.decide(m_logsRequests, !after.isEmpty());
    if (fault) record.fault = faultName(*fault);
    if (fault == SimFault::RateLimitBurst) {
        m_burstUntilWallMs = QDateTime::currentMSecsSinceEpoch() + m_options.burstMs;
        Reply r = oktaError(429, u"E0000047"_qs, u"API call exceeded rate limit due to too many requests."_qs);
        return r;
    }
    if (fault == SimFault::ServerError) return oktaError(500, u"E0000009"_qs, u"Internal Server Error"_qs);

    // Validation, in the order Okta reports problems.
    const auto badDate = [](const QString& name) {
        return oktaError(
            400, u"E0000001"_qs,
            u"Api validation failed: '"_qs + name
                + u"': The date format in your query is not recognized. Please enter dates using ISO8601 string format.."_qs,
            {name
             + u": The date format in your query is not recognized. Please enter dates using ISO8601 string format."_qs});
    };
    std::optional<qint64> since, until;
    if (const QString s = param(q, u"since"_qs); !s.isEmpty()) {
        const QByteArray b = s.toUtf8();
        since = okta::parseTimestampMs(std::string_view(b.constData(), size_t(b.size())));
        if (!since) return badDate(u"since"_qs);
        if (*since < now - 180 * kDay)
            return oktaError(400, u"E0000053"_qs,
                             u"Invalid parameter: The since parameter is over 180 days prior to the current day."_qs);
    }
    if (const QString s = param(q, u"until"_qs); !s.isEmpty()) {
        const QByteArray b = s.toUtf8();
        until = okta::parseTimestampMs(std::string_view(b.constData(), size_t(b.size())));
        if (!until) return badDate(u"until"_qs);
    }
    int limit = 100;
    if (q.hasQueryItem(u"limit"_qs)) {
        bool ok = false;
        limit = param(q, u"limit"_qs).toInt(&ok);
        if (!ok || limit < 0 || limit > 1000)
            return oktaError(400, u"E0000001"_qs, u"Api validation failed: 'limit': must be between 0 and 1000"_qs,
                             {u"limit: must be between 0 and 1000"_qs});
    }
    const QString sortOrder = param(q, u"sortOrder"_qs).toUpper();
    if (!sortOrder.isEmpty() && sortOrder != u"ASCENDING" && sortOrder != u"DESCENDING")
        return oktaError(400, u"E0000001"_qs,
                         u"Api validation failed: 'sortOrder': must be one of ASCENDING, DESCENDING"_qs,
                         {u"sortOrder: must be one of ASCENDING, DESCENDING"_qs});
    const bool descending = sortOrder == u"DESCENDING";
    SimLogFilter filter;
    SimLogFilter::Error filterError;
    if (!SimLogFilter::parse(param(q, u"filter"_qs), filter, filterError))
        return oktaError(400, filterError.code, filterError.summary);
    SimKeywordQuery keywords;
    QString keywordError;
    if (!SimKeywordQuery::parse(param(q, u"q"_qs), keywords, keywordError))
        return oktaError(400, u"E0000001"_qs, keywordError);
    std::optional<qsizetype> cursor;
    if (!after.isEmpty()) {
        cursor = readCursor(*m_log, after);
        if (!cursor || fault == SimFault::ExpiredCursor)
            return oktaError(400, u"E0000001"_qs,
                             u"Api validation failed: 'after': The cursor is invalid or has expired."_qs,
                             {u"after: The cursor is invalid or has expired."_qs});
    }

    // Polling (ascending, no until) follows persistence order and never ends; bounded queries and
    // descending ones cover [since, until) in `published` order and end with a page without `next`.
    const bool polling = !descending && !until;
    const qint64 defaultSince = (until ? *until : now) - 7 * kDay;
    const qsizetype lo = m_log->lowerBound(since.value_or(defaultSince));
    const qsizetype hi = until ? m_log->lowerBound(*until) : m_log->size();
    const auto matches = [&](qsizetype i) {
        const SimStoredEvent& e = m_log->at(i);
        return filter.matches(e) && keywords.matches(e);
    };

    QList<qsizetype> page;
    qsizetype next = -1; // cursor position for `next`, -1 for none
    if (!descending) {
        qsizetype i = cursor ? *cursor : lo;
        for (; i < hi && page.size() < limit; ++i) {
            if (matches(i)) page.append(i);
        }
        if (polling) {
            next = i;
        } else {
            for (qsizetype k = i; k < hi; ++k) {
                if (matches(k)) {
                    next = i;
                    break;
                }
            }
        }
    } else {
        qsizetype i = cursor ? *cursor : hi;
        for (; i > lo && page.size() < limit; --i) {
            if (matches(i - 1)) page.append(i - 1);
        }
        for (qsizetype k = i; k > lo; --k) {
            if (matches(k - 1)) {
                next = i;
                break;
            }
        }
    }

    QByteArray body = "[";
    for (qsizetype k = 0; k < page.size(); ++k) {
        if (k) body += ',';
        body += m_log->at(page.at(k)).json;
    }
    body += ']';
    record.events = int(page.size());

    Reply reply;
    reply.status = 200;
    reply.body = body;
    const QString self = base + record.path + (record.query.isEmpty() ? QString() : u'?' + record.query);
    reply.headers.append({"Link", '<' + self.toUtf8() + ">; rel=\"self\""});
    if (next >= 0) {
        // The next link keeps the request's parameters, drops `since` (the cursor replaces it) and
        // carries the new cursor.
        QByteArray nextQuery;
        const auto add = [&nextQuery](const char* name, const QString& value) {
            if (value.isEmpty()) return;
            nextQuery += (nextQuery.isEmpty() ? "" : "&") + QByteArray(name) + '=' + encode(value);
        };
        add("limit", q.hasQueryItem(u"limit"_qs) ? QString::number(limit) : QString());
        add("sortOrder", sortOrder);
        add("until", param(q, u"until"_qs));
        if (descending) add("since", param(q, u"since"_qs));
        add("filter", param(q, u"filter"_qs));
        add("q", param(q, u"q"_qs));
        add("after", makeCursor(*m_log, next));
        reply.headers.append({"Link", '<' + base.toUtf8() + "/api/v1/logs?" + nextQuery + ">; rel=\"next\""});
    }
    if (fault == SimFault::Truncated) {
        // The connection's bytes end mid-JSON; the framing still says the body is complete.
        reply.body = body.left(qMax<qsizetype>(1, body.size() * 3 / 5));
        if (reply.body == body) reply.body.chop(1);
        return reply;
    }
    if (fault == SimFault::Slow) reply.delayMs = m_options.slowReplyMs;
    for (qsizetype k : std::as_const(page)) {
        const QByteArray& uuid = m_log->at(k).uuid;
        ++m_servedTotal;
        if (!m_served.contains(uuid)) {
            m_served.insert(uuid);
            m_servedOrder.append(QString::fromLatin1(uuid));
        }
    }
    return reply;
}

QJsonObject SimServer::apiEvent(const QHttpServerRequest& request,
                                qint64 now,
                                const QString& eventType,
                                const SimUser* target,
                                const QString& result)
{
    // Calls made with the API token are logged with its owner as actor and the caller's address.
    SimClient client;
    client.place = SimOrg::places().first();
    client.ip = request.remoteAddress().toString();
    if (client.ip.startsWith(u"::ffff:")) client.ip = client.ip.mid(7);
    client.device.kind = u"Unknown"_qs;
    client.device.userAgent = QString::fromUtf8(header(request, "User-Agent"));
    client.device.os = u"Unknown"_qs;
    client.device.browser = u"UNKNOWN"_qs;
    QJsonObject e = m_factory.make(now, eventType, SimActor::of(m_org.tokenOwner()), &client, {}, result);
    SimEventFactory::setApiToken(e, m_org.apiTokenId());
    SimEventFactory::setDebug(e, u"requestUri"_qs, request.url().path());
    if (target) SimEventFactory::addTarget(e, target->id, u"User"_qs, target->login, target->displayName());
    return e;
}

SimServer::Reply
SimServer::handleOkta(const QHttpServerRequest& request, const QStringList& path, const QString& base, qint64 now)
{
    using Method = QHttpServerRequest::Method;
    const Method method = request.method();
    const auto notFound = [](const QString& id, const QString& type) {
        return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + id + u" ("_qs + type + u')');
    };
    const auto wrongMethod = [] {
        return oktaError(405, u"E0000022"_qs, u"The endpoint does not support the provided HTTP method"_qs);
    };
    // path: api v1 users {id} …
    if (path.size() >= 4 && path.at(2) == u"users") {
        SimUser* user = m_org.user(QUrl::fromPercentEncoding(path.at(3).toUtf8()));
        if (!user) return notFound(path.at(3), u"User"_qs);
        if (path.size() == 4) return method == Method::Get ? userJson(user->id, base) : wrongMethod();
        const QString section = path.at(4);
        if (section == u"lifecycle" && path.size() == 6)
            return method == Method::Post ? lifecycle(request, *user, path.at(5), now) : wrongMethod();
        if (section == u"sessions" && path.size() == 5) {
            if (method != Method::Delete) return wrongMethod();
            QJsonObject e = apiEvent(request, now, u"user.session.clear"_qs, user);
            if (request.query().queryItemValue(u"oauthTokens"_qs) == u"true")
                SimEventFactory::setDebug(e, u"revokeOauthTokens"_qs, u"true"_qs);
            m_log->append(e);
            return Reply::empty(204);
        }
        if (section == u"factors") {
            if (path.size() == 5) {
                if (method != Method::Get) return wrongMethod();
                QJsonArray factors;
                for (const SimFactor& f : std::as_const(user->factors)) {
                    const QString self = base + u"/api/v1/users/"_qs + user->id + u"/factors/"_qs + f.id;
                    factors.append(QJsonObject{
                        {u"id"_qs, f.id},
                        {u"factorType"_qs, f.factorType},
                        {u"provider"_qs, f.provider},
                        {u"vendorName"_qs, f.provider},
                        {u"status"_qs, f.status},
                        {u"created"_qs, iso(f.createdMs)},
                        {u"lastUpdated"_qs, iso(f.createdMs)},
                        {u"profile"_qs, QJsonObject{{u"credentialId"_qs, f.credentialId},
                                                    {u"deviceType"_qs, f.deviceType},
                                                    {u"name"_qs, f.deviceName},
                                                    {u"platform"_qs, f.platform},
                                                    {u"version"_qs, u"17.3"_qs}}},
                        {u"_links"_qs,
                         QJsonObject{
                             {u"self"_qs, QJsonObject{{u"href"_qs, self}}},
                             {u"verify"_qs,
                              QJsonObject{{u"href"_qs, QString(self + u"/verify"_qs)},
                                          {u"hints"_qs, QJsonObject{{u"allow"_qs, QJsonArray{u"POST"_qs}}}}}},
                             {u"user"_qs, QJsonObject{{u"href"_qs, QString(base + u"/api/v1/users/"_qs + user->id)}}}}},
                    });
                }
                return Reply(200, factors);
            }
            if (path.size() == 7 && path.at(6) == u"verify")
                return method == Method::Post ? verifyPush(request, *user, path.at(5), base, now) : wrongMethod();
            if (path.size() == 8 && path.at(6) == u"transactions")
                return method == Method::Get ? pollPush(user->id, path.at(5), path.at(7), base, now) : wrongMethod();
        }
        return notFound(request.url().path(), u"Resource"_qs);
    }
    if (path.size() == 3 && path.at(2) == u"groups") return method == Method::Get ? listGroups(request) : wrongMethod();
    if (path.size() == 5 && path.at(2) == u"groups" && path.at(4) == u"users")
        return method == Method::Get ? listGroupMembers(path.at(3), base) : wrongMethod();
    if (path.size() == 5 && path.at(2) == u"iam" && path.at(3) == u"assignees" && path.at(4) == u"users")
        return method == Method::Get ? listAdminAssignees(base) : wrongMethod();
    if (path.size() == 6 && path.at(2) == u"groups" && path.at(4) == u"users") {
        if (method != Method::Put && method != Method::Delete) return wrongMethod();
        return groupMembership(request, path.at(3), path.at(5), method == Method::Put, now);
    }
    return notFound(request.url().path(), u"Resource"_qs);
}

SimServer::Reply SimServer::listGroupMembers(const QString& groupId, const QString& base)
{
    const SimGroup* g = m_org.group(groupId);
    if (!g) return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + groupId + u" (UserGroup)"_qs);
    QJsonArray users;
    for (const QString& id : g->members)
        users.append(QJsonDocument::fromJson(userJson(id, base).body).object());
    return Reply(200, users);
}

SimServer::Reply SimServer::listAdminAssignees(const QString& base)
{
    // Okta's "users with role assignments" list: ids and ORNs, no profiles.
    QJsonArray value;
    for (const SimUser& u : m_org.users()) {
        if (!u.admin) continue;
        value.append(QJsonObject{
            {u"id"_qs, u.id},
            {u"orn"_qs, QString(u"orn:okta:directory:sim:users:"_qs + u.id)},
            {u"_links"_qs,
             QJsonObject{{u"self"_qs, QJsonObject{{u"href"_qs, QString(base + u"/api/v1/users/"_qs + u.id)}}}}}});
    }
    return Reply(
        200,
        QJsonObject{
            {u"value"_qs, value},
            {u"_links"_qs,
             QJsonObject{{u"self"_qs, QJsonObject{{u"href"_qs, QString(base + u"/api/v1/iam/assignees/users"_qs)}}}}}});
}

SimServer::Reply SimServer::createJiraIssue(const QHttpServerRequest& request, const QString& base)
{
    const QByteArray expected =
        "Basic " + QByteArray(m_options.jiraEmail.toUtf8() + ':' + m_options.jiraToken.toUtf8()).toBase64();
    if (header(request, "Authorization") != expected) {
        Reply r(401, QJsonObject{{u"errorMessages"_qs,
                                  QJsonArray{u"You are not authenticated. Authentication required to perform this "
                                             "operation."_qs}},
                                 {u"errors"_qs, QJsonObject()}});
        return r;
    }
    const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
    const QJsonObject fields = body.value(u"fields").toObject();
    QJsonObject errors;
    if (fields.value(u"project").toObject().value(u"key").toString().isEmpty())
        errors.insert(u"project"_qs, u"Specify a valid project ID or key"_qs);
    if (fields.value(u"summary").toString().isEmpty())
        errors.insert(u"summary"_qs, u"You must specify a summary of the issue."_qs);
    if (fields.value(u"issuetype").toObject().value(u"name").toString().isEmpty())
        errors.insert(u"issuetype"_qs, u"Specify an issue type"_qs);
    if (fields.value(u"description").toObject().value(u"type").toString() != u"doc")
        errors.insert(u"description"_qs, u"Operation value must be an Atlassian Document"_qs);
    if (!errors.isEmpty()) return Reply(400, QJsonObject{{u"errorMessages"_qs, QJsonArray()}, {u"errors"_qs, errors}});
    const int number = int(m_jiraIssues.size()) + 1;
    const QString id = QString::number(10000 + number);
    const QString key = fields.value(u"project").toObject().value(u"key").toString() + u'-' + QString::number(number);
    QJsonObject stored = body;
    stored.insert(u"key"_qs, key);
    m_jiraIssues.append(stored);
    return Reply(
        201,
        QJsonObject{{u"id"_qs, id}, {u"key"_qs, key}, {u"self"_qs, QString(base + u"/rest/api/3/issue/"_qs + id)}});
}

SimServer::Reply SimServer::receiveNotification(const QHttpServerRequest& request)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &error);
    if (request.method() != QHttpServerRequest::Method::Post || error.error != QJsonParseError::NoError
        || !doc.isObject()) {
        Reply r(400, QJsonObject{{u"error"_qs, u"invalid_payload"_qs}});
        return r;
    }
    m_notifications.append(doc.object());
    Reply r;
    r.body = "ok";
    r.contentType = "text/plain";
    return r;
}

QUrl SimServer::notifyWebhookUrl() const
{
    return baseUrl().resolved(QUrl(u"/hooks/notify"_qs));
}

SimServer::Reply SimServer::userJson(const QString& id, const QString& base)
{
    const SimUser& u = *m_org.user(id);
    const SimPlace& home = SimOrg::places().at(u.home);
    const QString self = base + u"/api/v1/users/"_qs + u.id;
    QJsonObject links{{u"self"_qs, QJsonObject{{u"href"_qs, self}}}};
    if (u.status == u"ACTIVE")
        links.insert(u"suspend"_qs,
                     QJsonObject{{u"href"_qs, QString(self + u"/lifecycle/suspend"_qs)}, {u"method"_qs, u"POST"_qs}});
    if (u.status == u"SUSPENDED")
        links.insert(u"unsuspend"_qs,
                     QJsonObject{{u"href"_qs, QString(self + u"/lifecycle/unsuspend"_qs)}, {u"method"_qs, u"POST"_qs}});
    if (u.status == u"LOCKED_OUT")
        links.insert(u"unlock"_qs,
                     QJsonObject{{u"href"_qs, QString(self + u"/lifecycle/unlock"_qs)}, {u"method"_qs, u"POST"_qs}});
    const auto orNull = [](const QString& s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return Reply(200,
                 QJsonObject{
                     {u"id"_qs, u.id},
                     {u"status"_qs, u.status},
                     {u"created"_qs, iso(u.createdMs)},
                     {u"activated"_qs, iso(u.activatedMs)},
                     {u"statusChanged"_qs, iso(u.statusChangedMs)},
                     {u"lastLogin"_qs, iso(u.lastLoginMs)},
                     {u"lastUpdated"_qs, iso(u.lastUpdatedMs)},
                     {u"passwordChanged"_qs, iso(u.passwordChangedMs)},
                     {u"type"_qs, QJsonObject{{u"id"_qs, u"otySimDefaultUserType"_qs}}},
                     {u"profile"_qs, QJsonObject{{u"login"_qs, u.login},
                                                 {u"email"_qs, u.email},
                                                 {u"secondEmail"_qs, QJsonValue()},
                                                 {u"firstName"_qs, u.firstName},
                                                 {u"lastName"_qs, u.lastName},
                                                 {u"displayName"_qs, u.displayName()},
                                                 {u"department"_qs, u.department},
                                                 {u"title"_qs, u.title},
                                                 {u"manager"_qs, orNull(u.manager)},
                                                 {u"managerId"_qs, orNull(u.managerId)},
                                                 {u"employeeNumber"_qs, u.employeeNumber},
                                                 {u"costCenter"_qs, orNull(u.costCenter)},
                                                 {u"organization"_qs, u"Corp Example"_qs},
                                                 {u"userType"_qs, u.serviceAccount ? u"Service"_qs : u"Employee"_qs},
                                                 {u"mobilePhone"_qs, u.mobilePhone},
                                                 {u"city"_qs, home.city},
                                                 {u"state"_qs, home.state},
                                                 {u"countryCode"_qs, home.countryCode},
                                                 {u"timezone"_qs, home.timezone},
                                                 {u"locale"_qs, u"en_US"_qs}}},
                     {u"credentials"_qs,
                      QJsonObject{{u"password"_qs, QJsonObject()},
                                  {u"provider"_qs, QJsonObject{{u"type"_qs, u"OKTA"_qs}, {u"name"_qs, u"OKTA"_qs}}}}},
                     {u"_links"_qs, links},
                 });
}

SimServer::Reply
SimServer::lifecycle(const QHttpServerRequest& request, SimUser& user, const QString& action, qint64 now)
{
    QString from, to, eventType;
    if (action == u"suspend") {
        from = u"ACTIVE"_qs;
        to = u"SUSPENDED"_qs;
        eventType = u"user.lifecycle.suspend"_qs;
    } else if (action == u"unsuspend") {
        from = u"SUSPENDED"_qs;
        to = u"ACTIVE"_qs;
        eventType = u"user.lifecycle.unsuspend"_qs;
    } else if (action == u"unlock") {
        from = u"LOCKED_OUT"_qs;
        to = u"ACTIVE"_qs;
        eventType = u"user.account.unlock_by_admin"_qs;
    } else {
        return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + action + u" (Lifecycle)"_qs);
    }
    if (user.status != from) {
        // Okta answers a transition from the wrong status with an API validation error.
        const QString why = action == u"suspend"     ? u"Cannot suspend a user that is not active"_qs
                            : action == u"unsuspend" ? u"Cannot unsuspend a user that is not suspended"_qs
                                                     : u"Cannot unlock a user that is not locked out"_qs;
        return oktaError(400, u"E0000001"_qs, u"Api validation failed: "_qs + why, {why});
    }
    user.status = to;
    user.statusChangedMs = now;
    user.lastUpdatedMs = now;
    m_log->append(apiEvent(request, now, eventType, &user));
    // Okta answers the lifecycle calls with 200 and no body.
    return Reply::empty(200);
}

SimServer::Reply SimServer::verifyPush(
    const QHttpServerRequest& request, SimUser& user, const QString& factorId, const QString& base, qint64 now)
{
    const SimFactor* factor = nullptr;
    for (const SimFactor& f : std::as_const(user.factors)) {
        if (f.id == factorId) factor = &f;
    }
    if (!factor)
        return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + factorId + u" (UserFactor)"_qs);
    if (user.status != u"ACTIVE")
        return oktaError(403, u"E0000038"_qs, u"This operation is not allowed in the user's current status."_qs);
    if (header(request, "User-Agent").isEmpty())
        return oktaError(400, u"E0000001"_qs, u"Api validation failed: User-Agent"_qs,
                         {u"User-Agent: The User-Agent header is required to verify a push factor"_qs});

    PushTransaction tx;
    tx.id = SimOrg::makeId(m_rng, u"v2m"_qs);
    tx.userId = user.id;
    tx.factorId = factorId;
    tx.createdMs = now;
    tx.expiresMs = now + m_options.pushLifetimeMs;
    tx.answerAtMs = now + m_options.pushAnswerDelayMs;
    SimPushAnswer policy = m_pushOverrides.value(user.id, m_options.pushAnswer);
    if (policy == SimPushAnswer::VictimsReject)
        policy = m_traffic.isVictim(user.id) ? SimPushAnswer::Reject : SimPushAnswer::Approve;
    tx.answer = policy == SimPushAnswer::Approve  ? u"SUCCESS"_qs
                : policy == SimPushAnswer::Reject ? u"REJECTED"_qs
                                                  : QString();
    m_push.insert(tx.id, tx);

    QJsonObject sent = apiEvent(request, now, u"system.push.send_factor_verify_push"_qs, nullptr);
    QJsonObject actor = sent.value(u"actor").toObject();
    actor.insert(u"id"_qs, user.id);
    actor.insert(u"alternateId"_qs, user.login);
    actor.insert(u"displayName"_qs, user.displayName());
    sent.insert(u"actor"_qs, actor);
    SimEventFactory::addTarget(sent, factorId, u"AuthenticatorEnrollment"_qs, factor->deviceName, u"Okta Verify"_qs);
    m_log->append(sent);
    if (!tx.answer.isEmpty()) {
        // The person's answer, from their phone at home, logged when it happens.
        SimClient phone;
        phone.place = SimOrg::places().at(user.home);
        phone.ip = user.homeIp;
        phone.device = user.phone;
        const bool ok = tx.answer == u"SUCCESS";
        QJsonObject answer = m_factory.make(
            tx.answerAtMs, ok ? u"user.authentication.auth_via_mfa"_qs : u"user.mfa.okta_verify.deny_push"_qs,
            SimActor::of(user), &phone, {}, ok ? u"SUCCESS"_qs : u"FAILURE"_qs,
            ok ? QString() : u"INVALID_CREDENTIALS"_qs);
        SimEventFactory::addTarget(answer, factorId, u"AuthenticatorEnrollment"_qs, factor->deviceName,
                                   u"Okta Verify"_qs);
        SimEventFactory::setDebug(answer, u"factor"_qs, u"OKTA_VERIFY_PUSH"_qs);
        m_traffic.queueEvent(tx.answerAtMs, answer);
    }
    Reply r = pollPush(user.id, factorId, tx.id, base, now);
    r.status = 201;
    return r;
}

SimServer::Reply SimServer::pollPush(
    const QString& userId, const QString& factorId, const QString& txId, const QString& base, qint64 now)
{
    const auto it = m_push.constFind(txId);
    if (it == m_push.cend() || it->userId != userId || it->factorId != factorId)
        return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + txId + u" (Transaction)"_qs);
    const PushTransaction& tx = *it;
    QString result = u"WAITING"_qs;
    if (!tx.answer.isEmpty() && now >= tx.answerAtMs && tx.answerAtMs < tx.expiresMs)
        result = tx.answer;
    else if (now >= tx.expiresMs)
        result = u"TIMEOUT"_qs;
    const QString href =
        base + u"/api/v1/users/"_qs + userId + u"/factors/"_qs + factorId + u"/transactions/"_qs + txId;
    QJsonObject links;
    if (result == u"WAITING") {
        links.insert(u"poll"_qs,
                     QJsonObject{{u"href"_qs, href}, {u"hints"_qs, QJsonObject{{u"allow"_qs, QJsonArray{u"GET"_qs}}}}});
        links.insert(u"cancel"_qs, QJsonObject{{u"href"_qs, href},
                                               {u"hints"_qs, QJsonObject{{u"allow"_qs, QJsonArray{u"DELETE"_qs}}}}});
    }
    return Reply(200, QJsonObject{{u"factorResult"_qs, result},
                                  {u"expiresAt"_qs, iso(tx.expiresMs)},
                                  {u"profile"_qs, QJsonObject{{u"credentialId"_qs, m_org.user(userId)->login}}},
                                  {u"_links"_qs, links}});
}

SimServer::Reply SimServer::groupMembership(
    const QHttpServerRequest& request, const QString& groupId, const QString& userId, bool add, qint64 now)
{
    SimGroup* group = m_org.group(groupId);
    if (!group)
        return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + groupId + u" (UserGroup)"_qs);
    SimUser* user = m_org.user(userId);
    if (!user) return oktaError(404, u"E0000007"_qs, u"Not found: Resource not found: "_qs + userId + u" (User)"_qs);
    // Only groups Okta itself manages take members through this call.
    if (group->type != u"OKTA_GROUP")
        return oktaError(403, u"E0000006"_qs, u"You do not have permission to perform the requested action"_qs);
    const bool member = group->members.contains(user->id);
    if (add == member) return Reply::empty(204);
    if (add)
        group->members.append(user->id);
    else
        group->members.removeAll(user->id);
    QJsonObject e =
        apiEvent(request, now, add ? u"group.user_membership.add"_qs : u"group.user_membership.remove"_qs, user);
    SimEventFactory::addTarget(e, group->id, u"UserGroup"_qs, group->name, group->name);
    m_log->append(e);
    return Reply::empty(204);
}

SimServer::Reply SimServer::listGroups(const QHttpServerRequest& request)
{
    const QString prefix = request.query().queryItemValue(u"q"_qs, QUrl::FullyDecoded);
    QJsonArray out;
    for (const SimGroup& g : m_org.groups()) {
        if (!prefix.isEmpty() && !g.name.startsWith(prefix, Qt::CaseInsensitive)) continue;
        out.append(QJsonObject{{u"id"_qs, g.id},
                               {u"created"_qs, iso(g.createdMs)},
                               {u"type"_qs, g.type},
                               {u"profile"_qs, QJsonObject{{u"name"_qs, g.name}, {u"description"_qs, g.description}}}});
    }
    return Reply(200, out);
}

std::optional<SimServer::Reply> SimServer::refuseApiCall(const QHttpServerRequest& request,
                                                         const QStringList& path,
                                                         const QString& base,
                                                         qint64 wallNow)
{
    const QByteArray authorization = header(request, "Authorization");
    if (authorization == "SSWS " + m_options.token.toUtf8()) return std::nullopt;
    Reply refusal = oktaError(401, u"E0000011"_qs, u"Invalid token provided"_qs);
    if (!authorization.startsWith("Bearer ")) return refusal;
    // Okta says why a Bearer token failed in WWW-Authenticate, as RFC 6750 has it.
    const QByteArray realm =
        "Bearer authorization_uri=\"" + base.toUtf8() + "/oauth2/v1/authorize\", realm=\"" + base.toUtf8() + "\"";
    const auto token = m_accessTokens.constFind(authorization.mid(7).trimmed());
    if (token == m_accessTokens.constEnd() || token->expiresWallMs <= wallNow) {
        const QByteArray why =
            token == m_accessTokens.constEnd() ? "The access token is invalid." : "The access token has expired.";
        refusal.headers.append(
            {"WWW-Authenticate", realm + ", error=\"invalid_token\", error_description=\"" + why + "\""});
        return refusal;
    }
    const bool logs = path.size() >= 3 && path.at(2) == u"logs";
    const QStringList needed = requiredScopes(path, logs, request.method());
    if (needed.isEmpty()) return std::nullopt;
    for (const QString& scope : needed) {
        if (token->scopes.contains(scope)) return std::nullopt;
    }
    Reply forbidden = oktaError(403, u"E0000006"_qs, u"You do not have permission to perform the requested action"_qs);
    forbidden.headers.append(
        {"WWW-Authenticate", realm + ", scope=\"" + needed.join(u' ').toUtf8()
                                 + "\", error=\"insufficient_scope\", error_description=\"The "
                                   "access token provided does not contain the required scopes.\""});
    return forbidden;
}

SimServer::Reply SimServer::handleToken(const QHttpServerRequest& request, const QString& base, qint64 wallNow)
{
    // Okta's OAuth endpoints answer {"error":…,"error_description":…}, never cached.
    const auto oauthError = [](int status, const QString& error, const QString& description) {
        Reply r(status, QJsonObject{{u"error"_qs, error}, {u"error_description"_qs, description}});
        r.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
        r.headers.append({QByteArrayLiteral("Pragma"), QByteArrayLiteral("no-cache")});
        return r;
    };
    const auto invalidClient = [&](const QString& description) {
        return oauthError(401, u"invalid_client"_qs, description);
    };
    if (request.method() != QHttpServerRequest::Method::Post)
        return oauthError(405, u"invalid_request"_qs, u"The token endpoint only accepts POST requests."_qs);
    if (!header(request, "Content-Type").toLower().startsWith("application/x-www-form-urlencoded"))
        return oauthError(400, u"invalid_request"_qs,
                          u"The request must be sent as application/x-www-form-urlencoded."_qs);
    QByteArray form = request.body();
    form.replace('+', "%20"); // form encoding's space
    const QUrlQuery q(QString::fromUtf8(form));
    const QString grantType = param(q, u"grant_type"_qs);
    if (grantType.isEmpty())
        return oauthError(400, u"invalid_request"_qs, u"The 'grant_type' parameter is missing."_qs);
    if (grantType != u"client_credentials")
        return oauthError(400, u"unsupported_grant_type"_qs,
                          u"The authorization grant type is not supported by the authorization server. Configured "
                          "grant types: [client_credentials]."_qs);

    // Client authentication: private_key_jwt is the only method for Okta-scoped tokens.
    const QString assertionType = param(q, u"client_assertion_type"_qs);
    const QByteArray assertion = param(q, u"client_assertion"_qs).toUtf8();
    if (assertion.isEmpty() && assertionType.isEmpty()) return invalidClient(u"No client credentials found."_qs);
    if (assertionType != u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        return oauthError(400, u"invalid_request"_qs, u"The client_assertion_type is invalid."_qs);
    const QList<QByteArray> parts = assertion.split('.');
    const std::optional<QJsonObject> jwtHeader = parts.size() == 3 ? jwtPart(parts.at(0)) : std::nullopt;
    const std::optional<QJsonObject> claims = parts.size() == 3 ? jwtPart(parts.at(1)) : std::nullopt;
    const auto signature =
        parts.size() == 3
            ? QByteArray::fromBase64Encoding(parts.at(2), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                                                              | QByteArray::AbortOnBase64DecodingErrors)
            : QByteArray::FromBase64Result{};
    if (!jwtHeader || !claims || !signature)
        return oauthError(400, u"invalid_request"_qs, u"The client_assertion is not a well-formed JWT."_qs);
    if (jwtHeader->value(u"alg").toString() != u"RS256")
        return invalidClient(u"The client_assertion token has an unsupported signing algorithm: '"_qs
                             + jwtHeader->value(u"alg").toString() + u"'."_qs);
    const QString issuer = claims->value(u"iss").toString();
    const QString clientIdParam = param(q, u"client_id"_qs);
    if (issuer.isEmpty() || claims->value(u"sub").toString() != issuer)
        return invalidClient(u"The 'iss' and 'sub' claims of the client_assertion must both be the client_id."_qs);
    if (issuer != m_options.oauthClientId || m_options.oauthPublicKeyPem.isEmpty()
        || (!clientIdParam.isEmpty() && clientIdParam != issuer))
        return invalidClient(u"Invalid value for 'client_id' parameter."_qs);
    if (!verifyRs256(m_options.oauthPublicKeyPem, parts.at(0) + '.' + parts.at(1), *signature))
        return invalidClient(u"The client_assertion signature is invalid."_qs);
    if (claims->value(u"aud").toString() != base + u"/oauth2/v1/token"_qs)
        return invalidClient(
            u"The audience claim for client_assertion must be the endpoint invoked for the request."_qs);
    const qint64 nowSeconds = wallNow / 1000;
    const qint64 exp = qint64(claims->value(u"exp").toDouble(0));
    if (exp <= nowSeconds) return invalidClient(u"The client_assertion token is expired."_qs);
    if (exp > nowSeconds + 3600)
        return invalidClient(u"The client_assertion token has an expiration too far into the future."_qs);
    // A jti may be used once while its assertion is valid.
    for (auto it = m_usedAssertionIds.begin(); it != m_usedAssertionIds.end();)
        it = it.value() <= wallNow ? m_usedAssertionIds.erase(it) : std::next(it);
    if (const QString jti = claims->value(u"jti").toString(); !jti.isEmpty()) {
        if (m_usedAssertionIds.contains(jti))
            return invalidClient(u"The client_assertion token has already been used."_qs);
        m_usedAssertionIds.insert(jti, exp * 1000);
    }

    const QStringList scopes = param(q, u"scope"_qs).split(u' ', Qt::SkipEmptyParts);
    if (scopes.isEmpty())
        return oauthError(400, u"invalid_scope"_qs,
                          u"The authorization server resource does not have any configured default scopes, 'scope' "
                          "must be provided."_qs);
    QStringList refused;
    for (const QString& s : scopes) {
        if (!m_options.oauthScopes.contains(s)) refused.append(s);
    }
    if (!refused.isEmpty())
        return oauthError(400, u"invalid_scope"_qs,
                          u"The following scopes are not allowed: ["_qs + refused.join(u", "_qs) + u"]."_qs);

    for (auto it = m_accessTokens.begin(); it != m_accessTokens.end();)
        it = it->expiresWallMs <= wallNow ? m_accessTokens.erase(it) : std::next(it);
    QByteArray random(32, Qt::Uninitialized);
    for (char& c : random)
        c = char(m_rng() & 0xff);
    const QByteArray token =
        "sim-at." + random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const int lifetime = std::max(1, m_options.oauthTokenLifetimeSeconds);
    m_accessTokens.insert(token, AccessToken{wallNow + lifetime * 1000LL, scopes});
    ++m_oauthTokensIssued;
    Reply r(200, QJsonObject{{u"token_type"_qs, u"Bearer"_qs},
                             {u"expires_in"_qs, lifetime},
                             {u"access_token"_qs, QString::fromLatin1(token)},
                             {u"scope"_qs, scopes.join(u' ')}});
    r.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    r.headers.append({QByteArrayLiteral("Pragma"), QByteArrayLiteral("no-cache")});
    return r;
}

} // namespace vigil::sim

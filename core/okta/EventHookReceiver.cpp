// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/EventHookReceiver.h"

#include "core/okta/ApiPayload.h"

#include <QCryptographicHash>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcHooks, "vigil.core.okta.hooks")

namespace vigil::okta {

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

QByteArray plainResponse(int status, const QByteArray& reason, const QByteArray& message)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{u"error"_qs, QString::fromUtf8(message)}}).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
           + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

// Watches one connection's bytes before QHttpServer sees them (its readyRead slot is connected first)
// and cuts off a request whose body would exceed the limit. QHttpServer reads everything available on
// each readyRead, so what is available when this slot runs is exactly what arrived since last time.
class HookConnectionGuard : public QObject
{
public:
    HookConnectionGuard(QTcpSocket* socket, qint64 maxBody, EventHookReceiver* receiver)
        : QObject(socket)
        , m_socket(socket)
        , m_maxBody(maxBody)
        , m_receiver(receiver)
    {
        connect(socket, &QTcpSocket::readyRead, this, &HookConnectionGuard::inspect);
    }

private:
    void inspect()
    {
        if (m_refused) {
            m_socket->readAll(); // drain: nothing of a refused request is kept
            return;
        }
        const QByteArray chunk = m_socket->peek(m_socket->bytesAvailable());
        qsizetype pos = 0;
        while (pos < chunk.size()) {
            if (m_inBody) {
                const qint64 take = std::min<qint64>(m_bodyLeft, chunk.size() - pos);
                m_bodyLeft -= take;
                pos += qsizetype(take);
                if (m_bodyLeft == 0) m_inBody = false; // the next bytes start a new request
                continue;
            }
            const qsizetype take = chunk.size() - pos;
            m_header.append(chunk.constData() + pos, take);
            const qsizetype end = m_header.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_header.size() > kMaxHeaderBytes)
                    return refuse(431, "Request Header Fields Too Large", "headers too large");
                return;
            }
            // Bytes after the header end belong to the body.
            const qsizetype consumedHere = take - (m_header.size() - (end + 4));
            pos += consumedHere;
            if (!checkHeader(m_header.left(end))) return;
            m_header.clear();
        }
    }

    bool checkHeader(const QByteArray& header)
    {
        qint64 length = 0;
        bool chunked = false;
        const QList<QByteArray> lines = header.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length") {
                bool ok = false;
                length = value.toLongLong(&ok);
                if (!ok || length < 0) {
                    refuse(400, "Bad Request", "invalid Content-Length");
                    return false;
                }
            } else if (name == "transfer-encoding" && value.toLower() != "identity") {
                chunked = true;
            }
        }
        if (chunked) {
            // Okta always sends Content-Length; a streamed body could not be bounded before reading it.
            refuse(411, "Length Required", "a Content-Length is required");
            return false;
        }
        if (length > m_maxBody) {
            ++m_receiver->m_counters.tooLarge;
            refuse(413, "Payload Too Large",
                   QByteArray("the body exceeds ") + QByteArray::number(m_maxBody) + " bytes");
            return false;
        }
        m_inBody = length > 0;
        m_bodyLeft = length;
        return true;
    }

    void refuse(int status, const QByteArray& reason, const QByteArray& message)
    {
        m_refused = true;
        qCWarning(lcHooks).noquote() << "refused a hook request from" << m_socket->peerAddress().toString() << ':'
                                     << status << message;
        m_socket->readAll();
        m_socket->write(plainResponse(status, reason, message));
        // Closing at once while the client is still sending makes the kernel answer with a reset,
        // which destroys our response before the client reads it. So keep draining (and discarding)
        // for a moment, then close: a lingering close, bounded in time, not in memory.
        QTimer::singleShot(2000, m_socket, [socket = m_socket] { socket->disconnectFromHost(); });
    }

    QTcpSocket* m_socket;
    qint64 m_maxBody;
    EventHookReceiver* m_receiver;
    QByteArray m_header;
    bool m_inBody = false;
    qint64 m_bodyLeft = 0;
    bool m_refused = false;
};

namespace {

class GuardedTcpServer : public QTcpServer
{
public:
    GuardedTcpServer(const HookReceiverSettings& settings, EventHookReceiver* receiver)
        : QTcpServer(receiver)
        , m_settings(settings)
        , m_receiver(receiver)
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        QTcpSocket* socket = nullptr;
        if (!m_settings.certificate.isNull()) {
            auto* tls = new QSslSocket(this);
            if (!tls->setSocketDescriptor(descriptor)) {
                delete tls;
                return;
            }
            tls->setLocalCertificate(m_settings.certificate);
            tls->setPrivateKey(m_settings.privateKey);
            tls->startServerEncryption();
            socket = tls;
        } else {
            socket = new QTcpSocket(this);
            if (!socket->setSocketDescriptor(descriptor)) {
                delete socket;
                return;
            }
        }
        new HookConnectionGuard(socket, m_settings.maxBodyBytes, m_receiver);
        addPendingConnection(socket);
    }

private:
    const HookReceiverSettings& m_settings;
    EventHookReceiver* m_receiver;
};

} // namespace

EventHookReceiver::EventHookReceiver(HookReceiverSettings settings, Sink sink, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_settings(std::move(settings))
    , m_sink(std::move(sink))
{
}

EventHookReceiver::~EventHookReceiver() = default;

quint16 EventHookReceiver::start(QString* error)
{
    if (m_server) return m_port;
    if (m_settings.certificate.isNull() != m_settings.privateKey.isNull()) {
        if (error) *error = tr("TLS for the hook receiver needs both a certificate and a private key");
        return 0;
    }
    auto* server = new GuardedTcpServer(m_settings, this);
    // Qt's default backlog is 50 connections: a burst of deliveries beyond that would wait for TCP's
    // SYN retries (seconds each). The kernel caps it at its own somaxconn anyway.
    server->setListenBacklogSize(1024);
    if (!server->listen(m_settings.address, m_settings.port)) {
        if (error) {
            *error = tr("cannot listen for Event Hooks on %1:%2: %3")
                         .arg(m_settings.address.toString())
                         .arg(m_settings.port)
                         .arg(server->errorString());
        }
        delete server;
        return 0;
    }
    bind(server);
    m_server = server;
    m_port = server->serverPort();
    emit statusMessage(
        tr("receiving Okta Event Hooks on %1://%2:%3")
            .arg(m_settings.certificate.isNull() ? u"http"_qs : u"https"_qs, m_settings.address.toString())
            .arg(m_port));
    return m_port;
}

bool EventHookReceiver::authorized(const QHttpServerRequest& request) const
{
    if (m_settings.secret.isEmpty()) return false;
    QByteArray presented;
    for (const auto& [name, value] : request.headers()) {
        if (name.compare(m_settings.authorizationHeader, Qt::CaseInsensitive) == 0) presented = value;
    }
    // Constant time: compare keyed digests, whose equality check leaks nothing about the secret's bytes.
    const QByteArray key = QByteArrayLiteral("vigil-hook-compare");
    const QByteArray a = QMessageAuthenticationCode::hash(presented, key, QCryptographicHash::Sha256);
    const QByteArray b = QMessageAuthenticationCode::hash(m_settings.secret, key, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

void EventHookReceiver::reject(const QHttpServerRequest& request,
                               QTcpSocket* socket,
                               int status,
                               const QString& message)
{
    makeResponder(request, socket)
        .write(QJsonDocument(QJsonObject{{u"error"_qs, message}}),
               static_cast<QHttpServerResponder::StatusCode>(status));
}

bool EventHookReceiver::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    using Method = QHttpServerRequest::Method;
    if (request.method() == Method::Get) {
        // Okta's one-time verification: echo the challenge. It proves we own the endpoint, nothing more.
        const QByteArray challenge = request.value("x-okta-verification-challenge");
        if (challenge.isEmpty()) {
            ++m_counters.badRequests;
            reject(request, socket, 400, tr("this endpoint receives Okta Event Hooks"));
            return true;
        }
        ++m_counters.verifications;
        emit statusMessage(tr("answered Okta's Event Hook verification"));
        makeResponder(request, socket)
            .write(QJsonDocument(QJsonObject{{u"verification"_qs, QString::fromUtf8(challenge)}}));
        return true;
    }
    if (request.method() != Method::Post) {
        ++m_counters.badRequests;
        reject(request, socket, 405, tr("only GET (verification) and POST (deliveries) are accepted"));
        return true;
    }
    if (!authorized(request)) {
        ++m_counters.unauthorized;
        qCWarning(lcHooks).noquote() << "refused a hook delivery without the right secret from"
                                     << request.remoteAddress().toString();
        reject(request, socket, 401, tr("missing or wrong authorization"));
        return true;
    }
    const QByteArray contentType = request.value("content-type").toLower();
    if (!contentType.startsWith("application/json")) {
        ++m_counters.badRequests;
        reject(request, socket, 415, tr("the body must be application/json"));
        return true;
    }
    const QByteArray body = request.body();
    if (body.size() > m_settings.maxBodyBytes) { // the guard stops these earlier; kept as a second line
        ++m_counters.tooLarge;
        reject(request, socket, 413, tr("the body is too large"));
        return true;
    }
    const ApiPayload payload = readApiPayload(body, PayloadKind::HookDelivery, tr("Event Hook delivery"));
    if (!payload.ok()) {
        ++m_counters.badRequests;
        reject(request, socket, 400, payload.error);
        return true;
    }
    const store::AppendResult stored = m_sink(payload.events);
    if (!stored.ok) {
        // Okta retries a delivery that fails: answer 500 so the events come again.
        reject(request, socket, 500, tr("the events could not be stored"));
        return true;
    }
    ++m_counters.deliveries;
    m_counters.eventsStored += stored.inserted;
    m_counters.duplicates += stored.duplicates;
    m_counters.rejectedEvents += payload.rejections.size();
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::Ok);
    QList<LogEvent> fresh;
    fresh.reserve(stored.insertedIndexes.size());
    for (const int i : stored.insertedIndexes)
        fresh.append(payload.events.at(i));
    if (!fresh.isEmpty()) emit eventsStored(fresh);
    return true;
}

void EventHookReceiver::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    reject(request, socket, 404, tr("not found"));
}

} // namespace vigil::okta

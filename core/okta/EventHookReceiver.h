// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/store/EventStore.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslKey>

#include <functional>

class QTcpServer;

namespace vigil::okta {

struct HookReceiverSettings
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8787; // 0 picks a free port
    // The header Okta is configured to send and its secret value (from the keychain or
    // VIGIL_HOOK_SECRET). An empty secret refuses every delivery: an open endpoint would let anyone
    // feed events to the risk engine.
    QByteArray authorizationHeader = "Authorization";
    QByteArray secret;
    qint64 maxBodyBytes = 1024 * 1024;
    // Optional TLS; both or neither.
    QSslCertificate certificate;
    QSslKey privateKey;
};

// Receives Okta Event Hooks: answers the one-time verification GET, and for each POST checks the
// secret (constant time), the content type and the size, validates the JSON, stores the events and
// only then answers 200, well inside Okta's 3-second limit. Okta delivers at least once; duplicates
// are absorbed by the store's uuid key, also against events the poller stored.
//
// The body limit is enforced before the body is read (QHttpServer 6.4 would buffer all of it first):
// a guard on each connection reads the headers as they arrive and answers 413 to a declared or
// actual body over the limit, without keeping it.
class EventHookReceiver : public QAbstractHttpServer
{
    Q_OBJECT

public:
    // Stores one delivery's events; called on this object's thread before the 200 goes out.
    using Sink = std::function<store::AppendResult(const QList<LogEvent>& events)>;

    EventHookReceiver(HookReceiverSettings settings, Sink sink, QObject* parent = nullptr);
    ~EventHookReceiver() override;

    // The bound port, or 0 with `error` set.
    quint16 start(QString* error);
    quint16 port() const { return m_port; }

    struct Counters
    {
        qint64 deliveries = 0;
        qint64 eventsStored = 0;
        qint64 duplicates = 0;
        qint64 rejectedEvents = 0;
        qint64 unauthorized = 0;
        qint64 tooLarge = 0;
        qint64 badRequests = 0; // malformed JSON, wrong content type, wrong method
        qint64 verifications = 0;
    };
    const Counters& counters() const { return m_counters; }

signals:
    void eventsStored(const QList<vigil::okta::LogEvent>& events);
    void statusMessage(const QString& message);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    friend class HookConnectionGuard;
    void reject(const QHttpServerRequest& request, QTcpSocket* socket, int status, const QString& message);
    bool authorized(const QHttpServerRequest& request) const;

    HookReceiverSettings m_settings;
    Sink m_sink;
    QTcpServer* m_server = nullptr;
    quint16 m_port = 0;
    Counters m_counters;
};

} // namespace vigil::okta

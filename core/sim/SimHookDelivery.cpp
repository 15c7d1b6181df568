// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimHookDelivery.h"

#include "core/okta/Timestamp.h"
#include "core/sim/SimLogStore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUuid>

namespace vigil::sim {

SimHookDelivery::SimHookDelivery(SimLogStore* store, std::function<qint64()> simNow, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_simNow(std::move(simNow))
    , m_nam(new QNetworkAccessManager(this))
{
    m_batchTimer.setSingleShot(true);
    // Okta gathers events that happen close together into one request.
    m_batchTimer.setInterval(300);
    connect(&m_batchTimer, &QTimer::timeout, this, &SimHookDelivery::sendNext);
    connect(m_store, &SimLogStore::appended, this, &SimHookDelivery::onAppended);
}

void SimHookDelivery::start(const QUrl& url, const QByteArray& authorization)
{
    m_url = url;
    m_authorization = authorization;
    m_running = true;
    m_verified = false;
    m_queue.clear();
    m_challenge = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    verify(1);
}

void SimHookDelivery::stop()
{
    m_running = false;
    m_batchTimer.stop();
    m_queue.clear();
}

void SimHookDelivery::verify(int attempt)
{
    QNetworkRequest request(m_url);
    request.setRawHeader("x-okta-verification-challenge", m_challenge);
    request.setRawHeader("Authorization", m_authorization);
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_nam->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, attempt] {
        reply->deleteLater();
        if (!m_running) return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        const bool ok =
            status >= 200 && status < 300 && answer.value(u"verification").toString().toUtf8() == m_challenge;
        if (!ok && attempt == 1) { // one retry, as Okta makes
            verify(2);
            return;
        }
        m_verified = ok;
        emit verified(ok);
        if (ok && !m_queue.isEmpty()) m_batchTimer.start();
    });
}

void SimHookDelivery::onAppended(qsizetype first, qsizetype count)
{
    if (!m_running) return;
    for (qsizetype i = first; i < first + count; ++i) {
        if (m_eventTypes.isEmpty() || m_eventTypes.contains(m_store->at(i).eventType)) m_queue.append(i);
    }
    if (m_verified && !m_inFlight && !m_batchTimer.isActive()) m_batchTimer.start();
}

void SimHookDelivery::sendNext()
{
    if (!m_running || !m_verified || m_inFlight || m_queue.isEmpty()) return;
    const qsizetype n = qMin<qsizetype>(m_maxBatch, m_queue.size());
    QByteArray events;
    for (qsizetype k = 0; k < n; ++k) {
        if (k) events += ',';
        events += m_store->at(m_queue.at(k)).json;
    }
    m_queue.remove(0, n);
    const QByteArray eventId = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    // The envelope is written around the stored events, byte for byte as the log API serves them.
    const QByteArray body = "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\","
                            "\"cloudEventsVersion\":\"0.1\",\"source\":\"https://corp.okta.example/api/v1/eventHooks/"
                            "whoSimVigil0000000001\",\"eventId\":\""
                            + eventId + "\",\"eventTime\":\"" + okta::formatTimestampMs(m_simNow()).toUtf8()
                            + "\",\"contentType\":\"application/json\",\"data\":{\"events\":[" + events + "]}}";
    post(body, eventId, int(n), false);
}

void SimHookDelivery::post(const QByteArray& body, const QByteArray& eventId, int events, bool retry)
{
    m_inFlight = true;
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", m_authorization);
    request.setRawHeader("User-Agent", "Okta Event Hooks (vigil-sim)");
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_nam->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, body, eventId, events, retry] {
        reply->deleteLater();
        m_inFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_attempts.append({QDateTime::currentMSecsSinceEpoch(), events, status, retry, eventId});
        if (!m_running) return;
        if (status >= 200 && status < 300) {
            m_delivered += events;
            emit delivered(events, status);
        } else if (!retry && (status == 0 || status >= 500)) {
            post(body, eventId, events, true); // a timeout or server error earns one retry
            return;
        } else {
            m_dropped += events; // Okta logs an event_hook.delivery failure and moves on
            emit dropped(events, status);
        }
        if (!m_queue.isEmpty()) m_batchTimer.start();
    });
}

} // namespace vigil::sim

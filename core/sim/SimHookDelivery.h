// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace vigil::sim {

class SimLogStore;

// Okta Event Hook delivery (reference §4) from the simulated org to a URL: first the one-time
// verification GET with `x-okta-verification-challenge`, which must be answered with
// {"verification": "<challenge>"}; then POSTs of `com.okta.event_hook` envelopes carrying the events
// published since, in batches, with the configured Authorization header. Like Okta: a 3-second
// timeout, one retry after a timeout or a 5xx, none after a 4xx, at least once and never more than
// twice per batch.
class SimHookDelivery final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimHookDelivery)

public:
    struct Attempt
    {
        qint64 wallMs = 0;
        int events = 0;
        int httpStatus = 0; // 0 when no HTTP answer came (timeout, refused)
        bool retry = false;
        QByteArray eventId; // the envelope's eventId: the same on a retry
    };

    SimHookDelivery(SimLogStore* store, std::function<qint64()> simNow, QObject* parent = nullptr);

    // Verifies the endpoint, then delivers every event appended to the store from now on.
    void start(const QUrl& url, const QByteArray& authorization);
    void stop();

    void setBatchDelayMs(int ms) { m_batchTimer.setInterval(ms); }
    void setMaxBatch(int events) { m_maxBatch = qMax(1, events); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    // Only these event types are delivered (a hook subscribes to a list); empty means all.
    void setEventTypes(const QSet<QByteArray>& types) { m_eventTypes = types; }

    bool isVerified() const { return m_verified; }
    const QList<Attempt>& attempts() const { return m_attempts; }
    int eventsDelivered() const { return m_delivered; }
    int eventsDropped() const { return m_dropped; }
    int queued() const { return int(m_queue.size()); }

signals:
    void verified(bool ok);
    void delivered(int events, int httpStatus);
    void dropped(int events, int httpStatus);

private:
    void verify(int attempt);
    void onAppended(qsizetype first, qsizetype count);
    void sendNext();
    void post(const QByteArray& body, const QByteArray& eventId, int events, bool retry);

    SimLogStore* m_store;
    std::function<qint64()> m_simNow;
    QNetworkAccessManager* m_nam;
    QUrl m_url;
    QByteArray m_authorization, m_challenge;
    QSet<QByteArray> m_eventTypes;
    QList<qsizetype> m_queue; // store indexes not yet delivered
    QTimer m_batchTimer;
    QList<Attempt> m_attempts;
    int m_maxBatch = 50;
    int m_timeoutMs = 3000;
    int m_delivered = 0, m_dropped = 0;
    bool m_running = false, m_verified = false, m_inFlight = false;
};

} // namespace vigil::sim

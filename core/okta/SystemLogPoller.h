// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/okta/OktaHttp.h"
#include "core/pipeline/IngestHealth.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace vigil::store {
class EventStore;
}

namespace vigil::okta {

class OktaAuthenticator;

struct PollerSettings
{
    QUrl orgUrl; // validated origin, see validateOrgUrl()
    qint64 backfillMs = 24 * 3600000LL;
    qint64 pollIntervalMs = 10000;
    double rateLimitReserve = 0.2; // share of the limit left for response actions
    int pageLimit = 1000;
    qint64 requestTimeoutMs = 60000; // Okta gives up on a query after 30 s
    qint64 firstBackoffMs = 1000;
    qint64 maxBackoffMs = 5 * 60000;
    QString cursorSource = QStringLiteral("okta-poll");
};

// Follows the System Log as Okta recommends: one polling query (`since`, ASCENDING, no `until`), then
// only the `rel="next"` links. Each page's events and the next link are committed together, so a
// crash or kill neither loses nor repeats an event. Rate limits are respected with a reserve kept for
// the response engine; errors back off; rejected credentials stop it with a clear reason.
//
// Lives on the core thread; the QNetworkAccessManager and the store are injected and outlive it.
class SystemLogPoller : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<qint64()>; // wall clock in ms; tests may replace it

    SystemLogPoller(QNetworkAccessManager& network,
                    store::EventStore& store,
                    OktaAuthenticator& auth,
                    PollerSettings settings,
                    QObject* parent = nullptr);
    ~SystemLogPoller() override;

    void start();
    void stop();
    bool isRunning() const { return m_running; }
    const pipeline::IngestHealth& health() const;
    const PollerSettings& settings() const { return m_settings; }
    void setClock(Clock clock) { m_clock = std::move(clock); }

signals:
    // Events that were new to the store, in the order Okta sent them.
    void eventsStored(const QList<vigil::okta::LogEvent>& events);
    void healthChanged();
    // A state change worth a line in `vigil serve`'s log ("caught up", "rate limited until …").
    void statusMessage(const QString& message);
    // Stopped for good (401/403): a person must fix the credentials.
    void failed(const QString& reason);

private:
    void fetch();
    void onFinished(QNetworkReply* reply);
    void handlePage(QNetworkReply* reply, const QByteArray& body);
    void retryLater(const QString& error, qint64 delayMs);
    void backOff(const QString& error);
    void waitFor(qint64 delayMs);
    void resumeAfterRejectedCursor(const QString& error);
    QUrl initialUrl(qint64 sinceMs) const;
    qint64 now() const { return m_clock(); }
    qint64 jitter(qint64 upToMs) const;
    void setState(pipeline::IngestHealth::State state, const QString& message = {});
    void recordError(const QString& error);
    void updateRates();

    QNetworkAccessManager& m_network;
    store::EventStore& m_store;
    OktaAuthenticator& m_auth;
    PollerSettings m_settings;
    Clock m_clock;
    QTimer m_timer;
    QPointer<QNetworkReply> m_reply;
    QUrl m_url; // what the next request GETs: the stored cursor
    bool m_running = false;
    int m_consecutiveFailures = 0;
    RateLimitInfo m_rate;
    qint64 m_rateSeenAtMs = -1;
    pipeline::IngestHealth m_health;
    pipeline::PerMinuteCounter m_eventRate;
    pipeline::PerMinuteCounter m_requestRate;
    quint64 m_generation = 0; // ignores callbacks from before a stop()
};

} // namespace vigil::okta

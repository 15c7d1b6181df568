// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/SystemLogPoller.h"

#include "core/okta/ApiPayload.h"
#include "core/okta/OktaAuth.h"
#include "core/okta/Timestamp.h"
#include "core/store/EventStore.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QUrlQuery>

#include <cmath>

Q_LOGGING_CATEGORY(lcPoller, "vigil.core.okta.poller")

namespace vigil::okta {

using State = pipeline::IngestHealth::State;

SystemLogPoller::SystemLogPoller(QNetworkAccessManager& network,
                                 store::EventStore& store,
                                 OktaAuthenticator& auth,
                                 PollerSettings settings,
                                 QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_store(store)
    , m_auth(auth)
    , m_settings(std::move(settings))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SystemLogPoller::fetch);
}

SystemLogPoller::~SystemLogPoller()
{
    stop();
}

const pipeline::IngestHealth& SystemLogPoller::health() const
{
    return m_health;
}

QUrl SystemLogPoller::initialUrl(qint64 sinceMs) const
{
    QUrl url = m_settings.orgUrl;
    url.setPath(QStringLiteral("/api/v1/logs"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), formatTimestampMs(sinceMs));
    query.addQueryItem(QStringLiteral("sortOrder"), QStringLiteral("ASCENDING"));
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_settings.pageLimit));
    url.setQuery(query);
    return url;
}

void SystemLogPoller::start()
{
    if (m_running) return;
    m_running = true;
    ++m_generation;
    m_consecutiveFailures = 0;
    setState(State::Starting);
    m_url = {};
    // Resume exactly after what was stored: the cursor is the full `next` link of the last stored page.
    if (const auto cursor = m_store.cursor(m_settings.cursorSource)) {
        const QUrl stored(cursor->position, QUrl::StrictMode);
        const QUrl org = m_settings.orgUrl;
        if (stored.isValid() && stored.scheme() == org.scheme() && stored.host() == org.host()
            && stored.port() == org.port()) {
            m_url = stored;
            emit statusMessage(tr("resuming the System Log from the stored position"));
        } else {
            emit statusMessage(tr("the stored System Log position belongs to another org; reading the last %1 h again")
                                   .arg(m_settings.backfillMs / 3600000.0));
        }
    }
    if (m_url.isEmpty()) m_url = initialUrl(now() - m_settings.backfillMs);
    m_timer.start(0);
}

void SystemLogPoller::stop()
{
    if (!m_running) return;
    m_running = false;
    ++m_generation;
    m_timer.stop();
    if (m_reply) {
        QNetworkReply* reply = m_reply;
        m_reply = nullptr;
        reply->abort();
        reply->deleteLater();
    }
    setState(State::Stopped);
}

qint64 SystemLogPoller::jitter(qint64 upToMs) const
{
    return upToMs > 0 ? qint64(QRandomGenerator::global()->bounded(quint32(std::min<qint64>(upToMs, 1 << 30)))) : 0;
}

void SystemLogPoller::setState(State state, const QString& message)
{
    const bool changed = m_health.state != state;
    m_health.state = state;
    if (!message.isEmpty()) {
        qCInfo(lcPoller).noquote() << message;
        emit statusMessage(message);
    }
    if (changed || !message.isEmpty()) emit healthChanged();
}

void SystemLogPoller::recordError(const QString& error)
{
    m_health.lastError = error;
    m_health.lastErrorAtMs = now();
    qCWarning(lcPoller).noquote() << error;
}

void SystemLogPoller::updateRates()
{
    const qint64 t = now();
    m_health.eventsPerMinute = m_eventRate.perMinute(t);
    m_health.requestsPerMinute = m_requestRate.perMinute(t);
    m_health.lagMs = m_health.newestPublishedMs >= 0 ? std::max<qint64>(0, t - m_health.newestPublishedMs) : -1;
}

void SystemLogPoller::waitFor(qint64 delayMs)
{
    m_health.retryAtMs = now() + delayMs;
    m_timer.start(int(std::clamp<qint64>(delayMs, 0, std::numeric_limits<int>::max())));
}

void SystemLogPoller::fetch()
{
    if (!m_running || m_reply) return;
    // Keep the reserve: once the window's remaining requests reach it, wait for the window to reset.
    if (m_rate.known()) {
        const int reserve = int(std::ceil(m_rate.limit * m_settings.rateLimitReserve));
        const qint64 sinceSeen = now() - m_rateSeenAtMs;
        const qint64 untilReset = m_rate.msUntilReset(now()) - (m_rate.serverDateMs > 0 ? sinceSeen : 0);
        if (m_rate.remaining <= reserve && untilReset > 0) {
            const qint64 delay = untilReset + 250 + jitter(750);
            setState(State::Waiting, tr("keeping %1 of %2 requests for response actions; polling again in %3 s")
                                         .arg(m_rate.remaining)
                                         .arg(m_rate.limit)
                                         .arg((delay + 999) / 1000));
            waitFor(delay);
            return;
        }
        if (untilReset <= 0) m_rate = {}; // a new window: the next reply says where we stand
    }
    const quint64 generation = m_generation;
    m_auth.authorize([this, generation](const QByteArray& authorization, const QString& error) {
        if (generation != m_generation || !m_running) return;
        if (!error.isEmpty()) {
            recordError(error);
            backOff(tr("cannot authenticate to Okta: %1").arg(error));
            return;
        }
        QNetworkRequest request(m_url);
        request.setRawHeader("Authorization", authorization);
        request.setRawHeader("Accept", "application/json");
        request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
        request.setTransferTimeout(int(m_settings.requestTimeoutMs));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        m_requestRate.add(now());
        QNetworkReply* reply = m_network.get(request);
        m_reply = reply;
        connect(reply, &QNetworkReply::finished, this, [this, reply, generation] {
            if (generation != m_generation) {
                reply->deleteLater();
                return;
            }
            onFinished(reply);
        });
    });
}

void SystemLogPoller::onFinished(QNetworkReply* reply)
{
    reply->deleteLater();
    if (m_reply == reply) m_reply = nullptr;
    if (!m_running) return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const RateLimitInfo rate = rateLimitInfo(*reply);
    if (rate.known()) {
        m_rate = rate;
        m_rateSeenAtMs = now();
        m_health.rateLimitLimit = rate.limit;
        m_health.rateLimitRemaining = rate.remaining;
    }
    updateRates();

    if (status == 0 || (reply->error() != QNetworkReply::NoError && status == 200)) {
        backOff(tr("the System Log request failed: %1").arg(reply->errorString()));
        return;
    }
    if (status == 200) {
        handlePage(reply, body);
        return;
    }
    const QString okta = describeOktaError(status, body);
    if (status == 429) {
        // Wait for Okta's window to reset, measured on Okta's clock, plus jitter so that several
        // consoles do not all come back in the same millisecond.
        const qint64 wait = rate.resetEpochSeconds > 0 ? rate.msUntilReset(now()) + 1000 + jitter(1000) : -1;
        ++m_consecutiveFailures;
        recordError(okta);
        if (wait < 0) {
            backOff(tr("rate limited by Okta without a reset time (%1)").arg(okta));
            return;
        }
        setState(State::Waiting,
                 tr("rate limited by Okta (%1); polling again in %2 s").arg(okta).arg((wait + 999) / 1000));
        waitFor(wait);
        return;
    }
    if (status == 401 || status == 403) {
        // Retrying a refused credential only fills Okta's log with failures: stop and say why.
        m_auth.invalidate();
        const QString reason = status == 401
                                   ? tr("Okta rejected the %1 (%2). Polling stopped: renew the credential and restart.")
                                         .arg(m_auth.describe(), okta)
                                   : tr("Okta refused access to the System Log with the %1 (%2). Polling stopped: the "
                                        "credential needs the okta.logs.read scope or a read-only admin role.")
                                         .arg(m_auth.describe(), okta);
        recordError(reason);
        m_running = false;
        m_timer.stop();
        setState(State::Failed, reason);
        emit failed(reason);
        return;
    }
    if (status >= 500 || status == 408) {
        backOff(tr("Okta answered %1").arg(okta));
        return;
    }
    if (status == 400 && QUrlQuery(m_url).hasQueryItem(QStringLiteral("after"))) {
        resumeAfterRejectedCursor(okta);
        return;
    }
    if (status >= 300 && status < 400) {
        backOff(tr("Okta redirected the System Log request (%1); is the org URL right?").arg(okta));
        return;
    }
    // Any other 4xx is a request Okta will never accept: retrying slowly keeps the console visible.
    backOff(tr("Okta refused the System Log request: %1").arg(okta));
}

void SystemLogPoller::handlePage(QNetworkReply* reply, const QByteArray& body)
{
    ApiPayload page = readApiPayload(body, PayloadKind::LogPage, tr("System Log page"));
    if (!page.ok()) {
        // A truncated or garbled page: nothing of it is stored and the same link is fetched again.
        backOff(tr("unusable System Log page: %1").arg(page.error));
        return;
    }
    const std::optional<QUrl> next = nextLink(reply->rawHeaderPairs());
    if (!next) {
        backOff(tr("the System Log page had no rel=\"next\" link; asking again"));
        return;
    }
    const QUrl nextUrl = m_url.resolved(*next);
    for (const Rejection& r : std::as_const(page.rejections)) {
        qCWarning(lcPoller).noquote() << tr("event %1 of a System Log page rejected: %2").arg(r.index).arg(r.detail);
    }
    const store::AppendResult stored = m_store.appendBatch(
        page.events, store::IngestCursor{m_settings.cursorSource, QString::fromUtf8(nextUrl.toEncoded()), now()});
    if (!stored.ok) {
        backOff(tr("could not store a System Log page: %1").arg(stored.error));
        return;
    }
    m_url = nextUrl;
    m_consecutiveFailures = 0;
    QList<LogEvent> fresh;
    fresh.reserve(stored.insertedIndexes.size());
    for (const int i : stored.insertedIndexes)
        fresh.append(page.events.at(i));
    for (const LogEvent& e : std::as_const(page.events))
        m_health.newestPublishedMs = std::max(m_health.newestPublishedMs, e.publishedMs());
    m_health.eventsStored += stored.inserted;
    m_health.duplicates += stored.duplicates;
    m_health.rejected += page.rejections.size();
    m_eventRate.add(now(), stored.inserted);
    updateRates();
    if (!fresh.isEmpty()) emit eventsStored(fresh);

    const qsizetype received = page.events.size() + page.rejections.size();
    if (received < m_settings.pageLimit) {
        if (m_health.state != State::Live)
            setState(State::Live, tr("caught up with the System Log"));
        else
            emit healthChanged();
        waitFor(m_settings.pollIntervalMs);
    } else {
        if (m_health.state != State::CatchingUp)
            setState(State::CatchingUp, tr("catching up with the System Log"));
        else
            emit healthChanged();
        waitFor(0);
    }
}

void SystemLogPoller::backOff(const QString& error)
{
    ++m_consecutiveFailures;
    recordError(error);
    // Exponential with jitter: 1 s, 2 s, 4 s … up to 5 minutes, each between half and all of that.
    const int exponent = std::min(m_consecutiveFailures - 1, 20);
    const qint64 ceiling = std::min(m_settings.maxBackoffMs, m_settings.firstBackoffMs << exponent);
    const qint64 delay = ceiling / 2 + jitter(ceiling / 2 + 1);
    setState(State::Waiting, tr("%1; retrying in %2 s").arg(error).arg(QString::number(delay / 1000.0, 'f', 1)));
    waitFor(delay);
}

void SystemLogPoller::resumeAfterRejectedCursor(const QString& error)
{
    // Okta no longer accepts our `after` cursor (expired, or from another org). Start a new polling
    // query a minute before the newest event we hold; uuid dedupe absorbs the overlap.
    const std::optional<qint64> newest = m_store.newestPublishedMs();
    const qint64 since = newest ? *newest - 60000 : now() - m_settings.backfillMs;
    m_url = initialUrl(since);
    recordError(error);
    const store::AppendResult saved = m_store.appendBatch(
        {}, store::IngestCursor{m_settings.cursorSource, QString::fromUtf8(m_url.toEncoded()), now()});
    if (!saved.ok) qCWarning(lcPoller).noquote() << saved.error;
    setState(State::Starting,
             tr("Okta rejected the stored position (%1); reading again from %2").arg(error, formatTimestampMs(since)));
    waitFor(0);
}

QString SswsAuthenticator::describe() const
{
    return QCoreApplication::translate("Okta", "API token");
}

} // namespace vigil::okta

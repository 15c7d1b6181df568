// SPDX-License-Identifier: GPL-3.0-or-later
// bench_hooks [EVENTS] [--batch N] [--connections N] [--paced-rate EVENTS_PER_S]
//
// Okta Event Hook deliveries through EventHookReceiver into a SqliteEventStore, over real HTTP on
// loopback. The receiver answers only after the events are stored, so the time from a POST's first
// byte sent to its 200 read is "POST to stored". The client runs in its own thread (keep-alive
// connections, each sending its next delivery when the previous one is answered) so it never waits
// on the receiver's event loop. Two phases:
//   saturated: every connection sends back to back: the most the receiver sustains;
//   paced:     deliveries at a fixed rate (default the 5,000 events/s target): latency under load.
// Targets (issue 4): >= 5,000 events/s and p99 <= 100 ms.
#include "core/okta/EventHookReceiver.h"
#include "core/store/SqliteEventStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "support/TestSupport.h"

using namespace vigil;

namespace {

const QByteArray kSecret = "Bearer bench-hook-secret";

QByteArray deliveryBody(test::SyntheticEventGenerator& generator, int events)
{
    QByteArray body = "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\",\"cloudEventsVersion\":"
                      "\"0.1\",\"source\":\"https://bench.okta.com/api/v1/eventHooks/whobench\",\"contentType\":"
                      "\"application/json\",\"data\":{\"events\":[";
    for (int i = 0; i < events; ++i) {
        if (i) body += ',';
        body += generator.next();
    }
    body += "]}}";
    return body;
}

QByteArray httpRequest(const QByteArray& body)
{
    return "POST /okta/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kSecret
           + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nUser-Agent: Okta "
             "Bench\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

struct PhaseResult
{
    qint64 deliveries = 0;
    qint64 failures = 0;
    double seconds = 0;
    std::vector<qint64> latenciesNs;
};

// Sends `requests` over `connections` keep-alive sockets; lives in the client thread.
class HookClient : public QObject
{
public:
    HookClient(quint16 port, const std::vector<QByteArray>& requests, int connections, double deliveriesPerSecond)
        : m_port(port)
        , m_requests(requests)
        , m_connections(connections)
        , m_interval(deliveriesPerSecond > 0 ? 1e9 / deliveriesPerSecond : 0)
        , m_pacer(this)
    {
    }

    PhaseResult run()
    {
        QEventLoop loop;
        m_loop = &loop;
        m_result.latenciesNs.reserve(m_requests.size());
        m_clock.start();
        for (int i = 0; i < m_connections; ++i) {
            auto* c = new Connection;
            c->socket = new QTcpSocket(this);
            c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_all.push_back(c);
            QObject::connect(c->socket, &QTcpSocket::readyRead, this, [this, c] { onReadyRead(*c); });
            QObject::connect(c->socket, &QTcpSocket::errorOccurred, this, [this, c] {
                std::fprintf(stderr, "client socket error: %s\n", qPrintable(c->socket->errorString()));
                ++m_result.failures;
                c->busy = false;
                c->dead = true;
                maybeFinish();
            });
            QObject::connect(c->socket, &QTcpSocket::connected, this, [this, c] { sendNext(*c); });
            c->socket->connectToHost(QHostAddress::LocalHost, m_port);
        }
        if (m_interval > 0) {
            m_pacer.setTimerType(Qt::PreciseTimer);
            m_pacer.setInterval(1);
            QObject::connect(&m_pacer, &QTimer::timeout, this, [this] {
                for (Connection* c : m_all) {
                    if (!c->busy && !c->dead && c->socket->state() == QAbstractSocket::ConnectedState) sendNext(*c);
                }
            });
            m_pacer.start();
        }
        loop.exec();
        m_result.seconds = m_clock.nsecsElapsed() / 1e9;
        for (Connection* c : m_all) {
            c->socket->disconnectFromHost();
            delete c;
        }
        return m_result;
    }

private:
    struct Connection
    {
        QTcpSocket* socket = nullptr;
        QByteArray in;
        qint64 sentAtNs = 0;
        bool busy = false;
        bool dead = false;
    };

    void sendNext(Connection& c)
    {
        if (c.busy || c.dead || m_next >= m_requests.size()) return maybeFinish();
        // Paced: request k may start at k × interval, never earlier.
        if (m_interval > 0 && m_clock.nsecsElapsed() < qint64(m_next * m_interval)) return;
        c.busy = true;
        c.sentAtNs = m_clock.nsecsElapsed();
        c.socket->write(m_requests.at(m_next++));
    }

    void onReadyRead(Connection& c)
    {
        c.in += c.socket->readAll();
        for (;;) {
            const qsizetype end = c.in.indexOf("\r\n\r\n");
            if (end < 0) return;
            qint64 length = 0;
            for (const QByteArray& line : c.in.left(end).split('\n')) {
                if (line.toLower().startsWith("content-length:")) length = line.mid(15).trimmed().toLongLong();
            }
            if (c.in.size() < end + 4 + length) return;
            const bool ok = c.in.startsWith("HTTP/1.1 200") || c.in.startsWith("HTTP/1.1 204");
            if (!ok) {
                ++m_result.failures;
                std::fprintf(stderr, "unexpected answer: %s\n", c.in.left(200).constData());
            }
            c.in.remove(0, end + 4 + length);
            m_result.latenciesNs.push_back(m_clock.nsecsElapsed() - c.sentAtNs);
            ++m_result.deliveries;
            c.busy = false;
            sendNext(c);
        }
    }

    void maybeFinish()
    {
        if (m_result.deliveries + m_result.failures < qint64(m_requests.size())) {
            const bool anyAlive =
                std::any_of(m_all.cbegin(), m_all.cend(), [](const Connection* c) { return !c->dead; });
            if (anyAlive) return;
        }
        m_pacer.stop();
        if (m_loop) m_loop->quit();
    }

    quint16 m_port;
    const std::vector<QByteArray>& m_requests;
    int m_connections;
    double m_interval; // ns between delivery starts when paced
    size_t m_next = 0;
    std::vector<Connection*> m_all;
    QElapsedTimer m_clock;
    QTimer m_pacer;
    QEventLoop* m_loop = nullptr;
    PhaseResult m_result;
};

double percentileMs(std::vector<qint64> v, double p)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v.at(i) / 1e6;
}

int intOption(const QStringList& args, const QString& name, int fallback)
{
    const qsizetype i = args.indexOf(name);
    return i > 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int events = args.size() > 1 && !args.at(1).startsWith(u"--") ? args.at(1).toInt() : 100000;
    const int batch = std::max(1, intOption(args, u"--batch"_qs, 50));
    const int connections = std::max(1, intOption(args, u"--connections"_qs, 4));
    const int pacedRate = intOption(args, u"--paced-rate"_qs, 5000);
    const int pacedEvents = std::max(batch, events / 5);

    // Realistic deliveries, all made before the clock starts: distinct events, ~2 KB each.
    test::SyntheticEventGenerator generator(5000, 42);
    auto make = [&](int total) {
        std::vector<QByteArray> requests;
        for (int made = 0; made < total; made += batch)
            requests.push_back(httpRequest(deliveryBody(generator, std::min(batch, total - made))));
        return requests;
    };
    const std::vector<QByteArray> saturated = make(events);
    const std::vector<QByteArray> paced = make(pacedEvents);
    qint64 bytes = 0;
    for (const QByteArray& r : saturated)
        bytes += r.size();
    std::printf("input: %d + %d events in deliveries of %d (%.0f KB each), %d connections\n", events, pacedEvents,
                batch, bytes / 1024.0 / double(saturated.size()), connections);

    QTemporaryDir dir;
    store::SqliteEventStore db(dir.filePath(QStringLiteral("hooks.sqlite")));
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "cannot open store: %s\n", qPrintable(error));
        return 1;
    }
    okta::HookReceiverSettings settings;
    settings.port = 0;
    settings.secret = kSecret;
    // How long each delivery's store takes, to tell the store's pauses from the HTTP path's.
    std::vector<qint64> storeNs;
    okta::EventHookReceiver receiver(settings, [&db, &storeNs](const QList<okta::LogEvent>& batchEvents) {
        QElapsedTimer t;
        t.start();
        store::AppendResult r = db.appendBatch(batchEvents);
        storeNs.push_back(t.nsecsElapsed());
        return r;
    });
    const quint16 port = receiver.start(&error);
    if (port == 0) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }

    bool failed = false;
    auto phase = [&](const char* name, const std::vector<QByteArray>& requests, double deliveriesPerSecond,
                     qint64 expectedEvents) {
        const qint64 storedBefore = db.eventCount();
        storeNs.clear();
        PhaseResult result;
        QThread client;
        client.start();
        HookClient* worker = new HookClient(port, requests, connections, deliveriesPerSecond);
        worker->moveToThread(&client);
        QEventLoop receiverLoop; // the receiver works here while the client thread sends
        QMetaObject::invokeMethod(worker, [&, worker] {
            result = worker->run();
            delete worker;
            QMetaObject::invokeMethod(&receiverLoop, [&] { receiverLoop.quit(); });
        });
        receiverLoop.exec();
        client.quit();
        client.wait();
        const qint64 stored = db.eventCount() - storedBefore;
        const double rate = stored / result.seconds;
        const double p50 = percentileMs(result.latenciesNs, 0.50);
        const double p99 = percentileMs(result.latenciesNs, 0.99);
        const double max = percentileMs(result.latenciesNs, 1.0);
        if (deliveriesPerSecond > 0) {
            std::printf("%-9s  %lld events stored in %.2f s = %.0f events/s (offered %.0f events/s)\n", name,
                        static_cast<long long>(stored), result.seconds, rate, deliveriesPerSecond * batch);
        } else {
            std::printf("%-9s  %lld events stored in %.2f s = %.0f events/s  [target >= 5000: %s]\n", name,
                        static_cast<long long>(stored), result.seconds, rate, rate >= 5000 ? "met" : "MISSED");
        }
        std::printf("           %lld deliveries, POST to stored: p50 %.1f ms, p99 %.1f ms, max %.1f ms  "
                    "[target p99 <= 100 ms: %s]\n",
                    static_cast<long long>(result.deliveries), p50, p99, max, p99 <= 100 ? "met" : "MISSED");
        std::printf("           store per delivery: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                    percentileMs(storeNs, 0.50), percentileMs(storeNs, 0.99), percentileMs(storeNs, 1.0));
        if (result.failures > 0 || stored != expectedEvents) {
            std::fprintf(stderr, "%s: %lld failures, %lld of %lld events stored\n", name,
                         static_cast<long long>(result.failures), static_cast<long long>(stored),
                         static_cast<long long>(expectedEvents));
            failed = true;
        }
    };
    phase("saturated", saturated, 0, events);
    phase("paced", paced, double(pacedRate) / batch, pacedEvents);
    std::printf("store: %lld events, %.1f MB on disk\n", static_cast<long long>(db.eventCount()),
                db.sizeOnDisk() / 1e6);
    return failed ? 1 : 0;
}

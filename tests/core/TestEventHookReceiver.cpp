// SPDX-License-Identifier: GPL-3.0-or-later
// The Event Hook receiver over real HTTP on loopback: Okta's verification handshake, each refusal
// (secret, content type, size, malformed JSON), storing and dedupe, and a thousand deliveries at once.
#include "core/okta/EventHookReceiver.h"
#include "core/okta/Timestamp.h"
#include "core/store/SqliteEventStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

using namespace vigil;

namespace {

const QByteArray kSecret = "Bearer hook-secret-for-tests";

QJsonObject event(const QString& uuid, qint64 atMs)
{
    return QJsonObject{{u"uuid"_qs, uuid},
                       {u"published"_qs, okta::formatTimestampMs(atMs)},
                       {u"eventType"_qs, u"user.session.start"_qs},
                       {u"actor"_qs, QJsonObject{{u"alternateId"_qs, u"ann@example.com"_qs}, {u"type"_qs, u"User"_qs}}},
                       {u"outcome"_qs, QJsonObject{{u"result"_qs, u"SUCCESS"_qs}}},
                       {u"client"_qs, QJsonObject{{u"ipAddress"_qs, u"198.51.100.7"_qs}}}};
}

QByteArray delivery(const QStringList& uuids)
{
    QJsonArray events;
    qint64 t = 1767261600000;
    for (const QString& u : uuids)
        events.append(event(u, t += 1000));
    return QJsonDocument(QJsonObject{{u"eventType"_qs, u"com.okta.event_hook"_qs},
                                     {u"eventTypeVersion"_qs, u"1.0"_qs},
                                     {u"cloudEventsVersion"_qs, u"0.1"_qs},
                                     {u"contentType"_qs, u"application/json"_qs},
                                     {u"data"_qs, QJsonObject{{u"events"_qs, events}}}})
        .toJson(QJsonDocument::Compact);
}

struct Reply
{
    int status = 0;
    QByteArray body;
};

} // namespace

class TestEventHookReceiver : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<store::SqliteEventStore> m_store;
    std::unique_ptr<okta::EventHookReceiver> m_receiver;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;

    QUrl url(const QString& path = u"/okta/hooks"_qs) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }

    Reply send(QNetworkReply* reply)
    {
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) done.wait(10000);
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return r;
    }

    Reply post(const QByteArray& body,
               const QByteArray& authorization = kSecret,
               const QByteArray& contentType = "application/json")
    {
        QNetworkRequest request(url());
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        if (!authorization.isEmpty()) request.setRawHeader("Authorization", authorization);
        return send(m_network.post(request, body));
    }

    // Raw HTTP, for what QNetworkAccessManager will not send (a huge declared length, chunked bodies).
    QByteArray rawExchange(const QByteArray& head, const QByteArray& body, qint64 bodyRepeat = 1)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(5000)) return {};
        socket.write(head);
        QByteArray answer;
        for (qint64 i = 0; i < bodyRepeat && socket.state() == QAbstractSocket::ConnectedState; ++i) {
            socket.write(body);
            while (socket.bytesToWrite() > 0 && socket.state() == QAbstractSocket::ConnectedState) {
                // Client and receiver share this thread: let the receiver run between writes.
                QCoreApplication::processEvents();
                socket.waitForBytesWritten(20);
                answer += socket.readAll();
            }
            answer += socket.readAll();
            if (!answer.isEmpty()) break; // refused early: stop sending, as a real client would
        }
        QElapsedTimer t;
        t.start();
        while (!answer.contains("\r\n\r\n") && t.elapsed() < 5000) {
            QCoreApplication::processEvents();
            if (socket.waitForReadyRead(50)) answer += socket.readAll();
        }
        return answer;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<store::SqliteEventStore>(m_dir.filePath(u"hooks.sqlite"_qs));
        QString error;
        QVERIFY2(m_store->open(&error), qPrintable(error));
        okta::HookReceiverSettings settings;
        settings.port = 0;
        settings.secret = kSecret;
        m_receiver = std::make_unique<okta::EventHookReceiver>(
            settings, [this](const QList<okta::LogEvent>& events) { return m_store->appendBatch(events); });
        m_port = m_receiver->start(&error);
        QVERIFY2(m_port > 0, qPrintable(error));
    }

    void verificationHandshake()
    {
        QNetworkRequest request(url());
        request.setRawHeader("x-okta-verification-challenge", "R5wr9vUO0BVa4UkSSDNh");
        const Reply r = send(m_network.get(request));
        QCOMPARE(r.status, 200);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(u"verification").toString(),
                 u"R5wr9vUO0BVa4UkSSDNh"_qs);
        // A GET without the challenge is not a verification.
        QCOMPARE(send(m_network.get(QNetworkRequest(url()))).status, 400);
    }

    void deliveryIsStoredOnceAndAnsweredOk()
    {
        QSignalSpy stored(m_receiver.get(), &okta::EventHookReceiver::eventsStored);
        const qint64 before = m_store->eventCount();
        const QByteArray body = delivery({u"hook-1"_qs, u"hook-2"_qs, u"hook-3"_qs});
        QCOMPARE(post(body).status, 200);
        QCOMPARE(m_store->eventCount(), before + 3);
        QVERIFY(m_store->contains("hook-2"));
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.first().first().value<QList<okta::LogEvent>>().size(), 3);
        // Okta retries and delivers at least once: the same delivery again changes nothing.
        QCOMPARE(post(body).status, 200);
        QCOMPARE(m_store->eventCount(), before + 3);
        QCOMPARE(stored.size(), 1); // no new events, no signal
        QVERIFY(m_receiver->counters().duplicates >= 3);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        const QByteArray good = delivery({u"never-stored"_qs});
        QTest::newRow("no-secret") << good << QByteArray() << QByteArray("application/json") << 401;
        QTest::newRow("wrong-secret") << good << QByteArray("Bearer guess") << QByteArray("application/json") << 401;
        QTest::newRow("secret-prefix") << good << kSecret.left(kSecret.size() - 1) << QByteArray("application/json")
                                       << 401;
        QTest::newRow("form-encoded") << good << kSecret << QByteArray("application/x-www-form-urlencoded") << 415;
        QTest::newRow("text") << good << kSecret << QByteArray("text/plain") << 415;
        QTest::newRow("malformed-json") << good.left(good.size() / 2) << kSecret << QByteArray("application/json")
                                        << 400;
        QTest::newRow("no-events") << QByteArray("{\"data\":{}}") << kSecret << QByteArray("application/json") << 400;
        QTest::newRow("array") << QByteArray("[1,2]") << kSecret << QByteArray("application/json") << 400;
    }

    void refusals()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, authorization);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        const Reply r = post(body, authorization, contentType);
        QCOMPARE(r.status, status);
        QVERIFY(!m_store->contains("never-stored"));
        // The refusal says why, and never echoes the secret.
        QVERIFY(!r.body.contains("hook-secret"));
    }

    void charsetParameterIsFine()
    {
        QCOMPARE(post(delivery({u"charset-1"_qs}), kSecret, "application/json; charset=utf-8").status, 200);
        QVERIFY(m_store->contains("charset-1"));
    }

    void oversizedBodyIsRefusedBeforeItIsRead()
    {
        // 64 MiB announced and streamed: the receiver answers 413 after the headers and keeps nothing.
        const qint64 tooLargeBefore = m_receiver->counters().tooLarge;
        const QByteArray chunk(1024 * 1024, 'x');
        const QByteArray head = "POST /okta/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kSecret
                                + "\r\nContent-Type: application/json\r\nContent-Length: "
                                + QByteArray::number(64 * chunk.size()) + "\r\n\r\n";
        const QByteArray answer = rawExchange(head, chunk, 64);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        QCOMPARE(m_receiver->counters().tooLarge, tooLargeBefore + 1);

        // Just over the limit through an ordinary client, too.
        QByteArray big = delivery({u"big-1"_qs});
        big.insert(big.size() - 1, ",\"padding\":\"" + QByteArray(1024 * 1024, 'p') + "\"");
        QCOMPARE(post(big).status, 413);
        QVERIFY(!m_store->contains("big-1"));
    }

    void chunkedBodyNeedsALength()
    {
        const QByteArray head = "POST /okta/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kSecret
                                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        const QByteArray answer = rawExchange(head, "5\r\nhello\r\n0\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 411"), answer.left(200).constData());
    }

    void keepAliveConnectionCarriesSeveralDeliveries()
    {
        // Two deliveries back to back on one connection: the guard must find the second request's start.
        const QByteArray first = delivery({u"ka-1"_qs});
        const QByteArray second = delivery({u"ka-2"_qs});
        auto request = [](const QByteArray& body) {
            return "POST /okta/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kSecret
                   + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                   + "\r\n\r\n" + body;
        };
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected(5000));
        socket.write(request(first) + request(second));
        QByteArray answer;
        QElapsedTimer t;
        t.start();
        while (answer.count("HTTP/1.1 200") < 2 && t.elapsed() < 5000) {
            QCoreApplication::processEvents();
            if (socket.waitForReadyRead(50)) answer += socket.readAll();
        }
        QCOMPARE(answer.count("HTTP/1.1 200"), 2);
        QVERIFY(m_store->contains("ka-1"));
        QVERIFY(m_store->contains("ka-2"));
    }

    void thousandConcurrentDeliveries()
    {
#if defined(Q_OS_UNIX)
        // Two thousand sockets (both ends) need more than the common soft limit of 1,024 descriptors.
        rlimit limit{};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 4096) {
            limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
            setrlimit(RLIMIT_NOFILE, &limit);
        }
#endif
        constexpr int kClients = 1000;
        const qint64 before = m_store->eventCount();
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        QList<QByteArray> answers(kClients);
        for (int i = 0; i < kClients; ++i) {
            // Every tenth delivery repeats an earlier one, as Okta's retries would.
            const int id = i % 10 == 9 ? i - 1 : i;
            const QByteArray body =
                delivery({QStringLiteral("burst-%1-a").arg(id), QStringLiteral("burst-%1-b").arg(id)});
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket* s = socket.get();
            connect(s, &QTcpSocket::readyRead, this, [s, &answers, i] { answers[i] += s->readAll(); });
            connect(s, &QTcpSocket::connected, this, [s, body] {
                s->write("POST /okta/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kSecret
                         + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                         + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            });
            s->connectToHost(QHostAddress::LocalHost, m_port);
            sockets.push_back(std::move(socket));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(answers.cbegin(), answers.cend(), [](const QByteArray& a) { return a.contains("\r\n\r\n"); }),
            60000);
        const int ok = int(std::count_if(answers.cbegin(), answers.cend(),
                                         [](const QByteArray& a) { return a.startsWith("HTTP/1.1 200"); }));
        QCOMPARE(ok, kClients);
        QCOMPARE(m_store->eventCount(), before + 2 * (kClients - kClients / 10));
    }
};

QTEST_GUILESS_MAIN(TestEventHookReceiver)
#include "TestEventHookReceiver.moc"

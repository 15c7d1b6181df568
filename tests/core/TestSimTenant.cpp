// SPDX-License-Identifier: GPL-3.0-or-later
// The simulated Okta tenant over real HTTP on loopback: System Log paging, cursors, filters, rate
// limits and faults; the Users, Factors and Groups calls; PagerDuty; Event Hook delivery.
#include "core/okta/EventParser.h"
#include "core/okta/Timestamp.h"
#include "core/sim/SimHookDelivery.h"
#include "core/sim/SimServer.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

using namespace vigil;
using namespace vigil::sim;

namespace {

// 2026-03-10T12:00:00Z, a Tuesday: people are at work in Europe and America.
constexpr qint64 kStart = 1773144000000;
constexpr qint64 kHour = 3600 * 1000;

struct Http
{
    int status = 0;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    qint64 elapsedMs = 0;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
        }
        return {};
    }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    // rel → URL from the Link header(s), whether sent apart or folded into one.
    QHash<QString, QString> links() const
    {
        QHash<QString, QString> out;
        static const QRegularExpression re(QStringLiteral("<([^>]*)>\\s*;\\s*rel=\"(\\w+)\""));
        for (const auto& [k, v] : headers) {
            if (k.compare("link", Qt::CaseInsensitive) != 0) continue;
            auto it = re.globalMatch(QString::fromUtf8(v));
            while (it.hasNext()) {
                const auto m = it.next();
                out.insert(m.captured(2), m.captured(1));
            }
        }
        return out;
    }
};

QString quoted(const QString& s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

} // namespace

class TestSimTenant : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SimServer> m_sim;
    QNetworkAccessManager m_nam;

    SimOptions options(int users = 60)
    {
        SimOptions o;
        o.seed = 7;
        o.users = users;
        o.startMs = kStart;
        o.historyMs = 6 * kHour;
        o.manualClock = true;
        o.slowReplyMs = 400;
        o.burstMs = 600;
        return o;
    }

    void start(const SimOptions& o)
    {
        m_sim = std::make_unique<SimServer>(o);
        QVERIFY(m_sim->listen(QHostAddress::LocalHost, 0) > 0);
        // Most tests page a lot; the rate-limit test sets its own limit.
        m_sim->setRateLimits(100000, 100000, 60000);
    }

    QUrl url(const QString& pathAndQuery) const { return QUrl(m_sim->baseUrl().toString() + pathAndQuery); }

    Http request(const QByteArray& verb,
                 const QUrl& target,
                 const QByteArray& body = {},
                 const QByteArray& authorization = "SSWS sim-okta-api-token",
                 const QByteArray& contentType = "application/json")
    {
        QNetworkRequest req(target);
        if (!authorization.isEmpty()) req.setRawHeader("Authorization", authorization);
        req.setRawHeader("Accept", "application/json");
        req.setRawHeader("User-Agent", "TestSimTenant/1.0");
        if (!body.isEmpty() || verb == "POST" || verb == "PUT")
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QElapsedTimer timer;
        timer.start();
        QNetworkReply* reply = m_nam.sendCustomRequest(req, verb, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
        Http out;
        out.elapsedMs = timer.elapsed();
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.headers = reply->rawHeaderPairs();
        out.body = reply->readAll();
        out.error = reply->error();
        reply->deleteLater();
        return out;
    }

    Http get(const QString& pathAndQuery) { return request("GET", url(pathAndQuery)); }

    // Follows `next` from `first` until a page comes back empty; every uuid, in order.
    QStringList drain(const QString& first, QString* lastNext = nullptr, int* pages = nullptr)
    {
        QStringList uuids;
        QUrl next = url(first);
        for (int page = 0; page < 1000; ++page) {
            const Http r = request("GET", next);
            if (r.status != 200) {
                qWarning() << "status" << r.status << r.body;
                return uuids;
            }
            const QJsonArray events = r.array();
            for (const QJsonValue& e : events)
                uuids.append(e.toObject().value(QStringLiteral("uuid")).toString());
            const QString n = r.links().value(QStringLiteral("next"));
            if (lastNext) *lastNext = n;
            if (pages) *pages = page + 1;
            if (events.isEmpty() || n.isEmpty()) break;
            next = QUrl(n);
        }
        return uuids;
    }

    QStringList visibleSince(qint64 sinceMs) const
    {
        QStringList out;
        for (qsizetype i = m_sim->log().lowerBound(sinceMs); i < m_sim->log().size(); ++i)
            out.append(QString::fromLatin1(m_sim->log().at(i).uuid));
        return out;
    }

    static QString since(qint64 ms) { return QString::fromUtf8(QUrl::toPercentEncoding(okta::formatTimestampMs(ms))); }

    static QString enc(const QString& s) { return QString::fromUtf8(QUrl::toPercentEncoding(s)); }

private slots:
    void init() { start(options()); }
    void cleanup() { m_sim.reset(); }

    void orgIsBelievableAndDeterministic()
    {
        SimOrg& org = m_sim->org();
        QCOMPARE(org.users().size(), 60);
        QSet<QString> ids;
        for (const SimUser& u : org.users()) {
            QCOMPARE(u.id.size(), 20);
            QVERIFY(u.id.startsWith(QStringLiteral("00u")));
            QVERIFY(u.login.endsWith(QStringLiteral("@corp.example")));
            QVERIFY(!u.department.isEmpty());
            if (!u.serviceAccount) {
                QCOMPARE(u.factors.size(), 1);
                QVERIFY(u.factors.first().id.startsWith(QStringLiteral("opf")));
            }
            ids.insert(u.id);
        }
        QCOMPARE(ids.size(), 60);
        QVERIFY(org.group(org.stepUpGroupId()));
        QVERIFY(m_sim->log().size() > 50); // six hours of history
        // The same seed gives the same org and the same log.
        SimServer twin(options());
        QCOMPARE(twin.log().uuids(), m_sim->log().uuids());
        QCOMPARE(twin.org().users().last().login, org.users().last().login);
    }

    void everyServedEventParses()
    {
        okta::EventParser parser;
        for (qsizetype i = 0; i < m_sim->log().size(); ++i) {
            const QByteArray json = m_sim->log().at(i).json;
            okta::LogEvent event;
            okta::ParseError error;
            QVERIFY2(parser.parse(std::string_view(json.constData(), size_t(json.size())), event, error),
                     qPrintable(error.detail));
            QCOMPARE(QByteArray(event.uuid().data(), qsizetype(event.uuid().size())), m_sim->log().at(i).uuid);
            QCOMPARE(event.publishedMs(), m_sim->log().at(i).publishedMs);
            QVERIFY(event.publishedMs() <= kStart);
            if (i > 0) QVERIFY(event.publishedMs() >= m_sim->log().at(i - 1).publishedMs);
        }
        // Sign-ins carry Okta's risk forms.
        bool sawBehaviors = false;
        for (qsizetype i = 0; i < m_sim->log().size() && !sawBehaviors; ++i) {
            const QByteArray json = m_sim->log().at(i).json;
            if (m_sim->log().at(i).eventType != "user.session.start" || !json.contains("behaviors")) continue;
            okta::LogEvent event;
            okta::ParseError error;
            QVERIFY(parser.parse(std::string_view(json.constData(), size_t(json.size())), event, error));
            QVERIFY(event.behaviorsEvaluated() != 0);
            QVERIFY(event.riskLevel() != okta::OktaRiskLevel::None);
            QVERIFY(!event.str(okta::LogEvent::Str::DeviceFingerprint).empty());
            QVERIFY(!event.str(okta::LogEvent::Str::ExternalSessionId).empty());
            sawBehaviors = true;
        }
        QVERIFY(sawBehaviors);
    }

    void logsPageWithLimitAndTwoLinkHeaders()
    {
        const Http r = get(QStringLiteral("/api/v1/logs?limit=7&since=") + since(kStart - 6 * kHour));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.array().size(), 7);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        QVERIFY(!r.header("Date").isEmpty());
        const auto links = r.links();
        QVERIFY(links.value(QStringLiteral("self")).contains(QStringLiteral("limit=7")));
        QVERIFY(links.value(QStringLiteral("next")).contains(QStringLiteral("after=")));
        QVERIFY(!links.value(QStringLiteral("next")).contains(QStringLiteral("since=")));
        QCOMPARE(r.array().at(0).toObject().value(QStringLiteral("uuid")).toString(), visibleSince(0).first());

        // On the wire: two separate Link header lines, as Okta sends them.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_sim->port());
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write("GET /api/v1/logs?limit=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: SSWS "
                     "sim-okta-api-token\r\nConnection: close\r\n\r\n");
        // The server runs on this thread: wait with the event loop turning, never with waitFor*().
        QByteArray raw;
        QTRY_VERIFY_WITH_TIMEOUT((raw += socket.readAll()).contains("\r\n\r\n["), 5000);
        const QByteArray head = raw.left(raw.indexOf("\r\n\r\n"));
        QCOMPARE(head.count("\r\nLink: <"), 2);
        QVERIFY(head.contains("; rel=\"self\""));
        QVERIFY(head.contains("; rel=\"next\""));
        // A default limit of 100.
        QCOMPARE(get(QStringLiteral("/api/v1/logs?since=") + since(kStart - 6 * kHour)).array().size(), 100);
        QCOMPARE(get(QStringLiteral("/api/v1/logs?limit=1001")).status, 400);
    }

    void followingNextGivesEveryEventExactlyOnce()
    {
        const qint64 from = kStart - 6 * kHour;
        QString next;
        int pages = 0;
        QStringList got = drain(QStringLiteral("/api/v1/logs?limit=37&since=") + since(from), &next, &pages);
        QVERIFY(pages > 2);
        QCOMPARE(got, visibleSince(from));
        QVERIFY(!next.isEmpty()); // polling: a next link even on the empty page

        // Time passes; the same next link gives exactly the new events, then nothing.
        m_sim->clock().advance(2 * kHour);
        m_sim->triggerAttack(SimAttack::PasswordSpray);
        m_sim->clock().advance(kHour);
        const qsizetype before = m_sim->log().size();
        m_sim->pump();
        QVERIFY(m_sim->log().size() > before);
        const QUrl resume(next);
        QStringList more = drain(resume.path() + QLatin1Char('?') + resume.query(QUrl::FullyEncoded), &next);
        got += more;
        QCOMPARE(got, visibleSince(from));
        QCOMPARE(QSet<QString>(got.cbegin(), got.cend()).size(), got.size());
        QCOMPARE(m_sim->servedUuids(), got);
        // Only events published by sim now are visible.
        for (qsizetype i = 0; i < m_sim->log().size(); ++i)
            QVERIFY(m_sim->log().at(i).publishedMs <= m_sim->clock().nowMs());
    }

    void boundedAndDescendingQueries()
    {
        const qint64 lo = kStart - 4 * kHour, hi = kStart - 2 * kHour;
        QStringList expected;
        for (qsizetype i = 0; i < m_sim->log().size(); ++i) {
            const qint64 p = m_sim->log().at(i).publishedMs;
            if (p >= lo && p < hi) expected.append(QString::fromLatin1(m_sim->log().at(i).uuid));
        }
        QVERIFY(expected.size() > 10);
        QString next = QStringLiteral("x");
        const QStringList asc = drain(
            QStringLiteral("/api/v1/logs?limit=10&since=") + since(lo) + QStringLiteral("&until=") + since(hi), &next);
        QCOMPARE(asc, expected);
        QVERIFY(next.isEmpty()); // a bounded query ends
        const QStringList desc = drain(QStringLiteral("/api/v1/logs?limit=10&sortOrder=DESCENDING&since=") + since(lo)
                                           + QStringLiteral("&until=") + since(hi),
                                       &next);
        QStringList reversed(expected.crbegin(), expected.crend());
        QCOMPARE(desc, reversed);
        QVERIFY(next.isEmpty());
        QCOMPARE(get(QStringLiteral("/api/v1/logs?since=yesterday")).status, 400);
        QCOMPARE(
            get(QStringLiteral("/api/v1/logs?since=yesterday")).object().value(QStringLiteral("errorCode")).toString(),
            QStringLiteral("E0000001"));
        QCOMPARE(get(QStringLiteral("/api/v1/logs?sortOrder=SIDEWAYS")).status, 400);
        QCOMPARE(get(QStringLiteral("/api/v1/logs?since=") + since(kStart - 200 * 24 * kHour))
                     .object()
                     .value(QStringLiteral("errorCode"))
                     .toString(),
                 QStringLiteral("E0000053"));
    }

    void filterAndKeywords()
    {
        const QString from = since(kStart - 6 * kHour);
        const QStringList starts =
            drain(QStringLiteral("/api/v1/logs?limit=1000&since=") + from + QStringLiteral("&filter=")
                  + enc(QStringLiteral("eventType eq ") + quoted(QStringLiteral("user.session.start"))));
        QStringList expected;
        for (qsizetype i = 0; i < m_sim->log().size(); ++i) {
            if (m_sim->log().at(i).eventType == "user.session.start")
                expected.append(QString::fromLatin1(m_sim->log().at(i).uuid));
        }
        QVERIFY(!expected.isEmpty());
        QCOMPARE(starts, expected);

        const QByteArray actor = m_sim->log().at(0).actorId;
        const QString actorFilter =
            QStringLiteral("actor.id eq ") + quoted(QString::fromLatin1(actor))
            + QStringLiteral(" and (eventType eq \"user.authentication.sso\" or eventType eq \"user.session.start\")");
        const QJsonArray mine =
            get(QStringLiteral("/api/v1/logs?limit=1000&since=") + from + QStringLiteral("&filter=") + enc(actorFilter))
                .array();
        QVERIFY(!mine.isEmpty());
        for (const QJsonValue& v : mine) {
            const QJsonObject e = v.toObject();
            QCOMPARE(e.value(QStringLiteral("actor")).toObject().value(QStringLiteral("id")).toString(),
                     QString::fromLatin1(actor));
            const QString type = e.value(QStringLiteral("eventType")).toString();
            QVERIFY(type == QStringLiteral("user.authentication.sso") || type == QStringLiteral("user.session.start"));
        }
        // Nested fields and other operators.
        const QJsonArray failures =
            get(QStringLiteral("/api/v1/logs?limit=1000&since=") + from + QStringLiteral("&filter=")
                + enc(QStringLiteral("outcome.result eq \"FAILURE\" and eventType sw \"user.session\"")))
                .array();
        for (const QJsonValue& v : failures)
            QCOMPARE(
                v.toObject().value(QStringLiteral("outcome")).toObject().value(QStringLiteral("result")).toString(),
                QStringLiteral("FAILURE"));

        const Http bad = get(QStringLiteral("/api/v1/logs?filter=") + enc(QStringLiteral("eventType eqq \"x\"")));
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000053"));
        const Http published =
            get(QStringLiteral("/api/v1/logs?filter=") + enc(QStringLiteral("published gt \"2026-01-01T00:00:00Z\"")));
        QCOMPARE(published.status, 400);

        const QString login = m_sim->org().users().at(5).login;
        const QJsonArray hits =
            get(QStringLiteral("/api/v1/logs?limit=1000&since=") + from + QStringLiteral("&q=") + enc(login.toUpper()))
                .array();
        for (const QJsonValue& v : hits)
            QVERIFY(QJsonDocument(v.toObject()).toJson().contains(login.toUtf8()));
        QCOMPARE(get(QStringLiteral("/api/v1/logs?q=") + QString(41, QLatin1Char('a'))).status, 400);
    }

    void wrongTokenIs401()
    {
        for (const QByteArray& auth :
             {QByteArray("SSWS wrong"), QByteArray(), QByteArray("Bearer sim-okta-api-token")}) {
            const Http r = request("GET", url(QStringLiteral("/api/v1/logs")), {}, auth);
            QCOMPARE(r.status, 401);
            const QJsonObject e = r.object();
            QCOMPARE(e.value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000011"));
            QVERIFY(e.contains(QStringLiteral("errorSummary")) && e.contains(QStringLiteral("errorLink"))
                    && e.contains(QStringLiteral("errorId")) && e.contains(QStringLiteral("errorCauses")));
        }
        QCOMPARE(request("GET", url(QStringLiteral("/api/v1/users/x")), {}, "SSWS nope").status, 401);
    }

    void rateLimitHeadersAnd429()
    {
        m_sim->setRateLimits(5, 100, 1500);
        for (int i = 0; i < 5; ++i) {
            const Http r = get(QStringLiteral("/api/v1/logs?limit=1"));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("X-Rate-Limit-Limit"), QByteArray("5"));
            QCOMPARE(r.header("X-Rate-Limit-Remaining").toInt(), 4 - i);
            const qint64 reset = r.header("X-Rate-Limit-Reset").toLongLong();
            const qint64 nowS = QDateTime::currentSecsSinceEpoch();
            QVERIFY(reset >= nowS && reset <= nowS + 3);
        }
        const Http limited = get(QStringLiteral("/api/v1/logs?limit=1"));
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000047"));
        QCOMPARE(limited.header("X-Rate-Limit-Remaining"), QByteArray("0"));
        QVERIFY(!limited.header("Date").isEmpty());
        // The management bucket is separate.
        QCOMPARE(get(QStringLiteral("/api/v1/users/") + m_sim->org().users().at(3).id).status, 200);
        // Okta logs the violation.
        bool logged = false;
        for (qsizetype i = 0; i < m_sim->log().size(); ++i)
            logged = logged || m_sim->log().at(i).eventType == "system.org.rate_limit.violation";
        QVERIFY(logged);
        // The window ends when Reset says.
        const qint64 resetMs = limited.header("X-Rate-Limit-Reset").toLongLong() * 1000;
        QTest::qWait(int(qMax<qint64>(0, resetMs - QDateTime::currentMSecsSinceEpoch()) + 50));
        QCOMPARE(get(QStringLiteral("/api/v1/logs?limit=1")).status, 200);
        // The request log shows what a client saw.
        int okCount = 0, refused = 0;
        for (const SimRequestRecord& rec : m_sim->requests()) {
            if (rec.bucket != QStringLiteral("logs")) continue;
            okCount += rec.status == 200;
            refused += rec.status == 429;
            QCOMPARE(rec.limit, 5);
        }
        QCOMPARE(okCount, 6);
        QCOMPARE(refused, 1);
    }

    void faultsAreInjected()
    {
        const QString first = QStringLiteral("/api/v1/logs?limit=5&since=") + since(kStart - 6 * kHour);
        m_sim->faults().force(SimFault::ServerError);
        Http r = get(first);
        QCOMPARE(r.status, 500);
        QCOMPARE(r.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000009"));

        m_sim->faults().force(SimFault::RateLimitBurst);
        r = get(first);
        QCOMPARE(r.status, 429);
        QCOMPARE(get(first).status, 429); // the burst lasts
        QTest::qWait(700);
        QCOMPARE(get(first).status, 200);

        m_sim->faults().force(SimFault::Slow);
        r = get(first);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.elapsedMs >= 350, qPrintable(QString::number(r.elapsedMs)));
        QCOMPARE(r.array().size(), 5);

        m_sim->faults().force(SimFault::Truncated);
        r = get(first);
        QCOMPARE(r.status, 200);
        QJsonParseError parseError;
        QJsonDocument::fromJson(r.body, &parseError);
        QVERIFY(parseError.error != QJsonParseError::NoError);
        QVERIFY(r.body.startsWith("[{"));

        // A truncated page is not counted as served.
        const QStringList servedBefore = m_sim->servedUuids();
        r = get(first);
        const QUrl next(r.links().value(QStringLiteral("next")));
        m_sim->faults().force(SimFault::ExpiredCursor);
        r = request("GET", next);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000001"));
        QVERIFY(r.object().value(QStringLiteral("errorSummary")).toString().contains(QStringLiteral("after")));
        QCOMPARE(request("GET", next).status, 200); // the fault was one request; the cursor itself is fine
        // A cursor the server never issued is rejected the same way.
        QCOMPARE(get(QStringLiteral("/api/v1/logs?after=123_456789")).status, 400);

        // The --faults syntax: probabilities and request numbers, seeded.
        SimFaults plan(3);
        QString error;
        QVERIFY(plan.parse(QStringLiteral("500@2@4,slow=0"), error));
        QVERIFY(!plan.decide(1, false));
        QCOMPARE(plan.decide(2, false), std::optional<SimFault>(SimFault::ServerError));
        QVERIFY(!plan.decide(3, false));
        QVERIFY(!plan.parse(QStringLiteral("teapot"), error));
        QVERIFY(error.contains(QStringLiteral("teapot")));
        SimFaults always(3);
        QVERIFY(always.parse(QStringLiteral("truncated=1"), error));
        for (int i = 1; i < 20; ++i)
            QCOMPARE(always.decide(i, false), std::optional<SimFault>(SimFault::Truncated));
    }

    void attacksAppearInTheLog_data()
    {
        QTest::addColumn<int>("attack");
        QTest::addColumn<QString>("eventType");
        QTest::addColumn<int>("atLeast");
        QTest::newRow("brute_force") << int(SimAttack::BruteForce) << QStringLiteral("user.account.lock") << 1;
        QTest::newRow("password_spray") << int(SimAttack::PasswordSpray) << QStringLiteral("user.session.start") << 20;
        QTest::newRow("mfa_fatigue") << int(SimAttack::MfaFatigue)
                                     << QStringLiteral("system.push.send_factor_verify_push") << 7;
        QTest::newRow("impossible_travel")
            << int(SimAttack::ImpossibleTravel) << QStringLiteral("user.session.start") << 2;
        QTest::newRow("session_hijack") << int(SimAttack::SessionHijack)
                                        << QStringLiteral("user.session.context.change") << 1;
        QTest::newRow("threat_insight") << int(SimAttack::ThreatInsight) << QStringLiteral("security.threat.detected")
                                        << 1;
        QTest::newRow("factor_reset") << int(SimAttack::FactorReset) << QStringLiteral("user.mfa.factor.reset_all")
                                      << 1;
        QTest::newRow("privilege_grant") << int(SimAttack::PrivilegeGrant)
                                         << QStringLiteral("user.account.privilege.grant") << 1;
    }

    void attacksAppearInTheLog()
    {
        QFETCH(int, attack);
        QFETCH(QString, eventType);
        QFETCH(int, atLeast);
        const qsizetype before = m_sim->log().size();
        const SimAttackInfo info = m_sim->triggerAttack(SimAttack(attack), {}, 60000);
        QVERIFY(!info.uuids.isEmpty());
        QVERIFY(!info.attackerIp.isEmpty());
        // Nothing shows before its time.
        for (const QString& u : info.uuids)
            QVERIFY(!m_sim->log().contains(u.toLatin1()));
        m_sim->clock().set(info.endMs + 1);
        // The client sees it over HTTP, and every event parses.
        const QStringList seen = drain(QStringLiteral("/api/v1/logs?limit=1000&since=") + since(kStart));
        QVERIFY(m_sim->log().size() > before);
        okta::EventParser parser;
        int matching = 0;
        QSet<QString> attackUuids(info.uuids.cbegin(), info.uuids.cend());
        for (qsizetype i = 0; i < m_sim->log().size(); ++i) {
            const SimStoredEvent& e = m_sim->log().at(i);
            if (!attackUuids.contains(QString::fromLatin1(e.uuid))) continue;
            QVERIFY(seen.contains(QString::fromLatin1(e.uuid)));
            okta::LogEvent event;
            okta::ParseError error;
            QVERIFY2(parser.parse(std::string_view(e.json.constData(), size_t(e.json.size())), event, error),
                     qPrintable(error.detail));
            if (e.eventType == eventType.toLatin1()) ++matching;
        }
        for (const QString& u : info.uuids)
            QVERIFY2(m_sim->log().contains(u.toLatin1()), qPrintable(u));
        QVERIFY2(matching >= atLeast, qPrintable(QString::number(matching)));
        if (SimAttack(attack) == SimAttack::BruteForce) {
            const Http user = get(QStringLiteral("/api/v1/users/") + info.victimId);
            QCOMPARE(user.object().value(QStringLiteral("status")).toString(), QStringLiteral("LOCKED_OUT"));
        }
    }

    void usersGetSuspendUnsuspend()
    {
        const SimUser& someone = m_sim->org().users().at(9);
        Http r = get(QStringLiteral("/api/v1/users/") + someone.id);
        QCOMPARE(r.status, 200);
        QJsonObject u = r.object();
        QCOMPARE(u.value(QStringLiteral("id")).toString(), someone.id);
        const QJsonObject profile = u.value(QStringLiteral("profile")).toObject();
        QCOMPARE(profile.value(QStringLiteral("login")).toString(), someone.login);
        QCOMPARE(profile.value(QStringLiteral("department")).toString(), someone.department);
        QVERIFY(!profile.value(QStringLiteral("title")).toString().isEmpty());
        QCOMPARE(profile.value(QStringLiteral("managerId")).toString(), someone.managerId);
        QVERIFY(!profile.value(QStringLiteral("manager")).toString().isEmpty());
        QVERIFY(!profile.value(QStringLiteral("timezone")).toString().isEmpty());
        // By login too.
        QCOMPARE(
            get(QStringLiteral("/api/v1/users/") + enc(someone.login)).object().value(QStringLiteral("id")).toString(),
            someone.id);

        const QString status = u.value(QStringLiteral("status")).toString();
        QCOMPARE(status, QStringLiteral("ACTIVE"));
        const QUrl suspend = url(QStringLiteral("/api/v1/users/") + someone.id + QStringLiteral("/lifecycle/suspend"));
        QCOMPARE(request("POST", suspend).status, 200);
        QCOMPARE(get(QStringLiteral("/api/v1/users/") + someone.id).object().value(QStringLiteral("status")).toString(),
                 QStringLiteral("SUSPENDED"));
        r = request("POST", suspend);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000001"));
        const QUrl unsuspend =
            url(QStringLiteral("/api/v1/users/") + someone.id + QStringLiteral("/lifecycle/unsuspend"));
        QCOMPARE(request("POST", unsuspend).status, 200);
        QCOMPARE(request("POST", unsuspend).status, 400);
        QCOMPARE(get(QStringLiteral("/api/v1/users/") + someone.id).object().value(QStringLiteral("status")).toString(),
                 QStringLiteral("ACTIVE"));

        r = request("DELETE",
                    url(QStringLiteral("/api/v1/users/") + someone.id + QStringLiteral("/sessions?oauthTokens=true")));
        QCOMPARE(r.status, 204);

        r = get(QStringLiteral("/api/v1/users/00uNOBODY00000000000"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("E0000007"));

        // The log reflects the actions, attributed to the API token.
        QStringList types;
        const QStringList polled =
            drain(QStringLiteral("/api/v1/logs?limit=1000&since=") + since(kStart) + QStringLiteral("&filter=")
                  + enc(QStringLiteral("target.id eq ") + quoted(someone.id)));
        for (qsizetype i = 0; i < m_sim->log().size(); ++i) {
            const SimStoredEvent& e = m_sim->log().at(i);
            if (polled.contains(QString::fromLatin1(e.uuid))) types.append(QString::fromLatin1(e.eventType));
        }
        QCOMPARE(types,
                 (QStringList{QStringLiteral("user.lifecycle.suspend"), QStringLiteral("user.lifecycle.unsuspend"),
                              QStringLiteral("user.session.clear")}));
        QVERIFY(m_sim->log().at(m_sim->log().size() - 1).json.contains("requestApiTokenId"));
    }

    void pushVerifyIsPolledToAFinalState()
    {
        const SimUser& someone = m_sim->org().users().at(11);
        const QJsonArray factors =
            get(QStringLiteral("/api/v1/users/") + someone.id + QStringLiteral("/factors")).array();
        QCOMPARE(factors.size(), 1);
        const QJsonObject push = factors.first().toObject();
        QCOMPARE(push.value(QStringLiteral("factorType")).toString(), QStringLiteral("push"));
        const QString fid = push.value(QStringLiteral("id")).toString();
        QVERIFY(fid.startsWith(QStringLiteral("opf")));

        const auto verify = [&](const SimUser& who, const QString& factor) {
            return request("POST", url(QStringLiteral("/api/v1/users/") + who.id + QStringLiteral("/factors/") + factor
                                       + QStringLiteral("/verify")));
        };
        Http r = verify(someone, fid);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.object().value(QStringLiteral("factorResult")).toString(), QStringLiteral("WAITING"));
        const QString poll = r.object()
                                 .value(QStringLiteral("_links"))
                                 .toObject()
                                 .value(QStringLiteral("poll"))
                                 .toObject()
                                 .value(QStringLiteral("href"))
                                 .toString();
        QVERIFY(poll.contains(QStringLiteral("/transactions/")));
        QCOMPARE(request("GET", QUrl(poll)).object().value(QStringLiteral("factorResult")).toString(),
                 QStringLiteral("WAITING"));
        m_sim->clock().advance(m_sim->options().pushAnswerDelayMs);
        QCOMPARE(request("GET", QUrl(poll)).object().value(QStringLiteral("factorResult")).toString(),
                 QStringLiteral("SUCCESS"));

        // An attack's victim rejects a push they did not start.
        const SimAttackInfo attack = m_sim->triggerAttack(SimAttack::MfaFatigue);
        const SimUser& victim = *m_sim->org().user(attack.victimId);
        r = verify(victim, victim.factors.first().id);
        const QString poll2 = r.object()
                                  .value(QStringLiteral("_links"))
                                  .toObject()
                                  .value(QStringLiteral("poll"))
                                  .toObject()
                                  .value(QStringLiteral("href"))
                                  .toString();
        m_sim->clock().advance(m_sim->options().pushAnswerDelayMs);
        QCOMPARE(request("GET", QUrl(poll2)).object().value(QStringLiteral("factorResult")).toString(),
                 QStringLiteral("REJECTED"));

        // Nobody answers: the transaction times out.
        const SimUser& away = m_sim->org().users().at(12);
        m_sim->setPushAnswer(away.id, SimPushAnswer::Ignore);
        r = verify(away, away.factors.first().id);
        const QString poll3 = r.object()
                                  .value(QStringLiteral("_links"))
                                  .toObject()
                                  .value(QStringLiteral("poll"))
                                  .toObject()
                                  .value(QStringLiteral("href"))
                                  .toString();
        m_sim->clock().advance(m_sim->options().pushAnswerDelayMs);
        QCOMPARE(request("GET", QUrl(poll3)).object().value(QStringLiteral("factorResult")).toString(),
                 QStringLiteral("WAITING"));
        m_sim->clock().advance(m_sim->options().pushLifetimeMs);
        QCOMPARE(request("GET", QUrl(poll3)).object().value(QStringLiteral("factorResult")).toString(),
                 QStringLiteral("TIMEOUT"));

        QCOMPARE(verify(someone, QStringLiteral("opfNOPE0000000000000")).status, 404);
        // The pushes and answers are in the log.
        m_sim->pump();
        int sent = 0, approved = 0, denied = 0;
        for (qsizetype i = 0; i < m_sim->log().size(); ++i) {
            const SimStoredEvent& e = m_sim->log().at(i);
            if (!e.json.contains("requestApiTokenId") && e.actorId != someone.id.toLatin1()
                && e.actorId != victim.id.toLatin1())
                continue;
            if (e.eventType == "system.push.send_factor_verify_push" && e.json.contains("requestApiTokenId")) ++sent;
            if (e.eventType == "user.authentication.auth_via_mfa" && e.actorId == someone.id.toLatin1()
                && e.publishedMs > kStart)
                ++approved;
            if (e.eventType == "user.mfa.okta_verify.deny_push" && e.actorId == victim.id.toLatin1()) ++denied;
        }
        QCOMPARE(sent, 3);
        QVERIFY(approved >= 1);
        QCOMPARE(denied, 1);
    }

    void groupsPut()
    {
        SimOrg& org = m_sim->org();
        const SimUser& someone = org.users().at(14);
        const QString gid = org.stepUpGroupId();
        const QUrl put = url(QStringLiteral("/api/v1/groups/") + gid + QStringLiteral("/users/") + someone.id);
        QCOMPARE(request("PUT", put).status, 204);
        QVERIFY(org.group(gid)->members.contains(someone.id));
        QCOMPARE(request("PUT", put).status, 204); // idempotent
        QCOMPARE(org.group(gid)->members.count(someone.id), 1);
        QCOMPARE(m_sim->log().at(m_sim->log().size() - 1).eventType, QByteArray("group.user_membership.add"));
        QCOMPARE(request("PUT", url(QStringLiteral("/api/v1/groups/00gNOPE00000000000000/users/") + someone.id)).status,
                 404);
        QString appGroup;
        for (const SimGroup& g : org.groups()) {
            if (g.type == QStringLiteral("APP_GROUP")) appGroup = g.id;
        }
        QCOMPARE(
            request("PUT", url(QStringLiteral("/api/v1/groups/") + appGroup + QStringLiteral("/users/") + someone.id))
                .status,
            403);
        const QJsonArray found = get(QStringLiteral("/api/v1/groups?q=Step")).array();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().toObject().value(QStringLiteral("id")).toString(), gid);
    }

    void pagerDutyEventsAndIncidents()
    {
        const QString key = m_sim->options().routingKey;
        const auto enqueue = [&](const QJsonObject& body) {
            return request("POST", url(QStringLiteral("/v2/enqueue")),
                           QJsonDocument(body).toJson(QJsonDocument::Compact), {});
        };
        const QJsonObject payload{
            {QStringLiteral("summary"), QStringLiteral("Account takeover risk 91 for ann@corp.example")},
            {QStringLiteral("source"), QStringLiteral("vigil")},
            {QStringLiteral("severity"), QStringLiteral("critical")}};
        Http r = enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                     {QStringLiteral("event_action"), QStringLiteral("trigger")},
                                     {QStringLiteral("dedup_key"), QStringLiteral("alert-1")},
                                     {QStringLiteral("payload"), payload}});
        QCOMPARE(r.status, 202);
        QCOMPARE(r.object().value(QStringLiteral("status")).toString(), QStringLiteral("success"));
        QCOMPARE(r.object().value(QStringLiteral("message")).toString(), QStringLiteral("Event processed"));
        QCOMPARE(r.object().value(QStringLiteral("dedup_key")).toString(), QStringLiteral("alert-1"));
        // Without a dedup_key PagerDuty makes one up.
        r = enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                {QStringLiteral("event_action"), QStringLiteral("trigger")},
                                {QStringLiteral("payload"), payload}});
        QCOMPARE(r.status, 202);
        QVERIFY(!r.object().value(QStringLiteral("dedup_key")).toString().isEmpty());
        // Invalid events.
        QCOMPARE(enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                     {QStringLiteral("event_action"), QStringLiteral("trigger")}})
                     .status,
                 400);
        QCOMPARE(enqueue(QJsonObject{{QStringLiteral("routing_key"), QString(32, QLatin1Char('x'))},
                                     {QStringLiteral("event_action"), QStringLiteral("trigger")},
                                     {QStringLiteral("payload"), payload}})
                     .status,
                 400);
        QCOMPARE(enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                     {QStringLiteral("event_action"), QStringLiteral("escalate")},
                                     {QStringLiteral("payload"), payload}})
                     .status,
                 400);
        QCOMPARE(enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                     {QStringLiteral("event_action"), QStringLiteral("resolve")}})
                     .status,
                 400);
        QCOMPARE(request("POST", url(QStringLiteral("/v2/enqueue")), "{not json", {}).status, 400);

        const QByteArray token = "Token token=sim-pagerduty-api-token";
        QCOMPARE(request("GET", url(QStringLiteral("/incidents")), {}, "Token token=wrong").status, 401);
        r = request("GET", url(QStringLiteral("/incidents?incident_key=alert-1")), {}, token);
        QCOMPARE(r.status, 200);
        QJsonArray incidents = r.object().value(QStringLiteral("incidents")).toArray();
        QCOMPARE(incidents.size(), 1);
        QCOMPARE(incidents.first().toObject().value(QStringLiteral("status")).toString(), QStringLiteral("triggered"));

        // Someone acknowledges it in PagerDuty.
        QVERIFY(m_sim->pagerDuty().acknowledge(QStringLiteral("alert-1"), m_sim->clock().nowMs()));
        incidents = request("GET", url(QStringLiteral("/incidents?incident_key=alert-1")), {}, token)
                        .object()
                        .value(QStringLiteral("incidents"))
                        .toArray();
        QCOMPARE(incidents.first().toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("acknowledged"));
        QCOMPARE(incidents.first().toObject().value(QStringLiteral("acknowledgements")).toArray().size(), 1);

        r = enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                {QStringLiteral("event_action"), QStringLiteral("resolve")},
                                {QStringLiteral("dedup_key"), QStringLiteral("alert-1")}});
        QCOMPARE(r.status, 202);
        r = request("GET", url(QStringLiteral("/incidents?statuses%5B%5D=resolved")), {}, token);
        incidents = r.object().value(QStringLiteral("incidents")).toArray();
        QCOMPARE(incidents.size(), 1);
        QCOMPARE(incidents.first().toObject().value(QStringLiteral("incident_key")).toString(),
                 QStringLiteral("alert-1"));
        r = request("GET", url(QStringLiteral("/incidents?statuses[]=triggered&statuses[]=acknowledged")), {}, token);
        QCOMPARE(r.object().value(QStringLiteral("incidents")).toArray().size(), 1);
        // An acknowledge through the Events API, too.
        r = enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                {QStringLiteral("event_action"), QStringLiteral("trigger")},
                                {QStringLiteral("dedup_key"), QStringLiteral("alert-2")},
                                {QStringLiteral("payload"), payload}});
        r = enqueue(QJsonObject{{QStringLiteral("routing_key"), key},
                                {QStringLiteral("event_action"), QStringLiteral("acknowledge")},
                                {QStringLiteral("dedup_key"), QStringLiteral("alert-2")}});
        QCOMPARE(r.status, 202);
        QCOMPARE(m_sim->pagerDuty().incident(QStringLiteral("alert-2"))->status, QStringLiteral("acknowledged"));
    }

    void hookDeliveryWithVerification()
    {
        QHttpServer receiver;
        QList<QJsonObject> envelopes;
        QList<QByteArray> authorizations;
        QByteArray challenge;
        receiver.route(QStringLiteral("/hook"), QHttpServerRequest::Method::Get, [&](const QHttpServerRequest& req) {
            challenge = req.value("x-okta-verification-challenge");
            return QHttpServerResponse(QJsonObject{{QStringLiteral("verification"), QString::fromUtf8(challenge)}});
        });
        receiver.route(QStringLiteral("/hook"), QHttpServerRequest::Method::Post, [&](const QHttpServerRequest& req) {
            envelopes.append(QJsonDocument::fromJson(req.body()).object());
            authorizations.append(req.value("Authorization"));
            return QHttpServerResponse(QHttpServerResponse::StatusCode::Ok);
        });
        const quint16 port = receiver.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port > 0);
        SimHookDelivery* hook =
            m_sim->startHookDelivery(QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(port)), "secret-xyz");
        QTRY_VERIFY(hook->isVerified());
        QVERIFY(!challenge.isEmpty());

        const qsizetype first = m_sim->log().size();
        m_sim->triggerAttack(SimAttack::BruteForce);
        m_sim->clock().advance(kHour);
        m_sim->pump();
        const qsizetype published = m_sim->log().size() - first;
        QVERIFY(published > 10);
        QTRY_COMPARE_WITH_TIMEOUT(hook->eventsDelivered(), int(published), 10000);
        QStringList delivered;
        for (const QJsonObject& env : std::as_const(envelopes)) {
            QCOMPARE(env.value(QStringLiteral("eventType")).toString(), QStringLiteral("com.okta.event_hook"));
            QVERIFY(!env.value(QStringLiteral("eventId")).toString().isEmpty());
            const QJsonArray events =
                env.value(QStringLiteral("data")).toObject().value(QStringLiteral("events")).toArray();
            for (const QJsonValue& e : events)
                delivered.append(e.toObject().value(QStringLiteral("uuid")).toString());
        }
        for (const QByteArray& a : std::as_const(authorizations))
            QCOMPARE(a, QByteArray("secret-xyz"));
        QCOMPARE(delivered, m_sim->log().uuids().mid(first));
    }

    void speedAcceleratesTime()
    {
        SimClock clock(kStart, 100.0);
        QTest::qWait(50);
        QVERIFY(clock.nowMs() >= kStart + 4000);
        clock.setSpeed(1.0);
        const qint64 t = clock.nowMs();
        clock.advance(kHour);
        QVERIFY(clock.nowMs() >= t + kHour);
        clock.set(kStart);
        QCOMPARE(clock.nowMs(), kStart);
        QCOMPARE(clock.mode(), SimClock::Mode::Manual);
    }
};

QTEST_GUILESS_MAIN(TestSimTenant)
#include "TestSimTenant.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// The OAuth 2.0 service app authenticator (client credentials, private_key_jwt, RS256) against the
// simulated tenant's token endpoint over real HTTP: the System Log poller runs on its tokens, one
// token serves many calls and concurrent callers, it is renewed before it expires, a wrong key is
// refused clearly without a storm of token requests, the simulator checks assertions as Okta does,
// and no token, assertion or key ever reaches the log.
#include "core/okta/OktaOAuth.h"
#include "core/okta/SystemLogPoller.h"
#include "core/sim/SimServer.h"
#include "core/store/SqliteEventStore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "support/RsaTestKey.h"

using namespace vigil;
using State = pipeline::IngestHealth::State;

namespace {

constexpr qint64 kMinute = 60000;

using test::generateRsaKey;
using KeyPair = test::RsaKeyPair;

// Every message any part of the process logs, to prove secrets stay out of it.
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(QString::fromLatin1(context.category ? context.category : "") + u": "_qs + message);
    }
    if (g_previousHandler) g_previousHandler(type, context, message);
}

sim::SimOptions simOptions(const QByteArray& publicKeyPem)
{
    sim::SimOptions o;
    o.seed = 11;
    o.users = 60;
    o.historyMs = 24 * 60 * kMinute;
    o.manualClock = true;
    o.startMs = QDateTime::currentMSecsSinceEpoch();
    o.oauthPublicKeyPem = publicKeyPem;
    return o;
}

okta::PollerSettings pollerSettings(const sim::SimServer& sim)
{
    okta::PollerSettings s;
    s.orgUrl = sim.baseUrl();
    s.pageLimit = 100;
    s.pollIntervalMs = 100;
    s.firstBackoffMs = 40;
    s.maxBackoffMs = 400;
    s.requestTimeoutMs = 5000;
    return s;
}

int requestsTo(const sim::SimServer& sim, const QString& path, int status = -1)
{
    int n = 0;
    for (const sim::SimRequestRecord& r : sim.requests()) {
        if (r.path == path && (status < 0 || r.status == status)) ++n;
    }
    return n;
}

struct Answer
{
    bool done = false;
    QByteArray authorization;
    QString error;
};

} // namespace

class TestOktaOAuth : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_serial = 0;
    KeyPair m_key, m_otherKey;
    QNetworkAccessManager m_network;
    QList<QByteArray> m_secrets; // every token seen, checked against the log at the end

    okta::OAuthServiceAppSettings appSettings(const sim::SimServer& sim, const QByteArray& privatePem)
    {
        okta::OAuthServiceAppSettings s;
        s.orgUrl = sim.baseUrl();
        s.clientId = sim.options().oauthClientId;
        s.privateKeyPem = privatePem;
        s.requestTimeoutMs = 5000;
        return s;
    }

    // authorize() to completion; remembers the token so the final test can look for it in the log.
    Answer authorizeNow(okta::OktaAuthenticator& auth)
    {
        auto answer = std::make_shared<Answer>();
        auth.authorize([answer](const QByteArray& authorization, const QString& error) {
            answer->done = true;
            answer->authorization = authorization;
            answer->error = error;
        });
        QElapsedTimer t;
        t.start();
        while (!answer->done && t.elapsed() < 10000)
            QTest::qWait(5);
        if (!answer->authorization.isEmpty()) m_secrets.append(answer->authorization.mid(7));
        return *answer;
    }

    struct HttpReply
    {
        int status = 0;
        QByteArray body, wwwAuthenticate;
    };

    HttpReply fetch(QNetworkReply* reply)
    {
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) done.wait(10000);
        HttpReply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
                    reply->rawHeader("WWW-Authenticate")};
        reply->deleteLater();
        return r;
    }

    HttpReply get(const QUrl& url, const QByteArray& authorization)
    {
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", authorization);
        return fetch(m_network.get(request));
    }

    HttpReply postForm(const QUrl& url, const QByteArray& form)
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        return fetch(m_network.post(request, form));
    }

    static bool pollUntilComplete(okta::SystemLogPoller& poller, store::SqliteEventStore& db, sim::SimServer& sim)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            QTest::qWait(20);
            if (poller.health().state == State::Live && db.eventCount() == sim.log().size()) return true;
        }
        qWarning().noquote() << "not complete:" << db.eventCount() << "of" << sim.log().size()
                             << poller.health().summary();
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QLoggingCategory::setFilterRules(u"vigil.*=true"_qs);
        g_previousHandler = qInstallMessageHandler(captureMessage);
        m_key = generateRsaKey();
        m_otherKey = generateRsaKey();
        QVERIFY(m_key.privatePem.contains("PRIVATE KEY"));
        QVERIFY(m_key.publicPem.contains("PUBLIC KEY"));
        QVERIFY(m_otherKey.publicPem != m_key.publicPem);
    }

    void pollerRunsOnOneCachedToken()
    {
        sim::SimServer sim(simOptions(m_key.publicPem));
        QVERIFY(sim.listen() > 0);
        store::SqliteEventStore db(m_dir.filePath(QStringLiteral("oauth-%1.sqlite").arg(++m_serial)));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        okta::OAuthServiceAppAuthenticator auth(m_network, appSettings(sim, m_key.privatePem));
        QCOMPARE(auth.describe(), u"OAuth service app 0oasimserviceapp0001"_qs);
        QCOMPARE(auth.tokenUrl().toString(), sim.baseUrl().toString() + u"/oauth2/v1/token"_qs);
        okta::SystemLogPoller poller(m_network, db, auth, pollerSettings(sim));
        poller.start();
        QVERIFY(pollUntilComplete(poller, db, sim));
        QVERIFY2(sim.log().size() > 300, qPrintable(QString::number(sim.log().size()))); // several pages

        // More traffic, more polls: still the one token.
        sim.clock().advance(10 * kMinute);
        sim.triggerAttack(sim::SimAttack::PasswordSpray);
        sim.clock().advance(5 * kMinute);
        sim.pump();
        QVERIFY(pollUntilComplete(poller, db, sim));
        QTest::qWait(300); // a few caught-up polls on top
        const int logCalls = requestsTo(sim, u"/api/v1/logs"_qs);
        QVERIFY2(logCalls >= 5, qPrintable(QString::number(logCalls)));
        QCOMPARE(requestsTo(sim, u"/api/v1/logs"_qs, 200), logCalls);
        QCOMPARE(requestsTo(sim, u"/oauth2/v1/token"_qs), 1);
        QCOMPARE(sim.oauthTokensIssued(), 1);
        QCOMPARE(auth.tokenRequests(), 1);
        QCOMPARE(auth.grantedScopes(), QStringList{u"okta.logs.read"_qs});
        QCOMPARE(poller.health().duplicates, 0);
        m_secrets.append(authorizeNow(auth).authorization.mid(7));
    }

    void concurrentCallersShareOneTokenRequest()
    {
        sim::SimServer sim(simOptions(m_key.publicPem));
        QVERIFY(sim.listen() > 0);
        okta::OAuthServiceAppAuthenticator auth(m_network, appSettings(sim, m_key.privatePem));
        QList<Answer> answers(6);
        for (Answer& a : answers) {
            auth.authorize([&a](const QByteArray& authorization, const QString& error) {
                a.done = true;
                a.authorization = authorization;
                a.error = error;
            });
        }
        QCOMPARE(auth.tokenRequests(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(answers.cbegin(), answers.cend(), [](const Answer& a) { return a.done; }),
                                 10000);
        for (const Answer& a : std::as_const(answers)) {
            QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
            QVERIFY(a.authorization.startsWith("Bearer "));
            QCOMPARE(a.authorization, answers.first().authorization);
        }
        m_secrets.append(answers.first().authorization.mid(7));
        // Cached: the next caller is answered at once, without a request.
        bool immediate = false;
        auth.authorize([&](const QByteArray& authorization, const QString&) {
            immediate = authorization == answers.first().authorization;
        });
        QVERIFY(immediate);
        QCOMPARE(requestsTo(sim, u"/oauth2/v1/token"_qs), 1);

        // The token works on the API; invalidate() (after a 401) makes the next call fetch a new one.
        QUrl logs = sim.baseUrl();
        logs.setPath(u"/api/v1/logs"_qs);
        QCOMPARE(get(logs, answers.first().authorization).status, 200);
        auth.invalidate();
        const Answer fresh = authorizeNow(auth);
        QVERIFY2(fresh.error.isEmpty(), qPrintable(fresh.error));
        QVERIFY(fresh.authorization != answers.first().authorization);
        QCOMPARE(requestsTo(sim, u"/oauth2/v1/token"_qs), 2);
    }

    void tokenIsRenewedBeforeItExpires()
    {
        sim::SimOptions options = simOptions(m_key.publicPem);
        options.oauthTokenLifetimeSeconds = 2; // used for 1 s: the margin is at most half the lifetime
        sim::SimServer sim(options);
        QVERIFY(sim.listen() > 0);
        store::SqliteEventStore db(m_dir.filePath(QStringLiteral("oauth-%1.sqlite").arg(++m_serial)));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        okta::OAuthServiceAppAuthenticator auth(m_network, appSettings(sim, m_key.privatePem));
        const Answer first = authorizeNow(auth);
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));

        okta::SystemLogPoller poller(m_network, db, auth, pollerSettings(sim));
        poller.start();
        QVERIFY(pollUntilComplete(poller, db, sim));
        QTest::qWait(3500);
        QCOMPARE(poller.health().state, State::Live);
        const int tokens = requestsTo(sim, u"/oauth2/v1/token"_qs);
        QVERIFY2(tokens >= 3 && tokens <= 6, qPrintable(QString::number(tokens)));
        // Renewed in time: Okta never saw an expired token from the poller.
        QCOMPARE(requestsTo(sim, u"/api/v1/logs"_qs, 401), 0);

        // The simulator does expire tokens, and says so as Okta does.
        QUrl logs = sim.baseUrl();
        logs.setPath(u"/api/v1/logs"_qs);
        const HttpReply expired = get(logs, first.authorization);
        QCOMPARE(expired.status, 401);
        QVERIFY2(expired.wwwAuthenticate.contains("invalid_token"), expired.wwwAuthenticate.constData());
        QVERIFY(QJsonDocument::fromJson(expired.body).object().value(u"errorCode").toString() == u"E0000011");
        const Answer now = authorizeNow(auth);
        QVERIFY(now.authorization != first.authorization);
        QCOMPARE(get(logs, now.authorization).status, 200);
        poller.stop();
    }

    void wrongKeyIsRefusedClearlyWithoutAStorm()
    {
        sim::SimServer sim(simOptions(m_key.publicPem));
        QVERIFY(sim.listen() > 0);
        store::SqliteEventStore db(m_dir.filePath(QStringLiteral("oauth-%1.sqlite").arg(++m_serial)));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        okta::OAuthServiceAppAuthenticator auth(m_network, appSettings(sim, m_otherKey.privatePem));
        QSignalSpy status(&auth, &okta::OAuthServiceAppAuthenticator::statusMessage);
        const Answer refused = authorizeNow(auth);
        QVERIFY(refused.authorization.isEmpty());
        QVERIFY2(refused.error.contains(u"invalid_client"), qPrintable(refused.error));
        QVERIFY2(refused.error.contains(u"signature"), qPrintable(refused.error));
        QVERIFY2(refused.error.contains(u"0oasimserviceapp0001"), qPrintable(refused.error));
        QCOMPARE(status.size(), 1);

        // The poller keeps asking (with back-off) but the refusal is held: Okta hears nothing more.
        okta::SystemLogPoller poller(m_network, db, auth, pollerSettings(sim));
        poller.start();
        QTest::qWait(2000);
        QVERIFY2(poller.health().lastError.contains(u"invalid_client"), qPrintable(poller.health().lastError));
        QCOMPARE(requestsTo(sim, u"/oauth2/v1/token"_qs), 1);
        QCOMPARE(requestsTo(sim, u"/api/v1/logs"_qs), 0);
        QCOMPARE(db.eventCount(), 0);
        poller.stop();

        // The same with a refused scope: a clear invalid_scope.
        okta::OAuthServiceAppSettings settings = appSettings(sim, m_key.privatePem);
        settings.scopes = QStringList{u"okta.logs.read"_qs, u"okta.apps.manage"_qs};
        okta::OAuthServiceAppAuthenticator greedy(m_network, settings);
        const Answer scope = authorizeNow(greedy);
        QVERIFY2(scope.error.contains(u"invalid_scope"), qPrintable(scope.error));
        QVERIFY2(scope.error.contains(u"okta.apps.manage"), qPrintable(scope.error));
    }

    void unusableKeyFailsWithoutARequest()
    {
        sim::SimServer sim(simOptions(m_key.publicPem));
        QVERIFY(sim.listen() > 0);
        okta::OAuthServiceAppAuthenticator garbage(m_network, appSettings(sim, "not a key"));
        const Answer a = authorizeNow(garbage);
        QVERIFY2(a.error.contains(u"private key"), qPrintable(a.error));
        okta::OAuthServiceAppAuthenticator publicOnly(m_network, appSettings(sim, m_key.publicPem));
        QVERIFY(!authorizeNow(publicOnly).error.isEmpty());
        QCOMPARE(requestsTo(sim, u"/oauth2/v1/token"_qs), 0);
    }

    void tokenScopesLimitTheApi()
    {
        sim::SimServer sim(simOptions(m_key.publicPem));
        QVERIFY(sim.listen() > 0);
        okta::OAuthServiceAppSettings settings = appSettings(sim, m_key.privatePem);
        settings.scopes = QStringList{u"okta.users.read"_qs};
        okta::OAuthServiceAppAuthenticator auth(m_network, settings);
        const Answer a = authorizeNow(auth);
        QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
        QUrl logs = sim.baseUrl();
        logs.setPath(u"/api/v1/logs"_qs);
        const HttpReply forbidden = get(logs, a.authorization);
        QCOMPARE(forbidden.status, 403);
        QVERIFY(forbidden.wwwAuthenticate.contains("insufficient_scope"));
        QUrl user = sim.baseUrl();
        user.setPath(u"/api/v1/users/"_qs + sim.org().users().first().id);
        QCOMPARE(get(user, a.authorization).status, 200);
        // SSWS still works beside OAuth, and a made-up bearer token does not.
        QCOMPARE(get(logs, "SSWS " + sim.options().token.toUtf8()).status, 200);
        QCOMPARE(get(logs, "Bearer sim-at.madeup").status, 401);
    }

    // The token endpoint checks each part of the assertion as Okta does.
    void assertionChecks_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("valid") << QString() << 200 << QString();
        QTest::newRow("wrong-aud") << "aud" << 401 << "invalid_client";
        QTest::newRow("expired") << "expired" << 401 << "invalid_client";
        QTest::newRow("exp-over-an-hour") << "far-exp" << 401 << "invalid_client";
        QTest::newRow("unknown-client") << "client" << 401 << "invalid_client";
        QTest::newRow("iss-not-sub") << "sub" << 401 << "invalid_client";
        QTest::newRow("other-key") << "key" << 401 << "invalid_client";
        QTest::newRow("alg-none") << "alg" << 401 << "invalid_client";
        QTest::newRow("replayed-jti") << "replay" << 401 << "invalid_client";
        QTest::newRow("no-assertion") << "no-assertion" << 401 << "invalid_client";
        QTest::newRow("grant-type") << "grant" << 400 << "unsupported_grant_type";
        QTest::newRow("scope") << "scope" << 400 << "invalid_scope";
        QTest::newRow("no-scope") << "no-scope" << 400 << "invalid_scope";
    }

    void assertionChecks()
    {
        QFETCH(QString, change);
        QFETCH(int, status);
        QFETCH(QString, error);
        sim::SimServer sim(simOptions(m_key.publicPem));
        QVERIFY(sim.listen() > 0);
        QUrl tokenUrl = sim.baseUrl();
        tokenUrl.setPath(u"/oauth2/v1/token"_qs);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString client = sim.options().oauthClientId;
        QJsonObject header{{u"alg"_qs, u"RS256"_qs}};
        QJsonObject claims{{u"aud"_qs, tokenUrl.toString()},
                           {u"iss"_qs, client},
                           {u"sub"_qs, client},
                           {u"iat"_qs, now},
                           {u"exp"_qs, now + 300},
                           {u"jti"_qs, u"jti-"_qs + change}};
        if (change == u"aud") claims.insert(u"aud"_qs, u"https://acme.okta.com/oauth2/v1/token"_qs);
        if (change == u"expired") claims.insert(u"exp"_qs, now - 10);
        if (change == u"far-exp") claims.insert(u"exp"_qs, now + 7200);
        if (change == u"client") {
            claims.insert(u"iss"_qs, u"0oaunknown"_qs);
            claims.insert(u"sub"_qs, u"0oaunknown"_qs);
        }
        if (change == u"sub") claims.insert(u"sub"_qs, u"someone-else"_qs);
        if (change == u"alg") header.insert(u"alg"_qs, u"none"_qs);
        QString signError;
        const QByteArray jwt =
            okta::signJwtRs256(header, claims, change == u"key" ? m_otherKey.privatePem : m_key.privatePem, &signError);
        QVERIFY2(!jwt.isEmpty(), qPrintable(signError));
        QByteArray form = "grant_type=" + QByteArray(change == u"grant" ? "password" : "client_credentials");
        if (change != u"no-scope")
            form += "&scope="
                    + QUrl::toPercentEncoding(change == u"scope" ? u"okta.logs.read okta.apps.read"_qs
                                                                 : u"okta.logs.read okta.users.read"_qs);
        if (change != u"no-assertion")
            form += "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                    "&client_assertion="
                    + jwt;
        if (change == u"replay") QCOMPARE(postForm(tokenUrl, form).status, 200);
        const HttpReply r = postForm(tokenUrl, form);
        QCOMPARE(r.status, status);
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        if (status == 200) {
            QCOMPARE(body.value(u"token_type").toString(), u"Bearer"_qs);
            QCOMPARE(body.value(u"expires_in").toInt(), 3600);
            QCOMPARE(body.value(u"scope").toString(), u"okta.logs.read okta.users.read"_qs);
            QVERIFY(!body.value(u"access_token").toString().isEmpty());
            m_secrets.append(body.value(u"access_token").toString().toUtf8());
        } else {
            QCOMPARE(body.value(u"error").toString(), error);
            QVERIFY(!body.value(u"error_description").toString().isEmpty());
        }
        m_secrets.append(jwt);
    }

    // Last: everything logged so far holds no token, no assertion and no key.
    void secretsNeverReachTheLog()
    {
        QStringList log;
        {
            QMutexLocker lock(&g_logMutex);
            log = g_log;
        }
        QVERIFY2(std::any_of(log.cbegin(), log.cend(),
                             [](const QString& line) { return line.contains(u"fetched an access token"); }),
                 "the authenticator's own messages were not captured");
        QVERIFY(m_secrets.size() >= 8);
        QStringList keyLines;
        for (const QByteArray& pem : {m_key.privatePem, m_otherKey.privatePem}) {
            for (const QByteArray& line : pem.split('\n')) {
                if (line.size() > 40 && !line.startsWith("-----")) keyLines.append(QString::fromLatin1(line));
            }
        }
        for (const QString& line : std::as_const(log)) {
            for (const QByteArray& secret : std::as_const(m_secrets)) {
                QVERIFY(!secret.isEmpty());
                QVERIFY2(!line.contains(QString::fromUtf8(secret)), qPrintable(line));
            }
            for (const QString& keyLine : std::as_const(keyLines))
                QVERIFY2(!line.contains(keyLine), qPrintable(line));
        }
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }
};

QTEST_GUILESS_MAIN(TestOktaOAuth)
#include "TestOktaOAuth.moc"

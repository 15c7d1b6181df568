// SPDX-License-Identifier: GPL-3.0-or-later
// Each detection with a positive case and the near-misses an analyst would not want paged for.
// Events are written as Okta JSON and go through the real parser.
#include "core/okta/EventParser.h"
#include "core/okta/Timestamp.h"
#include "core/risk/Geo.h"
#include "core/risk/RiskEngine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace vigil;
using risk::RiskEngine;

namespace {

constexpr qint64 kT0 = 1767261600000; // 2026-01-01T10:00:00Z
constexpr qint64 kMinute = 60000;

struct Place
{
    const char* city;
    const char* country;
    double lat, lon;
    const char* ip;
    int asn;
};

const Place kNewYork{"New York", "United States", 40.7157, -74.0, "198.51.100.10", 7922};
const Place kLondon{"London", "United Kingdom", 51.5164, -0.093, "81.2.69.160", 2856};
const Place kMoscow{"Moscow", "Russia", 55.7522, 37.6156, "5.8.18.1", 8359};
const Place kToronto{"Toronto", "Canada", 43.6567, -79.34, "142.126.158.61", 577};

int g_sequence = 0;

QJsonObject baseEvent(const QString& type, const QString& user, qint64 atMs, const QString& result)
{
    QJsonObject e{{u"uuid"_qs, QStringLiteral("u-%1").arg(++g_sequence)},
                  {u"published"_qs, okta::formatTimestampMs(atMs)},
                  {u"eventType"_qs, type},
                  {u"actor"_qs, QJsonObject{{u"alternateId"_qs, user}, {u"type"_qs, u"User"_qs}}},
                  {u"outcome"_qs, QJsonObject{{u"result"_qs, result}}}};
    return e;
}

void at(QJsonObject& e, const Place& p, bool proxy = false)
{
    e.insert(u"client"_qs,
             QJsonObject{{u"ipAddress"_qs, QString::fromLatin1(p.ip)},
                         {u"userAgent"_qs, QJsonObject{{u"browser"_qs, u"CHROME"_qs}, {u"os"_qs, u"Mac OS X"_qs}}},
                         {u"geographicalContext"_qs,
                          QJsonObject{{u"city"_qs, QString::fromLatin1(p.city)},
                                      {u"country"_qs, QString::fromLatin1(p.country)},
                                      {u"geolocation"_qs, QJsonObject{{u"lat"_qs, p.lat}, {u"lon"_qs, p.lon}}}}}});
    e.insert(u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, p.asn}, {u"isProxy"_qs, proxy}});
}

okta::LogEvent parse(const QJsonObject& o)
{
    static okta::EventParser parser;
    const QByteArray json = QJsonDocument(o).toJson(QJsonDocument::Compact);
    okta::LogEvent e;
    okta::ParseError err;
    if (!parser.parse({json.constData(), size_t(json.size())}, e, err))
        qFatal("test event: %s", qPrintable(err.detail));
    return e;
}

okta::LogEvent failedSignIn(const QString& user, qint64 atMs, const Place& p = kLondon)
{
    QJsonObject e = baseEvent(u"user.session.start"_qs, user, atMs, u"FAILURE"_qs);
    e.insert(u"outcome"_qs, QJsonObject{{u"result"_qs, u"FAILURE"_qs}, {u"reason"_qs, u"INVALID_CREDENTIALS"_qs}});
    at(e, p);
    return parse(e);
}

okta::LogEvent signIn(const QString& user, qint64 atMs, const Place& p, bool proxy = false, bool newDevice = false)
{
    QJsonObject e = baseEvent(u"user.session.start"_qs, user, atMs, u"SUCCESS"_qs);
    at(e, p, proxy);
    if (newDevice) {
        e.insert(u"debugContext"_qs,
                 QJsonObject{
                     {u"debugData"_qs, QJsonObject{{u"behaviors"_qs, u"{New Device=POSITIVE, New IP=NEGATIVE}"_qs}}}});
    }
    return parse(e);
}

QStringList detectionsOf(const RiskEngine& engine, const QString& user)
{
    QStringList out;
    for (const risk::Contribution& c : engine.contributions(user)) {
        if (!out.contains(c.detection)) out << c.detection;
    }
    return out;
}

} // namespace

class TestRiskEngine : public QObject
{
    Q_OBJECT

private slots:
    void bruteForce_data()
    {
        QTest::addColumn<QList<qint64>>("failuresAtMinutes");
        QTest::addColumn<bool>("fires");
        QTest::newRow("three-in-two-minutes") << QList<qint64>{0, 1, 2} << true;
        QTest::newRow("eight-in-three-minutes") << QList<qint64>{0, 0, 1, 1, 2, 2, 3, 3} << true;
        QTest::newRow("two-failures") << QList<qint64>{0, 1} << false;
        QTest::newRow("three-over-fifteen-minutes") << QList<qint64>{0, 7, 15} << false;
    }

    void bruteForce()
    {
        QFETCH(QList<qint64>, failuresAtMinutes);
        QFETCH(bool, fires);
        RiskEngine engine;
        for (qint64 m : failuresAtMinutes)
            engine.process(failedSignIn(u"bruce@corp.example"_qs, kT0 + m * kMinute));
        engine.process(signIn(u"bruce@corp.example"_qs, kT0 + 16 * kMinute, kLondon));
        QCOMPARE(detectionsOf(engine, u"bruce@corp.example"_qs).contains(u"brute_force"), fires);
        if (fires) {
            const risk::Contribution c = engine.contributions(u"bruce@corp.example"_qs).first();
            QVERIFY2(c.reason.contains(u"failed sign-ins"), qPrintable(c.reason));
            // The finding grows with the burst: every failure in the window is in its words and evidence.
            QVERIFY2(c.reason.startsWith(QString::number(failuresAtMinutes.size()) + u" failed"_qs),
                     qPrintable(c.reason));
            QCOMPARE(c.eventUuids.size(), failuresAtMinutes.size());
        }
    }

    void passwordSprayIsAnIpFinding()
    {
        RiskEngine engine;
        for (int i = 0; i < 6; ++i) {
            engine.process(failedSignIn(QStringLiteral("user%1@corp.example").arg(i), kT0 + i * kMinute, kMoscow));
        }
        const QList<risk::IpFinding> ips = engine.ipFindings();
        QCOMPARE(ips.size(), 1);
        QCOMPARE(ips.first().ip, u"5.8.18.1"_qs);
        QCOMPARE(ips.first().usersTargeted.size(), 6);
        QVERIFY(detectionsOf(engine, u"user0@corp.example"_qs).contains(u"password_spray"));
        // A small share each, not an alert per targeted user.
        QVERIFY(engine.alerts().isEmpty());
        QVERIFY(engine.riskAt(u"user0@corp.example"_qs, kT0 + 6 * kMinute) < 20);
    }

    void fourUsersIsNotASpray()
    {
        RiskEngine engine;
        for (int i = 0; i < 4; ++i) {
            engine.process(failedSignIn(QStringLiteral("user%1@corp.example").arg(i), kT0 + i * kMinute, kMoscow));
        }
        QVERIFY(engine.ipFindings().isEmpty());
    }

    void impossibleTravel_data()
    {
        QTest::addColumn<qint64>("minutesApart");
        QTest::addColumn<bool>("proxyBothSides");
        QTest::addColumn<bool>("fires");
        QTest::newRow("new-york-london-40-min") << qint64(40) << false << true;
        QTest::newRow("ten-hour-flight") << qint64(600) << false << false;
        QTest::newRow("vpn-on-both-sides") << qint64(40) << true << false;
    }

    void impossibleTravel()
    {
        QFETCH(qint64, minutesApart);
        QFETCH(bool, proxyBothSides);
        QFETCH(bool, fires);
        RiskEngine engine;
        engine.process(signIn(u"ivan@corp.example"_qs, kT0, kNewYork, proxyBothSides));
        engine.process(signIn(u"ivan@corp.example"_qs, kT0 + minutesApart * kMinute, kLondon, proxyBothSides));
        const QStringList found = detectionsOf(engine, u"ivan@corp.example"_qs);
        QCOMPARE(found.contains(u"impossible_travel"), fires);
        if (proxyBothSides) QVERIFY(found.contains(u"anonymizer"));
        if (fires) {
            const QString reason = engine.contributions(u"ivan@corp.example"_qs).last().reason;
            QVERIFY2(reason.contains(u"New York") && reason.contains(u"London") && reason.contains(u"km/h"),
                     qPrintable(reason));
        }
    }

    void greatCircleDistance()
    {
        // New York to London is about 5,570 km.
        const double km = risk::greatCircleKm(kNewYork.lat, kNewYork.lon, kLondon.lat, kLondon.lon);
        QVERIFY2(km > 5500 && km < 5650, qPrintable(QString::number(km)));
    }

    void geoRisk()
    {
        RiskEngine engine;
        engine.process(signIn(u"a@corp.example"_qs, kT0, kMoscow));
        engine.process(signIn(u"b@corp.example"_qs, kT0, kToronto));
        QVERIFY(detectionsOf(engine, u"a@corp.example"_qs).contains(u"geo_risk"));
        QVERIFY(!detectionsOf(engine, u"b@corp.example"_qs).contains(u"geo_risk"));

        QStringList errors;
        const auto usOnly = risk::Policy::fromJson(
            "{\"schema_version\":1,\"detections\":{\"geo_risk\":{\"allowed_countries\":[\"US\",\"United Kingdom\"]}}}",
            &errors);
        QVERIFY2(usOnly, qPrintable(errors.join(u'\n')));
        RiskEngine strict(*usOnly);
        strict.process(signIn(u"b@corp.example"_qs, kT0, kToronto));
        strict.process(signIn(u"c@corp.example"_qs, kT0, kNewYork));
        strict.process(signIn(u"d@corp.example"_qs, kT0, kLondon));
        QVERIFY(detectionsOf(strict, u"b@corp.example"_qs).contains(u"geo_risk"));
        QVERIFY(!detectionsOf(strict, u"c@corp.example"_qs).contains(u"geo_risk"));
        QVERIFY(!detectionsOf(strict, u"d@corp.example"_qs).contains(u"geo_risk"));
    }

    void countryNamesAndCodes()
    {
        QVERIFY(risk::sameCountry(u"UK"_qs, u"United Kingdom"_qs));
        QVERIFY(risk::sameCountry(u"GB"_qs, u"United Kingdom"_qs));
        QVERIFY(risk::sameCountry(u"RU"_qs, u"Russia"_qs));
        QVERIFY(risk::sameCountry(u"Russian Federation"_qs, u"Russia"_qs));
        QVERIFY(!risk::sameCountry(u"US"_qs, u"Canada"_qs));
    }

    void wrongTotpCodesAreNotPushFatigue()
    {
        RiskEngine engine;
        for (int i = 0; i < 4; ++i) {
            QJsonObject e = baseEvent(u"user.authentication.auth_via_mfa"_qs, u"t@corp.example"_qs, kT0 + i * kMinute,
                                      u"FAILURE"_qs);
            e.insert(u"outcome"_qs,
                     QJsonObject{{u"result"_qs, u"FAILURE"_qs}, {u"reason"_qs, u"INVALID_CREDENTIALS"_qs}});
            e.insert(u"target"_qs, QJsonArray{QJsonObject{{u"type"_qs, u"AuthenticatorEnrollment"_qs},
                                                          {u"displayName"_qs, u"Google Authenticator"_qs}}});
            engine.process(parse(e));
        }
        QVERIFY(!detectionsOf(engine, u"t@corp.example"_qs).contains(u"mfa_fatigue"));
    }

    void oneLoginFromAHighRiskCountryIsOneFinding()
    {
        RiskEngine engine;
        engine.process(signIn(u"r@corp.example"_qs, kT0, kMoscow));
        for (int i = 1; i <= 3; ++i) {
            QJsonObject sso =
                baseEvent(u"user.authentication.sso"_qs, u"r@corp.example"_qs, kT0 + i * kMinute, u"SUCCESS"_qs);
            at(sso, kMoscow);
            engine.process(parse(sso));
        }
        int geo = 0;
        for (const risk::Contribution& c : engine.contributions(u"r@corp.example"_qs))
            geo += c.detection == u"geo_risk";
        QCOMPARE(geo, 1);
    }

    void mfaFatigue()
    {
        RiskEngine engine;
        for (int i = 0; i < 5; ++i) {
            engine.process(parse(baseEvent(u"system.push.send_factor_verify_push"_qs, u"mia@corp.example"_qs,
                                           kT0 + i * kMinute, u"SUCCESS"_qs)));
        }
        QVERIFY(detectionsOf(engine, u"mia@corp.example"_qs).contains(u"mfa_fatigue"));
        // The finding's evidence is the whole burst, not only the push that crossed the line.
        QCOMPARE(engine.contributions(u"mia@corp.example"_qs).first().eventUuids.size(), 5);
        QCOMPARE(engine.alerts().first().events, 5);
        const double before = engine.riskAt(u"mia@corp.example"_qs, kT0 + 5 * kMinute);
        engine.process(parse(baseEvent(u"user.authentication.auth_via_mfa"_qs, u"mia@corp.example"_qs,
                                       kT0 + 6 * kMinute, u"SUCCESS"_qs)));
        QVERIFY2(engine.riskAt(u"mia@corp.example"_qs, kT0 + 6 * kMinute) > before + 10,
                 "a push accepted after the burst must weigh more");

        RiskEngine quiet;
        for (int i = 0; i < 4; ++i) {
            quiet.process(parse(baseEvent(u"system.push.send_factor_verify_push"_qs, u"mia@corp.example"_qs,
                                          kT0 + i * 3 * kMinute, u"SUCCESS"_qs)));
        }
        QVERIFY(detectionsOf(quiet, u"mia@corp.example"_qs).isEmpty());
    }

    void threatInsightAlwaysAlerts()
    {
        RiskEngine engine;
        QJsonObject e = baseEvent(u"user.session.start"_qs, u"t@corp.example"_qs, kT0, u"SUCCESS"_qs);
        at(e, kLondon);
        e.insert(u"debugContext"_qs, QJsonObject{{u"debugData"_qs, QJsonObject{{u"threatSuspected"_qs, u"true"_qs}}}});
        engine.process(parse(e));
        QCOMPARE(engine.alerts().size(), 1);
        QCOMPARE(engine.alerts().first().user, u"t@corp.example"_qs);
        QVERIFY(engine.alerts().first().detections.contains(u"threat_insight"));
    }

    void privilegeGrantGoesToTheTarget()
    {
        RiskEngine engine;
        QJsonObject e = baseEvent(u"user.account.privilege.grant"_qs, u"admin@corp.example"_qs, kT0, u"SUCCESS"_qs);
        e.insert(u"target"_qs,
                 QJsonArray{QJsonObject{{u"type"_qs, u"User"_qs}, {u"alternateId"_qs, u"newadmin@corp.example"_qs}}});
        engine.process(parse(e));
        QCOMPARE(engine.alerts().size(), 1);
        QCOMPARE(engine.alerts().first().user, u"newadmin@corp.example"_qs);
        QVERIFY(detectionsOf(engine, u"admin@corp.example"_qs).isEmpty());
    }

    void newDeviceNeedsOktaOrABaseline()
    {
        RiskEngine engine;
        engine.process(signIn(u"n@corp.example"_qs, kT0, kToronto, false, true));
        QVERIFY(detectionsOf(engine, u"n@corp.example"_qs).contains(u"new_device"));
        // A user with no history: an unknown browser is not news.
        RiskEngine fresh;
        fresh.process(signIn(u"m@corp.example"_qs, kT0, kToronto));
        QVERIFY(!detectionsOf(fresh, u"m@corp.example"_qs).contains(u"new_device"));
    }

    void sessionHijack_data()
    {
        QTest::addColumn<QString>("firstIp");
        QTest::addColumn<QString>("secondIp");
        QTest::addColumn<int>("secondAsn");
        QTest::addColumn<QString>("secondBrowser");
        QTest::addColumn<bool>("fires");
        const QString v4 = u"198.51.100.10"_qs;
        QTest::newRow("other-asn") << v4 << "185.220.101.47" << 60729 << "CHROME" << true;
        QTest::newRow("other-browser-same-asn") << v4 << "198.51.100.99" << 7922 << "FIREFOX" << true;
        QTest::newRow("same-asn-same-browser") << v4 << "198.51.100.99" << 7922 << "CHROME" << false; // DHCP renewal
        QTest::newRow("same-ip") << v4 << "198.51.100.10" << 7922 << "FIREFOX" << false;
        QTest::newRow("ipv6-origin") << "2001:db8::7"
                                     << "185.220.101.47" << 60729 << "CHROME" << true;
        QTest::newRow("ipv6-same-ip") << "2001:db8::7"
                                      << "2001:db8::7" << 7922 << "FIREFOX" << false;
    }

    void sessionHijack()
    {
        QFETCH(QString, firstIp);
        QFETCH(QString, secondIp);
        QFETCH(int, secondAsn);
        QFETCH(QString, secondBrowser);
        QFETCH(bool, fires);
        RiskEngine engine;
        auto sso = [&](qint64 atMs, const QString& ip, int asn, const QString& browser) {
            QJsonObject e = baseEvent(u"user.authentication.sso"_qs, u"sam@corp.example"_qs, atMs, u"SUCCESS"_qs);
            e.insert(u"client"_qs,
                     QJsonObject{{u"ipAddress"_qs, ip}, {u"userAgent"_qs, QJsonObject{{u"browser"_qs, browser}}}});
            e.insert(u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, asn}});
            e.insert(u"authenticationContext"_qs, QJsonObject{{u"externalSessionId"_qs, u"idxSESSION1"_qs}});
            return parse(e);
        };
        engine.process(sso(kT0, firstIp, 7922, u"CHROME"_qs));
        engine.process(sso(kT0 + 20 * kMinute, secondIp, secondAsn, secondBrowser));
        QCOMPARE(detectionsOf(engine, u"sam@corp.example"_qs).contains(u"session_hijack"), fires);
        if (!fires) return;
        // The words name both places as the analyst would read them in Okta.
        QString reason;
        for (const risk::Contribution& c : engine.contributions(u"sam@corp.example"_qs)) {
            if (c.detection == u"session_hijack") reason = c.reason;
        }
        const QString expected = u"session begun from "_qs + firstIp + u" (AS7922, CHROME) reused from "_qs + secondIp
                                 + u" (AS"_qs + QString::number(secondAsn) + u", "_qs + secondBrowser
                                 + u") 20 min later"_qs;
        QCOMPARE(reason, expected);
    }

    void sessionForgottenAfterADay()
    {
        // Okta sessions end within a day by default: an id seen again the next day from elsewhere is a new
        // session as far as Vigil knows, not a hijack of one it forgot.
        RiskEngine engine;
        auto sso = [&](qint64 atMs, const QString& ip, int asn) {
            QJsonObject e = baseEvent(u"user.authentication.sso"_qs, u"sam@corp.example"_qs, atMs, u"SUCCESS"_qs);
            e.insert(u"client"_qs, QJsonObject{{u"ipAddress"_qs, ip}});
            e.insert(u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, asn}});
            e.insert(u"authenticationContext"_qs, QJsonObject{{u"externalSessionId"_qs, u"idxSESSION1"_qs}});
            return parse(e);
        };
        engine.process(sso(kT0, u"198.51.100.10"_qs, 7922));
        engine.process(sso(kT0 + 25 * 60 * kMinute, u"185.220.101.47"_qs, 60729));
        QVERIFY(!detectionsOf(engine, u"sam@corp.example"_qs).contains(u"session_hijack"));
        // That use began the session anew: a move from there within the day is a hijack again.
        engine.process(sso(kT0 + 26 * 60 * kMinute, u"203.0.113.5"_qs, 7018));
        QVERIFY(detectionsOf(engine, u"sam@corp.example"_qs).contains(u"session_hijack"));
    }

    void sessionTableKeepsOnlyLiveOrigins()
    {
        constexpr qint64 kLifetime = 100000;
        risk::SessionTable table(kLifetime);
        risk::SessionOrigin origin;
        origin.atMs = 0;
        origin.asn = 1;
        table.insert(7, origin, 0);
        QVERIFY(table.find(7, kLifetime));
        QVERIFY(!table.find(7, kLifetime + 1));
        QVERIFY(!table.find(8, 0));
        // The same session begun again replaces the expired origin in place.
        origin.atMs = kLifetime + 1;
        origin.asn = 2;
        table.insert(7, origin, kLifetime + 1);
        QCOMPARE(table.size(), 1);
        QCOMPARE(table.find(7, kLifetime + 1)->asn, 2u);
        const auto keyOf = [](quint64 i) { return 1000 + i * 2654435761ull; };
        // 200,000 sessions over twenty lifetimes, 10,000 live at any time: memory follows the live ones.
        for (quint64 i = 0; i < 200000; ++i) {
            const qint64 at = kLifetime + 1 + qint64(i) * 10;
            origin.atMs = at;
            origin.asn = quint32(i);
            QVERIFY(!table.find(keyOf(i), at));
            table.insert(keyOf(i), origin, at);
        }
        QVERIFY2(table.capacity() <= 65536, qPrintable(QString::number(table.capacity())));
        const qint64 end = kLifetime + 1 + 199999 * 10;
        QCOMPARE(table.find(keyOf(199999), end)->asn, 199999u);
        QCOMPARE(table.find(keyOf(190001), end)->asn, 190001u);
        QVERIFY(!table.find(keyOf(189998), end)); // began more than a lifetime ago
        QVERIFY(!table.find(keyOf(5), end));
    }

    void factorResetThenNewCountry()
    {
        RiskEngine engine;
        engine.process(signIn(u"f@corp.example"_qs, kT0 - 60 * kMinute, kToronto));
        QJsonObject reset = baseEvent(u"user.mfa.factor.reset_all"_qs, u"helpdesk@corp.example"_qs, kT0, u"SUCCESS"_qs);
        reset.insert(u"target"_qs,
                     QJsonArray{QJsonObject{{u"type"_qs, u"User"_qs}, {u"alternateId"_qs, u"f@corp.example"_qs}}});
        engine.process(parse(reset));
        engine.process(signIn(u"f@corp.example"_qs, kT0 + 30 * kMinute, kToronto)); // same place: nothing
        QVERIFY(!detectionsOf(engine, u"f@corp.example"_qs).contains(u"factor_reset"));
        engine.process(signIn(u"f@corp.example"_qs, kT0 + 90 * kMinute, kLondon));
        QVERIFY(detectionsOf(engine, u"f@corp.example"_qs).contains(u"factor_reset"));
        // A reset more than a day before does not count.
        RiskEngine later;
        later.process(signIn(u"g@corp.example"_qs, kT0 - 60 * kMinute, kToronto));
        reset.insert(u"target"_qs,
                     QJsonArray{QJsonObject{{u"type"_qs, u"User"_qs}, {u"alternateId"_qs, u"g@corp.example"_qs}}});
        later.process(parse(reset));
        later.process(signIn(u"g@corp.example"_qs, kT0 + 25 * 60 * kMinute, kLondon));
        QVERIFY(!detectionsOf(later, u"g@corp.example"_qs).contains(u"factor_reset"));
    }

    void offHoursLearnsTheUsersHours()
    {
        RiskEngine engine;
        // Toronto is UTC-5: 14:00 UTC is 09:00 local. Five working days of 9 o'clock sign-ins build a baseline.
        const qint64 monday = 1767571200000 + 14 * 60 * kMinute; // 2026-01-05 14:00 UTC
        for (int day = 0; day < 5; ++day)
            engine.process(signIn(u"o@corp.example"_qs, monday + day * 1440 * kMinute, kToronto));
        QVERIFY(!detectionsOf(engine, u"o@corp.example"_qs).contains(u"off_hours"));
        engine.process(signIn(u"o@corp.example"_qs, monday + 5 * 1440 * kMinute + 60 * kMinute, kToronto)); // 10:00
        QVERIFY(!detectionsOf(engine, u"o@corp.example"_qs).contains(u"off_hours"));
        engine.process(
            signIn(u"o@corp.example"_qs, monday + 6 * 1440 * kMinute - 11 * 60 * kMinute, kToronto)); // 22:00
        QVERIFY(detectionsOf(engine, u"o@corp.example"_qs).contains(u"off_hours"));
        const QString reason = engine.contributions(u"o@corp.example"_qs).last().reason;
        QVERIFY2(reason.contains(u"usual hours"), qPrintable(reason));
        // More sign-ins the same night add nothing: one unusual night is one finding.
        const int before = int(engine.contributions(u"o@corp.example"_qs).size());
        for (int i = 1; i <= 4; ++i) {
            engine.process(signIn(u"o@corp.example"_qs,
                                  monday + 6 * 1440 * kMinute - 11 * 60 * kMinute + i * 20 * kMinute, kToronto));
        }
        QCOMPARE(int(engine.contributions(u"o@corp.example"_qs).size()), before);
    }

    void baselineSurvivesARestart()
    {
        // Five days of Toronto sign-ins on one laptop make a baseline; a "restart" (a new engine fed
        // the saved records, none of the events) must still know the user's device, hours and country.
        const qint64 monday = 1767571200000 + 14 * 60 * kMinute; // 09:00 in Toronto
        RiskEngine before;
        for (int day = 0; day < 5; ++day)
            before.process(signIn(u"p@corp.example"_qs, monday + day * 1440 * kMinute, kToronto));
        const QList<store::BaselineRecord> saved = before.takeChangedBaselines();
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved.first().key, u"p@corp.example"_qs);
        QVERIFY(before.takeChangedBaselines().isEmpty()); // nothing changed since

        RiskEngine after;
        QCOMPARE(after.restoreBaselines(saved), 1);
        const risk::UserBaseline* b = after.baseline(u"p@corp.example"_qs);
        QVERIFY(b);
        QCOMPARE(b->signIns, 5u);
        QCOMPARE(b->signInDays, quint16(5));
        QCOMPARE(b->countries.mostFrequent(1), QStringList{u"Canada"_qs});
        QCOMPARE(b->usualHours(), u"9:00–10:00"_qs);
        // The known laptop at a usual hour: nothing. Without the restored baseline the same sign-in on a
        // Saturday would be off hours by the policy's business hours.
        const qint64 saturday = monday + 5 * 1440 * kMinute;
        after.process(signIn(u"p@corp.example"_qs, saturday, kToronto));
        QVERIFY(detectionsOf(after, u"p@corp.example"_qs).isEmpty());
        RiskEngine amnesic;
        amnesic.process(signIn(u"p@corp.example"_qs, saturday, kToronto));
        QVERIFY(detectionsOf(amnesic, u"p@corp.example"_qs).contains(u"off_hours"));
        // A browser never seen before is a new device only because the baseline came back.
        QJsonObject firefox =
            baseEvent(u"user.session.start"_qs, u"p@corp.example"_qs, saturday + 5 * kMinute, u"SUCCESS"_qs);
        at(firefox, kToronto);
        QJsonObject client = firefox.value(u"client"_qs).toObject();
        client.insert(u"userAgent"_qs, QJsonObject{{u"browser"_qs, u"FIREFOX"_qs}, {u"os"_qs, u"Windows"_qs}});
        firefox.insert(u"client"_qs, client);
        after.process(parse(firefox));
        QVERIFY(detectionsOf(after, u"p@corp.example"_qs).contains(u"new_device"));
    }

    void baselineIsBoundedAndDamagedRecordsAreSkipped()
    {
        RiskEngine engine;
        // A user seen from 300 browsers, 300 addresses and 40 countries still costs a fixed size.
        for (int i = 0; i < 300; ++i) {
            QJsonObject e = baseEvent(u"user.session.start"_qs, u"b@corp.example"_qs, kT0 + i * kMinute, u"SUCCESS"_qs);
            e.insert(u"client"_qs,
                     QJsonObject{{u"ipAddress"_qs, QStringLiteral("198.51.%1.%2").arg(i / 250).arg(i % 250)},
                                 {u"userAgent"_qs, QJsonObject{{u"browser"_qs, QStringLiteral("BROWSER%1").arg(i)},
                                                               {u"os"_qs, u"Linux"_qs}}},
                                 {u"geographicalContext"_qs,
                                  QJsonObject{{u"city"_qs, QStringLiteral("Town %1").arg(i)},
                                              {u"country"_qs, QStringLiteral("Country %1").arg(i % 40)}}}});
            engine.process(parse(e));
        }
        const risk::UserBaseline* b = engine.baseline(u"b@corp.example"_qs);
        QVERIFY(b);
        QCOMPARE(b->devices.size(), 16);
        QCOMPARE(b->ips.size(), 16);
        QCOMPARE(b->countries.places().size(), risk::PlaceCounts::kCapacity);
        QVERIFY2(b->approximateBytes() <= 2048, qPrintable(QString::number(b->approximateBytes())));
        // The most recent browser is still known after all that churn.
        QVERIFY(b->devices.contains(risk::stableHash("Linux", risk::stableHash(" on ", risk::stableHash("BROWSER299")))
                                    | 1));

        QList<store::BaselineRecord> records = engine.takeChangedBaselines();
        QCOMPARE(records.size(), 1);
        records.append({store::BaselineRecord::User, u"broken@corp.example"_qs, QByteArray("\x01\x05garbage"), 1});
        records.append({store::BaselineRecord::User, u"empty@corp.example"_qs, QByteArray(), 1});
        records.append({store::BaselineRecord::Ip, u"203.0.113.1"_qs, records.first().data, 1}); // wrong kind
        QByteArray truncated = records.first().data;
        truncated.chop(3);
        records.append({store::BaselineRecord::User, u"cut@corp.example"_qs, truncated, 1});
        RiskEngine restored;
        QCOMPARE(restored.restoreBaselines(records), 1);
        QVERIFY(restored.baseline(u"b@corp.example"_qs));
        QVERIFY(!restored.baseline(u"broken@corp.example"_qs));
        QVERIFY(!restored.baseline(u"cut@corp.example"_qs));
    }

    void ipBaselineCountsFailuresByUser()
    {
        RiskEngine engine;
        for (int i = 0; i < 4; ++i)
            engine.process(failedSignIn(QStringLiteral("user%1@corp.example").arg(i % 2), kT0 + i * kMinute));
        QList<store::BaselineRecord> records = engine.takeChangedBaselines();
        const auto ip = std::find_if(records.begin(), records.end(), [](const store::BaselineRecord& r) {
            return r.kind == store::BaselineRecord::Ip;
        });
        QVERIFY(ip != records.end());
        QCOMPARE(ip->key, QString::fromLatin1(kLondon.ip));
        const std::optional<risk::IpBaseline> b = risk::IpBaseline::deserialize(ip->data);
        QVERIFY(b);
        QCOMPARE(b->failures, 4u);
        QCOMPARE(b->usersFailed.size(), 2);
        QCOMPARE(b->firstSeenMs, kT0);
    }

    void threatInsightOnAFailedAttemptDoesNotForceAnAlert()
    {
        // A ThreatInsight-flagged password spray fails against many accounts: each gets points, none an
        // alert of its own. A flagged sign-in that succeeded is an alert at once.
        auto flagged = [](const QString& user, const QString& result) {
            QJsonObject e = baseEvent(u"user.session.start"_qs, user, kT0, result);
            at(e, kMoscow);
            e.insert(u"debugContext"_qs,
                     QJsonObject{{u"debugData"_qs, QJsonObject{{u"threatSuspected"_qs, u"true"_qs}}}});
            return parse(e);
        };
        RiskEngine engine;
        engine.process(flagged(u"sprayed@corp.example"_qs, u"FAILURE"_qs));
        QVERIFY(detectionsOf(engine, u"sprayed@corp.example"_qs).contains(u"threat_insight"));
        QVERIFY(engine.alerts().isEmpty());
        // A spray through an anonymizer, each account tried once: six accounts with points, one IP
        // finding, and still no alert for any of them.
        for (int i = 0; i < 6; ++i) {
            QJsonObject e = baseEvent(u"user.session.start"_qs, QStringLiteral("s%1@corp.example").arg(i),
                                      kT0 + i * 20000, u"FAILURE"_qs);
            at(e, kMoscow, true);
            engine.process(parse(e));
        }
        QVERIFY(engine.alerts().isEmpty());
        QCOMPARE(engine.ipFindings().size(), 1);
        QCOMPARE(engine.ipFindings().first().usersTargeted.size(), 7); // and the flagged one above
        QVERIFY(detectionsOf(engine, u"s0@corp.example"_qs).contains(u"password_spray"));
        engine.process(flagged(u"taken@corp.example"_qs, u"SUCCESS"_qs));
        QCOMPARE(engine.alerts().size(), 1);
        QCOMPARE(engine.alerts().first().user, u"taken@corp.example"_qs);
    }

    void riskDecaysWithHalfLife()
    {
        RiskEngine engine;
        for (int i = 0; i < 3; ++i)
            engine.process(failedSignIn(u"d@corp.example"_qs, kT0 + i * kMinute));
        const qint64 fired = kT0 + 2 * kMinute;
        const double now = engine.riskAt(u"d@corp.example"_qs, fired);
        QVERIFY(now > 0);
        QCOMPARE(qRound(engine.riskAt(u"d@corp.example"_qs, fired + 4 * 60 * kMinute) * 100), qRound(now * 50));
    }

    void alertOpensAtThresholdAndOthersJoin()
    {
        RiskEngine engine;
        for (int i = 0; i < 3; ++i)
            engine.process(failedSignIn(u"j@corp.example"_qs, kT0 + i * kMinute, kMoscow));
        QCOMPARE(engine.alerts().size(), 1); // 45 points >= 40
        engine.process(signIn(u"j@corp.example"_qs, kT0 + 5 * kMinute, kMoscow));
        QCOMPARE(engine.alerts().size(), 1); // one open alert per user
        const risk::Alert alert = engine.alerts().first();
        QVERIFY(alert.detections.contains(u"brute_force"));
        QVERIFY(alert.detections.contains(u"geo_risk"));
        QVERIFY(alert.peakRisk >= 60);
        QCOMPARE(RiskEngine::severityFor(alert.peakRisk, risk::Policy::defaults()), u"high"_qs);
    }
};

QTEST_GUILESS_MAIN(TestRiskEngine)
#include "TestRiskEngine.moc"

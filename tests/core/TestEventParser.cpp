// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/EventParser.h"
#include "core/okta/InputReader.h"
#include "core/okta/Timestamp.h"

#include <QTest>

using namespace vigil::okta;
using Str = LogEvent::Str;

Q_DECLARE_METATYPE(vigil::okta::RejectReason)

namespace {

QString qs(std::string_view v)
{
    return LogEvent::qs(v);
}

QByteArray bytes(std::string_view v)
{
    return QByteArray(v.data(), qsizetype(v.size()));
}

// Okta's Event Hook sample event (docs/concepts/event-hooks), trimmed the way the reference shows it.
const QByteArray kHookSampleEvent =
    "{\"uuid\":\"f1d0b993-cc19-11ed-a688-db22c99ef6c4\",\"published\":\"2023-03-26T21:05:32.159Z\",\"eventType\":"
    "\"user.session.start\",\"version\":\"0\",\n"
    " \"displayMessage\":\"User login to Okta\",\"severity\":\"INFO\",\n"
    " \"client\":{\"userAgent\":{\"rawUserAgent\":\"Mozilla/5.0 (Macintosh) Chrome/111.0.0.0 "
    "Safari/537.36\",\"os\":\"Mac OS X\",\"browser\":\"CHROME\"},\n"
    "   \"zone\":\"null\",\"device\":\"Computer\",\"id\":null,\"ipAddress\":\"142.126.158.61\",\n"
    "   "
    "\"geographicalContext\":{\"city\":\"Toronto\",\"state\":\"Ontario\",\"country\":\"Canada\",\"postalCode\":\"M4M\","
    "\"geolocation\":{\"lat\":43.6567,\"lon\":-79.34}}},\n"
    " \"actor\":{\"id\":\"00uz9fj5aT69fHVro1d6\",\"type\":\"User\",\"alternateId\":\"admin@okta.com\",\"displayName\":"
    "\"Admin Name\",\"detailEntry\":null},\n"
    " \"outcome\":{\"result\":\"SUCCESS\",\"reason\":null},\n"
    " \"target\":[{\"id\":\"lae42mkdc9i9cbw3U1d6\",\"type\":\"AuthenticatorEnrollment\",\"alternateId\":\"unknown\","
    "\"displayName\":\"Password\"},\n"
    "           {\"id\":\"0oaz9fj21WKqTeaqs1d6\",\"type\":\"AppInstance\",\"alternateId\":\"Okta Admin "
    "Console\",\"displayName\":\"Okta Admin Console\"}],\n"
    " \"transaction\":{\"type\":\"WEB\",\"id\":\"ZCCzm8j2wTvzwele2NwLnwAADSc\",\"detail\":{}},\n"
    " \"debugContext\":{\"debugData\":{\"authnRequestId\":\"ZCCzlCoZuOyo8RfASqHmPAAAAc8\",\"deviceFingerprint\":"
    "\"3411ee4c591b2229f3bea251e12e0c1a\",\n"
    "   "
    "\"requestId\":\"ZCCzm8j2wTvzwele2NwLnwAADSc\",\"dtHash\":"
    "\"f59d98b2e02f1319ef4ca651f57c36e3f25507f67dd6daf0408f753896b7e8dc\",\"requestUri\":\"/idp/idx/"
    "identify\",\"threatSuspected\":\"false\",\"url\":\"/idp/idx/identify?\",\n"
    "   \"behaviors\":\"{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, New "
    "Country=NEGATIVE, Velocity=NEGATIVE, New City=POSITIVE}\",\n"
    "   \"risk\":\"{reasons=Anomalous Location, Anomalous Device, level=HIGH}\"}},\n"
    " \"legacyEventType\":\"core.user_auth.login_success\",\n"
    " \"authenticationContext\":{\"authenticationStep\":0,\"externalSessionId\":\"idxyNcxVX2ESsSL0u462548Qg\","
    "\"credentialType\":\"PASSWORD\"},\n"
    " \"securityContext\":{\"asNumber\":577,\"asOrg\":\"bell canada\",\"isp\":\"bell "
    "canada\",\"domain\":\"bell.ca\",\"isProxy\":false},\n"
    " \"request\":{\"ipChain\":[{\"ip\":\"142.126.158.61\",\"version\":\"V4\"},{\"ip\":\"10.0.0.1\",\"version\":\"V4\"}"
    "]}}";

QByteArray minimal(const QByteArray& uuid)
{
    return "{\"uuid\":\"" + uuid
           + "\",\"published\":\"2024-01-01T00:00:00.000Z\",\"eventType\":\"user.session.start\"}";
}

struct Collected
{
    QList<LogEvent> events;
    QList<Rejection> rejections;
};

Collected readAll(const QByteArray& input, ReadCounts* counts = nullptr)
{
    Collected c;
    InputReader reader([&](LogEvent&& e) { c.events.append(std::move(e)); },
                       [&](const Rejection& r) { c.rejections.append(r); });
    reader.readBuffer(QStringLiteral("test"), input);
    if (counts) *counts = reader.counts();
    return c;
}

} // namespace

class TestEventParser : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryField()
    {
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY2(parser.parse({kHookSampleEvent.constData(), size_t(kHookSampleEvent.size())}, e, err),
                 qPrintable(err.detail));
        QCOMPARE(qs(e.uuid()), "f1d0b993-cc19-11ed-a688-db22c99ef6c4");
        QCOMPARE(formatTimestampMs(e.publishedMs()), "2023-03-26T21:05:32.159Z");
        QCOMPARE(qs(e.eventType()), "user.session.start");
        QCOMPARE(qs(e.str(Str::Severity)), "INFO");
        QCOMPARE(qs(e.str(Str::DisplayMessage)), "User login to Okta");
        QCOMPARE(qs(e.str(Str::LegacyEventType)), "core.user_auth.login_success");
        QCOMPARE(qs(e.str(Str::ActorId)), "00uz9fj5aT69fHVro1d6");
        QCOMPARE(qs(e.str(Str::ActorType)), "User");
        QCOMPARE(qs(e.actorAlternateId()), "admin@okta.com");
        QCOMPARE(qs(e.str(Str::ActorDisplayName)), "Admin Name");
        QCOMPARE(qs(e.clientIp()), "142.126.158.61");
        QCOMPARE(qs(e.str(Str::UserAgentOs)), "Mac OS X");
        QCOMPARE(qs(e.str(Str::UserAgentBrowser)), "CHROME");
        QVERIFY(qs(e.str(Str::UserAgentRaw)).startsWith(u"Mozilla/5.0"));
        QCOMPARE(qs(e.str(Str::ClientDevice)), "Computer");
        QCOMPARE(qs(e.str(Str::ClientZone)), ""); // the string "null" means no zone
        QCOMPARE(qs(e.str(Str::City)), "Toronto");
        QCOMPARE(qs(e.str(Str::State)), "Ontario");
        QCOMPARE(qs(e.country()), "Canada");
        QCOMPARE(qs(e.str(Str::PostalCode)), "M4M");
        QVERIFY(e.hasGeolocation());
        QCOMPARE(e.latitude(), 43.6567);
        QCOMPARE(e.longitude(), -79.34);
        QCOMPARE(qs(e.outcomeResult()), "SUCCESS");
        QCOMPARE(qs(e.outcomeReason()), "");
        QCOMPARE(qs(e.str(Str::ExternalSessionId)), "idxyNcxVX2ESsSL0u462548Qg");
        QCOMPARE(qs(e.str(Str::CredentialType)), "PASSWORD");
        QCOMPARE(e.authenticationStep(), 0);
        QCOMPARE(e.asNumber(), 577);
        QCOMPARE(qs(e.str(Str::AsOrg)), "bell canada");
        QCOMPARE(qs(e.str(Str::Isp)), "bell canada");
        QCOMPARE(qs(e.str(Str::Domain)), "bell.ca");
        QCOMPARE(e.isProxy(), TriState::False);
        QCOMPARE(qs(e.str(Str::DeviceFingerprint)), "3411ee4c591b2229f3bea251e12e0c1a");
        QCOMPARE(qs(e.str(Str::DtHash)).size(), 64);
        QCOMPARE(qs(e.str(Str::RequestUri)), "/idp/idx/identify");
        QVERIFY(!e.threatSuspected());
        QVERIFY(e.behaviorPositive(Behavior::NewDevice));
        QVERIFY(e.behaviorPositive(Behavior::NewCity));
        QVERIFY(!e.behaviorPositive(Behavior::NewCountry));
        QVERIFY(e.behaviorsEvaluated() & quint16(Behavior::NewCountry));
        QCOMPARE(e.riskLevel(), OktaRiskLevel::High);
        QCOMPARE(e.riskReasons(), (QStringList{"Anomalous Location", "Anomalous Device"}));
        QCOMPARE(e.targetCount(), 2);
        QCOMPARE(qs(e.target(1).type), "AppInstance");
        QCOMPARE(qs(e.target(1).displayName), "Okta Admin Console");
        QCOMPARE(qs(e.str(Str::TransactionId)), "ZCCzm8j2wTvzwele2NwLnwAADSc");
        QCOMPARE(qs(e.str(Str::TransactionType)), "WEB");
        QCOMPARE(e.ipChainCount(), 2);
        QCOMPARE(qs(e.ipChain(1)), "10.0.0.1");
        QCOMPARE(e.rawJson(), kHookSampleEvent);
    }

    void lowerCasedKeysAsPantherStoresThem()
    {
        const QByteArray json =
            "{\"uuid\":\"u-1\",\"published\":\"2022-03-22 14:21:53.225\",\"eventtype\":\"user.session.start\",\n"
            "            \"displaymessage\":\"User login to "
            "Okta\",\"actor\":{\"alternateid\":\"homer@springfield.gov\",\"displayname\":\"Homer\"},\n"
            "            \"debugcontext\":{\"debugdata\":{\"threatsuspected\":\"true\",\"behaviors\":\"{New "
            "Country=POSITIVE}\"}},\n"
            "            "
            "\"securitycontext\":{\"isproxy\":true,\"asnumber\":\"14061\"},\"authenticationcontext\":{"
            "\"externalsessionid\":\"s1\"}}";
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY2(parser.parse({json.constData(), size_t(json.size())}, e, err), qPrintable(err.detail));
        QCOMPARE(qs(e.eventType()), "user.session.start");
        QCOMPARE(qs(e.actorAlternateId()), "homer@springfield.gov");
        QCOMPARE(qs(e.str(Str::DisplayMessage)), "User login to Okta");
        QVERIFY(e.threatSuspected());
        QVERIFY(e.behaviorPositive(Behavior::NewCountry));
        QCOMPARE(e.isProxy(), TriState::True);
        QCOMPARE(e.asNumber(), 14061);
        QCOMPARE(qs(e.str(Str::ExternalSessionId)), "s1");
        QCOMPARE(formatTimestampMs(e.publishedMs()), "2022-03-22T14:21:53.225Z");
    }

    void structuredSecurityContextAndLogOnlyData()
    {
        const QByteArray json =
            "{\"uuid\":\"u-2\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"policy.evaluate_sign_on\",\n"
            "            \"securityContext\":{\"asNumber\":394089,\"asOrg\":\"ASN "
            "0000\",\"isp\":\"google\",\"domain\":null,\"isProxy\":false,\n"
            "              \"risk\":{\"level\":\"MEDIUM\",\"reasons\":[\"Anomalous "
            "Device\"],\"detectionName\":\"Suspected Session Hijacking\"},\n"
            "              "
            "\"ipDetails\":{\"asNumber\":394089,\"ipServiceCategories\":[{\"isAnonymous\":true,\"operator\":\"TOR\","
            "\"type\":\"Tor\"}]},\n"
            "              \"userBehaviors\":[{\"id\":\"b1\",\"name\":\"New "
            "Device\",\"result\":\"NEGATIVE\"},{\"id\":\"b2\",\"name\":\"New "
            "Geo-Location\",\"result\":\"POSITIVE\"}]},\n"
            "            "
            "\"debugContext\":{\"debugData\":{\"logOnlySecurityData\":\"{\\\"risk\\\":{\\\"level\\\":\\\"HIGH\\\"},"
            "\\\"behaviors\\\":{\\\"New IP\\\":\\\"POSITIVE\\\",\\\"Velocity\\\":\\\"NEGATIVE\\\"}}\",\n"
            "              "
            "\"tunnels\":\"[{\\\"anonymous\\\":true,\\\"operator\\\":\\\"WARP_VPN\\\",\\\"type\\\":\\\"VPN\\\"}]\"}}}";
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY2(parser.parse({json.constData(), size_t(json.size())}, e, err), qPrintable(err.detail));
        QCOMPARE(e.riskLevel(), OktaRiskLevel::High); // the highest of structured MEDIUM and logOnly HIGH
        QCOMPARE(qs(e.str(Str::RiskDetectionName)), "Suspected Session Hijacking");
        QVERIFY(e.riskReasons().contains(u"Anomalous Device"_qs));
        QVERIFY(e.behaviorPositive(Behavior::NewGeoLocation));
        QVERIFY(!e.behaviorPositive(Behavior::NewDevice));
        QVERIFY(e.behaviorsEvaluated() & quint16(Behavior::NewDevice));
        QVERIFY(e.behaviorPositive(Behavior::NewIp));
        QVERIFY(qs(e.str(Str::Tunnels)).contains(u"Tor"));
        QVERIFY(qs(e.str(Str::Tunnels)).contains(u"WARP_VPN"));
        QCOMPARE(qs(e.str(Str::Domain)), "");
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<RejectReason>("reason");
        QTest::addColumn<QString>("field");

        QTest::newRow("truncated") << QByteArray(
            "{\"uuid\":\"a\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\"")
                                   << RejectReason::InvalidJson << "";
        QTest::newRow("bare-word") << QByteArray("hello") << RejectReason::InvalidJson << "";
        QTest::newRow("trailing-garbage")
            << QByteArray("{\"uuid\":\"a\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\"} trailing")
            << RejectReason::InvalidJson << "";
        QTest::newRow("unclosed-string") << QByteArray("{\"uuid\":\"a") << RejectReason::InvalidJson << "";
        QTest::newRow("array") << QByteArray("[1,2]") << RejectReason::NotAnObject << "";
        QTest::newRow("number") << QByteArray("42") << RejectReason::NotAnObject << "";
        QTest::newRow("string") << QByteArray("\"event\"") << RejectReason::NotAnObject << "";
        QTest::newRow("missing-uuid") << QByteArray("{\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\"}")
                                      << RejectReason::MissingField << "uuid";
        QTest::newRow("missing-published")
            << QByteArray("{\"uuid\":\"a\",\"eventType\":\"x\"}") << RejectReason::MissingField << "published";
        QTest::newRow("missing-eventType") << QByteArray("{\"uuid\":\"a\",\"published\":\"2024-01-01T00:00:00Z\"}")
                                           << RejectReason::MissingField << "eventType";
        QTest::newRow("null-uuid") << QByteArray(
            "{\"uuid\":null,\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\"}")
                                   << RejectReason::MissingField << "uuid";
        QTest::newRow("numeric-uuid") << QByteArray(
            "{\"uuid\":7,\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\"}")
                                      << RejectReason::WrongType << "uuid";
        QTest::newRow("object-eventType")
            << QByteArray("{\"uuid\":\"a\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":{\"x\":1}}")
            << RejectReason::WrongType << "eventType";
        QTest::newRow("numeric-published")
            << QByteArray("{\"uuid\":\"a\",\"published\":1700000000,\"eventType\":\"x\"}") << RejectReason::WrongType
            << "published";
        QTest::newRow("empty-uuid") << QByteArray(
            "{\"uuid\":\"\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\"}")
                                    << RejectReason::EmptyField << "uuid";
        QTest::newRow("bad-timestamp") << QByteArray("{\"uuid\":\"a\",\"published\":\"yesterday\",\"eventType\":\"x\"}")
                                       << RejectReason::BadTimestamp << "published";
        QTest::newRow("impossible-date") << QByteArray(
            "{\"uuid\":\"a\",\"published\":\"2023-02-30T00:00:00Z\",\"eventType\":\"x\"}")
                                         << RejectReason::BadTimestamp << "published";
    }

    void rejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(RejectReason, reason);
        QFETCH(QString, field);
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY(!parser.parse({json.constData(), size_t(json.size())}, e, err));
        QCOMPARE(int(err.reason), int(reason));
        QCOMPARE(err.field, field);
        QVERIFY(!err.detail.isEmpty());
        if (!field.isEmpty()) QVERIFY2(err.detail.contains(field), qPrintable(err.detail));
        // The parser is usable again right after a rejection.
        const QByteArray good = minimal("after");
        QVERIFY(parser.parse({good.constData(), size_t(good.size())}, e, err));
        QCOMPARE(qs(e.uuid()), "after");
    }

    void hugeListsStayLinear()
    {
        // 20,000 risk reasons: appending must not copy the growing value each time.
        QByteArray reasons;
        for (int i = 0; i < 20000; ++i)
            reasons += (i ? "," : "") + QByteArray("\"r\"");
        const QByteArray json = "{\"uuid\":\"big\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x\","
                                "\"securityContext\":{\"asNumber\":1e300,\"risk\":{\"reasons\":["
                                + reasons + "]}}}";
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY2(parser.parse({json.constData(), size_t(json.size())}, e, err), qPrintable(err.detail));
        QCOMPARE(e.riskReasons().size(), 20000);
        QCOMPARE(e.asNumber(), -1); // not an AS number
        e.releaseRawJson();
        QCOMPARE(e.riskReasons().size(), 20000);
    }

    void nullsAndUnknownFieldsAreFine()
    {
        const QByteArray json =
            "{\"uuid\":\"n1\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"user.session.start\",\n"
            "            "
            "\"actor\":null,\"client\":null,\"outcome\":null,\"target\":null,\"debugContext\":{\"debugData\":null},\n"
            "            "
            "\"securityContext\":{\"asNumber\":null,\"isProxy\":null},\"somethingNew\":{\"nested\":[1,2,{\"x\":null}]},"
            "\"version\":0}";
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY2(parser.parse({json.constData(), size_t(json.size())}, e, err), qPrintable(err.detail));
        QCOMPARE(e.asNumber(), -1);
        QCOMPARE(e.isProxy(), TriState::Unknown);
        QCOMPARE(e.targetCount(), 0);
        QVERIFY(!e.hasGeolocation());
    }

    void reusedEventHoldsOnlyTheNewRecord()
    {
        // The parser fills the caller's event in place: nothing of the previous record may survive, and a
        // copy taken of the previous one (sharing its text) must keep its own values.
        EventParser parser;
        LogEvent e;
        ParseError err;
        QVERIFY(parser.parse({kHookSampleEvent.constData(), size_t(kHookSampleEvent.size())}, e, err));
        QVERIFY(e.hasGeolocation());
        QVERIFY(e.targetCount() > 0 || e.ipChainCount() > 0 || e.asNumber() >= 0);
        const LogEvent kept = e;
        const QByteArray bare = "{\"uuid\":\"b2\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"x.y\"}";
        QVERIFY2(parser.parse({bare.constData(), size_t(bare.size())}, e, err), qPrintable(err.detail));
        QCOMPARE(qs(e.uuid()), "b2");
        QCOMPARE(qs(e.eventType()), "x.y");
        QVERIFY(!e.hasGeolocation());
        QCOMPARE(e.targetCount(), 0);
        QCOMPARE(e.ipChainCount(), 0);
        QCOMPARE(e.asNumber(), -1);
        QVERIFY(!e.has(Str::ActorAlternateId));
        QVERIFY(!e.has(Str::ClientIp));
        QCOMPARE(e.riskLevel(), OktaRiskLevel::None);
        QCOMPARE(e.behaviorsEvaluated(), 0);
        QCOMPARE(QByteArray(e.rawJson().data(), e.rawJson().size()), bare);
        // The copy still reads the first record.
        QCOMPARE(qs(kept.uuid()), "f1d0b993-cc19-11ed-a688-db22c99ef6c4");
        QCOMPARE(qs(kept.actorAlternateId()), "admin@okta.com");
        QVERIFY(kept.hasGeolocation());
        // A record parsed over an event whose buffer nobody else holds gets every value right as well.
        QVERIFY(parser.parse({kHookSampleEvent.constData(), size_t(kHookSampleEvent.size())}, e, err));
        QCOMPARE(qs(e.uuid()), qs(kept.uuid()));
        QCOMPARE(qs(e.actorAlternateId()), qs(kept.actorAlternateId()));
        QCOMPARE(qs(e.clientIp()), qs(kept.clientIp()));
        QCOMPARE(e.targetCount(), kept.targetCount());
        // After a rejected record the same event is filled afresh.
        const QByteArray broken = "{\"uuid\":\"c3\",\"published\":\"not a time\",\"eventType\":\"x.y\"}";
        QVERIFY(!parser.parse({broken.constData(), size_t(broken.size())}, e, err));
        QCOMPARE(err.reason, RejectReason::BadTimestamp);
        QVERIFY(parser.parse({bare.constData(), size_t(bare.size())}, e, err));
        QCOMPARE(qs(e.uuid()), "b2");
    }

    void valuesOfEveryLengthKeepTheirBytes()
    {
        // Short values are copied as a fixed block past their end (EventBuilder::setPaddedSource()): whatever
        // the length, each field must read exactly its own value, whether it is written next to another, is
        // the document's last string, has escapes, or goes through the single or the batched parser.
        auto valueOf = [](int length, char first) {
            QByteArray v;
            for (int i = 0; i < length; ++i)
                v += char(first + i % 20); // letters only: no quote or backslash
            return v;
        };
        struct Expected
        {
            QByteArray actor, display, city, targetId, targetName, chainIp, last;
        };
        QList<Expected> expected;
        QByteArray ndjson;
        QList<QByteArray> documents;
        for (int length = 0; length <= 70; ++length) {
            Expected x{valueOf(length, 'a'),
                       valueOf(length + 1, 'A'),
                       valueOf(70 - length, 'a'),
                       valueOf(length, 'b'),
                       valueOf(length / 2, 'C'),
                       valueOf(length, 'c'),
                       valueOf(length, 'd') + "\"\xC3\xA9"};
            const QByteArray lastEscaped = valueOf(length, 'd') + "\\\"\\u00e9";
            const QByteArray doc =
                "{\"uuid\":\"len-" + QByteArray::number(length)
                + "\",\"published\":\"2024-01-01T00:00:00.000Z\",\"eventType\":\"user.session.start\","
                  "\"actor\":{\"alternateId\":\""
                + x.actor + "\",\"displayName\":\"" + x.display + "\"},\"client\":{\"geographicalContext\":{\"city\":\""
                + x.city + "\"}},\"target\":[{\"id\":\"" + x.targetId
                + "\",\"type\":\"User\",\"alternateId\":\"\",\"displayName\":\"" + x.targetName
                + "\"}],\"request\":{\"ipChain\":[{\"ip\":\"" + x.chainIp + "\"}]},\"legacyEventType\":\"" + lastEscaped
                + "\"}";
            expected.append(x);
            documents.append(doc);
            ndjson += doc + '\n';
        }
        auto check = [&](const LogEvent& e, const Expected& x) {
            QCOMPARE(bytes(e.actorAlternateId()), x.actor);
            QCOMPARE(bytes(e.str(Str::ActorDisplayName)), x.display);
            QCOMPARE(bytes(e.str(Str::City)), x.city);
            QCOMPARE(e.targetCount(), 1);
            QCOMPARE(bytes(e.target(0).id), x.targetId);
            QCOMPARE(bytes(e.target(0).type), "User");
            QCOMPARE(bytes(e.target(0).displayName), x.targetName);
            QCOMPARE(e.ipChainCount(), 1);
            QCOMPARE(bytes(e.ipChain(0)), x.chainIp);
            QCOMPARE(bytes(e.str(Str::LegacyEventType)), x.last);
        };
        EventParser parser;
        LogEvent reused;
        for (qsizetype i = 0; i < documents.size(); ++i) {
            ParseError err;
            QVERIFY2(parser.parse({documents.at(i).constData(), size_t(documents.at(i).size())}, reused, err),
                     qPrintable(err.detail));
            check(reused, expected.at(i));
            if (QTest::currentTestFailed()) return;
        }
        const Collected c = readAll(ndjson);
        QCOMPARE(c.rejections.size(), 0);
        QCOMPARE(c.events.size(), expected.size());
        for (qsizetype i = 0; i < c.events.size(); ++i) {
            check(c.events.at(i), expected.at(i));
            if (QTest::currentTestFailed()) return;
            // Replay keeps only the field bytes: they must survive that too.
            LogEvent released = c.events.at(i);
            released.releaseRawJson();
            check(released, expected.at(i));
            if (QTest::currentTestFailed()) return;
        }
    }

    void ndjsonKeepsNeighboursOfBadLines()
    {
        const QByteArray input = minimal("l1") + "\n" + "{not json\n" + "\n" + minimal("l4") + "\r\n"
                                 + "{\"uuid\":\"l5\",\"eventType\":\"x\"}" + "\n" + minimal("l6");
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.read, 5); // the blank line is not a record
        QCOMPARE(counts.accepted, 3);
        QCOMPARE(counts.rejected, 2);
        QCOMPARE(c.events.size(), 3);
        QCOMPARE(qs(c.events.at(0).uuid()), "l1");
        QCOMPARE(qs(c.events.at(1).uuid()), "l4");
        QCOMPARE(qs(c.events.at(2).uuid()), "l6");
        QCOMPARE(c.rejections.size(), 2);
        QCOMPARE(c.rejections.at(0).line, 2);
        QCOMPARE(int(c.rejections.at(0).reason), int(RejectReason::InvalidJson));
        QCOMPARE(c.rejections.at(1).line, 5);
        QCOMPARE(int(c.rejections.at(1).reason), int(RejectReason::MissingField));
        QVERIFY(c.rejections.at(1).detail.contains(u"published"));
    }

    void jsonArrayWithLineNumbers()
    {
        const QByteArray input =
            "[\n  " + minimal("a1") + ",\n  " + "{\"uuid\":\"a2\"}" + ",\n  " + minimal("a3") + ",\n  17\n]\n";
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.read, 4);
        QCOMPARE(counts.accepted, 2);
        QCOMPARE(c.rejections.size(), 2);
        QCOMPARE(c.rejections.at(0).line, 3);
        QCOMPARE(c.rejections.at(1).line, 5);
        QCOMPARE(int(c.rejections.at(1).reason), int(RejectReason::NotAnObject));
        QCOMPARE(qs(c.events.at(1).uuid()), "a3");
    }

    void eventHookPayload()
    {
        const QByteArray input =
            "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\",\"cloudEventsVersion\":\"0.1\",\n"
            "            "
            "\"source\":\"https://example.okta.com/api/v1/eventHooks/"
            "who8vt36qfNpCGz9H1e6\",\"eventId\":\"b5a188b9-5ece-4636-b041-482ffda96311\",\n"
            "            \"data\":{\"events\":["
            + minimal("h1") + ",\n" + kHookSampleEvent
            + "]},\"eventTime\":\"2023-03-26T21:05:33.000Z\",\"contentType\":\"application/json\"}";
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.accepted, 2);
        QCOMPARE(counts.rejected, 0);
        QCOMPARE(qs(c.events.at(1).actorAlternateId()), "admin@okta.com");
    }

    void hookPayloadsAsNdjsonLines()
    {
        const QByteArray input = "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[" + minimal("p1") + ","
                                 + minimal("p2") + "]}}\n" + minimal("p3") + "\n";
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.accepted, 3);
        QCOMPARE(qs(c.events.at(2).uuid()), "p3");
    }

    void prettyPrintedSingleEventAndBom()
    {
        QByteArray input = "\xEF\xBB\xBF" + kHookSampleEvent + "\n";
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.accepted, 1);
        QCOMPARE(qs(c.events.at(0).uuid()), "f1d0b993-cc19-11ed-a688-db22c99ef6c4");
    }

    void brokenFirstLineKeepsTheRest()
    {
        // An unbalanced first line must not turn the whole file into one broken document.
        const QByteArray input = "{\"uuid\":\"x1\",\"published\":\"2024-01-01T00:00:00Z\",\"eventType\":\"a\","
                                 "\n"
                                 + minimal("x2") + "\n" + minimal("x3") + "\n";
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.read, 3);
        QCOMPARE(counts.accepted, 2);
        QCOMPARE(counts.rejected, 1);
        QCOMPARE(c.rejections.first().line, 1);
    }

    void batchedNdjsonMatchesLineByLine()
    {
        // Over 1 MiB, so that the batched reader crosses batches, with every kind of line that must stop it
        // in the middle: the outcome of each line must be exactly what parsing it on its own gives.
        const QByteArray pad = ",\"displayMessage\":\"" + QByteArray(400, 'x') + "\"}";
        auto event = [&](int i) {
            QByteArray e = minimal("n" + QByteArray::number(i));
            e.chop(1);
            return e + pad;
        };
        const QList<QByteArray> oddLines{
            "{\"uuid\":\"broken",        // unclosed string
            event(-1) + " " + event(-2), // two documents on one line
            "{\"uuid\":\"span\",",       // an object that goes on over the next line
            "\"published\":\"2024-01-01T00:00:00.000Z\",\"eventType\":\"x\"}",
            "42",                                             // not an object
            "[" + event(-3) + "]",                            // an array
            event(-4) + " trailing",                          // garbage after the object
            "  \t ",                                          // blank
            "{\"uuid\":\"nopublished\",\"eventType\":\"x\"}", // valid JSON, missing field
            "   " + event(-5) + "  \r",                       // surrounded by blank space
            "}",
        };
        QByteArray input;
        QList<QByteArray> lines;
        for (int i = 0; i < 6000; ++i) {
            lines.append(event(i));
            if (i % 700 == 350) lines.append(oddLines.at((i / 700) % oddLines.size()));
            if (i == 3000) lines.append(oddLines);
        }
        for (const QByteArray& line : std::as_const(lines))
            input += line + '\n';
        QVERIFY(input.size() > 2 * (1 << 20));

        // The reference: each line parsed on its own.
        QStringList expectedEvents;
        QList<QPair<qint64, int>> expectedRejections;
        EventParser parser;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QByteArray trimmed = lines.at(i).trimmed();
            if (trimmed.isEmpty()) continue;
            LogEvent e;
            ParseError err;
            if (parser.parse({trimmed.constData(), size_t(trimmed.size())}, e, err)) {
                expectedEvents.append(qs(e.uuid()));
            } else {
                expectedRejections.append({i + 1, int(err.reason)});
            }
        }
        QVERIFY(expectedRejections.size() >= 10);

        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QStringList events;
        for (const LogEvent& e : c.events)
            events.append(qs(e.uuid()));
        QList<QPair<qint64, int>> rejections;
        for (const Rejection& r : c.rejections)
            rejections.append({r.line, int(r.reason)});
        QCOMPARE(events, expectedEvents);
        QCOMPARE(rejections, expectedRejections);
        QCOMPARE(counts.read, qint64(expectedEvents.size() + expectedRejections.size()));
        // The raw JSON of a batched event is its line, without the blank space around it.
        for (const LogEvent& e : c.events) {
            if (qs(e.uuid()) == u"n-5") QVERIFY(!e.rawJson().startsWith(" ") && e.rawJson().endsWith("}"));
        }
    }

    void batchedNdjsonBrokenLineInTheMiddle()
    {
        QByteArray input;
        for (int i = 1; i <= 2000; ++i)
            input += (i == 1000 ? QByteArray("{\"uuid\":\"x\",\"published\":") : minimal("m" + QByteArray::number(i)))
                     + '\n';
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QCOMPARE(counts.read, 2000);
        QCOMPARE(counts.accepted, 1999);
        QCOMPARE(c.rejections.size(), 1);
        QCOMPARE(c.rejections.first().line, 1000);
        QCOMPARE(int(c.rejections.first().reason), int(RejectReason::InvalidJson));
        QCOMPARE(qs(c.events.at(998).uuid()), "m999");
        QCOMPARE(qs(c.events.at(999).uuid()), "m1001");
        QCOMPARE(qs(c.events.last().uuid()), "m2000");
    }

    void emptyHookDeliveryIsNotAnError()
    {
        ReadCounts counts;
        const Collected c = readAll("{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[]}}"
                                    "\n" + minimal("e1")
                                        + "\n",
                                    &counts);
        QCOMPARE(counts.rejected, 0);
        QCOMPARE(counts.accepted, 1);
    }

    void brokenArrayReportsWhereItStopped()
    {
        const QByteArray input = "[\n" + minimal("b1") + ",\n" + minimal("b2") + ",\n{\"uuid\":\n";
        ReadCounts counts;
        const Collected c = readAll(input, &counts);
        QVERIFY(counts.rejected >= 1);
        QVERIFY(!c.rejections.isEmpty());
        QCOMPARE(int(c.rejections.last().reason), int(RejectReason::InvalidJson));
        QCOMPARE(counts.read, counts.accepted + counts.rejected);
    }
};

QTEST_GUILESS_MAIN(TestEventParser)
#include "TestEventParser.moc"

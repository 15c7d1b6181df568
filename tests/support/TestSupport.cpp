// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/TestSupport.h"

#include "core/okta/EventParser.h"

#include <QFile>
#include <QTest>

#include <array>
#include <cstdio>
#include <cstring>

#include "support/TestConfig.h"

namespace vigil::test {

QString dataPath(const QString& relative)
{
    return QStringLiteral(VIGIL_TEST_DATA_DIR) + u'/' + relative;
}

PaddedInput padded(const QByteArray& text)
{
    PaddedInput input{QByteArray(text.size() + qsizetype(okta::EventParser::requiredPadding()), '\0'), text.size()};
    std::memcpy(input.buffer.data(), text.constData(), size_t(text.size()));
    return input;
}

BenchInput benchInput(const QStringList& arguments)
{
    BenchInput input;
    input.events = arguments.size() > 1 ? arguments.at(1).toInt() : 200000;
    input.users = arguments.size() > 2 ? arguments.at(2).toInt() : 5000;
    // --read FILE measures a saved input (from --write) instead of generating one, so a profiler
    // sees only the code under test.
    if (const qsizetype r = arguments.indexOf(u"--read"_qs); r > 0 && r + 1 < arguments.size()) {
        QFile f(arguments.at(r + 1));
        if (f.open(QIODevice::ReadOnly)) input.text = f.readAll();
        input.events = int(input.text.count('\n'));
        return input;
    }
    SyntheticEventGenerator generator(input.users, 42);
    input.text = generator.ndjson(input.events);
    return input;
}

QByteArray readFileOrFail(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        QTest::qFail(qPrintable(QStringLiteral("cannot open ") + path), __FILE__, __LINE__);
        return {};
    }
    return f.readAll();
}

namespace {

struct Place
{
    const char* city;
    const char* state;
    const char* country;
    const char* postal;
    double lat, lon;
    const char* ipPrefix;
    int asn;
    const char* asOrg;
    const char* isp;
};

constexpr std::array kPlaces{
    Place{"New York", "New York", "United States", "10013", 40.7157, -74.0, "198.51.100.", 7922, "comcast",
          "Comcast Cable"},
    Place{"San Francisco", "California", "United States", "94105", 37.7898, -122.3942, "203.0.113.", 7018, "at&t",
          "AT&T Services"},
    Place{"Toronto", "Ontario", "Canada", "M4M", 43.6567, -79.34, "142.126.158.", 577, "bell canada", "Bell Canada"},
    Place{"London", "England", "United Kingdom", "EC1A", 51.5164, -0.093, "81.2.69.", 2856, "british telecom", "BT"},
    Place{"Berlin", "Land Berlin", "Germany", "10115", 52.5321, 13.3849, "89.160.20.", 3320, "deutsche telekom",
          "Deutsche Telekom AG"},
    Place{"Paris", "Ile-de-France", "France", "75002", 48.8688, 2.3419, "2.3.4.", 3215, "orange", "Orange S.A."},
    Place{"Sydney", "New South Wales", "Australia", "2000", -33.8678, 151.2073, "1.128.0.", 1221, "telstra", "Telstra"},
    Place{"Bengaluru", "Karnataka", "India", "560001", 12.9719, 77.5937, "49.207.0.", 24309, "atria",
          "Atria Convergence"},
};

constexpr std::array kUserAgents{
    std::array<const char*, 3>{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/120.0.0.0 Safari/537.36",
                               "Mac OS X", "CHROME"},
    std::array<const char*, 3>{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
                               "Windows 10", "EDGE"},
    std::array<const char*, 3>{"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Linux",
                               "FIREFOX"},
    std::array<const char*, 3>{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
                               "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
                               "iOS", "MOBILE_SAFARI"},
};

struct Kind
{
    const char* eventType;
    const char* legacy;
    const char* message;
    const char* result;
    const char* reason;
    const char* severity;
};

constexpr std::array kKinds{
    Kind{"user.session.start", "core.user_auth.login_success", "User login to Okta", "SUCCESS", nullptr, "INFO"},
    Kind{"user.authentication.sso", "app.auth.sso", "User single sign on to app", "SUCCESS", nullptr, "INFO"},
    Kind{"user.authentication.sso", "app.auth.sso", "User single sign on to app", "SUCCESS", nullptr, "INFO"},
    Kind{"user.session.start", "core.user_auth.login_failed", "User login to Okta", "FAILURE", "INVALID_CREDENTIALS",
         "WARN"},
    Kind{"system.push.send_factor_verify_push", nullptr, "A push was sent to a user for verification", "SUCCESS",
         nullptr, "INFO"},
    Kind{"user.authentication.auth_via_mfa", "core.user.factor.attempt_success", "Authentication of user via MFA",
         "SUCCESS", nullptr, "INFO"},
    Kind{"policy.evaluate_sign_on", nullptr, "Evaluation of sign-on policy", "ALLOW",
         "Sign-on policy evaluation resulted in ALLOW", "INFO"},
    Kind{"user.session.end", "core.user_auth.logout_success", "User logout from Okta", "SUCCESS", nullptr, "INFO"},
};

constexpr const char* kHex = "0123456789abcdef";

QByteArray hex(std::mt19937_64& rng, int n)
{
    QByteArray out(n, '0');
    for (int i = 0; i < n; ++i)
        out[i] = kHex[rng() & 15];
    return out;
}

QByteArray token(std::mt19937_64& rng, int n)
{
    static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray out(n, 'a');
    for (int i = 0; i < n; ++i)
        out[i] = kAlnum[rng() % 62];
    return out;
}

} // namespace

SyntheticEventGenerator::SyntheticEventGenerator(int users, quint64 seed, qint64 startMs)
    : m_users(users)
    , m_rng(seed)
    , m_clockMs(startMs)
    , m_trails(size_t(std::max(users, 1)))
{
}

QByteArray SyntheticEventGenerator::next()
{
    ++m_count;
    m_clockMs += qint64(m_rng() % 400);
    const int user = int(m_rng() % quint64(m_users));
    const Place& place = kPlaces[size_t(user) % kPlaces.size()];
    const auto& ua = kUserAgents[size_t(user / 7) % kUserAgents.size()];
    const Kind& kind = kKinds[m_rng() % kKinds.size()];
    const QByteArray ip = QByteArray(place.ipPrefix) + QByteArray::number(1 + user % 250);
    const QByteArray userId = "00u" + QByteArray::number(user, 36).rightJustified(17, '0');
    const QByteArray login = "user" + QByteArray::number(user) + "@corp.example";
    const QByteArray requestId = token(m_rng, 27);
    // Okta's uuids are RFC 4122 version 1: the time fields come from the event's clock (100 ns steps
    // since 1582-10-15), the clock sequence and node vary. The store relies on that order.
    const quint64 ticks = quint64(m_clockMs) * 10000 + 0x01B21DD213814000ull + (m_rng() % 10000);
    const auto hexOf = [](quint64 v, int digits) { return QByteArray::number(v, 16).rightJustified(digits, '0'); };
    const QByteArray uuid = hexOf(ticks & 0xffffffffull, 8) + '-' + hexOf((ticks >> 32) & 0xffff, 4) + '-'
                            + hexOf(((ticks >> 48) & 0x0fff) | 0x1000, 4) + '-' + hexOf((m_rng() & 0x3fff) | 0x8000, 4)
                            + '-' + hex(m_rng, 12);
    char published[64];
    {
        const qint64 secs = m_clockMs / 1000;
        const qint64 days = secs / 86400;
        // civil_from_days, to avoid QDateTime on the generator's hot path
        qint64 z = days + 719468;
        const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
        const unsigned doe = unsigned(z - era * 146097);
        const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const qint64 y = qint64(yoe) + era * 400;
        const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const unsigned mp = (5 * doy + 2) / 153;
        const unsigned d = doy - (153 * mp + 2) / 5 + 1;
        const unsigned m = mp < 10 ? mp + 3 : mp - 9;
        const int sod = int(secs % 86400);
        std::snprintf(published, sizeof published, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                      static_cast<long long>(y + (m <= 2)), m, d, sod / 3600, sod / 60 % 60, sod % 60,
                      int(m_clockMs % 1000));
    }
    const bool newDevice = m_rng() % 20 == 0;
    // A login's events share its Okta session, and a user signs in from the same device until a new one
    // turns up (one sign-in in twenty): per-event random ids would make every event a new session and a
    // new device, which no org sees. The random ids are drawn all the same, so that every other field
    // stays what it was for a given seed.
    UserTrail& trail = m_trails[size_t(user)];
    const bool newLogin =
        std::strcmp(kind.eventType, "user.session.start") == 0 && std::strcmp(kind.result, "SUCCESS") == 0;
    const auto keep = [](QByteArray& kept, const QByteArray& drawn, bool renew) -> const QByteArray& {
        if (renew || kept.isEmpty()) kept = drawn;
        return kept;
    };
    QByteArray e;
    e.reserve(2300);
    e +=
        R"({"actor":{"id":")" + userId + R"(","type":"User","alternateId":")" + login + R"(","displayName":"User )"
        + QByteArray::number(user) + R"(","detailEntry":null},"client":{"userAgent":{"rawUserAgent":")" + ua[0]
        + R"(","os":")" + ua[1] + R"(","browser":")" + ua[2] + R"("},"zone":"null","device":"Computer","id":null,)"
        + R"("ipAddress":")" + ip + R"(","geographicalContext":{"city":")" + place.city + R"(","state":")" + place.state
        + R"(","country":")" + place.country + R"(","postalCode":")" + place.postal + R"(","geolocation":{"lat":)"
        + QByteArray::number(place.lat, 'f', 4) + R"(,"lon":)" + QByteArray::number(place.lon, 'f', 4) + R"(}}},)"
        + R"("device":null,"authenticationContext":{"authenticationProvider":null,"credentialProvider":null,)"
        + R"("credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"rootSessionId":")"
        + keep(trail.rootSessionId, token(m_rng, 25), newLogin) + R"(","externalSessionId":")"
        + keep(trail.externalSessionId, token(m_rng, 25), newLogin) + R"("},"displayMessage":")" + kind.message
        + R"(","eventType":")" + kind.eventType + R"(","outcome":{"result":")" + kind.result + R"(","reason":)"
        + (kind.reason ? '"' + QByteArray(kind.reason) + '"' : QByteArray("null")) + R"(},"published":")" + published
        + R"(","securityContext":{"asNumber":)" + QByteArray::number(place.asn) + R"(,"asOrg":")" + place.asOrg
        + R"(","isp":")" + place.isp + R"(","domain":"example.net","isProxy":false},)" + R"("severity":")"
        + kind.severity + R"(","debugContext":{"debugData":{"authnRequestId":")" + token(m_rng, 27)
        + R"(","deviceFingerprint":")" + keep(trail.deviceFingerprint, hex(m_rng, 32), newDevice) + R"(","dtHash":")"
        + keep(trail.dtHash, hex(m_rng, 64), newDevice) + R"(","requestId":")" + requestId
        + R"(","requestUri":"/idp/idx/identify","threatSuspected":"false",)"
        + R"("behaviors":"{New Geo-Location=NEGATIVE, New Device=)" + (newDevice ? "POSITIVE" : "NEGATIVE")
        + R"(, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}",)"
        + R"("risk":"{reasons=)" + (newDevice ? "Anomalous Device, New Device, " : "") + R"(level=)"
        + (newDevice ? "MEDIUM" : "LOW") + R"(}","url":"/idp/idx/identify?"}},"legacyEventType":)"
        + (kind.legacy ? '"' + QByteArray(kind.legacy) + '"' : QByteArray("null"))
        + R"(,"transaction":{"type":"WEB","id":")" + requestId + R"(","detail":{}},"uuid":")" + uuid
        + R"(","version":"0","request":{"ipChain":[{"ip":")" + ip + R"(","geographicalContext":{"city":")" + place.city
        + R"(","state":")" + place.state + R"(","country":")" + place.country + R"(","postalCode":")" + place.postal
        + R"(","geolocation":{"lat":)" + QByteArray::number(place.lat, 'f', 4) + R"(,"lon":)"
        + QByteArray::number(place.lon, 'f', 4) + R"(}},"version":"V4","source":null}]},"target":[{"id":")" + "lae"
        + token(m_rng, 17) + R"(","type":"AuthenticatorEnrollment","alternateId":"unknown",)"
        + R"("displayName":"Password","detailEntry":null},{"id":"0oa)" + token(m_rng, 17)
        + R"(","type":"AppInstance","alternateId":"Okta Dashboard","displayName":"Okta Dashboard","detailEntry":null}]})";
    return e;
}

QByteArray SyntheticEventGenerator::ndjson(int count)
{
    QByteArray out;
    out.reserve(qsizetype(count) * 2100);
    for (int i = 0; i < count; ++i) {
        out += next();
        out += '\n';
    }
    return out;
}

} // namespace vigil::test

// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/BenignTraffic.h"

#include "core/okta/Timestamp.h"
#include "core/risk/Geo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>

namespace vigil::test {

namespace {

struct City
{
    const char* name;
    const char* state;
    const char* country;
    double lat, lon;
    int utcOffsetHours; // the real zone, not the longitude's guess
    const char* ipPrefix;
    int asn;
    const char* isp;
};

// Offices first: most people live near one.
constexpr std::array kCities{
    City{"New York", "New York", "United States", 40.7157, -74.0, -5, "198.51.100.", 7922, "Comcast Cable"},
    City{"San Francisco", "California", "United States", 37.7898, -122.3942, -8, "203.0.113.", 7018, "AT&T"},
    City{"London", "England", "United Kingdom", 51.5164, -0.093, 0, "81.2.69.", 2856, "British Telecom"},
    City{"Berlin", "Land Berlin", "Germany", 52.5321, 13.3849, 1, "89.160.20.", 3320, "Deutsche Telekom"},
    City{"Toronto", "Ontario", "Canada", 43.6567, -79.34, -5, "142.126.158.", 577, "Bell Canada"},
    City{"Chicago", "Illinois", "United States", 41.8781, -87.6298, -6, "192.0.2.", 7018, "AT&T"},
    City{"Singapore", "Singapore", "Singapore", 1.2897, 103.8501, 8, "175.45.100.", 4773, "MobileOne"},
    City{"Sydney", "New South Wales", "Australia", -33.8678, 151.2073, 10, "1.128.0.", 1221, "Telstra"},
};
constexpr int kOffices = 4;

struct Device
{
    const char* browser;
    const char* os;
    const char* ua;
};

constexpr std::array kDevices{
    Device{"CHROME", "Mac OS X", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/120.0.0.0 Safari/537.36"},
    Device{"EDGE", "Windows 10", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0 Safari/537.36 Edg/120.0"},
    Device{"FIREFOX", "Linux", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"},
};
constexpr Device kPhone{"MOBILE_SAFARI", "iOS",
                        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.1 Mobile/15E148"};

constexpr qint64 kMinute = 60000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

struct Person
{
    QString login;
    int home = 0;
    int device = 0;
    QString ip;
    QString fingerprint;
    int startHour = 8; // local
    bool weekendWorker = false;
    int travelTo = -1; // city index for a Wednesday-Thursday trip
    int newPhoneDay = -1;
};

class Writer
{
public:
    explicit Writer(std::mt19937_64& rng)
        : m_rng(rng)
    {
    }

    QString hex(int n)
    {
        static constexpr char kHex[] = "0123456789abcdef";
        QString s(n, u'0');
        for (int i = 0; i < n; ++i)
            s[i] = QLatin1Char(kHex[m_rng() & 15]);
        return s;
    }

    QJsonObject event(const QString& type,
                      const Person& p,
                      qint64 atMs,
                      const City& where,
                      const QString& ip,
                      const Device& device,
                      const QString& session,
                      const QString& result,
                      const QString& reason = {})
    {
        const double jitterLat = double(m_rng() % 1000) / 20000.0, jitterLon = double(m_rng() % 1000) / 20000.0;
        QJsonObject e{
            {u"uuid"_qs, hex(8) + u'-' + hex(4) + u"-11ee-"_qs + hex(4) + u'-' + hex(12)},
            {u"published"_qs, okta::formatTimestampMs(atMs)},
            {u"eventType"_qs, type},
            {u"severity"_qs, result == u"FAILURE" ? u"WARN"_qs : u"INFO"_qs},
            {u"actor"_qs, QJsonObject{{u"id"_qs, u"00u"_qs + p.login.left(10)},
                                      {u"type"_qs, u"User"_qs},
                                      {u"alternateId"_qs, p.login},
                                      {u"displayName"_qs, p.login.section(u'@', 0, 0)}}},
            {u"client"_qs,
             QJsonObject{{u"ipAddress"_qs, ip},
                         {u"userAgent"_qs, QJsonObject{{u"rawUserAgent"_qs, QString::fromLatin1(device.ua)},
                                                       {u"browser"_qs, QString::fromLatin1(device.browser)},
                                                       {u"os"_qs, QString::fromLatin1(device.os)}}},
                         {u"zone"_qs, u"null"_qs},
                         {u"device"_qs, u"Computer"_qs},
                         {u"geographicalContext"_qs,
                          QJsonObject{{u"city"_qs, QString::fromLatin1(where.name)},
                                      {u"state"_qs, QString::fromLatin1(where.state)},
                                      {u"country"_qs, QString::fromLatin1(where.country)},
                                      {u"geolocation"_qs, QJsonObject{{u"lat"_qs, where.lat + jitterLat},
                                                                      {u"lon"_qs, where.lon + jitterLon}}}}}}},
            {u"outcome"_qs,
             QJsonObject{{u"result"_qs, result}, {u"reason"_qs, reason.isEmpty() ? QJsonValue() : QJsonValue(reason)}}},
            {u"authenticationContext"_qs,
             QJsonObject{{u"externalSessionId"_qs, session.isEmpty() ? u"unknown"_qs : session}}},
            {u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, where.asn},
                                                {u"isp"_qs, QString::fromLatin1(where.isp)},
                                                {u"isProxy"_qs, false}}},
            {u"debugContext"_qs, QJsonObject{{u"debugData"_qs, QJsonObject{{u"threatSuspected"_qs, u"false"_qs}}}}},
        };
        return e;
    }

private:
    std::mt19937_64& m_rng;
};

} // namespace

BenignTraffic::BenignTraffic(int users, quint64 seed)
    : m_users(users)
    , m_rng(seed)
{
}

QList<QByteArray> BenignTraffic::week(qint64 mondayUtcMs)
{
    Writer w(m_rng);
    std::vector<std::pair<qint64, QByteArray>> out;
    m_stats = {};
    m_stats.users = m_users;
    for (int u = 0; u < m_users; ++u) {
        Person p;
        p.login = QStringLiteral("employee%1@corp.example").arg(u);
        p.home = int(m_rng() % 10) < 8 ? int(m_rng() % kOffices) : int(m_rng() % kCities.size());
        p.device = int(m_rng() % kDevices.size());
        const City& home = kCities[size_t(p.home)];
        p.ip = QString::fromLatin1(home.ipPrefix) + QString::number(2 + m_rng() % 250);
        p.fingerprint = w.hex(32);
        p.startHour = 7 + int(m_rng() % 4);
        p.weekendWorker = m_rng() % 10 == 0;
        if (m_rng() % 20 == 0) {
            p.travelTo = int(m_rng() % kOffices);
            if (p.travelTo == p.home) p.travelTo = (p.travelTo + 1) % kOffices;
            ++m_stats.travellers;
        }
        if (m_rng() % 20 == 0) {
            p.newPhoneDay = int(m_rng() % 5);
            ++m_stats.newPhones;
        }
        if (p.weekendWorker) ++m_stats.weekendWorkers;

        int lastCity = p.home;
        qint64 lastSignInUtc = 0;
        for (int day = 0; day < 7; ++day) {
            const bool weekend = day >= 5;
            if (weekend && !p.weekendWorker) continue;
            if (weekend && m_rng() % 2) continue;
            // Travellers fly out early on Wednesday and back on Thursday evening.
            int where = p.home;
            QString ip = p.ip;
            if (p.travelTo >= 0 && (day == 2 || day == 3)) {
                where = p.travelTo;
                ip = QString::fromLatin1(kCities[size_t(where)].ipPrefix) + u"77"_qs; // the hotel
            }
            const City& city = kCities[size_t(where)];
            const qint64 dayStartUtc = mondayUtcMs + day * kDay - city.utcOffsetHours * kHour;
            qint64 t = dayStartUtc + p.startHour * kHour + qint64(m_rng() % 50) * kMinute;
            if (where != lastCity && lastSignInUtc > 0) {
                // A change of city is a flight: 800 km/h plus three hours of airports, both ways.
                const City& from = kCities[size_t(lastCity)];
                const double km = risk::greatCircleKm(from.lat, from.lon, city.lat, city.lon);
                t = std::max(t, lastSignInUtc + qint64(km / 800.0 * kHour) + 3 * kHour);
            }
            lastCity = where;
            const Device& device = p.newPhoneDay == day ? kPhone : kDevices[size_t(p.device)];
            const int signIns = 1 + (m_rng() % 5 == 0 ? 1 : 0);
            for (int s = 0; s < signIns; ++s) {
                // Typos: one wrong password now and then, rarely two.
                const int typos = m_rng() % 12 == 0 ? 1 + int(m_rng() % 8 == 0) : 0;
                if (typos) ++m_stats.typoDays;
                for (int k = typos; k > 0; --k) {
                    QJsonObject f = w.event(u"user.session.start"_qs, p, t - k * 20000, city, ip, device, {},
                                            u"FAILURE"_qs, u"INVALID_CREDENTIALS"_qs);
                    out.emplace_back(t - k * 20000, QJsonDocument(f).toJson(QJsonDocument::Compact));
                }
                const QString session = u"idx"_qs + w.hex(22);
                // Everything after the sign-in happens in its session, from the same place and device.
                const auto log = [&](const QString& type, qint64 at, const QString& result) {
                    out.emplace_back(at, QJsonDocument(w.event(type, p, at, city, ip, device, session, result))
                                             .toJson(QJsonDocument::Compact));
                };
                QJsonObject start = w.event(u"user.session.start"_qs, p, t, city, ip, device, session, u"SUCCESS"_qs);
                if (p.newPhoneDay == day && s == 0) {
                    QJsonObject debug = start.value(u"debugContext").toObject();
                    QJsonObject data = debug.value(u"debugData").toObject();
                    data.insert(u"behaviors"_qs,
                                u"{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE}"_qs);
                    debug.insert(u"debugData"_qs, data);
                    start.insert(u"debugContext"_qs, debug);
                }
                out.emplace_back(t, QJsonDocument(start).toJson(QJsonDocument::Compact));
                lastSignInUtc = t;
                // MFA: one push, accepted; sometimes fumbled once first.
                qint64 m = t + 5000;
                if (m_rng() % 50 == 0) {
                    log(u"system.push.send_factor_verify_push"_qs, m, u"SUCCESS"_qs);
                    m += 15000;
                    log(u"user.mfa.okta_verify.deny_push"_qs, m, u"FAILURE"_qs);
                    m += 10000;
                }
                log(u"system.push.send_factor_verify_push"_qs, m, u"SUCCESS"_qs);
                m += 8000;
                log(u"user.authentication.auth_via_mfa"_qs, m, u"SUCCESS"_qs);
                // The working day: apps by SSO on the same session.
                const int apps = 3 + int(m_rng() % 5);
                for (int a = 0; a < apps; ++a) {
                    const qint64 at = m + (a + 1) * qint64(20 + m_rng() % 60) * kMinute;
                    log(u"user.authentication.sso"_qs, at, u"SUCCESS"_qs);
                }
                t += (4 + qint64(m_rng() % 3)) * kHour; // an afternoon sign-in after the session expired
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    QList<QByteArray> events;
    events.reserve(qsizetype(out.size()));
    for (auto& [at, json] : out)
        events.append(std::move(json));
    return events;
}

} // namespace vigil::test

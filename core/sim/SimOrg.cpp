// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimOrg.h"

#include <array>

namespace vigil::sim {

namespace {

constexpr qint64 kDayMs = 24 * 3600 * 1000LL;

SimPlace place(const char* city,
               const char* state,
               const char* country,
               const char* code,
               const char* postal,
               double lat,
               double lon,
               int offsetMinutes,
               const char* tz,
               const char* ipPrefix,
               int asn,
               const char* asOrg,
               const char* isp,
               bool proxy = false)
{
    SimPlace p;
    p.city = QString::fromUtf8(city);
    p.state = QString::fromUtf8(state);
    p.country = QString::fromUtf8(country);
    p.countryCode = QString::fromLatin1(code);
    p.postalCode = QString::fromLatin1(postal);
    p.lat = lat;
    p.lon = lon;
    p.utcOffsetMinutes = offsetMinutes;
    p.timezone = QString::fromLatin1(tz);
    p.ipPrefix = QString::fromLatin1(ipPrefix);
    p.asNumber = asn;
    p.asOrg = QString::fromUtf8(asOrg);
    p.isp = QString::fromUtf8(isp);
    p.isProxy = proxy;
    return p;
}

const char* const kFirstNames[] = {
    "Ada",    "Ben",    "Chloe", "Dev",  "Elena", "Farid",  "Grace",  "Hiro",  "Ines",  "Jonas", "Kemi",
    "Liam",   "Maya",   "Noah",  "Olga", "Priya", "Quinn",  "Rosa",   "Sam",   "Tariq", "Uma",   "Victor",
    "Wen",    "Ximena", "Yusuf", "Zoe",  "Aaron", "Bianca", "Carlos", "Dana",  "Emeka", "Freya", "Gabriel",
    "Hannah", "Ivan",   "Julia", "Kai",  "Lena",  "Marco",  "Nadia",  "Oscar", "Paula",
};
const char* const kLastNames[] = {
    "Abbott",   "Becker",   "Chen",   "Dubois",   "Eriksen", "Fischer",   "Garcia",   "Hughes", "Ito",     "Jensen",
    "Kowalski", "Lopez",    "Mensah", "Nakamura", "Okafor",  "Patel",     "Quinlan",  "Rossi",  "Schmidt", "Tanaka",
    "Usman",    "Varga",    "Walsh",  "Xu",       "Yilmaz",  "Zhang",     "Andersen", "Brooks", "Costa",   "Dias",
    "Evans",    "Ferreira", "Gupta",  "Haddad",   "Iyer",    "Johansson", "Kim",      "Larsen", "Moreau",  "Novak",
};

struct Department
{
    const char* name;
    const char* costCenter;
    std::array<const char*, 4> titles; // the first is the department's manager title
};
constexpr std::array kDepartments{
    Department{"Engineering",
               "CC-100",
               {"Engineering Manager", "Software Engineer", "Senior Software Engineer", "Site Reliability Engineer"}},
    Department{"Sales", "CC-200", {"Sales Director", "Account Executive", "Sales Engineer", "Sales Development Rep"}},
    Department{"Finance", "CC-300", {"Finance Director", "Financial Analyst", "Accountant", "Payroll Specialist"}},
    Department{"People", "CC-400", {"Head of People", "HR Business Partner", "Recruiter", "People Operations"}},
    Department{"IT", "CC-500", {"IT Manager", "Systems Administrator", "Helpdesk Analyst", "Security Engineer"}},
    Department{
        "Marketing", "CC-600", {"Marketing Director", "Product Marketing Manager", "Content Strategist", "Designer"}},
    Department{
        "Support", "CC-700", {"Support Manager", "Support Engineer", "Customer Success Manager", "Technical Writer"}},
};

struct Browser
{
    const char* ua;
    const char* os;
    const char* browser;
};
constexpr std::array kLaptops{
    Browser{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/122.0.0.0 Safari/537.36",
            "Mac OS X", "CHROME"},
    Browser{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
            "Safari/537.36 Edg/122.0.2365.66",
            "Windows 10", "EDGE"},
    Browser{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
            "Safari/537.36",
            "Windows 10", "CHROME"},
    Browser{"Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", "Linux", "FIREFOX"},
    Browser{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.3.1 Safari/605.1.15",
            "Mac OS X", "SAFARI"},
};
constexpr std::array kPhones{
    Browser{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.3.1 Mobile/15E148 Safari/604.1",
            "iOS", "MOBILE_SAFARI"},
    Browser{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.90 "
            "Mobile Safari/537.36",
            "Android", "CHROME"},
};

} // namespace

const QList<SimPlace>& SimOrg::places()
{
    // Offices first. The IP prefixes, ASNs and ISPs are plausible, not real assignments.
    static const QList<SimPlace> kPlaces{
        place("New York", "New York", "United States", "US", "10013", 40.7157, -74.0, -300, "America/New_York",
              "198.51.100.", 7922, "comcast", "Comcast Cable"),
        place("San Francisco", "California", "United States", "US", "94105", 37.7898, -122.3942, -480,
              "America/Los_Angeles", "203.0.113.", 7018, "at&t", "AT&T Services"),
        place("London", "England", "United Kingdom", "GB", "EC1A", 51.5164, -0.093, 0, "Europe/London", "81.2.69.",
              2856, "british telecom", "BT"),
        place("Berlin", "Land Berlin", "Germany", "DE", "10115", 52.5321, 13.3849, 60, "Europe/Berlin", "89.160.20.",
              3320, "deutsche telekom", "Deutsche Telekom AG"),
        place("Toronto", "Ontario", "Canada", "CA", "M4M", 43.6567, -79.34, -300, "America/Toronto", "142.126.158.",
              577, "bell canada", "Bell Canada"),
        place("Singapore", "Singapore", "Singapore", "SG", "018956", 1.2897, 103.8501, 480, "Asia/Singapore",
              "175.45.100.", 4773, "m1", "MobileOne"),
        place("Chicago", "Illinois", "United States", "US", "60601", 41.8781, -87.6298, -360, "America/Chicago",
              "192.0.2.", 7018, "at&t", "AT&T Services"),
        place("Austin", "Texas", "United States", "US", "78701", 30.2672, -97.7431, -360, "America/Chicago",
              "24.155.30.", 11427, "charter", "Charter Communications"),
        place("Paris", "Ile-de-France", "France", "FR", "75002", 48.8688, 2.3419, 60, "Europe/Paris", "2.3.4.", 3215,
              "orange", "Orange S.A."),
        place("Dublin", "Leinster", "Ireland", "IE", "D02", 53.3498, -6.2603, 0, "Europe/Dublin", "86.40.12.", 5466,
              "eircom", "Eir"),
        place("Sydney", "New South Wales", "Australia", "AU", "2000", -33.8678, 151.2073, 600, "Australia/Sydney",
              "1.128.0.", 1221, "telstra", "Telstra"),
        place("Bengaluru", "Karnataka", "India", "IN", "560001", 12.9719, 77.5937, 330, "Asia/Kolkata", "49.207.0.",
              24309, "atria", "Atria Convergence"),
    };
    return kPlaces;
}

int SimOrg::officeCount()
{
    return 6;
}

const QList<SimPlace>& SimOrg::hostilePlaces()
{
    static const QList<SimPlace> kHostile{
        place("Amsterdam", "North Holland", "Netherlands", "NL", "1012", 52.3759, 4.8975, 60, "Europe/Amsterdam",
              "188.166.12.", 14061, "digitalocean", "DigitalOcean, LLC", true),
        place("Moscow", "Moscow", "Russia", "RU", "101000", 55.7558, 37.6173, 180, "Europe/Moscow", "5.8.18.", 8359,
              "mts", "MTS PJSC"),
        place("Lagos", "Lagos", "Nigeria", "NG", "100001", 6.5244, 3.3792, 60, "Africa/Lagos", "105.112.40.", 36873,
              "airtel", "Airtel Networks"),
        place("Sao Paulo", "Sao Paulo", "Brazil", "BR", "01000", -23.5505, -46.6333, -180, "America/Sao_Paulo",
              "177.54.144.", 28573, "claro", "Claro NXT"),
        place("Frankfurt am Main", "Hesse", "Germany", "DE", "60311", 50.1109, 8.6821, 60, "Europe/Berlin",
              "185.220.101.", 208294, "tor exit", "Tor exit relay", true),
        place("Ho Chi Minh City", "Ho Chi Minh", "Vietnam", "VN", "700000", 10.8231, 106.6297, 420, "Asia/Ho_Chi_Minh",
              "113.161.54.", 45899, "vnpt", "VNPT Corp"),
    };
    return kHostile;
}

QString SimOrg::makeId(std::mt19937_64& rng, const QString& prefix)
{
    static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString id = prefix;
    id.reserve(20);
    while (id.size() < 20)
        id += QLatin1Char(kAlnum[rng() % 62]);
    return id;
}

QString SimOrg::hex(std::mt19937_64& rng, int digits)
{
    static constexpr char kHex[] = "0123456789abcdef";
    QString s(digits, u'0');
    for (int i = 0; i < digits; ++i)
        s[i] = QLatin1Char(kHex[rng() & 15]);
    return s;
}

SimDevice SimOrg::makeDevice(std::mt19937_64& rng, bool mobile)
{
    const Browser& b = mobile ? kPhones[rng() % kPhones.size()] : kLaptops[rng() % kLaptops.size()];
    SimDevice d;
    d.kind = mobile ? QStringLiteral("Mobile") : QStringLiteral("Computer");
    d.userAgent = QString::fromLatin1(b.ua);
    d.os = QString::fromLatin1(b.os);
    d.browser = QString::fromLatin1(b.browser);
    d.fingerprint = hex(rng, 32);
    d.dtHash = hex(rng, 64);
    return d;
}

SimOrg::SimOrg(quint64 seed, int users, qint64 nowMs)
    : m_rng(seed)
{
    users = qMax(users, 2);
    const auto pick = [this](auto& array) -> auto&
    {
        return array[m_rng() % std::size(array)];
    };

    // Groups first, so people can join them as they are created.
    const auto addGroup = [this, nowMs](const QString& name, const QString& description, const QString& type) {
        SimGroup g;
        g.id = makeId(m_rng, u"00g"_qs);
        g.name = name;
        g.description = description;
        g.type = type;
        g.createdMs = nowMs - 900 * kDayMs;
        m_groups.append(g);
        return g.id;
    };
    addGroup(u"Everyone"_qs, u"All users in your organization"_qs, u"BUILT_IN"_qs);
    m_adminGroupId = addGroup(u"Okta Administrators"_qs, u"People with an Okta admin role"_qs, u"OKTA_GROUP"_qs);
    m_stepUpGroupId =
        addGroup(u"Step-Up MFA"_qs, u"Sign-on policy requires a phishing-resistant authenticator for members"_qs,
                 u"OKTA_GROUP"_qs);
    QHash<QString, QString> departmentGroup;
    for (const Department& d : kDepartments) {
        const QString name = QString::fromLatin1(d.name);
        departmentGroup.insert(name, addGroup(name, u"Everyone in "_qs + name, u"OKTA_GROUP"_qs));
    }
    addGroup(u"Slack Users"_qs, u"Assigned by the Slack app"_qs, u"APP_GROUP"_qs);

    const char* const kApps[][2] = {{"slack", "Slack"},
                                    {"salesforce", "Salesforce.com"},
                                    {"github_enterprise", "GitHub Enterprise"},
                                    {"workday", "Workday"},
                                    {"google", "Google Workspace"},
                                    {"zoomus", "Zoom"},
                                    {"atlassian", "Atlassian Cloud"},
                                    {"okta_enduser", "Okta Dashboard"}};
    for (const auto& a : kApps)
        m_apps.append({makeId(m_rng, u"0oa"_qs), QString::fromLatin1(a[0]), QString::fromLatin1(a[1])});

    QHash<QString, int> loginsSeen;
    QHash<QString, QString> departmentManager; // department → manager id
    m_apiTokenId = makeId(m_rng, u"00T"_qs);
    for (int i = 0; i < users; ++i) {
        SimUser u;
        u.id = makeId(m_rng, u"00u"_qs);
        if (i == 0) {
            // The automation's own account: the API token belongs to it (a service account with an admin role).
            u.firstName = u"Vigil"_qs;
            u.lastName = u"Automation"_qs;
            u.login = u"vigil-automation@"_qs + domain();
            u.department = u"IT"_qs;
            u.title = u"Service account"_qs;
            u.serviceAccount = true;
            u.admin = true;
        } else {
            u.firstName = QString::fromLatin1(pick(kFirstNames));
            u.lastName = QString::fromLatin1(pick(kLastNames));
            QString base = u.firstName.toLower() + u'.' + u.lastName.toLower();
            const int n = loginsSeen[base]++;
            if (n > 0) base += QString::number(n + 1);
            u.login = base + u'@' + domain();
            const Department& d = kDepartments[size_t(i - 1) % kDepartments.size()];
            u.department = QString::fromLatin1(d.name);
            u.costCenter = QString::fromLatin1(d.costCenter);
            // The first person of each department manages it; everyone else reports to them.
            if (!departmentManager.contains(u.department)) {
                u.title = QString::fromLatin1(d.titles[0]);
                departmentManager.insert(u.department, u.id);
            } else {
                u.title = QString::fromLatin1(d.titles[1 + m_rng() % 3]);
                u.managerId = departmentManager.value(u.department);
                u.manager = m_users.at(m_byKey.value(u.managerId)).displayName();
            }
            u.admin = u.department == u"IT" && (m_rng() % 3 == 0);
        }
        u.email = u.login;
        u.employeeNumber = QString::number(10000 + i);
        // Eight in ten live near an office.
        u.home = m_rng() % 10 < 8 ? int(m_rng() % quint64(officeCount())) : int(m_rng() % quint64(places().size()));
        const SimPlace& home = places().at(u.home);
        u.homeIp = home.ipPrefix + QString::number(2 + m_rng() % 250);
        u.laptop = makeDevice(m_rng, false);
        u.phone = makeDevice(m_rng, true);
        u.mobilePhone = u"+1 555 01"_qs + QString::number(10 + m_rng() % 90);
        u.workStartMinute = 7 * 60 + int(m_rng() % 180); // 07:00–09:59 local
        u.workMinutes = 7 * 60 + 30 + int(m_rng() % 120);
        u.weekendWorker = m_rng() % 10 == 0;
        u.createdMs = nowMs - qint64(30 + m_rng() % 1500) * kDayMs;
        u.activatedMs = u.createdMs + 3600 * 1000;
        u.statusChangedMs = u.activatedMs;
        u.passwordChangedMs = nowMs - qint64(m_rng() % 90) * kDayMs;
        u.lastUpdatedMs = u.passwordChangedMs;
        u.lastLoginMs = nowMs - qint64(1 + m_rng() % 3) * kDayMs;
        if (!u.serviceAccount) {
            SimFactor push;
            push.id = makeId(m_rng, u"opf"_qs);
            const bool ios = u.phone.os == u"iOS";
            push.platform = ios ? u"IOS"_qs : u"ANDROID"_qs;
            push.deviceType = ios ? u"SmartPhone_IPhone"_qs : u"SmartPhone_Android"_qs;
            push.deviceName = u.firstName + (ios ? u"'s iPhone"_qs : u"'s Pixel"_qs);
            push.credentialId = u.login;
            push.createdMs = u.activatedMs;
            u.factors.append(push);
        }
        // One in a hundred is already suspended (on leave): they never sign in.
        if (!u.serviceAccount && m_rng() % 100 == 0) {
            u.status = u"SUSPENDED"_qs;
            u.statusChangedMs = nowMs - qint64(1 + m_rng() % 60) * kDayMs;
        }
        m_byKey.insert(u.id, m_users.size());
        m_byKey.insert(u.login.toLower(), m_users.size());
        m_users.append(u);
        m_groups[0].members.append(u.id);
        if (u.admin) group(m_adminGroupId)->members.append(u.id);
        if (!u.serviceAccount) group(departmentGroup.value(u.department))->members.append(u.id);
    }
}

SimUser* SimOrg::user(const QString& idOrLogin)
{
    const auto it =
        m_byKey.constFind(idOrLogin.size() == 20 && idOrLogin.startsWith(u"00u") ? idOrLogin : idOrLogin.toLower());
    return it == m_byKey.cend() ? nullptr : &m_users[*it];
}

const SimUser* SimOrg::user(const QString& idOrLogin) const
{
    return const_cast<SimOrg*>(this)->user(idOrLogin);
}

SimGroup* SimOrg::group(const QString& id)
{
    for (SimGroup& g : m_groups) {
        if (g.id == id) return &g;
    }
    return nullptr;
}

QStringList SimOrg::groupsOf(const QString& userId) const
{
    QStringList out;
    for (const SimGroup& g : m_groups) {
        if (g.members.contains(userId)) out.append(g.id);
    }
    return out;
}

} // namespace vigil::sim

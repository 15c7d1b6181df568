// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <random>

namespace vigil::sim {

// A place sign-ins come from: its geography as Okta reports it and the network it is reached through.
struct SimPlace
{
    QString city, state, country, countryCode, postalCode;
    double lat = 0, lon = 0;
    int utcOffsetMinutes = 0; // standard time; the simulation ignores daylight saving
    QString timezone;         // IANA name for the user profile
    QString ipPrefix;         // first three octets and a dot
    int asNumber = 0;
    QString asOrg, isp, domain;
    bool isProxy = false; // a VPN, a hosting provider or Tor
};

struct SimDevice
{
    QString kind; // Okta's client.device: "Computer" or "Mobile"
    QString userAgent, os, browser;
    QString fingerprint; // debugData.deviceFingerprint, 32 hex
    QString dtHash;      // debugData.dtHash, 64 hex
};

struct SimFactor
{
    QString id; // "opf…" for Okta Verify push
    QString factorType = QStringLiteral("push");
    QString provider = QStringLiteral("OKTA");
    QString status = QStringLiteral("ACTIVE");
    QString deviceName, platform, deviceType, credentialId;
    qint64 createdMs = 0;
};

struct SimUser
{
    QString id; // 20 characters, "00u…"
    QString login, email, firstName, lastName;
    QString department, title, employeeNumber, costCenter;
    QString managerId, manager; // the manager's id and displayName, as Okta's profile holds them
    QString mobilePhone;
    int home = 0; // index into SimOrg::places()
    QString homeIp;
    SimDevice laptop, phone;
    int workStartMinute = 9 * 60; // local time
    int workMinutes = 8 * 60;
    bool weekendWorker = false;
    QList<SimFactor> factors;
    QString status = QStringLiteral("ACTIVE");
    qint64 createdMs = 0, activatedMs = 0, statusChangedMs = 0, lastLoginMs = 0, passwordChangedMs = 0,
           lastUpdatedMs = 0;
    bool admin = false;
    bool serviceAccount = false; // the API token's owner: never signs in interactively

    QString displayName() const { return firstName + u' ' + lastName; }
};

struct SimGroup
{
    QString id; // "00g…"
    QString name, description;
    QString type = QStringLiteral("OKTA_GROUP"); // OKTA_GROUP, BUILT_IN or APP_GROUP
    QStringList members;                         // user ids, in the order they joined
    qint64 createdMs = 0;
};

struct SimApp
{
    QString id; // "0oa…"
    QString name, label;
};

// A simulated Okta org, the same for the same seed: people with homes, devices, working hours,
// managers, departments, Okta Verify factors and groups (including the step-up group the response
// engine moves risky users into).
class SimOrg
{
public:
    SimOrg(quint64 seed, int users, qint64 nowMs);

    QString domain() const { return QStringLiteral("corp.example"); }

    const QList<SimUser>& users() const { return m_users; }
    // By id or login (the Users API accepts both).
    SimUser* user(const QString& idOrLogin);
    const SimUser* user(const QString& idOrLogin) const;
    // The account the API token belongs to; lifecycle calls made with the token log it as actor.
    const SimUser& tokenOwner() const { return m_users.first(); }
    QString apiTokenId() const { return m_apiTokenId; }

    const QList<SimGroup>& groups() const { return m_groups; }
    SimGroup* group(const QString& id);
    QString stepUpGroupId() const { return m_stepUpGroupId; }
    QString adminGroupId() const { return m_adminGroupId; }
    QString everyoneGroupId() const { return m_groups.first().id; }
    QStringList groupsOf(const QString& userId) const;

    const QList<SimApp>& apps() const { return m_apps; }

    // Where people live and travel; index 0..officeCount()-1 are offices.
    static const QList<SimPlace>& places();
    static int officeCount();
    // Where attacks come from: hosting providers, VPN exits, Tor, residential proxies abroad.
    static const QList<SimPlace>& hostilePlaces();

    // Okta-style 20-character id: a 3-character prefix and 17 random letters and digits.
    static QString makeId(std::mt19937_64& rng, const QString& prefix);
    static QString hex(std::mt19937_64& rng, int digits);
    // A phone or laptop, with its own fingerprint and device-token hash.
    static SimDevice makeDevice(std::mt19937_64& rng, bool mobile);

private:
    std::mt19937_64 m_rng;
    QList<SimUser> m_users;
    QHash<QString, qsizetype> m_byKey; // id and lower-cased login → index
    QList<SimGroup> m_groups;
    QList<SimApp> m_apps;
    QString m_stepUpGroupId, m_adminGroupId, m_apiTokenId;
};

} // namespace vigil::sim

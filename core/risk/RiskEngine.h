// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/report/Report.h"
#include "core/risk/Baseline.h"
#include "core/risk/Policy.h"
#include "core/risk/SessionTable.h"
#include "core/store/EventStore.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <array>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::risk {

// One reason a user's risk went up, in words an analyst can check.
struct Contribution
{
    QString detection; // an id from detectionIds()
    double points = 0;
    qint64 atMs = 0; // event time
    QString reason;
    QStringList eventUuids;
};

struct Alert
{
    QString id;
    QString user;
    qint64 openedAtMs = 0;
    qint64 lastSeenMs = 0;
    double peakRisk = 0;
    QStringList detections;
    int events = 0;         // distinct events behind the alert
    QSet<QString> eventIds; // their uuids, so that an event behind two findings counts once
    QStringList sourceIps;  // client IPs of the events that raised the risk (at most 16)
    QString userId;         // Okta user id (00u…) when an event of the user's own carried it
};

struct IpFinding
{
    QString ip;
    QStringList detections;
    QSet<QString> usersTargeted;
};

// The risk engine: events in (in `published` order), explainable contributions and alerts out.
//
// Pure: no I/O and no wall clock. Everything runs in event time, so replaying last week's log gives
// the verdicts the live console gave. Not thread-safe; the pipeline owns one per core thread.
class RiskEngine
{
    Q_DECLARE_TR_FUNCTIONS(RiskEngine)

public:
    explicit RiskEngine(Policy policy = Policy::defaults());
    // Users' states live in a deque that the user index points into: an engine can move, not be copied.
    RiskEngine(const RiskEngine&) = delete;
    RiskEngine& operator=(const RiskEngine&) = delete;
    RiskEngine(RiskEngine&&) = default;
    RiskEngine& operator=(RiskEngine&&) = default;

    void process(const okta::LogEvent& event);

    // The user's risk at `atMs` (event time): the capped, decayed sum of their contributions.
    double riskAt(const QString& user, qint64 atMs) const;
    QList<Contribution> contributions(const QString& user) const;
    QList<Alert> alerts() const;
    QList<IpFinding> ipFindings() const;
    qint64 lastEventMs() const { return m_lastEventMs; }
    const Policy& policy() const { return m_policy; }

    // Learned baselines, for the user view and the on-call page; nullptr for a user never seen.
    const UserBaseline* baseline(const QString& user) const;
    qsizetype trackedUsers() const { return m_users.size(); }
    // Baselines changed since the last call, ready for EventStore::saveBaselines(), and those read back
    // from it at start. Unreadable records are skipped (and counted), never fatal.
    QList<store::BaselineRecord> takeChangedBaselines();
    // While false, events are scored but baselines do not learn from them: for re-reading stored events
    // at start, which the restored baselines already counted.
    void setLearning(bool learning) { m_learning = learning; }
    int restoreBaselines(const QList<store::BaselineRecord>& records);

    // Fills the report's users, ips and alerts (as of the last event processed).
    void fillReport(report::Report& report) const;

    static QString severityFor(double risk, const Policy& policy);

private:
    // A sliding window of (event time, text) in time order. Most users never fill one: unlike std::deque,
    // which allocates ~600 bytes as soon as it is constructed, an empty window costs nothing.
    template <typename T> class Window
    {
    public:
        void emplace_back(qint64 atMs, const T& value) { m_items.emplaceBack(atMs, value); }
        const std::pair<qint64, T>& front() const { return m_items.front(); }
        void pop_front() { m_items.removeFirst(); }
        size_t size() const { return size_t(m_items.size()); }
        bool empty() const { return m_items.isEmpty(); }
        void clear() { m_items.clear(); }
        auto begin() const { return m_items.cbegin(); }
        auto end() const { return m_items.cend(); }

    private:
        QList<std::pair<qint64, T>> m_items;
    };

    // Transparent hashing, so that maps keyed by std::string are searched with an event's string_view.
    struct TextHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    // Short text kept inline: an IP address (the longest IPv6 form is 45 characters) costs no allocation.
    // Anything longer goes to the heap whole, so comparisons stay exact.
    class InlineText
    {
    public:
        void assign(std::string_view text)
        {
            if (text.size() < m_inline.size()) {
                std::memcpy(m_inline.data(), text.data(), text.size());
                m_size = quint8(text.size());
                m_long.clear();
            } else {
                m_size = 0;
                m_long.assign(text.data(), text.size());
            }
        }
        std::string_view view() const
        {
            return m_long.empty() ? std::string_view(m_inline.data(), m_size) : std::string_view(m_long);
        }

    private:
        std::array<char, 46> m_inline{};
        quint8 m_size = 0;
        std::string m_long;
    };

    struct SignIn
    {
        qint64 atMs = 0;
        double lat = 0, lon = 0;
        bool hasGeo = false;
        InlineText ip;
        qint64 asn = -1;
        QString place;
        bool anonymized = false;
    };

    struct UserState
    {
        QList<Contribution> contributions;
        double peakRisk = 0;
        QStringList detections;
        Window<QString> failures;    // primary auth failures (ms, uuid)
        Window<QString> pushesSent;  // Okta Verify pushes
        Window<QString> pushRejects; // denied pushes
        qint64 lastBruteForceMs = -1;
        qint64 lastFatigueMs = -1;
        qint64 lastPasswordOkMs = -1;
        SignIn lastSignIn;
        bool hasLastSignIn = false;
        UserBaseline baseline;
        bool baselineChanged = false;
        qint64 factorResetMs = -1;
        qint64 lastAnonymizerMs = -1;
        qint64 lastOffHoursMs = -1;
        qint64 lastGeoMs = -1;
        QString lastGeoCountry;
        qint64 lastThreatMs = -1;
        QString lastDenialTransaction;
        bool fatigueSuccessScored = false;
        QString lastAnonymizerIp;
        int alertIndex = -1;
    };

    struct IpState
    {
        Window<QString> failures;   // (ms, user)
        QSet<QString> sprayedUsers; // users already charged for this IP
        qint64 lastSprayMs = -1;
        IpBaseline baseline;
        bool baselineChanged = false;
    };

    void contribute(const QString& user,
                    const okta::LogEvent& event,
                    const QString& detection,
                    double points,
                    const QString& reason,
                    const QStringList& extraUuids = {});
    struct DetectionSettings
    {
        bool enabled = false;
        double points = 0;
        qint64 windowMs = 0;
    };
    double num(const QString& path) const;
    const QStringList& list(const QString& path) const;
    bool enabled(const QString& detection) const;
    double points(const QString& detection) const;
    qint64 windowMs(const QString& detection) const;

    // The event's actor, looked up once per event by its UTF-8 name: the name as a shared QString, its
    // stableHash, and its state once it has one (the per-event checks used to hash the name three times,
    // twice as a QString).
    struct Actor
    {
        QString name;
        quint64 hash = 0;           // stableHash() of the UTF-8 name
        UserState* state = nullptr; // set when the user has an entry in m_users
        InlineText utf8;            // the name as in events, compared on lookup
    };
    // Actors by UTF-8 name: open addressing on a 64-bit hash, the records in a deque (stable addresses).
    // A lookup reads a 16-byte slot and the record, where std::unordered_map read a bucket, a node and
    // the node's heap string: this ran for every event and its cache misses showed (~5% of parse+score).
    struct ActorSlot
    {
        quint64 hash = 0;
        Actor* actor = nullptr;
    };
    // `hash` is lookupHash(utf8).
    Actor& actorOf(std::string_view utf8, quint64 hash);
    // m_users[user], creating the state if needed.
    UserState& userState(const QString& user);
    UserState& stateOf(Actor& actor)
    {
        if (!actor.state) actor.state = &userState(actor.name);
        return *actor.state;
    }
    // A country's name and the geo_risk verdicts about it (computed on first use).
    struct Country
    {
        QString name;
        qint8 highRisk = -1; // -1 until known
        qint8 allowed = -1;
    };

    void detectPrimaryFailure(Actor& actor, const okta::LogEvent& e);
    void detectMfa(Actor& actor, const okta::LogEvent& e);
    void detectSignIn(Actor& actor, const okta::LogEvent& e);
    void detectThreat(Actor& actor, const okta::LogEvent& e);
    void detectPrivilegeGrant(const okta::LogEvent& e);
    void detectFactorReset(const okta::LogEvent& e);
    void detectAnonymizer(const QString& user, const okta::LogEvent& e, UserState& state, bool anonymized);
    quint8 browserIndex(std::string_view browser);
    // The session table's key for a successful event of a user's session (by externalSessionId or dtHash).
    std::optional<quint64> sessionKey(const okta::LogEvent& e) const;
    void detectSessionHijack(const Actor& actor, const okta::LogEvent& e, quint64 key);
    void detectOffHours(const QString& user, const okta::LogEvent& e, UserState& state);
    bool hasBaseline(const UserState& state) const;
    bool isAnonymized(const okta::LogEvent& e) const;
    bool isHighRiskCountry(const QString& country) const;
    bool isAllowedCountry(const QString& country) const;
    Country& countryOf(std::string_view utf8);
    bool isHighRiskCountry(Country& country) const;
    bool isAllowedCountry(Country& country) const;
    // placeName(city, country) of the event, shared: a few places carry most sign-ins.
    const QString& placeOf(const okta::LogEvent& e, const QString& country);

    // Detections and numeric settings read per event, by index (in the order of kDetectionOrder and
    // kSettingPaths in RiskEngine.cpp): the policy does not change after construction.
    enum class Det
    {
        BruteForce,
        PasswordSpray,
        MfaFatigue,
        MfaFailure,
        GeoRisk,
        Anonymizer,
        OffHours,
        NewDevice,
        ImpossibleTravel,
        ThreatInsight,
        SessionHijack,
        FactorReset,
        PrivilegeGrant,
        Count_
    };
    enum class Setting
    {
        BusinessHoursEndHour,
        BusinessHoursStartHour,
        BruteForceFailures,
        FactorResetWindowHours,
        ImpossibleTravelMaxSpeedKmh,
        ImpossibleTravelMinDistanceKm,
        MfaFatiguePushes,
        MfaFatigueRejections,
        MfaFatigueSuccessAfterPoints,
        OffHoursMinDays,
        OffHoursMinSignins,
        PasswordSprayDistinctUsers,
        Count_
    };
    const DetectionSettings& det(Det d) const { return m_det[size_t(d)]; }
    double setting(Setting s) const { return m_settings[size_t(s)]; }

    Policy m_policy;
    QHash<QString, DetectionSettings> m_detections;
    std::array<DetectionSettings, size_t(Det::Count_)> m_det{};
    std::array<double, size_t(Setting::Count_)> m_settings{};
    QSet<qint64> m_anonymizerAsns;
    // isAnonymized()'s ISP/AS-organisation keyword verdict per "isp asOrg" text (bounded, see there).
    mutable std::unordered_map<std::string, bool, TextHash, std::equal_to<>> m_anonymizerIsps;
    mutable std::string m_ispKey;
    std::vector<ActorSlot> m_actorSlots; // a power of two, at most half full
    std::deque<Actor> m_actorRecords;
    std::unordered_map<std::string, Country, TextHash, std::equal_to<>> m_countries;
    std::unordered_map<std::string, QString, TextHash, std::equal_to<>> m_places; // "city\0country"
    std::string m_placeKey;
    quint8 m_workdays = 0; // business_hours.weekdays as bits, Monday first
    mutable QHash<QString, double> m_numbers;
    mutable QHash<QString, QStringList> m_lists;
    mutable QHash<QString, bool> m_highRiskCountry;
    mutable QHash<QString, bool> m_allowedCountry;
    double m_halfLifeMs;
    double m_alertThreshold;
    QStringList m_alwaysAlert;
    QHash<QString, UserState*> m_users; // into m_userStates
    std::deque<UserState> m_userStates; // stable addresses
    QHash<QString, IpState> m_ips;
    // Okta sessions live at most a day by default: older origins are forgotten to bound memory.
    static constexpr qint64 kSessionLifetimeMs = 24 * 3600000;
    SessionTable m_sessions{kSessionLifetimeMs}; // by sessionKey()
    QList<QByteArray> m_browsers{QByteArray()};  // user-agent browser names seen, for SessionOrigin
    QHash<QString, IpFinding> m_ipFindings;
    QList<Alert> m_alerts;
    qint64 m_lastEventMs = 0;
    bool m_learning = true;
};

} // namespace vigil::risk

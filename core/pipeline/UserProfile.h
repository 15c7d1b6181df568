// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/audit/AuditLog.h"
#include "core/okta/LogEvent.h"
#include "core/response/ResponseEngine.h"
#include "core/response/Suppressions.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace vigil::store {
class EventStore;
}

namespace vigil::pipeline {

struct ConsoleAlert;

// What the console knows about one of the user's alerts, to tell which stored events fed it.
struct UserAlertLink
{
    QString alertId;
    QString user; // the alert's user; links of other users' alerts are ignored
    QStringList detections;
    QStringList sourceIps; // the IPs of the events that raised the risk
    qint64 openedMs = 0;   // event time
    qint64 lastSeenMs = 0;
    // The exact events behind the alert when the caller has them; when empty, an event counts as fed
    // into the alert if it came from one of its source IPs while the alert was gathering events.
    QStringList eventUuids;

    static UserAlertLink from(const ConsoleAlert& alert);
};

// What to load for the user view.
struct UserProfileRequest
{
    QString login;    // the user's Okta login (actor.alternateId)
    qint64 toMs = -1; // end of the window (event time); -1: the newest stored event
    qint64 spanMs = kWeekMs;
    int limit = 5000;            // newest events kept at most; older hours are then left out (see truncated)
    qint64 newWithinMs = kDayMs; // a device or place first seen this close to the end counts as new
    QList<UserAlertLink> alerts; // the user's; others' are left out

    // `alerts` without those of other users.
    QList<UserAlertLink> alertsOfUser() const;

    static constexpr qint64 kHourMs = 3600LL * 1000;
    static constexpr qint64 kDayMs = 24 * kHourMs;
    static constexpr qint64 kWeekMs = 7 * kDayMs;
};

// One of the user's events, reduced to what the timeline shows.
struct UserEvent
{
    enum class Outcome
    {
        Success,
        Failure,
        Other, // challenges, unknown, skipped
    };

    QString uuid;
    qint64 atMs = 0;
    QString eventType;
    QString displayMessage;
    QString outcome; // Okta's outcome.result as written ("SUCCESS", "FAILURE", …)
    QString reason;  // outcome.reason
    Outcome kind = Outcome::Other;
    QString ip;
    QString city, state, country;
    QString client; // "Chrome on Mac OS X · Computer"; the raw user agent when nothing else is known
    QString userAgent;
    QString fingerprint;       // debugData.deviceFingerprint, when Okta gives one
    QString deviceKey;         // which entry of UserProfile::devices
    QString placeKey;          // which entry of UserProfile::places; empty without a city or country
    QStringList alertIds;      // the alerts this event fed (see UserAlertLink)
    QStringList detections;    // their detections
    QStringList oktaBehaviors; // Okta's positive behaviours ("New Device", …)

    QString place() const; // "Berlin, Germany"
};

// A device (fingerprint when Okta gives one, otherwise the user-agent family) or a place, as the
// user view's small lists show them.
struct UserSighting
{
    QString key;
    QString label;  // "Chrome on Windows 10 · Computer" / "Berlin, Germany"
    QString detail; // the fingerprint / the state or region
    qint64 firstSeenMs = 0;
    qint64 lastSeenMs = 0;
    int events = 0;
    int failures = 0;
    bool isNew = false;
    QString newBecause; // why it counts as new, in words
};

// Events per hour (event time), split by outcome, for the timeline's chart.
struct UserHour
{
    qint64 startMs = 0;
    int success = 0;
    int failure = 0;
    int other = 0;
};

// One contribution to a user's risk, read back from ConsoleAlert::reasons ("+45 brute_force: 8 fails…").
struct RiskContribution
{
    int points = 0;
    QString detection; // an id from the risk engine's detections
    QString reason;
    QString alertId; // the alert whose reasons listed it

    // Parses one reason line; a line in another shape keeps its whole text as the reason.
    static RiskContribution parse(const QString& line);
    // The contributions of the user's alerts, newest first, each once (every alert of a user lists the
    // user's recent contributions, so alerts repeat them).
    static QList<RiskContribution> of(const QList<ConsoleAlert>& alerts);
};

// Everything the user view shows that comes from the store, built on the reader thread.
struct UserProfile
{
    QString login;
    QString displayName; // actor.displayName of the newest event that has one
    QString oktaUserId;  // actor.id (00u…), else a target's id, else the responses' user_id
    qint64 fromMs = 0, toMs = 0;
    bool truncated = false;      // more events than the request's limit: the oldest ones are left out
    qint64 coveredFromMs = 0;    // events are complete from here to toMs
    QList<UserEvent> events;     // newest first
    QList<UserSighting> devices; // most recently seen first
    QList<UserSighting> places;
    QList<UserHour> hours;                    // every hour of the window, oldest first
    QList<response::AlertResponse> responses; // the user's, newest first
    QList<response::Suppression> suppressions;
    QList<audit::AuditRecord> audit; // for the user and each of their alerts, newest first
    int rejected = 0;                // stored events the parser could not read
    QString error;
};

// Builds a UserProfile from the store: the user's events (parsed), devices, places and hourly counts,
// the responses and suppressions for the user, and the audit records about the user and their alerts.
// Runs wherever the store's connection lives (the StoreReader's thread).
class UserProfileBuilder
{
    Q_DECLARE_TR_FUNCTIONS(UserProfileBuilder)

public:
    static UserProfile build(const store::EventStore& store, const UserProfileRequest& request);

    // The parts that need no database, for tests and for callers with events at hand. `events` oldest
    // first; fills events, devices, places, hours, displayName and oktaUserId.
    static void addEvents(UserProfile& profile, const QList<okta::LogEvent>& events, const UserProfileRequest& request);
    static UserEvent toUserEvent(const okta::LogEvent& event);
    // Sets each event's alertIds and detections from `alerts` (again, when the console learns of an alert
    // after the events were loaded).
    static void linkAlerts(QList<UserEvent>& events, const QList<UserAlertLink>& alerts);
    static UserEvent::Outcome classify(QStringView outcomeResult);
};

} // namespace vigil::pipeline

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/response/AnalystCommands.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace vigil::pipeline {

class LiveSession;

// One alert as the console shows it: the risk engine's alert joined with the automation's response.
struct ConsoleAlert
{
    QString alertId;
    QString user;
    QString severity;
    double risk = 0; // now (decayed)
    double peakRisk = 0;
    QList<double> riskTrend; // the user's risk at recent snapshots, oldest first
    QStringList detections;
    QStringList reasons; // the contributions behind the score, newest last: "+45 brute_force: …"
    QString state;       // the response's state ("detected" until the automation saw it)
    qint64 deadlineMs = -1;
    qint64 openedMs = 0; // event time
    qint64 lastSeenMs = 0;
    QStringList sourceIps;
    QString country; // of the last event that raised the risk
    QString decision;
    QString stepUp;
    QString ticket;
    QString acknowledgedBy;
    QString assignee; // who took the alert ("assign to me")
    QJsonObject profile;
    int events = 0;
    // The uuids of the events behind the alert, for the user view's "fed alert" column; left empty for
    // alerts of more than kMaxEventUuids events (the view then matches by source IP and time).
    QStringList eventUuids;
    static constexpr int kMaxEventUuids = 200;
};

struct ConsoleUser
{
    QString user;
    double risk = 0;
    QList<double> trend;
    QStringList detections;
    QString lastPlace;
    qint64 lastSeenMs = 0;
};

struct ConsoleSignIn
{
    QString user, ip, city, country;
    double lat = 0, lon = 0;
    double risk = 0;
    qint64 atMs = 0;
    bool success = true;
};

struct ConsoleArc
{
    QString user;
    double fromLat = 0, fromLon = 0, toLat = 0, toLon = 0;
    QString fromPlace, toPlace;
    double speedKmh = 0;
    double risk = 0; // the user's risk right after the sign-in, which colours the arc
    qint64 atMs = 0;
};

// What the console needs to draw, published by the core thread at most ten times a second. Alerts,
// users and health are complete each time; sign-ins, arcs and log lines are what is new since the
// previous snapshot.
struct ConsoleSnapshot
{
    qint64 wallMs = 0;
    qint64 sequence = 0;
    QList<ConsoleAlert> alerts;
    QList<ConsoleUser> topUsers; // by current risk
    int usersWatched = 0;
    QList<ConsoleSignIn> newSignIns;
    QList<ConsoleArc> newArcs;
    QStringList newLogLines;
    QJsonObject health; // IngestHealth::toJson()
    QString mode;       // monitor | enforce
    bool breakerOpen = false;
    qint64 storedEvents = 0;
    qint64 storeBytes = 0;
    int signInsLastMinute = 0;
    int failuresLastMinute = 0;
    // Team mode (a shared PostgreSQL store): whether this console leads the automation, who does, and
    // who else is connected. teamMode is false with the embedded store.
    bool teamMode = false;
    bool teamConnected = false;
    bool teamLeading = false;
    QString teamLeader;
    QStringList teamMembers; // "alice@ws-12", this console included
};

// Runs on the core thread beside a LiveSession: watches the pipeline and the automation, coalesces
// what changed, and publishes snapshots for the UI thread. Commands come back through command().
class ConsoleFeed : public QObject
{
    Q_OBJECT

public:
    explicit ConsoleFeed(LiveSession& session, QObject* parent = nullptr);
    ~ConsoleFeed() override;

    void setInterval(int ms) { m_timer.setInterval(ms); }

public slots:
    // From the UI thread (queued): applies the command and answers with commandFinished().
    void command(const vigil::response::AnalystCommand& command);
    void publishNow();
    // A line for the activity log from elsewhere on the core thread (the demo's attacks).
    void addLogLine(const QString& line);

signals:
    void snapshot(std::shared_ptr<const vigil::pipeline::ConsoleSnapshot> snapshot);
    void commandFinished(const vigil::response::AnalystCommand& command, const vigil::response::CommandResult& result);

private:
    void onBatch(const QList<okta::LogEvent>& events);
    void publish();

    struct State;
    LiveSession& m_session;
    QTimer m_timer;
    std::unique_ptr<State> m_state;
};

} // namespace vigil::pipeline

Q_DECLARE_METATYPE(std::shared_ptr<const vigil::pipeline::ConsoleSnapshot>)
Q_DECLARE_METATYPE(vigil::response::AnalystCommand)
Q_DECLARE_METATYPE(vigil::response::CommandResult)

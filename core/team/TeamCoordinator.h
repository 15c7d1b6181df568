// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/response/AnalystCommands.h"
#include "core/store/PostgresEventStore.h"

#include <QCoreApplication>
#include <QList>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace vigil::team {

class AnswerListener;

// One console connected to the team database, as the status bar lists them.
struct TeamMember
{
    QString memberId; // unique per running console
    QString who;      // "alice@ws-12"
    qint64 pid = 0;
    qint64 lastSeenMs = 0;
    bool leader = false;
};

// What the status bar shows in team mode (the lead wires the widget).
struct TeamStatus
{
    bool teamMode = false;     // false: the embedded SQLite store, nothing else here applies
    bool connected = false;    // this console reaches the team database
    bool leading = false;      // this console runs the automation (timers, outbox, polling)
    QString storeUrl;          // without password
    QString leader;            // who leads ("alice@ws-12"), empty when nobody does right now
    QList<TeamMember> members; // every console seen in the last 30 s, this one included
};

// Team mode's coordination over the shared PostgreSQL database (issue 8), on a connection of its own:
// - Leadership: the console that holds a session-level advisory lock runs the automation. A console
//   that dies loses its session and so the lock at once; one that loses its network is dropped by the
//   server's TCP keep-alives (~25 s); another console takes the lock at its next tick (2 s).
// - Membership: a heartbeat row per console in team_members, for the status bar.
// - Analyst commands: a console that does not lead queues them in team_commands; the leader applies
//   them one at a time through its response engine (the single writer of response state), so two
//   analysts acting on one alert at once get one winner and the other is told who acted. The leader
//   announces each answer (NOTIFY vigil_answers), which the console that asked hears on a connection and
//   thread of its own while it waits (see AnswerListener), so it waits milliseconds, not a polling period.
// - Live sharing: response changes are announced with NOTIFY vigil_responses; the other consoles hear
//   them within milliseconds (QSqlDriver notifications) and re-read the alert. Events any console stored
//   are announced by the store (NOTIFY vigil_events) and passed on as eventsCommitted().
class TeamCoordinator : public QObject
{
    Q_OBJECT

public:
    using CommandHandler = std::function<response::CommandResult(const response::AnalystCommand&)>;

    TeamCoordinator(store::PostgresLocation location, QString who, QObject* parent = nullptr);
    ~TeamCoordinator() override;

    // Tests shorten these; the defaults meet the 30 s takeover with margin.
    void setTickMs(int ms) { m_tick.setInterval(ms); }
    // How long a new leader waits before acting, so that a predecessor that lost its connection (and is
    // about to notice) has finished the call it had in flight.
    void setTakeoverGraceMs(int ms) { m_graceMs = ms; }
    void setApplicationName(const QString& name) { m_applicationName = name; }
    // The leader applies queued commands with this (LiveSession: applyCommand on its response engine).
    void setCommandHandler(CommandHandler handler) { m_handler = std::move(handler); }

    bool start(QString* error);
    void stop();

    bool isLeading() const { return m_leading; }
    QString memberId() const { return m_memberId; }
    TeamStatus status() const;

    // Applies `command` through the leader: here when leading, else queued for the leader and waited
    // for (up to `timeoutMs`). The result says who acted first when someone did.
    response::CommandResult submit(const response::AnalystCommand& command, int timeoutMs = 10000);
    // Announces a change of an alert's response to the other consoles.
    void publishResponse(const QString& alertId, const QString& state, const QString& by);

signals:
    void leadershipChanged(bool leading);
    // Another console changed an alert's response (acknowledged, overridden, assigned, suspended…).
    void sharedResponseChanged(const QString& alertId, const QString& state, const QString& by);
    // A console (possibly this one) committed events, up to `seq` (PostgresEventStore, NOTIFY vigil_events).
    void eventsCommitted(qint64 seq);
    void statusChanged();
    void logLine(const QString& line);

private:
    bool connectToDatabase(QString* error);
    void disconnectFromDatabase();
    void tick();
    void becomeLeader();
    void stepDown(const QString& why);
    void applyQueuedCommands();
    void onNotification(const QString& name, int source, const QVariant& payload);
    bool heartbeat();

    store::PostgresLocation m_location;
    QString m_who;
    QString m_memberId;
    QString m_applicationName;
    QString m_connectionName;
    QSqlDatabase m_db;
    QTimer m_tick;
    QTimer m_grace;
    int m_graceMs = 5000;
    bool m_started = false;
    bool m_holdsLock = false; // the advisory lock is ours (leading once the grace period is over)
    bool m_leading = false;
    bool m_applying = false;
    CommandHandler m_handler;
    mutable QList<TeamMember> m_members;
    qint64 m_startedMs = 0;
    qint64 m_noLockBeforeMs = 0; // after losing the connection, let the others take over first
    std::unique_ptr<AnswerListener> m_answers;
    // Statements run for every command, prepared once per connection (QPSQL prepares and deallocates a
    // statement on the server each time a new query is prepared: three round trips instead of one).
    std::unique_ptr<QSqlQuery> m_queueStatement;
    std::unique_ptr<QSqlQuery> m_pollStatement;
    std::unique_ptr<QSqlQuery> m_answerStatement;
};

// A command result that names who acted first when the command came too late.
response::CommandResult explainConflict(const response::CommandResult& result,
                                        const response::AnalystCommand& command,
                                        const QString& actedBy,
                                        const QString& state);

} // namespace vigil::team

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QLocalServer>
#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace vigil::response {

class ResponseEngine;

// One analyst command, as the console, `vigil alert` and the command socket carry it.
struct AnalystCommand
{
    QString action; // ack, override, suspend, unsuspend, resolve, false-positive, assign, resume-automation
    QString alertId;
    QString reason;
    QString who;              // "alice@ws-12"; recorded in the audit log
    double suppressHours = 0; // false-positive: also suppress the user's alerts for this long
    QStringList suppressDetections;
    QString assignee; // assign: who takes the alert; empty means the analyst giving the command

    QJsonObject toJson() const;
    static AnalystCommand fromJson(const QJsonObject& o);
    static QStringList actions();
};

struct CommandResult
{
    bool ok = false;
    QString message; // what happened, or why not
    QString state;   // the alert's state afterwards
    QJsonObject toJson() const;
    static CommandResult fromJson(const QJsonObject& o);
};

// Applies a command to the engine: the one place that maps command names to engine calls.
CommandResult applyCommand(ResponseEngine& engine, const AnalystCommand& command);

// The local command socket of a running `vigil serve` or console, so that `vigil alert` acts through
// the process that owns the data folder's automation instead of racing it. Restricted to the same OS
// user. One JSON line in, one JSON line out.
class CommandListener : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<CommandResult(const AnalystCommand&)>;
    CommandListener(const QString& dataDir, Handler handler, QObject* parent = nullptr);

    // False (with `error`) when another process already answers for this data folder.
    bool listen(QString* error = nullptr);
    QString serverName() const { return m_name; }

    // The socket name for a data folder (stable for the folder's canonical path).
    static QString serverNameFor(const QString& dataDir);
    // Sends `command` to whoever listens for `dataDir`; nullopt when nobody does.
    static std::optional<CommandResult>
    send(const QString& dataDir, const AnalystCommand& command, int timeoutMs = 10000, QString* error = nullptr);

private:
    void onConnection();

    QString m_name;
    Handler m_handler;
    QLocalServer m_server;
};

} // namespace vigil::response

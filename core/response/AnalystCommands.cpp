// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/response/AnalystCommands.h"

#include "core/response/ResponseEngine.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QPointer>

namespace vigil::response {

QJsonObject AnalystCommand::toJson() const
{
    return QJsonObject{{u"action"_qs, action},
                       {u"alert_id"_qs, alertId},
                       {u"reason"_qs, reason},
                       {u"who"_qs, who},
                       {u"suppress_hours"_qs, suppressHours},
                       {u"suppress_detections"_qs, QJsonArray::fromStringList(suppressDetections)},
                       {u"assignee"_qs, assignee}};
}

AnalystCommand AnalystCommand::fromJson(const QJsonObject& o)
{
    AnalystCommand c;
    c.action = o.value(u"action").toString();
    c.alertId = o.value(u"alert_id").toString();
    c.reason = o.value(u"reason").toString();
    c.who = o.value(u"who").toString();
    c.suppressHours = o.value(u"suppress_hours").toDouble();
    for (const QJsonValue& d : o.value(u"suppress_detections").toArray())
        c.suppressDetections.append(d.toString());
    c.assignee = o.value(u"assignee").toString();
    return c;
}

QStringList AnalystCommand::actions()
{
    return {u"ack"_qs,     u"override"_qs,       u"suspend"_qs, u"unsuspend"_qs,
            u"resolve"_qs, u"false-positive"_qs, u"assign"_qs,  u"resume-automation"_qs};
}

QJsonObject CommandResult::toJson() const
{
    return QJsonObject{{u"ok"_qs, ok}, {u"message"_qs, message}, {u"state"_qs, state}};
}

CommandResult CommandResult::fromJson(const QJsonObject& o)
{
    return CommandResult{o.value(u"ok").toBool(), o.value(u"message").toString(), o.value(u"state").toString()};
}

CommandResult applyCommand(ResponseEngine& engine, const AnalystCommand& c)
{
    CommandResult result;
    QString error;
    if (c.who.trimmed().isEmpty()) {
        result.message = QCoreApplication::translate("AnalystCommand", "a command must say who gives it");
        return result;
    }
    if (c.action == u"ack") {
        result.ok = engine.acknowledge(c.alertId, c.who, c.reason, &error);
    } else if (c.action == u"override") {
        result.ok = engine.overrideSuspension(c.alertId, c.who, c.reason, &error);
    } else if (c.action == u"suspend") {
        result.ok = engine.suspendNow(c.alertId, c.who, c.reason, &error);
    } else if (c.action == u"unsuspend") {
        result.ok = engine.unsuspend(c.alertId, c.who, c.reason, &error);
    } else if (c.action == u"resolve") {
        result.ok = engine.resolve(c.alertId, c.who, c.reason, &error);
    } else if (c.action == u"false-positive") {
        const std::optional<AlertResponse> before = engine.response(c.alertId);
        result.ok = engine.falsePositive(c.alertId, c.who, c.reason, &error);
        if (result.ok && c.suppressHours > 0 && before) {
            const qint64 until = engine.nowMs() + qint64(c.suppressHours * 3600000.0);
            const std::optional<Suppression> s =
                engine.suppress(before->user, c.suppressDetections, c.who, c.reason, until, c.alertId, &error);
            if (!s) {
                result.message =
                    QCoreApplication::translate("AnalystCommand", "marked a false positive, but not suppressed: %1")
                        .arg(error);
                result.state = engine.response(c.alertId)->state;
                return result;
            }
        }
    } else if (c.action == u"assign") {
        result.ok = engine.assign(c.alertId, c.who, c.assignee.isEmpty() ? c.who : c.assignee, &error);
    } else if (c.action == u"resume-automation") {
        result.ok = engine.resumeAutomation(c.who, c.reason, &error);
    } else {
        error = QCoreApplication::translate("AnalystCommand", "unknown command '%1' (one of: %2)")
                    .arg(c.action, AnalystCommand::actions().join(u", "));
    }
    if (const std::optional<AlertResponse> r = engine.response(c.alertId)) result.state = r->state;
    result.message = result.ok ? QCoreApplication::translate("AnalystCommand", "%1 %2: now %3")
                                     .arg(c.action, c.alertId.isEmpty() ? u"automation"_qs : c.alertId,
                                          result.state.isEmpty() ? u"running"_qs : result.state)
                               : error;
    return result;
}

CommandListener::CommandListener(const QString& dataDir, Handler handler, QObject* parent)
    : QObject(parent)
    , m_name(serverNameFor(dataDir))
    , m_handler(std::move(handler))
{
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    connect(&m_server, &QLocalServer::newConnection, this, &CommandListener::onConnection);
}

QString CommandListener::serverNameFor(const QString& dataDir)
{
    const QString canonical = QFileInfo(dataDir).canonicalFilePath();
    const QByteArray key = (canonical.isEmpty() ? QDir::cleanPath(dataDir) : canonical).toUtf8();
    return u"vigil-"_qs
           + QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24));
}

bool CommandListener::listen(QString* error)
{
    // A live listener answers a connection; a stale socket file from a crash does not and is removed.
    QLocalSocket probe;
    probe.connectToServer(m_name);
    if (probe.waitForConnected(500)) {
        if (error) *error = tr("another Vigil process already takes commands for this data folder");
        return false;
    }
    QLocalServer::removeServer(m_name);
    if (!m_server.listen(m_name)) {
        if (error) *error = m_server.errorString();
        return false;
    }
    return true;
}

void CommandListener::onConnection()
{
    while (QLocalSocket* socket = m_server.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > 64 * 1024) socket->abort(); // not a command
                return;
            }
            const QJsonObject request = QJsonDocument::fromJson(socket->readLine()).object();
            const CommandResult result = m_handler(AnalystCommand::fromJson(request));
            socket->write(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact) + '\n');
            socket->disconnectFromServer();
        });
    }
}

std::optional<CommandResult>
CommandListener::send(const QString& dataDir, const AnalystCommand& command, int timeoutMs, QString* error)
{
    QLocalSocket socket;
    socket.connectToServer(serverNameFor(dataDir));
    if (!socket.waitForConnected(1000)) return std::nullopt;
    socket.write(QJsonDocument(command.toJson()).toJson(QJsonDocument::Compact) + '\n');
    socket.flush();
    QByteArray line;
    QElapsedTimer timer;
    timer.start();
    while (!socket.canReadLine() && timer.elapsed() < timeoutMs) {
        if (!socket.waitForReadyRead(int(timeoutMs - timer.elapsed()))
            && socket.state() != QLocalSocket::ConnectedState)
            break;
    }
    if (!socket.canReadLine()) {
        if (error) *error = tr("the running Vigil did not answer in time");
        CommandResult r;
        r.message = tr("the running Vigil did not answer in time");
        return r;
    }
    return CommandResult::fromJson(QJsonDocument::fromJson(socket.readLine()).object());
}

} // namespace vigil::response

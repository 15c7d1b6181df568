// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/AlertCommand.h"

#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "core/audit/AuditLog.h"
#include "core/okta/Timestamp.h"
#include "core/response/AnalystCommands.h"
#include "core/response/ResponseEngine.h"
#include "core/store/DataLocation.h"
#include "core/store/SqliteEventStore.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSqlError>
#include <QSqlQuery>

namespace vigil::app {

namespace {

QString countdown(qint64 deadlineMs)
{
    if (deadlineMs < 0) return u"-"_qs;
    const qint64 left = std::max<qint64>(0, deadlineMs - QDateTime::currentMSecsSinceEpoch()) / 1000;
    return QStringLiteral("%1:%2").arg(left / 60).arg(left % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

int AlertCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Lists alerts or acts on one, as an analyst does in the console. Every command is recorded in the audit "
           "log with who gave it (OS user and host) and why.\n"
           "  list                 open alerts with their state and countdown (--all: closed ones too)\n"
           "  ack ID               acknowledge: stops the auto-suspension countdown\n"
           "  override ID          cancel the pending suspension (reason required)\n"
           "  suspend ID           suspend the account now (enforce mode)\n"
           "  unsuspend ID         give the account back\n"
           "  resolve ID           close the alert\n"
           "  false-positive ID    close it as a false positive (reason required; --suppress-hours to silence "
           "the user's alerts for a while)\n"
           "  resume-automation    close the circuit breaker (reason required)"));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption dataDir(u"data-dir"_qs, tr("The folder holding Vigil's database."), tr("DIR"));
    const QCommandLineOption reason(u"reason"_qs, tr("Why: recorded in the audit log."), tr("TEXT"));
    const QCommandLineOption suppressHours(u"suppress-hours"_qs,
                                           tr("With false-positive: suppress the user's alerts for H hours."), tr("H"));
    const QCommandLineOption detections(
        u"detections"_qs, tr("With --suppress-hours: only these detections (comma-separated)."), tr("LIST"));
    const QCommandLineOption all(u"all"_qs, tr("With list: closed alerts too."));
    const QCommandLineOption policyOption(u"policy"_qs, tr("With no Vigil running: the policy to apply."), tr("FILE"));
    const QCommandLineOption mode(
        u"mode"_qs, tr("With no Vigil running: monitor or enforce (default: the policy's response.mode)."), tr("MODE"));
    parser.addOptions({help, dataDir, reason, suppressHours, detections, all, policyOption, mode});
    parser.addPositionalArgument(u"command"_qs,
                                 tr("list, or one of: %1").arg(response::AnalystCommand::actions().join(u", ")));
    parser.addPositionalArgument(u"id"_qs, tr("The alert id (from 'vigil alert list' or the console)."));
    auto usage = [&](const QString& problem) { return usageError(parser, u"alert"_qs, problem); };
    if (const std::optional<int> stop = parseCommand(parser, help, arguments, u"alert"_qs, 2)) return *stop;

    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    if (action != u"list" && !response::AnalystCommand::actions().contains(action))
        return usage(tr("say 'list' or one of: %1").arg(response::AnalystCommand::actions().join(u", ")));
    const bool needsId = action != u"list" && action != u"resume-automation";
    if (needsId && positional.size() != 2) return usage(tr("'%1' needs the alert id").arg(action));
    if (!needsId && positional.size() != 1) return usage(tr("'%1' takes no alert id").arg(action));
    const bool reasonRequired = action == u"override" || action == u"false-positive" || action == u"suspend"
                                || action == u"unsuspend" || action == u"resume-automation";
    if (reasonRequired && parser.value(reason).trimmed().isEmpty())
        return usage(tr("'%1' needs --reason TEXT").arg(action));
    double hours = 0;
    if (parser.isSet(suppressHours)) {
        bool ok = false;
        hours = parser.value(suppressHours).toDouble(&ok);
        if (!ok || hours <= 0 || action != u"false-positive")
            return usage(tr("--suppress-hours takes a positive number of hours, with false-positive"));
    }

    QString error;
    const QString dir = store::resolveDataDir(parser.value(dataDir), &error);
    const QString file = QDir(dir).filePath(store::SqliteEventStore::defaultFileName());
    if (dir.isEmpty() || !QFileInfo::exists(file)) {
        printErr(tr("vigil alert: no Vigil database in %1\n").arg(dir.isEmpty() ? parser.value(dataDir) : dir));
        return ExitFailure;
    }

    if (action == u"list") {
        store::SqliteEventStore db(file);
        if (!db.open(&error)) {
            printErr(tr("vigil alert: %1\n").arg(error));
            return ExitFailure;
        }
        QSqlQuery q(db.database());
        if (!q.exec(u"SELECT data FROM responses WHERE alert_id <> 'circuit-breaker' ORDER BY opened_ms"_qs)) {
            printErr(tr("vigil alert: %1\n").arg(q.lastError().text()));
            return ExitFailure;
        }
        int shown = 0;
        printOut(tr("%1  %2  %3  %4  %5  %6\n")
                     .arg(tr("alert").leftJustified(36), tr("user").leftJustified(30), tr("severity").leftJustified(8),
                          tr("risk").rightJustified(4), tr("state").leftJustified(20), tr("countdown")));
        while (q.next()) {
            const response::AlertResponse r =
                response::AlertResponse::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
            if (!parser.isSet(all) && !r.isOpen()) continue;
            ++shown;
            printOut(QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                         .arg(r.alertId.leftJustified(36), r.user.leftJustified(30), r.severity.leftJustified(8))
                         .arg(qRound(r.peakRisk), 4)
                         .arg(r.state.leftJustified(20),
                              r.state == u"suspension_pending" ? countdown(r.deadlineMs) : u"-"_qs));
        }
        if (shown == 0) printOut(parser.isSet(all) ? tr("no alerts\n") : tr("no open alerts\n"));
        return ExitOk;
    }

    response::AnalystCommand command;
    command.action = action;
    command.alertId = positional.value(1);
    command.reason = parser.value(reason);
    command.who = audit::AuditLog::currentOperator();
    command.suppressHours = hours;
    if (parser.isSet(detections)) command.suppressDetections = parser.value(detections).split(u',', Qt::SkipEmptyParts);

    // A running Vigil owns the automation for this folder: it applies the command.
    if (std::optional<response::CommandResult> result = response::CommandListener::send(dir, command)) {
        (result->ok ? printOut(result->message + u'\n') : printErr(tr("vigil alert: %1\n").arg(result->message)));
        return result->ok ? ExitOk : ExitFailure;
    }
    // Nobody running: apply it here. The calls it needs are stored in the outbox, and the next run
    // sends them (monitor mode unless the policy says enforce, as `vigil serve` would).
    store::SqliteEventStore db(file);
    if (!db.open(&error)) {
        printErr(tr("vigil alert: %1\n").arg(error));
        return ExitFailure;
    }
    const std::optional<risk::Policy> policy = loadPolicy(parser.value(policyOption), u"alert"_qs);
    if (!policy) return ExitUsage;
    const QString modeValue = parser.isSet(mode)
                                  ? parser.value(mode)
                                  : policy->json().value(u"response").toObject().value(u"mode").toString();
    if (modeValue != u"monitor" && modeValue != u"enforce") return usage(tr("--mode must be monitor or enforce"));
    QNetworkAccessManager network;
    audit::AuditLog log(db.database());
    response::Outbox outbox(db.database(), network, log);
    response::ResponseSettings settings;
    settings.commandsOnly = true;
    settings.mode = modeValue == u"enforce" ? response::Mode::Enforce : response::Mode::Monitor;
    response::ResponseEngine engine(db.database(), outbox, log, *policy, settings);
    engine.start();
    const int pendingBefore = outbox.pendingCount();
    const response::CommandResult result = response::applyCommand(engine, command);
    if (!result.ok) {
        printErr(tr("vigil alert: %1\n").arg(result.message));
        return ExitFailure;
    }
    printOut(result.message + u'\n');
    if (const int queued = outbox.pendingCount() - pendingBefore; queued > 0) {
        printOut(tr("no Vigil is running on %1: %n call(s) to Okta or PagerDuty wait in the outbox for the next "
                    "'vigil serve' or console\n",
                    nullptr, queued)
                     .arg(dir));
    }
    return ExitOk;
}

} // namespace vigil::app

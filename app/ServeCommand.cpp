// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/ServeCommand.h"

#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "core/okta/Timestamp.h"
#include "core/pipeline/LiveSession.h"
#include "core/store/DataLocation.h"
#include "core/store/PostgresEventStore.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSocketNotifier>
#include <QTimer>

#if defined(Q_OS_UNIX)
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace vigil::app {

namespace {

#if defined(Q_OS_UNIX)
// SIGTERM/SIGINT arrive on any thread at any moment; the handler only writes a byte to a socket that
// the event loop watches, and the loop then stops cleanly (the classic self-pipe).
int g_signalSocket[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalSocket[0], &byte, 1);
}
#endif

void logLine(const QString& line)
{
    printOut(QStringLiteral("%1 %2\n").arg(okta::formatTimestampMs(QDateTime::currentMSecsSinceEpoch()), line));
}

// "127.0.0.1:8787", "[::1]:8787" or ":8787" (loopback).
bool parseListen(const QString& text, okta::HookReceiverSettings& out)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0) return false;
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535) return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']')) host = host.mid(1, host.size() - 2);
    out.address = host.isEmpty() ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
    out.port = quint16(port);
    return !out.address.isNull();
}

QJsonObject teamJson(const team::TeamStatus& t)
{
    QJsonArray members;
    for (const team::TeamMember& m : t.members)
        members.append(QJsonObject{{u"who"_qs, m.who}, {u"pid"_qs, m.pid}, {u"leader"_qs, m.leader}});
    return QJsonObject{{u"store"_qs, t.storeUrl},
                       {u"connected"_qs, t.connected},
                       {u"leading"_qs, t.leading},
                       {u"leader"_qs, t.leader},
                       {u"members"_qs, members}};
}

} // namespace

int ServeCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Runs Vigil's live pipeline without a window: polls the Okta System Log (and receives Event Hooks with "
           "--hook-listen), scores every user and logs one line per state change plus a periodic health line.\n"
           "Secrets come from the environment: VIGIL_OKTA_TOKEN (SSWS API token), VIGIL_HOOK_SECRET (the Event "
           "Hook authorization value), VIGIL_PAGERDUTY_ROUTING_KEY, VIGIL_PAGERDUTY_API_TOKEN, "
           "VIGIL_NOTIFY_WEBHOOK_URL (a Slack or Teams incoming webhook), VIGIL_JIRA_URL with VIGIL_JIRA_EMAIL, "
           "VIGIL_JIRA_API_TOKEN and VIGIL_JIRA_PROJECT (incident tickets; or VIGIL_TICKET_WEBHOOK_URL).\n"
           "SIGTERM or SIGINT stop it cleanly."));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption oktaUrl(u"okta-url"_qs, tr("The Okta org, e.g. https://acme.okta.com."), tr("URL"));
    const QCommandLineOption dataDir(u"data-dir"_qs, tr("Keep Vigil's database in DIR."), tr("DIR"));
    const QCommandLineOption policyOption(u"policy"_qs, tr("The risk policy to apply."), tr("FILE"));
    const QCommandLineOption mode(u"mode"_qs, tr("monitor (record what would be done) or enforce."), tr("MODE"));
    const QCommandLineOption pagerDutyUrl(u"pagerduty-url"_qs, tr("Replaces https://events.pagerduty.com."), tr("URL"));
    const QCommandLineOption suspendDelay(u"auto-suspend-delay"_qs, tr("Seconds before an automatic suspension."),
                                          tr("SECONDS"));
    const QCommandLineOption hookListen(u"hook-listen"_qs, tr("Receive Okta Event Hooks on ADDR:PORT."),
                                        tr("ADDR:PORT"));
    const QCommandLineOption healthEvery(u"health-interval"_qs, tr("Seconds between health lines (default 60)."),
                                         tr("SECONDS"), u"60"_qs);
    const QCommandLineOption noPoll(u"no-poll"_qs, tr("Only receive Event Hooks; do not poll the System Log."));
    const QCommandLineOption storeOption = teamStoreOption();
    parser.addOptions({help, oktaUrl, dataDir, policyOption, mode, pagerDutyUrl, suspendDelay, hookListen, healthEvery,
                       noPoll, storeOption});
    auto usage = [&](const QString& problem) { return usageError(parser, u"serve"_qs, problem); };
    if (const std::optional<int> stop = parseCommand(parser, help, arguments, u"serve"_qs)) return *stop;
    const bool polling = !parser.isSet(noPoll);
    if (polling && !parser.isSet(oktaUrl)) return usage(tr("--okta-url URL is required"));
    if (!parser.isSet(hookListen) && !polling) return usage(tr("--no-poll needs --hook-listen"));
    const std::optional<risk::Policy> policyForMode = loadPolicy(parser.value(policyOption), u"serve"_qs);
    if (!policyForMode) return ExitUsage;
    const QString modeValue = parser.isSet(mode)
                                  ? parser.value(mode)
                                  : policyForMode->json().value(u"response").toObject().value(u"mode").toString();
    if (modeValue != u"monitor" && modeValue != u"enforce") return usage(tr("--mode must be monitor or enforce"));
    bool ok = false;
    const int healthSeconds = parser.value(healthEvery).toInt(&ok);
    if (!ok || healthSeconds < 1) return usage(tr("--health-interval must be a whole number of seconds"));

    pipeline::LiveSessionSettings settings;
    const std::optional<risk::Policy> policy = loadPolicy(parser.value(policyOption), u"serve"_qs);
    if (!policy) return ExitUsage;
    settings.policy = *policy;
    settings.poll = polling;
    settings.orgUrl = parser.value(oktaUrl);
    settings.token = qgetenv("VIGIL_OKTA_TOKEN");
    settings.oauthClientId = qEnvironmentVariable("VIGIL_OKTA_CLIENT_ID");
    if (!settings.oauthClientId.isEmpty()) {
        QFile key(qEnvironmentVariable("VIGIL_OKTA_PRIVATE_KEY_FILE"));
        if (!key.open(QIODevice::ReadOnly)) {
            printErr(tr("vigil serve: VIGIL_OKTA_CLIENT_ID is set but VIGIL_OKTA_PRIVATE_KEY_FILE cannot be read: %1\n")
                         .arg(key.errorString()));
            return ExitFailure;
        }
        settings.oauthPrivateKeyPem = key.readAll();
        settings.oauthKeyId = qEnvironmentVariable("VIGIL_OKTA_KEY_ID");
    }
    if (parser.isSet(hookListen)) {
        okta::HookReceiverSettings hooks;
        if (!parseListen(parser.value(hookListen), hooks)) return usage(tr("--hook-listen must be ADDR:PORT"));
        hooks.secret = qgetenv("VIGIL_HOOK_SECRET");
        if (hooks.secret.isEmpty()) {
            printErr(tr("vigil serve: VIGIL_HOOK_SECRET is not set: every Event Hook delivery will be refused\n"));
        }
        settings.hooks = hooks;
    }
    settings.mode = modeValue == u"enforce" ? response::Mode::Enforce : response::Mode::Monitor;
    if (parser.isSet(suspendDelay)) {
        const int seconds = parser.value(suspendDelay).toInt(&ok);
        if (!ok || seconds < 1) return usage(tr("--auto-suspend-delay must be a whole number of seconds"));
        settings.autoSuspendDelayMs = qint64(seconds) * 1000;
    }
    if (parser.isSet(pagerDutyUrl)) {
        // The simulated tenant serves the Events API and the REST API on one address.
        settings.pagerDutyEventsUrl = parser.value(pagerDutyUrl);
        settings.pagerDutyRestUrl = parser.value(pagerDutyUrl);
    }
    settings.pagerDutyRoutingKey = qgetenv("VIGIL_PAGERDUTY_ROUTING_KEY");
    settings.pagerDutyApiToken = qgetenv("VIGIL_PAGERDUTY_API_TOKEN");
    settings.notifyWebhookUrl = qEnvironmentVariable("VIGIL_NOTIFY_WEBHOOK_URL");
    settings.jiraUrl = qEnvironmentVariable("VIGIL_JIRA_URL");
    settings.jiraEmail = qEnvironmentVariable("VIGIL_JIRA_EMAIL");
    settings.jiraApiToken = qgetenv("VIGIL_JIRA_API_TOKEN");
    settings.jiraProject = qEnvironmentVariable("VIGIL_JIRA_PROJECT");
    if (qEnvironmentVariableIsSet("VIGIL_JIRA_ISSUE_TYPE"))
        settings.jiraIssueType = qEnvironmentVariable("VIGIL_JIRA_ISSUE_TYPE");
    settings.ticketWebhookUrl = qEnvironmentVariable("VIGIL_TICKET_WEBHOOK_URL");
    QString error;
    settings.dataDir = store::resolveDataDir(parser.value(dataDir), &error);
    if (settings.dataDir.isEmpty()) {
        printErr(tr("vigil serve: %1\n").arg(error));
        return ExitFailure;
    }

    if (parser.isSet(storeOption)) {
        const std::optional<store::PostgresLocation> where = teamStore(parser.value(storeOption), &error);
        if (!where) return usage(tr("--store: %1").arg(error));
        settings.storeUrl = parser.value(storeOption);
        settings.storePassword = where->password;
    }

    pipeline::LiveSession session(settings);
    QObject::connect(&session, &pipeline::LiveSession::logLine, &session, &logLine);
    int exitCode = ExitOk;
    QObject::connect(&session, &pipeline::LiveSession::failed, &session, [&exitCode](const QString& reason) {
        logLine(tr("stopping: %1").arg(reason));
        exitCode = ExitFailure;
        QCoreApplication::exit(ExitFailure);
    });
    if (!session.start(&error)) {
        printErr(tr("vigil serve: %1\n").arg(error));
        return ExitFailure;
    }
    logLine(tr("serving in %1 mode; data in %2")
                .arg(modeValue, session.team() ? session.storeDescription() : settings.dataDir));

    // The same health object goes to the log and to status.json, which `vigil status` reads.
    const QString statusFile = QDir(settings.dataDir).filePath(u"status.json"_qs);
    auto writeStatus = [&session, &statusFile, modeValue](bool running) {
        QJsonObject o = session.pipeline().health().toJson();
        o.insert(u"running"_qs, running);
        o.insert(u"pid"_qs, qint64(QCoreApplication::applicationPid()));
        o.insert(u"mode"_qs, modeValue);
        if (session.team()) o.insert(u"team"_qs, teamJson(session.teamStatus()));
        o.insert(u"updated"_qs, okta::formatTimestampMs(QDateTime::currentMSecsSinceEpoch()));
        QSaveFile f(statusFile);
        if (f.open(QIODevice::WriteOnly)) {
            f.write(QJsonDocument(o).toJson());
            f.commit();
        }
    };
    QTimer health;
    QObject::connect(&health, &QTimer::timeout, &session, [&session, &writeStatus] {
        logLine(tr("health: %1").arg(session.pipeline().health().summary()));
        writeStatus(true);
    });
    writeStatus(true);
    health.start(healthSeconds * 1000);

#if defined(Q_OS_UNIX)
    std::unique_ptr<QSocketNotifier> notifier;
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalSocket) == 0) {
        notifier = std::make_unique<QSocketNotifier>(g_signalSocket[1], QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &session, [] {
            char byte = 0;
            [[maybe_unused]] const auto got = ::read(g_signalSocket[1], &byte, 1);
            logLine(tr("stopping on request"));
            QCoreApplication::exit(ExitOk);
        });
        struct sigaction action = {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGINT, &action, nullptr);
    }
#endif
    const int loopCode = QCoreApplication::exec();
    session.stop();
    logLine(tr("stopped: %1").arg(session.pipeline().health().summary()));
    writeStatus(false);
    return loopCode != ExitOk ? loopCode : exitCode;
}

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/CommandLine.h"

#include "app/AlertCommand.h"
#include "app/AuditCommand.h"
#include "app/CommandSupport.h"
#include "app/PolicyCommand.h"
#include "app/ReplayCommand.h"
#include "app/ReportCommand.h"
#include "app/ServeCommand.h"
#include "app/StatusCommand.h"

#include <QCommandLineParser>

#include <cstdio>
#include <cstring>

namespace vigil::app {

namespace {

struct CommandInfo
{
    const char* name;
    const char* summary;
};

// Commands land here as their issues do (audit and status are still to come).
constexpr CommandInfo kCommands[] = {
    {"replay", QT_TRANSLATE_NOOP("CommandLine", "Replay Okta System Log files through the pipeline, print a report")},
    {"serve", QT_TRANSLATE_NOOP("CommandLine", "Run the live pipeline without a window (System Log, Event Hooks)")},
    {"report", QT_TRANSLATE_NOOP("CommandLine", "Print the report of what a live run stored")},
    {"status", QT_TRANSLATE_NOOP("CommandLine", "Show the live pipeline's health as 'vigil serve' last wrote it")},
    {"policy", QT_TRANSLATE_NOOP("CommandLine", "Check a risk policy file, or print the default policy")},
    {"audit", QT_TRANSLATE_NOOP("CommandLine", "Verify or export the hash-chained audit log")},
    {"alert", QT_TRANSLATE_NOOP("CommandLine", "List alerts, or acknowledge, override, suspend, resolve one")},
};

} // namespace

bool isHeadlessInvocation(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (!std::strcmp(a, "--version") || !std::strcmp(a, "-v") || !std::strcmp(a, "--help") || !std::strcmp(a, "-h")
            || !std::strcmp(a, "help")) {
            return true;
        }
    }
    if (argc < 2 || argv[1][0] == '-') return false; // GUI options such as --data-dir
    return true; // a command word: a known command runs headless, an unknown one is a usage error there
}

QString CommandLine::topLevelHelp()
{
    QString help = tr("Usage: vigil [options]            start the console window\n"
                      "       vigil <command> [options]  run a command without a window\n\n"
                      "Commands:\n");
    for (const CommandInfo& c : kCommands) {
        help += QStringLiteral("  %1  %2\n").arg(QString::fromLatin1(c.name).leftJustified(10), tr(c.summary));
    }
    help += tr("\nOptions:\n"
               "  -h, --help     Show this help, or a command's help with 'vigil <command> --help'\n"
               "  -v, --version  Show the version\n"
               "  --lang LANG    Speak LANG (en, de, fr) instead of the system's language\n");
    return help;
}

int CommandLine::runHeadless(const QStringList& arguments)
{
    const QString command = arguments.size() > 1 ? arguments.at(1) : QString();
    if (command == u"replay") return ReplayCommand::run(arguments.mid(1));
    if (command == u"policy") return PolicyCommand::run(arguments.mid(1));
    if (command == u"serve") return ServeCommand::run(arguments.mid(1));
    if (command == u"report") return ReportCommand::run(arguments.mid(1));
    if (command == u"audit") return AuditCommand::run(arguments.mid(1));
    if (command == u"status") return StatusCommand::run(arguments.mid(1));
    if (command == u"alert") return AlertCommand::run(arguments.mid(1));

    // Top-level flags only from here on.
    QCommandLineParser parser;
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption version({u"v"_qs, u"version"_qs}, tr("Show the version."));
    parser.addOption(help);
    parser.addOption(version);
    parser.addPositionalArgument(u"command"_qs, tr("The command to run."));
    if (!parser.parse(arguments)) {
        printErr(tr("vigil: %1\n\n").arg(parser.errorText()) + topLevelHelp());
        return ExitUsage;
    }
    if (parser.isSet(version)) {
        printOut(QStringLiteral("vigil %1\n").arg(QCoreApplication::applicationVersion()));
        return ExitOk;
    }
    if (parser.isSet(help) || command == u"help") {
        printOut(topLevelHelp());
        return ExitOk;
    }
    printErr(tr("vigil: unknown command '%1'\n\n").arg(command) + topLevelHelp());
    return ExitUsage;
}

} // namespace vigil::app

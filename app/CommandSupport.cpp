// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/CommandSupport.h"

#include "app/CommandLine.h"

#include <QCoreApplication>
#include <QSaveFile>

#include <cstdio>

namespace vigil::app {

void printOut(const QString& text)
{
    std::fputs(qPrintable(text), stdout);
    std::fflush(stdout);
}

void printErr(const QString& text)
{
    std::fputs(qPrintable(text), stderr);
    std::fflush(stderr);
}

std::optional<risk::Policy> loadPolicy(const QString& path, const QString& command)
{
    if (path.isEmpty()) return risk::Policy::defaults();
    QStringList errors;
    std::optional<risk::Policy> loaded = risk::Policy::fromFile(path, &errors);
    if (!loaded) {
        for (const QString& e : errors)
            printErr(QCoreApplication::translate("CommandLine", "vigil %1: %2: %3\n").arg(command, path, e));
    }
    return loaded;
}

int usageError(const QCommandLineParser& parser, const QString& command, const QString& problem)
{
    printErr(QCoreApplication::translate("CommandLine", "vigil %1: %2\n\n").arg(command, problem) + parser.helpText());
    return ExitUsage;
}

std::optional<int> parseCommand(QCommandLineParser& parser,
                                const QCommandLineOption& help,
                                const QStringList& arguments,
                                const QString& command,
                                qsizetype maxPositional)
{
    if (!parser.parse(arguments)) return usageError(parser, command, parser.errorText());
    if (parser.isSet(help)) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (parser.positionalArguments().size() > maxPositional) {
        return usageError(parser, command,
                          QCoreApplication::translate("CommandLine", "unexpected argument '%1'")
                              .arg(parser.positionalArguments().at(maxPositional)));
    }
    return std::nullopt;
}

int writeReport(const QByteArray& json, const QString& target, const QString& command)
{
    if (target == u"-") {
        std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
        std::fflush(stdout);
        return ExitOk;
    }
    // Written whole or not at all: a half-written report would be worse than none.
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit()) {
        printErr(QCoreApplication::translate("CommandLine", "vigil %1: cannot write the report to %2: %3\n")
                     .arg(command, target, out.errorString()));
        return ExitFailure;
    }
    return ExitOk;
}

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/PolicyCommand.h"

#include "app/CommandLine.h"
#include "core/risk/Policy.h"

#include <QCommandLineParser>

#include <cstdio>

namespace vigil::app {

int PolicyCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Checks a risk policy file, or prints the default policy."));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    parser.addOption(help);
    parser.addPositionalArgument(u"action"_qs, tr("'check FILE' or 'defaults'."));
    auto usage = [&](const QString& problem) {
        std::fputs(qPrintable(tr("vigil policy: %1\n\n").arg(problem) + parser.helpText()), stderr);
        return int(ExitUsage);
    };
    if (!parser.parse(arguments)) return usage(parser.errorText());
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return ExitOk;
    }
    const QStringList args = parser.positionalArguments();
    if (args.size() == 1 && args.at(0) == u"defaults") {
        const QByteArray json = risk::Policy::defaultJson();
        std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
        return ExitOk;
    }
    if (args.size() != 2 || args.at(0) != u"check") return usage(tr("expected 'check FILE' or 'defaults'"));

    const QString file = args.at(1);
    QStringList errors;
    if (risk::Policy::fromFile(file, &errors)) {
        std::fputs(qPrintable(tr("%1: valid policy\n").arg(file)), stdout);
        return ExitOk;
    }
    for (const QString& e : errors)
        std::fputs(qPrintable(QStringLiteral("%1: %2\n").arg(file, e)), stderr);
    std::fputs(qPrintable(tr("%1: %n problem(s), policy not valid\n", nullptr, int(errors.size())).arg(file)), stderr);
    return ExitFailure;
}

} // namespace vigil::app

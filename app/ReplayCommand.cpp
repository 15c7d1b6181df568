// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/ReplayCommand.h"

#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "core/pipeline/ReplayRunner.h"
#include "core/risk/Policy.h"

#include <QCommandLineParser>
#include <QFile>

#include <cstdio>

namespace vigil::app {

int ReplayCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Reads Okta LogEvents (NDJSON, a JSON array, or an Event Hook payload), processes them in 'published' "
           "order through the same pipeline as the live console with every response action in dry-run, and writes "
           "a JSON report. Rejected records are listed on stderr with their line number and never stop the run."));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption input({u"i"_qs, u"input"_qs}, tr("An input file ('-' for standard input); repeatable."),
                                   tr("FILE"));
    const QCommandLineOption reportOption({u"r"_qs, u"report"_qs},
                                          tr("Where to write the JSON report ('-' for standard output, the default)."),
                                          tr("FILE"), u"-"_qs);
    const QCommandLineOption policyOption(
        {u"p"_qs, u"policy"_qs}, tr("The risk policy to apply (default: the built-in one; see 'vigil policy')."),
        tr("FILE"));
    parser.addOption(help);
    parser.addOption(input);
    parser.addOption(reportOption);
    parser.addOption(policyOption);

    auto usage = [&](const QString& problem) {
        printErr(tr("vigil replay: %1\n\n").arg(problem) + parser.helpText());
        return int(ExitUsage);
    };
    if (!parser.parse(arguments)) return usage(parser.errorText());
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty()) {
        return usage(tr("unexpected argument '%1' (inputs are given with --input)")
                         .arg(parser.positionalArguments().constFirst()));
    }
    const QStringList inputs = parser.values(input);
    if (inputs.isEmpty()) return usage(tr("at least one --input FILE is required"));
    // A bad policy is a usage error: nothing is read until the thresholds are right.
    const std::optional<risk::Policy> policy = loadPolicy(parser.value(policyOption), u"replay"_qs);
    if (!policy) return ExitUsage;

    pipeline::ReplayRunner runner(
        [](const okta::Rejection& r) {
            printErr(tr("vigil replay: %1:%2: rejected: %3\n").arg(r.source).arg(r.line).arg(r.detail));
        },
        [](const QString& error) { printErr(tr("vigil replay: %1\n").arg(error)); }, *policy);
    if (!runner.run(inputs)) {
        printErr(tr("vigil replay: no input could be read\n"));
        return ExitFailure;
    }

    const report::EventCounts& c = runner.report().events;
    printErr(tr("vigil replay: %1 read, %2 accepted, %3 rejected, %4 duplicates\n")
                 .arg(c.read)
                 .arg(c.accepted)
                 .arg(c.rejected)
                 .arg(c.duplicates));

    return writeReport(runner.report().toJson(), parser.value(reportOption), u"replay"_qs);
}

} // namespace vigil::app

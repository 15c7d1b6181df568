// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/ReportCommand.h"

#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "core/audit/AuditLog.h"
#include "core/okta/EventParser.h"
#include "core/response/ResponseEngine.h"
#include "core/risk/RiskEngine.h"
#include "core/store/DataLocation.h"
#include "core/store/SqliteEventStore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <limits>

namespace vigil::app {

int ReportCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Writes the same JSON report as 'vigil replay', built from the events a live "
                                        "run ('vigil serve' or the console) stored in DIR."));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption dataDir(u"data-dir"_qs, tr("The folder holding Vigil's database."), tr("DIR"));
    const QCommandLineOption reportOption({u"r"_qs, u"report"_qs},
                                          tr("Where to write the JSON report ('-' for standard output, the default)."),
                                          tr("FILE"), u"-"_qs);
    const QCommandLineOption policyOption({u"p"_qs, u"policy"_qs}, tr("The risk policy to apply."), tr("FILE"));
    parser.addOptions({help, dataDir, reportOption, policyOption});
    auto usage = [&](const QString& problem) { return usageError(parser, u"report"_qs, problem); };
    if (const std::optional<int> stop = parseCommand(parser, help, arguments, u"report"_qs)) return *stop;
    if (!parser.isSet(dataDir)) return usage(tr("--data-dir DIR is required"));
    const std::optional<risk::Policy> policy = loadPolicy(parser.value(policyOption), u"report"_qs);
    if (!policy) return ExitUsage;

    // Reading must not create anything: a mistyped folder is an error, not a new empty store.
    const QString file = QDir(parser.value(dataDir)).filePath(store::SqliteEventStore::defaultFileName());
    if (!QFileInfo::exists(file)) {
        printErr(tr("vigil report: no Vigil database in %1\n").arg(parser.value(dataDir)));
        return ExitFailure;
    }
    store::SqliteEventStore db(file);
    QString error;
    if (!db.open(&error)) {
        printErr(tr("vigil report: %1\n").arg(error));
        return ExitFailure;
    }
    report::Report report;
    risk::RiskEngine engine(*policy);
    okta::EventParser eventParser;
    db.visitEvents(std::numeric_limits<qint64>::min() / 2, std::numeric_limits<qint64>::max() / 2,
                   [&](QByteArrayView raw) {
                       ++report.events.read;
                       okta::LogEvent event;
                       okta::ParseError parseError;
                       if (!eventParser.parse(std::string_view(raw.data(), size_t(raw.size())), event, parseError)) {
                           ++report.events.rejected;
                           return true;
                       }
                       ++report.events.accepted;
                       engine.process(event);
                       return true;
                   });
    engine.fillReport(report);
    // The actions the live run took, as its audit log recorded them (dry in monitor mode).
    const audit::AuditLog audit(db.database());
    for (const response::ActionRecord& a : response::ResponseEngine::actions(audit))
        report.actions.append(report::ActionRecord{a.atMs, a.user, a.kind, a.dryRun});
    printErr(tr("vigil report: %1 stored events, %2 alerts\n").arg(report.events.accepted).arg(report.alerts.size()));
    return writeReport(report.toJson(), parser.value(reportOption), u"report"_qs);
}

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/AuditCommand.h"

#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "core/audit/AuditLog.h"
#include "core/store/DataLocation.h"
#include "core/store/SqliteEventStore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

namespace vigil::app {

int AuditCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Checks or exports Vigil's hash-chained audit log.\n"
           "  verify   check every record against the one before it; exit 1 and name the first bad record\n"
           "  export   write every record as JSON lines or CSV"));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption dataDir(u"data-dir"_qs, tr("The folder holding Vigil's database."), tr("DIR"));
    const QCommandLineOption format(u"format"_qs, tr("jsonl (default) or csv."), tr("FORMAT"), u"jsonl"_qs);
    const QCommandLineOption output({u"o"_qs, u"output"_qs}, tr("Where to write the export ('-' for standard output)."),
                                    tr("FILE"), u"-"_qs);
    parser.addOptions({help, dataDir, format, output});
    parser.addPositionalArgument(u"action"_qs, tr("verify or export"));
    auto usage = [&](const QString& problem) { return usageError(parser, u"audit"_qs, problem); };
    if (!parser.parse(arguments)) return usage(parser.errorText());
    if (parser.isSet(help)) {
        printOut(parser.helpText());
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1 || (positional.first() != u"verify" && positional.first() != u"export")) {
        return usage(tr("say 'verify' or 'export'"));
    }
    const QString fmt = parser.value(format);
    if (fmt != u"jsonl" && fmt != u"csv") return usage(tr("--format must be jsonl or csv"));

    QString error;
    const QString dir = store::resolveDataDir(parser.value(dataDir), &error);
    const QString file = QDir(dir).filePath(store::SqliteEventStore::defaultFileName());
    if (dir.isEmpty() || !QFileInfo::exists(file)) {
        printErr(tr("vigil audit: no Vigil database in %1\n").arg(dir.isEmpty() ? parser.value(dataDir) : dir));
        return ExitFailure;
    }
    store::SqliteEventStore db(file);
    if (!db.open(&error)) {
        printErr(tr("vigil audit: %1\n").arg(error));
        return ExitFailure;
    }
    audit::AuditLog log(db.database());
    if (positional.first() == u"verify") {
        const audit::VerifyResult result = log.verify();
        if (result.ok) {
            printOut(tr("audit log intact: %1 records, each chained to the one before\n").arg(result.records));
            return ExitOk;
        }
        printErr(tr("vigil audit: the audit log was tampered with: %1 (first bad record: %2)\n")
                     .arg(result.problem)
                     .arg(result.firstBadSeq));
        return ExitFailure;
    }
    const auto kind = fmt == u"csv" ? audit::AuditLog::Format::Csv : audit::AuditLog::Format::JsonLines;
    const QString target = parser.value(output);
    if (target == u"-") {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || !log.exportTo(out, kind, &error)) {
            printErr(tr("vigil audit: %1\n").arg(error));
            return ExitFailure;
        }
        return ExitOk;
    }
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly) || !log.exportTo(out, kind, &error) || !out.commit()) {
        printErr(tr("vigil audit: cannot write %1: %2\n").arg(target, error.isEmpty() ? out.errorString() : error));
        return ExitFailure;
    }
    return ExitOk;
}

} // namespace vigil::app

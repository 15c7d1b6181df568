// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/StatusCommand.h"

#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "core/store/DataLocation.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace vigil::app {

int StatusCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Prints the live pipeline's health as 'vigil serve' last wrote it: state, "
                                        "lag, events and requests per minute, rate limit left, last error."));
    const QCommandLineOption help({u"h"_qs, u"help"_qs}, tr("Show this help."));
    const QCommandLineOption dataDir(u"data-dir"_qs, tr("The folder holding Vigil's database."), tr("DIR"));
    const QCommandLineOption json(u"json"_qs, tr("Print the status object as JSON."));
    parser.addOptions({help, dataDir, json});
    if (const std::optional<int> stop = parseCommand(parser, help, arguments, u"status"_qs)) return *stop;
    QString error;
    const QString dir = store::resolveDataDir(parser.value(dataDir), &error);
    QFile file(QDir(dir).filePath(u"status.json"_qs));
    if (dir.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        printErr(tr("vigil status: no status in %1 ('vigil serve' has not run there)\n").arg(dir));
        return ExitFailure;
    }
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    if (parser.isSet(json)) {
        printOut(QString::fromUtf8(QJsonDocument(o).toJson()));
    } else {
        printOut(tr("%1 (pid %2, %3 mode), updated %4\n")
                     .arg(o.value(u"running").toBool() ? o.value(u"state").toString() : tr("not running"))
                     .arg(o.value(u"pid").toInteger())
                     .arg(o.value(u"mode").toString(), o.value(u"updated").toString()));
        printOut(tr("lag %1 s · %2 events/min · %3 requests/min · %4/%5 requests left · %6 stored · %7 duplicates\n")
                     .arg(o.value(u"lag_ms").toInteger() / 1000)
                     .arg(o.value(u"events_per_minute").toInteger())
                     .arg(o.value(u"requests_per_minute").toInteger())
                     .arg(o.value(u"rate_limit_remaining").toInteger())
                     .arg(o.value(u"rate_limit_limit").toInteger())
                     .arg(o.value(u"events_stored").toInteger())
                     .arg(o.value(u"duplicates").toInteger()));
        if (!o.value(u"last_error").toString().isEmpty()) {
            printOut(tr("last error: %1 at %2\n")
                         .arg(o.value(u"last_error").toString(), o.value(u"last_error_at").toString()));
        }
    }
    return o.value(u"running").toBool() ? ExitOk : ExitFailure;
}

} // namespace vigil::app

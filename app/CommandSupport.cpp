// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/CommandSupport.h"

#include "app/CommandLine.h"
#include "core/secrets/SecretStore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QSaveFile>
#include <QTimer>

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

QCommandLineOption teamStoreOption()
{
    return QCommandLineOption(
        QStringLiteral("store"),
        QCoreApplication::translate("CommandLine",
                                    "Team mode: share postgresql://USER@HOST:PORT/DATABASE with other consoles instead "
                                    "of the SQLite file in the data folder (password from VIGIL_STORE_PASSWORD or the "
                                    "keychain)."),
        QCoreApplication::translate("CommandLine", "URL"));
}

namespace {

QByteArray storePassword(const store::PostgresLocation& where)
{
    if (qEnvironmentVariableIsSet("VIGIL_STORE_PASSWORD")) return qgetenv("VIGIL_STORE_PASSWORD");
    secrets::SecretStore keychain;
    const secrets::SecretRef ref{
        QStringLiteral("%1@%2:%3/%4").arg(where.user, where.host).arg(where.port).arg(where.database),
        QStringLiteral("store"), QStringLiteral("password")};
    QByteArray value;
    QEventLoop loop;
    QObject::connect(&keychain, &secrets::SecretStore::readFinished, &loop,
                     [&](const QString&, const QByteArray& v, secrets::SecretError e, const QString&) {
                         if (e == secrets::SecretError::None) value = v;
                         loop.quit();
                     });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    keychain.read(ref);
    loop.exec();
    return value;
}

} // namespace

std::optional<store::PostgresLocation> teamStore(const QString& url, QString* error)
{
    std::optional<store::PostgresLocation> where = store::PostgresLocation::parse(url, error);
    if (where) where->password = storePassword(*where);
    return where;
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

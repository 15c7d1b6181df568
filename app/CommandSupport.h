// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/risk/Policy.h"
#include "core/store/PostgresEventStore.h"

#include <QByteArray>
#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace vigil::app {

// What every headless command does the same way.
void printOut(const QString& text);
void printErr(const QString& text);

// The built-in policy for an empty path; otherwise the file, or nullopt after printing each
// problem as "vigil COMMAND: FILE: problem".
std::optional<risk::Policy> loadPolicy(const QString& path, const QString& command);

// Parses a command's options with a -h/--help option and at most maxPositional positional arguments. Returns the exit
// code when the command should stop here (help printed, or a usage error printed with the help).
std::optional<int> parseCommand(QCommandLineParser& parser,
                                const QCommandLineOption& help,
                                const QStringList& arguments,
                                const QString& command,
                                qsizetype maxPositional = 0);
// Prints "vigil COMMAND: problem" and the help; returns ExitUsage.
int usageError(const QCommandLineParser& parser, const QString& command, const QString& problem);

// Team mode's `--store postgresql://USER@HOST:PORT/DATABASE`, the same for `vigil serve` and the console window.
QCommandLineOption teamStoreOption();
// The team database `url` names, with its password from VIGIL_STORE_PASSWORD or else the keychain entry
// "USER@HOST:PORT/DATABASE" / store / password (waiting up to 10 s for it). nullopt with `error` for a URL that is
// not a team store (or carries a password).
std::optional<store::PostgresLocation> teamStore(const QString& url, QString* error);

// Writes the report to stdout ('-') or atomically to a file; returns the exit code.
int writeReport(const QByteArray& json, const QString& target, const QString& command);

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/DataLocation.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace vigil::store {

namespace {

QString fail(QString* error, const QString& message)
{
    if (error) *error = message;
    return {};
}

} // namespace

QString defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString resolveDataDir(const QString& overrideDir, QString* error)
{
    const QString wanted = overrideDir.isEmpty() ? defaultDataDir() : overrideDir;
    if (wanted.isEmpty()) {
        return fail(error,
                    QStringLiteral("no writable application data location on this system; pass a data directory"));
    }
    const QString path = QDir::cleanPath(QDir(wanted).absolutePath());
    const QFileInfo info(path);
    if (info.exists() && !info.isDir()) {
        return fail(
            error,
            QStringLiteral("data directory %1 exists but is not a directory").arg(QDir::toNativeSeparators(path)));
    }
    if (!QDir().mkpath(path)) {
        return fail(error, QStringLiteral("cannot create data directory %1").arg(QDir::toNativeSeparators(path)));
    }
    // Checked here so the user gets the directory in the message, not a later "unable to open database file".
    if (!QFileInfo(path).isWritable()) {
        return fail(error, QStringLiteral("data directory %1 is not writable").arg(QDir::toNativeSeparators(path)));
    }
    if (error) error->clear();
    return path;
}

} // namespace vigil::store

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLatin1String>
#include <QList>
#include <QString>

class QSqlDatabase;

namespace vigil::store {

// One forward step of the SQLite schema. Steps are numbered 1, 2, 3… without gaps; step N turns a
// version N-1 database into version N. Shipped steps are never edited, only appended to.
struct MigrationStep
{
    int version = 0;
    QLatin1String summary;
    QList<QLatin1String> statements; // one SQL statement each, run in order
};

struct MigrationResult
{
    bool ok = false;
    int fromVersion = 0; // what the file was at before
    int version = 0;     // what it is at now
    QString error;
};

// Every step this build knows, oldest first; the last one is the current schema.
const QList<MigrationStep>& sqliteMigrationSteps();
int latestSchemaVersion(const QList<MigrationStep>& steps = sqliteMigrationSteps());

// 0 for a database without Vigil's schema_version table; -1 and `*error` if it cannot be read.
int readSchemaVersion(const QSqlDatabase& db, QString* error);

// Reads the version and says whether migrateSchema() would accept the file, without writing anything.
// The store calls it before switching the file to WAL, which would already modify someone else's file.
MigrationResult checkSchema(const QSqlDatabase& db, const QList<MigrationStep>& steps = sqliteMigrationSteps());

// Brings the database forward to the last step, each step in its own IMMEDIATE transaction so an
// interrupted upgrade leaves the file at a whole version and two processes cannot upgrade at once.
// Refuses, without writing anything, a database newer than `steps` know (never downgrades) and a
// database that holds tables but no schema_version (someone else's file).
MigrationResult migrateSchema(const QSqlDatabase& db, const QList<MigrationStep>& steps = sqliteMigrationSteps());

} // namespace vigil::store

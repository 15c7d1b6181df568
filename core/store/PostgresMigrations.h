// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/SqliteMigrations.h"

namespace vigil::store {

// The PostgreSQL form of the store's schema: the same versions with the same meaning as
// sqliteMigrationSteps() (version N of one is version N of the other), with types adapted (BIGINT,
// BYTEA, DOUBLE PRECISION, identity keys) and the dedupe on the uuid itself rather than a probed
// 64-bit key (PostgreSQL's INSERT … ON CONFLICT does the probing's job). Shipped steps are never
// edited, only appended to, in both lists together.
const QList<MigrationStep>& postgresMigrationSteps();

// Like migrateSchema() for SQLite: reads the version, refuses a newer schema or a database that holds
// tables but no schema_version (someone else's), and applies the missing steps, each in its own
// transaction under an advisory lock so that two consoles starting together upgrade once.
MigrationResult migratePostgresSchema(const QSqlDatabase& db);

} // namespace vigil::store

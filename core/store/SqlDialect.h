// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

class QSqlQuery;

namespace vigil::store::sql {

// The few places where the automation's "portable SQL" (audit log, outbox, responses, suppressions)
// must differ between the embedded SQLite store and team mode's PostgreSQL store. Everything else
// those classes run is plain SQL both accept; keep it that way instead of copying the classes.
enum class Dialect
{
    Sqlite,
    Postgres,
};

Dialect dialectOf(const QSqlDatabase& db);
inline bool isPostgres(const QSqlDatabase& db)
{
    return dialectOf(db) == Dialect::Postgres;
}

// Opens a write transaction that is serialised with every other writer taking the same `lock`, across
// processes: on SQLite BEGIN IMMEDIATE (the file's write lock, whatever `lock` is), on PostgreSQL BEGIN
// plus a transaction-scoped advisory lock named by `lock` (released by COMMIT or ROLLBACK).
bool beginExclusive(QSqlDatabase& db, const QString& lock, QString* error = nullptr);
bool commit(QSqlDatabase& db, QString* error = nullptr);
void rollback(QSqlDatabase& db);

// The advisory lock key for a name (stable: the first 8 bytes of its SHA-256), shared by every process.
qint64 advisoryKey(const QString& name);

// `sql` (an INSERT) made to hand back the new row's id: PostgreSQL has no lastInsertId() for identity
// columns through Qt, so RETURNING id is appended there. Run it, then read the id with insertedId().
QString insertReturningId(const QSqlDatabase& db, const QString& sql);
std::optional<qint64> insertedId(QSqlQuery& executed);

} // namespace vigil::store::sql

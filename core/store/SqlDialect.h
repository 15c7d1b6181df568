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

// The console's read queries (event stream, audit view), where the dialects differ in small ways:

// LIKE as the views mean it, case-insensitive: SQLite's LIKE already is (for ASCII), PostgreSQL's is not, so ILIKE.
QString likeOperator(const QSqlDatabase& db);

// An SQL expression for the string member `key` at the top level of the JSON object in the text column `column`,
// NULL when there is none, and NULL rather than an error when a row holds no valid JSON (one damaged audit record
// must not break the filter): json_extract behind json_valid on SQLite; on PostgreSQL, where a cast to jsonb would
// abort the whole statement, a pattern over the compact JSON Vigil writes (`"key":"value"`). `key` is a plain word.
QString jsonTextMember(const QSqlDatabase& db, const QString& column, const QString& key);

// Opens a read-only transaction whose statements all see one snapshot of the database: a plain BEGIN on SQLite (a
// WAL reader keeps the snapshot of its first read), REPEATABLE READ on PostgreSQL (READ COMMITTED, the default,
// would let each statement see later commits). End it with commit().
bool beginReadSnapshot(QSqlDatabase& db, QString* error = nullptr);

// `sql` with its `?` placeholders (outside quoted text) replaced by the integers in `binds`, in order: for statements
// that cannot be prepared, such as PostgreSQL's EXPLAIN.
QString inlineIntegers(const QString& sql, const QList<qint64>& binds);

} // namespace vigil::store::sql

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/SqlDialect.h"

#include <QCryptographicHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <QtEndian>

namespace vigil::store::sql {

Dialect dialectOf(const QSqlDatabase& db)
{
    return db.driverName() == QLatin1String("QPSQL") ? Dialect::Postgres : Dialect::Sqlite;
}

qint64 advisoryKey(const QString& name)
{
    const QByteArray digest = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256);
    return qFromBigEndian<qint64>(digest.constData());
}

bool beginExclusive(QSqlDatabase& db, const QString& lock, QString* error)
{
    QSqlQuery q(db);
    if (dialectOf(db) == Dialect::Sqlite) {
        if (q.exec(QStringLiteral("BEGIN IMMEDIATE"))) return true;
        if (error) *error = q.lastError().text();
        return false;
    }
    if (!db.transaction()) {
        if (error) *error = db.lastError().text();
        return false;
    }
    q.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?)"));
    q.addBindValue(advisoryKey(lock));
    if (q.exec()) return true;
    if (error) *error = q.lastError().text();
    db.rollback();
    return false;
}

bool commit(QSqlDatabase& db, QString* error)
{
    if (dialectOf(db) == Dialect::Sqlite) {
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("COMMIT"))) return true;
        if (error) *error = q.lastError().text();
        return false;
    }
    if (db.commit()) return true;
    if (error) *error = db.lastError().text();
    return false;
}

void rollback(QSqlDatabase& db)
{
    if (dialectOf(db) == Dialect::Sqlite) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("ROLLBACK"));
    } else {
        db.rollback();
    }
}

QString insertReturningId(const QSqlDatabase& db, const QString& sql)
{
    return dialectOf(db) == Dialect::Postgres ? sql + QStringLiteral(" RETURNING id") : sql;
}

std::optional<qint64> insertedId(QSqlQuery& executed)
{
    if (executed.driver() && executed.driver()->dbmsType() == QSqlDriver::PostgreSQL) {
        if (!executed.next()) return std::nullopt;
        return executed.value(0).toLongLong();
    }
    const QVariant id = executed.lastInsertId();
    if (!id.isValid()) return std::nullopt;
    return id.toLongLong();
}

} // namespace vigil::store::sql

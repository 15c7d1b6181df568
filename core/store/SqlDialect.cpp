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

QString likeOperator(const QSqlDatabase& db)
{
    return dialectOf(db) == Dialect::Postgres ? QStringLiteral("ILIKE") : QStringLiteral("LIKE");
}

QString jsonTextMember(const QSqlDatabase& db, const QString& column, const QString& key)
{
    if (dialectOf(db) == Dialect::Postgres) {
        // QJsonDocument::Compact writes no space around the colon and escapes only quotes, backslashes and
        // control characters inside strings. substring() answers the first group: the whole value.
        return QStringLiteral("substring(%1 from '\"%2\":\"(([^\"\\\\]|\\\\.)*)\"')").arg(column, key);
    }
    return QStringLiteral("CASE WHEN json_valid(%1) THEN json_extract(%1, '$.%2') END").arg(column, key);
}

bool beginReadSnapshot(QSqlDatabase& db, QString* error)
{
    if (!db.transaction()) {
        if (error) *error = db.lastError().text();
        return false;
    }
    if (dialectOf(db) == Dialect::Sqlite) return true;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))) return true;
    if (error) *error = q.lastError().text();
    db.rollback();
    return false;
}

QString inlineIntegers(const QString& sql, const QList<qint64>& binds)
{
    QString out;
    out.reserve(sql.size() + binds.size() * 8);
    qsizetype next = 0;
    QChar quote;
    for (const QChar c : sql) {
        if (!quote.isNull()) {
            if (c == quote) quote = QChar();
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        } else if (c == u'?' && next < binds.size()) {
            out += QString::number(binds.at(next++));
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace vigil::store::sql

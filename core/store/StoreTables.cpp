// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/StoreTables.h"

#include <QSqlError>
#include <QSqlQuery>

namespace vigil::store {

bool StoreTables::saveBaselines(QSqlDatabase db, const QList<BaselineRecord>& records, QString* error)
{
    if (records.isEmpty()) return true;
    if (!db.transaction()) {
        if (error) *error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO baselines(kind, key, data, updated_ms) VALUES(?, ?, ?, ?)"
                             " ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data,"
                             " updated_ms = excluded.updated_ms WHERE excluded.updated_ms >= baselines.updated_ms"));
    for (const BaselineRecord& r : records) {
        q.addBindValue(r.kind);
        q.addBindValue(r.key);
        q.addBindValue(r.data);
        q.addBindValue(r.updatedMs);
        if (!q.exec()) {
            if (error) *error = q.lastError().text();
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        if (error) *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

QList<BaselineRecord> StoreTables::loadBaselines(const QSqlDatabase& db, QString* error)
{
    QList<BaselineRecord> records;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT kind, key, data, updated_ms FROM baselines"))) {
        if (error) *error = q.lastError().text();
        return records;
    }
    while (q.next())
        records.append({q.value(0).toInt(), q.value(1).toString(), q.value(2).toByteArray(), q.value(3).toLongLong()});
    return records;
}

std::optional<IngestCursor> StoreTables::readCursor(const QSqlDatabase& db, const QString& source, QString* error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT position, updated_ms FROM cursors WHERE source = ?"));
    q.addBindValue(source);
    if (!q.exec()) {
        if (error) *error = q.lastError().text();
        return std::nullopt;
    }
    if (!q.next()) return std::nullopt;
    return IngestCursor{source, q.value(0).toString(), q.value(1).toLongLong()};
}

int StoreTables::readSchemaVersionRow(const QSqlDatabase& db, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT version FROM schema_version"))) {
        if (error) *error = QStringLiteral("cannot read the schema version: %1").arg(q.lastError().text());
        return -1;
    }
    int rows = 0;
    int version = -1;
    while (q.next()) {
        ++rows;
        bool ok = false;
        version = q.value(0).toInt(&ok);
        if (!ok || version < 1) version = -1;
    }
    if (rows != 1 || version < 0) {
        if (error) *error = QStringLiteral("the schema_version table is damaged (%1 rows)").arg(rows);
        return -1;
    }
    return version;
}

} // namespace vigil::store

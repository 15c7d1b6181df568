// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/BaselineTable.h"

#include <QSqlError>
#include <QSqlQuery>

namespace vigil::store {

bool BaselineTable::save(QSqlDatabase db, const QList<BaselineRecord>& records, QString* error)
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

QList<BaselineRecord> BaselineTable::load(const QSqlDatabase& db, QString* error)
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

} // namespace vigil::store

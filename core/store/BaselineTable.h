// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/EventStore.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace vigil::store {

// The `baselines` table, in SQL that SQLite and PostgreSQL both run: the newest record per (kind, key)
// wins, also when two consoles save at once. A few hundred small rows per call at most, so Qt Sql is fast
// enough and both stores share this one implementation.
class BaselineTable
{
public:
    static bool save(QSqlDatabase db, const QList<BaselineRecord>& records, QString* error);
    // Every record; an unreadable table gives an empty list and `*error`.
    static QList<BaselineRecord> load(const QSqlDatabase& db, QString* error);
};

} // namespace vigil::store

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/EventStore.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace vigil::store {

// The tables both stores read and write with the same SQL (SQLite and PostgreSQL alike), so that the two
// stores share one implementation of each instead of two copies that drift apart.
class StoreTables
{
public:
    // `baselines`: the newest record per (kind, key) wins, also when two consoles save at once. A few
    // hundred small rows per call at most, so Qt Sql is fast enough here.
    static bool saveBaselines(QSqlDatabase db, const QList<BaselineRecord>& records, QString* error);
    // Every record; an unreadable table gives an empty list and `*error`.
    static QList<BaselineRecord> loadBaselines(const QSqlDatabase& db, QString* error);

    // `cursors`: the source's cursor, nullopt when there is none or it cannot be read (then `*error`).
    static std::optional<IngestCursor> readCursor(const QSqlDatabase& db, const QString& source, QString* error);

    // The one row of `schema_version` (call once the table is known to exist): the version, or -1 with
    // `*error` when it cannot be read or the table does not hold exactly one valid row.
    static int readSchemaVersionRow(const QSqlDatabase& db, QString* error);
};

} // namespace vigil::store

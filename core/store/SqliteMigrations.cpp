// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/SqliteMigrations.h"

#include "core/store/StoreTables.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil::store {

namespace {

// Design notes for version 1, which aims at ≥300k stored events/s on one core. What limits it is the number
// of pages a commit dirties (each is a WAL frame, i.e. a pwrite), not SQL work:
// - The store creates files with 16 KiB pages (SqliteEventStore::open(), which says why that size).
// - events carries only small integers and short text: actors, IPs and event types are dictionary ids,
//   and the raw JSON lives in LZ4 blocks (raw_blocks) that rows point into.
// - uuid_key is the dedupe key: an integer UNIQUE index is a quarter the size of one on 36-character
//   text. For Okta's time-based uuids it grows with time (SqliteEventStore::uuidKey), so that index is
//   appended to; collisions are resolved by probing key+1, key+2…, which is why uuid is kept too.
// - bucket is published in 15-minute steps (SqliteEventStore::bucketOf(); part of the file format). The
//   actor and IP indexes lead with it: keyed by (actor_id, published) every batch scattered ~one insert
//   per distinct actor and IP over the whole index, while events arrive roughly in time order, so with
//   the bucket first a batch only writes the few pages of the current bucket's region. Readers loop over
//   the buckets of their time range (SqliteEventStore::eventsForActor()).
// - There is no index on published alone: max(published) is read from the newest bucket of
//   events_bucket_actor, which saves a b-tree insert per event.
// - events.block_id has no foreign key: a row is written before its block (the block is only complete
//   after its last event), and a deferred key would make every block insert scan events.
const QList<MigrationStep> kSteps{
    MigrationStep{
        1,
        QLatin1String("initial schema"),
        {
            QLatin1String("CREATE TABLE event_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"),
            QLatin1String("CREATE TABLE actors(id INTEGER PRIMARY KEY, alternate_id TEXT NOT NULL UNIQUE)"),
            QLatin1String("CREATE TABLE ips(id INTEGER PRIMARY KEY, ip TEXT NOT NULL UNIQUE)"),
            QLatin1String("CREATE TABLE raw_blocks(id INTEGER PRIMARY KEY, codec INTEGER NOT NULL,"
                          " raw_size INTEGER NOT NULL, data BLOB NOT NULL)"),
            QLatin1String("CREATE TABLE events("
                          "seq INTEGER PRIMARY KEY,"
                          " uuid_key INTEGER NOT NULL UNIQUE,"
                          " uuid TEXT NOT NULL,"
                          " published INTEGER NOT NULL,"
                          " bucket INTEGER NOT NULL,"
                          " event_type_id INTEGER REFERENCES event_types(id),"
                          " actor_id INTEGER REFERENCES actors(id),"
                          " ip_id INTEGER REFERENCES ips(id),"
                          " outcome TEXT,"
                          " block_id INTEGER NOT NULL,"
                          " block_offset INTEGER NOT NULL,"
                          " raw_size INTEGER NOT NULL)"),
            QLatin1String("CREATE INDEX events_bucket_actor ON events(bucket, actor_id, published)"),
            QLatin1String("CREATE INDEX events_bucket_ip ON events(bucket, ip_id, published)"),
            QLatin1String("CREATE TABLE cursors(source TEXT PRIMARY KEY, position TEXT NOT NULL,"
                          " updated_ms INTEGER NOT NULL)"),
        },
    },
    MigrationStep{
        2,
        QLatin1String("learned baselines per user and per IP"),
        {
            QLatin1String("CREATE TABLE baselines(kind INTEGER NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL,"
                          " updated_ms INTEGER NOT NULL, PRIMARY KEY(kind, key)) WITHOUT ROWID"),
        },
    },
    MigrationStep{
        3,
        QLatin1String("automation: hash-chained audit log, outbox of outbound calls, response state per alert"),
        {
            // seq is assigned by the audit log (not AUTOINCREMENT) because it is part of what is hashed.
            QLatin1String("CREATE TABLE audit(seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
                          " actor TEXT NOT NULL, subject TEXT NOT NULL, details TEXT NOT NULL,"
                          " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"),
            QLatin1String("CREATE INDEX audit_subject ON audit(subject, seq)"),
            // The newest record's seq and hash, updated with each append: a deleted tail shows as a mismatch.
            QLatin1String("CREATE TABLE audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
                          " hash TEXT NOT NULL)"),
            QLatin1String("CREATE TABLE outbox(id INTEGER PRIMARY KEY, created_ms INTEGER NOT NULL,"
                          " service TEXT NOT NULL, purpose TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,"
                          " body BLOB, alert_id TEXT, user_login TEXT, idempotency_key TEXT UNIQUE,"
                          " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,"
                          " last_status INTEGER, last_error TEXT, response BLOB, done_ms INTEGER)"),
            QLatin1String("CREATE INDEX outbox_pending ON outbox(state, next_attempt_ms)"),
            QLatin1String("CREATE TABLE responses(alert_id TEXT PRIMARY KEY, user_login TEXT NOT NULL,"
                          " user_id TEXT, state TEXT NOT NULL, severity TEXT, peak_risk REAL NOT NULL DEFAULT 0,"
                          " opened_ms INTEGER NOT NULL, deadline_ms INTEGER, step_up TEXT, acknowledged_by TEXT,"
                          " reason TEXT, data TEXT NOT NULL, updated_ms INTEGER NOT NULL)"),
            QLatin1String("CREATE INDEX responses_user ON responses(user_login)"),
        },
    },
    MigrationStep{
        4,
        QLatin1String("suppressions an analyst set with a false positive (owner, reason, expiry)"),
        {
            // detections: a JSON array of detection ids; empty means every detection of the user.
            QLatin1String("CREATE TABLE suppressions(id INTEGER PRIMARY KEY, user_login TEXT NOT NULL,"
                          " detections TEXT NOT NULL, owner TEXT NOT NULL, reason TEXT NOT NULL,"
                          " alert_id TEXT, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
                          " lifted_ms INTEGER)"),
            QLatin1String("CREATE INDEX suppressions_user ON suppressions(user_login, expires_ms)"),
        },
    },
    // Version 5 drops the REFERENCES clauses of events. With foreign_keys on, each of them cost a lookup in
    // a dictionary table for every stored event, and together they made SQLite open a statement journal for
    // every insert: ~13% of the store's CPU per event (measured with callgrind on bench_ingest's input). The
    // store writes dictionary ids it has just read or inserted in the same transaction, and forgets the ids
    // of a batch that rolled back, so the checks never caught anything. SQLite cannot drop a constraint,
    // hence the copy; columns, their order, seq values and index names stay as they were.
    MigrationStep{
        5,
        QLatin1String("events without foreign keys (they cost ~13% of the insert path)"),
        {
            QLatin1String("CREATE TABLE events_v5("
                          "seq INTEGER PRIMARY KEY,"
                          " uuid_key INTEGER NOT NULL UNIQUE,"
                          " uuid TEXT NOT NULL,"
                          " published INTEGER NOT NULL,"
                          " bucket INTEGER NOT NULL,"
                          " event_type_id INTEGER,"
                          " actor_id INTEGER,"
                          " ip_id INTEGER,"
                          " outcome TEXT,"
                          " block_id INTEGER NOT NULL,"
                          " block_offset INTEGER NOT NULL,"
                          " raw_size INTEGER NOT NULL)"),
            QLatin1String(
                "INSERT INTO events_v5(seq, uuid_key, uuid, published, bucket, event_type_id, actor_id, ip_id,"
                " outcome, block_id, block_offset, raw_size)"
                " SELECT seq, uuid_key, uuid, published, bucket, event_type_id, actor_id, ip_id, outcome,"
                " block_id, block_offset, raw_size FROM events ORDER BY seq"),
            QLatin1String("DROP TABLE events"),
            QLatin1String("ALTER TABLE events_v5 RENAME TO events"),
            QLatin1String("CREATE INDEX events_bucket_actor ON events(bucket, actor_id, published)"),
            QLatin1String("CREATE INDEX events_bucket_ip ON events(bucket, ip_id, published)"),
        },
    },
};

bool exec(const QSqlDatabase& db, const QString& sql, QString* error)
{
    QSqlQuery q(db);
    if (q.exec(sql)) return true;
    if (error) *error = q.lastError().text();
    return false;
}

bool exec(const QSqlDatabase& db, QLatin1String sql, QString* error)
{
    return exec(db, QString(sql), error);
}

void rollback(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK"));
}

// -1 on error.
int userObjectCount(const QSqlDatabase& db, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'"))
        || !q.next()) {
        if (error) *error = q.lastError().text();
        return -1;
    }
    return q.value(0).toInt();
}

QString newerThanKnown(int found, int latest)
{
    return QStringLiteral("the event store has schema version %1, but this build of Vigil only knows versions up to %2;"
                          " it was written by a newer Vigil and is left untouched (use that version, or another"
                          " data directory)")
        .arg(found)
        .arg(latest);
}

QString foreignDatabase()
{
    return QStringLiteral("the file holds tables but no Vigil schema_version table; it is not a Vigil event store"
                          " and is left untouched");
}

} // namespace

const QList<MigrationStep>& sqliteMigrationSteps()
{
    return kSteps;
}

int latestSchemaVersion(const QList<MigrationStep>& steps)
{
    return steps.isEmpty() ? 0 : steps.constLast().version;
}

int readSchemaVersion(const QSqlDatabase& db, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
        || !q.next()) {
        if (error) *error = QStringLiteral("cannot read the schema: %1").arg(q.lastError().text());
        return -1;
    }
    if (q.value(0).toInt() == 0) return 0;
    return StoreTables::readSchemaVersionRow(db, error);
}

MigrationResult checkSchema(const QSqlDatabase& db, const QList<MigrationStep>& steps)
{
    MigrationResult result;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        if (steps.at(i).version != int(i) + 1) {
            result.error =
                QStringLiteral("internal error: migration step %1 is numbered %2").arg(i + 1).arg(steps.at(i).version);
            return result;
        }
    }
    const int latest = latestSchemaVersion(steps);
    const int current = readSchemaVersion(db, &result.error);
    if (current < 0) return result;
    result.fromVersion = current;
    result.version = current;
    if (current > latest) {
        result.error = newerThanKnown(current, latest);
        return result;
    }
    if (current == 0) {
        const int objects = userObjectCount(db, &result.error);
        if (objects != 0) {
            if (objects > 0) result.error = foreignDatabase();
            return result;
        }
    }
    result.ok = true;
    return result;
}

MigrationResult migrateSchema(const QSqlDatabase& db, const QList<MigrationStep>& steps)
{
    MigrationResult result = checkSchema(db, steps);
    if (!result.ok) return result;
    result.ok = false;
    const int latest = latestSchemaVersion(steps);
    int current = result.version;

    while (current < latest) {
        QString error;
        if (!exec(db, QStringLiteral("BEGIN IMMEDIATE"), &error)) {
            result.error = QStringLiteral("cannot start the schema upgrade: %1").arg(error);
            return result;
        }
        // Re-read under the write lock: another process may have upgraded the file since we looked.
        const int locked = readSchemaVersion(db, &error);
        if (locked < 0 || locked > latest) {
            rollback(db);
            result.error = locked < 0 ? error : newerThanKnown(locked, latest);
            return result;
        }
        if (locked == 0) {
            const int objects = userObjectCount(db, &error);
            if (objects != 0) {
                rollback(db);
                result.error = objects < 0 ? error : foreignDatabase();
                return result;
            }
        }
        if (locked >= latest) {
            rollback(db);
            current = locked;
            break;
        }

        const MigrationStep& step = steps.at(locked); // steps[i] produces version i + 1
        bool ok =
            exec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)"), &error);
        for (const QLatin1String& sql : step.statements) {
            if (!ok) break;
            ok = exec(db, sql, &error);
        }
        if (ok) ok = exec(db, QStringLiteral("DELETE FROM schema_version"), &error);
        if (ok)
            ok = exec(db, QStringLiteral("INSERT INTO schema_version(version) VALUES(%1)").arg(step.version), &error);
        if (ok) ok = exec(db, QStringLiteral("COMMIT"), &error);
        if (!ok) {
            rollback(db);
            result.version = locked;
            result.error = QStringLiteral("upgrading the event store to schema version %1 (%2) failed: %3")
                               .arg(step.version)
                               .arg(step.summary)
                               .arg(error);
            return result;
        }
        current = step.version;
        result.version = current;
    }

    result.version = current;
    result.ok = true;
    return result;
}

} // namespace vigil::store

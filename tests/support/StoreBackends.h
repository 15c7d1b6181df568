// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/StoreReader.h"
#include "core/store/PostgresEventStore.h"
#include "core/store/SqliteEventStore.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "support/PostgresCluster.h"

namespace vigil::test {

// The two stores the console reads, for tests that run the same assertions on both: the embedded SQLite file and
// a database on a private PostgreSQL cluster (team mode; those rows are skipped only when PostgreSQL or Qt's QPSQL
// driver is not installed). Link support/PostgresCluster.cpp.
//
//   void initTestCase() { QVERIFY2(m_backends.start(), qPrintable(m_backends.error())); }
//   void reads_data() { StoreBackends::addRows(); }
//   void reads() { VIGIL_FETCH_BACKEND(m_backends, backend); auto store = m_backends.create(backend); … }
class StoreBackends
{
public:
    static constexpr auto kSqlite = "sqlite";
    static constexpr auto kPostgres = "postgresql";

    // Starts the cluster. False only when it should have come up and did not (error()).
    bool start()
    {
        if (!m_dir.isValid()) {
            m_error = m_dir.errorString();
            return false;
        }
        m_pgUp = m_pg.start();
        if (!m_pgUp) {
            m_skip = m_pg.skipReason();
            if (m_skip.isEmpty()) {
                m_error = m_pg.error();
                return false;
            }
        }
        return true;
    }
    QString error() const { return m_error; }
    PostgresCluster& cluster() { return m_pg; }

    // The data column "backend" with one row per store.
    static void addColumn() { QTest::addColumn<QString>("backend"); }
    static void addRows()
    {
        addColumn();
        QTest::newRow(kSqlite) << QString::fromLatin1(kSqlite);
        QTest::newRow(kPostgres) << QString::fromLatin1(kPostgres);
    }

    // False with the reason when `backend` cannot run here.
    bool available(const QString& backend, QString* skip) const
    {
        if (backend != QLatin1String(kPostgres) || m_pgUp) return true;
        *skip = m_skip;
        return false;
    }

    // Where a new, empty store of `backend` is: a new file, or a new database (with the cluster's password).
    pipeline::StoreSource newSource(const QString& backend)
    {
        ++m_serial;
        if (backend == QLatin1String(kSqlite))
            return pipeline::StoreSource::sqlite(m_dir.filePath(QStringLiteral("store%1.sqlite").arg(m_serial)));
        const QString url = m_pg.createDatabase(QStringLiteral("store%1").arg(m_serial));
        QString error;
        std::optional<store::PostgresLocation> where = m_pg.location(url, &error);
        if (!where) {
            qWarning("cannot create a test database: %s %s", qPrintable(m_pg.error()), qPrintable(error));
            return {};
        }
        return pipeline::StoreSource::postgres(*where);
    }

    // A new, empty store of `backend`, opened (null, with a warning, when it cannot be).
    std::unique_ptr<store::EventStore> create(const QString& backend, pipeline::StoreSource* source = nullptr)
    {
        const pipeline::StoreSource where = newSource(backend);
        if (source) *source = where;
        if (where.isEmpty()) return nullptr;
        std::unique_ptr<store::EventStore> s = where.makeStore(QStringLiteral("vigil-test"));
        QString error;
        if (!s->open(&error)) {
            qWarning("cannot open the test store: %s", qPrintable(error));
            return nullptr;
        }
        return s;
    }

private:
    QTemporaryDir m_dir;
    PostgresCluster m_pg;
    bool m_pgUp = false;
    QString m_skip;
    QString m_error;
    int m_serial = 0;
};

} // namespace vigil::test

// In a data-driven test slot: fetches the "backend" column into `var` and skips a backend that cannot run here.
#define VIGIL_FETCH_BACKEND(backends, var)                                                                             \
    QFETCH(QString, var);                                                                                              \
    do {                                                                                                               \
        QString vigilSkip_;                                                                                            \
        if (!(backends).available(var, &vigilSkip_)) QSKIP(qPrintable(vigilSkip_));                                    \
    } while (false)

// In a slot about PostgreSQL only: skips it when PostgreSQL cannot run here.
#define VIGIL_REQUIRE_POSTGRES(backends)                                                                               \
    do {                                                                                                               \
        QString vigilSkip_;                                                                                            \
        if (!(backends).available(QString::fromLatin1(vigil::test::StoreBackends::kPostgres), &vigilSkip_))            \
            QSKIP(qPrintable(vigilSkip_));                                                                             \
    } while (false)

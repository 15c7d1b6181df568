// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/PostgresEventStore.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace vigil::test {

// A private PostgreSQL cluster for one test: initdb into a temporary folder, `pg_ctl start` on a free
// loopback port (unix sockets in the same folder), password authentication over TCP, stopped and
// deleted at the end. As root the server runs as Debian's unprivileged `postgres` user (PostgreSQL
// refuses to run as root), so the folder is handed to that user.
//
//   PostgresCluster pg;
//   if (!pg.start()) QSKIP(qPrintable(pg.skipReason()));   // only when PostgreSQL is not installed
//   QVERIFY2(pg.error().isEmpty(), …);
//   const QString url = pg.createDatabase(u"t1"_qs);        // postgresql://vigil@127.0.0.1:PORT/t1
//   qputenv("VIGIL_STORE_PASSWORD", pg.password());
class PostgresCluster
{
public:
    PostgresCluster();
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    // False when PostgreSQL or Qt's QPSQL driver is not installed (skipReason()) or the cluster did not
    // come up (error()).
    bool start();
    void stop();
    QString skipReason() const { return m_skipReason; }
    QString error() const { return m_error; }

    quint16 port() const { return m_port; }
    QString user() const { return QStringLiteral("vigil"); }
    QByteArray password() const { return m_password; }
    // Creates an empty database and returns its store URL (without the password).
    QString createDatabase(const QString& name);
    // The database at `url` (from createDatabase()) with this cluster's password, as a store or a team
    // coordinator opens it; nullopt (with `error`) if the URL does not parse.
    std::optional<store::PostgresLocation> location(const QString& url, QString* error = nullptr) const;
    // Ends every session of `database` but this process's own (a crashed network, as the server sees it).
    bool terminateSessions(const QString& database, const QString& applicationName = {});
    QString serverLog() const;

private:
    bool run(const QStringList& command, QString* output = nullptr, int timeoutMs = 60000);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_binDir;
    QString m_dataDir;
    quint16 m_port = 0;
    QByteArray m_password;
    bool m_asPostgresUser = false;
    bool m_running = false;
    QString m_skipReason;
    QString m_error;
    QString m_adminConnection;
};

} // namespace vigil::test

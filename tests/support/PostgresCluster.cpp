// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/PostgresCluster.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QVariant>

#include <atomic>
#include <pwd.h>
#include <unistd.h>

namespace vigil::test {

namespace {

std::atomic<int> s_serial{0};

// Debian installs the server binaries per major version: /usr/lib/postgresql/<major>/bin. The newest wins.
QString findBinDir()
{
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(), [&](const QString& a, const QString& b) { return numeric(b, a); });
    for (const QString& v : versions) {
        const QString bin = root.filePath(v + QStringLiteral("/bin"));
        if (QFile::exists(bin + QStringLiteral("/initdb")) && QFile::exists(bin + QStringLiteral("/pg_ctl")))
            return bin;
    }
    return {};
}

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) return 0;
    return probe.serverPort();
}

} // namespace

PostgresCluster::PostgresCluster() = default;

PostgresCluster::~PostgresCluster()
{
    stop();
}

bool PostgresCluster::run(const QStringList& command, QString* output, int timeoutMs)
{
    QStringList args = command;
    QString program = args.takeFirst();
    if (m_asPostgresUser) {
        args.prepend(program);
        args = QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--")} + args;
        program = QStringLiteral("runuser");
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir ? m_dir->path() : QDir::tempPath());
    p.start(program, args);
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        if (output) *output = program + QStringLiteral(": did not run to the end");
        return false;
    }
    if (output) *output = QString::fromLocal8Bit(p.readAll());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool PostgresCluster::start()
{
    m_binDir = findBinDir();
    if (m_binDir.isEmpty()) {
        m_skipReason = QStringLiteral("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; "
                                      "packaging/linux/install-deps.sh installs it)");
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        m_skipReason = QStringLiteral("Qt's PostgreSQL driver QPSQL is not installed (Debian: libqt6sql6-psql)");
        return false;
    }
    m_asPostgresUser = ::geteuid() == 0;
    uid_t uid = 0;
    gid_t gid = 0;
    if (m_asPostgresUser) {
        const passwd* pw = ::getpwnam("postgres");
        if (!pw) {
            m_error = QStringLiteral("running as root, but there is no 'postgres' user to run the server as");
            return false;
        }
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/vigil-pg-XXXXXX"));
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder for the cluster");
        return false;
    }
    if (m_asPostgresUser && ::chown(QFile::encodeName(m_dir->path()).constData(), uid, gid) != 0) {
        m_error = QStringLiteral("cannot hand the cluster folder to the postgres user");
        return false;
    }
    m_dataDir = m_dir->filePath(QStringLiteral("data"));

    // A random password per cluster: TCP connections must present it (scram-sha-256), which is how the
    // store's password handling is exercised; the unix socket in the folder is trusted for set-up.
    m_password = QByteArray::number(QRandomGenerator::global()->generate64(), 36);
    const QString pwFile = m_dir->filePath(QStringLiteral("pw"));
    {
        QFile f(pwFile);
        if (!f.open(QIODevice::WriteOnly)) {
            m_error = QStringLiteral("cannot write the password file");
            return false;
        }
        f.write(m_password);
    }
    if (m_asPostgresUser && ::chown(QFile::encodeName(pwFile).constData(), uid, gid) != 0) {
        m_error = QStringLiteral("cannot hand the password file to the postgres user");
        return false;
    }
    QString out;
    if (!run({m_binDir + QStringLiteral("/initdb"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-U"), user(),
              QStringLiteral("--pwfile=") + pwFile, QStringLiteral("--auth-host=scram-sha-256"),
              QStringLiteral("--auth-local=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
              QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
             &out)) {
        m_error = QStringLiteral("initdb failed: ") + out;
        return false;
    }
    QFile::remove(pwFile);
    // A port that was free a moment ago can be taken in between: try a few.
    for (int attempt = 0; attempt < 5 && !m_running; ++attempt) {
        m_port = freeLoopbackPort();
        // VIGIL_TEST_PG_OPTIONS adds server settings, e.g. for profiling:
        // "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on".
        const QString options = QStringLiteral("-h 127.0.0.1 -p %1 -k %2 -F -c max_connections=60"
                                               " -c shared_buffers=32MB -c fsync=off -c synchronous_commit=off %3")
                                    .arg(m_port)
                                    .arg(m_dir->path(), qEnvironmentVariable("VIGIL_TEST_PG_OPTIONS"));
        m_running = run({m_binDir + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-l"),
                         m_dir->filePath(QStringLiteral("server.log")), QStringLiteral("-o"), options,
                         QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
                        &out);
    }
    if (!m_running) {
        m_error = QStringLiteral("pg_ctl start failed: ") + out + serverLog();
        return false;
    }
    m_adminConnection = QStringLiteral("vigil-test-pg-admin-%1").arg(++s_serial);
    QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_adminConnection);
    admin.setHostName(QStringLiteral("127.0.0.1"));
    admin.setPort(m_port);
    admin.setUserName(user());
    admin.setPassword(QString::fromLatin1(m_password));
    admin.setDatabaseName(QStringLiteral("postgres"));
    if (!admin.open()) {
        m_error = QStringLiteral("cannot connect to the new cluster: ") + admin.lastError().text();
        return false;
    }
    return true;
}

std::optional<store::PostgresLocation> PostgresCluster::location(const QString& url, QString* error) const
{
    std::optional<store::PostgresLocation> where = store::PostgresLocation::parse(url, error);
    if (where) where->password = m_password;
    return where;
}

QString PostgresCluster::createDatabase(const QString& name)
{
    QSqlDatabase admin = QSqlDatabase::database(m_adminConnection, false);
    QSqlQuery q(admin);
    if (!q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name))) {
        m_error = q.lastError().text();
        return {};
    }
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(user()).arg(m_port).arg(name);
}

bool PostgresCluster::terminateSessions(const QString& database, const QString& applicationName)
{
    QSqlDatabase admin = QSqlDatabase::database(m_adminConnection, false);
    QSqlQuery q(admin);
    q.prepare(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ?"
                             " AND pid <> pg_backend_pid() AND (? = '' OR application_name = ?)"));
    q.addBindValue(database);
    q.addBindValue(applicationName);
    q.addBindValue(applicationName);
    return q.exec();
}

QString PostgresCluster::serverLog() const
{
    if (!m_dir) return {};
    QFile f(m_dir->filePath(QStringLiteral("server.log")));
    return f.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(f.readAll().right(4000)) : QString();
}

void PostgresCluster::stop()
{
    if (!m_adminConnection.isEmpty()) {
        {
            QSqlDatabase admin = QSqlDatabase::database(m_adminConnection, false);
            admin.close();
        }
        QSqlDatabase::removeDatabase(m_adminConnection);
        m_adminConnection.clear();
    }
    if (m_running) {
        run({m_binDir + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"),
             QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")});
        m_running = false;
    }
    m_dir.reset();
}

} // namespace vigil::test

// SPDX-License-Identifier: GPL-3.0-or-later
// The console connects to an org from saved settings and keychain secrets: the real `vigil` binary,
// its settings in a private XDG_CONFIG_HOME, its API token in the real Secret Service, against the
// simulated tenant over HTTP on loopback.
#include "core/secrets/ConnectionSettings.h"
#include "core/sim/SimServer.h"
#include "core/store/SqliteEventStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

class TestConsoleLauncher : public QObject
{
    Q_OBJECT

private slots:
    void consoleConnectsWithSavedSettingsAndTheKeychainToken()
    {
        const QString vigil = QString::fromLocal8Bit(qgetenv("VIGIL_BINARY"));
        if (vigil.isEmpty()) QSKIP("VIGIL_BINARY is not set (run through ctest)");
        sim::SimOptions o;
        o.users = 40;
        o.historyMs = 24 * 3600000LL; // a day, so that some sign-ins happened whatever the hour
        sim::SimServer sim(o);
        QVERIFY(sim.listen() > 0);

        QTemporaryDir config, data;
        secrets::ConnectionSettings c;
        c.orgUrl = sim.baseUrl().toString();
        c.mode = u"monitor"_qs;
        {
            // Where the child's QSettings() will look: $XDG_CONFIG_HOME/Vigil/Vigil.conf.
            QSettings s(QDir(config.path()).filePath(u"Vigil/Vigil.conf"_qs), QSettings::NativeFormat);
            c.save(s);
        }
        secrets::SecretStore store;
        QSignalSpy written(&store, &secrets::SecretStore::writeFinished);
        const secrets::SecretRef tokenRef = secrets::ConnectionSettings::ref(c.tenant(), u"okta"_qs, u"api-token"_qs);
        store.write(tokenRef, sim.options().token.toUtf8());
        QVERIFY(written.wait(10000));
        QCOMPARE(written.first().at(1).value<secrets::SecretError>(), secrets::SecretError::None);

        const QString shot = data.filePath(u"console.png"_qs);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_CONFIG_HOME"_qs, config.path());
        env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
        p.setProcessEnvironment(env);
        p.start(vigil,
                {u"--data-dir"_qs, data.path(), u"--screenshot"_qs, shot, u"--screenshot-delay"_qs, u"12000"_qs});
        QVERIFY(p.waitForStarted(10000));
        // The sim answers while the console runs: spin this event loop until it exits.
        QElapsedTimer t;
        t.start();
        while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
            QTest::qWait(50);
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(!QImage(shot).isNull());
        // It polled the System Log with the keychain's token and stored what it read.
        int logs = 0, served = 0;
        for (const sim::SimRequestRecord& r : sim.requests()) {
            logs += r.bucket == u"logs" && r.status == 200;
            served += r.events;
        }
        const QByteArray childErr = p.readAllStandardError();
        QVERIFY2(logs >= 1, childErr.constData());
        QVERIFY2(served > 0, childErr.constData());
        store::SqliteEventStore db(QDir(data.path()).filePath(store::SqliteEventStore::defaultFileName()));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QVERIFY2(db.eventCount() > 0, childErr.constData());
        store.remove(tokenRef);
    }
};

QTEST_MAIN(TestConsoleLauncher)
#include "TestConsoleLauncher.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// Talks to a real Secret Service: the README's test command runs ctest inside dbus-run-session with an
// unlocked gnome-keyring-daemon. Without one the test fails, because secrets must never silently
// fall back to plain files.
#include "core/secrets/SecretStore.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace vigil::secrets;

Q_DECLARE_METATYPE(vigil::secrets::SecretError)

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qRegisterMetaType<SecretError>();
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
            QFAIL("no D-Bus session bus: run the tests through the README's test command (dbus-run-session + "
                  "gnome-keyring-daemon)");
        }
    }

    void writeReadRemoveRoundTrip()
    {
        SecretStore store(QStringLiteral("io.github.vigil.Vigil.tests"));
        // A fresh tenant name per run so a leftover entry cannot make the test pass.
        const SecretRef ref{QUuid::createUuid().toString(QUuid::WithoutBraces) + u".okta.example"_qs, u"okta"_qs,
                            u"api-token"_qs};
        const QByteArray secret = "00QCjAl4MlV-WPXM-test-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);

        QSignalSpy readSpy(&store, &SecretStore::readFinished);
        store.read(ref);
        QVERIFY(readSpy.wait(10000));
        QCOMPARE(readSpy.at(0).at(2).value<SecretError>(), SecretError::NotFound);

        QSignalSpy writeSpy(&store, &SecretStore::writeFinished);
        store.write(ref, secret);
        QVERIFY(writeSpy.wait(10000));
        QVERIFY2(writeSpy.at(0).at(1).value<SecretError>() == SecretError::None,
                 qPrintable(writeSpy.at(0).at(2).toString()));

        readSpy.clear();
        store.read(ref);
        QVERIFY(readSpy.wait(10000));
        QCOMPARE(readSpy.at(0).at(0).toString(), ref.storageKey());
        QCOMPARE(readSpy.at(0).at(1).toByteArray(), secret);
        QCOMPARE(readSpy.at(0).at(2).value<SecretError>(), SecretError::None);

        QSignalSpy removeSpy(&store, &SecretStore::removeFinished);
        store.remove(ref);
        QVERIFY(removeSpy.wait(10000));
        QCOMPARE(removeSpy.at(0).at(1).value<SecretError>(), SecretError::None);

        readSpy.clear();
        store.read(ref);
        QVERIFY(readSpy.wait(10000));
        QCOMPARE(readSpy.at(0).at(2).value<SecretError>(), SecretError::NotFound);
        QVERIFY(readSpy.at(0).at(1).toByteArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "TestSecretStore.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// Settings: secrets go to the OS keychain (a real Secret Service under dbus-run-session) and never to
// the settings file; the dialog shows only whether one is set; enforce mode needs the org's name.
#include "core/secrets/SecretStore.h"
#include "core/sim/SimServer.h"
#include "ui/settings/SettingsDialog.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

namespace {

QByteArray readSecret(secrets::SecretStore& store, const secrets::SecretRef& ref, secrets::SecretError* error)
{
    QSignalSpy spy(&store, &secrets::SecretStore::readFinished);
    store.read(ref);
    if (!spy.wait(10000)) return {};
    *error = spy.first().at(2).value<secrets::SecretError>();
    return spy.first().at(1).toByteArray();
}

void type(QDialog& dialog, const char* name, const QString& text)
{
    auto* field = dialog.findChild<QLineEdit*>(QLatin1String(name));
    QVERIFY2(field, name);
    field->setText(text);
}

} // namespace

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private slots:
    void secretsGoToTheKeychainAndNeverToTheSettingsFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"vigil.ini"_qs);
        // A unique org per run: the keychain outlives the test.
        const QString host = QStringLiteral("acme%1.okta.com").arg(QDateTime::currentMSecsSinceEpoch());
        const QString token = u"00aTestTokenValue-"_qs + QString::number(QDateTime::currentMSecsSinceEpoch());
        const QString routingKey = u"R0UT1NGKEY0000000000000000000042"_qs;
        const QString webhook = u"https://hooks.slack.com/services/T000/B000/secretpart"_qs;
        secrets::SecretStore store(u"io.github.vigil.Vigil.test"_qs);
        {
            QSettings settings(file, QSettings::IniFormat);
            ui::SettingsDialog dialog(settings, store);
            type(dialog, "orgUrl", u"https://"_qs + host);
            type(dialog, "oktaToken", token);
            type(dialog, "pagerDutyRoutingKey", routingKey);
            type(dialog, "notifyWebhookUrl", webhook);
            type(dialog, "jiraProject", u"SEC"_qs);
            QSignalSpy saved(&dialog, &ui::SettingsDialog::saved);
            dialog.save();
            QVERIFY2(saved.wait(10000), "the keychain did not answer");
            // The typed values leave the form once stored.
            QVERIFY(dialog.findChild<QLineEdit*>(u"oktaToken"_qs)->text().isEmpty());
            QCOMPARE(dialog.secretStatus(u"okta"_qs, u"api-token"_qs), u"set"_qs);
        }
        QFile ini(file);
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray contents = ini.readAll();
        QVERIFY2(contents.contains(host.toUtf8()), contents.constData());
        QVERIFY(contents.contains("SEC"));
        for (const QString& secret : {token, routingKey, webhook, u"secretpart"_qs})
            QVERIFY2(!contents.contains(secret.toUtf8()), qPrintable(secret));

        secrets::SecretError error = secrets::SecretError::Other;
        QCOMPARE(readSecret(store, {host, u"okta"_qs, u"api-token"_qs}, &error), token.toUtf8());
        QCOMPARE(error, secrets::SecretError::None);
        QCOMPARE(readSecret(store, {host, u"notify"_qs, u"webhook-url"_qs}, &error), webhook.toUtf8());

        // Opened again: it says which are set, shows no value, and an empty field keeps the stored one.
        QSettings settings(file, QSettings::IniFormat);
        ui::SettingsDialog again(settings, store);
        QSignalSpy status(&again, &ui::SettingsDialog::secretStatusChanged);
        QTRY_COMPARE_WITH_TIMEOUT(again.secretStatus(u"okta"_qs, u"api-token"_qs), u"set"_qs, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(again.secretStatus(u"jira"_qs, u"api-token"_qs), u"not set"_qs, 10000);
        QVERIFY(again.findChild<QLineEdit*>(u"oktaToken"_qs)->text().isEmpty());
        QSignalSpy saved(&again, &ui::SettingsDialog::saved);
        again.save();
        QVERIFY(saved.wait(5000) || saved.size() == 1);
        QCOMPARE(readSecret(store, {host, u"okta"_qs, u"api-token"_qs}, &error), token.toUtf8());
        for (const char* what : {"okta/api-token", "pagerduty/routing-key", "notify/webhook-url"}) {
            const QStringList parts = QString::fromLatin1(what).split(u'/');
            store.remove({host, parts.at(0), parts.at(1)});
        }
    }

    // "Test PagerDuty" calls the REST API (the simulated one, over HTTP on loopback) with the typed token.
    void pagerDutyTokenIsTestedAgainstTheRestApi()
    {
        sim::SimOptions options;
        options.users = 10;
        sim::SimServer sim(options);
        QVERIFY(sim.listen() > 0);
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"vigil.ini"_qs), QSettings::IniFormat);
        settings.setValue(u"connection/pagerduty_rest_url"_qs, sim.baseUrl().toString());
        secrets::SecretStore store(u"io.github.vigil.Vigil.test"_qs);
        ui::SettingsDialog dialog(settings, store);
        QNetworkAccessManager network;
        QSignalSpy tested(&dialog, &ui::SettingsDialog::pagerDutyTested);

        type(dialog, "pagerDutyApiToken", u"not-the-token"_qs);
        dialog.testPagerDuty(network);
        QVERIFY(tested.wait(10000));
        QCOMPARE(tested.last().at(0).toBool(), false);
        QVERIFY2(tested.last().at(1).toString().contains(u"401"), qPrintable(tested.last().at(1).toString()));

        type(dialog, "pagerDutyApiToken", sim::SimOptions().pagerDutyToken);
        dialog.testPagerDuty(network);
        QVERIFY(tested.wait(10000));
        QVERIFY2(tested.last().at(0).toBool(), qPrintable(tested.last().at(1).toString()));
        auto* status = dialog.findChild<QLabel*>(u"settingsStatus"_qs);
        QVERIFY(status && status->text().contains(u"PagerDuty accepted"));
        // Nothing of the token reached the settings file.
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(sim::SimOptions().pagerDutyToken.toUtf8()));
    }

    void enforceModeNeedsTheOrgNameAndBadSettingsAreRefused()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"vigil.ini"_qs), QSettings::IniFormat);
        secrets::SecretStore store(u"io.github.vigil.Vigil.test"_qs);
        ui::SettingsDialog dialog(settings, store);
        QSignalSpy failed(&dialog, &ui::SettingsDialog::failed);
        QSignalSpy saved(&dialog, &ui::SettingsDialog::saved);
        // An http:// org that is not loopback is refused, with the reason shown.
        type(dialog, "orgUrl", u"http://acme.okta.com"_qs);
        dialog.save();
        QCOMPARE(failed.size(), 1);
        QVERIFY(dialog.findChild<QLabel*>(u"settingsStatus"_qs)->text().contains(u"Cannot save"));
        type(dialog, "orgUrl", u"https://acme.okta.com"_qs);
        auto* mode = dialog.findChild<QComboBox*>(u"mode"_qs);
        mode->setCurrentIndex(mode->findData(u"enforce"_qs));
        QString asked;
        dialog.setEnforceConfirmation([&asked](const QString& org) {
            asked = org;
            return false; // typed the wrong name
        });
        dialog.save();
        QCOMPARE(asked, u"acme.okta.com"_qs);
        QCOMPARE(failed.size(), 2);
        QVERIFY(settings.value(u"connection/mode"_qs).toString() != u"enforce");
        dialog.setEnforceConfirmation([](const QString&) { return true; });
        dialog.save();
        QTRY_COMPARE(saved.size(), 1);
        QCOMPARE(settings.value(u"connection/mode"_qs).toString(), u"enforce"_qs);
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"

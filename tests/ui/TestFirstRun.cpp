// SPDX-License-Identifier: GPL-3.0-or-later
// The first-run welcome: walked page by page against the simulated Okta tenant over real HTTP on
// loopback, with the real Secret Service (tests/run-ctest.sh) and the settings file QSettings uses
// under a private XDG_CONFIG_HOME. The connection test proves the credential and shows the scopes; a
// wrong token is named; the token and the hook secret land in the keychain and never in the file; the
// saved mode is monitor; the welcome does not come back; the demo choice returns Demo.
//
// With VIGIL_FIRSTRUN_SHOTS=DIR it also saves each page as DIR/firstrun-*.png for a human to look at.
#include "core/okta/EventHookReceiver.h"
#include "core/secrets/ConnectionSettings.h"
#include "core/secrets/SecretStore.h"
#include "core/sim/SimHookDelivery.h"
#include "core/sim/SimServer.h"
#include "ui/firstrun/EventHookEndpoint.h"
#include "ui/firstrun/FirstRunPages.h"
#include "ui/firstrun/FirstRunWizard.h"
#include "ui/firstrun/MonitorModeBanner.h"
#include "ui/settings/SettingsDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QVBoxLayout>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "support/RsaTestKey.h"

using namespace vigil;
using ui::FirstRunWizard;

namespace {

const QString kTestService = QStringLiteral("io.github.vigil.Vigil.test");

QByteArray readSecret(secrets::SecretStore& store, const secrets::SecretRef& ref, secrets::SecretError* error)
{
    QSignalSpy spy(&store, &secrets::SecretStore::readFinished);
    store.read(ref);
    if (!spy.wait(10000)) return {};
    *error = spy.first().at(2).value<secrets::SecretError>();
    return spy.first().at(1).toByteArray();
}

using test::generateRsaKey;
using KeyPair = test::RsaKeyPair;

sim::SimOptions smallTenant()
{
    sim::SimOptions o;
    o.users = 20;
    o.historyMs = 24 * 3600000LL; // a day of log: GET /api/v1/logs?limit=1 finds an event whatever the hour
    return o;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

template <typename T> T* child(QWidget& w, const char* name)
{
    return w.findChild<T*>(QLatin1String(name));
}

QString labelText(QWidget& w, const char* name)
{
    auto* label = child<QLabel>(w, name);
    return label ? label->text() : QString();
}

void shot(QWidget& w, const char* name)
{
    const QString dir = qEnvironmentVariable("VIGIL_FIRSTRUN_SHOTS");
    if (dir.isEmpty()) return;
    QTest::qWait(50); // let layouts settle after a page change
    w.grab().save(QDir(dir).filePath(QStringLiteral("firstrun-%1.png").arg(QLatin1String(name))), "PNG");
}

// Clicks a wizard button the way a user would; a disabled button does nothing.
void click(FirstRunWizard& w, QWizard::WizardButton which)
{
    QAbstractButton* b = w.button(which);
    QVERIFY(b);
    QTest::mouseClick(b, Qt::LeftButton);
}

} // namespace

class TestFirstRun : public QObject
{
    Q_OBJECT

private:
    QString settingsFile() const { return QSettings().fileName(); }
    QByteArray settingsFileContents() const
    {
        QFile f(settingsFile());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    void forgetSettings()
    {
        QSettings s;
        s.clear();
        s.sync();
    }

private slots:
    void init() { forgetSettings(); }

    void settingsLiveWhereTheAppLooks()
    {
        // main.cpp's QSettings() resolves to $XDG_CONFIG_HOME/Vigil/Vigil.conf; so do the tests below.
        QCOMPARE(settingsFile(), QDir(qEnvironmentVariable("XDG_CONFIG_HOME")).filePath(u"Vigil/Vigil.conf"_qs));
    }

    void connectWithAnApiTokenAndEventHooks()
    {
        sim::SimServer sim(smallTenant());
        QVERIFY(sim.listen() > 0);
        const QString orgUrl = sim.baseUrl().toString();
        const QByteArray token = sim.options().token.toUtf8();
        const quint16 hookPort = freePort();
        QVERIFY(hookPort > 0);
        secrets::SecretStore store(kTestService);

        QSettings settings;
        QVERIFY(FirstRunWizard::shouldShow(settings));
        FirstRunWizard w(settings, store);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.currentId(), int(ui::WelcomePageId));
        QVERIFY(child<QRadioButton>(w, "connectChoice")->isChecked());
        shot(w, "1-welcome");

        click(w, QWizard::NextButton);
        QCOMPARE(w.currentId(), int(ui::OrgPageId));
        // Next stays off until the org and a credential are typed.
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        child<QLineEdit>(w, "orgUrl")->setText(orgUrl);
        child<QLineEdit>(w, "oktaToken")->setText(u"00-not-the-right-token"_qs);
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        shot(w, "2-org");

        // A wrong token: the check says so in words, and the wizard does not go on.
        click(w, QWizard::NextButton);
        QCOMPARE(w.currentId(), int(ui::CheckPageId));
        QTRY_VERIFY_WITH_TIMEOUT(labelText(w, "connectionSummary").startsWith(u"Not connected"), 15000);
        QVERIFY2(labelText(w, "connectionSummary").contains(u"refused the API token"),
                 qPrintable(labelText(w, "connectionSummary")));
        QVERIFY(labelText(w, "connectionSummary").contains(u"E0000011")); // Okta's own error code
        QVERIFY(labelText(w, "connectionDetail").contains(u"whole token"));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        shot(w, "3-check-wrong-token");
        click(w, QWizard::NextButton);
        QCOMPARE(w.currentId(), int(ui::CheckPageId));
        w.next(); // even programmatically: the page refuses to be left
        QCOMPARE(w.currentId(), int(ui::CheckPageId));

        // Back, the right token, and the check runs again by itself.
        click(w, QWizard::BackButton);
        QCOMPARE(w.currentId(), int(ui::OrgPageId));
        child<QLineEdit>(w, "oktaToken")->setText(QString::fromUtf8(token));
        click(w, QWizard::NextButton);
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 15000);
        QVERIFY2(labelText(w, "connectionSummary").startsWith(u"Connected to 127.0.0.1"),
                 qPrintable(labelText(w, "connectionSummary")));
        // An API token has no scopes: the page says what the logs call proved instead.
        QVERIFY(labelText(w, "grantedScopes").contains(u"none (an API token acts with its creator's admin role)"));
        QVERIFY(labelText(w, "connectionDetail").contains(u"reads the System Log"));
        QVERIFY(labelText(w, "connectionDetail").contains(u"returned an event"));
        QVERIFY(labelText(w, "connectionDetail").contains(u"rate limit"));
        int logsCalls = 0;
        for (const sim::SimRequestRecord& r : sim.requests())
            logsCalls += r.path == u"/api/v1/logs" && r.query.contains(u"limit=1");
        QCOMPARE(logsCalls, 2); // the wrong token's and the right one's
        shot(w, "3-check-ok");

        click(w, QWizard::NextButton);
        QCOMPARE(w.currentId(), int(ui::EventSourcePageId));
        QVERIFY(child<QCheckBox>(w, "pollSystemLog")->isChecked());
        child<QCheckBox>(w, "receiveEventHooks")->setChecked(true);
        const QString listen = QStringLiteral("127.0.0.1:%1").arg(hookPort);
        child<QLineEdit>(w, "hookListen")->setText(listen);
        child<QLineEdit>(w, "hookPublicUrl")->setText(u"http://vigil-hooks.example.com"_qs);
        click(w, QWizard::NextButton); // Okta only delivers over HTTPS
        QCOMPARE(w.currentId(), int(ui::EventSourcePageId));
        QVERIFY(labelText(w, "eventSourceError").contains(u"https://"));
        child<QLineEdit>(w, "hookPublicUrl")->setText(u"https://vigil-hooks.example.com"_qs);
        QVERIFY(labelText(w, "eventSourceError").isEmpty()); // the edit answered the complaint
        QCOMPARE(child<QLineEdit>(w, "hookEndpointUrl")->text(),
                 u"https://vigil-hooks.example.com/okta/event-hooks"_qs);
        QCOMPARE(child<QLineEdit>(w, "hookAuthField")->text(), u"Authorization"_qs);
        auto* secretField = child<QLineEdit>(w, "hookSecret");
        const QByteArray hookSecret = secretField->text().toLatin1();
        QCOMPARE(hookSecret.size(), 43); // 32 random bytes, base64url
        QCOMPARE(secretField->echoMode(), QLineEdit::Password);
        QTest::mouseClick(child<QToolButton>(w, "newHookSecretButton"), Qt::LeftButton);
        const QByteArray finalSecret = secretField->text().toLatin1();
        QVERIFY(finalSecret != hookSecret);
        QCOMPARE(finalSecret.size(), 43);
        child<QCheckBox>(w, "showHookSecret")->setChecked(true);
        QCOMPARE(secretField->echoMode(), QLineEdit::Normal);
        child<QCheckBox>(w, "showHookSecret")->setChecked(false);
        shot(w, "4-events");

        click(w, QWizard::NextButton);
        QCOMPARE(w.currentId(), int(ui::MonitorModePageId));
        const QString summary = labelText(w, "setupSummary");
        QVERIFY2(summary.contains(u"Mode: monitor"), qPrintable(summary));
        QVERIFY(summary.contains(u"System Log polling and Event Hooks on "_qs + listen));
        QVERIFY(labelText(w, "enforceHowTo").contains(u"Settings… → Automation → Mode → Enforce"));
        QCOMPARE(w.button(QWizard::FinishButton)->text(), u"&Start monitoring"_qs);
        shot(w, "5-monitor");

        QSignalSpy saved(&w, &FirstRunWizard::saved);
        click(w, QWizard::FinishButton);
        QVERIFY2(saved.wait(10000) || saved.size() == 1, "the keychain did not answer");
        QCOMPARE(w.result(), int(QDialog::Accepted));
        QCOMPARE(w.choice(), FirstRunWizard::Choice::Connect);
        QCOMPARE(w.eventHookUrl(), u"https://vigil-hooks.example.com/okta/event-hooks"_qs);
        // Stored, so no longer held by the dialog.
        QVERIFY(child<QLineEdit>(w, "oktaToken")->text().isEmpty());
        QVERIFY(secretField->text().isEmpty());

        // The settings file: the org and the monitor mode, no secret.
        const QByteArray contents = settingsFileContents();
        QVERIFY2(contents.contains("127.0.0.1"), contents.constData());
        QVERIFY(contents.contains(QByteArray::number(sim.port())));
        QVERIFY(contents.contains("mode=monitor"));
        for (const QByteArray& secret : {token, finalSecret, hookSecret})
            QVERIFY2(!contents.contains(secret), "a secret reached the settings file");
        QSettings reread;
        const secrets::ConnectionSettings c = secrets::ConnectionSettings::load(reread);
        QCOMPARE(c.orgUrl, orgUrl);
        QCOMPARE(c.authMethod, u"token"_qs);
        QCOMPARE(c.mode, u"monitor"_qs);
        QVERIFY(c.poll);
        QCOMPARE(c.hookListen, listen);
        QVERIFY(c.problems().isEmpty());
        QVERIFY(!FirstRunWizard::shouldShow(reread));

        // The keychain holds both secrets.
        secrets::SecretError error = secrets::SecretError::Other;
        const secrets::SecretRef tokenRef = secrets::ConnectionSettings::ref(c.tenant(), u"okta"_qs, u"api-token"_qs);
        const secrets::SecretRef hookRef = secrets::ConnectionSettings::ref(c.tenant(), u"hook"_qs, u"secret"_qs);
        QCOMPARE(readSecret(store, tokenRef, &error), token);
        QCOMPARE(error, secrets::SecretError::None);
        const QByteArray storedHookSecret = readSecret(store, hookRef, &error);
        QCOMPARE(storedHookSecret, finalSecret);

        // What the page told the analyst to paste into Okta works: the simulated Okta delivers to the
        // listener with the shown secret, and Vigil's receiver (given the keychain's secret) accepts it.
        okta::HookReceiverSettings hooks;
        hooks.port = hookPort;
        hooks.secret = storedHookSecret;
        int received = 0;
        okta::EventHookReceiver receiver(hooks, [&received](const QList<okta::LogEvent>& events) {
            store::AppendResult r;
            r.ok = true;
            r.inserted = int(events.size());
            for (int i = 0; i < r.inserted; ++i)
                r.insertedIndexes.append(i);
            received += r.inserted;
            return r;
        });
        QString why;
        QVERIFY2(receiver.start(&why) == hookPort, qPrintable(why));
        const QUrl local(u"http://"_qs + listen + ui::EventHookEndpoint::path());
        sim::SimHookDelivery* delivery = sim.startHookDelivery(local, finalSecret);
        QSignalSpy delivered(delivery, &sim::SimHookDelivery::delivered);
        sim.triggerAttack(sim::SimAttack::BruteForce);
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.isEmpty(), 30000);
        QCOMPARE(delivered.first().at(1).toInt(), 200);
        QVERIFY(received > 0);
        QCOMPARE(receiver.counters().unauthorized, 0);
        delivery->stop();

        store.remove(tokenRef);
        store.remove(hookRef);
        QTest::qWait(200);
    }

    void connectWithAServiceAppShowsTheGrantedScopes()
    {
        const KeyPair key = generateRsaKey();
        const KeyPair otherKey = generateRsaKey();
        QVERIFY(!key.privatePem.isEmpty() && !otherKey.privatePem.isEmpty());
        sim::SimOptions o = smallTenant();
        o.oauthPublicKeyPem = key.publicPem;
        sim::SimServer sim(o);
        QVERIFY(sim.listen() > 0);
        secrets::SecretStore store(kTestService);
        QSettings settings;
        FirstRunWizard w(settings, store);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        click(w, QWizard::NextButton);
        child<QLineEdit>(w, "orgUrl")->setText(sim.baseUrl().toString());
        auto* auth = child<QComboBox>(w, "authMethod");
        auth->setCurrentIndex(auth->findData(u"oauth"_qs));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled()); // client id and key still missing
        child<QLineEdit>(w, "oauthClientId")->setText(o.oauthClientId);
        auto* orgPage = qobject_cast<ui::OrgPage*>(w.currentPage());
        QVERIFY(orgPage);
        // Not a key: refused with the reason, and Next stays off.
        QVERIFY(!orgPage->setPrivateKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
        QVERIFY(labelText(w, "orgError").contains(u"not a private key"));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        // A key the app does not have: Okta issues no token, and the page says what to check.
        QVERIFY(orgPage->setPrivateKeyPem(otherKey.privatePem));
        QVERIFY(labelText(w, "privateKeyState").startsWith(u"Private key loaded"));
        // The key is never shown on screen.
        for (QLabel* label : w.findChildren<QLabel*>())
            QVERIFY(!label->text().contains(u"BEGIN PRIVATE KEY"));
        shot(w, "2-org-oauth");
        click(w, QWizard::NextButton);
        QTRY_VERIFY_WITH_TIMEOUT(labelText(w, "connectionSummary").startsWith(u"Not connected"), 15000);
        QVERIFY2(labelText(w, "connectionSummary").contains(u"did not issue an access token"),
                 qPrintable(labelText(w, "connectionSummary")));
        QVERIFY(labelText(w, "connectionDetail").contains(u"invalid_client"));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());

        click(w, QWizard::BackButton);
        QVERIFY(orgPage->setPrivateKeyPem(key.privatePem));
        click(w, QWizard::NextButton);
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 15000);
        // The token response's scope: exactly what monitor mode asks for, nothing that changes Okta.
        const QString scopes = labelText(w, "grantedScopes");
        QVERIFY2(scopes.contains(u"Scopes granted: okta.logs.read, okta.users.read."), qPrintable(scopes));
        QVERIFY(!scopes.contains(u"manage"));
        QCOMPARE(sim.oauthTokensIssued(), 1);
        shot(w, "3-check-oauth");

        click(w, QWizard::NextButton);
        QCOMPARE(w.currentId(), int(ui::EventSourcePageId));
        // Neither source: nothing to go on with.
        child<QCheckBox>(w, "pollSystemLog")->setChecked(false);
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        child<QCheckBox>(w, "pollSystemLog")->setChecked(true);
        click(w, QWizard::NextButton);
        QSignalSpy saved(&w, &FirstRunWizard::saved);
        click(w, QWizard::FinishButton);
        QVERIFY2(saved.wait(10000) || saved.size() == 1, "the keychain did not answer");
        QCOMPARE(w.choice(), FirstRunWizard::Choice::Connect);
        QVERIFY(w.eventHookUrl().isEmpty());

        const QByteArray contents = settingsFileContents();
        QVERIFY(contents.contains(o.oauthClientId.toUtf8()));
        QVERIFY(!contents.contains("PRIVATE KEY"));
        const QList<QByteArray> keyLines = key.privatePem.split('\n');
        QVERIFY(keyLines.size() > 3);
        QVERIFY(!contents.contains(keyLines.at(2)));
        const secrets::ConnectionSettings c = secrets::ConnectionSettings::load(QSettings());
        QCOMPARE(c.authMethod, u"oauth"_qs);
        QCOMPARE(c.oauthClientId, o.oauthClientId);
        QCOMPARE(c.mode, u"monitor"_qs);
        QVERIFY(c.hookListen.isEmpty());
        secrets::SecretError error = secrets::SecretError::Other;
        const secrets::SecretRef keyRef = secrets::ConnectionSettings::ref(c.tenant(), u"okta"_qs, u"private-key"_qs);
        QCOMPARE(readSecret(store, keyRef, &error), key.privatePem);
        QCOMPARE(error, secrets::SecretError::None);
        store.remove(keyRef);
        QTest::qWait(200);
    }

    void theKeyboardAloneWalksThrough()
    {
        sim::SimServer sim(smallTenant());
        QVERIFY(sim.listen() > 0);
        secrets::SecretStore store(kTestService);
        QSettings settings;
        FirstRunWizard w(settings, store);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSignalSpy saved(&w, &FirstRunWizard::saved);
        // Enter takes the default choice (connect); the cursor lands in the org URL.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(w.currentId(), int(ui::OrgPageId));
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(child<QLineEdit>(w, "orgUrl")));
        QTest::keyClicks(QApplication::focusWidget(), sim.baseUrl().toString());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab); // the sign-in method
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(child<QComboBox>(w, "authMethod")));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab); // the token
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(child<QLineEdit>(w, "oktaToken")));
        QTest::keyClicks(QApplication::focusWidget(), sim.options().token);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(w.currentId(), int(ui::CheckPageId));
        // Once connected, Next has the focus: Enter goes on.
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 15000);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w.button(QWizard::NextButton)));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(w.currentId(), int(ui::EventSourcePageId));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(w.currentId(), int(ui::MonitorModePageId));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QVERIFY2(saved.wait(10000) || saved.size() == 1, "the keychain did not answer");
        QCOMPARE(w.choice(), FirstRunWizard::Choice::Connect);
        const secrets::ConnectionSettings c = secrets::ConnectionSettings::load(QSettings());
        QCOMPARE(c.mode, u"monitor"_qs);
        QVERIFY(c.hookListen.isEmpty());
        store.remove(secrets::ConnectionSettings::ref(c.tenant(), u"okta"_qs, u"api-token"_qs));
        QTest::qWait(200);
    }

    void choosingTheDemoReturnsDemo()
    {
        secrets::SecretStore store(kTestService);
        QSettings settings;
        QVERIFY(FirstRunWizard::shouldShow(settings));
        FirstRunWizard w(settings, store);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(!w.currentPage()->isFinalPage());
        child<QRadioButton>(w, "demoChoice")->setChecked(true);
        // The demo needs nothing more: this page is the last, its button opens the demo.
        QVERIFY(w.currentPage()->isFinalPage());
        QTRY_VERIFY(w.button(QWizard::FinishButton)->isVisible());
        QCOMPARE(w.button(QWizard::FinishButton)->text(), u"Open the &demo"_qs);
        shot(w, "1-welcome-demo");
        click(w, QWizard::FinishButton);
        QCOMPARE(w.result(), int(QDialog::Accepted));
        QCOMPARE(w.choice(), FirstRunWizard::Choice::Demo);
        QSettings reread;
        QVERIFY(!FirstRunWizard::shouldShow(reread));
        QVERIFY(secrets::ConnectionSettings::load(reread).orgUrl.isEmpty()); // no connection was saved
        QCOMPARE(reread.value(u"first_run/choice"_qs).toString(), u"demo"_qs);
    }

    void cancellingShowsTheWelcomeAgain()
    {
        secrets::SecretStore store(kTestService);
        QSettings settings;
        FirstRunWizard w(settings, store);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QCOMPARE(w.result(), int(QDialog::Rejected));
        QCOMPARE(w.choice(), FirstRunWizard::Choice::None);
        QVERIFY(FirstRunWizard::shouldShow(QSettings()));
    }

    void hookEndpointText()
    {
        using ui::EventHookEndpoint;
        QCOMPARE(EventHookEndpoint::endpointUrl(u"https://hooks.corp.example"_qs, u"127.0.0.1:8787"_qs),
                 u"https://hooks.corp.example/okta/event-hooks"_qs);
        // A proxy path of its own is kept.
        QCOMPARE(EventHookEndpoint::endpointUrl(u"https://proxy.corp.example/vigil/okta"_qs, u"127.0.0.1:8787"_qs),
                 u"https://proxy.corp.example/vigil/okta"_qs);
        QCOMPARE(EventHookEndpoint::endpointUrl({}, u"127.0.0.1:8787"_qs),
                 u"http://127.0.0.1:8787/okta/event-hooks"_qs);
        QVERIFY(EventHookEndpoint::validListen(u"0.0.0.0:9000"_qs, nullptr));
        for (const QString& bad : {u"8787"_qs, u"localhost:8787"_qs, u"127.0.0.1:0"_qs, u"127.0.0.1:70000"_qs})
            QVERIFY2(!EventHookEndpoint::validListen(bad, nullptr), qPrintable(bad));
        QVERIFY(EventHookEndpoint::validPublicUrl({}, nullptr));
        QVERIFY(!EventHookEndpoint::validPublicUrl(u"http://hooks.corp.example"_qs, nullptr));
        const QByteArray a = EventHookEndpoint::generateSecret(), b = EventHookEndpoint::generateSecret();
        QVERIFY(a != b);
        QCOMPARE(a.size(), 43);
        QVERIFY(
            QByteArray::fromBase64(a, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors).size()
            == 32);
    }

    void orgAddressIsNormalised()
    {
        secrets::SecretStore store(kTestService);
        QSettings settings;
        FirstRunWizard w(settings, store);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        click(w, QWizard::NextButton);
        auto* org = child<QLineEdit>(w, "orgUrl");
        child<QLineEdit>(w, "oktaToken")->setText(u"x"_qs);
        // The Admin Console's address, pasted from the browser: the org's API address is used instead.
        org->setText(u"acme-admin.okta.com/admin/dashboard"_qs);
        auto* page = qobject_cast<ui::OrgPage*>(w.currentPage());
        QVERIFY(page);
        QCOMPARE(page->orgUrl(), u"https://acme.okta.com"_qs);
        // Plain http to a remote host would expose the token: refused, with the reason.
        org->setText(u"http://acme.okta.com"_qs);
        QVERIFY(!page->validatePage());
        QVERIFY(labelText(w, "orgError").contains(u"https://"));
        w.reject();
    }

    void settingsDialogSharesTheCheckAndTheSources()
    {
        sim::SimServer sim(smallTenant());
        QVERIFY(sim.listen() > 0);
        secrets::SecretStore store(kTestService);
        QSettings settings;
        ui::SettingsDialog dialog(settings, store);
        child<QLineEdit>(dialog, "orgUrl")->setText(sim.baseUrl().toString());
        child<QLineEdit>(dialog, "oktaToken")->setText(u"wrong"_qs);
        QNetworkAccessManager network;
        QSignalSpy tested(&dialog, &ui::SettingsDialog::connectionTested);
        dialog.testOktaConnection(network);
        QVERIFY(tested.wait(15000));
        QCOMPARE(tested.last().at(0).toBool(), false);
        QVERIFY(tested.last().at(1).toString().contains(u"refused the API token"));
        child<QLineEdit>(dialog, "oktaToken")->setText(sim.options().token);
        dialog.testOktaConnection(network);
        QVERIFY(tested.wait(15000));
        QCOMPARE(tested.last().at(0).toBool(), true);
        QVERIFY(tested.last().at(1).toString().contains(u"GET /api/v1/logs"));
        // Neither polling nor hooks cannot be saved.
        child<QCheckBox>(dialog, "pollSystemLog")->setChecked(false);
        QSignalSpy failed(&dialog, &ui::SettingsDialog::failed);
        dialog.save();
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().at(0).toString().contains(u"poll the System Log, receive Event Hooks, or both"));
    }

    void monitorModeBanner()
    {
        QMainWindow window;
        auto* central = new QWidget(&window);
        auto* layout = new QVBoxLayout(central);
        auto* banner = new ui::MonitorModeBanner(central);
        layout->addWidget(banner);
        layout->addStretch(1);
        window.setCentralWidget(central);
        window.resize(1200, 200);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!banner->isVisible()); // no mode known yet
        banner->setMode(u"monitor"_qs);
        QVERIFY(banner->isVisible());
        const QString text = labelText(*banner, "monitorModeText");
        QVERIFY(text.contains(u"changes nothing in Okta"));
        QVERIFY(text.contains(u"Settings → Automation → Mode"));
        shot(window, "6-banner");
        QSignalSpy settingsRequested(banner, &ui::MonitorModeBanner::settingsRequested);
        QTest::mouseClick(child<QPushButton>(*banner, "monitorModeSettingsButton"), Qt::LeftButton);
        QCOMPARE(settingsRequested.size(), 1);
        banner->setMode(u"enforce"_qs);
        QVERIFY(!banner->isVisible());
        banner->setMode(u"monitor"_qs);
        QVERIFY(banner->isVisible());
        QSignalSpy hidden(banner, &ui::MonitorModeBanner::dismissedForSession);
        QTest::mouseClick(child<QPushButton>(*banner, "monitorModeHideButton"), Qt::LeftButton);
        QCOMPARE(hidden.size(), 1);
        QVERIFY(!banner->isVisible());
        banner->setMode(u"monitor"_qs); // the next snapshot does not bring it back this session
        QVERIFY(!banner->isVisible());
    }
};

int main(int argc, char** argv)
{
    // A private settings home before anything reads QSettings: the developer's own settings stay untouched.
    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Vigil"));
    QCoreApplication::setApplicationName(QStringLiteral("Vigil"));
    TestFirstRun test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestFirstRun.moc"

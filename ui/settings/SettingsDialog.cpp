// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/settings/SettingsDialog.h"

#include "core/okta/OktaConnectionCheck.h"
#include "core/secrets/SecretWriteBatch.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace vigil::ui {

SettingsDialog::SettingsDialog(QSettings& settings, secrets::SecretStore& secrets, QWidget* parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_orgUrl(new QLineEdit(this))
    , m_auth(new QComboBox(this))
    , m_clientId(new QLineEdit(this))
    , m_keyId(new QLineEdit(this))
    , m_mode(new QComboBox(this))
    , m_delay(new QSpinBox(this))
    , m_hookListen(new QLineEdit(this))
    , m_poll(new QCheckBox(tr("Poll the System Log"), this))
    , m_jiraUrl(new QLineEdit(this))
    , m_jiraEmail(new QLineEdit(this))
    , m_jiraProject(new QLineEdit(this))
    , m_policyFile(new QLineEdit(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Vigil settings"));
    m_confirmEnforce = [this](const QString& org) {
        bool ok = false;
        const QString typed =
            QInputDialog::getText(this, tr("Enforce mode"),
                                  tr("In enforce mode Vigil suspends Okta accounts and ends sessions on its own.\n"
                                     "Type the org's name (%1) to confirm:")
                                      .arg(org),
                                  QLineEdit::Normal, {}, &ok);
        return ok && typed.trimmed().compare(org, Qt::CaseInsensitive) == 0;
    };
    const secrets::ConnectionSettings c = secrets::ConnectionSettings::load(settings);
    m_orgUrl->setObjectName(QStringLiteral("orgUrl"));
    m_orgUrl->setPlaceholderText(tr("https://acme.okta.com"));
    m_orgUrl->setText(c.orgUrl);
    m_auth->setObjectName(QStringLiteral("authMethod"));
    m_auth->addItem(tr("API token (SSWS)"), u"token"_qs);
    m_auth->addItem(tr("OAuth 2.0 service app (private_key_jwt)"), u"oauth"_qs);
    m_auth->setCurrentIndex(std::max(0, m_auth->findData(c.authMethod)));
    m_clientId->setObjectName(QStringLiteral("oauthClientId"));
    m_clientId->setText(c.oauthClientId);
    m_keyId->setObjectName(QStringLiteral("oauthKeyId"));
    m_keyId->setText(c.oauthKeyId);
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItem(tr("Monitor — decide and record, change nothing in Okta"), u"monitor"_qs);
    m_mode->addItem(tr("Enforce — step up and suspend accounts"), u"enforce"_qs);
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(c.mode)));
    m_delay->setObjectName(QStringLiteral("autoSuspendDelay"));
    m_delay->setRange(5, 60);
    m_delay->setSuffix(tr(" min"));
    m_delay->setValue(c.autoSuspendDelayMinutes);
    m_hookListen->setObjectName(QStringLiteral("hookListen"));
    m_hookListen->setPlaceholderText(tr("off, or 127.0.0.1:8787"));
    m_hookListen->setText(c.hookListen);
    m_poll->setObjectName(QStringLiteral("pollSystemLog"));
    m_poll->setChecked(c.poll);
    m_poll->setToolTip(tr("Event Hooks are not guaranteed delivery: keep polling on unless the hooks are "
                          "your only way to Okta."));
    m_jiraUrl->setObjectName(QStringLiteral("jiraUrl"));
    m_jiraUrl->setText(c.jiraUrl);
    m_jiraEmail->setObjectName(QStringLiteral("jiraEmail"));
    m_jiraEmail->setText(c.jiraEmail);
    m_jiraProject->setObjectName(QStringLiteral("jiraProject"));
    m_jiraProject->setText(c.jiraProject);
    m_policyFile->setObjectName(QStringLiteral("policyFile"));
    m_policyFile->setPlaceholderText(tr("the built-in default policy"));
    m_policyFile->setText(c.policyFile);
    m_status->setObjectName(QStringLiteral("settingsStatus"));
    m_status->setWordWrap(true);

    auto* okta = new QGroupBox(tr("Okta"), this);
    auto* oktaForm = new QFormLayout(okta);
    oktaForm->addRow(tr("Org URL"), m_orgUrl);
    oktaForm->addRow(tr("Authentication"), m_auth);
    oktaForm->addRow(tr("API token"), secretField(u"okta"_qs, u"api-token"_qs, u"oktaToken"_qs));
    oktaForm->addRow(tr("Service app client id"), m_clientId);
    oktaForm->addRow(tr("Private key (PEM)"), secretField(u"okta"_qs, u"private-key"_qs, u"oktaPrivateKey"_qs));
    oktaForm->addRow(tr("Key id (kid)"), m_keyId);
    oktaForm->addRow(tr("Events"), m_poll);
    oktaForm->addRow(tr("Event Hook listener"), m_hookListen);
    oktaForm->addRow(tr("Event Hook secret"), secretField(u"hook"_qs, u"secret"_qs, u"hookSecret"_qs));
    auto* automation = new QGroupBox(tr("Automation"), this);
    auto* autoForm = new QFormLayout(automation);
    autoForm->addRow(tr("Mode"), m_mode);
    autoForm->addRow(tr("Auto-suspension delay"), m_delay);
    autoForm->addRow(tr("Policy file"), m_policyFile);
    auto* services = new QGroupBox(tr("Paging, notifications, tickets"), this);
    auto* serviceForm = new QFormLayout(services);
    serviceForm->addRow(tr("PagerDuty routing key"),
                        secretField(u"pagerduty"_qs, u"routing-key"_qs, u"pagerDutyRoutingKey"_qs));
    serviceForm->addRow(tr("PagerDuty API token"),
                        secretField(u"pagerduty"_qs, u"api-token"_qs, u"pagerDutyApiToken"_qs));
    serviceForm->addRow(tr("Notification webhook URL"),
                        secretField(u"notify"_qs, u"webhook-url"_qs, u"notifyWebhookUrl"_qs));
    serviceForm->addRow(tr("Jira site URL"), m_jiraUrl);
    serviceForm->addRow(tr("Jira account e-mail"), m_jiraEmail);
    serviceForm->addRow(tr("Jira project key"), m_jiraProject);
    serviceForm->addRow(tr("Jira API token"), secretField(u"jira"_qs, u"api-token"_qs, u"jiraApiToken"_qs));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto* test = buttons->addButton(tr("Test Okta connection"), QDialogButtonBox::ActionRole);
    test->setObjectName(QStringLiteral("testOktaButton"));
    auto* network = new QNetworkAccessManager(this);
    connect(test, &QPushButton::clicked, this, [this, network] { testOktaConnection(*network); });
    auto* testPd = buttons->addButton(tr("Test PagerDuty"), QDialogButtonBox::ActionRole);
    testPd->setObjectName(QStringLiteral("testPagerDutyButton"));
    connect(testPd, &QPushButton::clicked, this, [this, network] { testPagerDuty(*network); });
    connect(this, &SettingsDialog::pagerDutyTested, this,
            [this](bool, const QString& message) { m_status->setText(message); });
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(this, &SettingsDialog::saved, this, &QDialog::accept);
    connect(this, &SettingsDialog::failed, m_status, &QLabel::setText);
    connect(this, &SettingsDialog::connectionTested, this,
            [this](bool, const QString& message) { m_status->setText(message); });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(okta);
    layout->addWidget(automation);
    layout->addWidget(services);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    loadSecretStatus();
}

QWidget* SettingsDialog::secretField(const QString& connector, const QString& name, const QString& objectName)
{
    Secret s;
    s.connector = connector;
    s.name = name;
    s.field = new QLineEdit(this);
    s.field->setObjectName(objectName);
    s.field->setEchoMode(QLineEdit::Password);
    s.state = new QLabel(this);
    s.state->setObjectName(objectName + u"State"_qs);
    m_secretFields.append(s);
    // The field sits in a row with its state: "set" or "not set", never the value.
    auto* row = new QWidget(this);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(s.field, 1);
    h->addWidget(s.state);
    return row;
}

void SettingsDialog::loadSecretStatus()
{
    const QString tenant = QUrl(m_orgUrl->text()).host();
    updateSecretLabels();
    if (tenant.isEmpty()) return;
    // Reading is the only way to learn whether one is set; the value is dropped at once.
    connect(&m_secrets, &secrets::SecretStore::readFinished, this,
            [this, tenant](const QString& key, const QByteArray&, secrets::SecretError error, const QString&) {
                for (Secret& s : m_secretFields) {
                    if (secrets::ConnectionSettings::ref(tenant, s.connector, s.name).storageKey() == key)
                        s.set = error == secrets::SecretError::None;
                }
                updateSecretLabels();
                emit secretStatusChanged();
            });
    for (const Secret& s : std::as_const(m_secretFields))
        m_secrets.read(secrets::ConnectionSettings::ref(tenant, s.connector, s.name));
}

void SettingsDialog::updateSecretLabels()
{
    for (Secret& s : m_secretFields) {
        s.state->setText(s.set ? tr("set") : tr("not set"));
        s.field->setPlaceholderText(s.set ? tr("stored in the keychain; type to replace") : tr("not set"));
    }
}

QString SettingsDialog::secretStatus(const QString& connector, const QString& name) const
{
    for (const Secret& s : m_secretFields) {
        if (s.connector == connector && s.name == name) return s.state->text();
    }
    return {};
}

secrets::ConnectionSettings SettingsDialog::fromForm() const
{
    // What the form does not show (the PagerDuty API hosts, for instance) keeps its saved value.
    secrets::ConnectionSettings c = secrets::ConnectionSettings::load(m_settings);
    c.orgUrl = m_orgUrl->text().trimmed();
    c.authMethod = m_auth->currentData().toString();
    c.oauthClientId = m_clientId->text().trimmed();
    c.oauthKeyId = m_keyId->text().trimmed();
    c.mode = m_mode->currentData().toString();
    c.autoSuspendDelayMinutes = m_delay->value();
    c.hookListen = m_hookListen->text().trimmed();
    c.poll = m_poll->isChecked();
    c.jiraUrl = m_jiraUrl->text().trimmed();
    c.jiraEmail = m_jiraEmail->text().trimmed();
    c.jiraProject = m_jiraProject->text().trimmed();
    c.policyFile = m_policyFile->text().trimmed();
    return c;
}

void SettingsDialog::save()
{
    const secrets::ConnectionSettings c = fromForm();
    const QStringList problems = c.problems();
    if (!problems.isEmpty()) {
        emit failed(tr("Cannot save: %1").arg(problems.join(u"; ")));
        return;
    }
    const secrets::ConnectionSettings before = secrets::ConnectionSettings::load(m_settings);
    if (c.mode == u"enforce" && before.mode != u"enforce" && !m_confirmEnforce(c.tenant())) {
        emit failed(tr("Enforce mode was not confirmed: the org name did not match."));
        return;
    }
    c.save(m_settings);
    m_settings.sync();
    auto* batch = new secrets::SecretWriteBatch(m_secrets, this);
    for (const Secret& s : std::as_const(m_secretFields)) {
        if (!s.field->text().isEmpty())
            batch->add(secrets::ConnectionSettings::ref(c.tenant(), s.connector, s.name), s.field->text().toUtf8());
    }
    connect(batch, &secrets::SecretWriteBatch::finished, this, [this, batch](bool ok, const QString& error) {
        batch->deleteLater();
        for (Secret& s : m_secretFields) {
            if (!s.field->text().isEmpty()) s.set = ok;
            s.field->clear(); // the value leaves the dialog's memory as soon as it is stored
        }
        updateSecretLabels();
        if (ok)
            emit saved();
        else
            emit failed(error);
    });
    batch->start();
}

void SettingsDialog::testOktaConnection(QNetworkAccessManager& network)
{
    const secrets::ConnectionSettings c = fromForm();
    okta::ConnectionCheckRequest request;
    request.orgUrl = c.orgUrl;
    request.authMethod = c.authMethod;
    request.oauthClientId = c.oauthClientId;
    request.oauthKeyId = c.oauthKeyId;
    request.enforceScopes = c.mode == u"enforce";
    const bool oauth = c.authMethod == u"oauth";
    const QString secretName = oauth ? u"private-key"_qs : u"api-token"_qs;
    auto* check = new okta::OktaConnectionCheck(network, this);
    connect(check, &okta::OktaConnectionCheck::finished, this, [this, check](const okta::ConnectionCheckResult& r) {
        check->deleteLater();
        QStringList lines{r.summary};
        if (r.ok) lines << okta::OktaConnectionCheck::scopesLine(r);
        if (!r.detail.isEmpty()) lines << r.detail;
        emit connectionTested(r.ok, lines.join(u'\n'));
    });
    withSecret(u"okta"_qs, secretName, check, [check, request, oauth](const QByteArray& secret) {
        okta::ConnectionCheckRequest withSecret = request;
        (oauth ? withSecret.oauthPrivateKeyPem : withSecret.apiToken) = secret;
        check->start(withSecret);
    });
}

void SettingsDialog::withSecret(const QString& connector,
                                const QString& name,
                                QObject* context,
                                const std::function<void(const QByteArray&)>& use)
{
    // A typed secret is tested before it is saved; otherwise the keychain's.
    for (const Secret& s : std::as_const(m_secretFields)) {
        if (s.connector == connector && s.name == name && !s.field->text().isEmpty()) {
            use(s.field->text().toUtf8());
            return;
        }
    }
    const secrets::ConnectionSettings c = fromForm();
    if (c.tenant().isEmpty()) {
        use({});
        return;
    }
    const secrets::SecretRef ref = secrets::ConnectionSettings::ref(c.tenant(), connector, name);
    auto* guard = new QObject(context);
    connect(&m_secrets, &secrets::SecretStore::readFinished, guard,
            [use, key = ref.storageKey(), guard, done = false](const QString& k, const QByteArray& value,
                                                               secrets::SecretError, const QString&) mutable {
                if (k != key || done) return;
                done = true;
                guard->deleteLater();
                use(value);
            });
    m_secrets.read(ref);
}

void SettingsDialog::testPagerDuty(QNetworkAccessManager& network)
{
    const secrets::ConnectionSettings c = fromForm();
    auto* context = new QObject(this);
    withSecret(u"pagerduty"_qs, u"api-token"_qs, context, [this, &network, c, context](const QByteArray& token) {
        if (token.isEmpty()) {
            context->deleteLater();
            emit pagerDutyTested(false, tr("No PagerDuty API token: type one, or save it first."));
            return;
        }
        // The REST API's incident list: what Vigil reads back to see who acknowledged a page. The routing
        // key is not tested: the Events API can only be checked by paging someone.
        QNetworkRequest request(QUrl(c.pagerDutyRestUrl + u"/incidents?limit=1"_qs));
        request.setRawHeader("Accept", "application/vnd.pagerduty+json;version=2");
        request.setRawHeader("Authorization", "Token token=" + token);
        request.setTransferTimeout(15000);
        QNetworkReply* reply = network.get(request);
        connect(reply, &QNetworkReply::finished, this, [this, reply, context] {
            reply->deleteLater();
            context->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200) {
                emit pagerDutyTested(true, tr("Connected: PagerDuty accepted the API token (incidents readable). "
                                              "The routing key is checked the first time Vigil pages."));
            } else if (status == 401 || status == 403) {
                emit pagerDutyTested(false, tr("PagerDuty refused the API token (HTTP %1).").arg(status));
            } else if (status == 0) {
                emit pagerDutyTested(false, tr("Cannot reach PagerDuty: %1").arg(reply->errorString()));
            } else {
                emit pagerDutyTested(false, tr("PagerDuty answered HTTP %1.").arg(status));
            }
        });
    });
}

} // namespace vigil::ui

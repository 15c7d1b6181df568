// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/firstrun/FirstRunWizard.h"

#include "core/secrets/SecretWriteBatch.h"
#include "ui/firstrun/FirstRunPages.h"

#include <QAbstractButton>
#include <QNetworkAccessManager>
#include <QSettings>

namespace vigil::ui {

namespace {

const QString kDismissedKey = QStringLiteral("first_run/dismissed");
const QString kChoiceKey = QStringLiteral("first_run/choice");

} // namespace

FirstRunWizard::FirstRunWizard(QSettings& settings, secrets::SecretStore& secrets, QWidget* parent)
    : QWizard(parent)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_network(new QNetworkAccessManager(this))
    , m_welcome(new WelcomePage(this))
    , m_org(new OrgPage(this))
    , m_check(new CheckPage(
          *m_network,
          [this] {
              okta::ConnectionCheckRequest r;
              r.orgUrl = m_org->orgUrl();
              r.authMethod = m_org->authMethod();
              r.apiToken = m_org->apiToken();
              r.oauthClientId = m_org->oauthClientId();
              r.oauthKeyId = m_org->oauthKeyId();
              r.oauthPrivateKeyPem = m_org->oauthPrivateKeyPem();
              r.enforceScopes = false; // the first start is monitor mode: prove what it needs, no more
              return r;
          },
          this))
    , m_sources(new EventSourcePage(this))
    , m_monitor(new MonitorModePage([this] { return summary(); }, this))
{
    setObjectName(QStringLiteral("firstRunWizard"));
    setWindowTitle(tr("Welcome to Vigil"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setPage(WelcomePageId, m_welcome);
    setPage(OrgPageId, m_org);
    setPage(CheckPageId, m_check);
    setPage(EventSourcePageId, m_sources);
    setPage(MonitorModePageId, m_monitor);
    setStartId(WelcomePageId);
    setMinimumSize(720, 560);
}

FirstRunWizard::~FirstRunWizard() = default;

bool FirstRunWizard::shouldShow(const QSettings& settings)
{
    return secrets::ConnectionSettings::load(settings).orgUrl.isEmpty()
           && !settings.value(kDismissedKey, false).toBool();
}

QString FirstRunWizard::eventHookUrl() const
{
    return m_sources->hooks() ? m_sources->endpointUrl() : QString();
}

secrets::ConnectionSettings FirstRunWizard::connectionFromPages() const
{
    secrets::ConnectionSettings c;
    c.orgUrl = m_org->orgUrl();
    c.authMethod = m_org->authMethod();
    if (c.authMethod == u"oauth") {
        c.oauthClientId = m_org->oauthClientId();
        c.oauthKeyId = m_org->oauthKeyId();
    }
    c.mode = u"monitor"_qs; // always: enforce is a deliberate step in Settings, with the org's name typed
    c.poll = m_sources->poll();
    c.hookListen = m_sources->hookListen();
    return c;
}

QString FirstRunWizard::summary() const
{
    const secrets::ConnectionSettings c = connectionFromPages();
    QStringList lines;
    lines << tr("Org: %1").arg(c.orgUrl);
    lines << (c.authMethod == u"oauth" ? tr("Credential: OAuth service app %1").arg(c.oauthClientId)
                                       : tr("Credential: API token"));
    QStringList sources;
    if (c.poll) sources << tr("System Log polling");
    if (!c.hookListen.isEmpty()) sources << tr("Event Hooks on %1").arg(c.hookListen);
    lines << tr("Events: %1").arg(sources.join(tr(" and ")));
    lines << tr("Secrets: the system keychain");
    lines << tr("Mode: monitor");
    return lines.join(u'\n');
}

void FirstRunWizard::rememberDismissed(const QString& choice)
{
    m_settings.setValue(kDismissedKey, true);
    m_settings.setValue(kChoiceKey, choice);
}

void FirstRunWizard::setBusy(bool busy)
{
    m_saving = busy;
    for (WizardButton b : {BackButton, FinishButton, CancelButton}) {
        if (QAbstractButton* button = this->button(b)) button->setEnabled(!busy);
    }
}

void FirstRunWizard::accept()
{
    if (m_saving) return;
    if (m_welcome->demoChosen()) {
        m_choice = Choice::Demo;
        rememberDismissed(u"demo"_qs);
        m_settings.sync();
        QWizard::accept();
        return;
    }
    const secrets::ConnectionSettings c = connectionFromPages();
    if (const QStringList problems = c.problems(); !problems.isEmpty()) {
        m_monitor->setSaveStatus(tr("Cannot save: %1").arg(problems.join(u"; ")));
        emit saveFailed(problems.join(u"; "));
        return;
    }
    // The secrets first: settings that point at a credential the keychain does not hold would make
    // the next start fail, and would hide this welcome.
    auto* batch = new secrets::SecretWriteBatch(m_secrets, this);
    if (c.authMethod == u"oauth")
        batch->add(secrets::ConnectionSettings::ref(c.tenant(), u"okta"_qs, u"private-key"_qs),
                   m_org->oauthPrivateKeyPem());
    else
        batch->add(secrets::ConnectionSettings::ref(c.tenant(), u"okta"_qs, u"api-token"_qs), m_org->apiToken());
    if (!c.hookListen.isEmpty())
        batch->add(secrets::ConnectionSettings::ref(c.tenant(), u"hook"_qs, u"secret"_qs), m_sources->hookSecret());
    m_monitor->setSaveStatus(tr("Saving the credential to the system keychain…"));
    setBusy(true);
    connect(batch, &secrets::SecretWriteBatch::finished, this, [this, batch, c](bool ok, const QString& error) {
        batch->deleteLater();
        setBusy(false);
        if (!ok) {
            m_monitor->setSaveStatus(tr("Nothing was saved: %1. Unlock the system keychain and try again.").arg(error));
            emit saveFailed(error);
            return;
        }
        c.save(m_settings);
        rememberDismissed(u"connect"_qs);
        m_settings.sync();
        if (m_settings.status() != QSettings::NoError) {
            const QString why = tr("the settings file %1 cannot be written").arg(m_settings.fileName());
            m_monitor->setSaveStatus(tr("Nothing was saved: %1.").arg(why));
            emit saveFailed(why);
            return;
        }
        m_org->clearSecrets(); // in the keychain now; not kept in this dialog's memory
        m_sources->clearSecrets();
        m_connection = c;
        m_choice = Choice::Connect;
        emit saved();
        QWizard::accept();
    });
    batch->start();
}

} // namespace vigil::ui

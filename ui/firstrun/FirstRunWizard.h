// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/ConnectionSettings.h"

#include <QWizard>

class QNetworkAccessManager;
class QSettings;

namespace vigil::ui {

class WelcomePage;
class OrgPage;
class CheckPage;
class EventSourcePage;
class MonitorModePage;

// The welcome dialog of the first start: explore the demo tenant, or connect to the analyst's Okta org
// (org URL, API token or service app, a tested connection, polling and/or Event Hooks) and start in
// monitor mode. Secrets go to the OS keychain through SecretStore; the settings file gets the rest.
//
// Keyboard: every field has a mnemonic, Enter goes on (Next/Finish is the default button), Escape
// cancels; the connection test runs by itself when its page opens.
class FirstRunWizard final : public QWizard
{
    Q_OBJECT

public:
    enum class Choice
    {
        None,    // cancelled: nothing saved, the welcome shows again next start
        Demo,    // explore the demo tenant
        Connect, // connection settings and secrets saved, mode monitor
    };

    FirstRunWizard(QSettings& settings, secrets::SecretStore& secrets, QWidget* parent = nullptr);
    ~FirstRunWizard() override;

    // The first start: no saved connection (no org URL) and the welcome was never finished.
    static bool shouldShow(const QSettings& settings);

    Choice choice() const { return m_choice; }
    // What was saved; meaningful when choice() is Connect.
    const secrets::ConnectionSettings& connection() const { return m_connection; }
    // The URL to paste into Okta's Event Hook form, empty when hooks are off.
    QString eventHookUrl() const;

    // Finish: for the demo, remembers that the welcome was dismissed; to connect, writes the secrets to
    // the keychain and then the settings, and closes only when both succeeded.
    void accept() override;

signals:
    void saved();
    void saveFailed(const QString& reason);

private:
    secrets::ConnectionSettings connectionFromPages() const;
    QString summary() const;
    void rememberDismissed(const QString& choice);
    void setBusy(bool busy);

    QSettings& m_settings;
    secrets::SecretStore& m_secrets;
    QNetworkAccessManager* m_network;
    WelcomePage* m_welcome;
    OrgPage* m_org;
    CheckPage* m_check;
    EventSourcePage* m_sources;
    MonitorModePage* m_monitor;
    Choice m_choice = Choice::None;
    secrets::ConnectionSettings m_connection;
    bool m_saving = false;
};

} // namespace vigil::ui

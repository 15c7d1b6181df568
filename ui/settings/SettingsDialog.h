// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/ConnectionSettings.h"

#include <QDialog>
#include <QHash>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;
class QNetworkAccessManager;

namespace vigil::ui {

// Connection settings. Plain settings go to QSettings; every secret goes to the OS keychain through
// SecretStore and the dialog only ever shows whether one is set (a typed value replaces it, an empty
// field keeps it). Switching to enforce mode asks the analyst to type the org's name.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(QSettings& settings, secrets::SecretStore& secrets, QWidget* parent = nullptr);

    // Asked before enforce mode is saved; returns whether the analyst typed the org name. The default
    // asks with an input dialog; tests replace it.
    using EnforceConfirmation = std::function<bool(const QString& orgHost)>;
    void setEnforceConfirmation(EnforceConfirmation confirm) { m_confirmEnforce = std::move(confirm); }

    // Validates, writes the settings and the typed secrets; emits saved() once the keychain answered
    // for each, or failed() with the reason.
    void save();
    // Checks the Okta org and credential (API token or service app; a typed secret, else the keychain's)
    // with GET /api/v1/logs?limit=1 through okta::OktaConnectionCheck; answers with connectionTested().
    void testOktaConnection(QNetworkAccessManager& network);
    // Checks the PagerDuty API token with GET /incidents?limit=1 on the REST API; answers with pagerDutyTested().
    void testPagerDuty(QNetworkAccessManager& network);

    QString secretStatus(const QString& connector, const QString& name) const;

signals:
    void saved();
    void failed(const QString& reason);
    void connectionTested(bool ok, const QString& message);
    void pagerDutyTested(bool ok, const QString& message);
    void secretStatusChanged();

private:
    void loadSecretStatus();
    // A password field with its "set"/"not set" state beside it, as one form row.
    QWidget* secretField(const QString& connector, const QString& name, const QString& objectName);
    void updateSecretLabels();
    secrets::ConnectionSettings fromForm() const;

    QSettings& m_settings;
    secrets::SecretStore& m_secrets;
    EnforceConfirmation m_confirmEnforce;
    QLineEdit* m_orgUrl;
    QComboBox* m_auth;
    QLineEdit* m_clientId;
    QLineEdit* m_keyId;
    QComboBox* m_mode;
    QSpinBox* m_delay;
    QLineEdit* m_hookListen;
    QCheckBox* m_poll;
    QLineEdit* m_jiraUrl;
    QLineEdit* m_jiraEmail;
    QLineEdit* m_jiraProject;
    QLineEdit* m_policyFile;
    QLabel* m_status;
    struct Secret
    {
        QString connector, name;
        QLineEdit* field = nullptr;
        QLabel* state = nullptr;
        bool set = false;
    };
    QList<Secret> m_secretFields;
    // Calls `use` with the secret typed in the form, else the keychain's (empty when there is none).
    void withSecret(const QString& connector,
                    const QString& name,
                    QObject* context,
                    const std::function<void(const QByteArray&)>& use);
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/OktaConnectionCheck.h"

#include <QWizardPage>

#include <functional>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;
class QRadioButton;
class QWidget;

namespace vigil::ui {

// The pages of FirstRunWizard, in order. Each page only collects and checks its part; the wizard
// saves everything at the end.
enum FirstRunPageId
{
    WelcomePageId,
    OrgPageId,
    CheckPageId,
    EventSourcePageId,
    MonitorModePageId,
};

// Demo tenant or the analyst's own org. With the demo chosen this is the last page.
class WelcomePage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit WelcomePage(QWidget* parent = nullptr);
    bool demoChosen() const;
    int nextId() const override;

private:
    QRadioButton* m_demo;
    QRadioButton* m_connect;
};

// The org URL and the credential: an API token, or an OAuth service app with its private key. The key
// is loaded from its file or pasted from the clipboard and never shown: only that one is loaded.
class OrgPage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit OrgPage(QWidget* parent = nullptr);

    QString orgUrl() const;     // normalised: https:// added when missing, the -admin host corrected
    QString authMethod() const; // "token" or "oauth"
    QByteArray apiToken() const;
    QString oauthClientId() const;
    QString oauthKeyId() const;
    QByteArray oauthPrivateKeyPem() const;
    // What "Load from file…" and "Paste" do once they have the text; false (with the reason shown)
    // when it is not a PEM private key.
    bool setPrivateKeyPem(const QByteArray& pem);
    // Drops the typed secrets once they are in the keychain.
    void clearSecrets();

    bool isComplete() const override;
    bool validatePage() override;

private:
    void loadKeyFile();
    void showAuthRows();

    QFormLayout* m_form;
    QLineEdit* m_orgUrl;
    QComboBox* m_auth;
    QLineEdit* m_token;
    QLabel* m_tokenHint;
    QLineEdit* m_clientId;
    QLineEdit* m_keyId;
    QWidget* m_keyRow;
    QLabel* m_keyState;
    QLabel* m_oauthHint;
    QByteArray m_privateKey;
    QLabel* m_error;
};

// Runs the connection check as soon as it is shown (and again on request) and lets the analyst go on
// only once Okta answered the System Log call.
class CheckPage final : public QWizardPage
{
    Q_OBJECT

public:
    using RequestSource = std::function<okta::ConnectionCheckRequest()>;
    CheckPage(QNetworkAccessManager& network, RequestSource source, QWidget* parent = nullptr);

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;
    bool validatePage() override;
    const okta::ConnectionCheckResult& result() const { return m_result; }

    void runCheck();

private:
    void showResult(const okta::ConnectionCheckResult& result);

    okta::OktaConnectionCheck* m_check;
    RequestSource m_source;
    okta::ConnectionCheckResult m_result;
    bool m_passed = false;
    QLabel* m_icon;
    QLabel* m_summary;
    QLabel* m_scopes;
    QLabel* m_detail;
    QPushButton* m_again;
};

// Where events come from: System Log polling, Okta Event Hooks, or both; for hooks, the URL and the
// secret to register in Okta.
class EventSourcePage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit EventSourcePage(QWidget* parent = nullptr);

    bool poll() const;
    bool hooks() const;
    QString hookListen() const;    // empty when hooks are off
    QByteArray hookSecret() const; // empty when hooks are off
    QString endpointUrl() const;   // what to paste into Okta
    void clearSecrets();

    bool isComplete() const override;
    bool validatePage() override;

private:
    void updateHookFields();
    void newSecret();

    QCheckBox* m_poll;
    QCheckBox* m_hooks;
    QWidget* m_hookBox;
    QLineEdit* m_listen;
    QLineEdit* m_publicUrl;
    QLineEdit* m_endpoint;
    QLineEdit* m_field;
    QLineEdit* m_secret;
    QCheckBox* m_showSecret;
    QLabel* m_reachability;
    QLabel* m_error;
};

// The last page: what will be saved, and that Vigil starts in monitor mode (and how to enforce later).
class MonitorModePage final : public QWizardPage
{
    Q_OBJECT

public:
    using SummarySource = std::function<QString()>;
    MonitorModePage(SummarySource summary, QWidget* parent = nullptr);

    void initializePage() override;
    void setSaveStatus(const QString& text);

private:
    SummarySource m_source;
    QLabel* m_summary;
    QLabel* m_status;
};

} // namespace vigil::ui

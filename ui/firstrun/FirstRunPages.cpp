// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/firstrun/FirstRunPages.h"

#include "core/okta/OktaHttp.h"
#include "ui/firstrun/EventHookEndpoint.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QStyle>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <QWizard>

namespace vigil::ui {

namespace {

QLabel* wrappedLabel(const QString& text, QWidget* parent, const QString& objectName = {})
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!objectName.isEmpty()) label->setObjectName(objectName);
    return label;
}

// A hint under a field: same font, a quieter colour so the form still reads first, yet dark enough to
// read (two thirds of the way from the background to the text colour, in light and dark themes).
QLabel* hintLabel(const QString& text, QWidget* parent)
{
    QLabel* label = wrappedLabel(text, parent);
    QPalette p = label->palette();
    const QColor fg = p.color(QPalette::WindowText), bg = p.color(QPalette::Window);
    const auto mix = [](int f, int b) { return (f * 2 + b) / 3; };
    p.setColor(QPalette::WindowText,
               QColor(mix(fg.red(), bg.red()), mix(fg.green(), bg.green()), mix(fg.blue(), bg.blue())));
    label->setPalette(p);
    return label;
}

QToolButton* copyButton(const QString& objectName, QLineEdit* source, QWidget* parent)
{
    auto* button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(QCoreApplication::translate("vigil::ui::EventSourcePage", "Copy"));
    button->setToolTip(QCoreApplication::translate("vigil::ui::EventSourcePage", "Copy to the clipboard"));
    button->setFocusPolicy(Qt::StrongFocus);
    QObject::connect(button, &QToolButton::clicked, source,
                     [source] { QGuiApplication::clipboard()->setText(source->text()); });
    return button;
}

QWidget* row(QWidget* parent, std::initializer_list<QWidget*> widgets)
{
    auto* box = new QWidget(parent);
    auto* h = new QHBoxLayout(box);
    h->setContentsMargins(0, 0, 0, 0);
    bool first = true;
    for (QWidget* w : widgets) {
        h->addWidget(w, first ? 1 : 0);
        first = false;
    }
    return box;
}

// The check's verdict icon: the size of a line of large text, not of a message box.
int statusIconSize()
{
    return 32;
}

} // namespace

// ---------------------------------------------------------------------------------------------- welcome

WelcomePage::WelcomePage(QWidget* parent)
    : QWizardPage(parent)
    , m_demo(new QRadioButton(tr("&Explore with the demo tenant"), this))
    , m_connect(new QRadioButton(tr("&Connect to your Okta org"), this))
{
    setObjectName(QStringLiteral("welcomePage"));
    setTitle(tr("Welcome to Vigil"));
    setSubTitle(tr("Vigil watches your Okta System Log, scores every user's account-takeover risk and shows "
                   "who is under attack, why, and what the automation will do next."));
    setButtonText(QWizard::FinishButton, tr("Open the &demo"));
    m_demo->setObjectName(QStringLiteral("demoChoice"));
    m_connect->setObjectName(QStringLiteral("connectChoice"));
    const QString demoText = tr("A simulated Okta org on this computer: 200 people, a day of history and scripted "
                                "attacks to triage. No credentials; nothing leaves this machine.");
    const QString connectText = tr("Read your org's System Log with an API token or an OAuth service app. Vigil "
                                   "starts in monitor mode: it changes nothing in Okta until you turn on enforce.");
    m_demo->setAccessibleDescription(demoText);
    m_connect->setAccessibleDescription(connectText);
    m_connect->setChecked(true);

    // The descriptions line up with the radio buttons' text, not their indicators.
    const int indent = style()->pixelMetric(QStyle::PM_ExclusiveIndicatorWidth)
                       + style()->pixelMetric(QStyle::PM_RadioButtonLabelSpacing);
    auto* layout = new QVBoxLayout(this);
    for (auto [radio, text] : {std::pair{m_connect, connectText}, std::pair{m_demo, demoText}}) {
        layout->addWidget(radio);
        QLabel* description = hintLabel(text, this);
        description->setContentsMargins(indent, 0, 0, 0);
        layout->addWidget(description);
        layout->addSpacing(12);
    }
    layout->addStretch(1);
    // The demo needs nothing more: with it chosen this page is the last one and shows Finish, not Next.
    connect(m_demo, &QRadioButton::toggled, this, [this](bool demo) { setFinalPage(demo); });
}

bool WelcomePage::demoChosen() const
{
    return m_demo->isChecked();
}

int WelcomePage::nextId() const
{
    return demoChosen() ? -1 : OrgPageId;
}

// -------------------------------------------------------------------------------------------------- org

OrgPage::OrgPage(QWidget* parent)
    : QWizardPage(parent)
    , m_form(new QFormLayout)
    , m_orgUrl(new QLineEdit(this))
    , m_auth(new QComboBox(this))
    , m_token(new QLineEdit(this))
    , m_tokenHint(hintLabel(tr("Admin Console → Security → API → Tokens. Create it while signed in as a Read-only "
                               "Administrator: an API token acts with the role of the admin who created it."),
                            this))
    , m_clientId(new QLineEdit(this))
    , m_keyId(new QLineEdit(this))
    , m_keyRow(new QWidget(this))
    , m_keyState(new QLabel(tr("No key loaded"), this))
    , m_oauthHint(hintLabel(tr("Admin Console → Applications → Create App Integration → API Services. Use public "
                               "key / private key client authentication, grant okta.logs.read and okta.users.read "
                               "on the Okta API Scopes tab, and assign the app the Read-only Administrator role."),
                            this))
    , m_error(wrappedLabel({}, this, QStringLiteral("orgError")))
{
    setObjectName(QStringLiteral("orgPage"));
    setTitle(tr("Your Okta org"));
    setSubTitle(tr("Vigil reads the System Log with a credential of its own. The secret goes to the system "
                   "keychain, never to a settings file."));
    m_orgUrl->setObjectName(QStringLiteral("orgUrl"));
    m_orgUrl->setPlaceholderText(tr("https://acme.okta.com"));
    m_auth->setObjectName(QStringLiteral("authMethod"));
    m_auth->addItem(tr("API token (SSWS)"), u"token"_qs);
    m_auth->addItem(tr("OAuth 2.0 service app (private key JWT)"), u"oauth"_qs);
    m_token->setObjectName(QStringLiteral("oktaToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_clientId->setObjectName(QStringLiteral("oauthClientId"));
    m_clientId->setPlaceholderText(tr("0oa…"));
    m_keyId->setObjectName(QStringLiteral("oauthKeyId"));
    m_keyId->setPlaceholderText(tr("optional, when the app has several keys"));
    m_keyState->setObjectName(QStringLiteral("privateKeyState"));

    auto* loadKey = new QPushButton(tr("&Load from file…"), m_keyRow);
    loadKey->setObjectName(QStringLiteral("loadPrivateKeyButton"));
    loadKey->setAutoDefault(false);
    auto* pasteKey = new QPushButton(tr("&Paste"), m_keyRow);
    pasteKey->setObjectName(QStringLiteral("pastePrivateKeyButton"));
    pasteKey->setAutoDefault(false);
    pasteKey->setToolTip(tr("Use the private key (PEM) on the clipboard"));
    auto* keyLayout = new QHBoxLayout(m_keyRow);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    keyLayout->addWidget(loadKey);
    keyLayout->addWidget(pasteKey);
    keyLayout->addWidget(m_keyState, 1);

    m_form->addRow(tr("Org &URL:"), m_orgUrl);
    m_form->addRow(tr("&Sign in with:"), m_auth);
    m_form->addRow(tr("API &token:"), m_token);
    m_form->addRow(m_tokenHint);
    m_form->addRow(tr("&Client ID:"), m_clientId);
    m_form->addRow(tr("Private key (PEM):"), m_keyRow);
    m_form->addRow(tr("&Key ID (kid):"), m_keyId);
    m_form->addRow(m_oauthHint);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(m_error);
    layout->addStretch(1);
    showAuthRows();

    connect(m_auth, &QComboBox::currentIndexChanged, this, &OrgPage::showAuthRows);
    connect(m_auth, &QComboBox::currentIndexChanged, this, &QWizardPage::completeChanged);
    for (QLineEdit* field : {m_orgUrl, m_token, m_clientId})
        connect(field, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    connect(loadKey, &QPushButton::clicked, this, &OrgPage::loadKeyFile);
    connect(pasteKey, &QPushButton::clicked, this,
            [this] { setPrivateKeyPem(QGuiApplication::clipboard()->text().toUtf8()); });
}

void OrgPage::showAuthRows()
{
    // One form for both methods, so that the labels line up; only the chosen method's rows show.
    const bool oauth = authMethod() == u"oauth";
    for (QWidget* w : {static_cast<QWidget*>(m_token), static_cast<QWidget*>(m_tokenHint)})
        m_form->setRowVisible(w, !oauth);
    for (QWidget* w : {static_cast<QWidget*>(m_clientId), m_keyRow, static_cast<QWidget*>(m_keyId),
                       static_cast<QWidget*>(m_oauthHint)})
        m_form->setRowVisible(w, oauth);
}

bool OrgPage::setPrivateKeyPem(const QByteArray& pem)
{
    const QByteArray text = pem.trimmed();
    if (!text.startsWith("-----BEGIN") || !text.contains("PRIVATE KEY-----")) {
        m_error->setText(tr("That is not a private key in PEM form (-----BEGIN PRIVATE KEY-----)."));
        return false;
    }
    m_privateKey = text + '\n';
    m_error->clear();
    //: The key itself is never shown; only that one is loaded and its size.
    m_keyState->setText(tr("Private key loaded (%n bytes)", "", int(m_privateKey.size())));
    emit completeChanged();
    return true;
}

QString OrgPage::orgUrl() const
{
    QString text = m_orgUrl->text().trimmed();
    if (text.isEmpty()) return text;
    if (!text.contains(u"://")) text.prepend(u"https://"_qs);
    QUrl url(text);
    // The Admin Console's host (acme-admin.okta.com) is not the org's API address.
    static const QRegularExpression admin(QStringLiteral("^([^.]+)-admin\\.(.+)$"));
    const QRegularExpressionMatch m = admin.match(url.host());
    if (m.hasMatch()) url.setHost(m.captured(1) + u'.' + m.captured(2));
    const std::optional<QUrl> origin = okta::validateOrgUrl(url.toString(), nullptr);
    return origin ? origin->toString() : text;
}

QString OrgPage::authMethod() const
{
    return m_auth->currentData().toString();
}

QByteArray OrgPage::apiToken() const
{
    return m_token->text().trimmed().toUtf8();
}

QString OrgPage::oauthClientId() const
{
    return m_clientId->text().trimmed();
}

QString OrgPage::oauthKeyId() const
{
    return m_keyId->text().trimmed();
}

QByteArray OrgPage::oauthPrivateKeyPem() const
{
    return m_privateKey;
}

void OrgPage::clearSecrets()
{
    m_token->clear();
    m_privateKey.fill('\0'); // overwrite before release: the key does not linger in freed memory
    m_privateKey.clear();
    m_keyState->setText(tr("Private key stored in the keychain"));
}

bool OrgPage::isComplete() const
{
    if (m_orgUrl->text().trimmed().isEmpty()) return false;
    if (authMethod() == u"oauth") return !oauthClientId().isEmpty() && !m_privateKey.isEmpty();
    return !apiToken().isEmpty();
}

bool OrgPage::validatePage()
{
    QString why;
    const QString url = orgUrl();
    if (!okta::validateOrgUrl(url, &why)) {
        m_error->setText(why);
        m_orgUrl->setFocus();
        return false;
    }
    m_error->clear();
    m_orgUrl->setText(url); // shows what will be used, e.g. the corrected -admin address
    return true;
}

void OrgPage::loadKeyFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("The service app's private key"), {},
                                                      tr("PEM files (*.pem *.key);;All files (*)"));
    if (path.isEmpty()) return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > 64 * 1024) {
        m_error->setText(tr("Cannot read %1.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    setPrivateKeyPem(file.readAll());
}

// ------------------------------------------------------------------------------------------------ check

CheckPage::CheckPage(QNetworkAccessManager& network, RequestSource source, QWidget* parent)
    : QWizardPage(parent)
    , m_check(new okta::OktaConnectionCheck(network, this))
    , m_source(std::move(source))
    , m_icon(new QLabel(this))
    , m_summary(wrappedLabel({}, this, QStringLiteral("connectionSummary")))
    , m_scopes(wrappedLabel({}, this, QStringLiteral("grantedScopes")))
    , m_detail(wrappedLabel({}, this, QStringLiteral("connectionDetail")))
    , m_again(new QPushButton(tr("&Test again"), this))
{
    setObjectName(QStringLiteral("checkPage"));
    setTitle(tr("Test the connection"));
    setSubTitle(tr("Vigil asks Okta for one System Log event (GET /api/v1/logs?limit=1), the call its monitoring "
                   "depends on, and shows what the credential may do."));
    m_again->setObjectName(QStringLiteral("testConnectionButton"));
    m_again->setAutoDefault(false);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_icon->setFixedSize(statusIconSize(), statusIconSize());

    auto* head = new QHBoxLayout;
    head->addWidget(m_icon, 0, Qt::AlignTop);
    head->addWidget(m_summary, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addWidget(m_scopes);
    layout->addWidget(m_detail);
    layout->addSpacing(8);
    layout->addWidget(m_again, 0, Qt::AlignLeft);
    layout->addStretch(1);
    connect(m_again, &QPushButton::clicked, this, &CheckPage::runCheck);
    connect(m_check, &okta::OktaConnectionCheck::finished, this, &CheckPage::showResult);
}

void CheckPage::initializePage()
{
    runCheck();
}

void CheckPage::cleanupPage()
{
    // Back to the org page: whatever changes there must be checked again.
    m_passed = false;
    m_result = {};
}

bool CheckPage::isComplete() const
{
    return m_passed;
}

bool CheckPage::validatePage()
{
    return m_passed; // also when asked by QWizard::next() rather than the (disabled) button
}

void CheckPage::runCheck()
{
    m_passed = false;
    emit completeChanged();
    m_icon->clear();
    m_summary->setText(tr("Asking Okta…"));
    m_scopes->clear();
    m_detail->clear();
    m_again->setEnabled(false);
    m_check->start(m_source());
}

void CheckPage::showResult(const okta::ConnectionCheckResult& result)
{
    m_result = result;
    m_passed = result.ok;
    const int iconSize = statusIconSize();
    // The icon repeats what the first words say: colour and shape are never the only signal.
    m_icon->setPixmap(style()
                          ->standardIcon(result.ok ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxCritical)
                          .pixmap(iconSize, iconSize));
    m_summary->setText(result.ok ? result.summary : tr("Not connected: %1").arg(result.summary));
    m_scopes->setText(result.ok ? okta::OktaConnectionCheck::scopesLine(result) : QString());
    m_scopes->setVisible(result.ok);
    m_detail->setText(result.detail);
    m_again->setEnabled(true);
    emit completeChanged();
    if (result.ok) {
        if (QWizard* w = wizard()) w->button(QWizard::NextButton)->setFocus();
    } else {
        m_again->setFocus();
    }
}

// ---------------------------------------------------------------------------------------- event sources

EventSourcePage::EventSourcePage(QWidget* parent)
    : QWizardPage(parent)
    , m_poll(new QCheckBox(tr("&Poll the System Log (recommended)"), this))
    , m_hooks(new QCheckBox(tr("Receive Okta &Event Hooks"), this))
    , m_hookBox(new QWidget(this))
    , m_listen(new QLineEdit(EventHookEndpoint::defaultListen(), this))
    , m_publicUrl(new QLineEdit(this))
    , m_endpoint(new QLineEdit(this))
    , m_field(new QLineEdit(EventHookEndpoint::authenticationField(), this))
    , m_secret(new QLineEdit(QString::fromLatin1(EventHookEndpoint::generateSecret()), this))
    , m_showSecret(new QCheckBox(tr("Sho&w"), this))
    , m_reachability(wrappedLabel({}, this, QStringLiteral("hookReachability")))
    , m_error(wrappedLabel({}, this, QStringLiteral("eventSourceError")))
{
    setObjectName(QStringLiteral("eventSourcePage"));
    setTitle(tr("Where events come from"));
    setSubTitle(tr("Polling reads the System Log every few seconds and catches up after any interruption. Event "
                   "Hooks push events within a second or two, but need an HTTPS address Okta can reach."));
    m_poll->setObjectName(QStringLiteral("pollSystemLog"));
    m_poll->setChecked(true);
    m_hooks->setObjectName(QStringLiteral("receiveEventHooks"));
    m_listen->setObjectName(QStringLiteral("hookListen"));
    m_publicUrl->setObjectName(QStringLiteral("hookPublicUrl"));
    m_publicUrl->setPlaceholderText(tr("https://vigil-hooks.example.com (your reverse proxy or tunnel)"));
    for (QLineEdit* shown : {m_endpoint, m_field, m_secret})
        shown->setReadOnly(true);
    m_endpoint->setObjectName(QStringLiteral("hookEndpointUrl"));
    m_field->setObjectName(QStringLiteral("hookAuthField"));
    m_secret->setObjectName(QStringLiteral("hookSecret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setCursorPosition(0);
    m_showSecret->setObjectName(QStringLiteral("showHookSecret"));
    auto* newSecretButton = new QToolButton(this);
    newSecretButton->setObjectName(QStringLiteral("newHookSecretButton"));
    newSecretButton->setText(tr("New"));
    newSecretButton->setToolTip(tr("Generate a new secret (the one shown before stops working once you save)"));
    newSecretButton->setFocusPolicy(Qt::StrongFocus);

    auto* hookForm = new QFormLayout(m_hookBox);
    hookForm->setContentsMargins(24, 0, 0, 0);
    hookForm->addRow(tr("&Listen on:"), m_listen);
    hookForm->addRow(tr("P&ublic HTTPS address:"), m_publicUrl);
    hookForm->addRow(hintLabel(tr("In the Admin Console: Workflow → Event Hooks → Create Event Hook. Paste these, "
                                  "subscribe to the sign-in, MFA and account events, then Verify while Vigil runs."),
                               m_hookBox));
    hookForm->addRow(tr("Endpoint &URL:"),
                     row(m_hookBox, {m_endpoint, copyButton(u"copyHookUrlButton"_qs, m_endpoint, m_hookBox)}));
    hookForm->addRow(tr("Authentication field:"),
                     row(m_hookBox, {m_field, copyButton(u"copyHookFieldButton"_qs, m_field, m_hookBox)}));
    hookForm->addRow(tr("Authentication &secret:"),
                     row(m_hookBox, {m_secret, copyButton(u"copyHookSecretButton"_qs, m_secret, m_hookBox),
                                     newSecretButton, m_showSecret}));
    hookForm->addRow(m_reachability);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_poll);
    layout->addWidget(m_hooks);
    layout->addWidget(m_hookBox);
    layout->addWidget(m_error);
    layout->addStretch(1);

    connect(m_poll, &QCheckBox::toggled, this, &QWizardPage::completeChanged);
    connect(m_hooks, &QCheckBox::toggled, this, &QWizardPage::completeChanged);
    connect(m_hooks, &QCheckBox::toggled, this, &EventSourcePage::updateHookFields);
    connect(m_listen, &QLineEdit::textChanged, this, &EventSourcePage::updateHookFields);
    connect(m_publicUrl, &QLineEdit::textChanged, this, &EventSourcePage::updateHookFields);
    connect(m_showSecret, &QCheckBox::toggled, m_secret,
            [this](bool show) { m_secret->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password); });
    connect(newSecretButton, &QToolButton::clicked, this, &EventSourcePage::newSecret);
    updateHookFields();
}

bool EventSourcePage::poll() const
{
    return m_poll->isChecked();
}

bool EventSourcePage::hooks() const
{
    return m_hooks->isChecked();
}

QString EventSourcePage::hookListen() const
{
    return hooks() ? m_listen->text().trimmed() : QString();
}

QByteArray EventSourcePage::hookSecret() const
{
    return hooks() ? m_secret->text().toLatin1() : QByteArray();
}

QString EventSourcePage::endpointUrl() const
{
    return m_endpoint->text();
}

void EventSourcePage::clearSecrets()
{
    m_secret->clear();
}

void EventSourcePage::newSecret()
{
    m_secret->setText(QString::fromLatin1(EventHookEndpoint::generateSecret()));
    m_secret->setCursorPosition(0);
}

void EventSourcePage::updateHookFields()
{
    m_error->clear(); // an edit answers the last complaint; Next checks again
    m_hookBox->setEnabled(hooks());
    m_hookBox->setVisible(true);
    const QString listen = m_listen->text().trimmed();
    const QString publicUrl = m_publicUrl->text().trimmed();
    m_endpoint->setText(EventHookEndpoint::validListen(listen, nullptr)
                            ? EventHookEndpoint::endpointUrl(publicUrl, listen)
                            : QString());
    if (!hooks()) {
        m_reachability->clear();
    } else if (publicUrl.isEmpty()) {
        m_reachability->setText(tr("Okta cannot reach this computer's listener by itself. Publish it through your "
                                   "reverse proxy or tunnel, enter that address above, and paste the resulting URL "
                                   "into Okta."));
    } else {
        m_reachability->setText(tr("Forward %1 to the listener on %2. Okta sends the secret in the Authorization "
                                   "header; Vigil refuses every delivery without it.")
                                    .arg(publicUrl, listen));
    }
}

bool EventSourcePage::isComplete() const
{
    return poll() || hooks();
}

bool EventSourcePage::validatePage()
{
    QString why;
    if (hooks()
        && (!EventHookEndpoint::validListen(m_listen->text().trimmed(), &why)
            || !EventHookEndpoint::validPublicUrl(m_publicUrl->text(), &why))) {
        m_error->setText(why);
        return false;
    }
    m_error->clear();
    return true;
}

// ----------------------------------------------------------------------------------------- monitor mode

MonitorModePage::MonitorModePage(SummarySource summary, QWidget* parent)
    : QWizardPage(parent)
    , m_source(std::move(summary))
    , m_summary(wrappedLabel({}, this, QStringLiteral("setupSummary")))
    , m_status(wrappedLabel({}, this, QStringLiteral("saveStatus")))
{
    setObjectName(QStringLiteral("monitorModePage"));
    setTitle(tr("Vigil starts in monitor mode"));
    setSubTitle(tr("It scores risk, opens alerts and records what it would do — step-up MFA, a page, a "
                   "suspension — without changing anything in Okta."));
    setButtonText(QWizard::FinishButton, tr("&Start monitoring"));
    QLabel* why = wrappedLabel(tr("Watch its alerts for a few days and compare them with what you know about your "
                                  "users before you let it act."),
                               this);
    QLabel* enforce = wrappedLabel(tr("To let Vigil act later: Vigil → Settings… → Automation → Mode → Enforce. It "
                                      "asks you to type the org's name before it switches; a service app then also "
                                      "needs the okta.users.manage and okta.groups.manage scopes."),
                                   this);
    enforce->setObjectName(QStringLiteral("enforceHowTo"));
    QFont bold = m_status->font();
    bold.setBold(true);
    m_status->setFont(bold);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addSpacing(8);
    layout->addWidget(why);
    layout->addWidget(enforce);
    layout->addSpacing(8);
    layout->addWidget(m_status);
    layout->addStretch(1);
}

void MonitorModePage::initializePage()
{
    m_summary->setText(m_source());
    m_status->clear();
}

void MonitorModePage::setSaveStatus(const QString& text)
{
    m_status->setText(text);
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/DemoMode.h"

#include "core/sim/SimHookDelivery.h"

#include <QDir>
#include <QRandomGenerator>

namespace vigil::app {

namespace {

// The order attacks appear in: the loud ones first, so that the first minute already shows alerts.
// The password spray comes last: it trips the circuit breaker (as it should), after which the demo
// only steps up, so the suspensions of the earlier attacks come first.
constexpr sim::SimAttack kAttackOrder[] = {
    sim::SimAttack::BruteForce,     sim::SimAttack::MfaFatigue,    sim::SimAttack::ImpossibleTravel,
    sim::SimAttack::ThreatInsight,  sim::SimAttack::SessionHijack, sim::SimAttack::FactorReset,
    sim::SimAttack::PrivilegeGrant, sim::SimAttack::PasswordSpray,
};

} // namespace

DemoMode::DemoMode(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    connect(&m_attacks, &QTimer::timeout, this, &DemoMode::nextAttack);
}

DemoMode::~DemoMode()
{
    m_attacks.stop();
    if (m_session) m_session->stop();
}

bool DemoMode::start(QString* error)
{
    sim::SimOptions simOptions;
    simOptions.seed = QRandomGenerator::global()->generate64();
    simOptions.users = m_options.users;
    simOptions.speed = m_options.speed;
    m_sim = std::make_unique<sim::SimServer>(simOptions);
    if (m_sim->listen(QHostAddress::LocalHost, 0) == 0) {
        if (error) *error = tr("the simulated tenant could not listen on loopback");
        return false;
    }

    QString dataDir = m_options.dataDir;
    if (dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        if (!m_tempDir->isValid()) {
            if (error) *error = tr("cannot create a temporary folder: %1").arg(m_tempDir->errorString());
            return false;
        }
        dataDir = m_tempDir->path();
    } else if (!QDir().mkpath(dataDir)) {
        if (error) *error = tr("cannot create the data folder %1").arg(dataDir);
        return false;
    }

    pipeline::LiveSessionSettings settings;
    settings.dataDir = dataDir;
    settings.storeUrl = m_options.storeUrl;
    settings.storePassword = m_options.storePassword;
    settings.orgUrl = m_sim->baseUrl().toString();
    settings.token = m_sim->options().token.toUtf8();
    // The shortest poll interval Okta's limits allow, so the demo reacts quickly.
    QStringList problems;
    const std::optional<risk::Policy> policy = risk::Policy::fromJson(
        QByteArrayLiteral("{\"schema_version\": 1, \"ingest\": {\"poll_interval_seconds\": 2}}"), &problems);
    if (policy) settings.policy = *policy;
    okta::HookReceiverSettings hooks;
    hooks.port = 0;
    // A fresh secret per run: the demo's hook endpoint is on loopback, but it is still an endpoint.
    hooks.secret = "Bearer " + QByteArray::number(QRandomGenerator::global()->generate64(), 36);
    settings.hooks = hooks;
    // The demo org is Vigil's own: the automation acts on it, and the countdown is short enough to watch.
    settings.mode = response::Mode::Enforce;
    settings.autoSuspendDelayMs = m_options.autoSuspendDelayMs;
    settings.pagerDutyEventsUrl = m_sim->baseUrl().toString();
    settings.pagerDutyRestUrl = m_sim->baseUrl().toString();
    settings.pagerDutyRoutingKey = m_sim->options().routingKey.toUtf8();
    settings.pagerDutyApiToken = m_sim->options().pagerDutyToken.toUtf8();
    // The simulated tenant also plays the team's chat channel and Jira, so the whole chain shows.
    settings.notifyWebhookUrl = m_sim->notifyWebhookUrl().toString();
    settings.jiraUrl = m_sim->baseUrl().toString();
    settings.jiraEmail = m_sim->options().jiraEmail;
    settings.jiraApiToken = m_sim->options().jiraToken.toUtf8();
    settings.jiraProject = u"SEC"_qs;
    m_session = std::make_unique<pipeline::LiveSession>(settings);
    if (!m_session->start(error)) return false;

    const QUrl hookUrl(QStringLiteral("http://127.0.0.1:%1/okta/event-hooks").arg(m_session->hooks()->port()));
    m_sim->startHookDelivery(hookUrl, hooks.secret);
    emit logLine(tr("demo: simulated Okta org with %1 people at %2 (time runs %3× faster)")
                     .arg(m_options.users)
                     .arg(m_sim->baseUrl().toString())
                     .arg(m_options.speed));
    QTimer::singleShot(3000, this, &DemoMode::nextAttack);
    m_attacks.start(int(m_options.attackEveryMs));
    return true;
}

void DemoMode::nextAttack()
{
    const sim::SimAttack kind = kAttackOrder[m_attackIndex++ % std::size(kAttackOrder)];
    const sim::SimAttackInfo info = m_sim->triggerAttack(kind);
    emit logLine(tr("demo: the simulated org is under attack: %1 against %2 from %3")
                     .arg(sim::attackName(kind), info.victimLogin, info.attackerIp));
}

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/ConsoleLauncher.h"

#include "core/risk/Policy.h"

#include <QEventLoop>
#include <QFile>
#include <QTimer>

namespace vigil::app {

std::optional<pipeline::LiveSessionSettings> ConsoleLauncher::liveSettings(
    const secrets::ConnectionSettings& connection, const QString& dataDir, QString* error, int timeoutMs)
{
    const auto fail = [error](const QString& why) -> std::optional<pipeline::LiveSessionSettings> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (const QStringList problems = connection.problems(); !problems.isEmpty()) return fail(problems.join(u"; "));

    // The keychain answers asynchronously (it may even ask the user to unlock it): wait for all.
    secrets::SecretStore store;
    QHash<QString, QByteArray> values;
    int pending = 0;
    QEventLoop loop;
    QObject::connect(&store, &secrets::SecretStore::readFinished, &loop,
                     [&](const QString& key, const QByteArray& value, secrets::SecretError e, const QString&) {
                         if (e == secrets::SecretError::None) values.insert(key, value);
                         if (--pending == 0) loop.quit();
                     });
    const QList<secrets::SecretRef> refs = secrets::ConnectionSettings::secretRefs(connection.tenant());
    pending = int(refs.size());
    for (const secrets::SecretRef& ref : refs)
        store.read(ref);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (pending > 0) loop.exec();
    const auto secret = [&](const QString& connector, const QString& name) {
        return values.value(secrets::ConnectionSettings::ref(connection.tenant(), connector, name).storageKey());
    };

    pipeline::LiveSessionSettings s;
    s.dataDir = dataDir;
    s.orgUrl = connection.orgUrl;
    s.poll = connection.poll;
    if (connection.authMethod == u"oauth") {
        s.oauthClientId = connection.oauthClientId;
        s.oauthKeyId = connection.oauthKeyId;
        s.oauthPrivateKeyPem = secret(u"okta"_qs, u"private-key"_qs);
        if (s.oauthPrivateKeyPem.isEmpty())
            return fail(tr("the service app's private key is not in the keychain (Settings → Okta)"));
    } else {
        s.token = secret(u"okta"_qs, u"api-token"_qs);
        if (s.token.isEmpty()) return fail(tr("the Okta API token is not in the keychain (Settings → Okta)"));
    }
    if (!connection.policyFile.isEmpty()) {
        QFile f(connection.policyFile);
        QStringList problems;
        std::optional<risk::Policy> policy;
        if (f.open(QIODevice::ReadOnly)) policy = risk::Policy::fromJson(f.readAll(), &problems);
        if (!policy)
            return fail(tr("the policy file %1 cannot be used: %2").arg(connection.policyFile, problems.join(u"; ")));
        s.policy = *policy;
    }
    s.mode = connection.mode == u"enforce" ? response::Mode::Enforce : response::Mode::Monitor;
    s.autoSuspendDelayMs = qint64(connection.autoSuspendDelayMinutes) * 60000;
    s.pagerDutyEventsUrl = connection.pagerDutyEventsUrl;
    s.pagerDutyRestUrl = connection.pagerDutyRestUrl;
    s.pagerDutyRoutingKey = secret(u"pagerduty"_qs, u"routing-key"_qs);
    s.pagerDutyApiToken = secret(u"pagerduty"_qs, u"api-token"_qs);
    s.notifyWebhookUrl = QString::fromUtf8(secret(u"notify"_qs, u"webhook-url"_qs));
    s.jiraUrl = connection.jiraUrl;
    s.jiraEmail = connection.jiraEmail;
    s.jiraProject = connection.jiraProject;
    s.jiraApiToken = secret(u"jira"_qs, u"api-token"_qs);
    if (!connection.hookListen.isEmpty()) {
        okta::HookReceiverSettings hooks;
        const QString host = connection.hookListen.section(u':', 0, -2);
        bool ok = false;
        hooks.port = quint16(connection.hookListen.section(u':', -1).toUInt(&ok));
        if (!ok || host.isEmpty()) return fail(tr("the Event Hook listener must be ADDRESS:PORT"));
        hooks.address = QHostAddress(host);
        hooks.secret = secret(u"hook"_qs, u"secret"_qs);
        s.hooks = hooks;
    }
    return s;
}

QString ConsoleLauncher::windowTitle(const QString& title, const std::optional<store::PostgresLocation>& team)
{
    if (!team) return title;
    //: Window title in team mode: "Vigil — acme · team database postgresql://soc@db.example:5432/vigil"
    return tr("%1 · team database %2").arg(title, team->displayUrl());
}

} // namespace vigil::app

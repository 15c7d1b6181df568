// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/SecretStore.h"

#include <QHash>
#include <QList>
#include <QString>

class QSettings;

namespace vigil::secrets {

// How the console connects to an Okta org and to the services it pages and notifies. What is stored
// here goes to QSettings; the secrets (token, private key, keys, webhook URLs that act as secrets) go
// to the OS keychain under the refs below, and the settings file only ever learns that one is set.
struct ConnectionSettings
{
    QString orgUrl;                               // https://acme.okta.com
    QString authMethod = QStringLiteral("token"); // "token" (SSWS) or "oauth" (service app)
    QString oauthClientId;
    QString oauthKeyId;
    QString mode = QStringLiteral("monitor"); // monitor | enforce
    int autoSuspendDelayMinutes = 15;
    QString hookListen; // "127.0.0.1:8787", empty: no Event Hook receiver
    bool poll = true;   // poll the System Log; false only with Event Hooks (hookListen set)
    QString pagerDutyEventsUrl = QStringLiteral("https://events.pagerduty.com");
    QString pagerDutyRestUrl = QStringLiteral("https://api.pagerduty.com");
    QString jiraUrl;
    QString jiraEmail;
    QString jiraProject;
    QString policyFile;

    // The keychain entries, by name: okta/api-token, okta/private-key, pagerduty/routing-key,
    // pagerduty/api-token, hook/secret, notify/webhook-url, jira/api-token.
    static QList<SecretRef> secretRefs(const QString& tenant);
    static SecretRef ref(const QString& tenant, const QString& connector, const QString& name);
    // The keychain's tenant key for an org URL: its host name.
    QString tenant() const;

    void save(QSettings& settings) const;
    static ConnectionSettings load(const QSettings& settings);
    // Problems a user must fix before connecting, in words; empty when the settings can be used.
    QStringList problems() const;
};

} // namespace vigil::secrets

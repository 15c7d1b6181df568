// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/ConnectionSettings.h"

#include "core/okta/OktaHttp.h"

#include <QCoreApplication>
#include <QSettings>
#include <QUrl>

namespace vigil::secrets {

SecretRef ConnectionSettings::ref(const QString& tenant, const QString& connector, const QString& name)
{
    return SecretRef{tenant, connector, name};
}

QList<SecretRef> ConnectionSettings::secretRefs(const QString& tenant)
{
    return {ref(tenant, u"okta"_qs, u"api-token"_qs),        ref(tenant, u"okta"_qs, u"private-key"_qs),
            ref(tenant, u"pagerduty"_qs, u"routing-key"_qs), ref(tenant, u"pagerduty"_qs, u"api-token"_qs),
            ref(tenant, u"hook"_qs, u"secret"_qs),           ref(tenant, u"notify"_qs, u"webhook-url"_qs),
            ref(tenant, u"jira"_qs, u"api-token"_qs)};
}

QString ConnectionSettings::tenant() const
{
    return QUrl(orgUrl).host();
}

void ConnectionSettings::save(QSettings& s) const
{
    s.beginGroup(u"connection"_qs);
    s.setValue(u"org_url"_qs, orgUrl);
    s.setValue(u"auth_method"_qs, authMethod);
    s.setValue(u"oauth_client_id"_qs, oauthClientId);
    s.setValue(u"oauth_key_id"_qs, oauthKeyId);
    s.setValue(u"mode"_qs, mode);
    s.setValue(u"auto_suspend_delay_minutes"_qs, autoSuspendDelayMinutes);
    s.setValue(u"hook_listen"_qs, hookListen);
    s.setValue(u"poll"_qs, poll);
    s.setValue(u"pagerduty_events_url"_qs, pagerDutyEventsUrl);
    s.setValue(u"pagerduty_rest_url"_qs, pagerDutyRestUrl);
    s.setValue(u"jira_url"_qs, jiraUrl);
    s.setValue(u"jira_email"_qs, jiraEmail);
    s.setValue(u"jira_project"_qs, jiraProject);
    s.setValue(u"policy_file"_qs, policyFile);
    s.endGroup();
}

ConnectionSettings ConnectionSettings::load(const QSettings& s)
{
    ConnectionSettings c;
    const auto get = [&s](const QString& key, const QString& fallback) {
        return s.value(u"connection/"_qs + key, fallback).toString();
    };
    c.orgUrl = get(u"org_url"_qs, c.orgUrl);
    c.authMethod = get(u"auth_method"_qs, c.authMethod);
    c.oauthClientId = get(u"oauth_client_id"_qs, c.oauthClientId);
    c.oauthKeyId = get(u"oauth_key_id"_qs, c.oauthKeyId);
    c.mode = get(u"mode"_qs, c.mode);
    c.autoSuspendDelayMinutes = s.value(u"connection/auto_suspend_delay_minutes"_qs, 15).toInt();
    c.hookListen = get(u"hook_listen"_qs, c.hookListen);
    c.poll = s.value(u"connection/poll"_qs, true).toBool();
    c.pagerDutyEventsUrl = get(u"pagerduty_events_url"_qs, c.pagerDutyEventsUrl);
    c.pagerDutyRestUrl = get(u"pagerduty_rest_url"_qs, c.pagerDutyRestUrl);
    c.jiraUrl = get(u"jira_url"_qs, c.jiraUrl);
    c.jiraEmail = get(u"jira_email"_qs, c.jiraEmail);
    c.jiraProject = get(u"jira_project"_qs, c.jiraProject);
    c.policyFile = get(u"policy_file"_qs, c.policyFile);
    return c;
}

QStringList ConnectionSettings::problems() const
{
    QStringList out;
    QString why;
    if (orgUrl.isEmpty()) {
        out << QCoreApplication::translate("ConnectionSettings", "the Okta org URL is empty");
    } else if (!okta::validateOrgUrl(orgUrl, &why)) {
        out << why;
    }
    if (authMethod != u"token" && authMethod != u"oauth")
        out << QCoreApplication::translate("ConnectionSettings", "the authentication method must be token or oauth");
    if (authMethod == u"oauth" && oauthClientId.isEmpty())
        out << QCoreApplication::translate("ConnectionSettings", "an OAuth service app needs its client id");
    if (!poll && hookListen.isEmpty()) {
        out << QCoreApplication::translate("ConnectionSettings",
                                           "events must come from somewhere: poll the System Log, receive Event "
                                           "Hooks, or both");
    }
    if (mode != u"monitor" && mode != u"enforce")
        out << QCoreApplication::translate("ConnectionSettings", "the mode must be monitor or enforce");
    if (autoSuspendDelayMinutes < 5 || autoSuspendDelayMinutes > 60)
        out << QCoreApplication::translate("ConnectionSettings", "the auto-suspension delay must be 5 to 60 minutes");
    return out;
}

} // namespace vigil::secrets

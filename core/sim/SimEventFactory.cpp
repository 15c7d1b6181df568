// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimEventFactory.h"

#include "core/okta/Timestamp.h"

#include <QJsonArray>

#include <cmath>

namespace vigil::sim {

namespace {

struct Kind
{
    const char* eventType;
    const char* message;
    const char* legacySuccess;
    const char* legacyFailure;
};

// displayMessage and legacyEventType per event type, as Okta writes them.
constexpr Kind kKinds[] = {
    {"user.session.start", "User login to Okta", "core.user_auth.login_success", "core.user_auth.login_failed"},
    {"user.authentication.sso", "User single sign on to app", "app.auth.sso", "app.auth.sso"},
    {"user.authentication.auth_via_mfa", "Authentication of user via MFA", "core.user.factor.attempt_success",
     "core.user.factor.attempt_fail"},
    {"system.push.send_factor_verify_push", "A push was sent to a user for verification", nullptr, nullptr},
    {"user.mfa.okta_verify.deny_push", "User rejected Okta push verify", "core.user.factor.attempt_fail",
     "core.user.factor.attempt_fail"},
    {"user.account.lock", "Max sign in attempts exceeded", "core.user_auth.account_locked",
     "core.user_auth.account_locked"},
    {"user.account.unlock", "Unlock user account", "core.user.account.unlock", nullptr},
    {"user.session.end", "User logout from Okta", "core.user_auth.logout_success", nullptr},
    {"user.session.clear", "Clear user session", "core.user.session.clear", nullptr},
    {"user.lifecycle.suspend", "Suspend Okta user", "core.user.config.user_status.suspended", nullptr},
    {"user.lifecycle.unsuspend", "Unsuspend Okta user", "core.user.config.user_status.unsuspended", nullptr},
    {"user.mfa.factor.reset_all", "Reset all factors for user", "core.user.factor.reset_all", nullptr},
    {"user.mfa.factor.activate", "Activate factor or authenticator", "core.user.factor.activate", nullptr},
    {"user.mfa.factor.deactivate", "Reset factor or authenticator", "core.user.factor.deactivate", nullptr},
    {"user.account.privilege.grant", "Grant user privilege", "core.user.admin_privilege.granted", nullptr},
    {"group.user_membership.add", "Add user to group membership", "core.user_group_member.user_add", nullptr},
    {"security.threat.detected", "Request from suspicious actor", "security.threat.detected", nullptr},
    {"user.session.context.change", "User session context changed", nullptr, nullptr},
    {"policy.evaluate_sign_on", "Evaluation of sign-on policy", nullptr, nullptr},
    {"system.org.rate_limit.violation", "Rate limit violation", "core.rate_limit.violation", nullptr},
};

const Kind* kindOf(const QString& eventType)
{
    for (const Kind& k : kKinds) {
        if (eventType == QLatin1String(k.eventType)) return &k;
    }
    return nullptr;
}

QJsonValue orNull(const QString& s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonObject geo(const SimPlace& p, double jitterLat, double jitterLon)
{
    return QJsonObject{{u"city"_qs, p.city},
                       {u"state"_qs, p.state},
                       {u"country"_qs, p.country},
                       {u"postalCode"_qs, p.postalCode},
                       {u"geolocation"_qs, QJsonObject{{u"lat"_qs, std::round((p.lat + jitterLat) * 10000) / 10000},
                                                       {u"lon"_qs, std::round((p.lon + jitterLon) * 10000) / 10000}}}};
}

} // namespace

SimEventFactory::SimEventFactory(quint64 seed)
    : m_rng(seed ^ 0x5eedf00dULL)
{
    // A version-1 uuid's node is a MAC address; set the multicast bit, as RFC 4122 asks of random nodes.
    m_node = SimOrg::hex(m_rng, 12);
    m_node[1] = QLatin1Char("13579bdf"[m_rng() % 8]);
}

QString SimEventFactory::uuid(qint64 atMs)
{
    // Okta's uuids are RFC 4122 version 1, their time taken from the event (100 ns steps since
    // 1582-10-15), so they sort roughly by time. A counter within the millisecond keeps them unique.
    m_sameMs = atMs == m_lastMs ? m_sameMs + 1 : 0;
    m_lastMs = atMs;
    const quint64 ticks = quint64(atMs) * 10000 + 0x01B21DD213814000ULL + quint64(m_sameMs % 10000);
    const auto hexOf = [](quint64 v, int digits) { return QString::number(v, 16).rightJustified(digits, u'0'); };
    const quint64 clockSeq = (m_rng() & 0x3fff) | 0x8000;
    return hexOf(ticks & 0xffffffffULL, 8) + u'-' + hexOf((ticks >> 32) & 0xffff, 4) + u'-'
           + hexOf(((ticks >> 48) & 0x0fff) | 0x1000, 4) + u'-' + hexOf(clockSeq, 4) + u'-' + m_node;
}

QString SimEventFactory::sessionId()
{
    return u"idx"_qs + SimOrg::makeId(m_rng, QString()).left(22) + SimOrg::makeId(m_rng, QString()).left(3);
}

QString SimEventFactory::transactionId()
{
    return SimOrg::makeId(m_rng, QString()) + SimOrg::makeId(m_rng, QString()).left(7);
}

QJsonObject SimEventFactory::make(qint64 atMs,
                                  const QString& eventType,
                                  const SimActor& actor,
                                  const SimClient* client,
                                  const QString& sessionId,
                                  const QString& result,
                                  const QString& reason)
{
    const Kind* kind = kindOf(eventType);
    const bool failure = result == u"FAILURE" || result == u"DENY";
    const char* legacy = kind ? (failure ? kind->legacyFailure : kind->legacySuccess) : nullptr;
    const QString transaction = transactionId();

    QJsonObject debugData{{u"requestId"_qs, transaction}};
    QJsonObject e{
        {u"uuid"_qs, uuid(atMs)},
        {u"published"_qs, okta::formatTimestampMs(atMs)},
        {u"eventType"_qs, eventType},
        {u"version"_qs, u"0"_qs},
        {u"severity"_qs, failure ? u"WARN"_qs : u"INFO"_qs},
        {u"legacyEventType"_qs, legacy ? QJsonValue(QString::fromLatin1(legacy)) : QJsonValue()},
        {u"displayMessage"_qs, kind ? QString::fromLatin1(kind->message) : eventType},
        {u"actor"_qs, QJsonObject{{u"id"_qs, actor.id},
                                  {u"type"_qs, actor.type},
                                  {u"alternateId"_qs, actor.alternateId},
                                  {u"displayName"_qs, actor.displayName},
                                  {u"detailEntry"_qs, QJsonValue()}}},
        {u"outcome"_qs, QJsonObject{{u"result"_qs, result}, {u"reason"_qs, orNull(reason)}}},
        {u"target"_qs, QJsonArray()},
        {u"authenticationContext"_qs,
         QJsonObject{{u"authenticationProvider"_qs, QJsonValue()},
                     {u"credentialProvider"_qs, QJsonValue()},
                     {u"credentialType"_qs, QJsonValue()},
                     {u"issuer"_qs, QJsonValue()},
                     {u"interface"_qs, QJsonValue()},
                     {u"authenticationStep"_qs, 0},
                     {u"externalSessionId"_qs, sessionId.isEmpty() ? u"unknown"_qs : sessionId}}},
    };
    if (client) {
        // Geolocation is approximate in Okta too: a few hundred metres around the city's point.
        const double jLat = double(m_rng() % 200) / 10000.0, jLon = double(m_rng() % 200) / 10000.0;
        const SimPlace& p = client->place;
        e.insert(u"client"_qs, QJsonObject{{u"userAgent"_qs, QJsonObject{{u"rawUserAgent"_qs, client->device.userAgent},
                                                                         {u"os"_qs, client->device.os},
                                                                         {u"browser"_qs, client->device.browser}}},
                                           {u"zone"_qs, u"null"_qs},
                                           {u"device"_qs, client->device.kind},
                                           {u"id"_qs, QJsonValue()},
                                           {u"ipAddress"_qs, client->ip},
                                           {u"geographicalContext"_qs, geo(p, jLat, jLon)}});
        e.insert(u"request"_qs,
                 QJsonObject{{u"ipChain"_qs, QJsonArray{QJsonObject{{u"ip"_qs, client->ip},
                                                                    {u"geographicalContext"_qs, geo(p, jLat, jLon)},
                                                                    {u"version"_qs, u"V4"_qs},
                                                                    {u"source"_qs, QJsonValue()}}}}});
        e.insert(u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, p.asNumber},
                                                    {u"asOrg"_qs, p.asOrg},
                                                    {u"isp"_qs, p.isp},
                                                    {u"domain"_qs, orNull(p.domain)},
                                                    {u"isProxy"_qs, p.isProxy}});
        e.insert(u"transaction"_qs,
                 QJsonObject{{u"type"_qs, u"WEB"_qs}, {u"id"_qs, transaction}, {u"detail"_qs, QJsonObject()}});
        if (!client->device.fingerprint.isEmpty())
            debugData.insert(u"deviceFingerprint"_qs, client->device.fingerprint);
        if (!client->device.dtHash.isEmpty()) debugData.insert(u"dtHash"_qs, client->device.dtHash);
        debugData.insert(u"threatSuspected"_qs, u"false"_qs);
        debugData.insert(u"requestUri"_qs, u"/idp/idx/identify"_qs);
        debugData.insert(u"url"_qs, u"/idp/idx/identify?"_qs);
    } else {
        e.insert(u"client"_qs, QJsonObject{{u"userAgent"_qs, QJsonValue()},
                                           {u"zone"_qs, QJsonValue()},
                                           {u"device"_qs, QJsonValue()},
                                           {u"id"_qs, QJsonValue()},
                                           {u"ipAddress"_qs, QJsonValue()},
                                           {u"geographicalContext"_qs, QJsonValue()}});
        e.insert(u"request"_qs, QJsonObject{{u"ipChain"_qs, QJsonArray()}});
        e.insert(u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, QJsonValue()},
                                                    {u"asOrg"_qs, QJsonValue()},
                                                    {u"isp"_qs, QJsonValue()},
                                                    {u"domain"_qs, QJsonValue()},
                                                    {u"isProxy"_qs, QJsonValue()}});
        e.insert(u"transaction"_qs,
                 QJsonObject{{u"type"_qs, u"JOB"_qs}, {u"id"_qs, transaction}, {u"detail"_qs, QJsonObject()}});
    }
    e.insert(u"debugContext"_qs, QJsonObject{{u"debugData"_qs, debugData}});
    return e;
}

void SimEventFactory::addTarget(
    QJsonObject& event, const QString& id, const QString& type, const QString& alternateId, const QString& displayName)
{
    QJsonArray targets = event.value(u"target").toArray();
    targets.append(QJsonObject{{u"id"_qs, id},
                               {u"type"_qs, type},
                               {u"alternateId"_qs, alternateId},
                               {u"displayName"_qs, displayName},
                               {u"detailEntry"_qs, QJsonValue()}});
    event.insert(u"target"_qs, targets);
}

void SimEventFactory::setDebug(QJsonObject& event, const QString& key, const QString& value)
{
    QJsonObject debug = event.value(u"debugContext").toObject();
    QJsonObject data = debug.value(u"debugData").toObject();
    data.insert(key, value);
    debug.insert(u"debugData"_qs, data);
    event.insert(u"debugContext"_qs, debug);
}

void SimEventFactory::setSeverity(QJsonObject& event, const QString& severity)
{
    event.insert(u"severity"_qs, severity);
}

void SimEventFactory::setDisplayMessage(QJsonObject& event, const QString& message)
{
    event.insert(u"displayMessage"_qs, message);
}

void SimEventFactory::setBehaviors(QJsonObject& event, const QString& behaviors)
{
    setDebug(event, u"behaviors"_qs, behaviors);
}

void SimEventFactory::setRisk(QJsonObject& event, const QString& level, const QStringList& reasons)
{
    setDebug(event, u"risk"_qs,
             reasons.isEmpty() ? QString(u"{level="_qs + level + u'}')
                               : QString(u"{reasons="_qs + reasons.join(u", "_qs) + u", level="_qs + level + u'}'));
    QJsonObject security = event.value(u"securityContext").toObject();
    QJsonObject risk{{u"level"_qs, level}};
    if (!reasons.isEmpty()) risk.insert(u"reasons"_qs, QJsonArray::fromStringList(reasons));
    security.insert(u"risk"_qs, risk);
    event.insert(u"securityContext"_qs, security);
}

void SimEventFactory::setApiToken(QJsonObject& event, const QString& tokenId)
{
    QJsonObject transaction = event.value(u"transaction").toObject();
    transaction.insert(u"detail"_qs, QJsonObject{{u"requestApiTokenId"_qs, tokenId}});
    event.insert(u"transaction"_qs, transaction);
}

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/risk/Policy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace vigil::risk {

namespace {

struct Range
{
    const char* path; // '*' matches one key
    double min;
    double max;
    bool integer;
};

// Bounds that keep a policy meaningful; everything numeric not listed here is rejected as unbounded.
constexpr Range kRanges[] = {
    {"schema_version", 1, 1, true},
    {"scoring.half_life_hours", 0.1, 720, false},
    {"scoring.alert_threshold", 1, 100, false},
    {"severity.*", 1, 100, false},
    {"detections.*.points", 0, 100, false},
    {"detections.threat_insight.failed_attempt_points", 0, 100, false},
    {"detections.*.window_minutes", 1, 1440, true},
    {"detections.*.window_hours", 1, 720, true},
    {"detections.brute_force.failures", 2, 1000, true},
    {"detections.password_spray.distinct_users", 2, 100000, true},
    {"detections.mfa_fatigue.rejections", 1, 1000, true},
    {"detections.mfa_fatigue.pushes", 1, 1000, true},
    {"detections.mfa_fatigue.success_after_points", 0, 100, false},
    {"detections.impossible_travel.max_speed_kmh", 100, 20000, false},
    {"detections.impossible_travel.min_distance_km", 0, 20040, false},
    {"detections.off_hours.min_signins", 1, 10000, true},
    {"detections.off_hours.min_days", 1, 365, true},
    {"business_hours.start_hour", 0, 23, true},
    {"business_hours.end_hour", 1, 24, true},
    {"ingest.backfill_hours", 0, 2160, false}, // Okta keeps 90 days
    {"ingest.poll_interval_seconds", 2, 3600, false},
    {"ingest.rate_limit_reserve_percent", 0, 90, false},
    {"response.step_up_at", 1, 100, false},
    {"response.page_at", 1, 100, false},
    {"response.page_critical_at", 1, 100, false},
    {"response.auto_suspend_delay_minutes", 5, 60, false},
    {"response.push_timeout_minutes", 5, 10, false},
    {"response.max_auto_suspensions_per_hour", 0, 1000, true},
    {"response.max_users_per_source", 1, 100000, true},
};

bool pathMatches(QStringView pattern, QStringView path)
{
    const auto p = pattern.split(u'.');
    const auto q = path.split(u'.');
    if (p.size() != q.size()) return false;
    for (qsizetype i = 0; i < p.size(); ++i) {
        if (p.at(i) != u"*" && p.at(i) != q.at(i)) return false;
    }
    return true;
}

const Range* rangeFor(const QString& path)
{
    // The most specific pattern wins: an exact path before a wildcard.
    const Range* best = nullptr;
    for (const Range& r : kRanges) {
        const QString pattern = QString::fromLatin1(r.path);
        if (!pathMatches(pattern, path)) continue;
        if (!best || !pattern.contains(u'*')) best = &r;
    }
    return best;
}

bool isComment(const QString& key)
{
    return key.startsWith(u"//");
}

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("null");
    }
}

const QStringList kWeekdays{u"Mon"_qs, u"Tue"_qs, u"Wed"_qs, u"Thu"_qs, u"Fri"_qs, u"Sat"_qs, u"Sun"_qs};

// Walks `user` against `shape` (the defaults), reporting problems and overlaying values onto `merged`.
void check(
    const QJsonObject& shape, const QJsonObject& user, const QString& prefix, QJsonObject& merged, QStringList& errors)
{
    for (auto it = user.begin(); it != user.end(); ++it) {
        const QString key = it.key();
        if (isComment(key)) continue;
        const QString path = prefix.isEmpty() ? key : prefix + u'.' + key;
        if (!shape.contains(key)) {
            errors << Policy::tr("%1: unknown key").arg(path);
            continue;
        }
        const QJsonValue expected = shape.value(key);
        const QJsonValue given = it.value();
        if (expected.type() != given.type()) {
            errors << Policy::tr("%1: must be %2, not %3").arg(path, typeName(expected), typeName(given));
            continue;
        }
        if (given.isObject()) {
            QJsonObject sub = merged.value(key).toObject();
            check(expected.toObject(), given.toObject(), path, sub, errors);
            merged.insert(key, sub);
            continue;
        }
        if (given.isDouble()) {
            const double v = given.toDouble();
            const Range* range = rangeFor(path);
            if (!range) {
                errors << Policy::tr("%1: no range is defined for this number").arg(path);
            } else if (v < range->min || v > range->max) {
                errors << Policy::tr("%1: %2 is outside %3 to %4").arg(path).arg(v).arg(range->min).arg(range->max);
            } else if (range->integer && std::floor(v) != v) {
                errors << Policy::tr("%1: must be a whole number, not %2").arg(path).arg(v);
            }
        }
        if (given.isArray()) {
            const QJsonArray items = given.toArray();
            const bool numbers = path.endsWith(u".asns");
            for (qsizetype i = 0; i < items.size(); ++i) {
                const QJsonValue item = items.at(i);
                const double n = item.toDouble(-1);
                const bool ok = numbers ? (item.isDouble() && n >= 0 && n <= 4294967295.0 && std::floor(n) == n)
                                        : (item.isString() && !item.toString().trimmed().isEmpty());
                if (!ok) {
                    errors << Policy::tr("%1[%2]: must be %3")
                                  .arg(path)
                                  .arg(i)
                                  .arg(numbers ? Policy::tr("an AS number") : Policy::tr("a non-empty string"));
                    continue;
                }
                if (path == u"scoring.always_alert" && !detectionIds().contains(item.toString())) {
                    errors << Policy::tr("%1[%2]: '%3' is not a detection (%4)")
                                  .arg(path)
                                  .arg(i)
                                  .arg(item.toString(), detectionIds().join(u", "));
                }
                if (path == u"business_hours.weekdays" && !kWeekdays.contains(item.toString())) {
                    errors << Policy::tr("%1[%2]: '%3' is not one of %4")
                                  .arg(path)
                                  .arg(i)
                                  .arg(item.toString(), kWeekdays.join(u", "));
                }
            }
        }
        merged.insert(key, given);
    }
}

void checkRelations(const QJsonObject& merged, QStringList& errors)
{
    const QJsonObject severity = merged.value(u"severity").toObject();
    const double critical = severity.value(u"critical").toDouble(), high = severity.value(u"high").toDouble(),
                 medium = severity.value(u"medium").toDouble(), low = severity.value(u"low").toDouble();
    if (!(critical > high && high > medium && medium > low)) {
        errors << Policy::tr("severity: bands must rise from low to critical (low %1 < medium %2 < high %3 < "
                             "critical %4)")
                      .arg(low)
                      .arg(medium)
                      .arg(high)
                      .arg(critical);
    }
    const QJsonObject hours = merged.value(u"business_hours").toObject();
    if (hours.value(u"start_hour").toDouble() >= hours.value(u"end_hour").toDouble()) {
        errors << Policy::tr("business_hours: start_hour must come before end_hour");
    }
    const QJsonObject response = merged.value(u"response").toObject();
    const QString mode = response.value(u"mode").toString();
    if (mode != u"monitor" && mode != u"enforce") {
        errors << Policy::tr("response.mode: must be \"monitor\" or \"enforce\", not \"%1\"").arg(mode);
    }
    if (response.value(u"page_critical_at").toDouble() < response.value(u"page_at").toDouble()) {
        errors << Policy::tr("response.page_critical_at: must not be below response.page_at");
    }
}

} // namespace

const QStringList& detectionIds()
{
    static const QStringList ids{
        u"brute_force"_qs,    u"password_spray"_qs, u"mfa_fatigue"_qs,    u"mfa_failure"_qs,       u"geo_risk"_qs,
        u"anonymizer"_qs,     u"off_hours"_qs,      u"new_device"_qs,     u"impossible_travel"_qs, u"threat_insight"_qs,
        u"session_hijack"_qs, u"factor_reset"_qs,   u"privilege_grant"_qs};
    return ids;
}

Policy::Policy(QJsonObject root)
    : m_root(std::move(root))
{
}

QByteArray Policy::defaultJson()
{
    QFile f(QStringLiteral(":/policy/default-policy.json"));
    if (!f.open(QIODevice::ReadOnly)) qFatal("the default policy is missing from the resources");
    return f.readAll();
}

Policy Policy::defaults()
{
    static const QJsonObject root = QJsonDocument::fromJson(defaultJson()).object();
    return Policy(root);
}

std::optional<Policy> Policy::fromJson(const QByteArray& json, QStringList* errors)
{
    QStringList problems;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        problems << tr("not valid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString());
    } else if (!doc.isObject()) {
        problems << tr("the policy must be a JSON object");
    } else if (doc.object().value(u"schema_version").toInt() != 1) {
        problems << tr("schema_version: this Vigil reads policy version 1");
    }
    QJsonObject merged = defaults().json();
    if (problems.isEmpty()) {
        check(defaults().json(), doc.object(), {}, merged, problems);
        if (problems.isEmpty()) checkRelations(merged, problems);
    }
    if (errors) *errors = problems;
    if (!problems.isEmpty()) return std::nullopt;
    return Policy(merged);
}

std::optional<Policy> Policy::fromFile(const QString& path, QStringList* errors)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (errors) *errors = {tr("cannot read %1: %2").arg(path, f.errorString())};
        return std::nullopt;
    }
    return fromJson(f.readAll(), errors);
}

QJsonValue Policy::value(const QString& path) const
{
    QJsonValue v = m_root;
    for (const QString& part : path.split(u'.'))
        v = v.toObject().value(part);
    if (v.isUndefined()) qFatal("unknown policy key %s", qPrintable(path));
    return v;
}

double Policy::number(const QString& path) const
{
    return value(path).toDouble();
}

bool Policy::flag(const QString& path) const
{
    return value(path).toBool();
}

QStringList Policy::strings(const QString& path) const
{
    QStringList out;
    for (const QJsonValue& v : value(path).toArray()) {
        out << (v.isDouble() ? QString::number(qint64(v.toDouble())) : v.toString());
    }
    return out;
}

} // namespace vigil::risk

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace vigil::risk {

// The detection catalogue's ids, as reports and the policy name them.
const QStringList& detectionIds();

// The risk policy: thresholds, points, allowlists, business hours.
//
// resources/policy/default-policy.json is the single source of every default and documents each
// key. A user's file only needs the keys it changes; it is validated against the default's shape
// (unknown key, wrong type) and against the ranges below, and every error names the exact key.
class Policy
{
    Q_DECLARE_TR_FUNCTIONS(Policy)

public:
    static Policy defaults();
    // nullopt when the file is not valid; `errors` then lists each problem, one key per line.
    static std::optional<Policy> fromJson(const QByteArray& json, QStringList* errors);
    static std::optional<Policy> fromFile(const QString& path, QStringList* errors);
    static QByteArray defaultJson();

    // Values by dotted path, e.g. "detections.brute_force.window_minutes". Paths come from code and
    // are checked against the defaults by the tests, so a typo fails loudly there.
    double number(const QString& path) const;
    bool flag(const QString& path) const;
    QStringList strings(const QString& path) const;
    const QJsonObject& json() const { return m_root; }

private:
    explicit Policy(QJsonObject root);
    QJsonValue value(const QString& path) const;
    QJsonObject m_root;
};

} // namespace vigil::risk

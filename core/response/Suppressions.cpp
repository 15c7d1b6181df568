// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/response/Suppressions.h"

#include "core/store/SqlDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil::response {

bool Suppression::covers(const QStringList& alertDetections) const
{
    if (detections.isEmpty()) return true;
    return std::all_of(alertDetections.begin(), alertDetections.end(),
                       [this](const QString& d) { return detections.contains(d); });
}

Suppressions::Suppressions(QSqlDatabase db)
    : m_db(std::move(db))
{
}

bool Suppressions::load(QString* error)
{
    m_all.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT id, user_login, detections, owner, reason, alert_id, created_ms, expires_ms, lifted_ms"
                " FROM suppressions ORDER BY id"_qs)) {
        if (error) *error = q.lastError().text();
        return false;
    }
    while (q.next()) {
        Suppression s;
        s.id = q.value(0).toLongLong();
        s.user = q.value(1).toString();
        for (const QJsonValue& d : QJsonDocument::fromJson(q.value(2).toByteArray()).array())
            s.detections.append(d.toString());
        s.owner = q.value(3).toString();
        s.reason = q.value(4).toString();
        s.alertId = q.value(5).toString();
        s.createdMs = q.value(6).toLongLong();
        s.expiresMs = q.value(7).toLongLong();
        s.liftedMs = q.value(8).isNull() ? -1 : q.value(8).toLongLong();
        m_all.append(s);
    }
    return true;
}

std::optional<Suppression> Suppressions::add(Suppression s, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<Suppression> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (s.user.trimmed().isEmpty()) return fail(tr("a suppression needs a user"));
    if (s.owner.trimmed().isEmpty()) return fail(tr("a suppression needs an owner"));
    if (s.reason.trimmed().isEmpty()) return fail(tr("a suppression needs a reason"));
    if (s.expiresMs <= s.createdMs) return fail(tr("a suppression must expire after it starts"));
    if (s.expiresMs - s.createdMs > kMaxDurationMs)
        return fail(tr("a suppression may last at most %1 days").arg(kMaxDurationMs / (24 * 3600 * 1000)));
    QSqlQuery q(m_db);
    q.prepare(store::sql::insertReturningId(
        m_db, u"INSERT INTO suppressions(user_login, detections, owner, reason, alert_id, created_ms, expires_ms)"
              " VALUES(?, ?, ?, ?, ?, ?, ?)"_qs));
    q.addBindValue(s.user);
    // Text, not bytes: a TEXT column on PostgreSQL refuses a bytea value.
    q.addBindValue(
        QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(s.detections)).toJson(QJsonDocument::Compact)));
    q.addBindValue(s.owner);
    q.addBindValue(s.reason);
    q.addBindValue(s.alertId);
    q.addBindValue(s.createdMs);
    q.addBindValue(s.expiresMs);
    if (!q.exec()) return fail(q.lastError().text());
    s.id = store::sql::insertedId(q).value_or(0);
    m_all.append(s);
    return s;
}

bool Suppressions::lift(qint64 id, qint64 atMs, QString* error)
{
    for (Suppression& s : m_all) {
        if (s.id != id) continue;
        QSqlQuery q(m_db);
        q.prepare(u"UPDATE suppressions SET lifted_ms = ? WHERE id = ?"_qs);
        q.addBindValue(atMs);
        q.addBindValue(id);
        if (!q.exec()) {
            if (error) *error = q.lastError().text();
            return false;
        }
        s.liftedMs = atMs;
        return true;
    }
    if (error) *error = tr("no suppression %1").arg(id);
    return false;
}

std::optional<Suppression> Suppressions::covering(const QString& user, const QStringList& detections, qint64 atMs) const
{
    for (const Suppression& s : m_all) {
        if (s.activeAt(atMs) && s.user.compare(user, Qt::CaseInsensitive) == 0 && s.covers(detections)) return s;
    }
    return std::nullopt;
}

QList<Suppression> Suppressions::active(qint64 atMs) const
{
    QList<Suppression> out;
    for (const Suppression& s : m_all) {
        if (s.activeAt(atMs)) out.append(s);
    }
    return out;
}

} // namespace vigil::response

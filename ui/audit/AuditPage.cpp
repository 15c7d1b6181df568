// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/audit/AuditPage.h"

#include "core/store/SqlDialect.h"
#include "ui/audit/AuditText.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil::ui {

namespace {

// LIKE with the user's text taken literally.
QString likeContaining(QString text)
{
    text.replace(u'\\', u"\\\\"_qs).replace(u'%', u"\\%"_qs).replace(u'_', u"\\_"_qs);
    return u'%' + text + u'%';
}

struct Where
{
    QStringList clauses;
    QVariantList binds;

    QString sql() const { return clauses.isEmpty() ? QString() : QString(u" WHERE " + clauses.join(u" AND ")); }
};

// The same SQL on SQLite and PostgreSQL (team mode); store::sql says where they differ.
Where whereFor(const QSqlDatabase& db, const AuditFilter& f)
{
    namespace sql = store::sql;
    const QString matches = u' ' + sql::likeOperator(db) + u" ? ESCAPE '\\'"; // case-insensitive on both
    Where w;
    if (!f.kind.isEmpty()) {
        w.clauses << u"kind = ?"_qs;
        w.binds << f.kind;
    }
    if (f.actor == QLatin1String(AuditFilter::kAnalysts)) {
        w.clauses << u"actor <> 'vigil'"_qs;
    } else if (!f.actor.isEmpty()) {
        w.clauses << u"actor = ?"_qs;
        w.binds << f.actor;
    }
    if (!f.subject.trimmed().isEmpty()) {
        const QString like = likeContaining(f.subject.trimmed());
        w.clauses << u"(subject"_qs + matches + u" OR "_qs + sql::jsonTextMember(db, u"details"_qs, u"user"_qs)
                         + matches + u')';
        w.binds << like << like;
    }
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        const QString like = likeContaining(text);
        QString clause = u"(kind"_qs + matches + u" OR actor" + matches + u" OR subject" + matches + u" OR details"
                         + matches + u" OR hash" + matches;
        w.binds << like << like << like << like << like;
        bool isNumber = false;
        const qint64 seq = text.toLongLong(&isNumber);
        if (isNumber) {
            clause += u" OR seq = ?";
            w.binds << seq;
        }
        w.clauses << clause + u')';
    }
    if (f.upToSeq >= 0) {
        w.clauses << u"seq <= ?"_qs;
        w.binds << f.upToSeq;
    }
    return w;
}

} // namespace

QList<AuditEntry>
AuditPage::select(const QSqlDatabase& db, const AuditFilter& filter, const QString& range, qint64 bound, int limit)
{
    Where w = whereFor(db, filter);
    if (bound >= 0) {
        w.clauses << range;
        w.binds << bound;
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT seq, at_ms, kind, actor, subject, details, prev_hash, hash FROM audit"_qs + w.sql()
              + u" ORDER BY seq DESC LIMIT ?"_qs);
    for (const QVariant& b : std::as_const(w.binds))
        q.addBindValue(b);
    q.addBindValue(limit);
    QList<AuditEntry> out;
    if (!q.exec()) {
        qWarning("vigil: cannot read the audit log: %s", qPrintable(q.lastError().text()));
        return out;
    }
    while (q.next()) {
        AuditEntry e;
        e.seq = q.value(0).toLongLong();
        e.atMs = q.value(1).toLongLong();
        e.kind = q.value(2).toString();
        e.actor = q.value(3).toString();
        e.subject = q.value(4).toString();
        e.details = q.value(5).toString().toUtf8();
        e.prevHash = q.value(6).toString();
        e.hash = q.value(7).toString();
        const QJsonObject details = QJsonDocument::fromJson(e.details).object();
        e.user = details.value(u"user").toString();
        e.summary = AuditText::summary(e.kind, details);
        out.append(std::move(e));
    }
    return out;
}

QList<AuditEntry> AuditPage::older(const QSqlDatabase& db, const AuditFilter& filter, qint64 beforeSeq, int limit)
{
    return select(db, filter, u"seq < ?"_qs, beforeSeq, limit);
}

QList<AuditEntry> AuditPage::newer(const QSqlDatabase& db, const AuditFilter& filter, qint64 afterSeq, int limit)
{
    return select(db, filter, u"seq > ?"_qs, std::max<qint64>(afterSeq, 0), limit);
}

qint64 AuditPage::count(const QSqlDatabase& db, const AuditFilter& filter)
{
    const Where w = whereFor(db, filter);
    QSqlQuery q(db);
    q.prepare(u"SELECT count(*) FROM audit"_qs + w.sql());
    for (const QVariant& b : w.binds)
        q.addBindValue(b);
    if (!q.exec() || !q.next()) return 0;
    return q.value(0).toLongLong();
}

QStringList AuditPage::analysts(const QSqlDatabase& db)
{
    QStringList out;
    QSqlQuery q(db);
    if (!q.exec(u"SELECT DISTINCT actor FROM audit WHERE actor <> 'vigil' ORDER BY actor LIMIT 200"_qs)) return out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/audit/AuditLog.h"

#include "core/okta/Timestamp.h"
#include "core/store/SqlDialect.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil::audit {

namespace {

// What the first record's prev_hash holds: a chain needs a known start.
const QString kGenesis = QString(64, u'0');

bool exec(QSqlQuery& q, QString* error)
{
    if (q.exec()) return true;
    if (error) *error = q.lastError().text();
    return false;
}

// Secrets must never reach the audit log. Callers pass clean values; this is the last line of defence
// against a mistake (an Authorization header copied into details).
bool looksSecret(const QJsonObject& details)
{
    const QByteArray text = QJsonDocument(details).toJson(QJsonDocument::Compact);
    return text.contains("SSWS ") || text.contains("Bearer ey") || text.contains("Token token=")
           || text.contains("\"routing_key\"") || text.contains("client_assertion");
}

QString csvField(const QString& v)
{
    if (!v.contains(u',') && !v.contains(u'"') && !v.contains(u'\n')) return v;
    QString quoted = v;
    quoted.replace(u'"', u"\"\""_qs);
    return u'"' + quoted + u'"';
}

} // namespace

AuditLog::AuditLog(QSqlDatabase db)
    : m_db(std::move(db))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

QByteArray AuditLog::canonical(const AuditRecord& r)
{
    // Fixed field order; details as compact JSON (QJsonObject sorts its keys), so the same record
    // always hashes the same.
    QJsonObject o{{u"seq"_qs, r.seq},      {u"at"_qs, r.atMs},         {u"kind"_qs, r.kind},
                  {u"actor"_qs, r.actor},  {u"subject"_qs, r.subject}, {u"details"_qs, r.details},
                  {u"prev"_qs, r.prevHash}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString AuditLog::hashOf(const AuditRecord& r)
{
    return QString::fromLatin1(QCryptographicHash::hash(canonical(r), QCryptographicHash::Sha256).toHex());
}

QString AuditLog::currentOperator()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty()) user = qEnvironmentVariable("USERNAME");
    if (user.isEmpty()) user = u"unknown"_qs;
    return user + u'@' + QHostInfo::localHostName();
}

std::optional<AuditRecord> AuditLog::append(
    const QString& kind, const QString& actor, const QString& subject, const QJsonObject& details, QString* error)
{
    if (looksSecret(details)) {
        if (error) *error = tr("refused to write a secret to the audit log");
        qWarning("vigil: refused to write a secret to the audit log (%s)", qPrintable(kind));
        return std::nullopt;
    }
    // Serialised across processes (two consoles on one PostgreSQL, or two on one SQLite file), so that
    // two writers cannot both extend the same head and fork the chain.
    if (!store::sql::beginExclusive(m_db, u"vigil.audit"_qs, error)) return std::nullopt;
    auto rollback = [&] { store::sql::rollback(m_db); };

    AuditRecord r;
    {
        QSqlQuery head(m_db);
        head.prepare(u"SELECT seq, hash FROM audit_head WHERE id = 1"_qs);
        if (!exec(head, error)) {
            rollback();
            return std::nullopt;
        }
        if (head.next()) {
            r.seq = head.value(0).toLongLong() + 1;
            r.prevHash = head.value(1).toString();
        } else {
            r.seq = 1;
            r.prevHash = kGenesis;
        }
    }
    r.atMs = m_clock();
    r.kind = kind;
    r.actor = actor;
    r.subject = subject;
    r.details = details;
    r.hash = hashOf(r);

    QSqlQuery insert(m_db);
    insert.prepare(u"INSERT INTO audit(seq, at_ms, kind, actor, subject, details, prev_hash, hash)"
                   " VALUES(?, ?, ?, ?, ?, ?, ?, ?)"_qs);
    for (const QVariant& v :
         {QVariant(r.seq), QVariant(r.atMs), QVariant(r.kind), QVariant(r.actor), QVariant(r.subject),
          QVariant(QString::fromUtf8(QJsonDocument(r.details).toJson(QJsonDocument::Compact))), QVariant(r.prevHash),
          QVariant(r.hash)}) {
        insert.addBindValue(v);
    }
    QSqlQuery head(m_db);
    head.prepare(r.seq == 1 ? u"INSERT INTO audit_head(id, seq, hash) VALUES(1, ?, ?)"_qs
                            : u"UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"_qs);
    head.addBindValue(r.seq);
    head.addBindValue(r.hash);
    if (!exec(insert, error) || !exec(head, error)) {
        rollback();
        return std::nullopt;
    }
    if (!store::sql::commit(m_db, error)) {
        rollback();
        return std::nullopt;
    }
    return r;
}

QList<AuditRecord> AuditLog::query(const QString& where, const QVariantList& binds) const
{
    QList<AuditRecord> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT seq, at_ms, kind, actor, subject, details, prev_hash, hash FROM audit "_qs + where
              + u" ORDER BY seq"_qs);
    for (const QVariant& b : binds)
        q.addBindValue(b);
    if (!q.exec()) return out;
    while (q.next()) {
        AuditRecord r;
        r.seq = q.value(0).toLongLong();
        r.atMs = q.value(1).toLongLong();
        r.kind = q.value(2).toString();
        r.actor = q.value(3).toString();
        r.subject = q.value(4).toString();
        r.details = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
        r.prevHash = q.value(6).toString();
        r.hash = q.value(7).toString();
        out.append(r);
    }
    return out;
}

QList<AuditRecord> AuditLog::forSubject(const QString& subject) const
{
    return query(u"WHERE subject = ?"_qs, {subject});
}

QList<AuditRecord> AuditLog::all() const
{
    return query({}, {});
}

qint64 AuditLog::count() const
{
    QSqlQuery q(m_db);
    if (!q.exec(u"SELECT count(*) FROM audit"_qs) || !q.next()) return 0;
    return q.value(0).toLongLong();
}

VerifyResult AuditLog::verify() const
{
    VerifyResult result;
    QString previous = kGenesis;
    qint64 expectedSeq = 1;
    // Stored details are re-parsed and re-serialised: an edit of the stored JSON text that changes
    // meaning changes the hash; one that only changes spacing does not (and changes nothing).
    for (const AuditRecord& r : all()) {
        ++result.records;
        auto fail = [&](const QString& problem) {
            result.firstBadSeq = r.seq;
            result.problem = problem;
            return result;
        };
        if (r.seq != expectedSeq) {
            return fail(r.seq > expectedSeq ? tr("records %1 to %2 are missing").arg(expectedSeq).arg(r.seq - 1)
                                            : tr("record %1 appears out of order").arg(r.seq));
        }
        if (r.prevHash != previous) return fail(tr("record %1 does not follow the record before it").arg(r.seq));
        if (hashOf(r) != r.hash) return fail(tr("record %1 was changed after it was written").arg(r.seq));
        previous = r.hash;
        ++expectedSeq;
    }
    QSqlQuery head(m_db);
    if (head.exec(u"SELECT seq, hash FROM audit_head WHERE id = 1"_qs) && head.next()) {
        if (head.value(0).toLongLong() != expectedSeq - 1 || head.value(1).toString() != previous) {
            result.firstBadSeq = expectedSeq;
            result.problem = tr("the log ends at record %1 but was written up to record %2")
                                 .arg(expectedSeq - 1)
                                 .arg(head.value(0).toLongLong());
            return result;
        }
    } else if (result.records > 0) {
        result.firstBadSeq = 1;
        result.problem = tr("the audit log's head record is missing");
        return result;
    }
    result.ok = true;
    return result;
}

bool AuditLog::exportTo(QIODevice& out, Format format, QString* error) const
{
    const QList<AuditRecord> records = all();
    if (format == Format::Csv) out.write("seq,at,kind,actor,subject,details,prev_hash,hash\n");
    for (const AuditRecord& r : records) {
        QByteArray line;
        if (format == Format::JsonLines) {
            QJsonObject o{{u"seq"_qs, r.seq},
                          {u"at"_qs, okta::formatTimestampMs(r.atMs)},
                          {u"kind"_qs, r.kind},
                          {u"actor"_qs, r.actor},
                          {u"subject"_qs, r.subject},
                          {u"details"_qs, r.details},
                          {u"prev_hash"_qs, r.prevHash},
                          {u"hash"_qs, r.hash}};
            line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        } else {
            const QStringList fields{
                QString::number(r.seq),
                okta::formatTimestampMs(r.atMs),
                csvField(r.kind),
                csvField(r.actor),
                csvField(r.subject),
                csvField(QString::fromUtf8(QJsonDocument(r.details).toJson(QJsonDocument::Compact))),
                r.prevHash,
                r.hash};
            line = fields.join(u',').toUtf8() + '\n';
        }
        if (out.write(line) != line.size()) {
            if (error) *error = out.errorString();
            return false;
        }
    }
    return true;
}

} // namespace vigil::audit

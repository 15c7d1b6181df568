// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QIODevice>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

namespace vigil::audit {

struct AuditRecord
{
    qint64 seq = 0;
    qint64 atMs = 0;
    QString kind;    // "decision", "command", "call", "state"
    QString actor;   // "vigil" for automation, "user@host" for an analyst
    QString subject; // the alert id or the user the record is about
    QJsonObject details;
    QString prevHash; // hex SHA-256 of the record before (64 zeros for the first)
    QString hash;     // hex SHA-256 of this record's canonical form
};

struct VerifyResult
{
    bool ok = false;
    qint64 records = 0;
    qint64 firstBadSeq = -1; // the first record that does not check out
    QString problem;         // what is wrong there, in words
};

// The append-only, hash-chained audit log: every decision, analyst command and outbound call.
// Each record holds the SHA-256 of the one before, so an edited, inserted or deleted record breaks
// the chain; a head row (seq and hash of the newest) also catches a deleted tail. Secrets never go
// in: callers pass paths without tokens, and details are checked against the known secret shapes.
class AuditLog
{
    Q_DECLARE_TR_FUNCTIONS(AuditLog)

public:
    using Clock = std::function<qint64()>;

    explicit AuditLog(QSqlDatabase db);

    void setClock(Clock clock) { m_clock = std::move(clock); }

    // The new record, or nullopt with `error`. Appends are serialised by an IMMEDIATE transaction so
    // that two writers (two processes on one file) cannot fork the chain.
    std::optional<AuditRecord> append(const QString& kind,
                                      const QString& actor,
                                      const QString& subject,
                                      const QJsonObject& details,
                                      QString* error = nullptr);

    VerifyResult verify() const;
    QList<AuditRecord> forSubject(const QString& subject) const;
    QList<AuditRecord> all() const;
    qint64 count() const;

    enum class Format
    {
        JsonLines,
        Csv
    };
    bool exportTo(QIODevice& out, Format format, QString* error = nullptr) const;

    // The canonical bytes a record's hash covers (exposed for tests and external verifiers).
    static QByteArray canonical(const AuditRecord& r);
    static QString hashOf(const AuditRecord& r);
    // "alice@ws-12": who an analyst command is recorded as.
    static QString currentOperator();

private:
    QList<AuditRecord> query(const QString& where, const QVariantList& binds) const;

    QSqlDatabase m_db;
    Clock m_clock;
};

} // namespace vigil::audit

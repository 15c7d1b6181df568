// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace vigil::ui {

// One audit record as the view shows it; the summary is worked out on the reader thread.
struct AuditEntry
{
    qint64 seq = 0;
    qint64 atMs = 0;
    QString kind;
    QString actor;
    QString subject;
    QString user;       // details.user, when the record names one (most subjects are alert ids)
    QByteArray details; // compact JSON, as stored
    QString summary;    // one line from the details
    QString prevHash;
    QString hash;
};

// What the audit view shows. Matching is done by SQL on the reader thread, so the filter works on a
// log of any length without loading it.
struct AuditFilter
{
    static constexpr auto kAnalysts = "@analysts"; // actor: anyone but the automation

    QString kind;        // exact kind, or empty for all
    QString actor;       // exact actor, kAnalysts, or empty for anyone
    QString subject;     // part of the subject (alert id) or of details.user
    QString text;        // free text over kind, actor, subject, details and hash; a number also finds that seq
    qint64 upToSeq = -1; // show records up to this seq only (revealing an old record); -1: up to the newest

    bool isEmpty() const { return kind.isEmpty() && actor.isEmpty() && subject.isEmpty() && text.isEmpty(); }
    bool operator==(const AuditFilter&) const = default;
};

// The SQL behind the audit view's pages. Runs on the thread that owns `db` (the StoreReader's).
class AuditPage
{
public:
    // Records matching `filter` with seq < `beforeSeq` (any when -1), newest first, at most `limit`.
    static QList<AuditEntry> older(const QSqlDatabase& db, const AuditFilter& filter, qint64 beforeSeq, int limit);
    // Records matching `filter` with seq > `afterSeq`, newest first, at most `limit`.
    static QList<AuditEntry> newer(const QSqlDatabase& db, const AuditFilter& filter, qint64 afterSeq, int limit);
    static qint64 count(const QSqlDatabase& db, const AuditFilter& filter);
    // Analysts who appear in the log (distinct actors but the automation), for the actor filter.
    static QStringList analysts(const QSqlDatabase& db);

private:
    static QList<AuditEntry>
    select(const QSqlDatabase& db, const AuditFilter& filter, const QString& range, qint64 bound, int limit);
};

} // namespace vigil::ui

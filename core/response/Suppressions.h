// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>
#include <QStringList>

#include <optional>

namespace vigil::response {

// What an analyst asked to stop alerting on after a false positive: one user, some detections (or
// all of them), with an owner and an expiry so that no suppression outlives the reason for it.
struct Suppression
{
    qint64 id = 0;
    QString user;           // login (alternateId)
    QStringList detections; // empty: every detection of the user
    QString owner;          // who is answerable for it ("alice@ws-12")
    QString reason;
    QString alertId; // the false positive it came from
    qint64 createdMs = 0;
    qint64 expiresMs = 0;
    qint64 liftedMs = -1; // lifted early by an analyst

    bool activeAt(qint64 ms) const { return liftedMs < 0 && createdMs <= ms && ms < expiresMs; }
    // Whether every one of `alertDetections` is covered (an alert with one uncovered detection still
    // needs a person to look at it).
    bool covers(const QStringList& alertDetections) const;
};

// The suppressions table: add, lift, and ask whether an alert is covered right now.
class Suppressions
{
    Q_DECLARE_TR_FUNCTIONS(Suppressions)

public:
    // Suppressions longer than this are refused: a permanent one is an unowned blind spot.
    static constexpr qint64 kMaxDurationMs = 90LL * 24 * 3600 * 1000;

    explicit Suppressions(QSqlDatabase db);

    bool load(QString* error = nullptr);
    std::optional<Suppression> add(Suppression s, QString* error = nullptr);
    bool lift(qint64 id, qint64 atMs, QString* error = nullptr);

    // The active suppression that covers all of an alert's detections, if any.
    std::optional<Suppression> covering(const QString& user, const QStringList& detections, qint64 atMs) const;
    QList<Suppression> active(qint64 atMs) const;
    QList<Suppression> all() const { return m_all; }

private:
    QSqlDatabase m_db;
    QList<Suppression> m_all;
};

} // namespace vigil::response

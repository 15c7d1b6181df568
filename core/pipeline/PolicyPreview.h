// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/risk/Policy.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace vigil::store {
class EventStore;
}

namespace vigil::pipeline {

class DryRunReplay;

// What one policy would have done about one user over the previewed window.
struct PreviewOutcome
{
    QStringList actions; // distinct action kinds, in PolicyPreview::actionKinds() order
    int alerts = 0;
    double peakRisk = 0;
    QString severity; // the band of the peak risk under that policy
    QStringList detections;

    bool has(const QString& kind) const { return actions.contains(kind); }
    // Stepped up, paged or suspended: what the analyst counts as "affected".
    bool affected() const;
    bool operator==(const PreviewOutcome&) const = default;
};

enum class PreviewChange
{
    Unchanged,
    NewlyAffected,    // no step-up, page or suspension before; some now
    NoLongerAffected, // the reverse
    Changed,          // affected under both, but not by the same actions (e.g. now suspended)
};

struct PreviewUser
{
    QString user;
    PreviewOutcome current;
    PreviewOutcome proposed;
    PreviewChange change = PreviewChange::Unchanged;
};

struct PreviewResult
{
    bool ok = false;
    bool cancelled = false;
    QString error;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 events = 0;   // stored events replayed
    qint64 rejected = 0; // stored events the parser refused (counted, skipped)
    qint64 elapsedMs = 0;
    // Users with an alert or an action under either policy: changed ones first, then by proposed peak risk.
    QList<PreviewUser> users;

    // Users who get / lose `kind` under the proposed policy.
    int gained(const QString& kind) const;
    int lost(const QString& kind) const;
    int usersWith(const QString& kind, bool proposed) const;
    int count(PreviewChange change) const;
};

// The blast radius of a policy change: the stored history replayed through the risk engine and the
// automation's dry run twice, under the current and the proposed policy, and compared user by user.
// Run it where the store lives (the StoreReader's thread); it only reads.
class PolicyPreview
{
    Q_DECLARE_TR_FUNCTIONS(PolicyPreview)

public:
    static constexpr qint64 kDefaultSpanMs = 7LL * 24 * 3600 * 1000;

    struct Window
    {
        qint64 fromMs = 0;
        qint64 toMs = 0; // exclusive
        bool isEmpty() const { return fromMs >= toMs; }
    };
    // The last `spanMs` of stored history, or all of it when it is shorter; empty for an empty store.
    static Window defaultWindow(const store::EventStore& store, qint64 spanMs = kDefaultSpanMs);

    // fraction of the window's time replayed (0..1), events so far. Called on the replaying thread.
    using Progress = std::function<void(double fraction, qint64 events)>;
    struct Options
    {
        Window window;
        const std::atomic<bool>* cancel = nullptr; // checked before every event
        Progress progress;
        qint64 progressEveryEvents = 2000;
    };

    static PreviewResult run(const store::EventStore& store,
                             const risk::Policy& current,
                             const risk::Policy& proposed,
                             const Options& options);

    // The building blocks, public for tests.
    static QHash<QString, PreviewOutcome> outcomes(const DryRunReplay& replay);
    static QList<PreviewUser> compare(const QHash<QString, PreviewOutcome>& current,
                                      const QHash<QString, PreviewOutcome>& proposed);
    // step_up, page, auto_suspend, clear_sessions, notify, ticket: the order actions are listed in.
    static const QStringList& actionKinds();
};

} // namespace vigil::pipeline

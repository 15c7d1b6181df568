// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"
#include "core/pipeline/IngestHealth.h"
#include "core/risk/RiskEngine.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace vigil::store {
class EventStore;
class PostgresEventStore;
} // namespace vigil::store
namespace vigil::okta {
class SystemLogPoller;
class EventHookReceiver;
} // namespace vigil::okta

namespace vigil::pipeline {

// The live data path after ingestion: events that were new to the store go through the risk engine
// in event-time order; learned baselines are saved to the store now and then and at the end. The same
// object serves `vigil serve`, `vigil --demo` and the console (on the core thread).
class LivePipeline : public QObject
{
    Q_OBJECT

public:
    LivePipeline(store::EventStore& store, risk::Policy policy, QObject* parent = nullptr);
    ~LivePipeline() override;

    // Restores the saved baselines, then re-scores the stored events of the last `windowMs` (event
    // time, up to the newest stored) without learning from them again, so findings, open alerts and
    // sliding windows are where they were before the restart. Returns the number of events re-scored.
    qint64 warmUp(qint64 windowMs = 24 * 3600000LL);
    // When this console takes over the automation in team mode: scores what it has not scored yet. With
    // followStore(), that is tail(); without (an older arrangement, kept for stores that cannot be
    // tailed), it scores like warmUp() (no signals, no learning) the events stored since it last scored.
    qint64 catchUp();

    // Team mode (issue 8): every console scores every console's events, in the order they were committed
    // (the store's seq), so leader and followers show the same scores and alerts, and the leader acts on
    // events that reached another console (an Event Hook delivery). Call before warmUp(); process() then
    // tails the store rather than scoring its argument, so nothing is scored twice.
    void followStore(store::PostgresEventStore* store);
    bool followsStore() const { return m_shared != nullptr; }
    // Scores, with the usual signals, whatever was committed since the last tail (this console's own
    // events from memory, the others' read from the store). Returns the number of events scored.
    qint64 tail();
    // tail() from the event loop, coalesced: another console committed (NOTIFY), or a periodic check.
    void requestTail();
    // The newest seq scored (team mode).
    qint64 tailedUpToSeq() const { return m_tailSeq; }
    // Events scored live (batchScored) and re-scored silently by warmUp().
    qint64 scoredCount() const { return m_scored; }
    qint64 warmedUpCount() const { return m_warmedUp; }

    void attach(okta::SystemLogPoller* poller);
    void attach(okta::EventHookReceiver* receiver);

    // Scores events that were just stored (duplicates already removed by the store).
    void process(QList<okta::LogEvent> events);

    const risk::RiskEngine& engine() const { return m_engine; }
    // Ingestion health from the poller and the hook receiver, as one object.
    IngestHealth health() const;
    bool saveBaselines(QString* error = nullptr);

signals:
    // An alert opened, or an open one gained risk or detections.
    void alertChanged(const vigil::risk::Alert& alert, bool opened);
    void eventsScored(int count);
    // The batch just scored (in event-time order), before its alertChanged signals.
    void batchScored(const QList<vigil::okta::LogEvent>& events);
    void healthChanged();

private:
    qint64 rescore(qint64 fromMs, qint64 toMs, qint64 maxSeq = -1);
    // Scores `events` in the given order and emits batchScored, alertChanged and eventsScored.
    void score(const QList<okta::LogEvent>& events);

    store::EventStore& m_store;
    risk::RiskEngine m_engine;
    QPointer<okta::SystemLogPoller> m_poller;
    QPointer<okta::EventHookReceiver> m_hooks;
    QTimer m_saveTimer;
    qint64 m_scored = 0;
    qint64 m_warmedUp = 0;
    qint64 m_scoredUpToMs = 0; // events published before this were scored here (catchUp() starts here)
    QHash<QString, store::BaselineRecord> m_unsaved; // by kind/key, newest wins
    store::PostgresEventStore* m_shared = nullptr;   // team mode: tailed in seq order
    qint64 m_tailSeq = -1;                           // -1: not known yet
    bool m_tailing = false;
    bool m_tailAgain = false;
    bool m_tailRequested = false;
};

} // namespace vigil::pipeline

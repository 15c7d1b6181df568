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
}
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
    // Team mode, when this console takes over the automation: scores, like warmUp() (no signals, no
    // learning), the events other consoles stored since this one last scored or warmed up.
    qint64 catchUp();

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
    qint64 rescore(qint64 fromMs, qint64 toMs);

    store::EventStore& m_store;
    risk::RiskEngine m_engine;
    QPointer<okta::SystemLogPoller> m_poller;
    QPointer<okta::EventHookReceiver> m_hooks;
    QTimer m_saveTimer;
    qint64 m_scored = 0;
    qint64 m_scoredUpToMs = 0; // events published before this were scored here (catchUp() starts here)
    QHash<QString, store::BaselineRecord> m_unsaved; // by kind/key, newest wins
};

} // namespace vigil::pipeline

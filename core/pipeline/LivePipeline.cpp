// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/LivePipeline.h"

#include "core/okta/EventHookReceiver.h"
#include "core/okta/EventParser.h"
#include "core/okta/SystemLogPoller.h"
#include "core/pipeline/AlertChanges.h"
#include "core/store/EventStore.h"

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcPipeline, "vigil.core.pipeline")

namespace vigil::pipeline {

LivePipeline::LivePipeline(store::EventStore& store, risk::Policy policy, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_engine(std::move(policy))
{
    // Often enough that a crash loses little learning, rarely enough to cost nothing.
    m_saveTimer.setInterval(30000);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] { saveBaselines(); });
    m_saveTimer.start();
}

LivePipeline::~LivePipeline()
{
    saveBaselines();
}

qint64 LivePipeline::warmUp(qint64 windowMs)
{
    const int restored = m_engine.restoreBaselines(m_store.loadBaselines());
    const std::optional<qint64> newest = m_store.newestPublishedMs();
    const qint64 rescored = newest ? rescore(*newest - windowMs, *newest + 1) : 0;
    qCInfo(lcPipeline).noquote()
        << tr("restored %1 baselines and re-scored %2 stored events").arg(restored).arg(rescored);
    return rescored;
}

qint64 LivePipeline::catchUp()
{
    const std::optional<qint64> newest = m_store.newestPublishedMs();
    if (!newest || *newest < m_scoredUpToMs) return 0;
    return rescore(m_scoredUpToMs, *newest + 1);
}

qint64 LivePipeline::rescore(qint64 fromMs, qint64 toMs)
{
    qint64 rescored = 0;
    okta::EventParser parser;
    m_engine.setLearning(false);
    m_store.visitEvents(fromMs, toMs, [&](QByteArrayView raw) {
        okta::LogEvent event;
        okta::ParseError error;
        if (parser.parse(std::string_view(raw.data(), size_t(raw.size())), event, error)) {
            m_engine.process(event);
            ++rescored;
        }
        return true;
    });
    m_engine.setLearning(true);
    m_scoredUpToMs = std::max(m_scoredUpToMs, toMs);
    return rescored;
}

void LivePipeline::attach(okta::SystemLogPoller* poller)
{
    m_poller = poller;
    connect(poller, &okta::SystemLogPoller::eventsStored, this, &LivePipeline::process);
    connect(poller, &okta::SystemLogPoller::healthChanged, this, &LivePipeline::healthChanged);
}

void LivePipeline::attach(okta::EventHookReceiver* receiver)
{
    m_hooks = receiver;
    connect(receiver, &okta::EventHookReceiver::eventsStored, this, &LivePipeline::process);
}

void LivePipeline::process(QList<okta::LogEvent> events)
{
    if (events.isEmpty()) return;
    // Polling returns events in Okta's persistence order and hooks arrive on their own schedule; the
    // engine works in event time, so each batch is put in `published` order (stable for equal times).
    std::stable_sort(events.begin(), events.end(), [](const okta::LogEvent& a, const okta::LogEvent& b) {
        return a.publishedMs() < b.publishedMs();
    });
    const QList<risk::Alert> before = m_engine.alerts();
    for (const okta::LogEvent& e : std::as_const(events)) {
        m_engine.process(e);
        m_scoredUpToMs = std::max(m_scoredUpToMs, e.publishedMs() + 1);
    }
    m_scored += events.size();
    emit batchScored(events);
    forEachChangedAlert(before, m_engine.alerts(),
                        [this](const risk::Alert& alert, bool opened) { emit alertChanged(alert, opened); });
    emit eventsScored(int(events.size()));
}

IngestHealth LivePipeline::health() const
{
    IngestHealth h = m_poller ? m_poller->health() : IngestHealth();
    if (m_hooks) h.hookEventsStored = m_hooks->counters().eventsStored;
    return h;
}

bool LivePipeline::saveBaselines(QString* error)
{
    for (store::BaselineRecord& r : m_engine.takeChangedBaselines())
        m_unsaved.insert(QString::number(r.kind) + u'/' + r.key, std::move(r));
    if (m_unsaved.isEmpty()) return true;
    QString why;
    if (m_store.saveBaselines(m_unsaved.values(), &why)) {
        m_unsaved.clear();
        return true;
    }
    // Kept for the next attempt: a busy or full disk must not make Vigil forget what it learned.
    qCWarning(lcPipeline).noquote() << tr("could not save %1 baselines: %2").arg(m_unsaved.size()).arg(why);
    if (error) *error = why;
    return false;
}

} // namespace vigil::pipeline

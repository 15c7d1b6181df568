// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/LivePipeline.h"

#include "core/okta/EventHookReceiver.h"
#include "core/okta/EventParser.h"
#include "core/okta/SystemLogPoller.h"
#include "core/pipeline/AlertChanges.h"
#include "core/store/EventStore.h"
#include "core/store/PostgresEventStore.h"

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

void LivePipeline::followStore(store::PostgresEventStore* store)
{
    m_shared = store;
    if (m_shared) m_shared->setKeepCommitted(true);
}

qint64 LivePipeline::warmUp(qint64 windowMs)
{
    const int restored = m_engine.restoreBaselines(m_store.loadBaselines());
    // Team mode: what is committed up to now is warmed up here, the rest tailed, none of it twice.
    qint64 upToSeq = -1;
    if (m_shared) {
        // Unknown (the database did not answer): the tail starts from whatever is newest when it first runs,
        // never from the beginning of the store.
        upToSeq = m_shared->newestSeq().value_or(-1);
        m_tailSeq = upToSeq;
    }
    const std::optional<qint64> newest = m_store.newestPublishedMs();
    const qint64 rescored = newest ? rescore(*newest - windowMs, *newest + 1, upToSeq) : 0;
    m_warmedUp += rescored;
    qCInfo(lcPipeline).noquote()
        << tr("restored %1 baselines and re-scored %2 stored events").arg(restored).arg(rescored);
    return rescored;
}

qint64 LivePipeline::catchUp()
{
    if (m_shared) return tail();
    const std::optional<qint64> newest = m_store.newestPublishedMs();
    if (!newest || *newest < m_scoredUpToMs) return 0;
    return rescore(m_scoredUpToMs, *newest + 1);
}

qint64 LivePipeline::rescore(qint64 fromMs, qint64 toMs, qint64 maxSeq)
{
    qint64 rescored = 0;
    okta::EventParser parser;
    m_engine.setLearning(false);
    const auto visit = [&](QByteArrayView raw) {
        okta::LogEvent event;
        okta::ParseError error;
        if (parser.parse(std::string_view(raw.data(), size_t(raw.size())), event, error)) {
            m_engine.process(event);
            ++rescored;
        }
        return true;
    };
    if (m_shared && maxSeq >= 0) {
        m_shared->visitEventsUpTo(fromMs, toMs, maxSeq, visit);
    } else {
        m_store.visitEvents(fromMs, toMs, visit);
    }
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
    // Team mode: these were just committed; they are scored in commit order with everyone else's.
    if (m_shared) {
        tail();
        return;
    }
    // Polling returns events in Okta's persistence order and hooks arrive on their own schedule; the
    // engine works in event time, so each batch is put in `published` order (stable for equal times).
    std::stable_sort(events.begin(), events.end(), [](const okta::LogEvent& a, const okta::LogEvent& b) {
        return a.publishedMs() < b.publishedMs();
    });
    score(events);
}

qint64 LivePipeline::tail()
{
    if (!m_shared) return 0;
    if (m_tailing) {
        // Called again from a slot of the signals below: once more when this round is done.
        m_tailAgain = true;
        return 0;
    }
    if (m_tailSeq < 0) {
        const std::optional<qint64> newest = m_shared->newestSeq();
        if (!newest) return 0;
        m_tailSeq = *newest;
    }
    m_tailing = true;
    qint64 total = 0;
    // Seq order is commit order, and within a commit `published` order (PostgresEventStore::appendBatch):
    // every console scores the same events in the same order, whatever chunks it reads them in.
    constexpr int kChunk = 5000;
    QList<store::PostgresEventStore::Committed> chunk;
    do {
        m_tailAgain = false;
        while (true) {
            qint64 reached = m_tailSeq;
            QString error;
            if (!m_shared->eventsAfter(m_tailSeq, kChunk, &chunk, &reached, &error)) {
                qCWarning(lcPipeline).noquote() << "cannot read the events other consoles stored:" << error;
                break;
            }
            if (reached == m_tailSeq) break;
            m_tailSeq = reached;
            if (chunk.isEmpty()) continue;
            QList<okta::LogEvent> events;
            events.reserve(chunk.size());
            for (store::PostgresEventStore::Committed& c : chunk)
                events.append(std::move(c.event));
            total += events.size();
            score(events);
        }
    } while (m_tailAgain);
    m_tailing = false;
    return total;
}

void LivePipeline::requestTail()
{
    if (!m_shared || m_tailRequested) return;
    m_tailRequested = true;
    QTimer::singleShot(0, this, [this] {
        m_tailRequested = false;
        tail();
    });
}

void LivePipeline::score(const QList<okta::LogEvent>& events)
{
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

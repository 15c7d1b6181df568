// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/InputReader.h"
#include "core/store/SqliteEventStore.h"

#include <QList>
#include <QString>

namespace vigil::test {

// What the event stream shows of one stored event, kept by tests next to the store as the expected answer.
struct StoredEvent
{
    QString uuid;
    QString type;
    QString actor;
    QString ip;
    QString outcome;
    qint64 publishedMs = 0;
};

// Stores the events of `ndjson` in batches of `batchSize` and appends the new ones to `stored` in arrival order,
// which is seq order. False with `error` if a batch failed.
inline bool appendNdjson(store::EventStore& store,
                         const QByteArray& ndjson,
                         QList<StoredEvent>* stored,
                         QString* error,
                         int batchSize = 1000)
{
    QList<okta::LogEvent> batch;
    bool ok = true;
    auto flush = [&] {
        const store::AppendResult r = store.appendBatch(batch);
        if (!r.ok) {
            ok = false;
            if (error) *error = r.error;
        } else if (stored) {
            for (const int i : r.insertedIndexes) {
                const okta::LogEvent& e = batch.at(i);
                auto text = [](std::string_view v) { return QString::fromUtf8(v.data(), qsizetype(v.size())); };
                stored->append({text(e.uuid()), text(e.eventType()), text(e.actorAlternateId()), text(e.clientIp()),
                                text(e.outcomeResult()), e.publishedMs()});
            }
        }
        batch.clear();
    };
    okta::InputReader reader(
        [&](okta::LogEvent&& e) {
            batch.append(std::move(e));
            if (batch.size() >= batchSize) flush();
        },
        {});
    reader.readBuffer(QStringLiteral("fixture"), ndjson);
    if (!batch.isEmpty()) flush();
    return ok;
}

} // namespace vigil::test

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>

namespace vigil::sim {

struct SimStoredEvent
{
    qint64 publishedMs = 0;
    QByteArray uuid;
    QByteArray eventType;
    QByteArray actorId;
    QByteArray json; // compact, exactly as served
};

// Every event the simulated org has published, in persistence order: append-only, and because the
// traffic generator releases events only when sim time reaches them and actions are stamped "now",
// also in `published` order (ties keep the order they were persisted in). A polling cursor is an
// index into this list, as Okta's is a position in its persistence order.
class SimLogStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimLogStore)

public:
    explicit SimLogStore(QObject* parent = nullptr);

    // Appends one event; its `published` must not be earlier than the last one's.
    void append(const QJsonObject& event);
    void append(const QList<QJsonObject>& events);

    qsizetype size() const { return m_events.size(); }
    const SimStoredEvent& at(qsizetype i) const { return m_events.at(i); }
    qint64 lastPublishedMs() const { return m_events.isEmpty() ? 0 : m_events.last().publishedMs; }
    // Index of the first event published at or after `ms` (size() if none).
    qsizetype lowerBound(qint64 ms) const;
    // Every uuid, in order: what a client that lost and doubled nothing holds in the end.
    QStringList uuids() const;
    bool contains(const QByteArray& uuid) const { return m_uuids.contains(uuid); }

signals:
    void appended(qsizetype first, qsizetype count);

private:
    QList<SimStoredEvent> m_events;
    QSet<QByteArray> m_uuids;
};

} // namespace vigil::sim

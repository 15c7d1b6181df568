// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimLogStore.h"

#include "core/okta/Timestamp.h"

#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>

namespace vigil::sim {

Q_LOGGING_CATEGORY(lcSimStore, "vigil.sim.store")

SimLogStore::SimLogStore(QObject* parent)
    : QObject(parent)
{
}

void SimLogStore::append(const QJsonObject& event)
{
    append(QList<QJsonObject>{event});
}

void SimLogStore::append(const QList<QJsonObject>& events)
{
    if (events.isEmpty()) return;
    const qsizetype first = m_events.size();
    for (const QJsonObject& e : events) {
        SimStoredEvent s;
        const QByteArray published = e.value(u"published").toString().toUtf8();
        s.publishedMs =
            okta::parseTimestampMs(std::string_view(published.constData(), size_t(published.size()))).value_or(0);
        if (s.publishedMs < lastPublishedMs())
            qCWarning(lcSimStore) << "event published before the last one; cursors may skip it" << published;
        s.uuid = e.value(u"uuid").toString().toUtf8();
        s.eventType = e.value(u"eventType").toString().toUtf8();
        s.actorId = e.value(u"actor").toObject().value(u"id").toString().toUtf8();
        s.json = QJsonDocument(e).toJson(QJsonDocument::Compact);
        if (m_uuids.contains(s.uuid)) {
            qCWarning(lcSimStore) << "duplicate uuid dropped" << s.uuid;
            continue;
        }
        m_uuids.insert(s.uuid);
        m_events.append(std::move(s));
    }
    if (m_events.size() > first) emit appended(first, m_events.size() - first);
}

qsizetype SimLogStore::lowerBound(qint64 ms) const
{
    const auto it = std::lower_bound(m_events.cbegin(), m_events.cend(), ms,
                                     [](const SimStoredEvent& e, qint64 v) { return e.publishedMs < v; });
    return it - m_events.cbegin();
}

QStringList SimLogStore::uuids() const
{
    QStringList out;
    out.reserve(m_events.size());
    for (const SimStoredEvent& e : m_events)
        out.append(QString::fromLatin1(e.uuid));
    return out;
}

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/LogEvent.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace vigil::okta {

namespace {

struct BehaviorName
{
    std::string_view name;
    Behavior bit;
};

// Okta spells these differently across the string form, the structured form and releases.
constexpr std::array kBehaviorNames{
    BehaviorName{"New Geo-Location", Behavior::NewGeoLocation},
    BehaviorName{"New Device", Behavior::NewDevice},
    BehaviorName{"New IP", Behavior::NewIp},
    BehaviorName{"New State", Behavior::NewState},
    BehaviorName{"New Country", Behavior::NewCountry},
    BehaviorName{"Velocity", Behavior::Velocity},
    BehaviorName{"Velocity Behavior", Behavior::Velocity},
    BehaviorName{"New City", Behavior::NewCity},
    BehaviorName{"riskIP", Behavior::RiskIp},
    BehaviorName{"New ASN", Behavior::NewAsn},
};

} // namespace

QStringList LogEvent::riskReasons() const
{
    const QString joined = qs(str(Str::RiskReasons));
    if (joined.isEmpty()) return {};
    QStringList reasons = joined.split(u',', Qt::SkipEmptyParts);
    for (QString& r : reasons)
        r = r.trimmed();
    return reasons;
}

void LogEvent::releaseRawJson()
{
    if (m_rawSize == 0) return;
    if (!m_rawOwner.isNull()) {
        // The fields are already apart from the raw JSON: drop the reference and the spare capacity.
        m_rawOwner = QByteArray();
        m_rawOffset = 0;
        m_rawSize = 0;
        m_text.squeeze();
        return;
    }
    // Rebuild the buffer from the spans alone; targets and the ip chain are spans too.
    QByteArray compact;
    auto move = [&](Span& s) {
        const Span old = s;
        s.offset = quint32(compact.size());
        compact.append(m_text.constData() + old.offset, old.size);
    };
    for (Span& s : m_spans)
        move(s);
    for (Target& t : m_targets) {
        move(t.id);
        move(t.type);
        move(t.alternateId);
        move(t.displayName);
    }
    for (Span& s : m_ipChain)
        move(s);
    m_text = compact;
    m_rawSize = 0;
}

LogEvent::TargetView LogEvent::target(qsizetype i) const
{
    const Target& t = m_targets.at(i);
    return {view(t.id), view(t.type), view(t.alternateId), view(t.displayName)};
}

EventBuilder::EventBuilder() = default;

void EventBuilder::begin(std::string_view json, const QByteArray* owner)
{
    // take() leaves a fresh event behind; only an abandoned one (a rejected record) needs clearing.
    if (m_dirty) m_own = LogEvent();
    m_dirty = true;
    m_event = &m_own;
    start(json, owner);
}

void EventBuilder::beginInto(LogEvent& target, std::string_view json, const QByteArray* owner)
{
    m_event = &target;
    // Everything but the text buffer back to a fresh event's values; the buffer stays when this event alone
    // owns it (writing into a shared one would copy it first).
    QByteArray text = std::move(target.m_text);
    QByteArray rawOwner = std::move(target.m_rawOwner);
    target = LogEvent();
    if (text.capacity() > 0 && text.isDetached()) target.m_text = std::move(text);
    // Events of one input keep the same owner: keeping the reference saves two atomic operations.
    if (owner && rawOwner.constData() == owner->constData()) target.m_rawOwner = std::move(rawOwner);
    start(json, owner);
}

void EventBuilder::finish()
{
    setPaddedSource(nullptr, 0);
    m_event->m_text.truncate(m_used);
    m_event = &m_own;
    m_buffer = nullptr;
    m_capacity = 0;
    m_used = 0;
    m_source = nullptr;
    m_sourceSize = 0;
}

void EventBuilder::start(std::string_view json, const QByteArray* owner)
{
    m_used = 0;
    setPaddedSource(nullptr, 0); // an abandoned event's source is not this one's
    // data() would allocate for an empty array: reserveText() below sets m_buffer then.
    m_capacity = m_event->m_text.size();
    m_buffer = m_capacity > 0 ? m_event->m_text.data() : nullptr;
    // capacity() is 0 for QByteArray::fromRawData(), which does not own (or keep alive) its bytes.
    if (owner && owner->capacity() > 0 && !json.empty()) {
        const auto first = reinterpret_cast<quintptr>(owner->constData());
        const auto at = reinterpret_cast<quintptr>(json.data());
        if (at >= first && at - first <= quintptr(owner->size())
            && json.size() <= quintptr(owner->size()) - (at - first)) {
            if (m_event->m_rawOwner.constData() != owner->constData()) m_event->m_rawOwner = *owner;
            m_event->m_rawOffset = qsizetype(at - first);
            m_event->m_rawSize = qsizetype(json.size());
            m_source = nullptr;
            m_sourceSize = 0;
            // Field values are a third of an Okta event's JSON or less (keys, punctuation and skipped
            // fields are not kept).
            reserveText(qsizetype(json.size()) / 2 + 256);
            return;
        }
    }
    m_event->m_rawOwner = QByteArray();
    m_source = json.data();
    m_sourceSize = json.size();
    // The strings a parser copies are well under half of the JSON (keys and punctuation are not kept):
    // one and a half times its size rarely reallocates and keeps the event close to its real size.
    reserveText(qsizetype(json.size()) * 3 / 2 + 256);
    std::memcpy(m_buffer, json.data(), json.size());
    m_used = qsizetype(json.size());
    m_event->m_rawSize = m_used;
}

void EventBuilder::reserveText(qsizetype bytes)
{
    // The buffer is sized up front and filled with memcpy: QByteArray::append is out of line and
    // showed up as a tenth of the parser's time. take() trims it to what was written.
    if (bytes <= m_event->m_text.size()) return;
    m_event->m_text.resize(std::max(bytes, m_event->m_text.size() + m_event->m_text.size() / 2));
    m_buffer = m_event->m_text.data();
    m_capacity = m_event->m_text.size();
}

void EventBuilder::append(LogEvent::Str field, std::string_view value, std::string_view separator)
{
    LogEvent::Span& span = m_event->m_spans[static_cast<int>(field)];
    if (span.size == 0) {
        span = store(value);
        return;
    }
    // The field must stay one contiguous view. Unless it is the last thing written (then it grows in
    // place), it is copied to the end once; repeated appends never copy it again, so a huge list of
    // reasons costs linear, not quadratic, memory.
    if (qsizetype(span.offset) + qsizetype(span.size) != m_used) {
        const std::string current(m_event->m_text.constData() + span.offset, span.size);
        const quint32 size = span.size;
        reserveText(m_used + qsizetype(size));
        span.offset = quint32(m_used);
        std::memcpy(m_buffer + m_used, current.data(), size);
        m_used += qsizetype(size);
    }
    reserveText(m_used + qsizetype(separator.size() + value.size()));
    std::memcpy(m_buffer + m_used, separator.data(), separator.size());
    std::memcpy(m_buffer + m_used + separator.size(), value.data(), value.size());
    m_used += qsizetype(separator.size() + value.size());
    span.size += quint32(separator.size() + value.size());
}

void EventBuilder::addTarget(std::string_view id,
                             std::string_view type,
                             std::string_view alternateId,
                             std::string_view displayName)
{
    m_event->m_targets.append({storeParsed(id), storeParsed(type), storeParsed(alternateId), storeParsed(displayName)});
}

void EventBuilder::setRaw(QByteArrayView raw)
{
    Q_ASSERT(m_event->m_rawSize == 0 && m_source == nullptr);
    const auto shift = quint32(raw.size());
    auto move = [shift](LogEvent::Span& s) { s.offset += shift; };
    for (LogEvent::Span& s : m_event->m_spans)
        move(s);
    for (LogEvent::Target& t : m_event->m_targets) {
        move(t.id);
        move(t.type);
        move(t.alternateId);
        move(t.displayName);
    }
    for (LogEvent::Span& s : m_event->m_ipChain)
        move(s);
    m_event->m_text.truncate(m_used);
    m_event->m_text.prepend(raw);
    m_used = m_event->m_text.size();
    m_buffer = m_event->m_text.data();
    m_capacity = m_used;
    m_event->m_rawSize = raw.size();
}

void EventBuilder::addIpChain(std::string_view ip)
{
    m_event->m_ipChain.append(storeParsed(ip));
}

void EventBuilder::setGeolocation(double lat, double lon)
{
    m_event->m_lat = lat;
    m_event->m_lon = lon;
    m_event->m_hasGeo = true;
}

void EventBuilder::setBehavior(Behavior b, bool positive)
{
    const auto bit = static_cast<quint16>(b);
    m_event->m_behaviorsEvaluated |= bit;
    if (positive) m_event->m_behaviorsPositive |= bit;
}

void EventBuilder::raiseRiskLevel(OktaRiskLevel level)
{
    if (level > m_event->m_riskLevel) m_event->m_riskLevel = level;
}

LogEvent EventBuilder::take()
{
    Q_ASSERT(m_event == &m_own);
    setPaddedSource(nullptr, 0);
    m_own.m_text.truncate(m_used);
    LogEvent out = std::move(m_own);
    m_own = LogEvent();
    m_dirty = false;
    m_buffer = nullptr;
    m_capacity = 0;
    m_used = 0;
    m_source = nullptr;
    m_sourceSize = 0;
    return out;
}

std::string_view behaviorName(Behavior b)
{
    for (const auto& entry : kBehaviorNames) {
        if (entry.bit == b) return entry.name;
    }
    return {};
}

quint16 behaviorFromName(std::string_view name)
{
    // Runs for every behaviour of every sign-in: compare only the names of the same length.
    for (const auto& entry : kBehaviorNames) {
        if (entry.name.size() == name.size() && entry.name == name) return static_cast<quint16>(entry.bit);
    }
    return 0;
}

OktaRiskLevel riskLevelFromName(std::string_view name)
{
    if (name == "HIGH") return OktaRiskLevel::High;
    if (name == "MEDIUM") return OktaRiskLevel::Medium;
    if (name == "LOW") return OktaRiskLevel::Low;
    return OktaRiskLevel::None;
}

} // namespace vigil::okta

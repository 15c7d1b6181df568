// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace vigil::okta {

// Okta `debugData.behaviors` / `securityContext.userBehaviors` names, as bits.
enum class Behavior : quint16
{
    NewGeoLocation = 1 << 0,
    NewDevice = 1 << 1,
    NewIp = 1 << 2,
    NewState = 1 << 3,
    NewCountry = 1 << 4,
    Velocity = 1 << 5,
    NewCity = 1 << 6,
    RiskIp = 1 << 7,
    NewAsn = 1 << 8,
};

enum class OktaRiskLevel : quint8
{
    None,
    Low,
    Medium,
    High
};
enum class TriState : quint8
{
    Unknown,
    False,
    True
};

// One Okta System Log event, reduced to what detection and display need.
//
// The event owns one UTF-8 buffer: the raw JSON exactly as received, followed by the field values
// (unescaped, joined, numbers as text). Fields are offsets into it: one allocation per event instead
// of one per field, which is what lets the parser keep up with Okta's firehose. A value given as a
// view into the raw JSON is not copied at all. Copies of an event are cheap (implicit sharing).
// Accessors return views into that buffer; use `qs()` for display.
class LogEvent
{
public:
    enum class Str : quint8
    {
        Uuid,
        EventType,
        Severity,
        DisplayMessage,
        LegacyEventType,
        ActorId,
        ActorType,
        ActorAlternateId,
        ActorDisplayName,
        ClientIp,
        UserAgentRaw,
        UserAgentOs,
        UserAgentBrowser,
        ClientDevice,
        ClientZone,
        City,
        State,
        Country,
        PostalCode,
        OutcomeResult,
        OutcomeReason,
        ExternalSessionId,
        RootSessionId,
        CredentialType,
        CredentialProvider,
        AuthenticationProvider,
        Interface,
        AsOrg,
        Isp,
        Domain,
        RiskReasons, // ", "-joined, exactly as Okta lists them
        RiskDetectionName,
        DeviceFingerprint,
        DtHash,
        RequestUri,
        Tunnels, // raw JSON string of debugData.tunnels (anonymizer services)
        ThreatDetections,
        LoginResult,
        Factor,
        TransactionId,
        TransactionType,
        Count_
    };

    struct Span
    {
        quint32 offset = 0;
        quint32 size = 0;
    };

    struct Target
    {
        Span id, type, alternateId, displayName;
    };

    struct TargetView
    {
        std::string_view id, type, alternateId, displayName;
    };

    std::string_view str(Str field) const { return view(m_spans[static_cast<int>(field)]); }
    bool has(Str field) const { return m_spans[static_cast<int>(field)].size > 0; }

    std::string_view uuid() const { return str(Str::Uuid); }
    std::string_view eventType() const { return str(Str::EventType); }
    std::string_view actorAlternateId() const { return str(Str::ActorAlternateId); }
    std::string_view clientIp() const { return str(Str::ClientIp); }
    std::string_view outcomeResult() const { return str(Str::OutcomeResult); }
    std::string_view outcomeReason() const { return str(Str::OutcomeReason); }
    std::string_view country() const { return str(Str::Country); }

    // UTC milliseconds since the epoch.
    qint64 publishedMs() const { return m_publishedMs; }
    bool hasGeolocation() const { return m_hasGeo; }
    double latitude() const { return m_lat; }
    double longitude() const { return m_lon; }
    qint64 asNumber() const { return m_asNumber; } // -1 when unknown
    TriState isProxy() const { return m_isProxy; }
    bool threatSuspected() const { return m_threatSuspected; }
    int authenticationStep() const { return m_authenticationStep; }
    OktaRiskLevel riskLevel() const { return m_riskLevel; }
    QStringList riskReasons() const;

    // Behaviors Okta evaluated (POSITIVE or NEGATIVE) and those that were POSITIVE.
    quint16 behaviorsEvaluated() const { return m_behaviorsEvaluated; }
    quint16 behaviorsPositive() const { return m_behaviorsPositive; }
    bool behaviorPositive(Behavior b) const { return m_behaviorsPositive & static_cast<quint16>(b); }

    qsizetype targetCount() const { return m_targets.size(); }
    TargetView target(qsizetype i) const;
    qsizetype ipChainCount() const { return m_ipChain.size(); }
    std::string_view ipChain(qsizetype i) const { return view(m_ipChain.at(i)); }

    // The event exactly as received (one JSON object), for the detail view and the store.
    QByteArrayView rawJson() const
    {
        return m_rawOwner.isNull() ? QByteArrayView(m_text.constData(), m_rawSize)
                                   : QByteArrayView(m_rawOwner.constData() + m_rawOffset, m_rawSize);
    }
    // Keeps only the bytes the fields use, when the raw JSON is stored already or only verdicts
    // are needed (replay holds millions of events to order them).
    void releaseRawJson();

    static QString qs(std::string_view v) { return QString::fromUtf8(v.data(), qsizetype(v.size())); }

private:
    friend class EventBuilder;
    std::string_view view(Span s) const { return {m_text.constData() + s.offset, s.size}; }

    QByteArray m_text;
    // Set when the raw JSON is a slice of a shared input buffer (a file read whole, a hook body): then it is
    // the m_rawSize bytes at m_rawOffset there and m_text holds only the field values. Events of one
    // input share its buffer instead of each copying ~2 KB; the buffer lives as long as any of them.
    QByteArray m_rawOwner;
    qsizetype m_rawOffset = 0;
    qsizetype m_rawSize = 0;
    Span m_spans[static_cast<int>(Str::Count_)] = {};
    // Inline: almost every event has at most four targets and two hops, and this saves two allocations.
    QVarLengthArray<Target, 4> m_targets;
    QVarLengthArray<Span, 2> m_ipChain;
    qint64 m_publishedMs = 0;
    qint64 m_asNumber = -1;
    double m_lat = 0;
    double m_lon = 0;
    qint16 m_authenticationStep = 0;
    quint16 m_behaviorsEvaluated = 0;
    quint16 m_behaviorsPositive = 0;
    OktaRiskLevel m_riskLevel = OktaRiskLevel::None;
    TriState m_isProxy = TriState::Unknown;
    bool m_hasGeo = false;
    bool m_threatSuspected = false;
};

// Fills a LogEvent; used by the parser and by tests that build events by hand.
class EventBuilder
{
public:
    EventBuilder();
    // Builds in place (see beginInto()), so it must stay where it is.
    EventBuilder(const EventBuilder&) = delete;
    EventBuilder& operator=(const EventBuilder&) = delete;
    // Starts an event whose raw JSON is `json`; call it first (an abandoned begin() is cleared). A value
    // later given as a view into `json` is kept as an offset into the event's copy of it; any other
    // value is copied after the raw JSON.
    //
    // When `json` lies inside `owner` (an implicitly shared buffer that owns its bytes), the event
    // keeps a reference to `owner` instead of a copy of `json`, and every value is copied.
    void begin(std::string_view json, const QByteArray* owner = nullptr);
    // Like begin(), but builds into `target` (everything it held is replaced) until finish(): the parser
    // fills the caller's event where it lies instead of moving a ~600-byte LogEvent out of the builder and
    // into the caller's for every record, and reuses its text buffer when the caller did not keep it (a
    // consumer that reads each event and moves on, like the risk engine, then costs no allocation per event).
    void beginInto(LogEvent& target, std::string_view json, const QByteArray* owner = nullptr);
    // Ends beginInto(): `target` holds the event.
    void finish();
    // Until the event is finished, every byte of [begin, begin + size + kShortValue) may be read (a parser's
    // string buffer for the current document, which simdjson pads): a short value that starts inside it is
    // copied as a fixed kShortValue bytes, inline, instead of through a memcpy call sized at run time.
    void setPaddedSource(const char* begin, size_t size)
    {
        m_padded = begin;
        m_paddedSize = size;
    }
    static constexpr size_t kShortValue = 32;
    void set(LogEvent::Str field, std::string_view value) { m_event->m_spans[static_cast<int>(field)] = store(value); }
    // set() for the parser: `value` may lie in the padded source (see setPaddedSource()).
    void setParsed(LogEvent::Str field, std::string_view value)
    {
        m_event->m_spans[static_cast<int>(field)] = storeParsed(value);
    }
    // Appends to a field; consecutive appends to the same field join with `separator`.
    void append(LogEvent::Str field, std::string_view value, std::string_view separator);
    void
    addTarget(std::string_view id, std::string_view type, std::string_view alternateId, std::string_view displayName);
    void addIpChain(std::string_view ip);
    void setPublishedMs(qint64 ms) { m_event->m_publishedMs = ms; }
    void setGeolocation(double lat, double lon);
    void setAsNumber(qint64 asn) { m_event->m_asNumber = asn; }
    void setIsProxy(bool proxy) { m_event->m_isProxy = proxy ? TriState::True : TriState::False; }
    void setThreatSuspected(bool t) { m_event->m_threatSuspected = t; }
    void setAuthenticationStep(int step) { m_event->m_authenticationStep = qint16(step); }
    // For events built by hand (tests, the simulator): sets the raw JSON after the fields.
    void setRaw(QByteArrayView raw);
    void setBehavior(Behavior b, bool positive);
    // Several behaviours at once, as bit masks (positive ones count as evaluated too).
    void addBehaviors(quint16 evaluated, quint16 positive)
    {
        m_event->m_behaviorsEvaluated |= evaluated | positive;
        m_event->m_behaviorsPositive |= positive;
    }
    // Keeps the highest level seen: Okta may report risk in several places.
    void raiseRiskLevel(OktaRiskLevel level);
    bool has(LogEvent::Str field) const { return m_event->has(field); }
    LogEvent take();

private:
    // Inline: the parser stores ~40 values per event, and a call per value showed in its profile.
    LogEvent::Span store(std::string_view value)
    {
        LogEvent::Span span;
        span.size = quint32(value.size());
        if (value.empty()) return span;
        // As integers, because the pointers may belong to different objects; unsigned, so that one
        // comparison tells whether the value lies inside the raw JSON.
        const size_t from = size_t(reinterpret_cast<quintptr>(value.data()) - reinterpret_cast<quintptr>(m_source));
        if (m_source && from <= m_sourceSize && value.size() <= m_sourceSize - from) {
            span.offset = quint32(from); // a view into the raw JSON: no copy
            return span;
        }
        if (m_used + qsizetype(value.size()) > m_capacity) reserveText(m_used + qsizetype(value.size()));
        span.offset = quint32(m_used);
        std::memcpy(m_buffer + m_used, value.data(), value.size());
        m_used += qsizetype(value.size());
        return span;
    }
    // store() for a value the parser read: most are short, and ~40 calls into memcpy per event, each
    // dispatching on its size, were a tenth of the parser's time. A short one from the padded source is
    // copied as a fixed block instead; the bytes past its end are overwritten by the next value or cut off
    // by finish(). (Not used by set(): inlined where the value is a literal, the fixed copy would read past
    // it as far as the compiler can tell, and GCC says so.)
    LogEvent::Span storeParsed(std::string_view value)
    {
        const size_t inPadded = size_t(reinterpret_cast<quintptr>(value.data()) - reinterpret_cast<quintptr>(m_padded));
        if (value.empty() || value.size() > kShortValue || inPadded >= m_paddedSize) return store(value);
        if (m_used + qsizetype(kShortValue) > m_capacity) reserveText(m_used + qsizetype(kShortValue));
        LogEvent::Span span;
        span.size = quint32(value.size());
        span.offset = quint32(m_used);
        std::memcpy(m_buffer + m_used, value.data(), kShortValue);
        m_used += qsizetype(value.size());
        return span;
    }
    // What begin() and beginInto() share: the raw JSON (a reference to `owner` or a copy) into m_event.
    void start(std::string_view json, const QByteArray* owner);
    void reserveText(qsizetype bytes);
    LogEvent m_own;             // what begin() builds and take() hands out
    LogEvent* m_event = &m_own; // the event being built: m_own, or the caller's after beginInto()
    char* m_buffer = nullptr;   // m_event->m_text's bytes while building
    qsizetype m_capacity = 0;   // m_event->m_text's size while building (bytes writable at m_buffer)
    qsizetype m_used = 0;
    const char* m_source = nullptr; // the raw JSON as the caller holds it
    size_t m_sourceSize = 0;
    const char* m_padded = nullptr; // see setPaddedSource()
    size_t m_paddedSize = 0;
    bool m_dirty = false; // m_own holds something since the last take()
};

std::string_view behaviorName(Behavior b);
// Maps an Okta behavior name ("New Geo-Location", "New Device", "riskIP", …) to a bit; 0 if unknown.
quint16 behaviorFromName(std::string_view name);
OktaRiskLevel riskLevelFromName(std::string_view name);

} // namespace vigil::okta

Q_DECLARE_METATYPE(vigil::okta::LogEvent)

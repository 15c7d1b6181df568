// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/EventParser.h"

#include "core/okta/DebugDataParser.h"
#include "core/okta/FastHash.h"
#include "core/okta/Timestamp.h"

#include <array>
#include <charconv>
#include <cstring>
#include <simdjson.h>

namespace vigil::okta {

// Why the DOM front end and not On-Demand: an Okta event has ~60 keys and Vigil reads ~45 of them.
// On 2.3 KB events here a bare walk of every field runs at 0.8M events/s with DOM against 0.4M/s
// with On-Demand and get_string(); with this parser's full extraction the DOM version is still
// ~10% faster than an On-Demand one taking zero-copy views (tests/bench/bench_ingest). On-Demand
// only wins when a few fields are read. DOM also validates the whole document, so "invalid JSON"
// is exact rather than "invalid in the parts that were read".
namespace dom = simdjson::dom;
using dom::element_type;
using Str = LogEvent::Str;

namespace {

// ASCII case-insensitive equality against a lower-case, letters-only literal (Panther lower-cases keys).
// Runs ~60 times per event, so it compares eight bytes at a time: OR-ing 0x20 lower-cases a letter,
// and a non-letter can never turn into a lower-case letter that way, so the comparison stays exact.
inline bool sameLetters(std::string_view key, std::string_view lowerLiteral)
{
    const size_t n = key.size();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 a, b;
        std::memcpy(&a, key.data() + i, 8);
        std::memcpy(&b, lowerLiteral.data() + i, 8);
        if ((a | 0x2020202020202020ull) != b) return false;
    }
    for (; i < n; ++i) {
        if ((key[i] | 0x20) != lowerLiteral[i]) return false;
    }
    return true;
}

// Most candidates differ in length: that test stays inline, the byte comparison does not.
inline bool keyIs(std::string_view key, std::string_view lowerLiteral)
{
    return key.size() == lowerLiteral.size() && sameLetters(key, lowerLiteral);
}

const char* typeName(element_type t)
{
    switch (t) {
    case element_type::ARRAY:
        return "array";
    case element_type::OBJECT:
        return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
        return "number";
    case element_type::STRING:
        return "string";
    case element_type::BOOL:
        return "boolean";
    case element_type::NULL_VALUE:
        return "null";
    }
    return "unknown";
}

bool isNumber(element_type t)
{
    return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

// Okta writes the string "null" for some absent values (client.zone, client.ipAddress).
std::string_view withoutNullString(std::string_view s)
{
    return s == "null" ? std::string_view() : s;
}

bool truthy(dom::element v)
{
    switch (v.type()) {
    case element_type::BOOL:
        return v.get_bool().value_unsafe();
    case element_type::STRING: {
        const std::string_view t = v.get_string().value_unsafe();
        return t == "true" || t == "TRUE" || t == "True";
    }
    default:
        return false;
    }
}

// By value: a view taken from the temporary simdjson_result would dangle inside a range-for.
dom::object asObject(dom::element v)
{
    dom::object o = v.get_object().value_unsafe();
    return o;
}

dom::array asArray(dom::element v)
{
    dom::array a = v.get_array().value_unsafe();
    return a;
}

std::optional<double> asDouble(dom::element v)
{
    switch (v.type()) {
    case element_type::DOUBLE:
        return v.get_double().value_unsafe();
    case element_type::INT64:
        return double(v.get_int64().value_unsafe());
    case element_type::UINT64:
        return double(v.get_uint64().value_unsafe());
    default:
        return std::nullopt;
    }
}

// Okta writes debugData.behaviors and debugData.risk as Java-map strings that repeat from event to
// event: a handful of distinct ones ("{New Geo-Location=NEGATIVE, New Device=NEGATIVE, …}") carry an
// org's traffic. Parsing one took ~8% of the parser's time; a hash and a comparison take a tenth of
// that. Direct-mapped and bounded: a flood of distinct strings costs a parse each, as before, and at
// most Slots short strings of memory.
template <typename Value, size_t Slots> class TextMemo
{
    static_assert((Slots & (Slots - 1)) == 0, "Slots must be a power of two");

public:
    // The value for `text`, made with `make(text)` unless the same text was seen last in its slot.
    template <typename Make> const Value& get(std::string_view text, Make&& make)
    {
        if (text.size() > kMaxText) {
            m_uncached = make(text);
            return m_uncached;
        }
        const quint64 h = hashOf(text);
        Slot& slot = m_slots[h & (Slots - 1)];
        if (!slot.used || slot.hash != h || std::string_view(slot.text) != text) {
            slot.value = make(text);
            slot.text.assign(text);
            slot.hash = h;
            slot.used = true;
        }
        return slot.value;
    }

private:
    static constexpr size_t kMaxText = 512;

    static quint64 hashOf(std::string_view text) { return fastHash(text); }

    struct Slot
    {
        quint64 hash = 0;
        std::string text;
        Value value{};
        bool used = false;
    };
    std::array<Slot, Slots> m_slots;
    Value m_uncached{};
};

// What debugData.behaviors adds to an event: the behaviours evaluated and those that were positive.
struct BehaviorBits
{
    bool valid = false;
    quint16 evaluated = 0;
    quint16 positive = 0;
};

BehaviorBits behaviorBits(std::string_view text)
{
    BehaviorBits bits;
    debugdata::BehaviorList behaviors;
    if (!debugdata::parseBehaviors(text, behaviors)) return bits;
    bits.valid = true;
    // The same bits debugdata::applyBehaviors() sets.
    EventBuilder probe;
    debugdata::applyBehaviors(behaviors, probe);
    const LogEvent e = probe.take();
    bits.evaluated = e.behaviorsEvaluated();
    bits.positive = e.behaviorsPositive();
    return bits;
}

// debugData.risk as offsets into its text, so that a remembered parse applies to the same text again.
struct RiskParts
{
    bool valid = false;
    OktaRiskLevel level = OktaRiskLevel::None;
    quint32 reasonsOffset = 0, reasonsSize = 0;
    quint32 detectionOffset = 0, detectionSize = 0;
};

RiskParts riskParts(std::string_view text)
{
    RiskParts parts;
    debugdata::RiskValue risk;
    if (!debugdata::parseRisk(text, risk)) return parts;
    parts.valid = true;
    parts.level = riskLevelFromName(risk.level);
    // parseRisk() returns views into `text` (or empty ones).
    const auto offsetOf = [&text](std::string_view part) {
        return part.empty() ? quint32(0) : quint32(part.data() - text.data());
    };
    parts.reasonsOffset = offsetOf(risk.reasons);
    parts.reasonsSize = quint32(risk.reasons.size());
    parts.detectionOffset = offsetOf(risk.detectionName);
    parts.detectionSize = quint32(risk.detectionName.size());
    return parts;
}

} // namespace

class EventParser::Impl
{
    Q_DECLARE_TR_FUNCTIONS(EventParser)

public:
    dom::parser parser;
    dom::parser nestedParser; // for JSON carried inside strings (logOnlySecurityData)
    simdjson::padded_string scratch;
    EventBuilder builder;
    // Text for non-string scalars; a small ring because a caller may hold a few views at once.
    std::array<std::string, 4> numberText;
    size_t numberSlot = 0;
    std::array<std::string, 4> targetText; // non-string target fields, one slot per field
    const QByteArray* owner = nullptr;     // see EventParser::setSourceBuffer()
    TextMemo<BehaviorBits, 64> behaviorMemo;
    TextMemo<RiskParts, 32> riskMemo;

    // Text of a value the way a person would read it: strings as they are, numbers and booleans as
    // written, null as empty, arrays and objects as compact JSON. Okta documents strings, but
    // YAML-converted samples carry numbers (postalCode: 10013). Strings are the rule: that test stays
    // inline and the rest goes out of line.
    std::string_view text(dom::element v)
    {
        const element_type t = v.type();
        if (t == element_type::STRING) [[likely]]
            return v.get_string().value_unsafe();
        if (t == element_type::NULL_VALUE) return {};
        return otherText(v, t, numberText[numberSlot++ % numberText.size()]);
    }

    // Text of a non-string, non-null value, kept in `out`.
    [[gnu::noinline]] static std::string_view otherText(dom::element v, element_type t, std::string& out)
    {
        if (t == element_type::BOOL) {
            out = v.get_bool().value_unsafe() ? "true" : "false";
        } else if (t == element_type::INT64 || t == element_type::UINT64) {
            char buf[24];
            const auto r = t == element_type::INT64
                               ? std::to_chars(buf, buf + sizeof buf, v.get_int64().value_unsafe())
                               : std::to_chars(buf, buf + sizeof buf, v.get_uint64().value_unsafe());
            out.assign(buf, r.ptr);
        } else {
            out = simdjson::minify(v);
        }
        return out;
    }

    void set(Str field, dom::element v) { builder.setParsed(field, text(v)); }

    void parseActor(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (keyIs(f.key, "id")) {
                set(Str::ActorId, f.value);
            } else if (keyIs(f.key, "type")) {
                set(Str::ActorType, f.value);
            } else if (keyIs(f.key, "alternateid")) {
                set(Str::ActorAlternateId, f.value);
            } else if (keyIs(f.key, "displayname")) {
                set(Str::ActorDisplayName, f.value);
            }
        }
    }

    void parseGeolocation(dom::object o)
    {
        std::optional<double> lat, lon;
        for (dom::key_value_pair f : o) {
            if (keyIs(f.key, "lat")) {
                lat = asDouble(f.value);
            } else if (keyIs(f.key, "lon")) {
                lon = asDouble(f.value);
            }
        }
        if (lat && lon) builder.setGeolocation(*lat, *lon);
    }

    void parseGeo(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (keyIs(f.key, "city")) {
                set(Str::City, f.value);
            } else if (keyIs(f.key, "state")) {
                set(Str::State, f.value);
            } else if (keyIs(f.key, "country")) {
                set(Str::Country, f.value);
            } else if (keyIs(f.key, "postalcode")) {
                set(Str::PostalCode, f.value);
            } else if (keyIs(f.key, "geolocation") && f.value.is_object()) {
                parseGeolocation(asObject(f.value));
            }
        }
    }

    void parseClient(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            const std::string_view k = f.key;
            switch (k.size()) {
            case 4:
                if (sameLetters(k, "zone")) builder.setParsed(Str::ClientZone, withoutNullString(text(f.value)));
                break;
            case 6:
                if (sameLetters(k, "device")) set(Str::ClientDevice, f.value);
                break;
            case 9:
                if (sameLetters(k, "ipaddress")) {
                    builder.setParsed(Str::ClientIp, withoutNullString(text(f.value)));
                } else if (sameLetters(k, "useragent") && f.value.is_object()) {
                    parseUserAgent(asObject(f.value));
                }
                break;
            case 19:
                if (sameLetters(k, "geographicalcontext") && f.value.is_object()) parseGeo(asObject(f.value));
                break;
            default:
                break;
            }
        }
    }

    void parseUserAgent(dom::object o)
    {
        for (dom::key_value_pair u : o) {
            if (keyIs(u.key, "rawuseragent")) {
                set(Str::UserAgentRaw, u.value);
            } else if (keyIs(u.key, "os")) {
                set(Str::UserAgentOs, u.value);
            } else if (keyIs(u.key, "browser")) {
                set(Str::UserAgentBrowser, u.value);
            }
        }
    }

    void parseOutcome(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (keyIs(f.key, "result")) {
                set(Str::OutcomeResult, f.value);
            } else if (keyIs(f.key, "reason")) {
                set(Str::OutcomeReason, f.value);
            }
        }
    }

    void parseAuthenticationContext(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            const std::string_view k = f.key;
            switch (k.size()) {
            case 9:
                if (sameLetters(k, "interface")) set(Str::Interface, f.value);
                break;
            case 13:
                if (sameLetters(k, "rootsessionid")) set(Str::RootSessionId, f.value);
                break;
            case 14:
                if (sameLetters(k, "credentialtype")) set(Str::CredentialType, f.value);
                break;
            case 17:
                if (sameLetters(k, "externalsessionid")) set(Str::ExternalSessionId, f.value);
                break;
            case 18:
                if (sameLetters(k, "credentialprovider")) {
                    set(Str::CredentialProvider, f.value);
                } else if (sameLetters(k, "authenticationstep")) {
                    const auto step = asDouble(f.value);
                    if (step && *step >= 0 && *step <= 1000) builder.setAuthenticationStep(int(*step));
                }
                break;
            case 22:
                if (sameLetters(k, "authenticationprovider")) set(Str::AuthenticationProvider, f.value);
                break;
            default:
                break;
            }
        }
    }

    void parseStructuredRisk(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (keyIs(f.key, "level")) {
                builder.raiseRiskLevel(riskLevelFromName(text(f.value)));
            } else if (keyIs(f.key, "reasons")) {
                if (f.value.is_array()) {
                    for (dom::element r : asArray(f.value)) {
                        builder.append(Str::RiskReasons, text(r), ", ");
                    }
                } else {
                    builder.append(Str::RiskReasons, text(f.value), ", ");
                }
            } else if (keyIs(f.key, "detectionname")) {
                set(Str::RiskDetectionName, f.value);
            }
        }
    }

    void parseUserBehaviors(dom::array a)
    {
        for (dom::element item : a) {
            if (!item.is_object()) continue;
            std::string_view name, result;
            for (dom::key_value_pair f : asObject(item)) {
                if (keyIs(f.key, "name") && f.value.is_string()) {
                    name = f.value.get_string().value_unsafe();
                } else if (keyIs(f.key, "result") && f.value.is_string()) {
                    result = f.value.get_string().value_unsafe();
                }
            }
            debugdata::BehaviorList one;
            one.append({name, result});
            debugdata::applyBehaviors(one, builder);
        }
    }

    // securityContext.ipDetails.ipServiceCategories: VPN, Proxy, Tor, Residential Proxy…
    void parseIpDetails(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (!keyIs(f.key, "ipservicecategories") || !f.value.is_array()) continue;
            for (dom::element c : asArray(f.value)) {
                if (!c.is_object()) continue;
                bool anonymous = false;
                std::string_view type;
                for (dom::key_value_pair cf : asObject(c)) {
                    if (keyIs(cf.key, "isanonymous")) {
                        anonymous = truthy(cf.value);
                    } else if (keyIs(cf.key, "type") && cf.value.is_string()) {
                        type = cf.value.get_string().value_unsafe();
                    }
                }
                if (anonymous || !type.empty()) builder.append(Str::Tunnels, type.empty() ? "anonymous" : type, ", ");
            }
        }
    }

    void parseSecurityContext(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            const std::string_view k = f.key;
            const dom::element v = f.value;
            switch (k.size()) {
            case 3:
                if (sameLetters(k, "isp")) set(Str::Isp, v);
                break;
            case 4:
                if (sameLetters(k, "risk") && v.is_object()) parseStructuredRisk(asObject(v));
                break;
            case 5:
                if (sameLetters(k, "asorg")) set(Str::AsOrg, v);
                break;
            case 6:
                if (sameLetters(k, "domain")) set(Str::Domain, v);
                break;
            case 7:
                if (sameLetters(k, "isproxy") && !v.is_null()) builder.setIsProxy(truthy(v));
                break;
            case 8:
                if (sameLetters(k, "asnumber")) parseAsNumber(v);
                break;
            case 9:
                if (sameLetters(k, "ipdetails") && v.is_object()) parseIpDetails(asObject(v));
                break;
            case 13:
                if (sameLetters(k, "userbehaviors") && v.is_array()) parseUserBehaviors(asArray(v));
                break;
            default:
                break;
            }
        }
    }

    void parseAsNumber(dom::element v)
    {
        if (isNumber(v.type())) {
            // AS numbers are 32-bit; anything else is not an AS number (and would overflow the cast).
            const double asn = *asDouble(v);
            if (asn >= 0 && asn <= 4294967295.0) builder.setAsNumber(qint64(asn));
        } else if (v.is_string()) {
            const std::string_view s = v.get_string().value_unsafe();
            qint64 asn = 0;
            const auto r = std::from_chars(s.data(), s.data() + s.size(), asn);
            if (r.ec == std::errc() && r.ptr == s.data() + s.size()) builder.setAsNumber(asn);
        }
    }

    // logOnlySecurityData is JSON inside a string: {"risk":{"level":"LOW"},"behaviors":{"New Device":"POSITIVE"}}
    void parseLogOnlySecurityData(std::string_view json)
    {
        dom::element doc;
        if (nestedParser.parse(json.data(), json.size(), true).get(doc) || !doc.is_object()) return;
        for (dom::key_value_pair f : asObject(doc)) {
            if (!f.value.is_object()) continue;
            if (keyIs(f.key, "risk")) {
                parseStructuredRisk(asObject(f.value));
            } else if (keyIs(f.key, "behaviors")) {
                debugdata::BehaviorList behaviors;
                for (dom::key_value_pair b : asObject(f.value)) {
                    if (b.value.is_string()) behaviors.append({b.key, b.value.get_string().value_unsafe()});
                }
                debugdata::applyBehaviors(behaviors, builder);
            }
        }
    }

    void parseDebugRisk(dom::element v)
    {
        if (v.is_object()) {
            parseStructuredRisk(asObject(v));
            return;
        }
        const std::string_view t = text(v);
        const RiskParts& parts = riskMemo.get(t, riskParts);
        if (!parts.valid) return;
        // What debugdata::applyRisk() does with the parsed value.
        const std::string_view reasons = t.substr(parts.reasonsOffset, parts.reasonsSize);
        const std::string_view detectionName = t.substr(parts.detectionOffset, parts.detectionSize);
        builder.raiseRiskLevel(parts.level);
        if (!reasons.empty()) builder.append(Str::RiskReasons, reasons, ", ");
        if (!detectionName.empty() && !builder.has(Str::RiskDetectionName)) {
            builder.setParsed(Str::RiskDetectionName, detectionName);
        }
    }

    void parseDebugData(dom::object o)
    {
        // A dozen known keys among many others: dispatch on the length, then compare one or two.
        for (dom::key_value_pair f : o) {
            const std::string_view k = f.key;
            const dom::element v = f.value;
            switch (k.size()) {
            case 3:
                if (sameLetters(k, "url") && !builder.has(Str::RequestUri)) set(Str::RequestUri, v);
                break;
            case 4:
                if (sameLetters(k, "risk")) parseDebugRisk(v);
                break;
            case 6:
                if (sameLetters(k, "dthash")) {
                    set(Str::DtHash, v);
                } else if (sameLetters(k, "factor")) {
                    set(Str::Factor, v);
                }
                break;
            case 7:
                if (sameLetters(k, "tunnels")) {
                    const std::string_view t = text(v);
                    if (!t.empty() && t != "[]") builder.append(Str::Tunnels, t, ", ");
                }
                break;
            case 9:
                if (sameLetters(k, "behaviors")) {
                    const BehaviorBits& bits = behaviorMemo.get(text(v), behaviorBits);
                    if (bits.valid) builder.addBehaviors(bits.evaluated, bits.positive);
                }
                break;
            case 10:
                if (sameLetters(k, "requesturi")) set(Str::RequestUri, v);
                break;
            case 11:
                if (sameLetters(k, "loginresult")) set(Str::LoginResult, v);
                break;
            case 15:
                if (sameLetters(k, "threatsuspected")) builder.setThreatSuspected(truthy(v));
                break;
            case 16:
                if (sameLetters(k, "threatdetections")) set(Str::ThreatDetections, v);
                break;
            case 17:
                if (sameLetters(k, "devicefingerprint")) set(Str::DeviceFingerprint, v);
                break;
            case 19:
                if (sameLetters(k, "logonlysecuritydata") && v.is_string()) {
                    parseLogOnlySecurityData(v.get_string().value_unsafe());
                }
                break;
            default:
                break;
            }
        }
    }

    void parseTargets(dom::array a)
    {
        for (dom::element t : a) {
            if (!t.is_object()) continue;
            // Strings are views into the parser's document; anything else gets a slot of its own, because
            // text() keeps non-string values in a small ring that a target with many (duplicate) keys
            // could wrap around.
            std::string_view id, type, alternateId, displayName;
            auto keep = [this](dom::element v, std::string_view& out, size_t slot) {
                const element_type vt = v.type();
                if (vt == element_type::STRING) {
                    out = v.get_string().value_unsafe();
                } else if (vt == element_type::NULL_VALUE) {
                    out = {};
                } else {
                    out = otherText(v, vt, targetText[slot]);
                }
            };
            for (dom::key_value_pair f : asObject(t)) {
                if (keyIs(f.key, "id")) {
                    keep(f.value, id, 0);
                } else if (keyIs(f.key, "type")) {
                    keep(f.value, type, 1);
                } else if (keyIs(f.key, "alternateid")) {
                    keep(f.value, alternateId, 2);
                } else if (keyIs(f.key, "displayname")) {
                    keep(f.value, displayName, 3);
                }
            }
            builder.addTarget(id, type, alternateId, displayName);
        }
    }

    void parseTransaction(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (keyIs(f.key, "id")) {
                set(Str::TransactionId, f.value);
            } else if (keyIs(f.key, "type")) {
                set(Str::TransactionType, f.value);
            }
        }
    }

    void parseRequest(dom::object o)
    {
        for (dom::key_value_pair f : o) {
            if (!keyIs(f.key, "ipchain") || !f.value.is_array()) continue;
            for (dom::element hop : asArray(f.value)) {
                if (!hop.is_object()) continue;
                for (dom::key_value_pair h : asObject(hop)) {
                    if (keyIs(h.key, "ip")) builder.addIpChain(text(h.value));
                }
            }
        }
    }

    bool requireString(dom::element v, const char* name, std::string_view& out, ParseError& error)
    {
        const element_type t = v.type();
        if (t == element_type::NULL_VALUE) {
            error = {RejectReason::MissingField, QString::fromLatin1(name),
                     tr("required field '%1' is null").arg(QLatin1String(name))};
            return false;
        }
        if (t != element_type::STRING) {
            error = {RejectReason::WrongType, QString::fromLatin1(name),
                     tr("field '%1' must be a string, not %2").arg(QLatin1String(name), QLatin1String(typeName(t)))};
            return false;
        }
        out = v.get_string().value_unsafe();
        if (out.empty()) {
            error = {RejectReason::EmptyField, QString::fromLatin1(name),
                     tr("required field '%1' is empty").arg(QLatin1String(name))};
            return false;
        }
        return true;
    }

    bool parseObject(dom::object top, ParseError& error)
    {
        bool haveUuid = false, havePublished = false, haveEventType = false;
        for (dom::key_value_pair f : top) {
            const std::string_view k = f.key;
            const dom::element v = f.value;
            // About twenty keys per event: dispatch on the length first, then compare one candidate.
            switch (k.size()) {
            case 4:
                if (sameLetters(k, "uuid")) {
                    std::string_view s;
                    if (!requireString(v, "uuid", s, error)) return false;
                    builder.setParsed(Str::Uuid, s);
                    haveUuid = true;
                }
                break;
            case 5:
                if (sameLetters(k, "actor") && v.is_object()) parseActor(asObject(v));
                break;
            case 6:
                if (sameLetters(k, "client")) {
                    if (v.is_object()) parseClient(asObject(v));
                } else if (sameLetters(k, "target") && v.is_array()) {
                    parseTargets(asArray(v));
                }
                break;
            case 7:
                if (!v.is_object()) break;
                if (sameLetters(k, "outcome")) {
                    parseOutcome(asObject(v));
                } else if (sameLetters(k, "request")) {
                    parseRequest(asObject(v));
                }
                break;
            case 8:
                if (sameLetters(k, "severity")) set(Str::Severity, v);
                break;
            case 9:
                if (sameLetters(k, "published")) {
                    std::string_view s;
                    if (!requireString(v, "published", s, error)) return false;
                    const std::optional<qint64> ms = parseTimestampMs(s);
                    if (!ms) {
                        error = {RejectReason::BadTimestamp, QStringLiteral("published"),
                                 tr("unparsable timestamp in 'published': \"%1\"").arg(LogEvent::qs(s.substr(0, 64)))};
                        return false;
                    }
                    builder.setPublishedMs(*ms);
                    havePublished = true;
                } else if (sameLetters(k, "eventtype")) {
                    std::string_view s;
                    if (!requireString(v, "eventType", s, error)) return false;
                    builder.setParsed(Str::EventType, s);
                    haveEventType = true;
                }
                break;
            case 11:
                if (sameLetters(k, "transaction") && v.is_object()) parseTransaction(asObject(v));
                break;
            case 12:
                if (sameLetters(k, "debugcontext") && v.is_object()) {
                    for (dom::key_value_pair d : asObject(v)) {
                        if (keyIs(d.key, "debugdata") && d.value.is_object()) parseDebugData(asObject(d.value));
                    }
                }
                break;
            case 14:
                if (sameLetters(k, "displaymessage")) set(Str::DisplayMessage, v);
                break;
            case 15:
                if (sameLetters(k, "legacyeventtype")) {
                    set(Str::LegacyEventType, v);
                } else if (sameLetters(k, "securitycontext") && v.is_object()) {
                    parseSecurityContext(asObject(v));
                }
                break;
            case 21:
                if (sameLetters(k, "authenticationcontext") && v.is_object()) parseAuthenticationContext(asObject(v));
                break;
            default:
                break;
            }
        }
        const char* missing = !haveUuid        ? "uuid"
                              : !havePublished ? "published"
                              : !haveEventType ? "eventType"
                                               : nullptr;
        if (missing) {
            error = {RejectReason::MissingField, QString::fromLatin1(missing),
                     tr("missing required field '%1'").arg(QLatin1String(missing))};
            return false;
        }
        return true;
    }

    bool parse(std::string_view json, LogEvent& out, ParseError& error)
    {
        builder.beginInto(out, json, owner);
        dom::element doc;
        if (const simdjson::error_code err = parser.parse(json.data(), json.size(), false).get(doc)) {
            builder.finish();
            error = {
                RejectReason::InvalidJson, {}, tr("invalid JSON: %1").arg(QLatin1String(simdjson::error_message(err)))};
            return false;
        }
        setPaddedSource(parser.doc);
        return extract(doc, error);
    }

    // A parsed document's strings lie in its string buffer, which holds at least 5/3 capacity() + 64 bytes
    // (document::allocate()): any string that starts in its first capacity() bytes has 64 readable ones
    // after its start, which is what EventBuilder::setPaddedSource() asks for.
    void setPaddedSource(const dom::document& parsed)
    {
        static_assert(simdjson::SIMDJSON_PADDING >= EventBuilder::kShortValue);
        builder.setPaddedSource(reinterpret_cast<const char*>(parsed.string_buf.get()), parsed.capacity());
    }

    // The event in a parsed document whose raw JSON was given to builder.beginInto().
    bool extract(dom::element doc, ParseError& error)
    {
        if (!doc.is_object()) {
            builder.finish();
            error = {
                RejectReason::NotAnObject, {}, tr("not a JSON object but %1").arg(QLatin1String(typeName(doc.type())))};
            return false;
        }
        const bool ok = parseObject(asObject(doc), error);
        builder.finish();
        return ok;
    }

    static bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

    size_t parseLines(const char* data, size_t from, size_t size, qint64& line, const RecordSink& sink)
    {
        if (from >= size) return from;
        if (!batchParser) {
            batchParser = std::make_unique<dom::parser>();
#ifdef SIMDJSON_THREADS_ENABLED
            batchParser->threaded = false; // one thread: the caller's
#endif
        }
        dom::document_stream stream;
        if (batchParser->parse_many(data + from, size - from, kBatchBytes).get(stream)) return from;
        size_t resume = from;      // start of the line after the last record handed out
        qint64 resumeLine = line;  // lines before `resume`
        size_t scan = from;        // where the space before the next record starts
        qint64 current = line + 1; // number of the line `scan` is on
        LogEvent event;
        ParseError error;
        for (auto it = stream.begin(); it != stream.end(); ++it) {
            dom::element doc;
            if ((*it).get(doc)) break; // an error ends the stream
            const size_t start = from + it.current_index();
            if (start < scan || start >= size || data[start] != '{') break;
            // Only blank space and line breaks between the previous record and this one.
            bool blank = true;
            for (size_t i = scan; i < start && blank; ++i) {
                if (data[i] == '\n') {
                    ++current;
                } else {
                    blank = isBlank(data[i]);
                }
            }
            if (!blank) break;
            const std::string_view json = it.source();
            const size_t end = start + json.size();
            if (json.empty() || json.back() != '}' || end > size) break;
            // The record must be its whole line: blank space after it, and no line break inside it.
            size_t after = end;
            while (after < size && isBlank(data[after]))
                ++after;
            if (after < size && data[after] != '\n') break;
            if (std::memchr(json.data(), '\n', json.size())) break;
            builder.beginInto(event, json, owner);
            setPaddedSource(batchParser->doc);
            const bool ok = extract(doc, error);
            sink(current, json, ok, event, error);
            resume = after < size ? after + 1 : size;
            resumeLine = current;
            scan = resume;
            ++current;
        }
        line = resumeLine;
        return resume;
    }

    // A quarter of simdjson's default: the batch parser's buffers are ~14 bytes per batch byte (3.5 MB
    // here), and 1 MiB batches parsed these 2 KB events no faster.
    static constexpr size_t kBatchBytes = 256 * 1024;
    std::unique_ptr<dom::parser> batchParser;
};

EventParser::EventParser()
    : d(std::make_unique<Impl>())
{
}

EventParser::~EventParser() = default;

void EventParser::setSourceBuffer(const QByteArray* buffer)
{
    d->owner = buffer;
}

size_t EventParser::requiredPadding()
{
    return simdjson::SIMDJSON_PADDING;
}

bool EventParser::parse(std::string_view json, size_t capacity, LogEvent& out, ParseError& error)
{
    if (capacity < json.size() + simdjson::SIMDJSON_PADDING) return parse(json, out, error);
    return d->parse(json, out, error);
}

size_t EventParser::parseLines(const char* data, size_t from, size_t size, qint64& line, const RecordSink& sink)
{
    return d->parseLines(data, from, size, line, sink);
}

bool EventParser::parse(std::string_view json, LogEvent& out, ParseError& error)
{
    d->scratch = simdjson::padded_string(json);
    return d->parse(std::string_view(d->scratch.data(), d->scratch.size()), out, error);
}

} // namespace vigil::okta

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/DebugDataParser.h"

#include <array>

namespace vigil::okta::debugdata {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Strips the surrounding braces; false if they are missing.
bool unwrap(std::string_view text, std::string_view& inner)
{
    text = trim(text);
    if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
    inner = text.substr(1, text.size() - 2);
    return true;
}

constexpr std::array<std::string_view, 5> kRiskKeys{"level", "reasons", "previousLevel", "detectionName", "issuer"};

// Position of the next ", <riskKey>=" at or after `from`, or npos.
size_t nextRiskKey(std::string_view s, size_t from)
{
    for (size_t pos = s.find(',', from); pos != std::string_view::npos; pos = s.find(',', pos + 1)) {
        const std::string_view rest = trim(s.substr(pos + 1));
        for (std::string_view key : kRiskKeys) {
            if (rest.size() > key.size() && rest.substr(0, key.size()) == key && rest[key.size()] == '=') return pos;
        }
    }
    return std::string_view::npos;
}

} // namespace

bool parseBehaviors(std::string_view text, BehaviorList& out)
{
    std::string_view inner;
    if (!unwrap(text, inner)) return false;
    while (!inner.empty()) {
        const size_t comma = inner.find(',');
        const std::string_view item = trim(inner.substr(0, comma));
        inner = comma == std::string_view::npos ? std::string_view() : inner.substr(comma + 1);
        if (item.empty()) continue;
        const size_t eq = item.rfind('=');
        if (eq == std::string_view::npos) return false;
        out.append({trim(item.substr(0, eq)), trim(item.substr(eq + 1))});
    }
    return true;
}

bool parseRisk(std::string_view text, RiskValue& out)
{
    std::string_view inner;
    if (!unwrap(text, inner)) return false;
    inner = trim(inner);
    size_t pos = 0;
    bool any = false;
    while (pos < inner.size()) {
        const size_t eq = inner.find('=', pos);
        if (eq == std::string_view::npos) return any;
        const std::string_view key = trim(inner.substr(pos, eq - pos));
        // "{reasons=level=LOW}": an empty value runs straight into the next key.
        bool emptyValue = false;
        for (std::string_view k : kRiskKeys) {
            const std::string_view rest = inner.substr(eq + 1);
            if (rest.size() > k.size() && rest.substr(0, k.size()) == k && rest[k.size()] == '=') emptyValue = true;
        }
        if (emptyValue) {
            any = true;
            pos = eq + 1;
            continue;
        }
        const size_t end = nextRiskKey(inner, eq + 1);
        const std::string_view value =
            trim(inner.substr(eq + 1, end == std::string_view::npos ? std::string_view::npos : end - eq - 1));
        if (key == "level") {
            out.level = value;
        } else if (key == "reasons") {
            out.reasons = value;
        } else if (key == "previousLevel") {
            out.previousLevel = value;
        } else if (key == "detectionName") {
            out.detectionName = value;
        } else if (key == "issuer") {
            out.issuer = value;
        }
        any = true;
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return any;
}

void applyBehaviors(const BehaviorList& behaviors, EventBuilder& builder)
{
    for (const BehaviorValue& b : behaviors) {
        const quint16 bit = behaviorFromName(b.name);
        if (!bit) continue;
        if (b.value == "POSITIVE") {
            builder.setBehavior(static_cast<Behavior>(bit), true);
        } else if (b.value == "NEGATIVE") {
            builder.setBehavior(static_cast<Behavior>(bit), false);
        }
    }
}

void applyRisk(const RiskValue& risk, EventBuilder& builder)
{
    builder.raiseRiskLevel(riskLevelFromName(risk.level));
    if (!risk.reasons.empty()) builder.append(LogEvent::Str::RiskReasons, risk.reasons, ", ");
    if (!risk.detectionName.empty() && !builder.has(LogEvent::Str::RiskDetectionName)) {
        builder.set(LogEvent::Str::RiskDetectionName, risk.detectionName);
    }
}

} // namespace vigil::okta::debugdata

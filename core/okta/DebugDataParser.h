// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/okta/LogEvent.h"

#include <QVarLengthArray>

#include <string_view>
#include <utility>

namespace vigil::okta {

// Okta writes behaviors and risk into debugData as Java-map-like strings, not JSON:
//   behaviors: "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, …}"
//   risk:      "{reasons=Anomalous Location, Anomalous Device, level=HIGH}"
// The risk reasons contain ", " themselves, so the map cannot be split on commas: a value runs
// until the next ", <known key>=" or the closing brace.
namespace debugdata {

struct BehaviorValue
{
    std::string_view name;
    std::string_view value; // POSITIVE, NEGATIVE, UNKNOWN, BAD_REQUEST
};

struct RiskValue
{
    std::string_view level;         // LOW, MEDIUM, HIGH (empty if absent)
    std::string_view reasons;       // as written, comma separated
    std::string_view previousLevel; // ITP user risk
    std::string_view detectionName;
    std::string_view issuer;
};

// Okta lists about eight behaviours; the inline capacity keeps parsing them off the heap.
using BehaviorList = QVarLengthArray<BehaviorValue, 16>;

// Returns false when the text is not a {k=v, …} map at all.
bool parseBehaviors(std::string_view text, BehaviorList& out);
bool parseRisk(std::string_view text, RiskValue& out);

// Applies behaviors to the builder: POSITIVE/NEGATIVE count as evaluated; UNKNOWN and
// BAD_REQUEST are "no evidence", never negative.
void applyBehaviors(const BehaviorList& behaviors, EventBuilder& builder);
void applyRisk(const RiskValue& risk, EventBuilder& builder);

} // namespace debugdata
} // namespace vigil::okta

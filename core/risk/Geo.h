// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace vigil::risk {

// Great-circle distance (haversine, mean Earth radius 6,371 km).
double greatCircleKm(double lat1, double lon1, double lat2, double lon2);

// "Toronto, Canada", or whichever part is known.
QString placeName(const QString& city, const QString& country);

// Whether a policy's country entry (an ISO 3166 alpha-2 code or an English name) names the country
// Okta reported (Okta writes English names, e.g. "United States").
bool sameCountry(const QString& policyEntry, const QString& oktaCountry);

} // namespace vigil::risk

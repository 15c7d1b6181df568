// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/risk/Geo.h"

#include <QHash>

#include <cmath>
#include <numbers>

namespace vigil::risk {

double greatCircleKm(double lat1, double lon1, double lat2, double lon2)
{
    constexpr double kEarthRadiusKm = 6371.0;
    const auto rad = [](double deg) { return deg * std::numbers::pi / 180.0; };
    const double dLat = rad(lat2 - lat1);
    const double dLon = rad(lon2 - lon1);
    const double a = std::sin(dLat / 2) * std::sin(dLat / 2)
                     + std::cos(rad(lat1)) * std::cos(rad(lat2)) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

QString placeName(const QString& city, const QString& country)
{
    if (city.isEmpty()) return country;
    if (country.isEmpty()) return city;
    return city + QStringLiteral(", ") + country;
}

namespace {

// ISO 3166-1 alpha-2 codes and the English names geolocation services (and Okta) use for them.
// Several names per code where providers differ.
const QHash<QString, QStringList>& countryNames()
{
    static const QHash<QString, QStringList> names{
        {u"US"_qs, {u"united states"_qs, u"united states of america"_qs, u"usa"_qs}},
        {u"GB"_qs, {u"united kingdom"_qs, u"great britain"_qs, u"uk"_qs}},
        {u"CA"_qs, {u"canada"_qs}},
        {u"DE"_qs, {u"germany"_qs}},
        {u"FR"_qs, {u"france"_qs}},
        {u"NL"_qs, {u"netherlands"_qs, u"the netherlands"_qs}},
        {u"IE"_qs, {u"ireland"_qs}},
        {u"ES"_qs, {u"spain"_qs}},
        {u"IT"_qs, {u"italy"_qs}},
        {u"CH"_qs, {u"switzerland"_qs}},
        {u"SE"_qs, {u"sweden"_qs}},
        {u"NO"_qs, {u"norway"_qs}},
        {u"PL"_qs, {u"poland"_qs}},
        {u"UA"_qs, {u"ukraine"_qs}},
        {u"RU"_qs, {u"russia"_qs, u"russian federation"_qs}},
        {u"BY"_qs, {u"belarus"_qs}},
        {u"CN"_qs, {u"china"_qs}},
        {u"HK"_qs, {u"hong kong"_qs}},
        {u"JP"_qs, {u"japan"_qs}},
        {u"KR"_qs, {u"south korea"_qs, u"korea, republic of"_qs, u"republic of korea"_qs}},
        {u"KP"_qs, {u"north korea"_qs, u"korea, democratic people's republic of"_qs}},
        {u"IN"_qs, {u"india"_qs}},
        {u"SG"_qs, {u"singapore"_qs}},
        {u"AU"_qs, {u"australia"_qs}},
        {u"NZ"_qs, {u"new zealand"_qs}},
        {u"BR"_qs, {u"brazil"_qs}},
        {u"MX"_qs, {u"mexico"_qs}},
        {u"AR"_qs, {u"argentina"_qs}},
        {u"ZA"_qs, {u"south africa"_qs}},
        {u"NG"_qs, {u"nigeria"_qs}},
        {u"EG"_qs, {u"egypt"_qs}},
        {u"IL"_qs, {u"israel"_qs}},
        {u"TR"_qs, {u"turkey"_qs, u"türkiye"_qs}},
        {u"IR"_qs, {u"iran"_qs, u"iran, islamic republic of"_qs}},
        {u"SY"_qs, {u"syria"_qs, u"syrian arab republic"_qs}},
        {u"CU"_qs, {u"cuba"_qs}},
        {u"VN"_qs, {u"vietnam"_qs, u"viet nam"_qs}},
        {u"RO"_qs, {u"romania"_qs}},
    };
    return names;
}

} // namespace

bool sameCountry(const QString& policyEntry, const QString& oktaCountry)
{
    const QString entry = policyEntry.trimmed();
    const QString country = oktaCountry.trimmed().toLower();
    if (entry.compare(oktaCountry.trimmed(), Qt::CaseInsensitive) == 0) return true;
    if (entry.size() == 2 && countryNames().value(entry.toUpper()).contains(country)) return true;
    // A name in the policy and a code from elsewhere, or two spellings of one country.
    for (auto it = countryNames().begin(); it != countryNames().end(); ++it) {
        if (it.value().contains(entry.toLower()))
            return it.value().contains(country) || it.key() == oktaCountry.toUpper();
    }
    return false;
}

} // namespace vigil::risk

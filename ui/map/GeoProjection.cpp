// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/GeoProjection.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace vigil::ui::geo {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// Coefficients from Šavrič et al. (2011), "A polynomial equation for the Natural Earth projection".
// xScale(φ) multiplies λ; yOf(φ) is the projected latitude.
double xScale(double phi)
{
    const double p2 = phi * phi;
    const double p4 = p2 * p2;
    return 0.8707 - 0.131979 * p2 - 0.013791 * p4 + 0.003971 * p4 * p4 * p2 - 0.001529 * p4 * p4 * p4;
}

double yOf(double phi)
{
    const double p2 = phi * phi;
    const double p4 = p2 * p2;
    return phi * (1.007226 + 0.015085 * p2 - 0.044475 * p4 * p2 + 0.028874 * p4 * p4 - 0.005916 * p4 * p4 * p2);
}

double yDerivative(double phi)
{
    const double p2 = phi * phi;
    const double p4 = p2 * p2;
    return 1.007226 + 3 * 0.015085 * p2 - 7 * 0.044475 * p4 * p2 + 9 * 0.028874 * p4 * p4
           - 11 * 0.005916 * p4 * p4 * p2;
}

double normalizeLon(double lon)
{
    if (lon >= -180 && lon <= 180) return lon;
    lon = std::fmod(lon + 180, 360);
    if (lon < 0) lon += 360;
    return lon - 180;
}

using Vec3 = std::array<double, 3>;

Vec3 toVector(LatLon p)
{
    const double lat = p.lat * kDeg;
    const double lon = p.lon * kDeg;
    return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

LatLon toLatLon(const Vec3& v)
{
    return {std::atan2(v[2], std::hypot(v[0], v[1])) / kDeg, std::atan2(v[1], v[0]) / kDeg};
}

// Angle between unit vectors; atan2 of |a×b| and a·b stays accurate for tiny and near-antipodal angles.
double angleBetween(const Vec3& a, const Vec3& b)
{
    const Vec3 c{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    return std::atan2(std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]), a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
}

Vec3 slerp(const Vec3& a, const Vec3& b, double angle, double t)
{
    const double s = std::sin(angle);
    const double wa = std::sin((1 - t) * angle) / s;
    const double wb = std::sin(t * angle) / s;
    return {wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2]};
}

} // namespace

QPointF project(double lat, double lon)
{
    const double phi = std::clamp(lat, -90.0, 90.0) * kDeg;
    const double lambda = normalizeLon(lon) * kDeg;
    return {lambda * xScale(phi), -yOf(phi)};
}

std::optional<LatLon> unproject(QPointF world)
{
    const double y = -world.y();
    if (std::abs(y) > yOf(std::numbers::pi / 2) + 1e-12) return std::nullopt;
    // yOf is monotonic on [-π/2, π/2] and close to the identity, so Newton from φ = y converges in a few steps.
    double phi = y;
    for (int i = 0; i < 25; ++i) {
        const double step = (yOf(phi) - y) / yDerivative(phi);
        phi -= step;
        if (std::abs(step) < 1e-13) break;
    }
    phi = std::clamp(phi, -std::numbers::pi / 2, std::numbers::pi / 2);
    const double lambda = world.x() / xScale(phi);
    if (std::abs(lambda) > std::numbers::pi + 1e-9) return std::nullopt;
    return LatLon{phi / kDeg, std::clamp(lambda / kDeg, -180.0, 180.0)};
}

QPolygonF outline()
{
    QPolygonF ring;
    for (double lat = kSouthLimit; lat < 90; lat += 2.5)
        ring << project(lat, 180);
    ring << project(90, 180);
    for (double lat = 90; lat > kSouthLimit; lat -= 2.5)
        ring << project(lat, -180);
    ring << project(kSouthLimit, -180);
    return ring;
}

QRectF worldBounds()
{
    const QPointF topLeft(project(0, -180).x(), project(90, 0).y());
    const QPointF bottomRight(project(0, 180).x(), project(kSouthLimit, 0).y());
    return QRectF(topLeft, bottomRight);
}

QList<QList<LatLon>> greatCircleLatLon(LatLon from, LatLon to)
{
    from.lon = normalizeLon(from.lon);
    to.lon = normalizeLon(to.lon);
    const Vec3 a = toVector(from);
    const Vec3 b = toVector(to);
    const double angle = angleBetween(a, b);
    // About one sample per degree keeps the curve smooth at the highest zoom level; at least 2 for tiny hops.
    const int steps = std::clamp(int(std::ceil(angle / kDeg)), 1, 360);

    QList<LatLon> samples;
    samples.reserve(steps + 1);
    samples << from;
    for (int i = 1; i < steps; ++i) {
        // Antipodal points have no unique great circle; sin(angle) ~ 0 there, so fall back to the straight line.
        if (std::sin(angle) < 1e-9) break;
        samples << toLatLon(slerp(a, b, angle, double(i) / steps));
    }
    samples << to;

    QList<QList<LatLon>> parts(1);
    parts.last() << samples.first();
    for (qsizetype i = 1; i < samples.size(); ++i) {
        const LatLon p = samples.at(i - 1);
        const LatLon q = samples.at(i);
        if (std::abs(q.lon - p.lon) > 180) {
            // Crossing ±180°: end this part on the edge it leaves by and start the next on the opposite edge, at
            // the latitude where the (unwrapped) step meets the antimeridian.
            const double edge = p.lon > 0 ? 180.0 : -180.0;
            const double qUnwrapped = q.lon + (p.lon > 0 ? 360.0 : -360.0);
            const double t = (edge - p.lon) / (qUnwrapped - p.lon);
            const double lat = p.lat + t * (q.lat - p.lat);
            parts.last() << LatLon{lat, edge};
            parts.append({LatLon{lat, -edge}});
        }
        parts.last() << q;
    }
    return parts;
}

QList<QPolygonF> greatCircle(LatLon from, LatLon to)
{
    QList<QPolygonF> result;
    for (const QList<LatLon>& part : greatCircleLatLon(from, to)) {
        QPolygonF polygon;
        polygon.reserve(part.size());
        for (const LatLon& p : part)
            polygon << project(p);
        result << polygon;
    }
    return result;
}

LatLon greatCircleMidpoint(LatLon from, LatLon to)
{
    const Vec3 a = toVector(from);
    const Vec3 b = toVector(to);
    const double angle = angleBetween(a, b);
    if (std::sin(angle) < 1e-9) return from;
    return toLatLon(slerp(a, b, angle, 0.5));
}

} // namespace vigil::ui::geo

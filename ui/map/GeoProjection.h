// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>

#include <optional>

// The map's projection: Natural Earth (Šavrič, Jenny, Patterson 2011), a pseudo-cylindrical compromise. It keeps
// Europe, Russia and Canada at a believable size (equirectangular doubles the high latitudes, where much of the
// sign-in traffic is) and still has straight parallels and a closed-form forward formula; the inverse is a few
// Newton steps. Everything is projected once into "world units" (x within ±2.735, y within ±1.42, north up as
// negative y), so zoom and pan are a plain scale + translate and the projection never runs while painting.
namespace vigil::ui::geo {

struct LatLon
{
    double lat = 0;
    double lon = 0;
};

// The data stops at 85.6° S (world-atlas clips Antarctica there), so does the map's outline.
inline constexpr double kSouthLimit = -85.61;

QPointF project(double lat, double lon);
inline QPointF project(LatLon p)
{
    return project(p.lat, p.lon);
}
// nullopt outside the projected globe.
std::optional<LatLon> unproject(QPointF world);

// The globe's outline from kSouthLimit to the North Pole, and its bounding box.
QPolygonF outline();
QRectF worldBounds();

// The great circle from → to, sampled about every degree, projected, and split where it crosses the antimeridian
// so that no segment runs across the whole map.
QList<QPolygonF> greatCircle(LatLon from, LatLon to);
// The same in latitude/longitude, before projection: one polyline per side of the antimeridian.
QList<QList<LatLon>> greatCircleLatLon(LatLon from, LatLon to);
LatLon greatCircleMidpoint(LatLon from, LatLon to);

} // namespace vigil::ui::geo

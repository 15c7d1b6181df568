// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/Severity.h"

#include <QList>
#include <QMetaType>
#include <QPointF>
#include <QString>

// Plain values the world map is fed with. The map depends on nothing in the core's pipeline: whoever embeds it
// converts sign-in events and impossible-travel findings into these.
namespace vigil::ui {

struct MapSignIn
{
    QString user;
    QString ip;
    QString city;
    QString country; // English name as Okta reports it, e.g. "United States"
    double lat = 0;
    double lon = 0;
    double risk = 0; // 0–100; the severity band follows from the map's thresholds
    qint64 atMs = 0; // epoch milliseconds
    bool success = true;
};

// One impossible-travel finding, drawn as a great-circle arc from → to and labelled with its speed.
struct MapArc
{
    double fromLat = 0;
    double fromLon = 0;
    double toLat = 0;
    double toLon = 0;
    QString fromLabel; // e.g. "New York, United States"
    QString toLabel;
    double speedKmh = 0;
    double distanceKm = 0; // 0: the map computes the great-circle distance
    QString user;
    double risk = 0; // colours the arc by band; 0 draws it in the neutral colour
};

struct MapPlace
{
    double lat = 0;
    double lon = 0;
    QString label;
};

// What the selected alert is about. The map rings `places`; when `places` is empty it rings the places `user`
// signed in from. Arcs of `user` are emphasised and the others dimmed.
struct MapHighlight
{
    QString user;
    QList<MapPlace> places;

    bool isEmpty() const { return user.isEmpty() && places.isEmpty(); }
};

// A group of sign-ins drawn as one marker: a single sign-in (count 1) or a cluster with its count and worst band.
struct MapCluster
{
    QPointF widgetPos; // centre, widget coordinates
    int count = 0;
    SeverityBand worst = SeverityBand::None;
};

} // namespace vigil::ui

Q_DECLARE_METATYPE(vigil::ui::MapSignIn)

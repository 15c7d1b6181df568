// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QPainterPath>
#include <QRectF>
#include <QString>
#include <QStringList>

namespace vigil::ui {

// The country outlines the map draws, loaded once from the embedded resource (resources/map/countries-110m.vgm:
// Natural Earth 1:110m via world-atlas 2.0.2) and projected once into world units. Immutable after loading, so
// every map widget shares one instance.
class WorldMapData
{
public:
    struct Country
    {
        QString iso;         // ISO 3166-1 alpha-2, e.g. "BR" (Kosovo: the user-assigned "XK")
        QString name;        // English, as Okta reports it, e.g. "United States"
        QStringList aliases; // other spellings, e.g. "United States of America"
        QPainterPath path;   // world units, odd-even fill (holes are rings too)
        QRectF bounds;       // of path
    };

    // The shared, loaded instance; empty (and a warning logged) if the resource is missing or corrupt.
    static const WorldMapData& instance();
    // Parses the VGM1 format; `error` says what is wrong when the result is empty.
    static WorldMapData fromBytes(const QByteArray& bytes, QString* error = nullptr);

    const QList<Country>& countries() const { return m_countries; }
    bool isEmpty() const { return m_countries.isEmpty(); }
    qsizetype pointCount() const { return m_pointCount; }

    // Index into countries() of the country containing `world`, or -1 (ocean).
    int countryAt(QPointF world) const;
    // By alpha-2 code, English name or alias, case-insensitively; -1 if unknown.
    int indexOf(const QString& isoOrName) const;

private:
    QList<Country> m_countries;
    QHash<QString, int> m_byName; // lower-case code, name and aliases → index
    qsizetype m_pointCount = 0;
};

} // namespace vigil::ui

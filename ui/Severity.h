// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QCoreApplication>
#include <QPainterPath>
#include <QString>

class QPainter;
class QPalette;

namespace vigil::risk {
class Policy;
}

namespace vigil::ui {

// The console's one severity language: the same four words, colours and marker shapes in the queue, the map, the
// risk board, notifications and exports. `None` is ordinary traffic below the lowest band; it is drawn in a calm
// neutral colour so that a quiet tenant shows no warning colours at all.
enum class SeverityBand
{
    None,
    Low,
    Medium,
    High,
    Critical,
};
inline constexpr int kSeverityBandCount = 5;

// The score at which each band starts (risk 0–100). Defaults are the policy's defaults; the console passes the
// loaded policy's values through fromPolicy().
struct SeverityThresholds
{
    double low = 20;
    double medium = 40;
    double high = 60;
    double critical = 80;

    static SeverityThresholds fromPolicy(const risk::Policy& policy);
};

// Colour is never the only signal: each band also has a shape (and a word).
enum class SeverityMarker
{
    SmallDot,
    Circle,
    Square,
    Triangle,
    Diamond,
};

class Severity
{
    Q_DECLARE_TR_FUNCTIONS(Severity)

public:
    static SeverityBand forRisk(double risk, const SeverityThresholds& thresholds = {});
    // "low", "medium", "high", "critical" as the core's reports and alerts write them; anything else is None.
    static SeverityBand fromKey(QStringView key);
    // The untranslated identifier, for settings and exports ("none" for None).
    static QString key(SeverityBand band);
    // The translated word shown to the analyst: "Low", "Medium", "High", "Critical" ("Normal" for None).
    static QString name(SeverityBand band);

    // Two designed variants, not an inversion: saturated and darker on light backgrounds, lighter on dark ones,
    // each with enough contrast against its background for a wall display.
    static QColor color(SeverityBand band, bool darkTheme);
    static QColor color(SeverityBand band, const QPalette& palette);
    // Text drawn on a fill of color(band, …): black or white, whichever reads better.
    static QColor textOn(SeverityBand band, bool darkTheme);
    static bool isDark(const QPalette& palette);

    static SeverityMarker marker(SeverityBand band);
    // A one-character stand-in for the marker in plain text (table cells, tooltips, notifications).
    static QString glyph(SeverityBand band);
    // The marker's outline centred on (0, 0), `size` pixels across.
    static QPainterPath markerPath(SeverityBand band, qreal size);
    // Fills the marker in the band's colour with a thin outline in the palette's base colour, so that markers stay
    // apart where they overlap.
    static void paintMarker(QPainter* painter, QPointF centre, qreal size, SeverityBand band, const QPalette& palette);
};

} // namespace vigil::ui

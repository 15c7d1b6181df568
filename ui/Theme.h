// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QPalette>
#include <QString>

class QSettings;

namespace vigil::ui {

enum class ThemeChoice
{
    System, // follow the desktop
    Light,
    Dark,
};

// Light and dark appearance for the whole application. Both themes use the Fusion style, which draws
// the same on every platform and takes any palette; every console widget paints from the palette (see
// Severity::color), so switching is one QApplication::setPalette() and the PaletteChange that follows.
//
// Qt 6.4 has no colour-scheme hint (QStyleHints::colorScheme arrived in 6.5), so "follow the desktop"
// reads the palette the platform theme gave the application at start, and GTK_THEME's ":dark" suffix.
class Theme
{
    Q_DECLARE_TR_FUNCTIONS(Theme)

public:
    // Remembers the platform's own palette. Call once, after the QApplication exists and before apply().
    static void captureSystemPalette();
    static bool systemPrefersDark();

    static void apply(ThemeChoice choice);
    static ThemeChoice current();
    // Whether the palette now in use is dark (what apply() chose for System).
    static bool isDarkActive();

    static ThemeChoice load(const QSettings& settings);
    static void save(QSettings& settings, ThemeChoice choice);

    static QPalette lightPalette();
    static QPalette darkPalette();

    static QString key(ThemeChoice choice);
    static ThemeChoice fromKey(QStringView key);
    static QString displayName(ThemeChoice choice);
};

} // namespace vigil::ui

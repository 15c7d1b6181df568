// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QIcon>
#include <QPalette>
#include <QString>

namespace vigil::ui {

// The console's line icons (resources/ui-icons, drawn in black). Each is recoloured for the palette —
// the text colour in light and dark themes alike, dimmed when disabled — and rendered as crisp pixmaps
// at 1x and 2x, so buttons and menus stay sharp on high-DPI screens. Widgets ask again on PaletteChange.
class Icons
{
public:
    // `name` is the file name without ".svg", e.g. "suspend"; an unknown name gives a null icon.
    static QIcon get(const QString& name, const QPalette& palette);
    static QStringList names();
    // Vigil's own icon (the shield with the eye), for windows and the tray.
    static QIcon appIcon();
};

} // namespace vigil::ui

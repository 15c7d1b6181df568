// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QMainWindow;
class QSettings;

namespace vigil::ui {

// Remembers how the analyst arranged the console: the window's geometry, docks and toolbars, every
// named QSplitter's sizes, every named QHeaderView's column order, widths, hidden columns and sort,
// and every named QTabWidget's current tab. Saved per window object name under "layout/…", so a
// second kind of window never restores into the wrong widgets.
//
// Widgets take part by having an objectName; a splitter or header whose saved state no longer fits
// (a column was added in a newer version) is left at its defaults rather than half-restored.
class WindowLayout
{
public:
    static void save(const QMainWindow& window, QSettings& settings);
    // Returns false when nothing was saved yet (the first start keeps the built-in proportions).
    static bool restore(QMainWindow& window, const QSettings& settings);
    static void forget(const QMainWindow& window, QSettings& settings);

    // Bumped when the console's layout changes so much that an old saved state would look broken.
    static constexpr int kVersion = 1;

private:
    static QString prefix(const QMainWindow& window);
};

} // namespace vigil::ui

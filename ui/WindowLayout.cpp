// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/WindowLayout.h"

#include <QHeaderView>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>

namespace vigil::ui {

namespace {

// Children worth remembering: named ones only, since names are the keys.
template <class Widget> QList<Widget*> named(const QMainWindow& window)
{
    QList<Widget*> found;
    for (Widget* w : window.findChildren<Widget*>()) {
        if (!w->objectName().isEmpty()) found.append(w);
    }
    return found;
}

} // namespace

QString WindowLayout::prefix(const QMainWindow& window)
{
    const QString name = window.objectName().isEmpty() ? QStringLiteral("window") : window.objectName();
    return QStringLiteral("layout/%1/").arg(name);
}

void WindowLayout::save(const QMainWindow& window, QSettings& settings)
{
    const QString p = prefix(window);
    settings.setValue(p + QStringLiteral("version"), kVersion);
    settings.setValue(p + QStringLiteral("geometry"), window.saveGeometry());
    settings.setValue(p + QStringLiteral("state"), window.saveState(kVersion));
    for (const QSplitter* s : named<QSplitter>(window))
        settings.setValue(p + QStringLiteral("splitter/") + s->objectName(), s->saveState());
    for (const QHeaderView* h : named<QHeaderView>(window)) {
        settings.setValue(p + QStringLiteral("header/") + h->objectName(), h->saveState());
        settings.setValue(p + QStringLiteral("header/") + h->objectName() + QStringLiteral("-columns"), h->count());
    }
    for (const QTabWidget* t : named<QTabWidget>(window))
        settings.setValue(p + QStringLiteral("tab/") + t->objectName(), t->currentIndex());
}

bool WindowLayout::restore(QMainWindow& window, const QSettings& settings)
{
    const QString p = prefix(window);
    if (settings.value(p + QStringLiteral("version")).toInt() != kVersion) return false;
    window.restoreGeometry(settings.value(p + QStringLiteral("geometry")).toByteArray());
    window.restoreState(settings.value(p + QStringLiteral("state")).toByteArray(), kVersion);
    for (QSplitter* s : named<QSplitter>(window)) {
        const QVariant state = settings.value(p + QStringLiteral("splitter/") + s->objectName());
        if (state.isValid()) s->restoreState(state.toByteArray());
    }
    for (QHeaderView* h : named<QHeaderView>(window)) {
        const QString key = p + QStringLiteral("header/") + h->objectName();
        const QVariant state = settings.value(key);
        // A header saved with another column count (an older or newer Vigil) would come back with
        // columns missing or shifted: keep the defaults instead.
        if (!state.isValid() || settings.value(key + QStringLiteral("-columns")).toInt() != h->count()) continue;
        h->restoreState(state.toByteArray());
    }
    for (QTabWidget* t : named<QTabWidget>(window)) {
        const int index = settings.value(p + QStringLiteral("tab/") + t->objectName(), -1).toInt();
        if (index >= 0 && index < t->count()) t->setCurrentIndex(index);
    }
    return true;
}

void WindowLayout::forget(const QMainWindow& window, QSettings& settings)
{
    settings.remove(prefix(window).chopped(1));
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/Theme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

#include <optional>

namespace vigil::ui {

namespace {

std::optional<QPalette>& systemPalette()
{
    static std::optional<QPalette> palette;
    return palette;
}

ThemeChoice& currentChoice()
{
    static ThemeChoice choice = ThemeChoice::System;
    return choice;
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

const QString kSettingsKey = QStringLiteral("ui/theme");

} // namespace

void Theme::captureSystemPalette()
{
    if (!systemPalette()) systemPalette() = QApplication::palette();
}

bool Theme::systemPrefersDark()
{
    // GTK_THEME=Adwaita:dark is how GNOME users force a dark variant per application.
    const QByteArray gtkTheme = qgetenv("GTK_THEME");
    if (gtkTheme.endsWith(":dark")) return true;
    return systemPalette() && isDarkPalette(*systemPalette());
}

QPalette Theme::lightPalette()
{
    QPalette p = QStyleFactory::create(QStringLiteral("Fusion"))->standardPalette();
    // Fusion's own light palette, with a calmer highlight than its saturated default.
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb7));
    p.setColor(QPalette::Link, QColor(0x1f, 0x5f, 0xa8));
    return p;
}

QPalette Theme::darkPalette()
{
    // Dark greys rather than black, so severity colours and the map's land keep their contrast, and
    // disabled text stays readable on a night shift.
    const QColor window(0x25, 0x27, 0x2b);
    const QColor base(0x1b, 0x1d, 0x20);
    const QColor alternate(0x22, 0x25, 0x29);
    const QColor text(0xe4, 0xe6, 0xea);
    const QColor dimText(0x8c, 0x91, 0x99);
    const QColor button(0x30, 0x33, 0x38);
    const QColor highlight(0x3d, 0x7e, 0xd0);

    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, alternate);
    p.setColor(QPalette::ToolTipBase, QColor(0x32, 0x35, 0x3a));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dimText);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x3c, 0x40, 0x46));
    p.setColor(QPalette::Midlight, QColor(0x34, 0x37, 0x3c));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2d, 0x31));
    p.setColor(QPalette::Dark, QColor(0x16, 0x17, 0x1a));
    p.setColor(QPalette::Shadow, QColor(0x0c, 0x0d, 0x0e));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb4, 0xf5));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xf0));
    for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, dimText);
    }
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}

void Theme::apply(ThemeChoice choice)
{
    captureSystemPalette();
    currentChoice() = choice;
    const bool dark = choice == ThemeChoice::Dark || (choice == ThemeChoice::System && systemPrefersDark());
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0) {
        QApplication::setStyle(QStringLiteral("Fusion"));
    }
    QApplication::setPalette(dark ? darkPalette() : lightPalette());
}

ThemeChoice Theme::current()
{
    return currentChoice();
}

bool Theme::isDarkActive()
{
    return isDarkPalette(QApplication::palette());
}

ThemeChoice Theme::load(const QSettings& settings)
{
    return fromKey(settings.value(kSettingsKey).toString());
}

void Theme::save(QSettings& settings, ThemeChoice choice)
{
    settings.setValue(kSettingsKey, key(choice));
}

QString Theme::key(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    case ThemeChoice::System:
        break;
    }
    return QStringLiteral("system");
}

ThemeChoice Theme::fromKey(QStringView key)
{
    if (key == QLatin1String("light")) return ThemeChoice::Light;
    if (key == QLatin1String("dark")) return ThemeChoice::Dark;
    return ThemeChoice::System;
}

QString Theme::displayName(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light:
        return tr("&Light");
    case ThemeChoice::Dark:
        return tr("&Dark");
    case ThemeChoice::System:
        break;
    }
    return tr("Follow the &system");
}

} // namespace vigil::ui

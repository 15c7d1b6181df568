// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/Icons.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

// A resource in a static library is only registered when its initialiser is referenced, outside any namespace.
static void initIconResource()
{
    Q_INIT_RESOURCE(ui_icons);
    Q_INIT_RESOURCE(app_icon);
}

namespace vigil::ui {

namespace {

void ensureResource()
{
    static const bool once = (initIconResource(), true);
    Q_UNUSED(once)
}

QByteArray svgSource(const QString& name)
{
    ensureResource();
    static QHash<QString, QByteArray> cache;
    const auto it = cache.constFind(name);
    if (it != cache.cend()) return *it;
    QFile file(QStringLiteral(":/vigil/icons/%1.svg").arg(name));
    const QByteArray source = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    cache.insert(name, source);
    return source;
}

QPixmap render(const QByteArray& svg, int size, qreal dpr)
{
    QSvgRenderer renderer(svg);
    QPixmap pixmap(QSize(size, size) * dpr);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        renderer.render(&painter);
    }
    pixmap.setDevicePixelRatio(dpr);
    return pixmap;
}

QByteArray recoloured(const QByteArray& svg, const QColor& ink, const QColor& paper)
{
    QByteArray out = svg;
    out.replace("#000000", ink.name(QColor::HexRgb).toLatin1());
    out.replace("#ffffff", paper.name(QColor::HexRgb).toLatin1());
    return out;
}

} // namespace

QIcon Icons::get(const QString& name, const QPalette& palette)
{
    const QByteArray source = svgSource(name);
    if (source.isEmpty()) return {};
    const QColor ink = palette.color(QPalette::Active, QPalette::ButtonText);
    const QColor dim = palette.color(QPalette::Disabled, QPalette::ButtonText);
    const QColor paper = palette.color(QPalette::Active, QPalette::Button);

    static QHash<QString, QIcon> cache;
    const QString key = name + ink.name() + dim.name() + paper.name();
    const auto it = cache.constFind(key);
    if (it != cache.cend()) return *it;

    const QByteArray normal = recoloured(source, ink, paper);
    const QByteArray disabled = recoloured(source, dim, paper);
    QIcon icon;
    for (const int size : {16, 20, 24, 32, 48}) {
        for (const qreal dpr : {1.0, 2.0}) {
            icon.addPixmap(render(normal, size, dpr), QIcon::Normal);
            icon.addPixmap(render(disabled, size, dpr), QIcon::Disabled);
        }
    }
    cache.insert(key, icon);
    return icon;
}

QIcon Icons::appIcon()
{
    ensureResource();
    return QIcon(QStringLiteral(":/vigil/vigil.svg"));
}

QStringList Icons::names()
{
    ensureResource();
    QStringList names;
    for (const QString& file : QDir(QStringLiteral(":/vigil/icons")).entryList({QStringLiteral("*.svg")}))
        names.append(file.chopped(4));
    return names;
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/Severity.h"

#include "core/risk/Policy.h"

#include <QPainter>
#include <QPalette>

#include <array>
#include <cmath>

namespace vigil::ui {

SeverityThresholds SeverityThresholds::fromPolicy(const risk::Policy& policy)
{
    return {policy.number(u"severity.low"_qs), policy.number(u"severity.medium"_qs), policy.number(u"severity.high"_qs),
            policy.number(u"severity.critical"_qs)};
}

SeverityBand Severity::forRisk(double risk, const SeverityThresholds& t)
{
    if (risk >= t.critical) return SeverityBand::Critical;
    if (risk >= t.high) return SeverityBand::High;
    if (risk >= t.medium) return SeverityBand::Medium;
    if (risk >= t.low) return SeverityBand::Low;
    return SeverityBand::None;
}

SeverityBand Severity::fromKey(QStringView key)
{
    if (key.compare(u"critical", Qt::CaseInsensitive) == 0) return SeverityBand::Critical;
    if (key.compare(u"high", Qt::CaseInsensitive) == 0) return SeverityBand::High;
    if (key.compare(u"medium", Qt::CaseInsensitive) == 0) return SeverityBand::Medium;
    if (key.compare(u"low", Qt::CaseInsensitive) == 0) return SeverityBand::Low;
    return SeverityBand::None;
}

QString Severity::key(SeverityBand band)
{
    switch (band) {
    case SeverityBand::Critical:
        return QStringLiteral("critical");
    case SeverityBand::High:
        return QStringLiteral("high");
    case SeverityBand::Medium:
        return QStringLiteral("medium");
    case SeverityBand::Low:
        return QStringLiteral("low");
    case SeverityBand::None:
        break;
    }
    return QStringLiteral("none");
}

QString Severity::name(SeverityBand band)
{
    switch (band) {
    case SeverityBand::Critical:
        return tr("Critical");
    case SeverityBand::High:
        return tr("High");
    case SeverityBand::Medium:
        return tr("Medium");
    case SeverityBand::Low:
        return tr("Low");
    case SeverityBand::None:
        break;
    }
    //: Risk below the lowest severity band: ordinary traffic.
    return tr("Normal");
}

QColor Severity::color(SeverityBand band, bool darkTheme)
{
    // Hues step from green through amber and orange to red and also darken (light theme) or stay bright (dark
    // theme) towards critical, so the order survives a colour-vision deficiency; the marker shape carries the rest.
    // "Normal" is a desaturated slate blue, deliberately outside the warning hues.
    static constexpr std::array<QRgb, kSeverityBandCount> light{0xff5f7a94, 0xff2e7d32, 0xffb07800, 0xffe0560b,
                                                                0xffc62828};
    static constexpr std::array<QRgb, kSeverityBandCount> dark{0xff86a6c4, 0xff6cc070, 0xffffd54f, 0xffffa040,
                                                               0xffff5f5f};
    const auto index = static_cast<std::size_t>(band);
    return QColor::fromRgba((darkTheme ? dark : light).at(index));
}

QColor Severity::color(SeverityBand band, const QPalette& palette)
{
    return color(band, isDark(palette));
}

QColor Severity::textOn(SeverityBand band, bool darkTheme)
{
    const QColor fill = color(band, darkTheme);
    // Relative luminance (sRGB, linearised) decides; amber and light green need black, the rest white.
    const auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    const double luminance =
        0.2126 * linear(fill.redF()) + 0.7152 * linear(fill.greenF()) + 0.0722 * linear(fill.blueF());
    return luminance > 0.30 ? QColor(Qt::black) : QColor(Qt::white);
}

bool Severity::isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

SeverityMarker Severity::marker(SeverityBand band)
{
    switch (band) {
    case SeverityBand::Critical:
        return SeverityMarker::Diamond;
    case SeverityBand::High:
        return SeverityMarker::Triangle;
    case SeverityBand::Medium:
        return SeverityMarker::Square;
    case SeverityBand::Low:
        return SeverityMarker::Circle;
    case SeverityBand::None:
        break;
    }
    return SeverityMarker::SmallDot;
}

QString Severity::glyph(SeverityBand band)
{
    switch (marker(band)) {
    case SeverityMarker::Diamond:
        return QStringLiteral("\u25C6"); // ◆
    case SeverityMarker::Triangle:
        return QStringLiteral("\u25B2"); // ▲
    case SeverityMarker::Square:
        return QStringLiteral("\u25A0"); // ■
    case SeverityMarker::Circle:
        return QStringLiteral("\u25CF"); // ●
    case SeverityMarker::SmallDot:
        break;
    }
    return QStringLiteral("\u00B7"); // ·
}

QPainterPath Severity::markerPath(SeverityBand band, qreal size)
{
    const qreal r = size / 2;
    QPainterPath path;
    switch (marker(band)) {
    case SeverityMarker::Diamond:
        path.moveTo(0, -r);
        path.lineTo(r, 0);
        path.lineTo(0, r);
        path.lineTo(-r, 0);
        path.closeSubpath();
        break;
    case SeverityMarker::Triangle: {
        // Same area as the square would look too small; an equilateral triangle filling the box reads as big as the
        // others. The centroid sits slightly low so the triangle looks centred on its point.
        const qreal h = size * 0.9;
        path.moveTo(0, -h * 0.6);
        path.lineTo(r, h * 0.4);
        path.lineTo(-r, h * 0.4);
        path.closeSubpath();
        break;
    }
    case SeverityMarker::Square:
        path.addRect(QRectF(-r * 0.85, -r * 0.85, r * 1.7, r * 1.7));
        break;
    case SeverityMarker::Circle:
        path.addEllipse(QPointF(0, 0), r, r);
        break;
    case SeverityMarker::SmallDot:
        path.addEllipse(QPointF(0, 0), r * 0.75, r * 0.75);
        break;
    }
    return path;
}

void Severity::paintMarker(QPainter* painter, QPointF centre, qreal size, SeverityBand band, const QPalette& palette)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->translate(centre);
    QPen outline(palette.color(QPalette::Base), std::max<qreal>(1.0, size / 9));
    outline.setJoinStyle(Qt::MiterJoin);
    painter->setPen(outline);
    painter->setBrush(color(band, palette));
    painter->drawPath(markerPath(band, size));
    painter->restore();
}

} // namespace vigil::ui

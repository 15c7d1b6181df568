// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertQueueDelegate.h"

#include "ui/Severity.h"
#include "ui/queue/AlertFilterProxy.h"
#include "ui/queue/AlertQueueModel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QHeaderView>
#include <QPainter>
#include <QPainterPath>
#include <QTableView>

#include <algorithm>

namespace vigil::ui {

namespace {

QColor textColor(const QStyleOptionViewItem& option)
{
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group =
        (option.state & QStyle::State_Enabled)
            ? ((option.state & QStyle::State_Active) ? QPalette::Active : QPalette::Inactive)
            : QPalette::Disabled;
    return option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
}

QColor mix(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

// The cell's background (selection, brushes) without text: the parts drawn here go on top.
void paintPanel(QPainter* painter, QStyleOptionViewItem& option)
{
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    option.text.clear();
    option.icon = {};
    style->drawControl(QStyle::CE_ItemViewItem, &option, painter, widget);
}

QRect contentRect(const QStyleOptionViewItem& option)
{
    const int margin = 6;
    return option.rect.adjusted(margin, 0, -margin, 0);
}

} // namespace

AlertQueueDelegate::AlertQueueDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{
}

int AlertQueueDelegate::riskNumberWidth(const QFontMetrics& metrics)
{
    return metrics.horizontalAdvance(u"100"_qs);
}

int AlertQueueDelegate::sparklineWidth(const QFontMetrics& metrics)
{
    return metrics.horizontalAdvance(u"0000"_qs);
}

void AlertQueueDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    // The frame around the whole current row replaces the style's frame around one cell.
    opt.state &= ~QStyle::State_HasFocus;

    // A pending suspension is tinted across the row; its countdown, bold, and its status word say the same without
    // colour.
    if (index.data(AlertQueueModel::PendingRole).toBool() && !(opt.state & QStyle::State_Selected)) {
        QColor tint = Severity::color(SeverityBand::Critical, opt.palette);
        tint.setAlphaF(Severity::isDark(opt.palette) ? 0.22f : 0.12f);
        painter->fillRect(opt.rect, tint);
    }

    switch (index.column()) {
    case AlertQueueModel::SeverityColumn:
        paintSeverity(painter, opt, index);
        break;
    case AlertQueueModel::RiskColumn:
        paintRisk(painter, opt, index);
        break;
    case AlertQueueModel::DetectionsColumn:
        paintDetections(painter, opt, index);
        break;
    case AlertQueueModel::CountdownColumn:
        if (index.data(AlertQueueModel::PendingRole).toBool()) {
            paintCountdown(painter, opt, index);
            break;
        }
        [[fallthrough]];
    default: {
        if (index.column() == AlertQueueModel::UserColumn
            && index.data(AlertFilterProxy::GroupPositionRole).toInt() == AlertFilterProxy::GroupMember
            && !(opt.state & QStyle::State_Selected)) {
            // A further row of the user above: still readable, but the eye groups it with its head row.
            opt.palette.setColor(QPalette::Text, opt.palette.color(QPalette::PlaceholderText));
            opt.text = u"  "_qs + opt.text;
        }
        const QWidget* widget = opt.widget;
        QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        break;
    }
    }
    paintCurrentRowFrame(painter, opt, index);
}

void AlertQueueDelegate::paintSeverity(QPainter* painter,
                                       const QStyleOptionViewItem& option,
                                       const QModelIndex& index) const
{
    QStyleOptionViewItem opt(option);
    const QString word = opt.text;
    paintPanel(painter, opt);
    const auto band = SeverityBand(index.data(AlertQueueModel::SeverityBandRole).toInt());
    const QRect r = contentRect(option);
    const qreal size = std::min<qreal>(r.height() * 0.62, option.fontMetrics.height() * 0.8);
    Severity::paintMarker(painter, QPointF(r.left() + size / 2, r.center().y() + 0.5), size, band, option.palette);

    painter->save();
    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(selected ? textColor(option) : Severity::color(band, option.palette));
    painter->setFont(option.font);
    const QRect textRect = r.adjusted(int(size) + 6, 0, 0, 0);
    painter->drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(word, Qt::ElideRight, textRect.width()));
    painter->restore();
}

void AlertQueueDelegate::paintRisk(QPainter* painter,
                                   const QStyleOptionViewItem& option,
                                   const QModelIndex& index) const
{
    QStyleOptionViewItem opt(option);
    const QString number = opt.text;
    paintPanel(painter, opt);
    const QRect r = contentRect(option);
    const QFontMetrics& fm = option.fontMetrics;
    // Right-aligned numbers in a fixed box, sparklines after them: digits line up down the column.
    const int sparkWidth = sparklineWidth(fm);
    const QRect sparkRect(r.right() - sparkWidth + 1, r.top() + 4, sparkWidth, r.height() - 8);
    const QRect numberRect(r.left(), r.top(), sparkRect.left() - 6 - r.left(), r.height());

    painter->save();
    painter->setFont(option.font);
    painter->setPen(textColor(option));
    painter->drawText(numberRect, Qt::AlignRight | Qt::AlignVCenter, number);
    const QList<double> trend = index.data(AlertQueueModel::RiskTrendRole).value<QList<double>>();
    const auto band = SeverityBand(index.data(AlertQueueModel::SeverityBandRole).toInt());
    const bool selected = option.state & QStyle::State_Selected;
    paintSparkline(painter, sparkRect, trend, selected ? textColor(option) : Severity::color(band, option.palette));
    painter->restore();
}

void AlertQueueDelegate::paintSparkline(QPainter* painter,
                                        const QRectF& rect,
                                        const QList<double>& trend,
                                        const QColor& color)
{
    if (trend.isEmpty() || rect.width() < 4 || rect.height() < 3) return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const auto y = [&rect](double v) { return rect.bottom() - std::clamp(v, 0.0, 100.0) / 100.0 * rect.height(); };
    QPainterPath path;
    const qsizetype n = trend.size();
    const double step = n > 1 ? rect.width() / double(n - 1) : 0;
    QPointF last;
    for (qsizetype i = 0; i < n; ++i) {
        last = QPointF(n > 1 ? rect.left() + i * step : rect.right(), y(trend.at(i)));
        if (i == 0) {
            if (n == 1)
                path.moveTo(rect.left(), last.y());
            else
                path.moveTo(last);
        } else {
            path.lineTo(last);
        }
    }
    if (n == 1) path.lineTo(last);
    // A faint floor line gives the eye the scale's bottom.
    QColor floor = color;
    floor.setAlphaF(0.25f);
    painter->setPen(QPen(floor, 1));
    painter->drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()));
    painter->setPen(QPen(color, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawEllipse(last, 2.0, 2.0);
    painter->restore();
}

void AlertQueueDelegate::paintDetections(QPainter* painter,
                                         const QStyleOptionViewItem& option,
                                         const QModelIndex& index) const
{
    QStyleOptionViewItem opt(option);
    paintPanel(painter, opt);
    const QStringList labels = index.data(AlertQueueModel::DetectionLabelsRole).toStringList();
    if (labels.isEmpty()) return;

    const QFontMetrics& fm = option.fontMetrics;
    const QRect r = contentRect(option);
    const int padding = 5;
    const int gap = 4;
    const int chipHeight = std::min(r.height() - 4, fm.height() + 2);
    const int top = r.top() + (r.height() - chipHeight) / 2;
    const bool selected = option.state & QStyle::State_Selected;
    const QColor fg = textColor(option);
    const QColor chipFill = selected ? mix(option.palette.color(QPalette::Highlight), fg, 0.22)
                                     : mix(option.palette.color(QPalette::Base), option.palette.color(QPalette::Text),
                                           Severity::isDark(option.palette) ? 0.16 : 0.09);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setFont(option.font);
    int x = r.left();
    for (qsizetype i = 0; i < labels.size(); ++i) {
        const int width = fm.horizontalAdvance(labels.at(i)) + 2 * padding;
        // Keep room for "+N" unless this is the last chip.
        const qsizetype rest = labels.size() - i - 1;
        const int reserve = rest > 0 ? fm.horizontalAdvance(tr("+%1").arg(rest)) + gap : 0;
        if (x + width + reserve > r.right()) {
            painter->setPen(fg);
            //: More detection chips than fit in the cell; the tooltip lists them all.
            painter->drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                              tr("+%1").arg(labels.size() - i));
            break;
        }
        const QRectF chip(x, top, width, chipHeight);
        painter->setPen(Qt::NoPen);
        painter->setBrush(chipFill);
        painter->drawRoundedRect(chip, 3, 3);
        painter->setPen(fg);
        painter->drawText(chip, Qt::AlignCenter, labels.at(i));
        x += width + gap;
    }
    painter->restore();
}

void AlertQueueDelegate::paintCountdown(QPainter* painter,
                                        const QStyleOptionViewItem& option,
                                        const QModelIndex& index) const
{
    Q_UNUSED(index);
    QStyleOptionViewItem opt(option);
    const QString text = opt.text;
    paintPanel(painter, opt);
    const QRect r = contentRect(option);
    const bool selected = option.state & QStyle::State_Selected;
    const QColor color = selected ? textColor(option) : Severity::color(SeverityBand::Critical, option.palette);
    QFont font = option.font;
    font.setBold(true);
    const QFontMetrics fm(font);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setFont(font);
    painter->setPen(color);
    const int textWidth = fm.horizontalAdvance(text);
    painter->drawText(r, Qt::AlignRight | Qt::AlignVCenter, text);
    // A small clock before the time: the cell is a timer, not a number.
    const qreal d = fm.height() * 0.62;
    const QPointF c(r.right() - textWidth - 5 - d / 2, r.center().y() + 0.5);
    if (c.x() - d / 2 > r.left()) {
        painter->setPen(QPen(color, 1.4));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(c, d / 2, d / 2);
        painter->drawLine(c, c + QPointF(0, -d * 0.32));
        painter->drawLine(c, c + QPointF(d * 0.24, 0));
    }
    painter->restore();
}

void AlertQueueDelegate::paintCurrentRowFrame(QPainter* painter,
                                              const QStyleOptionViewItem& option,
                                              const QModelIndex& index) const
{
    const auto* view = qobject_cast<const QTableView*>(option.widget);
    if (!view || view->currentIndex().row() != index.row() || !view->hasFocus()) return;
    const QHeaderView* header = view->horizontalHeader();
    const int visual = header->visualIndex(index.column());
    const bool first = visual == 0;
    const bool last = visual == header->count() - 1;
    const bool selected = option.state & QStyle::State_Selected;
    QColor color =
        selected ? option.palette.color(QPalette::HighlightedText) : option.palette.color(QPalette::Highlight);
    painter->save();
    painter->setPen(QPen(color, 1));
    const QRect r = option.rect.adjusted(0, 0, -1, -1);
    painter->drawLine(r.topLeft(), r.topRight());
    painter->drawLine(r.bottomLeft(), r.bottomRight());
    if (first) painter->fillRect(QRect(r.left(), r.top(), 3, r.height() + 1), color);
    if (last) painter->drawLine(r.topRight(), r.bottomRight());
    painter->restore();
}

QSize AlertQueueDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(std::max(size.height(), option.fontMetrics.height() + 8));
    if (index.column() == AlertQueueModel::RiskColumn) {
        size.setWidth(12 + riskNumberWidth(option.fontMetrics) + 6 + sparklineWidth(option.fontMetrics));
    }
    return size;
}

} // namespace vigil::ui

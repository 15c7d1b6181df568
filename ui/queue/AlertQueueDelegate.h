// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace vigil::ui {

// Paints the queue's cells that are more than text: the severity marker and word (Severity.h: colour and shape),
// the risk number with its trend sparkline, detection chips, the ticking countdown, the tint of pending suspensions
// and a frame around the current row so keyboard focus is always visible. Text cells use the standard painting
// (elided, with the model's tooltip carrying the full text).
class AlertQueueDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertQueueDelegate)

public:
    explicit AlertQueueDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    // The trend as a line over a fixed 0–100 scale, so rows compare at a glance; the last sample gets a dot.
    static void paintSparkline(QPainter* painter, const QRectF& rect, const QList<double>& trend, const QColor& color);
    // Width of the number part of the risk cell, so numbers right-align in one column and sparklines line up.
    static int riskNumberWidth(const QFontMetrics& metrics);
    static int sparklineWidth(const QFontMetrics& metrics);

private:
    void paintSeverity(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
    void paintRisk(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
    void paintDetections(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
    void paintCountdown(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
    void paintCurrentRowFrame(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserActivityChart.h"

#include "ui/Severity.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLineSeries>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>

namespace vigil::ui {

using pipeline::UserProfileRequest;

UserActivityChart::UserActivityChart(QWidget* parent)
    : QWidget(parent)
    , m_spanMs(UserProfileRequest::kDayMs)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_success(new QLineSeries)
    , m_failure(new QLineSeries)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
{
    setObjectName(QStringLiteral("userActivityChart"));
    m_chart->setTitle(tr("Events per hour"));
    m_success->setName(tr("success"));
    m_failure->setName(tr("failure"));
    m_chart->addSeries(m_success);
    m_chart->addSeries(m_failure);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QLineSeries* s : {m_success, m_failure}) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    m_y->setLabelFormat(QStringLiteral("%d"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(150);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    applyColours();
    replot();
}

void UserActivityChart::setHours(const QList<pipeline::UserHour>& hours)
{
    m_hours = hours;
    replot();
}

void UserActivityChart::setSpan(qint64 spanMs)
{
    m_spanMs = std::max<qint64>(UserProfileRequest::kHourMs, spanMs);
    replot();
}

void UserActivityChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) applyColours();
}

void UserActivityChart::applyColours()
{
    const bool dark = Severity::isDark(palette());
    m_chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    m_chart->setBackgroundBrush(palette().base());
    // Failures in the critical colour, successes in a calm green; the legend names them too.
    QPen success(dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32));
    success.setWidthF(1.6);
    QPen failure(Severity::color(SeverityBand::Critical, dark));
    failure.setWidthF(2.0);
    m_success->setPen(success);
    m_failure->setPen(failure);
}

void UserActivityChart::replot()
{
    const qint64 hour = UserProfileRequest::kHourMs;
    const qsizetype wanted = std::max<qsizetype>(1, m_spanMs / hour);
    const QList<pipeline::UserHour> shown = m_hours.mid(std::max<qsizetype>(0, m_hours.size() - wanted));
    // Steps, not slopes: a count belongs to its whole hour.
    QList<QPointF> ok, failed;
    int top = 1;
    m_successes = m_failures = 0;
    for (const pipeline::UserHour& h : shown) {
        const double from = double(h.startMs), to = double(h.startMs + hour);
        ok << QPointF(from, h.success) << QPointF(to, h.success);
        failed << QPointF(from, h.failure) << QPointF(to, h.failure);
        top = std::max({top, h.success, h.failure});
        m_successes += h.success;
        m_failures += h.failure;
    }
    m_shownHours = int(shown.size());
    m_success->replace(ok);
    m_failure->replace(failed);
    if (!shown.isEmpty()) {
        m_x->setRange(QDateTime::fromMSecsSinceEpoch(shown.first().startMs),
                      QDateTime::fromMSecsSinceEpoch(shown.last().startMs + hour));
    }
    const bool week = shown.size() > 24;
    m_x->setFormat(week ? QStringLiteral("ddd d") : QStringLiteral("HH:mm"));
    m_x->setTickCount(week ? 8 : 7);
    // Whole numbers on the axis: the top rounded up to a multiple of four, with five ticks.
    m_y->setRange(0, (top + 3) / 4 * 4);
    m_y->setTickCount(5);
    m_chart->setTitle(week ? tr("Events per hour, last 7 days") : tr("Events per hour, last 24 hours"));
}

} // namespace vigil::ui

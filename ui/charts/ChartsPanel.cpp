// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/charts/ChartsPanel.h"

#include "ui/Severity.h"

#include <QAbstractAxis>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QHBoxLayout>
#include <QLegend>
#include <QLineSeries>
#include <QMap>
#include <QValueAxis>

namespace vigil::ui {

namespace {

constexpr int kSampleEveryMs = 10000; // a point every 10 s, an hour on screen
constexpr int kMaxSamples = 360;

QChartView* viewFor(QChart* chart, QWidget* parent)
{
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(220, 160);
    return view;
}

} // namespace

ChartsPanel::ChartsPanel(QWidget* parent)
    : QWidget(parent)
    , m_rateChart(new QChart)
    , m_success(new QLineSeries)
    , m_failure(new QLineSeries)
    , m_rateX(new QValueAxis)
    , m_rateY(new QValueAxis)
    , m_detectionChart(new QChart)
    , m_detectionSeries(new QBarSeries)
    , m_detectionSet(new QBarSet(tr("open alerts")))
    , m_detectionAxis(new QBarCategoryAxis)
    , m_detectionY(new QValueAxis)
    , m_riskChart(new QChart)
    , m_riskSet(new QBarSet(tr("users")))
    , m_riskY(new QValueAxis)
{
    setObjectName(QStringLiteral("chartsPanel"));
    m_rateChart->setTitle(tr("Sign-ins per minute"));
    m_success->setName(tr("success"));
    m_failure->setName(tr("failure"));
    m_rateChart->addSeries(m_success);
    m_rateChart->addSeries(m_failure);
    m_rateX->setTitleText(tr("minutes ago"));
    m_rateX->setRange(-60, 0);
    m_rateX->setLabelFormat(QStringLiteral("%d"));
    m_rateY->setRange(0, 10);
    m_rateY->setLabelFormat(QStringLiteral("%d"));
    m_rateChart->addAxis(m_rateX, Qt::AlignBottom);
    m_rateChart->addAxis(m_rateY, Qt::AlignLeft);
    for (QLineSeries* s : {m_success, m_failure}) {
        s->attachAxis(m_rateX);
        s->attachAxis(m_rateY);
    }

    m_detectionChart->setTitle(tr("Open alerts by detection"));
    m_detectionSeries->append(m_detectionSet);
    m_detectionChart->addSeries(m_detectionSeries);
    m_detectionChart->addAxis(m_detectionAxis, Qt::AlignBottom);
    m_detectionChart->addAxis(m_detectionY, Qt::AlignLeft);
    m_detectionSeries->attachAxis(m_detectionAxis);
    m_detectionSeries->attachAxis(m_detectionY);
    m_detectionY->setLabelFormat(QStringLiteral("%d"));
    m_detectionChart->legend()->hide();

    m_riskChart->setTitle(tr("Risk of the users at risk"));
    auto* riskSeries = new QBarSeries;
    riskSeries->append(m_riskSet);
    m_riskChart->addSeries(riskSeries);
    auto* riskX = new QBarCategoryAxis;
    // Short labels: the band's lower bound (the chart is narrow); the title says what they are.
    riskX->append({tr("<20"), tr("20+"), tr("40+"), tr("60+"), tr("80+")});
    m_riskChart->addAxis(riskX, Qt::AlignBottom);
    m_riskChart->addAxis(m_riskY, Qt::AlignLeft);
    riskSeries->attachAxis(riskX);
    riskSeries->attachAxis(m_riskY);
    m_riskY->setLabelFormat(QStringLiteral("%d"));
    m_riskChart->legend()->hide();
    for (int i = 0; i < 5; ++i)
        m_riskSet->append(0);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(viewFor(m_rateChart, this), 2);
    layout->addWidget(viewFor(m_detectionChart, this), 2);
    layout->addWidget(viewFor(m_riskChart, this), 1);
    applyPalette();
}

void ChartsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyPalette();
}

void ChartsPanel::applyPalette()
{
    const QPalette& pal = palette();
    const QColor text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.15f);
    QColor axisLine = text;
    axisLine.setAlphaF(0.45f);
    for (QChart* chart : {m_rateChart, m_detectionChart, m_riskChart}) {
        chart->setBackgroundBrush(pal.brush(QPalette::Base));
        chart->setBackgroundPen(Qt::NoPen);
        chart->setTitleBrush(text);
        chart->legend()->setLabelColor(text);
        for (QAbstractAxis* axis : chart->axes()) {
            axis->setLabelsColor(text);
            axis->setLinePenColor(axisLine);
            axis->setGridLineColor(grid);
            axis->setTitleBrush(text);
        }
    }
    // Failures in the critical colour, successes in the calm accent; bars in the band colours they count.
    m_success->setColor(pal.color(QPalette::Highlight));
    m_failure->setColor(Severity::color(SeverityBand::Critical, pal));
    m_detectionSet->setColor(Severity::color(SeverityBand::High, pal));
    m_detectionSet->setBorderColor(Qt::transparent);
    m_riskSet->setColor(Severity::color(SeverityBand::Medium, pal));
    m_riskSet->setBorderColor(Qt::transparent);
}

int ChartsPanel::signInSamples() const
{
    return m_samples;
}

QStringList ChartsPanel::detectionCategories() const
{
    return m_detectionAxis->categories();
}

void ChartsPanel::applySnapshot(const pipeline::ConsoleSnapshot& s)
{
    // Sign-in rates: one sample every ten seconds, the x axis in minutes before now.
    if (s.wallMs - m_lastSampleMs >= kSampleEveryMs) {
        m_lastSampleMs = s.wallMs;
        const auto shift = [](QLineSeries* series, double value) {
            QList<QPointF> points = series->points();
            for (QPointF& p : points)
                p.setX(p.x() - kSampleEveryMs / 60000.0);
            points.append(QPointF(0, value));
            while (points.size() > kMaxSamples)
                points.removeFirst();
            series->replace(points);
        };
        shift(m_success, s.signInsLastMinute);
        shift(m_failure, s.failuresLastMinute);
        ++m_samples;
        double top = 10;
        for (const QPointF& p : m_success->points())
            top = std::max(top, p.y());
        m_rateY->setRange(0, top * 1.1);
    }
    // Open alerts by detection.
    QMap<QString, int> byDetection;
    for (const pipeline::ConsoleAlert& a : s.alerts) {
        if (a.state == u"resolved" || a.state == u"false_positive") continue;
        for (const QString& d : a.detections)
            ++byDetection[d];
    }
    if (byDetection.keys() != m_detectionAxis->categories()) {
        m_detectionAxis->clear();
        m_detectionAxis->append(byDetection.keys());
    }
    m_detectionSet->remove(0, m_detectionSet->count());
    int most = 1;
    for (int n : std::as_const(byDetection)) {
        m_detectionSet->append(n);
        most = std::max(most, n);
    }
    m_detectionY->setRange(0, most);
    m_detectionY->setTickCount(std::min(most, 5) + 1);
    // Risk spread over the users the board shows.
    int buckets[5] = {};
    for (const pipeline::ConsoleUser& u : s.topUsers)
        ++buckets[std::clamp(int(u.risk) / 20, 0, 4)];
    int tallest = 1;
    for (int i = 0; i < 5; ++i) {
        m_riskSet->replace(i, buckets[i]);
        tallest = std::max(tallest, buckets[i]);
    }
    m_riskY->setRange(0, tallest);
}

} // namespace vigil::ui

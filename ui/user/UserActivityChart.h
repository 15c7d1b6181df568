// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/UserProfile.h"

#include <QWidget>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace vigil::ui {

// The user's events per hour (event time), successes and failures, over the last day or week of the
// loaded window. Qt Charts, like ui/charts/ChartsPanel.
class UserActivityChart final : public QWidget
{
    Q_OBJECT

public:
    explicit UserActivityChart(QWidget* parent = nullptr);

    // Every hour of the loaded window, oldest first.
    void setHours(const QList<pipeline::UserHour>& hours);
    // How much of it to show, ending at the newest hour: a day or a week.
    void setSpan(qint64 spanMs);
    qint64 span() const { return m_spanMs; }

    // What is plotted (tests): hours on screen and the sums of their counts.
    int shownHours() const { return m_shownHours; }
    int shownSuccesses() const { return m_successes; }
    int shownFailures() const { return m_failures; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void replot();
    void applyColours();

    QList<pipeline::UserHour> m_hours;
    qint64 m_spanMs;
    int m_shownHours = 0;
    int m_successes = 0;
    int m_failures = 0;
    QChart* m_chart;
    QChartView* m_view;
    QLineSeries* m_success;
    QLineSeries* m_failure;
    QDateTimeAxis* m_x;
    QValueAxis* m_y;
};

} // namespace vigil::ui

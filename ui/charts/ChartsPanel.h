// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"

#include <QWidget>

class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QChart;
class QLineSeries;
class QValueAxis;

namespace vigil::ui {

// Qt Charts over the core's snapshots: sign-ins per minute (success and failure) for the last hour,
// open alerts by detection, and how risk is spread over the users at risk.
class ChartsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ChartsPanel(QWidget* parent = nullptr);

    void applySnapshot(const pipeline::ConsoleSnapshot& snapshot);
    int signInSamples() const;
    QStringList detectionCategories() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    // Chart backgrounds, text and series colours from the palette, so the charts follow the theme.
    void applyPalette();

    QChart* m_rateChart;
    QLineSeries* m_success;
    QLineSeries* m_failure;
    QValueAxis* m_rateX;
    QValueAxis* m_rateY;
    QChart* m_detectionChart;
    QBarSeries* m_detectionSeries;
    QBarSet* m_detectionSet;
    QBarCategoryAxis* m_detectionAxis;
    QValueAxis* m_detectionY;
    QChart* m_riskChart;
    QBarSet* m_riskSet;
    QValueAxis* m_riskY;
    qint64 m_lastSampleMs = 0;
    int m_samples = 0;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/firstrun/MonitorModeBanner.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace vigil::ui {

MonitorModeBanner::MonitorModeBanner(QWidget* parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_settings(new QPushButton(tr("Open &settings…"), this))
    , m_hide(new QPushButton(tr("&Hide"), this))
{
    setObjectName(QStringLiteral("monitorModeBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setAccessibleName(tr("Monitor mode"));
    m_text->setObjectName(QStringLiteral("monitorModeText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setText(tr("<b>Monitor mode.</b> Vigil scores risk, opens alerts and records what it would do, but "
                       "changes nothing in Okta: no step-up, no session ended, no account suspended. To let it act, "
                       "open Settings → Automation → Mode and choose Enforce; Vigil asks you to type the org's name "
                       "first."));
    m_settings->setObjectName(QStringLiteral("monitorModeSettingsButton"));
    m_hide->setObjectName(QStringLiteral("monitorModeHideButton"));
    m_hide->setToolTip(tr("Hide until Vigil restarts; the status bar still shows the mode."));
    auto* icon = new QLabel(this);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxInformation).pixmap(size, size));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_settings, 0, Qt::AlignVCenter);
    layout->addWidget(m_hide, 0, Qt::AlignVCenter);
    connect(m_settings, &QPushButton::clicked, this, &MonitorModeBanner::settingsRequested);
    connect(m_hide, &QPushButton::clicked, this, [this] {
        m_dismissed = true;
        hide();
        emit dismissedForSession();
    });
    applyColours();
    hide(); // until a mode is known
}

void MonitorModeBanner::setMode(const QString& mode)
{
    m_mode = mode;
    setVisible(mode == u"monitor" && !m_dismissed);
}

void MonitorModeBanner::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyColours();
}

void MonitorModeBanner::applyColours()
{
    // Informational, not alarming: a light tint of the highlight colour over the window background,
    // derived from the palette so it reads in light and dark themes alike.
    // The source colours come from the application's palette, not from this widget's own (tinted) one.
    const QPalette source = QApplication::palette(this);
    const QColor base = source.color(QPalette::Window);
    const QColor tint = source.color(QPalette::Highlight);
    const auto mix = [](int a, int b) { return (a * 82 + b * 18) / 100; };
    const QColor band(mix(base.red(), tint.red()), mix(base.green(), tint.green()), mix(base.blue(), tint.blue()));
    QPalette p = palette();
    if (p.color(QPalette::Window) == band) return; // setPalette() calls changeEvent() again: stop there
    p.setColor(QPalette::Window, band);
    setPalette(p);
}

} // namespace vigil::ui

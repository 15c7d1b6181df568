// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"
#include "ui/Severity.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;

namespace vigil::ui {

// The selected alert, answering in order: who is this, why the score, and what the automation does
// next and when — with the analyst's choices (hold, suspend now, cancel the suspension, resolve).
class AlertDetailPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit AlertDetailPanel(QWidget* parent = nullptr);

    void setAlert(const std::optional<pipeline::ConsoleAlert>& alert);
    void setNow(qint64 wallMs); // the countdown ticks between snapshots
    void setThresholds(const SeverityThresholds& thresholds) { m_thresholds = thresholds; }
    const std::optional<pipeline::ConsoleAlert>& alert() const { return m_alert; }

signals:
    // ack, suspend, override, resolve, false-positive — the main window asks for reasons and confirms.
    void actionRequested(const QString& action, const QString& alertId);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyIcons();
    void refresh();

    std::optional<pipeline::ConsoleAlert> m_alert;
    qint64 m_now = 0;
    SeverityThresholds m_thresholds;
    QLabel* m_title;
    QLabel* m_who;
    QLabel* m_why;
    QLabel* m_next;
    QPushButton* m_hold;
    QPushButton* m_suspend;
    QPushButton* m_cancel;
    QPushButton* m_resolve;
    QPushButton* m_falsePositive;
};

// "11:42" for a countdown; "0:00" once it is due.
QString formatCountdown(qint64 msLeft);

} // namespace vigil::ui

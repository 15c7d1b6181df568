// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"
#include "ui/Severity.h"

#include <QWidget>

namespace vigil::ui {

// The live risk board: users by current risk, each with a bar, a small trend sparkline, detection
// chips and the last place. Painted directly (one row per user, at most fifty) so that ten updates a
// second cost nothing; clicking a row opens the user.
class RiskBoard final : public QWidget
{
    Q_OBJECT

public:
    explicit RiskBoard(QWidget* parent = nullptr);

    void setUsers(const QList<pipeline::ConsoleUser>& users, int usersWatched);
    void setThresholds(const SeverityThresholds& thresholds) { m_thresholds = thresholds; }
    const QList<pipeline::ConsoleUser>& users() const { return m_users; }
    // The user drawn at `pos`, if any (tests and clicks).
    QString userAt(QPoint pos) const;
    QSize sizeHint() const override;

signals:
    void userActivated(const QString& user);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    int rowHeight() const;
    int headerHeight() const;

    QList<pipeline::ConsoleUser> m_users;
    int m_watched = 0;
    int m_hover = -1;
    SeverityThresholds m_thresholds;
};

} // namespace vigil::ui

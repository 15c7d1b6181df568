// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/RiskBoard.h"

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace vigil::ui {

RiskBoard::RiskBoard(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("riskBoard"));
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Risk board: users by current risk"));
}

int RiskBoard::rowHeight() const
{
    return fontMetrics().height() + 8;
}

int RiskBoard::headerHeight() const
{
    return fontMetrics().height() + 10;
}

QSize RiskBoard::sizeHint() const
{
    return {360, headerHeight() + rowHeight() * 8};
}

void RiskBoard::setUsers(const QList<pipeline::ConsoleUser>& users, int usersWatched)
{
    m_users = users;
    m_watched = usersWatched;
    update();
}

QString RiskBoard::userAt(QPoint pos) const
{
    const int row = (pos.y() - headerHeight()) / rowHeight();
    if (pos.y() < headerHeight() || row < 0 || row >= m_users.size()) return {};
    return m_users.at(row).user;
}

void RiskBoard::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.base());
    const QFontMetrics fm = fontMetrics();
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::WindowText));
    const QString title = tr("RISK BOARD · %n user(s) at risk", nullptr, int(m_users.size()));
    p.drawText(QRect(8, 0, width() - 16, headerHeight()), Qt::AlignVCenter | Qt::AlignLeft, title);
    p.setFont(font());
    if (m_users.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(8, headerHeight(), -8, 0), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Nobody is at risk. Vigil is watching %1 users.").arg(QLocale().toString(m_watched)));
        return;
    }
    const int rh = rowHeight();
    const int nameW = std::min(width() / 3, fm.horizontalAdvance(QLatin1Char('m')) * 16);
    const int scoreW = fm.horizontalAdvance(QStringLiteral("100")) + 6;
    const int barW = std::max(40, width() / 5);
    const int sparkW = 60;
    for (int i = 0; i < m_users.size(); ++i) {
        const pipeline::ConsoleUser& u = m_users.at(i);
        const int y = headerHeight() + i * rh;
        if (y > height()) break;
        const QRect row(0, y, width(), rh);
        if (i == m_hover) p.fillRect(row, pal.alternateBase());
        const SeverityBand band = Severity::forRisk(u.risk, m_thresholds);
        int x = 8;
        Severity::paintMarker(&p, QPointF(x + 5, y + rh / 2.0), 10, band, pal);
        x += 16;
        p.setPen(pal.color(QPalette::Text));
        const QString name = u.user.section(u'@', 0, 0);
        p.drawText(QRect(x, y, nameW, rh), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(name, Qt::ElideRight, nameW));
        x += nameW + 4;
        p.drawText(QRect(x, y, scoreW, rh), Qt::AlignVCenter | Qt::AlignRight, QString::number(qRound(u.risk)));
        x += scoreW + 6;
        // Bar: the score out of 100, in the band's colour.
        const QRect bar(x, y + rh / 2 - 4, barW, 8);
        p.fillRect(bar, pal.alternateBase());
        p.fillRect(
            QRect(bar.left(), bar.top(), int(bar.width() * std::clamp(u.risk, 0.0, 100.0) / 100.0), bar.height()),
            Severity::color(band, pal));
        x += barW + 8;
        // Sparkline of the recent trend.
        if (u.trend.size() >= 2) {
            QPolygonF line;
            for (int k = 0; k < u.trend.size(); ++k) {
                line << QPointF(x + k * (sparkW - 1.0) / (u.trend.size() - 1),
                                y + rh - 3 - (rh - 6) * std::clamp(u.trend.at(k), 0.0, 100.0) / 100.0);
            }
            p.setRenderHint(QPainter::Antialiasing, true);
            p.setPen(QPen(Severity::color(band, pal), 1.5));
            p.drawPolyline(line);
            p.setRenderHint(QPainter::Antialiasing, false);
        }
        x += sparkW + 8;
        // Detection chips and the last place, as far as room allows.
        p.setPen(pal.color(QPalette::PlaceholderText));
        const QString rest =
            u.detections.join(u" · ") + (u.lastPlace.isEmpty() ? QString() : QStringLiteral("  —  ") + u.lastPlace);
        p.drawText(QRect(x, y, width() - x - 8, rh), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(rest, Qt::ElideRight, width() - x - 8));
    }
}

void RiskBoard::mouseReleaseEvent(QMouseEvent* event)
{
    const QString user = userAt(event->position().toPoint());
    if (!user.isEmpty()) emit userActivated(user);
}

void RiskBoard::mouseMoveEvent(QMouseEvent* event)
{
    const int row =
        event->position().y() < headerHeight() ? -1 : int((event->position().y() - headerHeight()) / rowHeight());
    const int hover = row >= 0 && row < m_users.size() ? row : -1;
    if (hover != m_hover) {
        m_hover = hover;
        setCursor(hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

bool RiskBoard::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString user = userAt(help->pos());
        for (const pipeline::ConsoleUser& u : std::as_const(m_users)) {
            if (u.user != user) continue;
            QToolTip::showText(help->globalPos(),
                               tr("%1\nrisk %2 (%3)\n%4\nlast seen at %5")
                                   .arg(u.user)
                                   .arg(qRound(u.risk))
                                   .arg(Severity::name(Severity::forRisk(u.risk, m_thresholds)),
                                        u.detections.join(u", "), u.lastPlace),
                               this);
            return true;
        }
        QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace vigil::ui

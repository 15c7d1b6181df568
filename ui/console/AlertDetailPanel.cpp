// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/AlertDetailPanel.h"

#include "ui/Icons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace vigil::ui {

QString formatCountdown(qint64 msLeft)
{
    const qint64 s = std::max<qint64>(0, (msLeft + 999) / 1000);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

namespace {

QLabel* makeLabel(QWidget* parent, const QString& name)
{
    auto* l = new QLabel(parent);
    l->setObjectName(name);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return l;
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

} // namespace

AlertDetailPanel::AlertDetailPanel(QWidget* parent)
    : QWidget(parent)
    , m_title(makeLabel(this, QStringLiteral("detailTitle")))
    , m_who(makeLabel(this, QStringLiteral("detailWho")))
    , m_why(makeLabel(this, QStringLiteral("detailWhy")))
    , m_next(makeLabel(this, QStringLiteral("detailNext")))
    , m_hold(new QPushButton(tr("&Hold (acknowledge)"), this))
    , m_suspend(new QPushButton(tr("&Suspend now…"), this))
    , m_cancel(new QPushButton(tr("&Cancel suspension…"), this))
    , m_resolve(new QPushButton(tr("&Resolve"), this))
    , m_falsePositive(new QPushButton(tr("&False positive…"), this))
{
    setObjectName(QStringLiteral("alertDetail"));
    m_hold->setObjectName(QStringLiteral("holdButton"));
    m_suspend->setObjectName(QStringLiteral("suspendButton"));
    m_cancel->setObjectName(QStringLiteral("cancelSuspensionButton"));
    m_resolve->setObjectName(QStringLiteral("resolveButton"));
    m_falsePositive->setObjectName(QStringLiteral("falsePositiveButton"));
    m_hold->setToolTip(tr("Stops the auto-suspension countdown; the alert stays open with you as its owner."));
    m_suspend->setToolTip(tr("Suspends the Okta account now and ends its sessions (asks first)."));
    m_cancel->setToolTip(tr("Cancels the pending suspension; a reason is required."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->addWidget(m_title);
    layout->addWidget(m_who);
    layout->addWidget(m_why, 1);
    layout->addWidget(m_next);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_hold, m_suspend, m_cancel, m_resolve, m_falsePositive})
        buttons->addWidget(b);
    buttons->addStretch();
    layout->addLayout(buttons);
    applyIcons();
    const auto request = [this](const QString& action) {
        if (m_alert) emit actionRequested(action, m_alert->alertId);
    };
    connect(m_hold, &QPushButton::clicked, this, [request] { request(u"ack"_qs); });
    connect(m_suspend, &QPushButton::clicked, this, [request] { request(u"suspend"_qs); });
    connect(m_cancel, &QPushButton::clicked, this, [request] { request(u"override"_qs); });
    connect(m_resolve, &QPushButton::clicked, this, [request] { request(u"resolve"_qs); });
    connect(m_falsePositive, &QPushButton::clicked, this, [request] { request(u"false-positive"_qs); });
    refresh();
}

void AlertDetailPanel::setAlert(const std::optional<pipeline::ConsoleAlert>& alert)
{
    m_alert = alert;
    refresh();
}

void AlertDetailPanel::setNow(qint64 wallMs)
{
    m_now = wallMs;
    if (m_alert && m_alert->deadlineMs >= 0) refresh();
}

void AlertDetailPanel::refresh()
{
    const bool has = m_alert.has_value();
    for (QPushButton* b : {m_hold, m_suspend, m_cancel, m_resolve, m_falsePositive})
        b->setVisible(has);
    if (!has) {
        m_title->setText(tr("<b>No alert selected</b>"));
        m_who->setText(tr("Select an alert in the queue to see why it scored and what happens next."));
        m_why->clear();
        m_next->clear();
        return;
    }
    const pipeline::ConsoleAlert& a = *m_alert;
    const SeverityBand band = Severity::fromKey(a.severity);
    const QColor colour = Severity::color(band, palette());
    m_title->setText(QStringLiteral("<span style='font-size:large'><b>%1</b></span>&nbsp;&nbsp;"
                                    "<span style='color:%2'>%3</span> <b>%4</b> %5")
                         .arg(esc(a.user), colour.name(), Severity::glyph(band))
                         .arg(qRound(a.peakRisk))
                         .arg(esc(Severity::name(band))));
    QStringList who;
    const QString title = a.profile.value(u"title").toString();
    const QString dept = a.profile.value(u"department").toString();
    const QString manager = a.profile.value(u"manager").toString();
    if (!a.profile.value(u"displayName").toString().isEmpty()) who << esc(a.profile.value(u"displayName").toString());
    if (!title.isEmpty()) who << esc(title);
    if (!dept.isEmpty()) who << esc(dept);
    if (!manager.isEmpty()) who << tr("reports to %1").arg(esc(manager));
    if (who.isEmpty()) who << tr("profile not read from Okta yet");
    m_who->setText(who.join(QStringLiteral(" · ")) + QStringLiteral("<br><small>")
                   + tr("from %1%2")
                         .arg(esc(a.sourceIps.join(u", ")),
                              a.country.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(esc(a.country)))
                   + QStringLiteral("</small>"));
    QString why = tr("<b>WHY %1</b>").arg(qRound(a.peakRisk)) + QStringLiteral("<ul style='margin-left:-20px'>");
    for (const QString& r : a.reasons)
        why += QStringLiteral("<li>%1</li>").arg(esc(r));
    why += QStringLiteral("</ul>");
    m_why->setText(why);

    const bool pending = a.state == u"suspension_pending";
    QString next;
    if (pending) {
        next = tr("<b>NEXT</b> auto-suspend in <b>%1</b> unless acknowledged (step-up: %2)")
                   .arg(formatCountdown(a.deadlineMs - m_now), esc(a.stepUp));
    } else if (a.state == u"suspended") {
        next = tr("<b>SUSPENDED</b> %1").arg(esc(a.decision));
    } else if (a.state == u"acknowledged") {
        next = tr("<b>ACKNOWLEDGED</b> by %1 — the countdown is stopped").arg(esc(a.acknowledgedBy));
    } else {
        next = tr("<b>STATE</b> %1").arg(esc(a.state));
        if (!a.decision.isEmpty()) next += QStringLiteral(" — ") + esc(a.decision);
    }
    if (!a.ticket.isEmpty()) next += QStringLiteral("<br>") + tr("Ticket %1").arg(esc(a.ticket));
    m_next->setText(next);
    const bool open = a.state != u"resolved" && a.state != u"false_positive";
    m_hold->setEnabled(pending);
    m_cancel->setEnabled(pending);
    m_suspend->setEnabled(open && a.state != u"suspended");
    m_resolve->setEnabled(open);
    m_falsePositive->setEnabled(open);
}

void AlertDetailPanel::applyIcons()
{
    m_hold->setIcon(Icons::get(QStringLiteral("hold"), palette()));
    m_suspend->setIcon(Icons::get(QStringLiteral("suspend"), palette()));
    m_cancel->setIcon(Icons::get(QStringLiteral("cancel"), palette()));
    m_resolve->setIcon(Icons::get(QStringLiteral("resolve"), palette()));
    m_falsePositive->setIcon(Icons::get(QStringLiteral("false-positive"), palette()));
}

void AlertDetailPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyIcons();
}

} // namespace vigil::ui

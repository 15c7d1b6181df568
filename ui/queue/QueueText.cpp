// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/QueueText.h"

#include <QDateTime>
#include <QHash>
#include <QLocale>

namespace vigil::ui {

SeverityBand QueueText::band(const AlertRow& row)
{
    const SeverityBand fromWord = Severity::fromKey(row.severity);
    if (fromWord != SeverityBand::None) return fromWord;
    return Severity::forRisk(row.risk);
}

QString QueueText::stateName(const QString& state)
{
    if (state == u"detected") return tr("Detected");
    if (state == u"stepped_up") return tr("Stepped up");
    if (state == u"paged") return tr("Paged");
    if (state == u"suspension_pending") return tr("Suspension pending");
    if (state == u"suspension_recommended") return tr("Suspension recommended");
    if (state == u"acknowledged") return tr("Acknowledged");
    if (state == u"overridden") return tr("Overridden");
    if (state == u"suspended") return tr("Suspended");
    if (state == u"resolved") return tr("Resolved");
    if (state == u"false_positive") return tr("False positive");
    return state;
}

int QueueText::stateUrgency(const QString& state)
{
    // Waiting on a clock first, then waiting on a person, then what the automation is still working on, then what
    // someone already owns, and closed alerts last.
    static const QStringList order{
        u"suspension_pending"_qs, u"suspension_recommended"_qs, u"stepped_up"_qs, u"paged"_qs,
        u"detected"_qs,           u"acknowledged"_qs,           u"overridden"_qs, u"suspended"_qs,
        u"resolved"_qs,           u"false_positive"_qs};
    const qsizetype i = order.indexOf(state);
    return i < 0 ? int(order.size()) : int(i);
}

QString QueueText::statusText(const AlertRow& row)
{
    const QString name = stateName(row.state);
    if (row.state != u"stepped_up" && row.state != u"suspension_pending") return name;
    QString step;
    if (row.stepUp == u"pending" || row.stepUp == u"sent")
        step = tr("push sent");
    else if (row.stepUp == u"REJECTED")
        step = tr("push rejected");
    else if (row.stepUp == u"TIMEOUT")
        step = tr("no answer");
    else if (row.stepUp == u"SUCCESS")
        step = tr("push approved");
    else if (row.stepUp == u"failed")
        step = tr("push failed");
    else if (row.stepUp == u"no_push_factor")
        step = tr("no push factor");
    if (step.isEmpty()) return name;
    //: A state, then what the step-up MFA push did: "Stepped up · push rejected".
    return tr("%1 · %2").arg(name, step);
}

QString QueueText::detectionLabel(const QString& detection)
{
    // Filters test every row's labels; tr() is too slow for that, so each label is translated once (on the GUI
    // thread, the only one the queue runs on). The console rebuilds its widgets on a language change.
    static QHash<QString, QString> cache;
    const auto cached = cache.constFind(detection);
    if (cached != cache.cend()) return *cached;
    const QString label = translateDetection(detection);
    cache.insert(detection, label);
    return label;
}

QString QueueText::translateDetection(const QString& detection)
{
    //: Short chip labels for detections in the alert queue.
    if (detection == u"brute_force") return tr("brute force");
    if (detection == u"password_spray") return tr("spray");
    if (detection == u"mfa_fatigue") return tr("MFA fatigue");
    if (detection == u"mfa_failure") return tr("MFA failed");
    if (detection == u"session_hijack") return tr("session hijack");
    if (detection == u"privilege_grant") return tr("privilege");
    if (detection == u"off_hours") return tr("off hours");
    if (detection == u"new_device") return tr("new device");
    if (detection == u"impossible_travel") return tr("impossible travel");
    if (detection == u"geo_risk") return tr("risky country");
    if (detection == u"factor_reset") return tr("factor reset");
    if (detection == u"anonymizer") return tr("Tor/VPN");
    if (detection == u"threat_insight") return tr("ThreatInsight");
    QString label = detection;
    return label.replace(u'_', u' ');
}

QString QueueText::countdownText(qint64 remainingMs)
{
    // Round up, so that "00:00" appears only once the deadline has passed and the last second reads "00:01".
    const qint64 seconds = remainingMs <= 0 ? 0 : (remainingMs + 999) / 1000;
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds / 60) % 60;
    const qint64 s = seconds % 60;
    // Fixed-width digits: the column reads like a row of clocks, each one the same width.
    const auto two = [](qint64 v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (h > 0) return QStringLiteral("%1:%2:%3").arg(h).arg(two(m), two(s));
    return QStringLiteral("%1:%2").arg(two(m), two(s));
}

QString QueueText::countdownWords(qint64 remainingMs)
{
    if (remainingMs <= 0) return tr("now");
    const qint64 seconds = (remainingMs + 999) / 1000;
    const int m = int(seconds / 60);
    const int s = int(seconds % 60);
    if (m == 0) return s == 1 ? tr("in 1 second") : tr("in %1 seconds").arg(s);
    const QString minutes = m == 1 ? tr("1 minute") : tr("%1 minutes").arg(m);
    const QString secs = s == 1 ? tr("1 second") : tr("%1 seconds").arg(s);
    //: "in 11 minutes 42 seconds"
    return tr("in %1 %2").arg(minutes, secs);
}

QString QueueText::ageText(qint64 ageMs)
{
    const qint64 minutes = ageMs / 60000;
    if (minutes < 1) return tr("just now");
    if (minutes < 60) return tr("%1 min ago").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24) return tr("%1 h ago").arg(hours);
    const qint64 days = hours / 24;
    return days == 1 ? tr("1 day ago") : tr("%1 days ago").arg(days);
}

QString QueueText::absoluteTime(qint64 ms)
{
    if (ms <= 0) return tr("unknown");
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), u"yyyy-MM-dd HH:mm:ss");
}

QString QueueText::userList(const QStringList& users, int limit)
{
    if (users.size() <= limit) return QLocale().createSeparatedList(users);
    QStringList shown = users.mid(0, limit);
    const qsizetype more = users.size() - limit;
    shown.append(more == 1 ? tr("1 more") : tr("%1 more").arg(more));
    return QLocale().createSeparatedList(shown);
}

} // namespace vigil::ui

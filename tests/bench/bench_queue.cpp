// SPDX-License-Identifier: GPL-3.0-or-later
// bench_queue [--rows N] [--runs N] | --screenshot FILE.png [--dark] [--group] [--filter TEXT]
// Fills the alert queue (the AlertQueueView's model and proxy, so the table's bookkeeping is counted too) with N
// alerts (default 10,000) and prints ms (p50 and max over --runs, default 11) for sorting by each column, for a
// few filters, for grouping by user, for a routine snapshot update and for the one-second countdown tick.
// Target: sorting or filtering 10,000 alerts in <= 100 ms.
// With --screenshot it instead saves the queue with 30 varied alerts, one pending suspension and a filter applied.
#include "ui/queue/AlertFilterProxy.h"
#include "ui/queue/AlertQueueModel.h"
#include "ui/queue/AlertQueueView.h"
#include "ui/queue/FilterBar.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPalette>
#include <QStyleFactory>
#include <QTableView>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>

using namespace vigil;
using vigil::ui::AlertFilter;
using vigil::ui::AlertQueueModel;
using vigil::ui::AlertQueueView;
using vigil::ui::AlertRow;

namespace {

constexpr qint64 kNow = 1764000000000;

const QStringList kDetections{u"brute_force"_qs,       u"password_spray"_qs, u"mfa_fatigue"_qs,
                              u"mfa_failure"_qs,       u"session_hijack"_qs, u"new_device"_qs,
                              u"impossible_travel"_qs, u"anonymizer"_qs,     u"geo_risk"_qs,
                              u"off_hours"_qs,         u"factor_reset"_qs,   u"privilege_grant"_qs};
const QStringList kCountries{u"United States"_qs, u"United Kingdom"_qs, u"Germany"_qs, u"Netherlands"_qs,
                             u"Canada"_qs,        u"Brazil"_qs,         u"India"_qs,   u"Russia"_qs,
                             u"Singapore"_qs,     u"France"_qs,         u"Nigeria"_qs, u"Japan"_qs};
const QStringList kStates{u"detected"_qs,     u"detected"_qs,      u"stepped_up"_qs, u"stepped_up"_qs,
                          u"acknowledged"_qs, u"overridden"_qs,    u"suspended"_qs,  u"suspension_recommended"_qs,
                          u"resolved"_qs,     u"false_positive"_qs};

QString severityFor(double risk)
{
    return risk >= 80 ? u"critical"_qs : risk >= 60 ? u"high"_qs : risk >= 40 ? u"medium"_qs : u"low"_qs;
}

// `count` alerts over count/5 users, deterministic for a seed; about 4 % pending suspension.
QList<AlertRow> syntheticRows(int count, quint32 seed)
{
    std::mt19937 rng(seed);
    const auto pick = [&rng](int n) { return int(rng() % quint32(n)); };
    QList<AlertRow> rows;
    rows.reserve(count);
    const int users = std::max(1, count / 5);
    for (int i = 0; i < count; ++i) {
        AlertRow r;
        r.alertId = u"alert-%1"_qs.arg(i, 6, 10, QLatin1Char('0'));
        r.user = u"user%1@corp.example"_qs.arg(pick(users));
        r.risk = 5 + pick(9500) / 100.0;
        r.severity = severityFor(r.risk);
        for (int s = 0; s < 6; ++s)
            r.riskTrend.append(std::clamp(r.risk - 40 + s * 8 + pick(10), 0.0, 100.0));
        const int detections = 1 + pick(3);
        for (int d = 0; d < detections; ++d) {
            const QString& key = kDetections.at(pick(int(kDetections.size())));
            if (!r.detections.contains(key)) r.detections.append(key);
        }
        if (pick(25) == 0) {
            r.state = u"suspension_pending"_qs;
            r.deadlineMs = kNow + 1000 * (30 + pick(900));
        } else {
            r.state = kStates.at(pick(int(kStates.size())));
        }
        r.openedMs = kNow - 1000LL * pick(3 * 86400);
        r.lastSeenMs = r.openedMs + 1000LL * pick(600);
        r.sourceIp = u"%1.%2.%3.%4"_qs.arg(1 + pick(223)).arg(pick(256)).arg(pick(256)).arg(1 + pick(254));
        r.country = kCountries.at(pick(int(kCountries.size())));
        r.assignee = pick(3) == 0 ? u"analyst%1"_qs.arg(pick(8)) : QString();
        r.events = 1 + pick(200);
        rows.append(r);
    }
    return rows;
}

struct Stats
{
    double p50 = 0;
    double max = 0;
};

Stats measure(int runs, const std::function<void(int run)>& prepare, const std::function<void(int run)>& work)
{
    QList<double> ms;
    for (int run = 0; run < runs; ++run) {
        if (prepare) prepare(run);
        QElapsedTimer timer;
        timer.start();
        work(run);
        ms.append(timer.nsecsElapsed() / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms.at(ms.size() / 2), ms.constLast()};
}

void print(const char* what, const Stats& s)
{
    std::printf("  %-44s p50 %7.2f ms   max %7.2f ms\n", what, s.p50, s.max);
}

// A dark palette designed for the console rather than an inverted light one: dim blue-grey surfaces, soft white
// text, a calm blue selection.
QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x1f, 0x23, 0x29));
    p.setColor(QPalette::WindowText, QColor(0xe2, 0xe6, 0xeb));
    p.setColor(QPalette::Base, QColor(0x17, 0x1a, 0x1f));
    p.setColor(QPalette::AlternateBase, QColor(0x1d, 0x21, 0x27));
    p.setColor(QPalette::Text, QColor(0xe2, 0xe6, 0xeb));
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
    p.setColor(QPalette::Button, QColor(0x2a, 0x2f, 0x37));
    p.setColor(QPalette::ButtonText, QColor(0xe2, 0xe6, 0xeb));
    p.setColor(QPalette::Highlight, QColor(0x2d, 0x5f, 0x9e));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::ToolTipBase, QColor(0x2a, 0x2f, 0x37));
    p.setColor(QPalette::ToolTipText, QColor(0xe2, 0xe6, 0xeb));
    p.setColor(QPalette::Light, QColor(0x3a, 0x40, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x30, 0x35, 0x3e));
    p.setColor(QPalette::Mid, QColor(0x26, 0x2b, 0x32));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x18));
    p.setColor(QPalette::Shadow, QColor(0x00, 0x00, 0x00));
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x72, 0x7b));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x72, 0x7b));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x72, 0x7b));
    return p;
}

// Thirty alerts an analyst might see mid-shift, one of them a pending suspension.
QList<AlertRow> screenshotRows()
{
    struct Spec
    {
        const char* user;
        double risk;
        const char* state;
        QStringList detections;
        const char* ip;
        const char* country;
        const char* assignee;
        int ageMin;
    };
    const QList<Spec> specs{
        {"bruce.brute@corp.example",
         94,
         "suspension_pending",
         {u"brute_force"_qs, u"anonymizer"_qs, u"mfa_failure"_qs},
         "185.220.101.47",
         "Netherlands",
         "",
         6},
        {"mia.fatigue@corp.example", 88, "stepped_up", {u"mfa_fatigue"_qs}, "203.0.113.77", "Russia", "", 9},
        {"sam.session@corp.example",
         81,
         "acknowledged",
         {u"session_hijack"_qs, u"new_device"_qs},
         "45.146.164.110",
         "Germany",
         "alex",
         14},
        {"ivan.travel@corp.example", 72, "detected", {u"impossible_travel"_qs}, "102.89.34.12", "Nigeria", "", 3},
        {"priya.sharma@corp.example",
         68,
         "stepped_up",
         {u"new_device"_qs, u"off_hours"_qs},
         "49.36.121.9",
         "India",
         "",
         22},
        {"tom.okafor@corp.example",
         66,
         "suspension_recommended",
         {u"password_spray"_qs},
         "91.219.236.18",
         "United Kingdom",
         "",
         31},
        {"svc-backup@corp.example",
         63,
         "overridden",
         {u"off_hours"_qs, u"new_device"_qs},
         "10.20.4.17",
         "United States",
         "dana",
         48},
        {"lucia.fernandez@corp.example", 61, "detected", {u"geo_risk"_qs}, "177.54.144.3", "Brazil", "", 12},
        {"mia.fatigue@corp.example", 58, "acknowledged", {u"mfa_failure"_qs}, "203.0.113.77", "Russia", "alex", 55},
        {"kenji.watanabe@corp.example",
         55,
         "detected",
         {u"impossible_travel"_qs, u"new_device"_qs},
         "126.77.3.201",
         "Japan",
         "",
         17},
        {"olga.petrova@corp.example", 52, "stepped_up", {u"factor_reset"_qs}, "5.188.62.140", "Russia", "", 26},
        {"admin.jane@corp.example",
         50,
         "acknowledged",
         {u"privilege_grant"_qs},
         "10.0.8.3",
         "United States",
         "dana",
         65},
        {"chen.wei@corp.example", 47, "detected", {u"off_hours"_qs}, "119.28.52.3", "Singapore", "", 40},
        {"noah.miller@corp.example", 45, "detected", {u"new_device"_qs}, "73.162.20.4", "United States", "", 8},
        {"emma.dubois@corp.example",
         44,
         "stepped_up",
         {u"geo_risk"_qs, u"off_hours"_qs},
         "82.64.11.200",
         "France",
         "",
         95},
        {"raj.patel@corp.example", 42, "detected", {u"mfa_failure"_qs}, "103.21.244.7", "India", "", 130},
        {"sofia.rossi@corp.example",
         40,
         "acknowledged",
         {u"impossible_travel"_qs},
         "151.38.99.4",
         "Italy",
         "alex",
         210},
        {"liam.brown@corp.example", 38, "detected", {u"new_device"_qs}, "24.114.80.5", "Canada", "", 28},
        {"ava.johnson@corp.example", 36, "resolved", {u"off_hours"_qs}, "67.180.9.40", "United States", "dana", 300},
        {"lucas.schmidt@corp.example", 35, "detected", {u"anonymizer"_qs}, "185.107.56.9", "Netherlands", "", 19},
        {"isla.wilson@corp.example",
         33,
         "false_positive",
         {u"impossible_travel"_qs},
         "2.24.101.8",
         "United Kingdom",
         "alex",
         400},
        {"mateo.garcia@corp.example", 31, "detected", {u"geo_risk"_qs}, "187.190.2.14", "Mexico", "", 44},
        {"grace.lee@corp.example", 29, "detected", {u"off_hours"_qs}, "121.134.8.90", "South Korea", "", 61},
        {"ethan.davis@corp.example", 27, "detected", {u"new_device"_qs}, "98.210.4.77", "United States", "", 75},
        {"chloe.martin@corp.example", 25, "resolved", {u"mfa_failure"_qs}, "90.84.2.11", "France", "dana", 520},
        {"omar.haddad@corp.example", 24, "detected", {u"geo_risk"_qs}, "41.33.71.2", "Egypt", "", 33},
        {"zoe.taylor@corp.example", 22, "detected", {u"off_hours"_qs}, "101.160.5.60", "Australia", "", 88},
        {"test.account@corp.example", 21, "detected", {u"password_spray"_qs}, "10.9.0.44", "United States", "", 150},
        {"finn.murphy@corp.example", 15, "detected", {u"new_device"_qs}, "86.44.19.2", "Ireland", "", 240},
        {"hana.kim@corp.example", 12, "detected", {u"off_hours"_qs}, "211.36.142.5", "South Korea", "", 600},
    };
    QList<AlertRow> rows;
    int i = 0;
    for (const Spec& s : specs) {
        AlertRow r;
        r.alertId = u"al-%1"_qs.arg(1000 + i++);
        r.user = QString::fromUtf8(s.user);
        r.risk = s.risk;
        r.severity = severityFor(s.risk);
        const double start = std::max(0.0, s.risk - 35 - (i % 4) * 6);
        for (int k = 0; k < 6; ++k)
            r.riskTrend.append(start + (s.risk - start) * (k * k) / 25.0);
        r.detections = s.detections;
        r.state = QString::fromUtf8(s.state);
        if (r.state == u"suspension_pending") {
            r.deadlineMs = kNow + (11 * 60 + 42) * 1000;
            r.decision = u"no answer to the MFA push within 2 minutes; activity continued from 185.220.101.47"_qs;
            r.stepUp = u"TIMEOUT"_qs;
        }
        if (r.state == u"stepped_up") r.stepUp = i % 2 ? u"pending"_qs : u"REJECTED"_qs;
        r.openedMs = kNow - qint64(s.ageMin) * 60000;
        r.lastSeenMs = kNow - qint64(s.ageMin) * 20000;
        r.sourceIp = QString::fromUtf8(s.ip);
        r.country = QString::fromUtf8(s.country);
        r.assignee = QString::fromUtf8(s.assignee);
        rows.append(r);
    }
    return rows;
}

int screenshot(const QString& file, bool dark, bool group, const QString& extraFilter)
{
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_qs));
    QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
    AlertQueueView view;
    view.model()->setTicking(false);
    view.model()->setNow(kNow);
    view.setWatchedUsers(4812);
    view.resize(1500, 760);
    view.setRows(screenshotRows());
    view.filterBar()->setText(u"-status:resolved,fp"_qs);
    // A second filter on top, e.g. a bad one, to see how the bar reports it while the first stays applied.
    if (!extraFilter.isEmpty()) view.filterBar()->setText(extraFilter);
    view.setGroupByUser(group);
    view.show();
    view.activateWindow();
    QApplication::processEvents();
    view.tableView()->setFocus();
    view.selectAlerts({u"al-1003"_qs, u"al-1004"_qs});
    QApplication::processEvents();
    const bool ok = view.grab().save(file);
    std::printf("%s %s (%s palette)\n", ok ? "saved" : "could not save", qPrintable(file), dark ? "dark" : "light");
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto option = [&args](const QString& name, int fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
    };
    if (const qsizetype shot = args.indexOf(u"--screenshot"_qs); shot >= 0 && shot + 1 < args.size()) {
        const qsizetype filter = args.indexOf(u"--filter"_qs);
        return screenshot(args.at(shot + 1), args.contains(u"--dark"_qs), args.contains(u"--group"_qs),
                          filter >= 0 && filter + 1 < args.size() ? args.at(filter + 1) : QString());
    }

    const int count = option(u"--rows"_qs, 10000);
    const int runs = std::max(1, option(u"--runs"_qs, 11));
    const QList<AlertRow> rows = syntheticRows(count, 42);

    AlertQueueView view;
    AlertQueueModel* model = view.model();
    ui::AlertFilterProxy* proxy = view.proxy();
    model->setTicking(false);
    model->setNow(kNow);
    view.resize(1400, 800);

    QElapsedTimer timer;
    timer.start();
    view.setRows(rows);
    std::printf("queue: %d alerts, %d users, %d pending; %d runs each\n", model->count(), std::max(1, count / 5),
                model->pendingCount(), runs);
    std::printf("  %-44s %7.2f ms\n", "first snapshot (insert all)", timer.nsecsElapsed() / 1e6);
    // A selection for the proxy to carry through every sort and filter, as a real session would have.
    QStringList selection;
    for (int i = 0; i < count; i += std::max(1, count / 50))
        selection.append(rows.at(i).alertId);
    view.selectAlerts(selection);

    std::printf("sort (target <= 100 ms):\n");
    double worst = 0;
    for (int column = 0; column < AlertQueueModel::ColumnCount; ++column) {
        const QString name = model->headerData(column, Qt::Horizontal).toString();
        // Alternate the direction so that every run really sorts.
        const Stats s = measure(
            runs, {}, [&](int run) { proxy->sort(column, run % 2 ? Qt::DescendingOrder : Qt::AscendingOrder); });
        print(qPrintable(u"by "_qs + name), s);
        worst = std::max(worst, s.max);
    }

    std::printf("filter (sorted by risk; target <= 100 ms):\n");
    proxy->sort(AlertQueueModel::RiskColumn, Qt::DescendingOrder);
    const QStringList filters{u"user7"_qs,
                              u"severity>=high"_qs,
                              u"country:!US"_qs,
                              u"risk>=60 status:pending,open"_qs,
                              u"detection:brute,mfa -country:US,GB assignee:none"_qs,
                              u"ip:10.0.0.0/8"_qs};
    for (const QString& text : filters) {
        const AlertFilter filter = AlertFilter::parse(text);
        if (!filter.isValid()) {
            std::printf("  bad filter %s: %s\n", qPrintable(text), qPrintable(filter.errorString()));
            return 1;
        }
        // From no filter to this one each run: the proxy re-tests all rows and inserts the accepted ones sorted.
        const Stats s = measure(
            runs, [&](int) { proxy->setFilter(AlertFilter()); }, [&](int) { proxy->setFilter(filter); });
        print(qPrintable(text + u" (%1 shown)"_qs.arg(proxy->rowCount())), s);
        worst = std::max(worst, s.max);
        // The predicate alone, without the proxy and the view.
        int matched = 0;
        const Stats eval = measure(runs, {}, [&](int) {
            matched = 0;
            for (int r = 0; r < model->count(); ++r)
                matched += filter.matches(model->rowAt(r)) ? 1 : 0;
        });
        print("    predicate only", eval);
    }
    const Stats clear = measure(
        runs, [&](int) { proxy->setFilter(AlertFilter::parse(u"severity>=high"_qs)); },
        [&](int) { proxy->setFilter(AlertFilter()); });
    print("clear the filter", clear);
    worst = std::max(worst, clear.max);

    std::printf("grouping and live updates:\n");
    const Stats group = measure(runs, {}, [&](int run) { proxy->setGroupByUser(run % 2 == 0); });
    print("group by user on/off", group);
    proxy->setGroupByUser(false);

    // A routine snapshot: 1 % of the alerts changed (risk and trend), as the core sends about ten times a second.
    QList<AlertRow> live = rows;
    std::mt19937 rng(7);
    const Stats update = measure(
        runs,
        [&](int) {
            for (int i = 0; i < std::max(1, count / 100); ++i) {
                AlertRow& r = live[int(rng() % quint32(live.size()))];
                r.risk = 5 + int(rng() % 95);
                r.severity = severityFor(r.risk);
                r.riskTrend.append(r.risk);
            }
        },
        [&](int) { view.setRows(live); });
    print("snapshot with 1% changed (sorted by risk)", update);
    // Every alert changed at once (say the automation's breaker opened and every state moved).
    const Stats all = measure(
        runs,
        [&](int run) {
            for (AlertRow& r : live)
                r.stepUp = u"step-%1"_qs.arg(run);
            for (int i = 0; i < live.size(); i += 7)
                live[i].risk = 5 + int(rng() % 95);
        },
        [&](int) { view.setRows(live); });
    print("snapshot with every alert changed", all);
    proxy->setFilter(AlertFilter::parse(u"severity>=medium"_qs));
    const Stats filteredUpdate = measure(
        runs,
        [&](int) {
            for (int i = 0; i < std::max(1, count / 100); ++i) {
                AlertRow& r = live[int(rng() % quint32(live.size()))];
                r.risk = 5 + int(rng() % 95);
                r.severity = severityFor(r.risk);
            }
        },
        [&](int) { view.setRows(live); });
    print("same, with severity>=medium applied", filteredUpdate);
    proxy->sort(AlertQueueModel::CountdownColumn, Qt::AscendingOrder);
    const Stats tick = measure(runs, {}, [&](int run) { model->setNow(kNow + 1000 * (run + 1)); });
    print("one-second tick (sorted by countdown)", tick);

    std::printf("worst sort/filter: %.2f ms (%s)\n", worst, worst <= 100 ? "within 100 ms" : "OVER 100 ms");
    return 0;
}

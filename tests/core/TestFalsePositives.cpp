// SPDX-License-Identifier: GPL-3.0-or-later
// A week of benign traffic for 1,000 people (typos, business trips by plane, new phones, weekend
// work): at most 1% of them may get an alert of severity high or above.
#include "core/okta/EventParser.h"
#include "core/risk/RiskEngine.h"

#include <QTest>

#include "support/BenignTraffic.h"

using namespace vigil;

class TestFalsePositives : public QObject
{
    Q_OBJECT

private slots:
    void benignWeekRarelyAlerts()
    {
        test::BenignTraffic traffic(1000, 2026);
        const QList<QByteArray> events = traffic.week(1767571200000); // Monday 2026-01-05 00:00 UTC
        okta::EventParser parser;
        risk::RiskEngine engine;
        for (const QByteArray& json : events) {
            okta::LogEvent e;
            okta::ParseError err;
            QVERIFY2(parser.parse({json.constData(), size_t(json.size())}, e, err), qPrintable(err.detail));
            engine.process(e);
        }
        QMap<QString, int> bySeverity;
        QSet<QString> highUsers;
        QMap<QString, int> detections;
        for (const risk::Alert& a : engine.alerts()) {
            const QString severity = risk::RiskEngine::severityFor(a.peakRisk, risk::Policy::defaults());
            ++bySeverity[severity];
            if (severity == u"high" || severity == u"critical") highUsers.insert(a.user);
            for (const QString& d : a.detections)
                ++detections[severity + u": "_qs + d];
        }
        report::Report report;
        engine.fillReport(report);
        const test::BenignTraffic::Stats& s = traffic.stats();
        const double rate = 100.0 * double(highUsers.size()) / s.users;
        qInfo("benign week: %lld events, %d users (%d travellers, %d new phones, %d typo sign-ins, %d weekend "
              "workers)",
              qint64(events.size()), s.users, s.travellers, s.newPhones, s.typoDays, s.weekendWorkers);
        qInfo("users with any finding: %lld; alerts: %d low, %d medium, %d high, %d critical",
              qint64(report.users.size()), bySeverity.value(u"low"_qs), bySeverity.value(u"medium"_qs),
              bySeverity.value(u"high"_qs), bySeverity.value(u"critical"_qs));
        qInfo("FALSE-POSITIVE RATE: %.2f%% of users got a high or critical alert (limit 1%%)", rate);
        for (auto it = detections.begin(); it != detections.end(); ++it) {
            qInfo("  alerts by detection, %s x%d", qPrintable(it.key()), it.value());
        }
        QVERIFY(s.travellers > 0 && s.newPhones > 0 && s.typoDays > 0 && s.weekendWorkers > 0);
        QVERIFY2(rate <= 1.0, qPrintable(QStringLiteral("%1% of benign users got a high alert").arg(rate)));
    }
};

QTEST_GUILESS_MAIN(TestFalsePositives)
#include "TestFalsePositives.moc"

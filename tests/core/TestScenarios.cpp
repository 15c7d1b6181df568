// SPDX-License-Identifier: GPL-3.0-or-later
// Verdicts on resources/samples/attack-day.ndjson, an afternoon written from Okta's documentation
// (see resources/samples/README.md), replayed exactly as `vigil replay` does.
#include "core/pipeline/ReplayRunner.h"

#include <QTest>

#include "support/TestConfig.h"

using namespace vigil;

class TestScenarios : public QObject
{
    Q_OBJECT

private:
    report::Report m_report;

    const report::AlertVerdict* alertFor(const QString& user) const
    {
        for (const report::AlertVerdict& a : m_report.alerts) {
            if (a.user == user) return &a;
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        pipeline::ReplayRunner runner([](const okta::Rejection& r) { QFAIL(qPrintable(r.detail)); },
                                      [](const QString& e) { QFAIL(qPrintable(e)); });
        QVERIFY(runner.run({QStringLiteral(VIGIL_SOURCE_DIR "/resources/samples/attack-day.ndjson")}));
        m_report = runner.report();
        QCOMPARE(m_report.events.accepted, 46);
    }

    void attacksRaiseAlerts_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("detection");
        QTest::addColumn<QStringList>("severities"); // acceptable alert severities
        const QStringList mediumUp{u"medium"_qs, u"high"_qs, u"critical"_qs};
        QTest::newRow("brute force ending in lockout") << "bruce.brute@corp.example"
                                                       << "brute_force" << mediumUp;
        QTest::newRow("push bombing, finally accepted") << "mia.fatigue@corp.example"
                                                        << "mfa_fatigue" << QStringList{u"high"_qs, u"critical"_qs};
        QTest::newRow("session replayed from a cloud host") << "sam.session@corp.example"
                                                            << "session_hijack" << mediumUp;
        QTest::newRow("San Francisco to Amsterdam in 38 min") << "ivan.travel@corp.example"
                                                              << "impossible_travel" << mediumUp;
        QTest::newRow("Super administrator for a fresh account")
            << "helpdesk.temp@corp.example"
            << "privilege_grant" << QStringList{u"low"_qs, u"medium"_qs, u"high"_qs, u"critical"_qs};
    }

    void attacksRaiseAlerts()
    {
        QFETCH(QString, user);
        QFETCH(QString, detection);
        QFETCH(QStringList, severities);
        const report::AlertVerdict* alert = alertFor(user);
        QVERIFY2(alert, qPrintable(user + u" has no alert"_qs));
        QVERIFY2(alert->detections.contains(detection), qPrintable(alert->detections.join(u", ")));
        QVERIFY2(severities.contains(alert->severity), qPrintable(alert->severity));
    }

    void sprayIsAnIpFindingWithEveryTarget()
    {
        QCOMPARE(m_report.ips.size(), 1);
        const report::IpVerdict& ip = m_report.ips.first();
        QCOMPARE(ip.ip, u"185.220.101.47"_qs);
        QVERIFY(ip.detections.contains(u"password_spray"));
        QVERIFY(ip.detections.contains(u"threat_insight"));
        QCOMPARE(ip.usersTargeted, 9);
    }

    void bystandersAreNotAlerted()
    {
        // Sprayed accounts get a small share each, not an alert of their own.
        for (const char* user : {"ann.lee@corp.example", "raj.patel@corp.example", "lucia.gomez@corp.example",
                                 "tom.white@corp.example", "kim.ng@corp.example"}) {
            QVERIFY2(!alertFor(QString::fromLatin1(user)), user);
        }
        QCOMPARE(m_report.alerts.size(), 5);
    }
};

QTEST_GUILESS_MAIN(TestScenarios)
#include "TestScenarios.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/DebugDataParser.h"

#include <QTest>

using namespace vigil::okta;

namespace {

std::string_view sv(const QByteArray& b)
{
    return {b.constData(), size_t(b.size())};
}

QString qs(std::string_view v)
{
    return LogEvent::qs(v);
}

} // namespace

class TestDebugDataParser : public QObject
{
    Q_OBJECT

private slots:
    void behaviors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QStringList>("positive"); // behaviours that must come out POSITIVE
        QTest::addColumn<QStringList>("negative"); // evaluated and NEGATIVE
        QTest::addColumn<QStringList>("unknown");  // present but no evidence either way

        QTest::newRow("okta-classic") << QByteArray(
            "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, "
            "New Country=NEGATIVE, Velocity=NEGATIVE, New City=POSITIVE}")
                                      << true << QStringList{"New Device", "New IP", "New City"}
                                      << QStringList{"New Geo-Location", "New State", "New Country", "Velocity"}
                                      << QStringList{};
        QTest::newRow("riskIP-variant") << QByteArray(
            "{riskIP=POSITIVE, New Geo-Location=NEGATIVE, New Device=NEGATIVE, Velocity=POSITIVE}")
                                        << true << QStringList{"riskIP", "Velocity"}
                                        << QStringList{"New Geo-Location", "New Device"} << QStringList{};
        QTest::newRow("unknown-and-bad-request")
            << QByteArray("{New Geo-Location=UNKNOWN, New Device=UNKNOWN, New State=BAD_REQUEST, New IP=NEGATIVE}")
            << true << QStringList{} << QStringList{"New IP"}
            << QStringList{"New Geo-Location", "New Device", "New State"};
        QTest::newRow("velocity-behavior-name") << QByteArray("{Velocity Behavior=POSITIVE}") << true
                                                << QStringList{"Velocity"} << QStringList{} << QStringList{};
        QTest::newRow("empty-map") << QByteArray("{}") << true << QStringList{} << QStringList{} << QStringList{};
        QTest::newRow("no-braces") << QByteArray("New Device=POSITIVE") << false << QStringList{} << QStringList{}
                                   << QStringList{};
        QTest::newRow("no-equals") << QByteArray("{New Device}") << false << QStringList{} << QStringList{}
                                   << QStringList{};
    }

    void behaviors()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QFETCH(QStringList, positive);
        QFETCH(QStringList, negative);
        QFETCH(QStringList, unknown);

        debugdata::BehaviorList parsed;
        QCOMPARE(debugdata::parseBehaviors(sv(text), parsed), valid);
        if (!valid) return;
        EventBuilder builder;
        debugdata::applyBehaviors(parsed, builder);
        const LogEvent e = builder.take();
        for (const QString& name : positive) {
            const QByteArray n = name.toUtf8();
            const quint16 bit = behaviorFromName(sv(n));
            QVERIFY2(bit, qPrintable(name));
            QVERIFY2(e.behaviorsPositive() & bit, qPrintable(name + QStringLiteral(" should be positive")));
        }
        for (const QString& name : negative) {
            const QByteArray n = name.toUtf8();
            const quint16 bit = behaviorFromName(sv(n));
            QVERIFY2(e.behaviorsEvaluated() & bit, qPrintable(name + QStringLiteral(" should be evaluated")));
            QVERIFY2(!(e.behaviorsPositive() & bit), qPrintable(name + QStringLiteral(" should be negative")));
        }
        for (const QString& name : unknown) {
            const QByteArray n = name.toUtf8();
            const quint16 bit = behaviorFromName(sv(n));
            QVERIFY2(!(e.behaviorsEvaluated() & bit), qPrintable(name + QStringLiteral(" is no evidence")));
        }
    }

    void risk_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("level");
        QTest::addColumn<QStringList>("reasons");
        QTest::addColumn<QString>("detectionName");
        QTest::addColumn<QString>("previousLevel");

        QTest::newRow("level-only") << QByteArray("{level=LOW}") << true << "LOW" << QStringList{} << ""
                                    << "";
        QTest::newRow("empty-reasons") << QByteArray("{reasons=level=LOW}") << true << "LOW" << QStringList{} << ""
                                       << "";
        QTest::newRow("one-reason") << QByteArray("{reasons=Anomalous Location, level=MEDIUM}") << true << "MEDIUM"
                                    << QStringList{"Anomalous Location"} << ""
                                    << "";
        QTest::newRow("reasons-with-commas")
            << QByteArray("{reasons=Anomalous Location, Anomalous Device, level=HIGH}") << true << "HIGH"
            << QStringList{"Anomalous Location", "Anomalous Device"} << ""
            << "";
        QTest::newRow("many-reasons") << QByteArray(
            "{reasons=Anomalous Geo-Distance, New Device, New ASN, New IP, New State, New Country, New "
            "City, level=HIGH}") << true
                                      << "HIGH" << QStringList{"Anomalous Geo-Distance",
                                                               "New Device",
                                                               "New ASN",
                                                               "New IP",
                                                               "New State",
                                                               "New Country",
                                                               "New City"}
                                      << ""
                                      << "";
        QTest::newRow("level-first") << QByteArray("{level=HIGH, reasons=Anomalous Device, New IP}") << true << "HIGH"
                                     << QStringList{"Anomalous Device", "New IP"} << ""
                                     << "";
        QTest::newRow("itp-user-risk") << QByteArray(
            "{previousLevel=LOW, level=MEDIUM, detectionName=Session Influenced User Risk, "
            "reasons=Associated sessionId is suspected to be hijacked, issuer=OKTA}")
                                       << true << "MEDIUM"
                                       << QStringList{"Associated sessionId is suspected to be hijacked"}
                                       << "Session Influenced User Risk"
                                       << "LOW";
        QTest::newRow("not-a-map") << QByteArray("HIGH") << false << "" << QStringList{} << ""
                                   << "";
    }

    void risk()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QFETCH(QString, level);
        QFETCH(QStringList, reasons);
        QFETCH(QString, detectionName);
        QFETCH(QString, previousLevel);

        debugdata::RiskValue risk;
        QCOMPARE(debugdata::parseRisk(sv(text), risk), valid);
        if (!valid) return;
        QCOMPARE(qs(risk.level), level);
        QCOMPARE(qs(risk.detectionName), detectionName);
        QCOMPARE(qs(risk.previousLevel), previousLevel);

        EventBuilder builder;
        debugdata::applyRisk(risk, builder);
        const LogEvent e = builder.take();
        QCOMPARE(e.riskReasons(), reasons);
        const QByteArray lvl = level.toUtf8();
        QCOMPARE(e.riskLevel(), riskLevelFromName(sv(lvl)));
    }
};

QTEST_GUILESS_MAIN(TestDebugDataParser)
#include "TestDebugDataParser.moc"

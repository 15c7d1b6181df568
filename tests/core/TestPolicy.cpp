// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/risk/Policy.h"

#include <QJsonDocument>
#include <QTest>

using vigil::risk::Policy;

class TestPolicy : public QObject
{
    Q_OBJECT

private slots:
    void defaultPolicyIsValidAndComplete()
    {
        QStringList errors;
        const auto policy = Policy::fromJson(Policy::defaultJson(), &errors);
        QVERIFY2(policy.has_value(), qPrintable(errors.join(u'\n')));
        QCOMPARE(policy->number(u"scoring.half_life_hours"_qs), 4.0);
        QCOMPARE(policy->number(u"scoring.alert_threshold"_qs), 40.0);
        QCOMPARE(policy->number(u"detections.impossible_travel.max_speed_kmh"_qs), 900.0);
        // Every detection of the catalogue has a section with points and an on/off switch.
        for (const QString& id : vigil::risk::detectionIds()) {
            QVERIFY2(policy->flag(u"detections."_qs + id + u".enabled"_qs), qPrintable(id));
            QVERIFY2(policy->number(u"detections."_qs + id + u".points"_qs) > 0, qPrintable(id));
        }
        QCOMPARE(policy->strings(u"scoring.always_alert"_qs),
                 (QStringList{u"threat_insight"_qs, u"privilege_grant"_qs}));
    }

    void everyKeyOfTheDefaultIsDocumented()
    {
        // A "//key" comment (or a "//" comment on an object) must explain every setting.
        std::function<void(const QJsonObject&, const QString&)> walk = [&](const QJsonObject& o, const QString& at) {
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (it.key().startsWith(u"//")) continue;
                const QString path = at.isEmpty() ? it.key() : at + u'.' + it.key();
                if (it.value().isObject()) {
                    QVERIFY2(it.value().toObject().contains(u"//"), qPrintable(path + u" has no // comment"_qs));
                    walk(it.value().toObject(), path);
                } else if (!o.contains(u"//"_qs + it.key())) {
                    // Self-explanatory keys inside a documented object (enabled, points, window_minutes…) are fine.
                    static const QStringList obvious{u"enabled"_qs,
                                                     u"points"_qs,
                                                     u"window_minutes"_qs,
                                                     u"window_hours"_qs,
                                                     u"critical"_qs,
                                                     u"high"_qs,
                                                     u"medium"_qs,
                                                     u"low"_qs,
                                                     u"start_hour"_qs,
                                                     u"end_hour"_qs,
                                                     u"weekdays"_qs,
                                                     u"distinct_users"_qs,
                                                     u"rejections"_qs,
                                                     u"pushes"_qs,
                                                     u"allowed_countries"_qs,
                                                     u"high_risk_countries"_qs,
                                                     u"asns"_qs,
                                                     u"isp_keywords"_qs,
                                                     u"max_speed_kmh"_qs,
                                                     u"min_distance_km"_qs,
                                                     u"min_signins"_qs,
                                                     u"min_days"_qs};
                    QVERIFY2(!at.isEmpty() && obvious.contains(it.key()), qPrintable(path + u" is undocumented"_qs));
                }
            }
        };
        walk(QJsonDocument::fromJson(Policy::defaultJson()).object(), {});
    }

    void partialFileMergesOverDefaults()
    {
        QStringList errors;
        const auto policy = Policy::fromJson(
            "{\"schema_version\":1,\n"
            "            "
            "\"detections\":{\"brute_force\":{\"failures\":5}},\"protected_accounts\":[\"breakglass@corp.example\"]}",
            &errors);
        QVERIFY2(policy.has_value(), qPrintable(errors.join(u'\n')));
        QCOMPARE(policy->number(u"detections.brute_force.failures"_qs), 5.0);
        QCOMPARE(policy->number(u"detections.brute_force.window_minutes"_qs), 10.0); // untouched default
        QCOMPARE(policy->strings(u"protected_accounts"_qs), QStringList{u"breakglass@corp.example"_qs});
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // a fragment of the error, naming the key

        QTest::newRow("not-json") << QByteArray("{\"schema_version\":1,") << "not valid JSON";
        QTest::newRow("not-object") << QByteArray("[1]") << "JSON object";
        QTest::newRow("wrong-version") << QByteArray("{\"schema_version\":2}") << "schema_version";
        QTest::newRow("unknown-top") << QByteArray("{\"schema_version\":1,\"sevrity\":{}}") << "sevrity: unknown key";
        QTest::newRow("unknown-nested") << QByteArray(
            "{\"schema_version\":1,\"detections\":{\"brute_force\":{\"windw_minutes\":5}}}")
                                        << "detections.brute_force.windw_minutes: unknown key";
        QTest::newRow("unknown-detection") << QByteArray("{\"schema_version\":1,\"detections\":{\"bruteforce\":{}}}")
                                           << "detections.bruteforce: unknown key";
        QTest::newRow("wrong-type") << QByteArray("{\"schema_version\":1,\"scoring\":{\"alert_threshold\":\"40\"}}")
                                    << "scoring.alert_threshold: must be a number, not a string";
        QTest::newRow("bool-type") << QByteArray("{\"schema_version\":1,\"detections\":{\"geo_risk\":{\"enabled\":1}}}")
                                   << "detections.geo_risk.enabled: must be a boolean";
        QTest::newRow("out-of-range") << QByteArray("{\"schema_version\":1,\"scoring\":{\"alert_threshold\":140}}")
                                      << "scoring.alert_threshold: 140 is outside 1 to 100";
        QTest::newRow("negative-points") << QByteArray(
            "{\"schema_version\":1,\"detections\":{\"new_device\":{\"points\":-5}}}")
                                         << "detections.new_device.points: -5 is outside";
        QTest::newRow("fractional-count")
            << QByteArray("{\"schema_version\":1,\"detections\":{\"brute_force\":{\"failures\":3.5}}}")
            << "detections.brute_force.failures: must be a whole number";
        QTest::newRow("always-alert-unknown")
            << QByteArray("{\"schema_version\":1,\"scoring\":{\"always_alert\":[\"threat_insight\",\"tor\"]}}")
            << "scoring.always_alert[1]: 'tor' is not a detection";
        QTest::newRow("weekday") << QByteArray("{\"schema_version\":1,\"business_hours\":{\"weekdays\":[\"Monday\"]}}")
                                 << "business_hours.weekdays[0]: 'Monday'";
        QTest::newRow("asn-string") << QByteArray(
            "{\"schema_version\":1,\"detections\":{\"anonymizer\":{\"asns\":[\"AS9009\"]}}}")
                                    << "detections.anonymizer.asns[0]: must be an AS number";
        QTest::newRow("empty-country") << QByteArray(
            "{\"schema_version\":1,\"detections\":{\"geo_risk\":{\"allowed_countries\":[\" \"]}}}")
                                       << "detections.geo_risk.allowed_countries[0]";
        QTest::newRow("severity-order") << QByteArray("{\"schema_version\":1,\"severity\":{\"high\":90}}")
                                        << "severity: bands must rise";
        QTest::newRow("hours-order") << QByteArray("{\"schema_version\":1,\"business_hours\":{\"start_hour\":20}}")
                                     << "business_hours: start_hour must come before end_hour";
    }

    void rejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QStringList errors;
        QVERIFY(!Policy::fromJson(json, &errors).has_value());
        QVERIFY(!errors.isEmpty());
        QVERIFY2(errors.join(u'\n').contains(expected), qPrintable(errors.join(u'\n')));
    }

    void reportsEveryProblemAtOnce()
    {
        QStringList errors;
        QVERIFY(!Policy::fromJson("{\"schema_version\":1,\"scoring\":{\"alert_threshold\":0,\"halflife\":3},\n"
                                  "            \"detections\":{\"mfa_fatigue\":{\"pushes\":\"many\"}}}",
                                  &errors));
        QCOMPARE(errors.size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "TestPolicy.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// Every real public Okta event in the corpus must parse (tests/data/okta-peers, see SOURCES.md there).
#include "core/okta/EventParser.h"
#include "core/okta/InputReader.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "support/TestSupport.h"

using namespace vigil;
using namespace vigil::okta;

class TestCorpus : public QObject
{
    Q_OBJECT

private slots:
    void everyRawEventParses()
    {
        const QByteArray input = test::readFileOrFail(test::dataPath(QStringLiteral("okta-peers/raw-events.ndjson")));
        QList<Rejection> rejections;
        QList<LogEvent> events;
        InputReader reader([&](LogEvent&& e) { events.append(std::move(e)); },
                           [&](const Rejection& r) { rejections.append(r); });
        reader.readBuffer(QStringLiteral("raw-events.ndjson"), input);
        for (const Rejection& r : rejections)
            qWarning("line %lld: %s", r.line, qPrintable(r.detail));
        qInfo("raw-events.ndjson: %lld read, %lld accepted, %lld rejected", reader.counts().read,
              reader.counts().accepted, reader.counts().rejected);
        QCOMPARE(reader.counts().read, 53);
        QCOMPARE(reader.counts().accepted, 53);
        QVERIFY(rejections.isEmpty());

        // Spot checks that the interesting fields of these real events come through.
        int withBehaviors = 0, withRisk = 0, withDtHash = 0, withTunnels = 0, withGeo = 0, withTargets = 0;
        for (const LogEvent& e : events) {
            withBehaviors += e.behaviorsEvaluated() != 0;
            withRisk += e.riskLevel() != OktaRiskLevel::None;
            withDtHash += e.has(LogEvent::Str::DtHash);
            withTunnels += e.has(LogEvent::Str::Tunnels);
            withGeo += e.hasGeolocation();
            withTargets += e.targetCount() > 0;
            QVERIFY(e.publishedMs() > 0);
            QVERIFY(!e.rawJson().isEmpty());
        }
        qInfo("behaviors %d, risk %d, dtHash %d, tunnels %d, geolocation %d, targets %d", withBehaviors, withRisk,
              withDtHash, withTunnels, withGeo, withTargets);
        QVERIFY(withBehaviors >= 5);
        QVERIFY(withRisk >= 5);
        QVERIFY(withDtHash >= 1);
        QVERIFY(withTunnels >= 1);
        QVERIFY(withGeo >= 20);
        QVERIFY(withTargets >= 10);
    }

    void pantherCasesParseOrLackARequiredField()
    {
        const QByteArray input =
            test::readFileOrFail(test::dataPath(QStringLiteral("okta-peers/panther-cases.ndjson")));
        EventParser parser;
        int cases = 0, accepted = 0, missingRequired = 0, redacted = 0;
        QMap<QString, int> missingByField;
        for (const QByteArray& line : input.split('\n')) {
            if (line.trimmed().isEmpty()) continue;
            ++cases;
            const QJsonObject test = QJsonDocument::fromJson(line).object();
            QVERIFY(test.contains(u"event"));
            const QByteArray event = QJsonDocument(test.value(u"event").toObject()).toJson(QJsonDocument::Compact);
            LogEvent e;
            ParseError err;
            if (parser.parse({event.constData(), size_t(event.size())}, e, err)) {
                ++accepted;
                continue;
            }
            // Panther redacted `published` in four of its stolen-session cases; an unparsable timestamp is
            // rejected by design (event time drives every detection), so those are the only other rejections.
            const bool redactedTime = test.value(u"event").toObject().value(u"published").toString() == u"redacted";
            if (redactedTime) {
                QCOMPARE(int(err.reason), int(RejectReason::BadTimestamp));
                ++redacted;
                continue;
            }
            QVERIFY2(err.reason == RejectReason::MissingField,
                     qPrintable(test.value(u"rule_id").toString() + QStringLiteral(": ") + err.detail));
            ++missingRequired;
            ++missingByField[err.field];
        }
        qInfo("panther-cases.ndjson: %d cases, %d parsed, %d rejected for a missing required field (uuid %d, "
              "published %d, eventType %d), %d for a redacted timestamp",
              cases, accepted, missingRequired, missingByField.value(u"uuid"_qs), missingByField.value(u"published"_qs),
              missingByField.value(u"eventType"_qs), redacted);
        QCOMPARE(cases, 88);
        QCOMPARE(accepted + missingRequired + redacted, cases);
        QCOMPARE(accepted, 65);
        QCOMPARE(redacted, 4);
        QCOMPARE(missingRequired, 19);
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "TestCorpus.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real `vigil` binary the way an analyst or a script would, and checks the report contract
// with the shared checker (tests/support/check-report.py).
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "support/TestConfig.h"
#include "support/TestSupport.h"

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runVigil(const QStringList& args, const QByteArray& stdinData = {})
{
    QProcess p;
    p.setProgram(qEnvironmentVariable("VIGIL_BINARY", QStringLiteral(VIGIL_BUILD_DIR "/app/vigil")));
    p.setArguments(args);
    p.start();
    if (!p.waitForStarted(10000)) return {};
    if (!stdinData.isEmpty()) p.write(stdinData);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QByteArray
failedSignIn(const QByteArray& uuid, const QByteArray& published, const QByteArray& user = "ann@corp.example")
{
    return "{\"uuid\":\"" + uuid + "\",\"published\":\"" + published
           + "\",\"eventType\":\"user.session.start\",\"actor\":{\"alternateId\":\"" + user
           + "\",\"type\":\"User\"},\"outcome\":{\"result\":\"FAILURE\",\"reason\":\"INVALID_CREDENTIALS\"},\"client\":"
             "{\"ipAddress\":\"203.0.113.7\"}}";
}

void writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(data), data.size());
}

QJsonObject counts(const QByteArray& report)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(report, &error);
    if (error.error != QJsonParseError::NoError) qWarning("report is not JSON: %s", qPrintable(error.errorString()));
    return doc.object().value(u"events").toObject();
}

} // namespace

class TestReplayCommand : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    void checkContract(const QString& reportPath)
    {
        if (QStringLiteral(VIGIL_PYTHON).isEmpty()) QSKIP("python3 not found at configure time");
        QProcess checker;
        checker.start(QStringLiteral(VIGIL_PYTHON),
                      {QStringLiteral(VIGIL_SOURCE_DIR "/tests/support/check-report.py"), reportPath});
        QVERIFY(checker.waitForFinished(30000));
        const QByteArray out = checker.readAllStandardOutput();
        QVERIFY2(checker.exitCode() == 0, out.constData());
        QVERIFY(out.contains("report conforms"));
    }

private slots:
    void exactCountsWithDuplicatesAndMalformedLines()
    {
        // 8 lines: 5 distinct good events, 1 repeated uuid, 1 truncated line, 1 event without a published time,
        // and a blank line that is not a record at all.
        const QByteArray input = failedSignIn("e1", "2024-05-01T10:00:00.000Z") + "\n"
                                 + failedSignIn("e2", "2024-05-01T10:00:05.000Z") + "\n"
                                 + failedSignIn("e1", "2024-05-01T10:00:00.000Z") + "\n"
                                 + "{\"uuid\":\"e4\",\"published\":\"2024-05-01T10:" + "\n" + "\n"
                                 + "{\"uuid\":\"e5\",\"eventType\":\"user.session.start\"}" + "\n"
                                 + failedSignIn("e6", "2024-05-01T09:59:00.000Z") + "\n"
                                 + failedSignIn("e7", "2024-05-01T10:01:00.000Z", "bob@corp.example") + "\n"
                                 + failedSignIn("e8", "2024-05-01T10:02:00.000Z") + "\n";
        writeFile(path(u"day.ndjson"_qs), input);
        const Run r = runVigil({u"replay"_qs, u"--input"_qs, path(u"day.ndjson"_qs), u"--report"_qs, u"-"_qs});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject c = counts(r.out);
        QCOMPARE(c.value(u"read").toInt(), 8);
        QCOMPARE(c.value(u"accepted").toInt(), 5);
        QCOMPARE(c.value(u"rejected").toInt(), 2);
        QCOMPARE(c.value(u"duplicates").toInt(), 1);
        // Each rejection names the file, the line and the reason.
        QVERIFY2(r.err.contains("day.ndjson:4: rejected: invalid JSON"), r.err.constData());
        QVERIFY2(r.err.contains("day.ndjson:6: rejected: missing required field 'published'"), r.err.constData());
        QVERIFY(r.err.contains("8 read, 5 accepted, 2 rejected, 1 duplicates"));
        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        for (const char* key : {"users", "ips", "alerts", "actions"}) {
            QVERIFY2(report.value(QLatin1String(key)).isArray(), key);
        }
        writeFile(path(u"day-report.json"_qs), r.out);
        checkContract(path(u"day-report.json"_qs));
    }

    void severalInputsInEveryFormAndStdin()
    {
        const QByteArray array = "[\n" + failedSignIn("a1", "2024-05-01T10:00:00Z") + ",\n"
                                 + failedSignIn("shared", "2024-05-01T10:00:01Z") + "\n]\n";
        const QByteArray hook = "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":["
                                + failedSignIn("h1", "2024-05-01T10:00:02Z") + ","
                                + failedSignIn("shared", "2024-05-01T10:00:01Z") + "]}}";
        writeFile(path(u"page.json"_qs), array);
        writeFile(path(u"hook.json"_qs), hook);
        const Run r = runVigil({u"replay"_qs, u"--input"_qs, path(u"page.json"_qs), u"-i"_qs, path(u"hook.json"_qs),
                                u"--input"_qs, u"-"_qs, u"--report"_qs, path(u"out.json"_qs)},
                               failedSignIn("s1", "2024-05-01T10:00:03Z") + "\n");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.isEmpty()); // the report went to the file
        const QJsonObject c = counts(vigil::test::readFileOrFail(path(u"out.json"_qs)));
        QCOMPARE(c.value(u"read").toInt(), 5);
        QCOMPARE(c.value(u"accepted").toInt(), 4);
        QCOMPARE(c.value(u"duplicates").toInt(), 1);
        QCOMPARE(c.value(u"rejected").toInt(), 0);
        checkContract(path(u"out.json"_qs));
    }

    void unreadableInputs()
    {
        // One readable input is enough to report; none at all is exit code 1.
        writeFile(path(u"one.ndjson"_qs), failedSignIn("o1", "2024-05-01T10:00:00Z") + "\n");
        Run r =
            runVigil({u"replay"_qs, u"--input"_qs, path(u"missing.ndjson"_qs), u"--input"_qs, path(u"one.ndjson"_qs)});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.contains("missing.ndjson"));
        QCOMPARE(counts(r.out).value(u"accepted").toInt(), 1);

        r = runVigil({u"replay"_qs, u"--input"_qs, path(u"missing.ndjson"_qs)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no input could be read"));
        QVERIFY(r.out.isEmpty());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no-input") << QStringList{u"replay"_qs};
        QTest::newRow("unknown-option") << QStringList{u"replay"_qs, u"--frobnicate"_qs};
        QTest::newRow("positional") << QStringList{u"replay"_qs, u"file.ndjson"_qs};
        QTest::newRow("input-without-value") << QStringList{u"replay"_qs, u"--input"_qs};
        QTest::newRow("unknown-command") << QStringList{u"frobnicate"_qs};
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        const Run r = runVigil(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
        QVERIFY(r.out.isEmpty());
    }

    void versionAndHelp()
    {
        Run r = runVigil({u"--version"_qs});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("vigil " VIGIL_VERSION_STRING));
        r = runVigil({u"--help"_qs});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("replay"));
        r = runVigil({u"replay"_qs, u"--help"_qs});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--input"));
        QVERIFY(r.out.contains("--report"));
    }

    void policyCheckNamesTheKey()
    {
        Run r = runVigil(
            {u"policy"_qs, u"check"_qs, QStringLiteral(VIGIL_SOURCE_DIR "/resources/policy/default-policy.json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("valid policy"));

        writeFile(path(u"bad-policy.json"_qs),
                  "{\"schema_version\":1,\"detections\":{\"brute_force\":{\"failures\":1}}}");
        r = runVigil({u"policy"_qs, u"check"_qs, path(u"bad-policy.json"_qs)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("detections.brute_force.failures: 1 is outside 2 to 1000"), r.err.constData());

        // replay refuses to start on a bad policy, and runs on a good one
        writeFile(path(u"one-event.ndjson"_qs), failedSignIn("p1", "2024-05-01T10:00:00Z") + "\n");
        r = runVigil(
            {u"replay"_qs, u"--input"_qs, path(u"one-event.ndjson"_qs), u"--policy"_qs, path(u"bad-policy.json"_qs)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        writeFile(path(u"good-policy.json"_qs), "{\"schema_version\":1,\"scoring\":{\"alert_threshold\":50}}");
        r = runVigil(
            {u"replay"_qs, u"--input"_qs, path(u"one-event.ndjson"_qs), u"--policy"_qs, path(u"good-policy.json"_qs)});
        QCOMPARE(r.exitCode, 0);

        r = runVigil({u"policy"_qs, u"defaults"_qs});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(r.out).object().contains(u"detections"));
        QCOMPARE(runVigil({u"policy"_qs}).exitCode, 2);
    }

    void bundledSampleReplays()
    {
        const QString sample = QStringLiteral(VIGIL_SOURCE_DIR "/resources/samples/okta-sample.ndjson");
        const Run r = runVigil({u"replay"_qs, u"--input"_qs, sample, u"--report"_qs, path(u"sample.json"_qs)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject c = counts(vigil::test::readFileOrFail(path(u"sample.json"_qs)));
        QVERIFY(c.value(u"accepted").toInt() > 100);
        checkContract(path(u"sample.json"_qs));
    }

    void actionsAreTheDryRunOfTheAutomationInEventTime()
    {
        // The attack day: one user crosses the paging threshold (MFA fatigue), the rest stay below it.
        const QString sample = QStringLiteral(VIGIL_SOURCE_DIR "/resources/samples/attack-day.ndjson");
        const Run r = runVigil({u"replay"_qs, u"--input"_qs, sample, u"--report"_qs, path(u"attack.json"_qs)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        checkContract(path(u"attack.json"_qs));
        const QJsonObject report =
            QJsonDocument::fromJson(vigil::test::readFileOrFail(path(u"attack.json"_qs))).object();
        QString paged;
        qint64 openedMs = -1;
        for (const QJsonValue& a : report.value(u"alerts").toArray()) {
            if (a[u"peak_risk"].toDouble() >= 60) {
                QVERIFY2(paged.isEmpty(), "one user above the paging threshold expected");
                paged = a[u"user"].toString();
                openedMs = QDateTime::fromString(a[u"opened_at"].toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
            }
        }
        QVERIFY(!paged.isEmpty());
        QHash<QString, qint64> at;
        for (const QJsonValue& v : report.value(u"actions").toArray()) {
            QVERIFY(v[u"dry_run"].toBool()); // a replay never acts
            QCOMPARE(v[u"user"].toString(), paged);
            at.insert(v[u"kind"].toString(),
                      QDateTime::fromString(v[u"at"].toString(), Qt::ISODateWithMs).toMSecsSinceEpoch());
        }
        for (const char* kind : {"step_up", "clear_sessions", "page", "auto_suspend", "notify", "ticket"})
            QVERIFY2(at.contains(QLatin1String(kind)), kind);
        // In event time: the step-up and page at the sign-in that crossed the threshold, the suspension
        // the policy's delay (15 minutes) later, with nobody acknowledging in a replay.
        QVERIFY(at.value(u"page"_qs) >= openedMs);
        QCOMPARE(at.value(u"auto_suspend"_qs) - at.value(u"page"_qs), 15 * 60000LL);
        QVERIFY(at.value(u"ticket"_qs) >= at.value(u"auto_suspend"_qs));
    }
};

QTEST_GUILESS_MAIN(TestReplayCommand)
#include "TestReplayCommand.moc"

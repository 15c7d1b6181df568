// SPDX-License-Identifier: GPL-3.0-or-later
// `vigil alert` as an analyst uses it from a shell: list, act on an alert with no Vigil running (the
// command is applied to the store and its calls wait in the outbox), and act through a running Vigil's
// command socket, which applies it to the live engine.
#include "core/audit/AuditLog.h"
#include "core/response/AnalystCommands.h"
#include "core/response/Outbox.h"
#include "core/response/ResponseEngine.h"
#include "core/store/SqliteEventStore.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "support/TestConfig.h"

using namespace vigil;

namespace {

struct Run
{
    int exitCode = -1;
    QString out, err;
};

QString vigilBinary()
{
    return qEnvironmentVariable("VIGIL_BINARY", QStringLiteral(VIGIL_BUILD_DIR "/app/vigil"));
}

// Runs `vigil` while this process's event loop keeps going (a listener in the test must answer).
Run runVigil(const QStringList& args)
{
    QProcess p;
    p.start(vigilBinary(), args);
    if (!p.waitForStarted(10000)) return {};
    QElapsedTimer timer;
    timer.start();
    while (p.state() != QProcess::NotRunning && timer.elapsed() < 30000)
        QTest::qWait(20);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// A store with one alert whose suspension countdown runs, as a live run leaves it.
struct Engine
{
    explicit Engine(const QString& dir, response::ResponseSettings settings = {})
        : store(QDir(dir).filePath(store::SqliteEventStore::defaultFileName()))
    {
        QString error;
        if (!store.open(&error)) qFatal("%s", qPrintable(error));
        audit = std::make_unique<audit::AuditLog>(store.database());
        outbox = std::make_unique<response::Outbox>(store.database(), network, *audit);
        settings.mode = response::Mode::Enforce;
        settings.autoSuspendDelayMs = 15 * 60000;
        settings.protectedRefreshMs = 0;
        engine = std::make_unique<response::ResponseEngine>(store.database(), *outbox, *audit, risk::Policy::defaults(),
                                                            settings);
        engine->start();
    }
    void openAlert(const QString& id, const QString& user)
    {
        risk::Alert a;
        a.id = id;
        a.user = user;
        a.userId = u"00u1234567890abcdef"_qs;
        a.peakRisk = 85;
        a.detections = {u"brute_force"_qs, u"anonymizer"_qs};
        a.sourceIps = {u"185.220.101.47"_qs};
        engine->onAlert(a);
    }

    store::SqliteEventStore store;
    QNetworkAccessManager network;
    std::unique_ptr<audit::AuditLog> audit;
    std::unique_ptr<response::Outbox> outbox;
    std::unique_ptr<response::ResponseEngine> engine;
};

} // namespace

class TestAlertCommand : public QObject
{
    Q_OBJECT

private slots:
    void withNoVigilRunningTheCommandIsAppliedToTheStore()
    {
        QTemporaryDir dir;
        {
            Engine e(dir.path());
            e.openAlert(u"alert-cli-1"_qs, u"bruce.brute@corp.example"_qs);
            QCOMPARE(e.engine->response(u"alert-cli-1"_qs)->state, u"suspension_pending"_qs);
        }
        Run list = runVigil({u"alert"_qs, u"list"_qs, u"--data-dir"_qs, dir.path()});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(u"alert-cli-1") && list.out.contains(u"bruce.brute@corp.example")
                     && list.out.contains(u"suspension_pending") && list.out.contains(u"14:"),
                 qPrintable(list.out));

        // Usage errors say what is missing and change nothing.
        Run noReason = runVigil({u"alert"_qs, u"override"_qs, u"alert-cli-1"_qs, u"--data-dir"_qs, dir.path()});
        QCOMPARE(noReason.exitCode, 2);
        QVERIFY(noReason.err.contains(u"--reason"));
        Run noId = runVigil({u"alert"_qs, u"ack"_qs, u"--data-dir"_qs, dir.path()});
        QCOMPARE(noId.exitCode, 2);
        Run unknown = runVigil({u"alert"_qs, u"ack"_qs, u"alert-nope"_qs, u"--data-dir"_qs, dir.path()});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains(u"alert-nope"));

        Run over = runVigil({u"alert"_qs, u"override"_qs, u"alert-cli-1"_qs, u"--reason"_qs,
                             u"the user is on a call with the help desk"_qs, u"--data-dir"_qs, dir.path()});
        QVERIFY2(over.exitCode == 0, qPrintable(over.err));
        QVERIFY(over.out.contains(u"overridden"));

        Engine after(dir.path());
        QCOMPARE(after.engine->response(u"alert-cli-1"_qs)->state, u"overridden"_qs);
        bool recorded = false;
        for (const audit::AuditRecord& r : after.audit->forSubject(u"alert-cli-1"_qs)) {
            if (r.kind != u"command") continue;
            recorded = true;
            QCOMPARE(r.actor, audit::AuditLog::currentOperator());
            QCOMPARE(r.details.value(u"reason").toString(), u"the user is on a call with the help desk"_qs);
        }
        QVERIFY(recorded);
        QVERIFY(after.audit->verify().ok);
    }

    // "Assign to me": the giver becomes the assignee (or the named analyst), recorded, kept across restarts,
    // and nothing else about the alert changes; the command survives its JSON form (team mode, the socket).
    void assignGivesTheAlertToAnAnalyst()
    {
        QTemporaryDir dir;
        {
            Engine e(dir.path());
            e.openAlert(u"alert-as-1"_qs, u"bruce.brute@corp.example"_qs);
            response::AnalystCommand c;
            c.action = u"assign"_qs;
            c.alertId = u"alert-as-1"_qs;
            c.who = u"alice@ws-12"_qs;
            c = response::AnalystCommand::fromJson(c.toJson());
            const response::CommandResult r = response::applyCommand(*e.engine, c);
            QVERIFY2(r.ok, qPrintable(r.message));
            QCOMPARE(e.engine->response(u"alert-as-1"_qs)->assignee, u"alice@ws-12"_qs);
            QCOMPARE(e.engine->response(u"alert-as-1"_qs)->state, u"suspension_pending"_qs); // countdown untouched

            c.assignee = u"bob@ws-3"_qs;
            QVERIFY(response::applyCommand(*e.engine, response::AnalystCommand::fromJson(c.toJson())).ok);
            c.alertId = u"alert-nope"_qs;
            QVERIFY(!response::applyCommand(*e.engine, c).ok);
        }
        Engine after(dir.path());
        QCOMPARE(after.engine->response(u"alert-as-1"_qs)->assignee, u"bob@ws-3"_qs);
        QStringList assigned;
        for (const audit::AuditRecord& r : after.audit->forSubject(u"alert-as-1"_qs)) {
            if (r.kind == u"command" && r.details.value(u"command").toString() == u"assign")
                assigned.append(r.actor + u'>' + r.details.value(u"reason").toString());
        }
        QCOMPARE(assigned, (QStringList{u"alice@ws-12>alice@ws-12"_qs, u"alice@ws-12>bob@ws-3"_qs}));
        QVERIFY(after.audit->verify().ok);
    }

    void suspendWithNoVigilRunningQueuesTheCallsForTheNextRun()
    {
        QTemporaryDir dir;
        {
            Engine e(dir.path());
            e.openAlert(u"alert-cli-2"_qs, u"mia.fatigue@corp.example"_qs);
        }
        Run suspend = runVigil({u"alert"_qs, u"suspend"_qs, u"alert-cli-2"_qs, u"--reason"_qs, u"confirmed ATO"_qs,
                                u"--mode"_qs, u"enforce"_qs, u"--data-dir"_qs, dir.path()});
        QVERIFY2(suspend.exitCode == 0, qPrintable(suspend.err));
        QVERIFY2(suspend.out.contains(u"outbox"), qPrintable(suspend.out));
        Engine after(dir.path());
        QCOMPARE(after.engine->response(u"alert-cli-2"_qs)->state, u"suspended"_qs);
        bool queued = false;
        for (const response::OutboundCall& c : after.outbox->calls(u"alert-cli-2"_qs))
            queued |= c.purpose == u"suspend" && c.state == u"pending";
        QVERIFY(queued);
    }

    void aRunningVigilAppliesTheCommandThroughItsSocket()
    {
        QTemporaryDir dir;
        Engine live(dir.path());
        live.openAlert(u"alert-cli-3"_qs, u"sam.session@corp.example"_qs);
        response::CommandListener listener(
            dir.path(), [&](const response::AnalystCommand& c) { return response::applyCommand(*live.engine, c); });
        QString error;
        QVERIFY2(listener.listen(&error), qPrintable(error));
        // A second process on the same folder does not take the socket over.
        response::CommandListener second(dir.path(),
                                         [](const response::AnalystCommand&) { return response::CommandResult{}; });
        QVERIFY(!second.listen(&error));

        Run fp = runVigil({u"alert"_qs, u"false-positive"_qs, u"alert-cli-3"_qs, u"--reason"_qs,
                           u"new phone, confirmed by video call"_qs, u"--suppress-hours"_qs, u"24"_qs,
                           u"--detections"_qs, u"brute_force,anonymizer"_qs, u"--data-dir"_qs, dir.path()});
        QVERIFY2(fp.exitCode == 0, qPrintable(fp.err));
        // The live engine changed (not only the file): its state and its suppressions.
        QCOMPARE(live.engine->response(u"alert-cli-3"_qs)->state, u"false_positive"_qs);
        const QList<response::Suppression> active = live.engine->activeSuppressions();
        QCOMPARE(active.size(), 1);
        QCOMPARE(active.first().user, u"sam.session@corp.example"_qs);
        QCOMPARE(active.first().owner, audit::AuditLog::currentOperator());
        QCOMPARE(active.first().detections, (QStringList{u"brute_force"_qs, u"anonymizer"_qs}));
        QVERIFY(active.first().expiresMs - live.engine->nowMs() > 23 * 3600000LL);

        // Refusals come back as errors with the reason.
        Run again = runVigil({u"alert"_qs, u"ack"_qs, u"alert-cli-3"_qs, u"--data-dir"_qs, dir.path()});
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains(u"no open alert"));
    }
};

QTEST_GUILESS_MAIN(TestAlertCommand)
#include "TestAlertCommand.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// `vigil --demo`: the simulated tenant and the live pipeline in one process, talking HTTP over
// loopback, and the window showing what they find. Also the real binary, offscreen, with a screenshot.
#include "app/DemoMode.h"
#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/CoreThread.h"
#include "ui/MainWindow.h"
#include "ui/charts/ChartsPanel.h"
#include "ui/console/RiskBoard.h"
#include "ui/events/EventStreamModel.h"
#include "ui/events/EventStreamView.h"
#include "ui/map/WorldMapWidget.h"
#include "ui/user/UserView.h"

#include <QAbstractItemModel>
#include <QImage>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "support/CoreThreadDemo.h"

using namespace vigil;

namespace {

// An alert whose suspension countdown runs, read on the core thread.
QString pendingAlert(pipeline::CoreThread& core, app::DemoMode& demo)
{
    QString id;
    core.runBlocking([&] {
        for (const response::AlertResponse& r : demo.session().responses()->responses()) {
            if (r.state == u"suspension_pending") id = r.alertId;
        }
    });
    return id;
}

} // namespace

class TestDemoMode : public QObject
{
    Q_OBJECT

private slots:
    void attacksBecomeAlertsOnScreen()
    {
        app::DemoMode::Options options;
        options.speed = 60;
        options.users = 80;
        options.attackEveryMs = 1500;
        options.autoSuspendDelayMs = 600000;
        // As the console runs it: the core on its own thread, the window fed with snapshots.
        test::CoreThreadDemo run;
        QString error;
        run.start(options, &error, [&run] {
            connect(run.demo.get(), &app::DemoMode::logLine, run.feed, &pipeline::ConsoleFeed::addLogLine);
        });
        pipeline::CoreThread& core = run.core;
        std::unique_ptr<app::DemoMode>& demo = run.demo;
        pipeline::ConsoleFeed* const feed = run.feed;
        QVERIFY2(feed, qPrintable(error));
        QVERIFY(feed->thread() != QThread::currentThread());
        {
            ui::MainWindow window(nullptr);
            ui::ConsoleContext context;
            context.title = u"Vigil demo"_qs;
            core.runBlocking([&] {
                context.store = pipeline::StoreSource::of(demo->session().store());
                context.orgUrl = demo->tenant().baseUrl().toString();
            });
            window.attachFeed(feed, context);
            window.show();

            auto* table = window.findChild<QTableView*>(u"alertTable"_qs);
            auto* activity = window.findChild<QPlainTextEdit*>(u"activityLog"_qs);
            auto* health = window.findChild<QLabel*>(u"healthLabel"_qs);
            QVERIFY(table && activity && health && window.map() && window.riskBoard());
            // Polling and hooks both run: the log says so, and the scripted attacks turn into alerts.
            QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() >= 2, 45000);
            QTRY_VERIFY_WITH_TIMEOUT(activity->toPlainText().contains(u"alert opened"), 5000);
            QVERIFY(activity->toPlainText().contains(u"under attack"));
            QTRY_VERIFY_WITH_TIMEOUT(activity->toPlainText().contains(u"Event Hook verification"), 10000);
            QTRY_VERIFY_WITH_TIMEOUT(health->text().contains(u"live"), 10000);
            // The map and the board fill from the same snapshots.
            QTRY_VERIFY_WITH_TIMEOUT(window.map()->signInCount() > 20, 10000);
            QTRY_VERIFY_WITH_TIMEOUT(!window.riskBoard()->users().isEmpty(), 10000);
            QTRY_VERIFY_WITH_TIMEOUT(window.charts()->signInSamples() >= 1, 15000);
            QTRY_VERIFY_WITH_TIMEOUT(!window.charts()->detectionCategories().isEmpty(), 15000);
            // High and critical alerts are announced once each (the tray, where there is one).
            QTRY_VERIFY_WITH_TIMEOUT(!window.notificationsRaised().isEmpty(), 60000);
            const QStringList notices = window.notificationsRaised();
            QCOMPARE(QSet<QString>(notices.begin(), notices.end()).size(), notices.size());
            QVERIFY(notices.first().contains(u"High") || notices.first().contains(u"Critical"));

            // The views over the store: the event stream lists what was stored, the audit tab exists, and the
            // user view opens on an alerted user with their stored timeline and the alert's response.
            QVERIFY(window.eventStream() && window.findChild<QWidget*>(u"auditView"_qs));
            auto* tabs = window.findChild<QTabWidget*>(u"bottomTabs"_qs);
            QVERIFY(tabs);
            tabs->setCurrentWidget(window.eventStream()); // the stream loads when it is first shown
            QTRY_VERIFY_WITH_TIMEOUT(window.eventStream()->model()->rowCount() > 100, 15000);
            QString someUser;
            core.runBlocking([&] {
                const auto responses = demo->session().responses()->responses();
                if (!responses.isEmpty()) someUser = responses.first().user;
            });
            QVERIFY(!someUser.isEmpty());
            window.openUser(someUser);
            QVERIFY(window.userView()->isVisible());
            QTRY_VERIFY_WITH_TIMEOUT(!window.userView()->isLoading() && !window.userView()->profile().events.isEmpty(),
                                     15000);
            QCOMPARE(window.userView()->profile().login, someUser);
            QVERIFY(!window.userView()->profile().responses.isEmpty());
            // The events behind the user's alert are marked as having fed it.
            const auto& events = window.userView()->profile().events;
            QTRY_VERIFY_WITH_TIMEOUT(std::any_of(window.userView()->profile().events.begin(),
                                                 window.userView()->profile().events.end(),
                                                 [](const pipeline::UserEvent& e) { return !e.alertIds.isEmpty(); }),
                                     10000);
            Q_UNUSED(events)

            // A command from the window reaches the engine on the core thread and comes back answered.
            QSignalSpy answered(&window, &ui::MainWindow::commandAnswered);
            QString target;
            QTRY_VERIFY_WITH_TIMEOUT(!(target = pendingAlert(core, *demo)).isEmpty(), 60000);
            response::AnalystCommand ack;
            ack.action = u"ack"_qs;
            ack.alertId = target;
            ack.reason = u"calling the user"_qs;
            window.sendCommand(ack);
            QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 5000);
            QVERIFY2(answered.first().at(1).value<response::CommandResult>().ok,
                     qPrintable(answered.first().at(1).value<response::CommandResult>().message));
            QString state;
            core.runBlocking([&] { state = demo->session().responses()->response(target)->state; });
            QCOMPARE(state, u"acknowledged"_qs);
        }
        qint64 stored = 0, polled = 0, hooked = 0, duplicates = 0;
        core.runBlocking([&] {
            stored = demo->session().store().eventCount();
            polled = demo->session().poller()->health().eventsStored;
            hooked = demo->session().hooks()->counters().eventsStored;
            duplicates = demo->session().hooks()->counters().duplicates;
        });
        QVERIFY(hooked + duplicates > 0);
        // No event is stored twice, whichever path brought it.
        QCOMPARE(stored, polled + hooked);
    }

    void binaryRunsTheDemoAndSavesAScreenshot()
    {
        const QString vigil = QString::fromLocal8Bit(qgetenv("VIGIL_BINARY"));
        if (vigil.isEmpty()) QSKIP("VIGIL_BINARY is not set (run through ctest)");
        QTemporaryDir dir;
        const QString shot = dir.filePath(u"demo.png"_qs);
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
        process.setProcessEnvironment(env);
        process.start(vigil, {u"--demo"_qs, u"--screenshot"_qs, shot, u"--screenshot-delay"_qs, u"4000"_qs});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800 && image.height() >= 500);
    }
};

QTEST_MAIN(TestDemoMode)
#include "TestDemoMode.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// `vigil --demo`: the simulated tenant and the live pipeline in one process, talking HTTP over
// loopback, and the window showing what they find. Also the real binary, offscreen, with a screenshot.
#include "app/DemoMode.h"
#include "ui/MainWindow.h"

#include <QAbstractItemModel>
#include <QImage>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;

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
        app::DemoMode demo(options);
        QString error;
        QVERIFY2(demo.start(&error), qPrintable(error));
        ui::MainWindow window(&demo.session().store());
        window.attachLiveSession(&demo.session(), u"Vigil demo"_qs);
        connect(&demo, &app::DemoMode::logLine, &window, &ui::MainWindow::appendActivity);
        window.show();

        auto* table = window.findChild<QTableView*>(u"alertTable"_qs);
        auto* activity = window.findChild<QPlainTextEdit*>(u"activityLog"_qs);
        auto* health = window.findChild<QLabel*>(u"healthLabel"_qs);
        QVERIFY(table && activity && health);
        // Polling and hooks both run: the log says so, and the scripted attacks turn into alerts.
        QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() >= 2, 45000);
        QTRY_VERIFY_WITH_TIMEOUT(activity->toPlainText().contains(u"alert opened"), 5000);
        QVERIFY(activity->toPlainText().contains(u"under attack"));
        QVERIFY(activity->toPlainText().contains(u"Event Hook verification"));
        QTRY_VERIFY_WITH_TIMEOUT(health->text().contains(u"live"), 10000);
        QVERIFY(demo.session().hooks()->counters().eventsStored + demo.session().hooks()->counters().duplicates > 0);
        // No event is stored twice, whichever path brought it.
        QCOMPARE(demo.session().store().eventCount(),
                 demo.session().poller()->health().eventsStored + demo.session().hooks()->counters().eventsStored);
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

// SPDX-License-Identifier: GPL-3.0-or-later
// The console window on a team store (issue 8): the demo's live session stores into a database on a private
// PostgreSQL cluster, and the window reads it back through its own PostgreSQL connection: the Events and Audit tabs
// show rows, their filters work there, the user view loads, and the status bar and title say team mode. Also the real
// binary: `vigil --demo --store postgresql://…` offscreen with a screenshot.
#include "app/ConsoleLauncher.h"
#include "app/DemoMode.h"
#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/CoreThread.h"
#include "core/pipeline/StoreReader.h"
#include "ui/MainWindow.h"
#include "ui/audit/AuditModel.h"
#include "ui/audit/AuditPage.h"
#include "ui/audit/AuditView.h"
#include "ui/events/EventStreamModel.h"
#include "ui/events/EventStreamView.h"
#include "ui/user/UserView.h"

#include <QImage>
#include <QLabel>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "support/CoreThreadDemo.h"
#include "support/PostgresCluster.h"

using namespace vigil;

namespace {

// With VIGIL_TEST_SHOTS=DIR, the window as the test sees it, for a person to look at.
void keepShot(QWidget& window, const QString& name)
{
    const QString dir = qEnvironmentVariable("VIGIL_TEST_SHOTS");
    if (!dir.isEmpty()) window.grab().save(dir + u'/' + name, "PNG");
}

} // namespace

class TestTeamConsole : public QObject
{
    Q_OBJECT

private:
    test::PostgresCluster m_pg;

    void requirePostgres()
    {
        if (!m_pg.skipReason().isEmpty()) QSKIP(qPrintable(m_pg.skipReason()));
    }

private slots:
    void initTestCase()
    {
        if (!m_pg.start()) QVERIFY2(!m_pg.skipReason().isEmpty(), qPrintable(m_pg.error()));
    }

    void windowReadsTheTeamDatabase()
    {
        requirePostgres();
        const QString url = m_pg.createDatabase(u"console"_qs);
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.error()));
        QString error;
        std::optional<store::PostgresLocation> team = m_pg.location(url, &error);
        QVERIFY2(team, qPrintable(error));

        app::DemoMode::Options options;
        options.speed = 60;
        options.users = 60;
        options.attackEveryMs = 1500;
        options.autoSuspendDelayMs = 600000;
        options.storeUrl = url;
        options.storePassword = m_pg.password();
        test::CoreThreadDemo run;
        pipeline::StoreSource source;
        run.start(options, &error, [&] { source = pipeline::StoreSource::of(run.demo->session().store()); });
        pipeline::CoreThread& core = run.core;
        std::unique_ptr<app::DemoMode>& demo = run.demo;
        pipeline::ConsoleFeed* const feed = run.feed;
        QVERIFY2(feed, qPrintable(error));
        QVERIFY(source.isTeam());
        QCOMPARE(source.display(), team->displayUrl());

        ui::MainWindow window(nullptr);
        ui::ConsoleContext context;
        context.title = app::ConsoleLauncher::windowTitle(u"Vigil — demo"_qs, team);
        context.store = source;
        window.attachFeed(feed, context);
        window.show();
        QVERIFY(window.windowTitle().contains(team->displayUrl()));
        QVERIFY(!window.windowTitle().contains(QString::fromUtf8(m_pg.password())));
        QVERIFY(window.storeReader() && window.storeReader()->isOpen());
        QVERIFY(window.storeReader()->source().isTeam());

        // The status bar says team mode: this console (the only one) leads.
        auto* teamLabel = window.findChild<QLabel*>(u"teamLabel"_qs);
        QVERIFY(teamLabel);
        QTRY_VERIFY_WITH_TIMEOUT(teamLabel->isVisible() && teamLabel->text().contains(u"this console leads"), 20000);

        // Events: every stored event through the window's own PostgreSQL connection.
        auto* tabs = window.findChild<QTabWidget*>(u"bottomTabs"_qs);
        QVERIFY(tabs);
        tabs->setCurrentWidget(window.eventStream());
        QTRY_VERIFY_WITH_TIMEOUT(window.eventStream()->model()->rowCount() > 100, 30000);
        qint64 stored = 0;
        core.runBlocking([&] { stored = demo->session().store().eventCount(); });
        QVERIFY(stored >= window.eventStream()->model()->rowCount());
        // The newest row is a real stored event, read back with its columns.
        QTRY_VERIFY_WITH_TIMEOUT(!window.eventStream()->model()->index(0, 0).data().toString().isEmpty(), 10000);
        keepShot(window, u"team-events.png"_qs);

        // Audit: the automation's records about the demo's attacks (decisions, calls), newest first.
        auto* audit = window.findChild<ui::AuditView*>(u"auditView"_qs);
        QVERIFY(audit);
        tabs->setCurrentWidget(audit);
        QTRY_VERIFY_WITH_TIMEOUT(audit->model()->rowCount() > 0, 60000);
        const int auditRows = audit->model()->rowCount();
        QVERIFY(!audit->model()->index(0, 0).data().toString().isEmpty());
        keepShot(window, u"team-audit.png"_qs);

        // The audit filters' SQL on PostgreSQL: by a user named in the details, and free text in any case.
        QString someUser;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                core.runBlocking([&] {
                    const auto responses = demo->session().responses()->responses();
                    if (!responses.isEmpty()) someUser = responses.first().user;
                });
                return !someUser.isEmpty();
            }(),
            60000);
        struct Counts
        {
            qint64 all = 0, byUser = 0, upperText = 0, lowerText = 0, nobody = 0;
        };
        const Counts counts = window.storeReader()->queryBlocking<Counts>([someUser](store::EventStore& s) {
            Counts c;
            ui::AuditFilter f;
            c.all = ui::AuditPage::count(s.database(), f);
            f.subject = someUser.toUpper(); // details.user, any case
            c.byUser = ui::AuditPage::count(s.database(), f);
            ui::AuditFilter text;
            text.text = someUser.section(u'@', 0, 0).toUpper();
            c.upperText = ui::AuditPage::count(s.database(), text);
            text.text = text.text.toLower();
            c.lowerText = ui::AuditPage::count(s.database(), text);
            ui::AuditFilter nobody;
            nobody.subject = u"nobody-at-all@nowhere"_qs;
            c.nobody = ui::AuditPage::count(s.database(), nobody);
            return c;
        });
        QVERIFY(counts.all >= auditRows);
        QVERIFY2(counts.byUser > 0 && counts.byUser <= counts.all, qPrintable(QString::number(counts.byUser)));
        QVERIFY(counts.upperText > 0);
        QCOMPARE(counts.upperText, counts.lowerText);
        QCOMPARE(counts.nobody, 0);
        audit->showSubject(someUser);
        QTRY_VERIFY_WITH_TIMEOUT(audit->model()->rowCount() > 0 && audit->model()->rowCount() <= counts.byUser, 10000);

        // The user view: the user's stored timeline and the alert's response, from the team database. The
        // engine holds the response before its row is committed: wait for the row, as a user would see it.
        QTRY_VERIFY_WITH_TIMEOUT(window.storeReader()->queryBlocking<bool>([someUser](store::EventStore& s) {
            QSqlQuery q(s.database());
            q.prepare(u"SELECT count(*) FROM responses WHERE user_login = ?"_qs);
            q.addBindValue(someUser);
            return q.exec() && q.next() && q.value(0).toInt() > 0;
        }),
                                 20000);
        window.openUser(someUser);
        QTRY_VERIFY_WITH_TIMEOUT(!window.userView()->isLoading() && !window.userView()->profile().events.isEmpty(),
                                 20000);
        QVERIFY2(window.userView()->profile().error.isEmpty(), qPrintable(window.userView()->profile().error));
        QVERIFY(!window.userView()->profile().responses.isEmpty());
        QVERIFY(!window.userView()->profile().audit.isEmpty());
        keepShot(window, u"team-user.png"_qs);

        // The reader is a connection of its own, named so that an administrator can tell it apart.
        const int readers = window.storeReader()->queryBlocking<int>([](store::EventStore& s) {
            QSqlQuery q(s.database());
            q.exec(u"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil-reader'"_qs);
            return q.next() ? q.value(0).toInt() : -1;
        });
        QVERIFY(readers >= 1);
    }

    void binaryShowsTheTeamDatabase()
    {
        requirePostgres();
        const QString vigil = QString::fromLocal8Bit(qgetenv("VIGIL_BINARY"));
        if (vigil.isEmpty()) QSKIP("VIGIL_BINARY is not set (run through ctest)");
        const QString url = m_pg.createDatabase(u"binary"_qs);
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.error()));
        QTemporaryDir dir;
        const QString shot = dir.filePath(u"team.png"_qs);
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
        env.insert(u"VIGIL_STORE_PASSWORD"_qs, QString::fromUtf8(m_pg.password()));
        env.insert(u"XDG_CONFIG_HOME"_qs, dir.filePath(u"config"_qs)); // no saved org, no welcome
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(vigil, {u"--demo"_qs, u"--store"_qs, url, u"--screenshot"_qs, shot, u"--after"_qs, u"6"_qs});
        QVERIFY(process.waitForFinished(60000));
        const QString output = QString::fromLocal8Bit(process.readAll());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains(url.section(u'/', 0, -2)), qPrintable(output)); // "store postgresql://…: N events"
        QVERIFY(!output.contains(QString::fromUtf8(m_pg.password())));
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800 && image.height() >= 500);

        // A URL that is not a team store is a usage error, before any window.
        QProcess bad;
        bad.setProcessEnvironment(env);
        bad.start(vigil, {u"--store"_qs, u"postgresql://vigil:secret@127.0.0.1/x"_qs});
        QVERIFY(bad.waitForFinished(30000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(QString::fromLocal8Bit(bad.readAllStandardError()).contains(u"--store"));
    }
};

QTEST_MAIN(TestTeamConsole)
#include "TestTeamConsole.moc"

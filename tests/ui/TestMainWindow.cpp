// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/InputReader.h"
#include "core/store/SqliteEventStore.h"
#include "ui/MainWindow.h"
#include "ui/console/AlertQueue.h"
#include "ui/map/WorldMapWidget.h"
#include "ui/queue/ActionPrompter.h"
#include "ui/queue/AlertQueueView.h"

#include <QDateTime>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "support/TestSupport.h"

using namespace vigil;

namespace {

// Answers the queue's questions without dialogs.
class YesPrompter final : public ui::ActionPrompter
{
public:
    bool confirm(QWidget*, const ui::ConfirmRequest&) override
    {
        ++confirms;
        return true;
    }
    std::optional<QString> askReason(QWidget*, const ui::ReasonRequest&) override
    {
        ++reasons;
        return QStringLiteral("calling the user");
    }
    std::optional<ui::FalsePositiveAnswer> askFalsePositive(QWidget*, const ui::FalsePositiveRequest&) override
    {
        return std::nullopt;
    }
    void showCheatSheet(QWidget*, const QList<ui::KeyHelp>&) override {}
    int confirms = 0;
    int reasons = 0;
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void statusBarShowsWhatTheStoreHolds()
    {
        QTemporaryDir dir;
        store::SqliteEventStore db(dir.filePath(u"vigil.sqlite"_qs));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QList<okta::LogEvent> events;
        okta::InputReader reader([&](okta::LogEvent&& e) { events.append(std::move(e)); }, {});
        test::SyntheticEventGenerator generator(50, 3);
        reader.readBuffer(u"gen"_qs, generator.ndjson(1234));
        QVERIFY(db.appendBatch(events).ok);

        ui::MainWindow window(&db);
        window.show();
        auto* label = window.findChild<QLabel*>(u"storeStatusLabel"_qs);
        QVERIFY(label);
        QVERIFY2(label->text().contains(QLocale().toString(1234)), qPrintable(label->text()));
        QVERIFY(label->isVisible());
    }

    // Clicking the map filters the queue: a dot to its user, a country to the alerts from there.
    void clickingTheMapFiltersTheQueue()
    {
        ui::MainWindow window(nullptr);
        window.attachFeed(nullptr, u"Vigil test"_qs, risk::Policy::defaults());
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto snapshot = std::make_shared<pipeline::ConsoleSnapshot>();
        snapshot->wallMs = QDateTime::currentMSecsSinceEpoch();
        const auto alert = [&](const QString& id, const QString& user, const QString& country, double risk) {
            pipeline::ConsoleAlert a;
            a.alertId = id;
            a.user = user;
            a.severity = u"high"_qs;
            a.risk = a.peakRisk = risk;
            a.detections = {u"brute_force"_qs};
            a.state = u"detected"_qs;
            a.openedMs = a.lastSeenMs = snapshot->wallMs - 60000;
            a.country = country;
            a.sourceIps = {u"198.51.100.7"_qs};
            snapshot->alerts.append(a);
        };
        alert(u"a-1"_qs, u"alice@example.com"_qs, u"Germany"_qs, 72);
        alert(u"a-2"_qs, u"bob@example.com"_qs, u"United States"_qs, 65);
        alert(u"a-3"_qs, u"carol@example.com"_qs, u"United States"_qs, 61);
        const auto signIn = [&](const QString& user, const QString& city, const QString& country, double lat,
                                double lon) {
            pipeline::ConsoleSignIn p;
            p.user = user;
            p.city = city;
            p.country = country;
            p.lat = lat;
            p.lon = lon;
            p.risk = 70;
            p.atMs = snapshot->wallMs - 30000;
            snapshot->newSignIns.append(p);
        };
        signIn(u"alice@example.com"_qs, u"Berlin"_qs, u"Germany"_qs, 52.52, 13.40);
        signIn(u"bob@example.com"_qs, u"Chicago"_qs, u"United States"_qs, 41.88, -87.63);
        window.applySnapshot(snapshot);
        QCOMPARE(window.queue()->visibleRows(), 3);

        auto* tabs = window.findChild<QTabWidget*>(u"bottomTabs"_qs);
        QVERIFY(tabs);
        tabs->setCurrentWidget(window.map());
        ui::WorldMapWidget* map = window.map();
        QTRY_VERIFY(map->isVisible() && map->width() > 300);

        // Alice's dot in Berlin: her alert only.
        const QPoint berlin = map->mapFromGeo(52.52, 13.40).toPoint();
        QVERIFY(!map->signInsAt(berlin).isEmpty());
        QTest::mouseClick(map, Qt::LeftButton, {}, berlin);
        QTRY_COMPARE(window.queue()->filterText(), u"user:alice@example.com"_qs);
        QCOMPARE(window.queue()->visibleRows(), 1);

        // Open land in Kansas, far from any dot: the country's alerts (Okta's "United States" found by "US").
        const QPoint kansas = map->mapFromGeo(38.5, -98.0).toPoint();
        QVERIFY(map->signInsAt(kansas).isEmpty());
        QCOMPARE(map->countryAt(kansas), u"US"_qs);
        QTest::mouseClick(map, Qt::LeftButton, {}, kansas);
        QTRY_COMPARE(window.queue()->filterText(), u"country:US"_qs);
        QCOMPARE(window.queue()->visibleRows(), 2);
    }

    // A high alert is announced once, and the tray's menu offers the queue's actions for it.
    void trayMenuOffersTheQueuesActions()
    {
        ui::MainWindow window(nullptr);
        window.attachFeed(nullptr, u"Vigil test"_qs, risk::Policy::defaults());
        YesPrompter prompter;
        window.queue()->view()->setPrompter(&prompter);
        QSignalSpy commands(window.queue(), &ui::AlertQueue::commandsRequested);

        auto snapshot = std::make_shared<pipeline::ConsoleSnapshot>();
        snapshot->wallMs = QDateTime::currentMSecsSinceEpoch();
        pipeline::ConsoleAlert a;
        a.alertId = u"a-7"_qs;
        a.user = u"dana@example.com"_qs;
        a.severity = u"critical"_qs;
        a.risk = a.peakRisk = 91;
        a.detections = {u"mfa_fatigue"_qs};
        a.state = u"suspension_pending"_qs;
        a.deadlineMs = snapshot->wallMs + 600000;
        a.openedMs = a.lastSeenMs = snapshot->wallMs - 60000;
        snapshot->alerts.append(a);
        window.applySnapshot(snapshot);
        window.applySnapshot(snapshot); // the same alert again is not announced twice
        QCOMPARE(window.notificationsRaised().size(), 1);

        QMenu* alertMenu = window.trayMenu()->findChild<QMenu*>(u"trayAlert-a-7"_qs);
        QVERIFY(alertMenu);
        QVERIFY(alertMenu->title().contains(u"dana@example.com"));
        QAction* hold = alertMenu->findChild<QAction*>(u"ack"_qs);
        QVERIFY(hold);
        hold->trigger();
        QCOMPARE(commands.size(), 1);
        const auto sent = commands.first().first().value<QList<response::AnalystCommand>>();
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().action, u"ack"_qs);
        QCOMPARE(sent.first().alertId, u"a-7"_qs);
        QCOMPARE(window.queue()->selectedAlertId(), u"a-7"_qs);

        // Suspending from the tray asks the same confirmation as the queue's 's'.
        alertMenu->findChild<QAction*>(u"suspend"_qs)->trigger();
        QCOMPARE(prompter.confirms, 1);
        QCOMPARE(commands.size(), 2);
        QCOMPARE(commands.last().first().value<QList<response::AnalystCommand>>().first().action, u"suspend"_qs);
    }

    void mapFiltersAreWellFormed()
    {
        QCOMPARE(ui::MainWindow::countryFilter(u"FR"_qs, u"France"_qs), u"country:FR"_qs);
        QCOMPARE(ui::MainWindow::countryFilter(u"-99"_qs, u"N. Cyprus"_qs), u"country:\"N. Cyprus\""_qs);
        ui::MapSignIn a;
        a.user = u"alice"_qs;
        a.country = u"France"_qs;
        ui::MapSignIn b = a;
        b.user = u"bob"_qs;
        QCOMPARE(ui::MainWindow::signInFilter({a, a}), u"user:alice"_qs);
        QCOMPARE(ui::MainWindow::signInFilter({a, b}), u"country:\"France\""_qs);
        b.country = u"Spain"_qs;
        QCOMPARE(ui::MainWindow::signInFilter({a, b}), QString());
        QCOMPARE(ui::MainWindow::signInFilter({}), QString());
    }

    void missingStoreIsExplained()
    {
        ui::MainWindow window(nullptr, u"cannot create /nowhere: permission denied"_qs);
        window.show();
        auto* label = window.findChild<QLabel*>(u"storeStatusLabel"_qs);
        QVERIFY(label);
        QVERIFY(label->text().contains(u"unavailable"));
        QCOMPARE(label->toolTip(), u"cannot create /nowhere: permission denied"_qs);
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"

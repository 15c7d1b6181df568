// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/OktaAdminUrl.h"
#include "core/pipeline/StoreReader.h"
#include "ui/user/UserActivityChart.h"
#include "ui/user/UserAuditModel.h"
#include "ui/user/UserContributionsModel.h"
#include "ui/user/UserSightingsModel.h"
#include "ui/user/UserTimelineModel.h"
#include "ui/user/UserView.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "support/UserActivityFixture.h"

using namespace vigil;
using test::UserActivityFixture;
using ui::UserView;

namespace {

// Stands in for the desktop's browser: QDesktopServices hands https links here.
class UrlCatcher : public QObject
{
    Q_OBJECT

public:
    QList<QUrl> opened;

public slots:
    void open(const QUrl& url) { opened.append(url); }
};

QStringList columnTexts(const QAbstractItemModel* model, int column, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, column).data(role).toString();
    return out;
}

} // namespace

class TestUserView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void loadsTheUsersTimelineOffTheUiThread();
    void devicesAndPlaces();
    void adminLinkOpensAndCopies();
    void responseAuditAndActions();
    void contributionsComeFromTheSnapshot();
    void spanSwitchesChartAndTable();
    void switchingUsersDropsTheOldAnswer();
    void screenshot();

private:
    std::unique_ptr<UserView> makeView();
    void openAlice(UserView& view);

    QTemporaryDir m_dir;
    UserActivityFixture m_fx;
    std::unique_ptr<pipeline::StoreReader> m_reader;
    UrlCatcher m_urls;
};

void TestUserView::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("vigil.sqlite"));
    QString error;
    QVERIFY2(m_fx.write(path, &error), qPrintable(error));
    m_reader = std::make_unique<pipeline::StoreReader>(path);
    QVERIFY2(m_reader->open(&error), qPrintable(error));
    QDesktopServices::setUrlHandler(QStringLiteral("https"), &m_urls, "open");
}

void TestUserView::cleanupTestCase()
{
    QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
    m_reader.reset();
}

std::unique_ptr<UserView> TestUserView::makeView()
{
    auto view = std::make_unique<UserView>();
    view->setStoreReader(m_reader.get());
    view->setOktaAdminUrl(okta::adminConsoleUrl(QUrl(QStringLiteral("https://acme.okta.com"))));
    view->setClock([] { return UserActivityFixture::kNowMs; });
    view->resize(1200, 760);
    // Every model the view shows is checked while it loads, resets and filters.
    for (QAbstractItemModel* m :
         {static_cast<QAbstractItemModel*>(view->timelineModel()),
          static_cast<QAbstractItemModel*>(view->devicesModel()), static_cast<QAbstractItemModel*>(view->placesModel()),
          static_cast<QAbstractItemModel*>(view->contributionsModel()),
          static_cast<QAbstractItemModel*>(view->auditModel()),
          view->findChild<QTableView*>(QStringLiteral("userTimelineTable"))->model()}) {
        new QAbstractItemModelTester(m, QAbstractItemModelTester::FailureReportingMode::QtTest, m);
    }
    return view;
}

void TestUserView::openAlice(UserView& view)
{
    QSignalSpy loaded(&view, &UserView::profileLoaded);
    view.openUser(m_fx.alice.login);
    view.setLiveState({m_fx.bobAlert(), m_fx.aliceAlert()}, m_fx.aliceOnBoard());
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toString(), m_fx.alice.login);
}

void TestUserView::loadsTheUsersTimelineOffTheUiThread()
{
    auto view = makeView();
    view->show();
    QSignalSpy loaded(view.get(), &UserView::profileLoaded);
    view->openUser(m_fx.alice.login);
    // The query runs on the reader thread: the view says so until the answer is back.
    QVERIFY(view->isLoading());
    auto* status = view->findChild<QLabel*>(QStringLiteral("userStatus"));
    QCOMPARE(status->text(), QStringLiteral("Loading…"));
    QVERIFY(loaded.wait(10000));
    QVERIFY(!view->isLoading());
    QVERIFY2(status->text().contains(QString::number(m_fx.aliceUuids.size())), qPrintable(status->text()));

    const ui::UserTimelineModel* model = view->timelineModel();
    QCOMPARE(model->rowCount(), m_fx.aliceUuids.size());
    QSet<QString> uuids;
    for (const QString& uuid : columnTexts(model, 0, ui::UserTimelineModel::UuidRole))
        uuids.insert(uuid);
    QCOMPARE(uuids, m_fx.aliceUuids);
    QVERIFY(!uuids.intersects(m_fx.bobUuids));

    // The newest event first, with its type, outcome, place and client in words.
    QCOMPARE(model->index(0, ui::UserTimelineModel::Event).data().toString(),
             QStringLiteral("user.authentication.auth_via_mfa"));
    QCOMPARE(model->index(0, ui::UserTimelineModel::Place).data().toString(),
             QStringLiteral("%1, %2").arg(m_fx.home.city, m_fx.home.country));
    const QStringList outcomes = columnTexts(model, ui::UserTimelineModel::Outcome);
    QCOMPARE(outcomes.filter(QStringLiteral("✗ FAILURE · INVALID_CREDENTIALS")).size(), m_fx.aliceFailures);
    QVERIFY(columnTexts(model, ui::UserTimelineModel::Client)
                .contains(QStringLiteral("python-requests/2.31.0 · Computer")));

    // The header names the user and their risk.
    auto* title = view->findChild<QLabel*>(QStringLiteral("userTitle"));
    QVERIFY2(title->text().contains(m_fx.alice.displayName()), qPrintable(title->text()));
}

void TestUserView::devicesAndPlaces()
{
    auto view = makeView();
    openAlice(*view);
    const ui::UserSightingsModel* devices = view->devicesModel();
    QCOMPARE(devices->rowCount(), 3);
    QCOMPARE(devices->newCount(), 1);
    int counted = 0;
    for (int r = 0; r < devices->rowCount(); ++r) {
        const QString name = devices->index(r, ui::UserSightingsModel::Name).data().toString();
        const int events =
            devices->index(r, ui::UserSightingsModel::Events).data(ui::UserSightingsModel::SortRole).toInt();
        counted += events;
        const bool isNew = devices->index(r, 0).data(ui::UserSightingsModel::IsNewRole).toBool();
        QCOMPARE(isNew, name.contains(u"python-requests"));
        QCOMPARE(name.contains(QStringLiteral("NEW")), isNew); // marked in words, not only colour
        if (isNew) {
            QCOMPARE(events, m_fx.toolEvents);
            QCOMPARE(devices->index(r, ui::UserSightingsModel::Events).data().toString(),
                     QStringLiteral("9 (8 failed)"));
        }
    }
    QCOMPARE(counted, m_fx.aliceUuids.size());

    const ui::UserSightingsModel* places = view->placesModel();
    QCOMPARE(places->rowCount(), 2);
    QCOMPARE(places->newCount(), 1);
    const QStringList names = columnTexts(places, ui::UserSightingsModel::Name);
    QVERIFY(names.contains(QStringLiteral("★ NEW  %1, %2").arg(m_fx.hostile.city, m_fx.hostile.country)));
    QVERIFY(names.contains(QStringLiteral("%1, %2").arg(m_fx.home.city, m_fx.home.country)));
    auto* placesTitle = view->findChild<QLabel*>(QStringLiteral("userPlacesTitle"));
    QVERIFY2(placesTitle->text().contains(QStringLiteral("1 new")), qPrintable(placesTitle->text()));
}

void TestUserView::adminLinkOpensAndCopies()
{
    auto view = makeView();
    auto* open = view->findChild<QToolButton*>(QStringLiteral("openInOktaButton"));
    auto* copy = view->findChild<QToolButton*>(QStringLiteral("copyOktaLinkButton"));
    view->openUser(m_fx.alice.login);
    QVERIFY(!open->isEnabled()); // the Okta id comes from the stored events
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 10000);
    const QUrl expected(QStringLiteral("https://acme-admin.okta.com/admin/user/profile/view/") + m_fx.alice.id);
    QCOMPARE(view->adminProfileUrl(), expected);
    QVERIFY(open->isEnabled());
    m_urls.opened.clear();
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(m_urls.opened, QList<QUrl>{expected});
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), expected.toString());

    // Without the admin console's address there is nothing to open.
    view->setOktaAdminUrl(QString());
    QVERIFY(!open->isEnabled());
    QVERIFY(!view->adminProfileUrl().isValid());
}

void TestUserView::responseAuditAndActions()
{
    auto view = makeView();
    openAlice(*view);
    // The response: state, countdown from the pinned clock, step-up, and the earlier closed response.
    auto* response = view->findChild<QLabel*>(QStringLiteral("userResponse"));
    const QString text = response->text();
    QVERIFY2(text.contains(QStringLiteral("Suspension pending")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("11:42")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("REJECTED")), qPrintable(text));
    QVERIFY2(text.contains(m_fx.aliceOldAlertId), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("works nights this month")), qPrintable(text)); // the suppression

    // Audit: alice's records only, newest first.
    const ui::UserAuditModel* audit = view->auditModel();
    QCOMPARE(audit->rowCount(), m_fx.aliceAuditRecords);
    const QStringList subjects = columnTexts(audit, ui::UserAuditModel::Subject);
    QVERIFY(!subjects.contains(m_fx.bobAlertId));
    QVERIFY(subjects.contains(m_fx.alice.login));
    QCOMPARE(audit->index(0, ui::UserAuditModel::Summary).data().toString(),
             QStringLiteral("suspend_after_delay → Suspension pending"));
    QCOMPARE(audit->index(audit->rowCount() - 1, ui::UserAuditModel::Summary).data().toString(),
             QStringLiteral("resolve — reason: travelling; confirmed by phone"));
    for (int r = 1; r < audit->rowCount(); ++r) {
        QVERIFY(audit->index(r - 1, 0).data(ui::UserAuditModel::SeqRole).toLongLong()
                > audit->index(r, 0).data(ui::UserAuditModel::SeqRole).toLongLong());
    }

    // The buttons act on alice's open alert, the way the detail panel's do.
    QSignalSpy actions(view.get(), &UserView::actionRequested);
    auto* hold = view->findChild<QPushButton*>(QStringLiteral("userHoldButton"));
    auto* cancel = view->findChild<QPushButton*>(QStringLiteral("userCancelSuspensionButton"));
    QVERIFY(hold->isEnabled());
    QVERIFY(cancel->isEnabled());
    QTest::mouseClick(hold, Qt::LeftButton);
    QTest::mouseClick(view->findChild<QPushButton*>(QStringLiteral("userSuspendButton")), Qt::LeftButton);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions.at(0), (QList<QVariant>{QStringLiteral("ack"), m_fx.aliceAlertId}));
    QCOMPARE(actions.at(1), (QList<QVariant>{QStringLiteral("suspend"), m_fx.aliceAlertId}));

    // Once acknowledged, there is no countdown to hold or cancel; with the alert resolved, nothing to do.
    pipeline::ConsoleAlert acked = m_fx.aliceAlert();
    acked.state = QStringLiteral("acknowledged");
    acked.deadlineMs = -1;
    acked.acknowledgedBy = QStringLiteral("kim@soc-ws-1");
    view->setLiveState({acked}, m_fx.aliceOnBoard());
    QVERIFY(!hold->isEnabled());
    QVERIFY(!cancel->isEnabled());
    QVERIFY(response->text().contains(QStringLiteral("kim@soc-ws-1")));
    acked.state = QStringLiteral("resolved");
    view->setLiveState({acked}, std::nullopt);
    for (QPushButton* b : view->findChildren<QPushButton*>())
        QVERIFY2(!b->isEnabled(), qPrintable(b->objectName()));
}

void TestUserView::contributionsComeFromTheSnapshot()
{
    auto view = makeView();
    openAlice(*view);
    const ui::UserContributionsModel* why = view->contributionsModel();
    QCOMPARE(why->rowCount(), m_fx.aliceAlert().reasons.size()); // bob's reason is not alice's
    QCOMPARE(why->index(0, ui::UserContributionsModel::Points).data().toString(), QStringLiteral("+45"));
    QCOMPARE(why->index(0, ui::UserContributionsModel::Detection).data(ui::UserContributionsModel::DetectionKeyRole),
             QVariant(QStringLiteral("brute_force")));
    QCOMPARE(why->index(0, ui::UserContributionsModel::Reason).data().toString(),
             QStringLiteral("8 failed sign-ins in 3 min from %1").arg(m_fx.attackerIp));
    QCOMPARE(why->index(2, ui::UserContributionsModel::Points).data().toString(), QStringLiteral("+15"));
    auto* summary = view->findChild<QLabel*>(QStringLiteral("userWhySummary"));
    QVERIFY2(summary->text().contains(QStringLiteral("WHY 81")), qPrintable(summary->text()));

    // Events from the attack are marked with the alert they fed.
    const ui::UserTimelineModel* timeline = view->timelineModel();
    int fed = 0;
    for (int r = 0; r < timeline->rowCount(); ++r) {
        const QString uuid = timeline->index(r, 0).data(ui::UserTimelineModel::UuidRole).toString();
        const QString alerts = timeline->index(r, ui::UserTimelineModel::Alerts).data().toString();
        QCOMPARE(!alerts.isEmpty(), m_fx.attackUuids.contains(uuid));
        if (!alerts.isEmpty()) ++fed;
    }
    QCOMPARE(fed, m_fx.toolEvents);

    // A snapshot in which alice's alert is gone empties the list.
    view->setLiveState({m_fx.bobAlert()}, std::nullopt);
    QCOMPARE(why->rowCount(), 0);
}

void TestUserView::spanSwitchesChartAndTable()
{
    auto view = makeView();
    openAlice(*view);
    auto* table = view->findChild<QTableView*>(QStringLiteral("userTimelineTable"));
    ui::UserActivityChart* chart = view->chart();
    // 24 hours by default.
    QCOMPARE(chart->shownHours(), 24);
    QCOMPARE(chart->shownFailures(), m_fx.aliceLastDayFailures);
    QCOMPARE(chart->shownSuccesses(), m_fx.aliceLastDaySuccesses);
    QCOMPARE(table->model()->rowCount(), m_fx.aliceLastDaySuccesses + m_fx.aliceLastDayFailures);

    QTest::mouseClick(view->findChild<QToolButton*>(QStringLiteral("userSpanWeek")), Qt::LeftButton);
    QCOMPARE(chart->shownHours(), 7 * 24);
    QCOMPARE(chart->shownSuccesses(), m_fx.aliceSuccesses);
    QCOMPARE(chart->shownFailures(), m_fx.aliceFailures);
    QCOMPARE(table->model()->rowCount(), m_fx.aliceUuids.size());

    // The filter narrows the table to what matches.
    auto* filter = view->findChild<QLineEdit*>(QStringLiteral("userTimelineFilter"));
    filter->setText(m_fx.attackerIp);
    QCOMPARE(table->model()->rowCount(), m_fx.toolEvents);
}

void TestUserView::switchingUsersDropsTheOldAnswer()
{
    auto view = makeView();
    QSignalSpy loaded(view.get(), &UserView::profileLoaded);
    view->openUser(m_fx.alice.login);
    view->openUser(m_fx.bob.login); // before alice's answer is back
    QVERIFY(loaded.wait(10000));
    QTRY_VERIFY(!view->isLoading());
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded.first().first().toString(), m_fx.bob.login);
    QCOMPARE(view->login(), m_fx.bob.login);
    QSet<QString> uuids;
    for (const QString& uuid : columnTexts(view->timelineModel(), 0, ui::UserTimelineModel::UuidRole))
        uuids.insert(uuid);
    QCOMPARE(uuids, m_fx.bobUuids);
    QCOMPARE(view->auditModel()->rowCount(), m_fx.bobAuditRecords);
}

void TestUserView::screenshot()
{
    // For looking at the view: VIGIL_USER_VIEW_SCREENSHOT=/tmp/userview.png (one picture per tab).
    const QString file = qEnvironmentVariable("VIGIL_USER_VIEW_SCREENSHOT");
    if (file.isEmpty()) QSKIP("set VIGIL_USER_VIEW_SCREENSHOT to save pictures of the view");
    auto view = makeView();
    view->show();
    openAlice(*view);
    QTest::mouseClick(view->findChild<QToolButton*>(QStringLiteral("userSpanWeek")), Qt::LeftButton);
    auto* tabs = view->findChild<QTabWidget*>(QStringLiteral("userTabs"));
    for (int i = 0; i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        QCoreApplication::processEvents();
        const QString name =
            i == 0 ? file : QString(file).replace(QStringLiteral(".png"), QStringLiteral("-%1.png").arg(i));
        QVERIFY(view->grab().save(name));
    }
}

QTEST_MAIN(TestUserView)
#include "TestUserView.moc"

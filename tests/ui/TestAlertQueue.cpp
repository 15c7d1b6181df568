// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertFilterProxy.h"
#include "ui/queue/AlertQueueModel.h"
#include "ui/queue/AlertQueueView.h"
#include "ui/queue/FilterBar.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QCompleter>
#include <QDialog>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace vigil;
using vigil::response::AnalystCommand;
using vigil::ui::ActionPrompter;
using vigil::ui::AlertFilterProxy;
using vigil::ui::AlertQueueModel;
using vigil::ui::AlertQueueView;
using vigil::ui::AlertRow;
using vigil::ui::ConfirmRequest;
using vigil::ui::FalsePositiveAnswer;
using vigil::ui::FalsePositiveRequest;
using vigil::ui::KeyHelp;
using vigil::ui::ReasonRequest;

namespace {

constexpr qint64 kNow = 1764000000000; // a fixed "now" for countdowns and ages

AlertRow makeRow(const QString& id, const QString& user, double risk, const QString& state = u"detected"_qs)
{
    AlertRow r;
    r.alertId = id;
    r.user = user;
    r.risk = risk;
    r.severity = risk >= 80 ? u"critical"_qs : risk >= 60 ? u"high"_qs : risk >= 40 ? u"medium"_qs : u"low"_qs;
    r.riskTrend = {risk / 3, risk / 2, risk};
    r.detections = {u"brute_force"_qs};
    r.state = state;
    r.openedMs = kNow - 4 * 60000;
    r.lastSeenMs = kNow - 60000;
    r.sourceIp = u"198.51.100.7"_qs;
    r.country = u"United States"_qs;
    return r;
}

// bruce is pending suspension (deadline 11:42 from now); the others are ordinary open alerts.
QList<AlertRow> queue()
{
    QList<AlertRow> rows;
    AlertRow bruce = makeRow(u"A1"_qs, u"bruce@corp.example"_qs, 94, u"suspension_pending"_qs);
    bruce.deadlineMs = kNow + (11 * 60 + 42) * 1000;
    bruce.detections = {u"brute_force"_qs, u"anonymizer"_qs, u"mfa_failure"_qs};
    bruce.country = u"Netherlands"_qs;
    bruce.sourceIp = u"185.220.101.47"_qs;
    bruce.decision = u"no answer to the push; activity continued"_qs;
    rows.append(bruce);
    rows.append(makeRow(u"A2"_qs, u"mia@corp.example"_qs, 88, u"stepped_up"_qs));
    rows.append(makeRow(u"A3"_qs, u"sam@corp.example"_qs, 65));
    rows.append(makeRow(u"A4"_qs, u"ivan@corp.example"_qs, 48));
    rows.append(makeRow(u"A5"_qs, u"lena@corp.example"_qs, 9));
    return rows;
}

// Answers the queue's questions without dialogs and remembers what it was asked.
class TestPrompter final : public ActionPrompter
{
public:
    bool confirm(QWidget*, const ConfirmRequest& request) override
    {
        confirms.append(request);
        return confirmAnswer;
    }
    std::optional<QString> askReason(QWidget*, const ReasonRequest& request) override
    {
        reasons.append(request);
        return reasonAnswer;
    }
    std::optional<FalsePositiveAnswer> askFalsePositive(QWidget*, const FalsePositiveRequest& request) override
    {
        falsePositives.append(request);
        return falsePositiveAnswer;
    }
    void showCheatSheet(QWidget*, const QList<KeyHelp>& keys) override { cheatSheets.append(keys); }

    bool confirmAnswer = true;
    std::optional<QString> reasonAnswer;
    std::optional<FalsePositiveAnswer> falsePositiveAnswer;
    QList<ConfirmRequest> confirms;
    QList<ReasonRequest> reasons;
    QList<FalsePositiveRequest> falsePositives;
    QList<QList<KeyHelp>> cheatSheets;
};

// A view with the test prompter, a fixed clock and the sample queue, recording what it emits.
struct Fixture
{
    Fixture()
    {
        view.model()->setTicking(false);
        view.model()->setNow(kNow);
        view.setPrompter(&prompter);
        view.resize(1400, 500);
        view.setRows(queue());
        QObject::connect(&view, &AlertQueueView::commandsRequested,
                         [this](const QList<AnalystCommand>& c) { batches.append(c); });
        QObject::connect(&view, &AlertQueueView::userActivated, [this](const QString& u) { users.append(u); });
        QObject::connect(&view, &AlertQueueView::alertSelected, [this](const QString& id) { selected.append(id); });
    }
    QTableView* table() const { return view.tableView(); }
    void key(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        QTest::keyClick(table(), key, modifiers);
    }
    // Alert ids and actions of the one batch emitted.
    QStringList ids() const
    {
        QStringList out;
        for (const AnalystCommand& c : batches.value(0))
            out.append(c.alertId);
        return out;
    }

    AlertQueueView view;
    TestPrompter prompter;
    QList<QList<AnalystCommand>> batches;
    QStringList users;
    QStringList selected;
};

QStringList columnTexts(const QAbstractItemModel& model, int column, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out.append(model.index(r, column).data(role).toString());
    return out;
}

QStringList idsInViewOrder(const QAbstractItemModel& model)
{
    return columnTexts(model, 0, AlertQueueModel::AlertIdRole);
}

} // namespace

class TestAlertQueue : public QObject
{
    Q_OBJECT

private slots:
    void modelAndProxyPassTheModelTesterThroughUpdates()
    {
        AlertQueueModel model;
        model.setTicking(false);
        model.setNow(kNow);
        AlertFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.sort(AlertQueueModel::RiskColumn, Qt::DescendingOrder);
        QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy proxyResets(&proxy, &QAbstractItemModel::modelAboutToBeReset);

        QList<AlertRow> rows = queue();
        model.setRows(rows); // insert
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"A1"_qs, u"A2"_qs, u"A3"_qs, u"A4"_qs, u"A5"_qs}));

        rows[4].risk = 99; // update that moves a row to the top
        rows[4].severity = u"critical"_qs;
        model.setRows(rows);
        QCOMPARE(idsInViewOrder(proxy).constFirst(), u"A5"_qs);

        rows.removeAt(2); // remove from the middle
        model.setRows(rows);
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(!model.indexOf(u"A3"_qs).isValid());

        // Insert, update and remove in one snapshot.
        rows.removeAt(0);
        rows[0].state = u"acknowledged"_qs;
        rows.append(makeRow(u"B1"_qs, u"nina@corp.example"_qs, 70));
        rows.append(makeRow(u"B2"_qs, u"nina@corp.example"_qs, 30));
        model.setRows(rows);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.row(model.indexOf(u"A2"_qs)).state, u"acknowledged"_qs);

        proxy.setFilterText(u"risk>=40"_qs); // A2, A4, A5 and B1
        QCOMPARE(proxy.rowCount(), 4);
        proxy.setGroupByUser(true);
        model.setNow(kNow + 5000);
        rows.append(makeRow(u"B3"_qs, u"nina@corp.example"_qs, 95));
        model.setRows(rows);
        QCOMPARE(proxy.rowCount(), 5);
        model.setRows({}); // everything leaves
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(proxy.rowCount(), 0);

        // Routine updates never reset the model: selection and scroll position survive them.
        QCOMPARE(resets.count(), 0);
        QCOMPARE(proxyResets.count(), 0);
    }

    void setRowsEmitsOnlyWhatChanged()
    {
        AlertQueueModel model;
        model.setTicking(false);
        QList<AlertRow> rows = queue();
        model.setRows(rows);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        model.setRows(rows); // the same snapshot: nothing at all
        QCOMPARE(changed.count() + inserted.count() + removed.count(), 0);

        rows[3].risk = 51;
        model.setRows(rows);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 3);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 3);
        QCOMPARE(inserted.count() + removed.count(), 0);

        rows.removeAt(1);
        rows.removeAt(1); // A2 and A3: one contiguous removal
        rows.append(makeRow(u"C1"_qs, u"carl@corp.example"_qs, 50));
        model.setRows(rows);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 1);
        QCOMPARE(removed.at(0).at(2).toInt(), 2);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.indexOf(u"C1"_qs).row(), 3);
        QCOMPARE(model.row(model.indexOf(u"A4"_qs)).risk, 51.0);
    }

    void updatesKeepTheSelection()
    {
        Fixture f;
        f.view.selectAlerts({u"A3"_qs, u"A4"_qs});
        QList<AlertRow> rows = queue();
        rows[2].risk = 97;                                            // A3 jumps to the top of the sort
        rows.removeAt(1);                                             // A2 goes away
        rows.prepend(makeRow(u"D1"_qs, u"dora@corp.example"_qs, 77)); // a new one arrives
        for (int i = 0; i < 10; ++i) {
            rows[0].riskTrend.append(70 + i); // ten updates a second, each a little different
            f.view.setRows(rows);
        }
        QStringList selected;
        for (const AlertRow& r : f.view.selectedRows())
            selected.append(r.alertId);
        selected.sort();
        QCOMPARE(selected, (QStringList{u"A3"_qs, u"A4"_qs}));
        QCOMPARE(f.view.currentAlertId(), u"A3"_qs);
    }

    void sortsNumbersAsNumbers()
    {
        AlertQueueModel model;
        model.setTicking(false);
        model.setNow(kNow);
        AlertFilterProxy proxy;
        proxy.setSourceModel(&model);
        QList<AlertRow> rows{makeRow(u"r9"_qs, u"a@x"_qs, 9), makeRow(u"r100"_qs, u"b@x"_qs, 100),
                             makeRow(u"r10"_qs, u"c@x"_qs, 10), makeRow(u"r55"_qs, u"d@x"_qs, 55)};
        rows[0].openedMs = kNow - 9 * 60000;
        rows[1].openedMs = kNow - 100 * 60000;
        rows[2].openedMs = kNow - 10 * 60000;
        rows[3].openedMs = kNow - 55 * 60000;
        rows[1].state = u"suspension_pending"_qs;
        rows[1].deadlineMs = kNow + 100 * 1000;
        rows[3].state = u"suspension_pending"_qs;
        rows[3].deadlineMs = kNow + 9 * 1000;
        model.setRows(rows);

        proxy.sort(AlertQueueModel::RiskColumn, Qt::AscendingOrder);
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"r9"_qs, u"r10"_qs, u"r55"_qs, u"r100"_qs}));
        proxy.sort(AlertQueueModel::SeverityColumn, Qt::DescendingOrder); // by rank, not alphabetically
        QCOMPARE(columnTexts(proxy, AlertQueueModel::SeverityColumn),
                 (QStringList{u"Critical"_qs, u"Medium"_qs, u"Low"_qs, u"Low"_qs}));
        proxy.sort(AlertQueueModel::AgeColumn, Qt::AscendingOrder); // youngest first
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"r9"_qs, u"r10"_qs, u"r55"_qs, u"r100"_qs}));
        QCOMPARE(columnTexts(proxy, AlertQueueModel::AgeColumn).constLast(), u"1 h ago"_qs);
        proxy.sort(AlertQueueModel::CountdownColumn, Qt::AscendingOrder); // soonest suspension first
        QCOMPARE(idsInViewOrder(proxy).mid(0, 2), (QStringList{u"r55"_qs, u"r100"_qs}));
        QCOMPARE(columnTexts(proxy, AlertQueueModel::CountdownColumn).mid(0, 3),
                 (QStringList{u"00:09"_qs, u"01:40"_qs, QString()}));

        // The sort role itself carries numbers for other consumers.
        const QModelIndex risk = model.index(0, AlertQueueModel::RiskColumn);
        QCOMPARE(risk.data(AlertQueueModel::SortRole).typeId(), QMetaType::Double);
        QVERIFY(model.index(0, AlertQueueModel::SeverityColumn).data(AlertQueueModel::SortRole).toDouble()
                < model.index(1, AlertQueueModel::SeverityColumn).data(AlertQueueModel::SortRole).toDouble());
    }

    void countdownAndAgeFollowSetNow()
    {
        AlertQueueModel model;
        model.setTicking(false);
        QVERIFY(!model.isTicking());
        model.setNow(kNow);
        model.setRows(queue());
        const QModelIndex countdown = model.index(0, AlertQueueModel::CountdownColumn);
        const QModelIndex age = model.index(0, AlertQueueModel::AgeColumn);
        QCOMPARE(countdown.data().toString(), u"11:42"_qs);
        QCOMPARE(age.data().toString(), u"4 min ago"_qs);
        QVERIFY(age.data(Qt::ToolTipRole).toString().contains(u"Opened 2025-"));
        QVERIFY(countdown.data(Qt::ToolTipRole).toString().contains(u"bruce@corp.example"));
        QCOMPARE(model.index(1, AlertQueueModel::CountdownColumn).data().toString(), QString()); // not pending

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setNow(kNow + 1000);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().column(), int(AlertQueueModel::CountdownColumn));
        QCOMPARE(changed.at(0).at(1).toModelIndex().column(), int(AlertQueueModel::AgeColumn));
        QCOMPARE(countdown.data().toString(), u"11:41"_qs);
        model.setNow(kNow + (11 * 60 + 41) * 1000 + 500);
        QCOMPARE(countdown.data().toString(), u"00:01"_qs);
        model.setNow(kNow + 3600000);
        QCOMPARE(countdown.data().toString(), u"00:00"_qs); // overdue: the safety net decides
        QCOMPARE(age.data().toString(), u"1 h ago"_qs);

        QList<AlertRow> rows = queue();
        rows[0].deadlineMs = kNow + 3600000 + (3600 + 2 * 60 + 3) * 1000;
        model.setRows(rows);
        QCOMPARE(countdown.data().toString(), u"1:02:03"_qs);
    }

    void everyTextCellHasATooltip()
    {
        AlertQueueModel model;
        model.setTicking(false);
        model.setNow(kNow);
        model.setRows(queue());
        for (int r = 0; r < model.rowCount(); ++r) {
            for (int c = 0; c < model.columnCount(); ++c) {
                const QModelIndex i = model.index(r, c);
                if (i.data().toString().isEmpty()) continue;
                QVERIFY2(!i.data(Qt::ToolTipRole).toString().isEmpty(), qPrintable(u"%1,%2"_qs.arg(r).arg(c)));
            }
        }
    }

    void groupsRowsOfOneUser()
    {
        AlertQueueModel model;
        model.setTicking(false);
        AlertFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows({makeRow(u"1"_qs, u"amy@x"_qs, 50), makeRow(u"2"_qs, u"zed@x"_qs, 90),
                       makeRow(u"3"_qs, u"amy@x"_qs, 20), makeRow(u"4"_qs, u"bob@x"_qs, 60),
                       makeRow(u"5"_qs, u"zed@x"_qs, 10)});
        proxy.sort(AlertQueueModel::RiskColumn, Qt::DescendingOrder);
        proxy.setGroupByUser(true);
        // zed (max 90) first, then bob (60), then amy (50); by risk inside each group.
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"2"_qs, u"5"_qs, u"4"_qs, u"1"_qs, u"3"_qs}));
        QCOMPARE(columnTexts(proxy, AlertQueueModel::UserColumn),
                 (QStringList{u"zed@x (2)"_qs, u"zed@x"_qs, u"bob@x"_qs, u"amy@x (2)"_qs, u"amy@x"_qs}));
        QCOMPARE(proxy.index(1, 0).data(AlertFilterProxy::GroupPositionRole).toInt(),
                 int(AlertFilterProxy::GroupMember));
        // The group order holds in the other direction too; only the order inside groups flips.
        proxy.sort(AlertQueueModel::RiskColumn, Qt::AscendingOrder);
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"5"_qs, u"2"_qs, u"4"_qs, u"3"_qs, u"1"_qs}));
        // When a user's highest risk changes, the whole group moves.
        QList<AlertRow> rows{makeRow(u"1"_qs, u"amy@x"_qs, 50), makeRow(u"2"_qs, u"zed@x"_qs, 90),
                             makeRow(u"3"_qs, u"amy@x"_qs, 99), makeRow(u"4"_qs, u"bob@x"_qs, 60),
                             makeRow(u"5"_qs, u"zed@x"_qs, 10)};
        model.setRows(rows);
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"1"_qs, u"3"_qs, u"5"_qs, u"2"_qs, u"4"_qs}));
        proxy.setGroupByUser(false);
        QCOMPARE(idsInViewOrder(proxy), (QStringList{u"5"_qs, u"1"_qs, u"4"_qs, u"2"_qs, u"3"_qs}));
        QCOMPARE(columnTexts(proxy, AlertQueueModel::UserColumn).constFirst(), u"zed@x"_qs);
    }

    void acknowledgeOneAlertWithoutAsking()
    {
        Fixture f;
        f.view.selectAlerts({u"A3"_qs});
        f.key(Qt::Key_A);
        QCOMPARE(f.prompter.confirms.size(), 0);
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.batches.at(0).size(), 1);
        const AnalystCommand c = f.batches.at(0).at(0);
        QCOMPARE(c.action, u"ack"_qs);
        QCOMPARE(c.alertId, u"A3"_qs);
        QCOMPARE(c.who, QString()); // the main window fills it
        QCOMPARE(c.reason, QString());
    }

    void bulkAcknowledgeConfirmsTheExactCount()
    {
        Fixture f;
        f.view.selectAlerts({u"A2"_qs, u"A4"_qs, u"A5"_qs});
        f.prompter.confirmAnswer = false;
        f.key(Qt::Key_A);
        QCOMPARE(f.prompter.confirms.size(), 1);
        QVERIFY2(f.prompter.confirms.at(0).text.startsWith(u"Acknowledge 3 alerts?"),
                 qPrintable(f.prompter.confirms.at(0).text));
        QVERIFY(f.prompter.confirms.at(0).text.contains(u"mia@corp.example"));
        QCOMPARE(f.batches.size(), 0); // declined: nothing sent

        f.prompter.confirmAnswer = true;
        f.key(Qt::Key_A);
        QCOMPARE(f.batches.size(), 1);
        QStringList ids = f.ids();
        ids.sort();
        QCOMPARE(ids, (QStringList{u"A2"_qs, u"A4"_qs, u"A5"_qs}));
        for (const AnalystCommand& c : f.batches.at(0))
            QCOMPARE(c.action, u"ack"_qs);
    }

    void keyboardMovesAndExtendsTheSelection()
    {
        Fixture f;
        // Default order: the pending suspension first, then by risk.
        QCOMPARE(idsInViewOrder(*f.view.proxy()), (QStringList{u"A1"_qs, u"A2"_qs, u"A3"_qs, u"A4"_qs, u"A5"_qs}));
        f.key(Qt::Key_J); // no current row yet: the first
        QCOMPARE(f.view.currentAlertId(), u"A1"_qs);
        f.key(Qt::Key_J);
        f.key(Qt::Key_J);
        QCOMPARE(f.view.currentAlertId(), u"A3"_qs);
        f.key(Qt::Key_K);
        QCOMPARE(f.view.currentAlertId(), u"A2"_qs);
        QCOMPARE(f.view.selectedRows().size(), 1);
        f.key(Qt::Key_J, Qt::ShiftModifier);
        f.key(Qt::Key_J, Qt::ShiftModifier);
        QCOMPARE(f.view.selectedRows().size(), 3);
        QCOMPARE(f.selected, (QStringList{u"A1"_qs, u"A2"_qs, u"A3"_qs, u"A2"_qs, u"A3"_qs, u"A4"_qs}));
        f.key(Qt::Key_X); // drop the current one from the selection
        QCOMPARE(f.view.selectedRows().size(), 2);

        f.prompter.confirmAnswer = true;
        f.key(Qt::Key_A);
        QCOMPARE(f.prompter.confirms.at(0).text.section(u'\n', 0, 0), u"Acknowledge 2 alerts?"_qs);
        QCOMPARE(f.ids(), (QStringList{u"A2"_qs, u"A3"_qs}));
    }

    void overrideAsksForAReason()
    {
        Fixture f;
        f.view.selectAlerts({u"A1"_qs});
        f.prompter.reasonAnswer = std::nullopt; // cancelled
        f.key(Qt::Key_O);
        QCOMPARE(f.prompter.reasons.size(), 1);
        QVERIFY(f.prompter.reasons.at(0).required);
        QVERIFY(f.prompter.reasons.at(0).text.contains(u"bruce@corp.example"));
        QCOMPARE(f.batches.size(), 0);

        f.prompter.reasonAnswer = u"  known VPN, confirmed by phone "_qs;
        f.key(Qt::Key_O);
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.batches.at(0).size(), 1);
        QCOMPARE(f.batches.at(0).at(0).action, u"override"_qs);
        QCOMPARE(f.batches.at(0).at(0).alertId, u"A1"_qs);
        QCOMPARE(f.batches.at(0).at(0).reason, u"known VPN, confirmed by phone"_qs);

        // An empty reason is no reason: nothing is sent.
        f.prompter.reasonAnswer = u"   "_qs;
        f.key(Qt::Key_O);
        QCOMPARE(f.batches.size(), 1);
    }

    void suspendNeedsConfirmationNamingTheUser()
    {
        Fixture f;
        f.view.selectAlerts({u"A3"_qs});
        f.prompter.confirmAnswer = false;
        f.key(Qt::Key_S);
        QCOMPARE(f.prompter.confirms.size(), 1);
        const ConfirmRequest asked = f.prompter.confirms.at(0);
        QVERIFY(asked.destructive);
        QVERIFY2(asked.text.startsWith(u"Suspend the Okta account sam@corp.example now?"), qPrintable(asked.text));
        QVERIFY(asked.text.contains(u"blocks sign-in"));
        QVERIFY(asked.acceptLabel.contains(u"sam@corp.example"));
        QCOMPARE(f.batches.size(), 0); // cancelled: nothing

        f.prompter.confirmAnswer = true;
        f.key(Qt::Key_S);
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.batches.at(0).size(), 1);
        QCOMPARE(f.batches.at(0).at(0).action, u"suspend"_qs);
        QCOMPARE(f.batches.at(0).at(0).alertId, u"A3"_qs);

        // Monitor mode says that nothing changes in Okta.
        f.view.setEnforcing(false);
        f.key(Qt::Key_S);
        QVERIFY(f.prompter.confirms.constLast().text.contains(u"monitor mode"));
    }

    void bulkSuspendCountsAccountsAndAlerts()
    {
        Fixture f;
        QList<AlertRow> rows = queue();
        rows.append(makeRow(u"A6"_qs, u"sam@corp.example"_qs, 61)); // a second alert of sam
        f.view.setRows(rows);
        f.view.selectAlerts({u"A3"_qs, u"A4"_qs, u"A6"_qs});
        f.key(Qt::Key_S);
        QCOMPARE(f.prompter.confirms.size(), 1);
        QVERIFY2(f.prompter.confirms.at(0).text.startsWith(u"Suspend 2 Okta accounts now (3 alerts)?"),
                 qPrintable(f.prompter.confirms.at(0).text));
        QStringList ids = f.ids();
        ids.sort();
        QCOMPARE(ids, (QStringList{u"A3"_qs, u"A4"_qs, u"A6"_qs}));
    }

    void resolveAndFalsePositive()
    {
        Fixture f;
        f.view.selectAlerts({u"A4"_qs, u"A5"_qs});
        f.prompter.reasonAnswer = u"Contained"_qs;
        f.key(Qt::Key_R);
        QCOMPARE(f.prompter.reasons.size(), 1);
        QVERIFY(!f.prompter.reasons.at(0).required);
        QVERIFY(f.prompter.reasons.at(0).text.startsWith(u"Resolve 2 alerts?"));
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.batches.at(0).at(0).action, u"resolve"_qs);
        QCOMPARE(f.batches.at(0).at(0).reason, u"Contained"_qs);
        QCOMPARE(f.ids(), (QStringList{u"A4"_qs, u"A5"_qs}));

        f.batches.clear();
        f.prompter.falsePositiveAnswer = std::nullopt;
        f.key(Qt::Key_F);
        QCOMPARE(f.prompter.falsePositives.size(), 1);
        QCOMPARE(f.prompter.falsePositives.at(0).count, 2);
        QCOMPARE(f.prompter.falsePositives.at(0).detections, QStringList{u"brute_force"_qs});
        QCOMPARE(f.batches.size(), 0);

        f.prompter.falsePositiveAnswer =
            FalsePositiveAnswer{u"Known VPN or travel: office in Lisbon"_qs, 48, {u"brute_force"_qs}};
        f.key(Qt::Key_F);
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.batches.at(0).size(), 2);
        for (const AnalystCommand& c : f.batches.at(0)) {
            QCOMPARE(c.action, u"false-positive"_qs);
            QCOMPARE(c.reason, u"Known VPN or travel: office in Lisbon"_qs);
            QCOMPARE(c.suppressHours, 48.0);
            QCOMPARE(c.suppressDetections, QStringList{u"brute_force"_qs});
            QCOMPARE(c.who, QString());
        }
    }

    // "Assign to me" takes exactly the selected alerts without a question; the core fills in who.
    void assignToMeTakesTheSelection()
    {
        Fixture f;
        f.view.selectAlerts({u"A3"_qs, u"A4"_qs});
        f.view.assignSelectedToMe();
        QCOMPARE(f.prompter.reasons.size() + f.prompter.confirms.size(), 0);
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.ids(), (QStringList{u"A3"_qs, u"A4"_qs}));
        for (const AnalystCommand& c : f.batches.at(0)) {
            QCOMPARE(c.action, u"assign"_qs);
            QVERIFY(c.assignee.isEmpty());
        }
    }

    // Unsuspend acts only on the suspended accounts among the selection, and needs a reason.
    void unsuspendOnlySuspendedAccountsWithAReason()
    {
        Fixture f;
        QList<AlertRow> rows = queue();
        rows.append(makeRow(u"A6"_qs, u"olga@corp.example"_qs, 91, u"suspended"_qs));
        f.view.setRows(rows);
        f.view.selectAlerts({u"A3"_qs});
        f.view.unsuspendSelected();
        QCOMPARE(f.prompter.reasons.size(), 0); // nothing suspended: nothing asked
        f.view.selectAlerts({u"A3"_qs, u"A6"_qs});
        f.prompter.reasonAnswer = std::nullopt;
        f.view.unsuspendSelected();
        QCOMPARE(f.prompter.reasons.size(), 1);
        QVERIFY(f.prompter.reasons.at(0).required);
        QVERIFY(f.prompter.reasons.at(0).text.contains(u"olga@corp.example"));
        QCOMPARE(f.batches.size(), 0);
        f.prompter.reasonAnswer = u"verified with the user"_qs;
        f.view.unsuspendSelected();
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.ids(), QStringList{u"A6"_qs});
        QCOMPARE(f.batches.at(0).at(0).action, u"unsuspend"_qs);
        QCOMPARE(f.batches.at(0).at(0).reason, u"verified with the user"_qs);
    }

    void filteredOutRowsAreNotActedOn()
    {
        Fixture f;
        f.view.selectAlerts({u"A2"_qs, u"A3"_qs, u"A5"_qs});
        f.view.filterBar()->setText(u"risk>=60"_qs); // hides A5
        QCOMPARE(f.view.selectedRows().size(), 2);
        f.key(Qt::Key_A);
        QVERIFY(f.prompter.confirms.at(0).text.startsWith(u"Acknowledge 2 alerts?"));
        QCOMPARE(f.ids(), (QStringList{u"A2"_qs, u"A3"_qs}));
    }

    void openUserHelpAndFilterKeys()
    {
        Fixture f;
        f.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.view));
        f.view.activateWindow();
        f.view.selectAlerts({u"A2"_qs});
        f.table()->setFocus();
        f.key(Qt::Key_U);
        QCOMPARE(f.users, QStringList{u"mia@corp.example"_qs});
        f.key(Qt::Key_Return);
        QCOMPARE(f.users.size(), 2);

        QTest::keyClick(f.table(), Qt::Key_Question, Qt::ShiftModifier);
        QCOMPARE(f.prompter.cheatSheets.size(), 1);
        QStringList keys;
        for (const KeyHelp& k : f.prompter.cheatSheets.at(0))
            keys.append(k.keys);
        for (const char* k : {"j / k", "a", "o", "s", "r", "f", "u, Enter", "/", "?"})
            QVERIFY2(keys.contains(QString::fromUtf8(k)), k);

        QTest::keyClick(f.table(), Qt::Key_Slash);
        QTRY_VERIFY(f.view.filterBar()->lineEdit()->hasFocus());
        // Esc in an empty filter gives the queue the focus back.
        QTest::keyClick(f.view.filterBar()->lineEdit(), Qt::Key_Escape);
        QTRY_VERIFY(f.table()->hasFocus());
        // Ctrl+A stays "select all", not "acknowledge".
        f.key(Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(f.view.selectedRows().size(), 5);
        QCOMPARE(f.batches.size(), 0);
    }

    void pendingBarOffersHoldApproveCancel()
    {
        Fixture f;
        f.view.show();
        f.view.selectAlerts({u"A3"_qs}); // not pending: the bar shows the next pending suspension
        auto* bar = f.view.findChild<QWidget*>(u"pendingSuspensionFrame"_qs);
        auto* text = f.view.findChild<QLabel*>(u"pendingSuspensionLabel"_qs);
        QVERIFY(bar && text);
        QVERIFY(bar->isVisible());
        QCOMPARE(f.view.pendingBarAlertId(), u"A1"_qs);
        QVERIFY2(text->text().contains(u"Vigil suspends bruce@corp.example in 11:42"), qPrintable(text->text()));
        QVERIFY(text->text().contains(u"Next pending suspension"));
        f.view.model()->setNow(kNow + 2000);
        QVERIFY2(text->text().contains(u"in 11:40"), qPrintable(text->text()));

        // Filtering bruce out does not hide his suspension from the bar.
        f.view.filterBar()->setText(u"user:sam"_qs);
        QVERIFY(bar->isVisible());
        QVERIFY(text->text().contains(u"hidden by the filter"));
        f.view.filterBar()->setText({});

        QTest::mouseClick(f.view.findChild<QPushButton*>(u"holdPushButton"_qs), Qt::LeftButton);
        QCOMPARE(f.batches.size(), 1);
        QCOMPARE(f.batches.at(0).at(0).action, u"ack"_qs);
        QCOMPARE(f.batches.at(0).at(0).alertId, u"A1"_qs); // the bar's alert, not the selected one

        f.prompter.confirmAnswer = false;
        QTest::mouseClick(f.view.findChild<QPushButton*>(u"approvePushButton"_qs), Qt::LeftButton);
        QCOMPARE(f.batches.size(), 1);
        QVERIFY(f.prompter.confirms.constLast().text.contains(u"bruce@corp.example"));
        f.prompter.confirmAnswer = true;
        QTest::mouseClick(f.view.findChild<QPushButton*>(u"approvePushButton"_qs), Qt::LeftButton);
        QCOMPARE(f.batches.size(), 2);
        QCOMPARE(f.batches.at(1).at(0).action, u"suspend"_qs);
        QCOMPARE(f.batches.at(1).at(0).alertId, u"A1"_qs);

        f.prompter.reasonAnswer = u"travelling, verified"_qs;
        QTest::mouseClick(f.view.findChild<QPushButton*>(u"cancelSuspensionPushButton"_qs), Qt::LeftButton);
        QCOMPARE(f.batches.size(), 3);
        QCOMPARE(f.batches.at(2).at(0).action, u"override"_qs);
        QCOMPARE(f.batches.at(2).at(0).reason, u"travelling, verified"_qs);

        // Once nothing is pending, the bar goes away.
        QList<AlertRow> rows = queue();
        rows[0].state = u"acknowledged"_qs;
        rows[0].deadlineMs = -1;
        f.view.setRows(rows);
        QVERIFY(!bar->isVisible());
        QCOMPARE(f.view.pendingBarAlertId(), QString());
    }

    void filterBarRejectsBadSyntaxVisibly()
    {
        Fixture f;
        f.view.show();
        ui::FilterBar* bar = f.view.filterBar();
        QLineEdit* edit = bar->lineEdit();
        auto* message = bar->findChild<QLabel*>(u"alertFilterMessageLabel"_qs);
        QVERIFY(message);
        QSignalSpy applied(bar, &ui::FilterBar::filterApplied);
        QSignalSpy rejected(bar, &ui::FilterBar::filterRejected);

        QTest::keyClicks(edit, u"severity>=high"_qs);
        QCOMPARE(applied.count(), 0); // debounced: not on every key
        QTRY_COMPARE(applied.count(), 1);
        QVERIFY(bar->isValid());
        QCOMPARE(f.view.proxy()->rowCount(), 3);
        QVERIFY(message->isHidden());
        QVERIFY(edit->styleSheet().isEmpty());

        edit->clear();
        QTest::keyClicks(edit, u"usr:bob"_qs);
        QTRY_COMPARE(rejected.count(), 1);
        QVERIFY(!bar->isValid());
        QCOMPARE(bar->errorPosition(), 0);
        QVERIFY(bar->errorText().startsWith(u"unknown field 'usr' at 1; try user:"));
        // Visible: a red frame, the words under the line, the tooltip and the accessible description.
        QVERIFY(edit->property("filterError").toBool());
        QVERIFY(edit->styleSheet().contains(u"border"));
        QVERIFY(message->isVisible());
        QVERIFY(message->text().contains(u"Not applied: unknown field 'usr' at 1"));
        QVERIFY(message->text().contains(u"Still showing “severity>=high”."));
        QVERIFY(edit->accessibleDescription().contains(u"unknown field 'usr'"));
        QVERIFY(message->toolTip().contains(u"unknown field 'usr'"));
        // Not applied: the queue still shows what the last good filter showed.
        QCOMPARE(f.view.proxy()->filter().text(), u"severity>=high"_qs);
        QCOMPARE(f.view.proxy()->rowCount(), 3);

        // Enter on the bad filter selects the part the error is about.
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(edit->selectedText(), u"usr"_qs);

        // Fixing the text applies it and clears the error.
        edit->setText(u"user:bruce,lena"_qs);
        QTRY_VERIFY(bar->isValid());
        QCOMPARE(applied.count(), 2);
        QVERIFY(message->isHidden());
        QVERIFY(!edit->property("filterError").toBool());
        QCOMPARE(f.view.proxy()->rowCount(), 2);
        QVERIFY(f.view.findChild<QLabel*>(u"alertQueueSummaryLabel"_qs)->text().contains(u"2 shown"));

        // Esc clears the filter and shows everything again.
        QTest::keyClick(edit, Qt::Key_Escape);
        QCOMPARE(edit->text(), QString());
        QCOMPARE(f.view.proxy()->rowCount(), 5);
    }

    void filterBarCompletesFieldsAndValues()
    {
        Fixture f;
        f.view.show();
        QLineEdit* edit = f.view.filterBar()->lineEdit();
        auto* completer = f.view.filterBar()->findChild<QCompleter*>();
        QVERIFY(completer);
        const auto offered = [completer] {
            QStringList out;
            for (int i = 0; completer->setCurrentRow(i); ++i)
                out.append(completer->currentCompletion());
            return out;
        };
        QTest::keyClicks(edit, u"cou"_qs);
        QCOMPARE(offered(), QStringList{u"country:"_qs});
        emit completer->activated(u"country:"_qs);
        QCOMPARE(edit->text(), u"country:"_qs);
        // The values the queue holds follow at once, quoted where they have spaces.
        QTRY_VERIFY(offered().contains(u"country:\"United States\""_qs));
        QVERIFY(offered().contains(u"country:Netherlands"_qs));
        emit completer->activated(u"country:Netherlands"_qs);
        QCOMPARE(edit->text(), u"country:Netherlands "_qs);
        QTRY_COMPARE(f.view.proxy()->rowCount(), 1);

        // A negated term keeps its '-'.
        QTest::keyClicks(edit, u"-stat"_qs);
        QCOMPARE(offered(), QStringList{u"status:"_qs});
        emit completer->activated(u"status:"_qs);
        QCOMPARE(edit->text(), u"country:Netherlands -status:"_qs);
        QTRY_VERIFY(offered().contains(u"status:pending"_qs));
    }

    void emptyStateIsCalm()
    {
        Fixture f;
        f.view.show();
        QCOMPARE(f.view.emptyStateText(), QString()); // rows are showing
        f.view.setRows({});
        f.view.setWatchedUsers(1234);
        QCOMPARE(f.view.emptyStateText(),
                 u"No open alerts — Vigil is watching %1 users"_qs.arg(QLocale().toString(1234)));
        auto* label = f.view.findChild<QLabel*>(u"emptyQueueLabel"_qs);
        QVERIFY(label && label->isVisible());
        f.view.setEmptyText(u"All quiet on corp.okta.com"_qs);
        QCOMPARE(f.view.emptyStateText(), u"All quiet on corp.okta.com"_qs);

        f.view.setRows(queue());
        QCOMPARE(f.view.emptyStateText(), QString());
        QVERIFY(!label->isVisible());
        f.view.filterBar()->setText(u"user:nobody"_qs);
        QVERIFY(f.view.emptyStateText().contains(u"the filter hides 5 alerts"));
    }

    void dialogPrompterFalsePositiveDialog()
    {
        // The default prompter's dialog, driven the way an analyst would: pick a reason, add a note, suppress two
        // days for one detection.
        ui::DialogPrompter prompter;
        FalsePositiveRequest request;
        request.title = u"False positive"_qs;
        request.text = u"Mark the alert for bob@x as a false positive?"_qs;
        request.users = {u"bob@x"_qs};
        request.detections = {u"impossible_travel"_qs, u"new_device"_qs};
        request.count = 1;
        bool drove = false;
        QTimer::singleShot(0, this, [&drove] {
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            auto* buttons = dialog->findChild<QDialogButtonBox*>();
            QAbstractButton* accept = nullptr;
            for (QAbstractButton* b : buttons->buttons()) {
                if (buttons->buttonRole(b) == QDialogButtonBox::AcceptRole) accept = b;
            }
            auto* reason = dialog->findChild<QComboBox*>(); // the first: the reason picker
            auto* list = dialog->findChild<QListWidget*>();
            const QList<QComboBox*> combos = dialog->findChildren<QComboBox*>();
            if (!accept || !reason || !list || combos.size() != 2 || accept->isEnabled()) {
                dialog->reject(); // an accept button enabled before a reason is chosen is a failure too
                return;
            }
            reason->setCurrentIndex(1); // "Known VPN or travel"
            dialog->findChild<QPlainTextEdit*>()->setPlainText(u"office trip to Lisbon"_qs);
            dialog->findChild<QGroupBox*>()->setChecked(true);
            dialog->findChild<QSpinBox*>()->setValue(2);
            combos.constLast()->setCurrentIndex(1);      // days
            list->item(1)->setCheckState(Qt::Unchecked); // keep only impossible travel
            drove = accept->isEnabled();
            accept->click();
        });
        const std::optional<FalsePositiveAnswer> answer = prompter.askFalsePositive(nullptr, request);
        QVERIFY(drove);
        QVERIFY(answer);
        QCOMPARE(answer->reason, u"Known VPN or travel: office trip to Lisbon"_qs);
        QCOMPARE(answer->suppressHours, 48.0);
        QCOMPARE(answer->suppressDetections, QStringList{u"impossible_travel"_qs});
    }

    void dialogPrompterSuspendDefaultsToCancel()
    {
        ui::DialogPrompter prompter;
        ConfirmRequest request{u"Suspend bob@x"_qs, u"Suspend the Okta account bob@x now?"_qs, u"Suspend bob@x"_qs,
                               true};
        QString defaultButton;
        QTimer::singleShot(0, this, [&defaultButton] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box) return;
            defaultButton = box->defaultButton()->text();
            // Enter presses the default button: for a suspension that must be Cancel.
            QTest::keyClick(box, Qt::Key_Return);
        });
        QVERIFY(!prompter.confirm(nullptr, request));
        QVERIFY(!defaultButton.isEmpty());
        QVERIFY2(!defaultButton.contains(u"Suspend"), qPrintable(defaultButton));
    }

    void paintsInLightAndDarkPalettes()
    {
        // Smoke test of the delegate's painting paths (marker, sparkline, chips, countdown, focus frame).
        for (const bool dark : {false, true}) {
            Fixture f;
            QPalette palette;
            if (dark) {
                palette.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
                palette.setColor(QPalette::Base, QColor(0x18, 0x1a, 0x1d));
                palette.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
                palette.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
            }
            f.view.setPalette(palette);
            f.view.show();
            f.view.selectAlerts({u"A2"_qs});
            f.table()->setFocus();
            const QImage image = f.view.grab().toImage();
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), f.view.size() * image.devicePixelRatio());
        }
    }
};

QTEST_MAIN(TestAlertQueue)
#include "TestAlertQueue.moc"

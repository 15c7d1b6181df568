// SPDX-License-Identifier: GPL-3.0-or-later
// The audit view over a real store and audit log in a temporary folder, read through a real
// StoreReader: paging newest first, filters, the details pane, refresh, verify (intact, then broken
// after an UPDATE behind the log's back) and export.
#include "core/audit/AuditLog.h"
#include "core/pipeline/StoreReader.h"
#include "core/store/SqliteEventStore.h"
#include "ui/audit/AuditModel.h"
#include "ui/audit/AuditView.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;
using ui::AuditFilter;
using ui::AuditModel;
using ui::AuditView;

namespace {

constexpr qint64 kT0 = 1767261600000; // 2026-01-01T10:00:00Z
constexpr int kRecords = 1234;

// Every seventh record is an analyst's command; the rest are the automation's decisions, actions and calls.
QString kindFor(int i)
{
    if (i % 7 == 0) return u"command"_qs;
    switch (i % 3) {
    case 0:
        return u"decision"_qs;
    case 1:
        return u"action"_qs;
    default:
        return u"call"_qs;
    }
}

QJsonObject detailsFor(int i)
{
    const QString user = QStringLiteral("user%1@corp.example").arg(i % 40);
    const QString kind = kindFor(i);
    if (kind == u"command")
        return {{u"command"_qs, u"acknowledge"_qs}, {u"reason"_qs, u"checked with the user"_qs}, {u"user"_qs, user}};
    if (kind == u"decision")
        return {{u"rule"_qs, u"step_up_at"_qs}, {u"state"_qs, u"stepped_up"_qs}, {u"user"_qs, user}, {u"risk"_qs, 64}};
    if (kind == u"action") return {{u"kind"_qs, u"page"_qs}, {u"user"_qs, user}, {u"dry_run"_qs, false}};
    return {{u"service"_qs, u"okta"_qs},
            {u"method"_qs, u"POST"_qs},
            {u"path"_qs, u"/api/v1/users/00u1/lifecycle/suspend"_qs},
            {u"status"_qs, 200},
            {u"outcome"_qs, u"done"_qs},
            {u"user"_qs, user}};
}

} // namespace

class TestAuditView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<store::SqliteEventStore> m_writer; // the core's connection, writing meanwhile
    std::unique_ptr<audit::AuditLog> m_log;
    std::unique_ptr<pipeline::StoreReader> m_reader;
    qint64 m_clock = kT0;
    int m_written = 0;
    int m_commands = 0;

    void write(int count)
    {
        for (int n = 0; n < count; ++n) {
            const int i = ++m_written;
            if (kindFor(i) == u"command") ++m_commands;
            const QString actor = kindFor(i) == u"command" ? u"alice@ws-12"_qs : u"vigil"_qs;
            QString error;
            QVERIFY2(m_log->append(kindFor(i), actor, QStringLiteral("alert-%1").arg(i / 5), detailsFor(i), &error),
                     qPrintable(error));
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(u"vigil.db"_qs);
        m_writer = std::make_unique<store::SqliteEventStore>(path);
        QString error;
        QVERIFY2(m_writer->open(&error), qPrintable(error));
        m_log = std::make_unique<audit::AuditLog>(m_writer->database());
        m_log->setClock([this] { return m_clock += 1000; });
        write(kRecords);
        m_reader = std::make_unique<pipeline::StoreReader>(path);
        QVERIFY2(m_reader->open(&error), qPrintable(error));
    }

    void modelPagesNewestFirst()
    {
        AuditModel model(m_reader.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QTRY_COMPARE(model.rowCount(), AuditModel::kPageSize);
        QTRY_COMPARE(model.matchingCount(), qint64(kRecords));
        QCOMPARE(model.entryAt(0).seq, qint64(kRecords));
        QCOMPARE(model.entryAt(1).seq, qint64(kRecords - 1));
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 2 * AuditModel::kPageSize);
        // fetchMore() is ignored while any page is loading (views simply ask again): wait until it is not.
        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), kRecords);
        QVERIFY(model.isExhausted());
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.entryAt(kRecords - 1).seq, qint64(1));
        for (int r = 1; r < model.rowCount(); ++r)
            QVERIFY(model.entryAt(r).seq < model.entryAt(r - 1).seq);
        QCOMPARE(model.rowOfSeq(1), kRecords - 1);

        // Columns: time, kind label, actor, subject with the user, a summary of the details.
        const int row = model.rowOfSeq(7); // a command
        QCOMPARE(model.data(model.index(row, AuditModel::KindColumn)).toString(), u"Analyst command"_qs);
        QCOMPARE(model.data(model.index(row, AuditModel::ActorColumn)).toString(), u"alice@ws-12"_qs);
        QCOMPARE(model.data(model.index(row, AuditModel::SubjectColumn)).toString(),
                 u"alert-1 · user7@corp.example"_qs);
        QCOMPARE(model.data(model.index(row, AuditModel::SummaryColumn)).toString(),
                 u"acknowledge: checked with the user"_qs);
        const QString call = model.data(model.index(model.rowOfSeq(2), AuditModel::SummaryColumn)).toString();
        QVERIFY2(call.contains(u"POST /api/v1/users/00u1/lifecycle/suspend"), qPrintable(call));
    }

    void filters()
    {
        AuditModel model(m_reader.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        AuditFilter commands;
        commands.kind = u"command"_qs;
        model.setFilter(commands);
        QTRY_COMPARE(model.matchingCount(), qint64(m_commands));
        QTRY_VERIFY(model.rowCount() > 0);
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.entryAt(r).kind, u"command"_qs);

        AuditFilter analysts;
        analysts.actor = QString::fromLatin1(AuditFilter::kAnalysts);
        model.setFilter(analysts);
        QTRY_COMPARE(model.matchingCount(), qint64(m_commands));

        AuditFilter oneUser; // in details.user, not in the subject
        oneUser.subject = u"user13@"_qs;
        model.setFilter(oneUser);
        QTRY_VERIFY(model.matchingCount() > 0);
        QTRY_COMPARE(model.rowCount(), int(model.matchingCount()));
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.entryAt(r).user, u"user13@corp.example"_qs);

        AuditFilter bySeq;
        bySeq.text = u"617"_qs;
        model.setFilter(bySeq);
        QTRY_VERIFY(model.rowOfSeq(617) >= 0);

        AuditFilter literal; // % is a character, not a wildcard
        literal.text = u"100%"_qs;
        model.setFilter(literal);
        QTRY_COMPARE(model.matchingCount(), qint64(0));
    }

    void viewFilterBarAndDetails()
    {
        AuditView view(m_reader.get());
        view.resize(1200, 700);
        view.show();
        QTRY_COMPARE(view.model()->rowCount(), AuditModel::kPageSize);
        auto* kind = view.findChild<QComboBox*>(u"kindComboBox"_qs);
        kind->setCurrentIndex(kind->findData(u"command"_qs));
        QTRY_COMPARE(view.model()->filter().kind, u"command"_qs);
        QTRY_COMPARE(view.model()->matchingCount(), qint64(m_commands));
        auto* search = view.findChild<QLineEdit*>(u"searchLineEdit"_qs);
        QTest::keyClicks(search, u"#700"_qs);
        QTRY_COMPARE(view.model()->filter().text, u"700"_qs);
        QTRY_VERIFY(view.model()->rowOfSeq(700) >= 0);

        view.table()->selectRow(view.model()->rowOfSeq(700));
        const QString json = view.findChild<QPlainTextEdit*>(u"recordJsonEdit"_qs)->toPlainText();
        const QJsonObject shown = QJsonDocument::fromJson(json.toUtf8()).object();
        QCOMPARE(shown.value(u"seq").toInteger(), qint64(700));
        QCOMPARE(shown.value(u"details").toObject().value(u"command").toString(), u"acknowledge"_qs);
        const audit::AuditRecord stored = m_log->all().at(699);
        QCOMPARE(view.findChild<QLineEdit*>(u"hashLineEdit"_qs)->text(), stored.hash);
        QCOMPARE(view.findChild<QLineEdit*>(u"prevHashLineEdit"_qs)->text(), stored.prevHash);
        QCOMPARE(view.currentSeq(), qint64(700));
    }

    void refreshAddsNewRecordsAtTheTop()
    {
        AuditModel model(m_reader.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QTRY_COMPARE(model.rowCount(), AuditModel::kPageSize);
        const qint64 newest = model.entryAt(0).seq;
        write(3);
        model.refresh();
        QTRY_COMPARE(model.entryAt(0).seq, newest + 3);
        QCOMPARE(model.entryAt(3).seq, newest);
        QCOMPARE(model.rowOfSeq(newest), 3);
        // Newest first with no record twice, whatever the tester fetched meanwhile.
        for (int r = 1; r < model.rowCount(); ++r)
            QVERIFY(model.entryAt(r).seq < model.entryAt(r - 1).seq);
    }

    void refreshFindsTheFirstRecordsOfAnEmptyLog()
    {
        // A console that starts before anything was audited: the first records appear with the next refresh.
        QTemporaryDir dir;
        const QString path = dir.filePath(u"empty.db"_qs);
        store::SqliteEventStore writer(path);
        QString error;
        QVERIFY2(writer.open(&error), qPrintable(error));
        pipeline::StoreReader reader(path);
        QVERIFY2(reader.open(&error), qPrintable(error));
        AuditModel model(&reader);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QTRY_VERIFY(model.isExhausted());
        QCOMPARE(model.rowCount(), 0);
        audit::AuditLog log(writer.database());
        QVERIFY2(log.append(u"decision"_qs, u"vigil"_qs, u"alert-1"_qs, detailsFor(1), &error), qPrintable(error));
        model.refresh();
        QTRY_COMPARE(model.rowCount(), 1);
        QTRY_COMPARE(model.matchingCount(), qint64(1));
        QCOMPARE(model.entryAt(0).subject, u"alert-1"_qs);
    }

    void verifyIntactThenBroken()
    {
        AuditView view(m_reader.get());
        view.resize(1200, 700);
        view.show();
        QTRY_COMPARE(view.model()->rowCount(), AuditModel::kPageSize);
        auto* banner = view.findChild<QLabel*>(u"verifyBanner"_qs);
        QVERIFY(!banner->isVisible());
        QSignalSpy verified(&view, &AuditView::verified);
        QTest::mouseClick(view.findChild<QPushButton*>(u"verifyButton"_qs), Qt::LeftButton);
        QTRY_COMPARE(verified.size(), 1);
        const auto intact = verified.takeFirst().at(0).value<AuditView::ChainCheck>();
        QVERIFY(intact.result.ok);
        QCOMPARE(intact.result.records, qint64(m_written));
        QCOMPARE(intact.headHash, m_log->all().last().hash);
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->property("verdict").toString(), u"intact"_qs);
        QVERIFY2(banner->text().contains(QLocale().toString(qint64(m_written))), qPrintable(banner->text()));
        QVERIFY(banner->text().contains(intact.headHash));

        // Someone edits a record behind the log's back, deep below the first page.
        const qint64 tampered = 321;
        QSqlQuery edit(m_writer->database());
        QVERIFY(
            edit.exec(QStringLiteral("UPDATE audit SET details = '{\"command\":\"acknowledge\",\"reason\":\"nothing "
                                     "to see\"}' WHERE seq = %1")
                          .arg(tampered)));
        QCOMPARE(edit.numRowsAffected(), 1);
        QCOMPARE(view.model()->rowOfSeq(tampered), -1); // not loaded yet
        QTest::mouseClick(view.findChild<QPushButton*>(u"verifyButton"_qs), Qt::LeftButton);
        QTRY_COMPARE(verified.size(), 1);
        const auto broken = verified.takeFirst().at(0).value<AuditView::ChainCheck>();
        QVERIFY(!broken.result.ok);
        QCOMPARE(broken.result.firstBadSeq, tampered);
        QCOMPARE(banner->property("verdict").toString(), u"broken"_qs);
        QVERIFY2(banner->text().contains(u"321"), qPrintable(banner->text()));
        QVERIFY(banner->text().contains(broken.result.problem));
        // The bad record is fetched and selected, and its details shown.
        QTRY_COMPARE(view.currentSeq(), tampered);
        QVERIFY(view.table()->selectionModel()->isRowSelected(view.model()->rowOfSeq(tampered), {}));
        QVERIFY(view.findChild<QPlainTextEdit*>(u"recordJsonEdit"_qs)->toPlainText().contains(u"nothing to see"));
        // Details that are not JSON any more are shown as stored, not as an empty object.
        QSqlQuery garble(m_writer->database());
        QVERIFY(garble.exec(QStringLiteral("UPDATE audit SET details = 'not json {' WHERE seq = %1").arg(tampered)));
        view.model()->reload();
        QTRY_VERIFY(view.model()->rowOfSeq(tampered) >= 0);
        view.table()->selectRow(view.model()->rowOfSeq(tampered));
        QVERIFY(view.findChild<QPlainTextEdit*>(u"recordJsonEdit"_qs)->toPlainText().contains(u"not json {"));
        auto* newest = view.findChild<QPushButton*>(u"newestButton"_qs);
        QVERIFY(newest->isVisible());
        QTest::mouseClick(newest, Qt::LeftButton);
        QTRY_COMPARE(view.model()->rowCount(), AuditModel::kPageSize);
        QCOMPARE(view.model()->entryAt(0).seq, qint64(m_written));

        // Put it back for the export test.
        const audit::AuditRecord original = [&] {
            audit::AuditRecord r;
            r.details = detailsFor(int(tampered));
            return r;
        }();
        QSqlQuery restore(m_writer->database());
        restore.prepare(u"UPDATE audit SET details = ? WHERE seq = ?"_qs);
        restore.addBindValue(QString::fromUtf8(QJsonDocument(original.details).toJson(QJsonDocument::Compact)));
        restore.addBindValue(tampered);
        QVERIFY(restore.exec());
        QVERIFY(m_log->verify().ok);
    }

    void exportWritesTheWholeLog()
    {
        AuditView view(m_reader.get());
        QSignalSpy exported(&view, &AuditView::exported);
        const QString jsonl = m_dir.filePath(u"audit.jsonl"_qs);
        view.exportTo(jsonl, audit::AuditLog::Format::JsonLines);
        QTRY_COMPARE(exported.size(), 1);
        QVERIFY2(exported.at(0).at(0).toBool(), qPrintable(exported.at(0).at(1).toString()));
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(int(lines.size()), m_written);
        QCOMPARE(QJsonDocument::fromJson(lines.last()).object().value(u"hash").toString(), m_log->all().last().hash);

        const QString csv = m_dir.filePath(u"audit.csv"_qs);
        view.exportTo(csv, audit::AuditLog::Format::Csv);
        QTRY_COMPARE(exported.size(), 2);
        QVERIFY(exported.at(1).at(0).toBool());
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        QVERIFY(c.readLine().startsWith("seq,at,kind,actor,subject,details,prev_hash,hash"));

        view.exportTo(m_dir.filePath(u"no/such/folder/audit.csv"_qs), audit::AuditLog::Format::Csv);
        QTRY_COMPARE(exported.size(), 3);
        QVERIFY(!exported.at(2).at(0).toBool());
    }
};

QTEST_MAIN(TestAuditView)
#include "TestAuditView.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
// The policy preview dialog against a real store read through a real StoreReader: a lowered
// threshold previewed and shown user by user, bad values marked and blocking Preview and Save, the
// JSON tab in step with the form, Cancel, and Save writing the file.
#include "core/okta/EventParser.h"
#include "core/okta/Timestamp.h"
#include "core/pipeline/StoreReader.h"
#include "core/store/SqliteEventStore.h"
#include "ui/policy/PolicyForm.h"
#include "ui/policy/PolicyPreviewDialog.h"
#include "ui/policy/PreviewResultModel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vigil;
using pipeline::PreviewChange;
using ui::PolicyForm;
using ui::PolicyPreviewDialog;
using ui::PreviewResultModel;

namespace {

constexpr qint64 kT0 = 1767261600000; // 2026-01-01T10:00:00Z
constexpr qint64 kMinute = 60000;
int g_sequence = 0;

okta::LogEvent signIn(const QString& user, qint64 atMs, bool success, const QString& ip, bool proxy)
{
    QJsonObject outcome{{u"result"_qs, success ? u"SUCCESS"_qs : u"FAILURE"_qs}};
    if (!success) outcome.insert(u"reason"_qs, u"INVALID_CREDENTIALS"_qs);
    const QJsonObject e{
        {u"uuid"_qs, QStringLiteral("ppd-%1").arg(++g_sequence)},
        {u"published"_qs, okta::formatTimestampMs(atMs)},
        {u"eventType"_qs, u"user.session.start"_qs},
        {u"actor"_qs, QJsonObject{{u"alternateId"_qs, user}, {u"type"_qs, u"User"_qs}}},
        {u"outcome"_qs, outcome},
        {u"client"_qs,
         QJsonObject{{u"ipAddress"_qs, ip},
                     {u"userAgent"_qs, QJsonObject{{u"browser"_qs, u"CHROME"_qs}, {u"os"_qs, u"Mac OS X"_qs}}},
                     {u"geographicalContext"_qs,
                      QJsonObject{{u"city"_qs, u"London"_qs},
                                  {u"country"_qs, u"United Kingdom"_qs},
                                  {u"geolocation"_qs, QJsonObject{{u"lat"_qs, 51.5164}, {u"lon"_qs, -0.093}}}}}}},
        {u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, 2856}, {u"isProxy"_qs, proxy}}}};
    const QByteArray json = QJsonDocument(e).toJson(QJsonDocument::Compact);
    static okta::EventParser parser;
    okta::LogEvent event;
    okta::ParseError error;
    if (!parser.parse({json.constData(), size_t(json.size())}, event, error)) qFatal("%s", qPrintable(error.detail));
    return event;
}

QSpinBox* spin(PolicyPreviewDialog& d, const QString& path)
{
    return qobject_cast<QSpinBox*>(d.form()->field(path));
}

bool invalid(PolicyPreviewDialog& d, const QString& path)
{
    return d.form()->field(path)->property("invalid").toBool();
}

} // namespace

class TestPolicyPreviewDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<pipeline::StoreReader> m_reader;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(u"vigil.db"_qs);
        {
            // bruce: brute force only (45, an alert, no action by default); mia: brute force then a
            // proxy sign-in (65: stepped up, paged); carl: nothing.
            store::SqliteEventStore writer(path);
            QString error;
            QVERIFY2(writer.open(&error), qPrintable(error));
            QList<okta::LogEvent> events;
            for (int i = 0; i < 3; ++i) {
                events << signIn(u"bruce@corp.example"_qs, kT0 + i * kMinute, false, u"81.2.69.160"_qs, false);
                events << signIn(u"mia@corp.example"_qs, kT0 + i * kMinute + 5000, false, u"81.2.69.161"_qs, false);
            }
            events << signIn(u"mia@corp.example"_qs, kT0 + 3 * kMinute, true, u"81.2.69.161"_qs, true);
            events << signIn(u"carl@corp.example"_qs, kT0 + 30 * kMinute, true, u"81.2.69.170"_qs, false);
            QVERIFY(writer.appendBatch(events).ok);
        }
        m_reader = std::make_unique<pipeline::StoreReader>(path);
        QString error;
        QVERIFY2(m_reader->open(&error), qPrintable(error));
    }

    void loweredThresholdPreviewed()
    {
        PolicyPreviewDialog dialog(m_reader.get(), risk::Policy::defaults(), m_dir.filePath(u"policy.json"_qs));
        dialog.show();
        QAbstractItemModelTester tester(dialog.resultModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        spin(dialog, u"response.step_up_at"_qs)->setValue(40);
        spin(dialog, u"response.page_at"_qs)->setValue(40);
        QVERIFY(dialog.proposedPolicy());
        QCOMPARE(dialog.proposedPolicy()->number(u"response.page_at"_qs), 40.0);
        // The JSON tab follows the form.
        const QJsonObject json =
            QJsonDocument::fromJson(dialog.findChild<QPlainTextEdit*>(u"jsonEdit"_qs)->toPlainText().toUtf8()).object();
        QCOMPARE(json.value(u"response").toObject().value(u"step_up_at").toDouble(), 40.0);

        QSignalSpy finished(&dialog, &PolicyPreviewDialog::previewFinished);
        auto* previewButton = dialog.findChild<QPushButton*>(u"previewButton"_qs);
        QVERIFY(previewButton->isEnabled());
        QTest::mouseClick(previewButton, Qt::LeftButton);
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(!dialog.isPreviewing());
        QCOMPARE(dialog.findChild<QProgressBar*>(u"previewProgressBar"_qs)->value(), 1000);

        // Only bruce changes: newly stepped up and paged.
        PreviewResultModel* model = dialog.resultModel();
        QCOMPARE(model->rowCount(), 1);
        const int bruce = model->rowOfUser(u"bruce@corp.example"_qs);
        QCOMPARE(bruce, 0);
        QCOMPARE(model->data(model->index(bruce, PreviewResultModel::ChangeColumn)).toString(), u"Newly affected"_qs);
        QCOMPARE(model->data(model->index(bruce, PreviewResultModel::CurrentActionsColumn)).toString(),
                 u"alert only"_qs);
        const QString proposed = model->data(model->index(bruce, PreviewResultModel::ProposedActionsColumn)).toString();
        QVERIFY2(proposed.contains(u"step-up") && proposed.contains(u"page"), qPrintable(proposed));
        QVERIFY(model->data(model->index(bruce, PreviewResultModel::UserColumn), Qt::BackgroundRole).isValid());
        QVERIFY(model->data(model->index(bruce, PreviewResultModel::ProposedActionsColumn), Qt::FontRole)
                    .value<QFont>()
                    .bold());
        // The table shows the same through its proxy.
        QTableView* table = dialog.resultTable();
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(table->model()->index(0, PreviewResultModel::UserColumn).data().toString(), u"bruce@corp.example"_qs);
        const QString summary = dialog.summaryText();
        QVERIFY2(summary.contains(u"+1 user paged") && summary.contains(u"+1 user stepped up"), qPrintable(summary));

        // Everyone with an alert: mia is there too, unchanged.
        dialog.findChild<QCheckBox*>(u"onlyChangesCheckBox"_qs)->setChecked(false);
        QCOMPARE(model->rowCount(), 2);
        const int mia = model->rowOfUser(u"mia@corp.example"_qs);
        QVERIFY(mia >= 0);
        QCOMPARE(model->data(model->index(mia, PreviewResultModel::ChangeColumn)).toString(), u"Same"_qs);
        QVERIFY(!model->data(model->index(mia, PreviewResultModel::UserColumn), Qt::BackgroundRole).isValid());

        // An edit after the preview says the results are stale.
        spin(dialog, u"response.page_at"_qs)->setValue(45);
        QVERIFY(dialog.findChild<QLabel*>(u"detailLabel"_qs)->property("stale").toBool());
    }

    void raisedThresholdRemovesAUser()
    {
        PolicyPreviewDialog dialog(m_reader.get(), risk::Policy::defaults(), m_dir.filePath(u"policy.json"_qs));
        spin(dialog, u"response.step_up_at"_qs)->setValue(75);
        spin(dialog, u"response.page_at"_qs)->setValue(75);
        spin(dialog, u"response.page_critical_at"_qs)->setValue(90);
        QSignalSpy finished(&dialog, &PolicyPreviewDialog::previewFinished);
        dialog.preview();
        QTRY_COMPARE(finished.size(), 1);
        const int mia = dialog.resultModel()->rowOfUser(u"mia@corp.example"_qs);
        QVERIFY(mia >= 0);
        QCOMPARE(dialog.resultModel()->userAt(mia).change, PreviewChange::NoLongerAffected);
        QVERIFY2(dialog.summaryText().contains(u"−1 user paged"), qPrintable(dialog.summaryText()));
    }

    void badValuesAreRejectedVisibly()
    {
        PolicyPreviewDialog dialog(m_reader.get(), risk::Policy::defaults(), m_dir.filePath(u"policy.json"_qs));
        dialog.show();
        auto* previewButton = dialog.findChild<QPushButton*>(u"previewButton"_qs);
        auto* saveButton = dialog.findChild<QPushButton*>(u"saveButton"_qs);
        auto* problems = dialog.findChild<QLabel*>(u"problemsLabel"_qs);
        QVERIFY(previewButton->isEnabled() && saveButton->isEnabled());
        QVERIFY(!problems->isVisible());

        // Bands out of order: every band is marked, and nothing can run.
        spin(dialog, u"severity.high"_qs)->setValue(90);
        QVERIFY(!dialog.proposedPolicy());
        QVERIFY(invalid(dialog, u"severity.high"_qs));
        QVERIFY(invalid(dialog, u"severity.critical"_qs));
        QVERIFY(!invalid(dialog, u"response.page_at"_qs));
        QVERIFY(problems->isVisible());
        QVERIFY2(problems->text().contains(u"severity: bands must rise"), qPrintable(problems->text()));
        QVERIFY(!previewButton->isEnabled());
        QVERIFY(!saveButton->isEnabled());
        QVERIFY(saveButton->toolTip().contains(u"severity"));
        spin(dialog, u"severity.high"_qs)->setValue(60);
        QVERIFY(dialog.proposedPolicy());
        QVERIFY(!invalid(dialog, u"severity.high"_qs));
        QVERIFY(!problems->isVisible());
        QVERIFY(previewButton->isEnabled());

        // Out of range, with the range in the message and the tooltip.
        spin(dialog, u"response.auto_suspend_delay_minutes"_qs)->setValue(2);
        QVERIFY(invalid(dialog, u"response.auto_suspend_delay_minutes"_qs));
        QVERIFY(problems->text().contains(u"outside 5 to 60"));
        QVERIFY(
            dialog.form()->field(u"response.auto_suspend_delay_minutes"_qs)->toolTip().contains(u"outside 5 to 60"));
        QVERIFY(!saveButton->isEnabled());
        spin(dialog, u"response.auto_suspend_delay_minutes"_qs)->setValue(20);
        QVERIFY(saveButton->isEnabled());

        // An AS number that is not one.
        auto* asns = qobject_cast<QLineEdit*>(dialog.form()->field(u"detections.anonymizer.asns"_qs));
        QTest::keyClicks(asns, u"9009, tor"_qs);
        QVERIFY(invalid(dialog, u"detections.anonymizer.asns"_qs));
        QVERIFY(problems->text().contains(u"detections.anonymizer.asns[1]"));
        QVERIFY(!previewButton->isEnabled());
        asns->clear();
        QTest::keyClicks(asns, u"9009, 60068"_qs);
        QVERIFY(!invalid(dialog, u"detections.anonymizer.asns"_qs));
        QVERIFY(dialog.proposedPolicy());
        QCOMPARE(dialog.proposedPolicy()->strings(u"detections.anonymizer.asns"_qs),
                 (QStringList{u"9009"_qs, u"60068"_qs}));

        // Broken JSON: the form is disabled until it parses again, and the JSON drives the form.
        auto* json = dialog.findChild<QPlainTextEdit*>(u"jsonEdit"_qs);
        const QString good = json->toPlainText();
        json->setPlainText(u"{ \"schema_version\": 1, "_qs);
        QVERIFY(!dialog.proposedPolicy());
        QVERIFY(problems->text().contains(u"not valid JSON"));
        QVERIFY(!dialog.form()->isEnabled());
        QVERIFY(!saveButton->isEnabled());
        json->setPlainText(good);
        QVERIFY(dialog.proposedPolicy());
        json->setPlainText(u"{\"schema_version\": 1, \"response\": {\"page_at\": 55}}"_qs);
        QCOMPARE(spin(dialog, u"response.page_at"_qs)->value(), 55);
        QCOMPARE(dialog.proposedPolicy()->number(u"response.page_at"_qs), 55.0);
        json->setPlainText(u"{\"schema_version\": 1, \"response\": {\"page_at\": \"high\"}}"_qs);
        QVERIFY(!dialog.proposedPolicy());
        QVERIFY(problems->text().contains(u"response.page_at: must be a number"));
    }

    // Protected accounts, groups and the admin switch are part of the form and of the saved policy.
    void protectedAccountsAreEdited()
    {
        PolicyPreviewDialog dialog(m_reader.get(), risk::Policy::defaults(), m_dir.filePath(u"policy.json"_qs));
        dialog.show();
        auto* accounts = qobject_cast<QLineEdit*>(dialog.form()->field(u"protected_accounts"_qs));
        auto* groups = qobject_cast<QLineEdit*>(dialog.form()->field(u"response.protected_groups"_qs));
        auto* admins = qobject_cast<QCheckBox*>(dialog.form()->field(u"response.protect_okta_admins"_qs));
        QVERIFY(accounts && groups && admins);
        QVERIFY(admins->isChecked()); // the default protects Okta administrators
        QTest::keyClicks(accounts, u"breakglass@acme.com, svc-backup@acme.com"_qs);
        QTest::keyClicks(groups, u"00g1vip"_qs);
        admins->setChecked(false);
        QVERIFY(dialog.proposedPolicy());
        QCOMPARE(dialog.proposedPolicy()->strings(u"protected_accounts"_qs),
                 (QStringList{u"breakglass@acme.com"_qs, u"svc-backup@acme.com"_qs}));
        QCOMPARE(dialog.proposedPolicy()->strings(u"response.protected_groups"_qs), QStringList{u"00g1vip"_qs});
        QVERIFY(!dialog.proposedPolicy()->flag(u"response.protect_okta_admins"_qs));
    }

    void cancelStopsThePreview()
    {
        PolicyPreviewDialog dialog(m_reader.get(), risk::Policy::defaults(), m_dir.filePath(u"policy.json"_qs));
        spin(dialog, u"response.page_at"_qs)->setValue(40);
        // Hold the reader thread so the preview is still queued when Cancel is pressed.
        QSemaphore hold;
        m_reader->query<int>(
            &dialog,
            [&hold](store::EventStore&) {
                hold.acquire();
                return 0;
            },
            [](int) {});
        QSignalSpy finished(&dialog, &PolicyPreviewDialog::previewFinished);
        dialog.preview();
        QVERIFY(dialog.isPreviewing());
        auto* cancel = dialog.findChild<QPushButton*>(u"cancelPreviewButton"_qs);
        QVERIFY(cancel->isEnabled());
        QVERIFY(!dialog.findChild<QPushButton*>(u"previewButton"_qs)->isEnabled());
        QTest::mouseClick(cancel, Qt::LeftButton);
        hold.release();
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(finished.at(0).at(0).value<pipeline::PreviewResult>().cancelled);
        QCOMPARE(dialog.resultModel()->rowCount(), 0);
        QCOMPARE(dialog.summaryText(), u"Preview cancelled."_qs);
        QVERIFY(dialog.findChild<QPushButton*>(u"previewButton"_qs)->isEnabled());
    }

    void saveWritesTheFile()
    {
        const QString path = m_dir.filePath(u"saved-policy.json"_qs);
        PolicyPreviewDialog dialog(m_reader.get(), risk::Policy::defaults(), path);
        std::optional<risk::Policy> saved;
        int savedCount = 0;
        connect(&dialog, &PolicyPreviewDialog::policySaved, this, [&](const risk::Policy& p) {
            saved = p;
            ++savedCount;
        });
        spin(dialog, u"response.page_at"_qs)->setValue(70);
        spin(dialog, u"response.page_critical_at"_qs)->setValue(85);
        qobject_cast<QCheckBox*>(dialog.form()->field(u"detections.off_hours.enabled"_qs))->setChecked(false);
        QTest::mouseClick(dialog.findChild<QPushButton*>(u"saveButton"_qs), Qt::LeftButton);
        QCOMPARE(savedCount, 1);
        QCOMPARE(saved->number(u"response.page_at"_qs), 70.0);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QStringList errors;
        const std::optional<risk::Policy> read = risk::Policy::fromFile(path, &errors);
        QVERIFY2(read, qPrintable(errors.join(u'\n')));
        QCOMPARE(read->number(u"response.page_at"_qs), 70.0);
        QCOMPARE(read->number(u"response.page_critical_at"_qs), 85.0);
        QVERIFY(!read->flag(u"detections.off_hours.enabled"_qs));
        QCOMPARE(read->number(u"response.step_up_at"_qs), 60.0); // untouched keys keep their values

        PolicyPreviewDialog nowhere(m_reader.get(), risk::Policy::defaults(), m_dir.filePath(u"no/such/dir/p.json"_qs));
        connect(&nowhere, &PolicyPreviewDialog::policySaved, this, [&] { ++savedCount; });
        QVERIFY(!nowhere.save());
        QCOMPARE(savedCount, 1);
        QVERIFY(nowhere.findChild<QLabel*>(u"problemsLabel"_qs)->text().contains(u"Could not save"));
    }
};

QTEST_MAIN(TestPolicyPreviewDialog)
#include "TestPolicyPreviewDialog.moc"

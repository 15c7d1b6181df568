// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/policy/PolicyPreviewDialog.h"

#include "core/pipeline/StoreReader.h"
#include "ui/policy/PolicyForm.h"
#include "ui/policy/PreviewResultModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <limits>

namespace vigil::ui {

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;

// `over` laid onto `base`, object by object: what a partial policy file means (the rest is the defaults).
QJsonObject overlay(QJsonObject base, const QJsonObject& over)
{
    for (auto it = over.begin(); it != over.end(); ++it) {
        if (it->isObject() && base.value(it.key()).isObject()) {
            base.insert(it.key(), overlay(base.value(it.key()).toObject(), it->toObject()));
        } else {
            base.insert(it.key(), *it);
        }
    }
    return base;
}

QString day(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
}

} // namespace

PolicyPreviewDialog::PolicyPreviewDialog(pipeline::StoreReader* reader,
                                         const risk::Policy& current,
                                         QString savePath,
                                         QWidget* parent)
    : QDialog(parent)
    , m_reader(reader)
    , m_current(current)
    , m_savePath(std::move(savePath))
    , m_proposed(current)
{
    setObjectName(u"policyPreviewDialog"_qs);
    setWindowTitle(tr("Policy preview"));
    resize(1180, 860);

    m_form = new PolicyForm(this);
    m_form->setObjectName(u"policyForm"_qs);
    auto* formScroll = new QScrollArea(this);
    formScroll->setWidget(m_form);
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);
    m_json = new QPlainTextEdit(this);
    m_json->setObjectName(u"jsonEdit"_qs);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"policyTabs"_qs);
    m_tabs->addTab(formScroll, tr("Thresholds"));
    m_tabs->addTab(m_json, tr("Edit JSON"));

    m_problems = new QLabel(this);
    m_problems->setObjectName(u"problemsLabel"_qs);
    m_problems->setWordWrap(true);
    m_problems->setTextFormat(Qt::PlainText);
    m_problems->setStyleSheet(u"QLabel { color: white; background: #b71c1c; padding: 6px; border-radius: 4px; }"_qs);
    m_problems->setVisible(false);

    m_span = new QComboBox(this);
    m_span->setObjectName(u"historyComboBox"_qs);
    m_span->addItem(tr("Last 24 hours"), kDayMs);
    m_span->addItem(tr("Last 7 days"), 7 * kDayMs);
    m_span->addItem(tr("Last 30 days"), 30 * kDayMs);
    m_span->addItem(tr("All stored history"), std::numeric_limits<qint64>::max() / 4);
    m_span->setCurrentIndex(1);
    m_span->setToolTip(tr("Stored events replayed, ending with the newest"));
    m_preview = new QPushButton(tr("Preview"), this);
    m_preview->setObjectName(u"previewButton"_qs);
    m_preview->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel preview"), this);
    m_cancelButton->setObjectName(u"cancelPreviewButton"_qs);
    m_cancelButton->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"previewProgressBar"_qs);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("Ready"));
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Replay"), this));
    runRow->addWidget(m_span);
    runRow->addWidget(m_preview);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_cancelButton);

    m_summary = new QLabel(tr("Change a threshold, then Preview to see who it would have affected."), this);
    m_summary->setObjectName(u"summaryLabel"_qs);
    m_summary->setWordWrap(true);
    QFont big = m_summary->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_summary->setFont(big);
    m_detail = new QLabel(this);
    m_detail->setObjectName(u"detailLabel"_qs);
    m_detail->setWordWrap(true);
    m_onlyChanges = new QCheckBox(tr("Only users whose actions change"), this);
    m_onlyChanges->setObjectName(u"onlyChangesCheckBox"_qs);
    m_onlyChanges->setChecked(true);

    m_results = new PreviewResultModel(this);
    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setSourceModel(m_results);
    m_sorted->setSortRole(PreviewResultModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(u"resultTableView"_qs);
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // the preview's order: changes first, riskiest first
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(PreviewResultModel::UserColumn, 260);
    m_table->setColumnWidth(PreviewResultModel::ChangeColumn, 150);
    m_table->setColumnWidth(PreviewResultModel::CurrentActionsColumn, 190);
    m_table->setColumnWidth(PreviewResultModel::ProposedActionsColumn, 190);
    m_table->setColumnWidth(PreviewResultModel::AlertsColumn, 80);

    auto* results = new QWidget(this);
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addLayout(runRow);
    resultsLayout->addWidget(m_summary);
    auto* detailRow = new QHBoxLayout;
    detailRow->addWidget(m_detail, 1);
    detailRow->addWidget(m_onlyChanges);
    resultsLayout->addLayout(detailRow);
    resultsLayout->addWidget(m_table, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_tabs);
    splitter->addWidget(results);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    auto* buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("Save policy"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"saveButton"_qs);
    m_save->setToolTip(tr("Write the proposed policy to %1").arg(m_savePath));
    m_reset = buttons->addButton(tr("Back to the current policy"), QDialogButtonBox::ResetRole);
    m_reset->setObjectName(u"resetButton"_qs);
    buttons->addButton(QDialogButtonBox::Close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_problems);
    layout->addWidget(buttons);

    connect(m_form, &PolicyForm::edited, this, &PolicyPreviewDialog::formEdited);
    connect(m_json, &QPlainTextEdit::textChanged, this, &PolicyPreviewDialog::jsonEdited);
    connect(m_preview, &QPushButton::clicked, this, &PolicyPreviewDialog::preview);
    connect(m_cancelButton, &QPushButton::clicked, this, &PolicyPreviewDialog::cancelPreview);
    connect(m_save, &QPushButton::clicked, this, &PolicyPreviewDialog::save);
    connect(m_reset, &QPushButton::clicked, this, &PolicyPreviewDialog::resetToCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &PolicyPreviewDialog::reject);
    connect(m_onlyChanges, &QCheckBox::toggled, m_results, &PreviewResultModel::setOnlyChanges);
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, &PolicyPreviewDialog::pollProgress);

    resetToCurrent();
}

PolicyPreviewDialog::~PolicyPreviewDialog()
{
    // A replay still running stops at its next event; its answer then finds no receiver.
    cancelPreview();
}

void PolicyPreviewDialog::reject()
{
    cancelPreview();
    QDialog::reject();
}

void PolicyPreviewDialog::setHistorySpan(qint64 ms)
{
    int index = m_span->findData(ms);
    if (index < 0) {
        m_span->addItem(tr("Last %1 days").arg(ms / kDayMs), ms);
        index = m_span->count() - 1;
    }
    m_span->setCurrentIndex(index);
}

qint64 PolicyPreviewDialog::historySpan() const
{
    return m_span->currentData().toLongLong();
}

QString PolicyPreviewDialog::summaryText() const
{
    return m_summary->text();
}

void PolicyPreviewDialog::resetToCurrent()
{
    setJsonText(QJsonDocument(m_current.json()).toJson(QJsonDocument::Indented));
    m_syncing = true;
    m_form->load(m_current.json());
    m_syncing = false;
    validate();
}

void PolicyPreviewDialog::setJsonText(const QByteArray& json)
{
    m_syncing = true;
    m_json->setPlainText(QString::fromUtf8(json));
    m_syncing = false;
}

void PolicyPreviewDialog::formEdited()
{
    if (m_syncing) return;
    // The form writes into the JSON, so keys it does not show (and edits made there) are kept.
    const QJsonDocument doc = QJsonDocument::fromJson(m_json->toPlainText().toUtf8());
    const QJsonObject base = doc.isObject() ? doc.object() : m_current.json();
    setJsonText(QJsonDocument(m_form->applyTo(base)).toJson(QJsonDocument::Indented));
    validate();
}

void PolicyPreviewDialog::jsonEdited()
{
    if (m_syncing) return;
    const QJsonDocument doc = QJsonDocument::fromJson(m_json->toPlainText().toUtf8());
    if (doc.isObject()) {
        m_syncing = true;
        m_form->load(overlay(risk::Policy::defaults().json(), doc.object()));
        m_syncing = false;
    }
    validate();
}

void PolicyPreviewDialog::validate()
{
    QStringList errors;
    m_proposed = risk::Policy::fromJson(m_json->toPlainText().toUtf8(), &errors);
    m_errors = errors;
    const QStringList unshown = m_form->markErrors(errors);
    // While the JSON itself does not parse, the form cannot be trusted to show it.
    const bool parses = QJsonDocument::fromJson(m_json->toPlainText().toUtf8()).isObject();
    m_tabs->widget(0)->setEnabled(parses);
    if (errors.isEmpty()) {
        m_problems->setVisible(false);
        m_problems->clear();
    } else {
        QString text = tr("✖ Cannot preview or save: %1").arg(errors.first());
        if (errors.size() > 1) text += tr(" (and %1 more)").arg(errors.size() - 1);
        if (!parses) text += tr(". Fix it in the Edit JSON tab.");
        m_problems->setText(text);
        m_problems->setToolTip(errors.join(u'\n'));
        m_problems->setVisible(true);
    }
    Q_UNUSED(unshown); // listed in the problems label with the rest
    if (!m_previewedJson.isEmpty() && m_proposed) {
        const bool stale = QJsonDocument(m_proposed->json()).toJson(QJsonDocument::Compact) != m_previewedJson;
        m_detail->setProperty("stale", stale);
        if (stale && !m_detail->text().startsWith(u'⚠'))
            m_detail->setText(tr("⚠ The policy changed since this preview: Preview again. ") + m_detail->text());
    }
    updateButtons();
}

void PolicyPreviewDialog::updateButtons()
{
    const bool valid = m_proposed.has_value();
    const bool running = isPreviewing();
    const QString reason = valid ? QString() : tr("The policy has errors: %1").arg(m_errors.value(0));
    m_preview->setEnabled(valid && !running && m_reader);
    m_preview->setToolTip(valid ? tr("Replay the stored history under the current and the proposed policy") : reason);
    m_save->setEnabled(valid && !running);
    m_save->setToolTip(valid ? tr("Write the proposed policy to %1").arg(m_savePath) : reason);
    m_cancelButton->setEnabled(running);
    m_span->setEnabled(!running);
}

void PolicyPreviewDialog::preview()
{
    if (!m_proposed || isPreviewing() || !m_reader) return;
    auto progress = std::make_shared<Progress>();
    m_cancel = progress;
    const risk::Policy current = m_current;
    const risk::Policy proposed = *m_proposed;
    const qint64 span = historySpan();
    m_previewedJson = QJsonDocument(proposed.json()).toJson(QJsonDocument::Compact);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Replaying… %p%"));
    m_progressTimer.start();
    updateButtons();
    // The replay only touches `progress` (atomics): the dialog may be gone before it ends.
    m_reader->query<pipeline::PreviewResult>(
        this,
        [current, proposed, span, progress](store::EventStore& store) {
            pipeline::PolicyPreview::Options options;
            options.window = pipeline::PolicyPreview::defaultWindow(store, span);
            options.cancel = &progress->cancel;
            options.progress = [progress](double fraction, qint64 events) {
                progress->permille.store(int(fraction * 1000));
                progress->events.store(events);
            };
            return pipeline::PolicyPreview::run(store, current, proposed, options);
        },
        [this, progress](const pipeline::PreviewResult& result) {
            if (m_cancel == progress) m_cancel.reset();
            m_progressTimer.stop();
            showResult(result);
            updateButtons();
            emit previewFinished(result);
        });
}

void PolicyPreviewDialog::pollProgress()
{
    if (!m_cancel) return;
    m_progress->setValue(m_cancel->permille.load());
    m_progress->setFormat(tr("Replaying… %p% · %1 events").arg(QLocale().toString(m_cancel->events.load())));
}

void PolicyPreviewDialog::cancelPreview()
{
    if (!m_cancel) return;
    m_cancel->cancel.store(true);
    m_progress->setFormat(tr("Cancelling…"));
    m_cancelButton->setEnabled(false);
}

void PolicyPreviewDialog::showResult(const pipeline::PreviewResult& r)
{
    if (r.cancelled) {
        m_progress->setValue(0);
        m_progress->setFormat(tr("Cancelled"));
        m_summary->setText(tr("Preview cancelled."));
        m_detail->clear();
        m_results->clear();
        return;
    }
    if (!r.ok) {
        m_progress->setFormat(tr("Failed"));
        m_summary->setText(tr("The preview failed: %1").arg(r.error));
        m_results->clear();
        return;
    }
    m_progress->setValue(1000);
    m_progress->setFormat(tr("Done"));
    m_results->setResult(r);
    m_summary->setText(r.events == 0 ? tr("No stored events to replay.") : PreviewResultModel::summary(r));
    const int changed = int(r.users.size()) - r.count(pipeline::PreviewChange::Unchanged);
    m_detail->setProperty("stale", false);
    m_detail->setText(tr("%1 users change of %2 with an alert or an action · now %3 stepped up, %4 paged, %5 suspended "
                         "(proposed: %6, %7, %8) · %9 events from %10 to %11 replayed in %12 s")
                          .arg(changed)
                          .arg(r.users.size())
                          .arg(r.usersWith(u"step_up"_qs, false))
                          .arg(r.usersWith(u"page"_qs, false))
                          .arg(r.usersWith(u"auto_suspend"_qs, false))
                          .arg(r.usersWith(u"step_up"_qs, true))
                          .arg(r.usersWith(u"page"_qs, true))
                          .arg(r.usersWith(u"auto_suspend"_qs, true))
                          .arg(QLocale().toString(r.events), day(r.fromMs), day(r.toMs - 1))
                          .arg(QLocale().toString(double(r.elapsedMs) / 1000.0, 'f', 1)));
}

bool PolicyPreviewDialog::save()
{
    if (!m_proposed) return false;
    QSaveFile file(m_savePath);
    QString error;
    if (!file.open(QIODevice::WriteOnly)) {
        error = file.errorString();
    } else {
        file.write(QJsonDocument(m_proposed->json()).toJson(QJsonDocument::Indented));
        if (!file.commit()) error = file.errorString();
    }
    if (!error.isEmpty()) {
        m_problems->setText(tr("✖ Could not save the policy to %1: %2").arg(m_savePath, error));
        m_problems->setVisible(true);
        return false;
    }
    const risk::Policy saved = *m_proposed;
    m_current = saved; // what is saved is the new "current" to compare against
    emit policySaved(saved);
    accept();
    return true;
}

} // namespace vigil::ui

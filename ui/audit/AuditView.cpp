// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/audit/AuditView.h"

#include "core/pipeline/StoreReader.h"
#include "ui/audit/AuditModel.h"
#include "ui/audit/AuditText.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QSqlQuery>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

namespace {

QString number(qint64 n)
{
    return QLocale().toString(n);
}

struct ExportOutcome
{
    bool ok = false;
    QString error;
    qint64 records = 0;
};

} // namespace

AuditView::AuditView(pipeline::StoreReader* reader, QWidget* parent)
    : QWidget(parent)
    , m_reader(reader)
    , m_model(new AuditModel(reader, this))
{
    setObjectName(u"auditView"_qs);

    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"kindComboBox"_qs);
    m_kind->addItem(tr("All kinds"), QString());
    for (const QString& kind : {u"decision"_qs, u"action"_qs, u"command"_qs, u"call"_qs, u"state"_qs})
        m_kind->addItem(AuditText::kindLabel(kind), kind);
    m_actor = new QComboBox(this);
    m_actor->setObjectName(u"actorComboBox"_qs);
    m_actor->addItem(tr("Anyone"), QString());
    m_actor->addItem(tr("Vigil (automation)"), u"vigil"_qs);
    m_actor->addItem(tr("Analysts"), QString::fromLatin1(AuditFilter::kAnalysts));
    m_subject = new QLineEdit(this);
    m_subject->setObjectName(u"subjectLineEdit"_qs);
    m_subject->setPlaceholderText(tr("Alert or user"));
    m_subject->setClearButtonEnabled(true);
    m_text = new QLineEdit(this);
    m_text->setObjectName(u"searchLineEdit"_qs);
    m_text->setPlaceholderText(tr("Search details, hashes, #seq"));
    m_text->setClearButtonEnabled(true);
    m_verify = new QPushButton(tr("Verify chain"), this);
    m_verify->setObjectName(u"verifyButton"_qs);
    m_verify->setToolTip(tr("Recompute every record's hash and check that each follows the one before"));
    m_export = new QPushButton(tr("Export…"), this);
    m_export->setObjectName(u"exportButton"_qs);
    m_export->setToolTip(tr("Save the whole log, hashes included, as JSON Lines or CSV"));

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_kind);
    filterRow->addWidget(m_actor);
    filterRow->addWidget(m_subject, 1);
    filterRow->addWidget(m_text, 2);
    filterRow->addSpacing(12);
    filterRow->addWidget(m_verify);
    filterRow->addWidget(m_export);

    m_banner = new QLabel(this);
    m_banner->setObjectName(u"verifyBanner"_qs);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setVisible(false);

    m_status = new QLabel(this);
    m_status->setObjectName(u"statusLabel"_qs);
    m_newest = new QPushButton(tr("Back to the newest records"), this);
    m_newest->setObjectName(u"newestButton"_qs);
    m_newest->setFlat(true);
    m_newest->setVisible(false);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_newest);

    m_table = new QTableView(this);
    m_table->setObjectName(u"auditTableView"_qs);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    const QFontMetrics fm(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setColumnWidth(AuditModel::SeqColumn, fm.horizontalAdvance(u"0000000"_qs) + 12);
    m_table->setColumnWidth(AuditModel::TimeColumn, fm.horizontalAdvance(u"0000-00-00 00:00:00"_qs) + 16);
    m_table->setColumnWidth(AuditModel::KindColumn, 120);
    m_table->setColumnWidth(AuditModel::ActorColumn, 130);
    m_table->setColumnWidth(AuditModel::SubjectColumn, 250);

    auto* details = new QWidget(this);
    m_detailsTitle = new QLabel(tr("Select a record to see it in full"), details);
    m_detailsTitle->setObjectName(u"detailsTitle"_qs);
    QFont titleFont = m_detailsTitle->font();
    titleFont.setBold(true);
    m_detailsTitle->setFont(titleFont);
    m_json = new QPlainTextEdit(details);
    m_json->setObjectName(u"recordJsonEdit"_qs);
    m_json->setReadOnly(true);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto hashField = [&](const QString& name) {
        auto* edit = new QLineEdit(details);
        edit->setObjectName(name);
        edit->setReadOnly(true);
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        return edit;
    };
    m_hash = hashField(u"hashLineEdit"_qs);
    m_prevHash = hashField(u"prevHashLineEdit"_qs);
    auto* hashes = new QFormLayout;
    hashes->addRow(tr("Hash"), m_hash);
    hashes->addRow(tr("Previous hash"), m_prevHash);
    auto* detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_detailsTitle);
    detailsLayout->addWidget(m_json, 1);
    detailsLayout->addLayout(hashes);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({2000, 1000}); // two thirds for the records, the rest for the selected one

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filterRow);
    layout->addWidget(m_banner);
    layout->addLayout(statusRow);
    layout->addWidget(splitter, 1);

    m_filterDelay.setSingleShot(true);
    m_filterDelay.setInterval(250); // typing is not a query per key
    connect(&m_filterDelay, &QTimer::timeout, this, &AuditView::applyFilterFromWidgets);
    connect(m_subject, &QLineEdit::textChanged, &m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_text, &QLineEdit::textChanged, &m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_kind, &QComboBox::currentIndexChanged, this, &AuditView::applyFilterFromWidgets);
    connect(m_actor, &QComboBox::currentIndexChanged, this, &AuditView::applyFilterFromWidgets);
    connect(m_verify, &QPushButton::clicked, this, &AuditView::verifyChain);
    connect(m_export, &QPushButton::clicked, this, &AuditView::exportWithDialog);
    connect(m_newest, &QPushButton::clicked, this, [this] {
        AuditFilter f = m_model->filter();
        f.upToSeq = -1;
        m_model->setFilter(f);
    });
    connect(m_model, &AuditModel::pageLoaded, this, [this] {
        updateStatus();
        if (m_revealSeq >= 0) {
            const qint64 seq = std::exchange(m_revealSeq, -1);
            selectSeq(seq);
        }
    });
    connect(m_model, &AuditModel::matchingCountChanged, this, &AuditView::updateStatus);
    connect(m_model, &AuditModel::modelReset, this, [this] {
        updateStatus();
        showDetails();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AuditView::showDetails);

    m_refresh.setInterval(3000);
    connect(&m_refresh, &QTimer::timeout, m_model, &AuditModel::refresh);

    m_model->reload();
    loadAnalysts();
}

void AuditView::loadAnalysts()
{
    if (!m_reader) return;
    m_reader->query<QStringList>(
        this, [](store::EventStore& store) { return AuditPage::analysts(store.database()); },
        [this](const QStringList& analysts) {
            for (const QString& a : analysts) {
                if (m_actor->findData(a) < 0) m_actor->addItem(a, a);
            }
        });
}

qint64 AuditView::currentSeq() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? m_model->entryAt(current.row()).seq : -1;
}

void AuditView::setRefreshInterval(int ms)
{
    m_refresh.setInterval(std::max(ms, 0));
    if (ms <= 0)
        m_refresh.stop();
    else if (isVisible())
        m_refresh.start();
}

void AuditView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_refresh.interval() > 0) m_refresh.start();
    m_model->refresh();
}

void AuditView::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_refresh.stop();
}

void AuditView::applyFilterFromWidgets()
{
    if (m_applyingFilter) return;
    m_filterDelay.stop();
    AuditFilter f;
    f.kind = m_kind->currentData().toString();
    f.actor = m_actor->currentData().toString();
    f.subject = m_subject->text();
    f.text = m_text->text().trimmed();
    if (f.text.startsWith(u'#')) f.text.remove(0, 1);
    if (f == m_model->filter()) return;
    m_model->setFilter(f);
}

void AuditView::showFilterInWidgets(const AuditFilter& f)
{
    m_applyingFilter = true;
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(f.kind)));
    int actor = m_actor->findData(f.actor);
    if (actor < 0 && !f.actor.isEmpty()) {
        m_actor->addItem(f.actor, f.actor);
        actor = m_actor->count() - 1;
    }
    m_actor->setCurrentIndex(std::max(0, actor));
    m_subject->setText(f.subject);
    m_text->setText(f.text);
    m_filterDelay.stop();
    m_applyingFilter = false;
}

void AuditView::setFilter(const AuditFilter& filter)
{
    showFilterInWidgets(filter);
    m_model->setFilter(filter);
}

void AuditView::showSubject(const QString& alertIdOrUser)
{
    AuditFilter f;
    f.subject = alertIdOrUser;
    setFilter(f);
}

void AuditView::updateStatus()
{
    const qint64 matching = m_model->matchingCount();
    const bool anchored = m_model->filter().upToSeq >= 0;
    QString text;
    if (matching < 0) {
        text = tr("Counting records…");
    } else if (matching == 0) {
        text = m_model->filter().isEmpty() && !anchored ? tr("The audit log is empty.")
                                                        : tr("No record matches the filter.");
    } else {
        text = tr("Showing %1 of %2 records, newest first").arg(number(m_model->loadedCount()), number(matching));
        if (!m_model->filter().isEmpty()) text += tr(" (filtered)");
        if (anchored) text += tr(", from record %1 down").arg(number(m_model->filter().upToSeq));
        if (!m_model->isExhausted()) text += tr(" · scroll for more");
    }
    m_status->setText(text);
    m_newest->setVisible(anchored);
}

void AuditView::showDetails()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || current.row() >= m_model->loadedCount()) {
        m_detailsTitle->setText(tr("Select a record to see it in full"));
        m_json->clear();
        m_hash->clear();
        m_prevHash->clear();
        return;
    }
    const AuditEntry& e = m_model->entryAt(current.row());
    m_detailsTitle->setText(tr("Record %1 · %2").arg(number(e.seq), AuditText::kindLabel(e.kind)));
    // Details that no longer parse (an edit behind the log's back) are shown as the stored text.
    const QJsonDocument details = QJsonDocument::fromJson(e.details);
    const QJsonObject record{
        {u"seq"_qs, e.seq},
        {u"at"_qs, AuditText::utcTime(e.atMs)},
        {u"kind"_qs, e.kind},
        {u"actor"_qs, e.actor},
        {u"subject"_qs, e.subject},
        {u"details"_qs, details.isObject() ? QJsonValue(details.object()) : QJsonValue(QString::fromUtf8(e.details))}};
    m_json->setPlainText(QString::fromUtf8(QJsonDocument(record).toJson(QJsonDocument::Indented)));
    m_hash->setText(e.hash);
    m_hash->setCursorPosition(0);
    m_prevHash->setText(e.prevHash);
    m_prevHash->setCursorPosition(0);
}

void AuditView::verifyChain()
{
    if (!m_reader || m_verifying) return;
    m_verifying = true;
    m_verify->setEnabled(false);
    m_verify->setText(tr("Verifying…"));
    m_banner->setVisible(true);
    m_banner->setStyleSheet({});
    m_banner->setText(tr("Checking every record's hash and link…"));
    m_reader->query<ChainCheck>(
        this,
        [](store::EventStore& store) {
            QElapsedTimer clock;
            clock.start();
            ChainCheck check;
            const audit::AuditLog log(store.database());
            check.result = log.verify();
            QSqlQuery head(store.database());
            if (head.exec(u"SELECT seq, hash FROM audit_head WHERE id = 1"_qs) && head.next()) {
                check.headSeq = head.value(0).toLongLong();
                check.headHash = head.value(1).toString();
            }
            check.elapsedMs = clock.elapsed();
            return check;
        },
        [this](const ChainCheck& check) {
            m_verifying = false;
            m_verify->setEnabled(true);
            m_verify->setText(tr("Verify chain"));
            showVerdict(check);
            emit verified(check);
        });
}

void AuditView::showVerdict(const ChainCheck& check)
{
    const audit::VerifyResult& r = check.result;
    m_banner->setVisible(true);
    // Colour is not the only signal: the mark and the words say it too.
    if (r.ok) {
        m_banner->setProperty("verdict", u"intact"_qs);
        m_banner->setStyleSheet(
            u"QLabel { background: #1b5e20; color: white; padding: 8px; border-radius: 4px; font-weight: bold; }"_qs);
        m_banner->setText(r.records == 0
                              ? tr("✔ Chain intact: the audit log is empty.")
                              : tr("✔ Chain intact: %1 records, head %2").arg(number(r.records), check.headHash));
        return;
    }
    m_banner->setProperty("verdict", u"broken"_qs);
    m_banner->setStyleSheet(
        u"QLabel { background: #b71c1c; color: white; padding: 8px; border-radius: 4px; font-weight: bold; }"_qs);
    m_banner->setText(tr("✖ Chain broken at record %1: %2. Records from there on cannot be trusted.")
                          .arg(number(r.firstBadSeq), r.problem));
    if (r.firstBadSeq > 0) reveal(r.firstBadSeq);
}

void AuditView::reveal(qint64 seq)
{
    if (m_model->rowOfSeq(seq) >= 0) {
        selectSeq(seq);
        return;
    }
    // Not loaded (or filtered out): show the whole log from just above that record down.
    AuditFilter f;
    f.upToSeq = seq + 20;
    showFilterInWidgets(f);
    m_revealSeq = seq;
    m_model->setFilter(f);
}

void AuditView::selectSeq(qint64 seq)
{
    int row = m_model->rowOfSeq(seq);
    if (row < 0) { // a missing record: the nearest one before it
        for (int r = 0; r < m_model->loadedCount(); ++r) {
            if (m_model->entryAt(r).seq < seq) {
                row = r;
                break;
            }
        }
    }
    if (row < 0) return;
    const QModelIndex index = m_model->index(row, AuditModel::SeqColumn);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void AuditView::exportWithDialog()
{
    const QString jsonl = tr("JSON Lines (*.jsonl)");
    const QString csv = tr("CSV (*.csv)");
    QString chosen = jsonl;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the audit log"), u"vigil-audit.jsonl"_qs,
                                                      jsonl + u";;" + csv, &chosen);
    if (path.isEmpty()) return;
    const bool isCsv = chosen == csv || path.endsWith(u".csv", Qt::CaseInsensitive);
    exportTo(path, isCsv ? audit::AuditLog::Format::Csv : audit::AuditLog::Format::JsonLines);
}

void AuditView::exportTo(const QString& path, audit::AuditLog::Format format)
{
    if (!m_reader) return;
    m_export->setEnabled(false);
    m_reader->query<ExportOutcome>(
        this,
        [path, format](store::EventStore& store) {
            ExportOutcome out;
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly)) {
                out.error = file.errorString();
                return out;
            }
            const audit::AuditLog log(store.database());
            out.records = log.count();
            if (!log.exportTo(file, format, &out.error)) {
                file.cancelWriting();
                return out;
            }
            out.ok = file.commit();
            if (!out.ok) out.error = file.errorString();
            return out;
        },
        [this, path](const ExportOutcome& out) {
            m_export->setEnabled(true);
            const QString message = out.ok ? tr("Exported %1 records to %2").arg(number(out.records), path)
                                           : tr("Could not export to %1: %2").arg(path, out.error);
            m_status->setText(message);
            emit exported(out.ok, message);
        });
}

} // namespace vigil::ui

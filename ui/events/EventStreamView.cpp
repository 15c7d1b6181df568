// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/events/EventStreamView.h"

#include "core/pipeline/StoreReader.h"
#include "ui/Severity.h"
#include "ui/events/EventStreamModel.h"

#include <QCheckBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

EventStreamView::EventStreamView(pipeline::StoreReader* reader, QWidget* parent)
    : QWidget(parent)
    , m_reader(reader)
    , m_model(new EventStreamModel(reader, this))
    , m_filterEdit(new QLineEdit(this))
    , m_filterMessage(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_follow(new QCheckBox(tr("Follow live"), this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_table(new QTableView(m_splitter))
    , m_json(new QPlainTextEdit(m_splitter))
{
    setObjectName(QStringLiteral("eventStreamView"));
    m_filterEdit->setObjectName(QStringLiteral("eventFilterLineEdit"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setPlaceholderText(
        tr("Filter events: user:alice type:user.session ip:10.0.0.0/8 outcome:failure since:2h   (press / to focus)"));
    m_filterEdit->setToolTip(tr("Terms that must all match: user:, type: (a prefix), ip: (a prefix or a range), "
                                "outcome:, since: and until: (15m, 2h, 7d, a date or a time), or any text. "
                                "-term excludes; a,b is either; quote values with spaces."));
    m_filterMessage->setObjectName(QStringLiteral("eventFilterMessageLabel"));
    m_filterMessage->setWordWrap(true);
    m_filterMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filterMessage->hide();
    m_countLabel->setObjectName(QStringLiteral("eventCountLabel"));
    m_follow->setObjectName(QStringLiteral("followLiveCheckBox"));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest event at the top as events are stored. Scrolling down pauses it."));

    m_table->setObjectName(QStringLiteral("eventTableView"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    // Uniform rows: with millions of them nothing may be measured per row.
    QHeaderView* rows = m_table->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView* columns = m_table->horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(true);
    columns->setHighlightSections(false);
    const QFontMetrics fm = fontMetrics();
    columns->resizeSection(EventStreamModel::TimeColumn,
                           fm.horizontalAdvance(QStringLiteral("8888-88-88 88:88:88")) + 24);
    columns->resizeSection(EventStreamModel::TypeColumn,
                           fm.horizontalAdvance(QStringLiteral("user.authentication.auth_via_mfa")) + 24);
    columns->resizeSection(EventStreamModel::UserColumn,
                           fm.horizontalAdvance(QStringLiteral("firstname.lastname@corp.example")) + 24);
    columns->resizeSection(EventStreamModel::OutcomeColumn, fm.horizontalAdvance(QStringLiteral("CHALLENGE")) + 24);

    m_json->setObjectName(QStringLiteral("eventJsonPlainTextEdit"));
    m_json->setReadOnly(true);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setPlaceholderText(tr("Select an event to see its JSON as stored."));
    m_json->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);

    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto* top = new QHBoxLayout;
    top->addWidget(m_filterEdit, 1);
    top->addWidget(m_countLabel);
    top->addWidget(m_follow);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_filterMessage);
    layout->addWidget(m_splitter, 1);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    m_growth.setSingleShot(true);
    m_growth.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &EventStreamView::applyFilter);
    connect(&m_growth, &QTimer::timeout, this, &EventStreamView::lookForNewEvents);
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this] {
        checkFilter();
        m_debounce.start();
    });
    connect(m_filterEdit, &QLineEdit::returnPressed, this, [this] {
        applyFilter();
        if (isFilterValid()) m_table->setFocus();
    });

    connect(m_model, &EventStreamModel::indexingChanged, this, &EventStreamView::updateCount);
    connect(m_model, &EventStreamModel::indexReady, this, &EventStreamView::updateCount);
    connect(m_model, &EventStreamModel::newEventsInserted, this, &EventStreamView::onNewEvents);
    connect(m_model, &EventStreamModel::rowsLoaded, this, &EventStreamView::onRowsLoaded);
    connect(m_model, &EventStreamModel::modelReset, this, [this] {
        m_jsonWanted = QPersistentModelIndex();
        showJsonFor({});
    });
    connect(m_model, &EventStreamModel::queryFailed, this, [this](const QString& error) {
        m_countLabel->setText(tr("\u26A0 The store could not be read"));
        m_countLabel->setToolTip(error);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on) m_table->scrollToTop();
    });
    // Scrolling away from the newest events pauses following, as in a terminal's follow mode.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_adjustingScroll && value > 0 && m_follow->isChecked()) m_follow->setChecked(false);
    });

    m_table->installEventFilter(this);
    m_json->installEventFilter(this);
    m_filterEdit->installEventFilter(this);

    updateCount();
}

EventStreamView::~EventStreamView() = default;

void EventStreamView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // Loaded when first shown unless loadNow() did it already: a tab nobody opens costs no query.
    if (!std::exchange(m_loaded, true)) m_model->reload();
}

bool EventStreamView::loadNow(QString* error)
{
    m_loaded = true;
    const bool ok = m_model->loadBlocking(error);
    updateCount();
    return ok;
}

QString EventStreamView::filterText() const
{
    return m_filterEdit->text();
}

const store::EventFilter& EventStreamView::appliedFilter() const
{
    return m_model->filter();
}

void EventStreamView::setFilterText(const QString& text)
{
    m_filterEdit->setText(text);
    applyFilter();
}

bool EventStreamView::followLive() const
{
    return m_follow->isChecked();
}

void EventStreamView::setFollowLive(bool on)
{
    m_follow->setChecked(on);
}

// ---- filter -----------------------------------------------------------------------------------------------------

void EventStreamView::checkFilter()
{
    const store::EventFilter filter = store::EventFilter::parse(m_filterEdit->text());
    m_filterError = filter.isValid() ? QString() : filter.errorString();
    showFilterState();
}

void EventStreamView::applyFilter()
{
    m_debounce.stop();
    // Parsed again now: "since:2h" means two hours before the moment it is applied.
    const store::EventFilter filter = store::EventFilter::parse(m_filterEdit->text());
    m_filterError = filter.isValid() ? QString() : filter.errorString();
    showFilterState();
    if (!filter.isValid()) return;
    if (filter.text() == m_model->filter().text() && !filter.text().contains(QStringLiteral("since:"))
        && !filter.text().contains(QStringLiteral("until:")))
        return;
    m_model->setFilter(filter);
}

void EventStreamView::showFilterState()
{
    if (m_filterError.isEmpty()) {
        m_filterEdit->setStyleSheet({});
        m_filterEdit->setAccessibleDescription({});
        m_filterMessage->clear();
        m_filterMessage->hide();
        return;
    }
    const QColor error = Severity::color(SeverityBand::Critical, palette());
    // A thicker frame in the error colour; the message below says the same in words, with a warning sign.
    m_filterEdit->setStyleSheet(
        QStringLiteral("QLineEdit { border: 2px solid %1; border-radius: 3px; padding: 1px 3px; }").arg(error.name()));
    m_filterEdit->setAccessibleDescription(tr("Not applied: %1").arg(m_filterError));
    QPalette messagePalette = m_filterMessage->palette();
    messagePalette.setColor(QPalette::WindowText, error);
    m_filterMessage->setPalette(messagePalette);
    QString message = tr("\u26A0 Not applied: %1").arg(m_filterError);
    if (!m_model->filter().isEmpty()) message += u' ' + tr("Still showing “%1”.").arg(m_model->filter().text());
    m_filterMessage->setText(message);
    m_filterMessage->show();
}

void EventStreamView::updateCount()
{
    m_countLabel->setToolTip({});
    if (m_model->isIndexing()) {
        m_countLabel->setText(tr("Counting…"));
        return;
    }
    const qint64 count = m_model->matchCount();
    const QString number = QLocale().toString(count);
    // Spelled out for one and for many: there is no English catalogue yet to turn "%n event(s)" into words.
    if (m_model->filter().isEmpty())
        m_countLabel->setText(count == 1 ? tr("1 event") : tr("%1 events").arg(number));
    else
        m_countLabel->setText(count == 1 ? tr("1 matching event") : tr("%1 matching events").arg(number));
}

void EventStreamView::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

bool EventStreamView::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool plain = !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
        // '/' by the character typed, so it works on keyboards where it needs Shift.
        if ((watched == m_table || watched == m_json) && plain && key->text() == u"/") {
            focusFilter();
            return true;
        }
        if (watched == m_filterEdit && key->key() == Qt::Key_Escape) {
            if (!m_filterEdit->text().isEmpty()) {
                m_filterEdit->clear();
                applyFilter();
            } else {
                m_table->setFocus();
            }
            return true;
        }
        if (watched == m_filterEdit && key->key() == Qt::Key_Down) {
            m_table->setFocus();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void EventStreamView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_filterError.isEmpty()) showFilterState();
}

// ---- growth -----------------------------------------------------------------------------------------------------

void EventStreamView::storeGrew(qint64 storedEvents)
{
    if (storedEvents == m_knownStored) return;
    const bool shrank = m_knownStored >= 0 && storedEvents < m_knownStored;
    m_knownStored = storedEvents;
    if (shrank) {
        refresh();
        return;
    }
    // However many snapshots arrive, one look per interval: the first growth starts the timer, the rest wait for it.
    if (!m_growth.isActive()) m_growth.start();
}

void EventStreamView::lookForNewEvents()
{
    if (m_loaded) m_model->fetchNewEvents(); // otherwise the first load will see them
}

void EventStreamView::refresh()
{
    m_growth.stop();
    m_model->reload();
}

void EventStreamView::onNewEvents(int count)
{
    updateCount();
    QScrollBar* bar = m_table->verticalScrollBar();
    if (m_follow->isChecked()) {
        m_table->scrollToTop();
        return;
    }
    // The rows in view moved down by `count`: scroll by as much so that they stay in view. The view lays out its
    // new row count first, or the scroll bar would still have the old range.
    const int value = bar->value();
    m_adjustingScroll = true;
    m_table->doItemsLayout();
    bar->setValue(value + count);
    m_adjustingScroll = false;
}

// ---- raw JSON ---------------------------------------------------------------------------------------------------

void EventStreamView::onCurrentChanged(const QModelIndex& current)
{
    m_jsonWanted = current.isValid() ? QPersistentModelIndex(current.siblingAtColumn(0)) : QPersistentModelIndex();
    showJsonFor(m_jsonWanted);
}

void EventStreamView::onRowsLoaded(int first, int last)
{
    if (!m_jsonWanted.isValid() || m_jsonWanted.row() < first || m_jsonWanted.row() > last) return;
    showJsonFor(m_jsonWanted);
}

void EventStreamView::showJsonFor(const QModelIndex& index)
{
    if (!index.isValid()) {
        ++m_jsonToken;
        m_rawJson.clear();
        m_shownSeq = 0;
        m_json->clear();
        emit eventSelected(0, {});
        return;
    }
    const QVariant seqValue = index.data(EventStreamModel::SeqRole);
    if (!seqValue.isValid()) {
        // Its page is being fetched; onRowsLoaded() comes back here.
        ++m_jsonToken;
        m_rawJson.clear();
        m_shownSeq = 0;
        m_json->setPlainText(tr("Loading…"));
        return;
    }
    const qint64 seq = seqValue.toLongLong();
    if (seq == m_shownSeq && !m_rawJson.isEmpty()) return;
    const QString uuid = index.data(EventStreamModel::UuidRole).toString();
    emit eventSelected(seq, uuid);
    const quint64 token = ++m_jsonToken;
    m_rawJson.clear();
    m_shownSeq = 0;
    m_json->setPlainText(tr("Loading…"));
    if (!m_reader) return;
    const QByteArray key = uuid.toUtf8();
    m_reader->query<std::optional<QByteArray>>(
        this, [key](store::EventStore& s) { return s.rawEvent(std::string_view(key.constData(), size_t(key.size()))); },
        [this, token, seq](std::optional<QByteArray> raw) {
            if (token != m_jsonToken) return; // another event was selected meanwhile
            if (!raw) {
                m_json->setPlainText(tr("This event is no longer in the store."));
                return;
            }
            m_rawJson = *raw;
            m_shownSeq = seq;
            QJsonParseError parseError{};
            const QJsonDocument doc = QJsonDocument::fromJson(*raw, &parseError);
            // Pretty-printed when it parses; otherwise exactly as stored.
            m_json->setPlainText(parseError.error == QJsonParseError::NoError
                                     ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented))
                                     : QString::fromUtf8(*raw));
            emit rawJsonShown(seq);
        });
}

} // namespace vigil::ui

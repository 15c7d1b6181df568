// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/FilterBar.h"

#include "ui/Severity.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QVBoxLayout>

#include <algorithm>

namespace vigil::ui {

namespace {

QString quoteIfNeeded(const QString& value)
{
    if (!value.contains(u' ') && !value.contains(u'"') && !value.contains(u',')) return value;
    QString escaped = value;
    escaped.replace(u'\\', u"\\\\"_qs).replace(u'"', u"\\\""_qs);
    return u'"' + escaped + u'"';
}

} // namespace

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_completer(new QCompleter(this))
    , m_completions(new QStringListModel(this))
{
    setObjectName(u"alertFilterBar"_qs);
    m_edit->setObjectName(u"alertFilterLineEdit"_qs);
    m_message->setObjectName(u"alertFilterMessageLabel"_qs);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(tr("&Filter:"), this);
    label->setBuddy(m_edit);
    row->addWidget(label);
    row->addWidget(m_edit, 1);
    layout->addLayout(row);
    layout->addWidget(m_message);

    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(
        tr("text, user:, detection:, country:!US, status:pending, severity>=high, risk>=60  (press / to focus)"));
    m_edit->setAccessibleName(tr("Alert filter"));
    m_edit->setToolTip(tr("Filter the queue. Free text matches user, detections, IP and country.\n"
                          "Fields: user: detection: country: status: ip: assignee: severity: risk:\n"
                          "Compare: severity>=high, risk>=60. Exclude: -user:bob or country:!US. "
                          "Lists: country:US,CA. Quotes: detection:\"brute force\"."));
    m_edit->installEventFilter(this);

    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Filter error"));
    m_message->hide();

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::checkNow);
    connect(m_edit, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_edit, &QLineEdit::textEdited, this, &FilterBar::updateCompletions);

    m_completer->setModel(m_completions);
    m_completer->setWidget(m_edit);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setMaxVisibleItems(10);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this, &FilterBar::insertCompletion);
}

QString FilterBar::text() const
{
    return m_edit->text();
}

void FilterBar::setText(const QString& text)
{
    m_edit->setText(text);
    checkNow();
}

void FilterBar::focusFilter()
{
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void FilterBar::clearFilter()
{
    m_edit->clear();
    checkNow();
}

void FilterBar::checkNow()
{
    m_debounce.stop();
    const AlertFilter filter = AlertFilter::parse(m_edit->text());
    if (filter.isValid()) {
        m_valid = true;
        m_errorText.clear();
        m_errorPosition = -1;
        showState();
        if (filter.text() != m_applied.text()) {
            m_applied = filter;
            emit filterApplied(m_applied);
        }
        return;
    }
    m_valid = false;
    m_errorText = filter.errorString();
    m_errorPosition = filter.error().position;
    m_errorLength = filter.error().length;
    showState();
    emit filterRejected(m_errorText);
}

void FilterBar::showState()
{
    if (m_valid) {
        m_edit->setStyleSheet({});
        m_edit->setAccessibleDescription({});
        m_edit->setProperty("filterError", false);
        m_message->clear();
        m_message->hide();
        return;
    }
    const QColor error = Severity::color(SeverityBand::Critical, palette());
    // A thicker frame in the error colour; the message below carries the same information in words.
    m_edit->setStyleSheet(
        u"QLineEdit { border: 2px solid %1; border-radius: 3px; padding: 1px 3px; }"_qs.arg(error.name()));
    m_edit->setProperty("filterError", true);
    m_edit->setAccessibleDescription(tr("Not applied: %1").arg(m_errorText));
    QPalette messagePalette = m_message->palette();
    messagePalette.setColor(QPalette::WindowText, error);
    m_message->setPalette(messagePalette);
    //: Shown under the filter line; %1 is the parser's message.
    QString message = tr("\u26A0 Not applied: %1").arg(m_errorText);
    if (!m_applied.isEmpty()) {
        //: After a filter error: the filter that still applies.
        message += u' ' + tr("Still showing “%1”.").arg(m_applied.text());
    }
    m_message->setText(message);
    m_message->setToolTip(m_errorText);
    m_message->show();
}

void FilterBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_valid) showState();
}

bool FilterBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (m_completer->popup()->isVisible()) return QWidget::eventFilter(watched, event);
        switch (key->key()) {
        case Qt::Key_Escape:
            if (!m_edit->text().isEmpty())
                clearFilter();
            else
                emit leaveRequested();
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            checkNow();
            if (m_valid) emit leaveRequested();
            // Enter on a bad filter selects the part the error is about, ready to be retyped.
            else
                m_edit->setSelection(m_errorPosition, std::max(1, m_errorLength));
            return true;
        case Qt::Key_Down:
            emit leaveRequested();
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

qsizetype FilterBar::tokenStart() const
{
    const QString text = m_edit->text();
    qsizetype start = m_edit->cursorPosition();
    while (start > 0 && !text.at(start - 1).isSpace())
        --start;
    return start;
}

void FilterBar::updateCompletions()
{
    const QString text = m_edit->text();
    const qsizetype start = tokenStart();
    QString token = text.mid(start, m_edit->cursorPosition() - start);
    if (token.startsWith(u'-') || token.startsWith(u'!')) token.remove(0, 1);
    if (token.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    QStringList candidates;
    const qsizetype colon = token.indexOf(u':');
    if (colon < 0) {
        if (token.contains(u'>') || token.contains(u'<') || token.contains(u'=')) {
            m_completer->popup()->hide();
            return;
        }
        for (const QString& field : AlertFilter::fieldNames()) {
            if (field == u"severity" || field == u"risk") candidates.append(field + u">=");
            candidates.append(field + u':');
        }
    } else {
        const QString field = token.left(colon).toLower();
        const QString head = token.left(colon + 1) + (token.mid(colon + 1).startsWith(u'!') ? u"!"_qs : QString());
        QStringList values;
        if (field == u"status" || field == u"state")
            values = AlertFilter::statusValues();
        else if (field == u"severity" || field == u"sev")
            values = AlertFilter::severityValues();
        else if (m_values)
            values = m_values(field);
        values.removeDuplicates();
        for (const QString& v : std::as_const(values)) {
            if (!v.isEmpty()) candidates.append(head + quoteIfNeeded(v));
        }
    }
    m_completions->setStringList(candidates);
    m_completer->setCompletionPrefix(token);
    const bool nothingToAdd = m_completer->completionCount() == 0
                              || (m_completer->completionCount() == 1
                                  && m_completer->currentCompletion().compare(token, Qt::CaseInsensitive) == 0);
    if (nothingToAdd) {
        m_completer->popup()->hide();
        return;
    }
    // Under the token being completed (scrolling of long lines aside), wide enough for the longest candidate.
    const int x = std::min(m_edit->fontMetrics().horizontalAdvance(text.left(start)), m_edit->width() / 2);
    const QRect rect(x, 0, std::max(220, m_completer->popup()->sizeHintForColumn(0) + 24), m_edit->height());
    m_completer->complete(rect);
}

void FilterBar::insertCompletion(const QString& completion)
{
    const QString text = m_edit->text();
    qsizetype start = tokenStart();
    if (start < text.size() && (text.at(start) == u'-' || text.at(start) == u'!')) ++start;
    const int cursor = m_edit->cursorPosition();
    const bool wantsValue = completion.endsWith(u':') || completion.endsWith(u'=') || completion.endsWith(u'!');
    const QString inserted = completion + (wantsValue ? QString() : u" "_qs);
    m_edit->setText(text.left(start) + inserted + text.mid(cursor));
    m_edit->setCursorPosition(int(start + inserted.size()));
    // After a field name, offer its values straight away.
    if (wantsValue) QTimer::singleShot(0, this, &FilterBar::updateCompletions);
}

} // namespace vigil::ui

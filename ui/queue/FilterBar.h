// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/queue/AlertFilter.h"

#include <QTimer>
#include <QWidget>

#include <functional>

class QCompleter;
class QLabel;
class QLineEdit;
class QStringListModel;

namespace vigil::ui {

// The queue's filter line. It checks the text as the analyst types (after a short pause), applies it when it
// parses, and otherwise keeps the last good filter and says what is wrong: a red frame, the error in words under
// the line (with a warning sign, so it does not rely on colour), the same text as tooltip and accessible description,
// and the bad part selectable with errorPosition(). Esc clears; a completer offers field names and known values.
class FilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    // Values the completer offers after "field:" (users, countries, detections… seen in the queue).
    using ValueProvider = std::function<QStringList(const QString& field)>;

    explicit FilterBar(QWidget* parent = nullptr);

    QLineEdit* lineEdit() const { return m_edit; }
    QString text() const;
    // Sets the text and checks it at once (no debounce).
    void setText(const QString& text);

    // Whether the text as it stands parses; the applied filter may be an older, valid one.
    bool isValid() const { return m_valid; }
    QString errorText() const { return m_errorText; }
    int errorPosition() const { return m_errorPosition; }
    const AlertFilter& appliedFilter() const { return m_applied; }

    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    void setValueProvider(ValueProvider provider) { m_values = std::move(provider); }

public slots:
    // Focuses the line and selects its text, so typing replaces the filter.
    void focusFilter();
    // Empties the line and applies the empty filter.
    void clearFilter();
    // Checks the text now instead of after the pause.
    void checkNow();

signals:
    // A valid filter was applied (also the empty one).
    void filterApplied(const vigil::ui::AlertFilter& filter);
    // The text does not parse; `error` names the problem and its position. Nothing was applied.
    void filterRejected(const QString& error);
    // Esc on an empty line, or Enter/Down after a good filter: the queue can take the focus back.
    void leaveRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showState();
    void updateCompletions();
    void insertCompletion(const QString& completion);
    // The token under the cursor: [start, cursor).
    qsizetype tokenStart() const;

    QLineEdit* m_edit;
    QLabel* m_message;
    QTimer m_debounce;
    QCompleter* m_completer;
    QStringListModel* m_completions;
    ValueProvider m_values;
    AlertFilter m_applied;
    bool m_valid = true;
    QString m_errorText;
    int m_errorPosition = -1;
    int m_errorLength = 0;
};

} // namespace vigil::ui

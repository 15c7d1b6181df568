// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/EventQueries.h"

#include <QPersistentModelIndex>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSplitter;
class QTableView;

namespace vigil::pipeline {
class StoreReader;
}

namespace vigil::ui {

class EventStreamModel;

// The event stream: every stored event, newest first, in a virtual table over the store (EventStreamModel), a
// filter line in the store's language (store::EventFilter, checked as you type, the error shown under it and the
// last good filter kept), and the raw JSON of the selected event, pretty-printed. "Follow live" keeps the newest
// event at the top as events are stored; with it off the rows in view stay put. '/' focuses the filter.
//
// Wiring: give it an open StoreReader (a read connection on its own thread). It loads asynchronously when first
// shown, or at once with loadNow() when the first paint must already show events. Call storeGrew() with each
// snapshot's stored-event count; it re-queries at most once per growthIntervalMs().
class EventStreamView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventStreamView)

public:
    explicit EventStreamView(pipeline::StoreReader* reader, QWidget* parent = nullptr);
    ~EventStreamView() override;

    // Indexes the store and loads the newest rows now (blocking on the reader). False with `error` on failure.
    bool loadNow(QString* error = nullptr);

    EventStreamModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    QPlainTextEdit* jsonPane() const { return m_json; }

    // The filter text as typed, and whether it parses (the applied filter may be an older, valid one).
    QString filterText() const;
    bool isFilterValid() const { return m_filterError.isEmpty(); }
    QString filterError() const { return m_filterError; }
    const store::EventFilter& appliedFilter() const;
    // Sets the text and applies it at once when it parses (no pause).
    void setFilterText(const QString& text);

    bool followLive() const;
    void setFollowLive(bool on);

    // The selected event's JSON exactly as stored (empty while none is selected or it is loading).
    QByteArray selectedRawJson() const { return m_rawJson; }
    // The seq of the event whose JSON the pane shows, 0 when none.
    qint64 shownSeq() const { return m_shownSeq; }

    int growthIntervalMs() const { return m_growth.interval(); }
    void setGrowthIntervalMs(int ms) { m_growth.setInterval(ms); }
    void setFilterDebounceMs(int ms) { m_debounce.setInterval(ms); }

public slots:
    // The store now holds `storedEvents` events (ConsoleSnapshot::storedEvents): new ones are looked for, at most
    // once per growthIntervalMs() however often this is called. A smaller count than before re-indexes.
    void storeGrew(qint64 storedEvents);
    // Re-indexes with the current filter.
    void refresh();
    // Focuses the filter line and selects its text.
    void focusFilter();

signals:
    // The selected event changed: its seq and uuid (0 and empty when none).
    void eventSelected(qint64 seq, const QString& uuid);
    // The JSON pane shows the selected event.
    void rawJsonShown(qint64 seq);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void checkFilter();
    void applyFilter();
    void showFilterState();
    void updateCount();
    void onCurrentChanged(const QModelIndex& current);
    void onRowsLoaded(int first, int last);
    void showJsonFor(const QModelIndex& index);
    void onNewEvents(int count);
    void lookForNewEvents();

    pipeline::StoreReader* m_reader;
    EventStreamModel* m_model;
    QLineEdit* m_filterEdit;
    QLabel* m_filterMessage;
    QLabel* m_countLabel;
    QCheckBox* m_follow;
    QSplitter* m_splitter;
    QTableView* m_table;
    QPlainTextEdit* m_json;
    QTimer m_debounce;
    QTimer m_growth;
    QString m_filterError;
    qint64 m_knownStored = -1;
    bool m_growthPending = false;
    // The row whose JSON is wanted once its page arrives.
    QPersistentModelIndex m_jsonWanted;
    quint64 m_jsonToken = 0;
    QByteArray m_rawJson;
    qint64 m_shownSeq = 0;
    bool m_adjustingScroll = false;
    bool m_loaded = false; // loadNow() or the first show started loading
};

} // namespace vigil::ui

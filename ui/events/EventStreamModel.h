// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/EventQueries.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>

#include <optional>

namespace vigil::pipeline {
class StoreReader;
}

namespace vigil::ui {

// The stored events matching a filter, newest first, as a virtual table: rowCount() is the number of matches
// (millions are fine) and rows are fetched a page (256) at a time through the StoreReader when the view first
// asks for them, with a placeholder until then. Only the most recently used pages are kept (setPageCacheLimit()),
// so memory stays bounded however far the analyst scrolls. Rows map to pages through a store::EventIndex built on
// the reader thread; events stored later are added at the top by fetchNewEvents() without disturbing the rest.
class EventStreamModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventStreamModel)

public:
    enum Column
    {
        TimeColumn,
        TypeColumn,
        UserColumn,
        OutcomeColumn,
        IpColumn,
        ColumnCount
    };
    enum Role
    {
        SeqRole = Qt::UserRole + 1, // qint64, null until the row's page is loaded
        UuidRole,                   // QString
        PublishedMsRole,            // qint64, UTC
        LoadedRole,                 // bool: the row's page is here
    };

    // `reader` must be open and outlive the model's queries (answers to a destroyed model are dropped).
    explicit EventStreamModel(pipeline::StoreReader* reader, QObject* parent = nullptr);
    ~EventStreamModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Shows the events matching `filter` (re-indexes on the reader thread, then resets). An invalid filter is refused.
    bool setFilter(const store::EventFilter& filter);
    const store::EventFilter& filter() const { return m_index.filter; }
    // Re-indexes from scratch with the current filter (asynchronous).
    void reload();
    // Builds the index and loads the newest rows now, waiting for the reader: for a first paint that must already
    // show events. False with `error` when the store cannot be read.
    bool loadBlocking(QString* error = nullptr);
    // Looks for events stored since the index was built; matches are inserted at the top (rowsInserted at row 0).
    // Calls made while a query is running are merged into one more look afterwards.
    void fetchNewEvents();

    qint64 matchCount() const { return m_index.count; }
    // A (re)index is running: the rows shown are the previous filter's until indexReady().
    bool isIndexing() const { return m_indexToken != m_appliedIndexToken; }
    // The row's event when its page is loaded.
    std::optional<store::EventRow> eventAt(int row) const;
    // The row that shows the event with this seq, or -1 (the index must cover it; its page need not be loaded).
    int rowOfSeq(qint64 seq) const;

    void setPageCacheLimit(int pages);
    int pageCacheLimit() const { return m_cacheLimit; }
    int cachedPageCount() const { return int(m_pages.size()); }
    int pageSize() const { return m_index.pageSize; }
    const store::EventIndex& eventIndex() const { return m_index; }

signals:
    // A (re)index finished and the model was reset to it.
    void indexReady(qint64 matchCount);
    void indexingChanged(bool indexing);
    // `count` new matching events were inserted at the top (rows 0 … count - 1).
    void newEventsInserted(int count);
    // Rows [first, last] now hold their events (dataChanged was emitted for them).
    void rowsLoaded(int first, int last);
    void queryFailed(const QString& error);

private:
    struct IndexResult
    {
        bool ok = false;
        QString error;
        store::EventIndex index;
        qint64 added = 0;
        QHash<int, QList<store::EventRow>> pages; // the newest pages, so the top of the table is never blank
    };

    static IndexResult buildIndex(store::EventStore& store, const store::EventFilter& filter, int pageSize);
    static IndexResult extendIndex(store::EventStore& store, store::EventIndex index);
    static void loadTopPages(store::EventStore& store, IndexResult& result);

    void applyIndex(quint64 token, IndexResult result);
    void applyExtension(quint64 token, IndexResult result);
    void requestPage(int page) const;
    void onPageLoaded(quint64 token, int page, const QList<store::EventRow>& rows, const QString& error);
    void storePage(int page, QList<store::EventRow> rows) const;
    void touch(int page) const;
    const store::EventRow* rowAt(int row) const;
    void emitRowsLoaded(int page, int rows);

    QPointer<pipeline::StoreReader> m_reader;
    store::EventIndex m_index;
    int m_cacheLimit = 64;
    // Loaded pages and their use order (most recent last). data() is const but fills the cache.
    mutable QHash<int, QList<store::EventRow>> m_pages;
    mutable QList<int> m_lru;
    // Pages asked for, each with the token of its request: an answer whose token no longer matches is stale.
    mutable QHash<int, quint64> m_pending;
    mutable QSet<int> m_failed;
    mutable quint64 m_nextToken = 1;
    quint64 m_indexToken = 0;        // the newest (re)index asked for
    quint64 m_appliedIndexToken = 0; // the one shown
    quint64 m_extendToken = 0;       // the fetchNewEvents() running, 0 when none
    bool m_extendAgain = false;
};

} // namespace vigil::ui

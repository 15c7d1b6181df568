// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/events/EventStreamModel.h"

#include "core/pipeline/StoreReader.h"

#include <QDateTime>
#include <QLocale>

namespace vigil::ui {

namespace {

// Above this many rows in the newest page the page below it is not fetched with the index: a window rarely
// shows more than this many rows at once.
constexpr int kTopRowsWanted = 80;

QString localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString utcTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

} // namespace

EventStreamModel::EventStreamModel(pipeline::StoreReader* reader, QObject* parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{
}

EventStreamModel::~EventStreamModel() = default;

int EventStreamModel::rowCount(const QModelIndex& parent) const
{
    // QAbstractItemView works in int rows; two billion events is beyond what one workstation store holds.
    return parent.isValid() ? 0 : int(std::min<qint64>(m_index.count, std::numeric_limits<int>::max()));
}

int EventStreamModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const store::EventRow* EventStreamModel::rowAt(int row) const
{
    if (row < 0 || row >= rowCount()) return nullptr;
    const int page = m_index.pageOfRow(row);
    const auto it = m_pages.constFind(page);
    if (it == m_pages.constEnd()) {
        requestPage(page);
        return nullptr;
    }
    touch(page);
    const int slot = m_index.slotOfRow(row);
    return slot < it->size() ? &it->at(slot) : nullptr;
}

QVariant EventStreamModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const store::EventRow* row = rowAt(index.row());
    if (role == LoadedRole) return row != nullptr;
    if (!row) {
        // The page is on its way (or the store lost the row): a placeholder in the first column only, so the
        // table reads as "loading" rather than as a column of repeated words.
        if (role == Qt::DisplayRole && index.column() == TimeColumn) return tr("Loading…");
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case TimeColumn:
            return localTime(row->publishedMs);
        case TypeColumn:
            return row->eventType;
        case UserColumn:
            return row->actor;
        case OutcomeColumn:
            return row->outcome;
        case IpColumn:
            return row->ip;
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn) return tr("%1 UTC").arg(utcTime(row->publishedMs));
        return data(index, Qt::DisplayRole);
    case SeqRole:
        return row->seq;
    case UuidRole:
        return row->uuid;
    case PublishedMsRole:
        return row->publishedMs;
    default:
        return {};
    }
}

QVariant EventStreamModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case TypeColumn:
        return tr("Event type");
    case UserColumn:
        return tr("User");
    case OutcomeColumn:
        return tr("Outcome");
    case IpColumn:
        return tr("IP");
    case ColumnCount:
        break;
    }
    return {};
}

std::optional<store::EventRow> EventStreamModel::eventAt(int row) const
{
    if (row < 0 || row >= rowCount()) return std::nullopt;
    const auto it = m_pages.constFind(m_index.pageOfRow(row));
    if (it == m_pages.constEnd()) return std::nullopt;
    const int slot = m_index.slotOfRow(row);
    if (slot >= it->size()) return std::nullopt;
    return it->at(slot);
}

int EventStreamModel::rowOfSeq(qint64 seq) const
{
    // Only the loaded pages and the gap-free index can answer without asking the store.
    if (m_index.contiguous) {
        if (seq < m_index.firstSeq || seq > m_index.lastSeq) return -1;
        return int(m_index.count - 1 - (seq - m_index.firstSeq));
    }
    for (auto it = m_pages.constBegin(); it != m_pages.constEnd(); ++it) {
        for (qsizetype slot = 0; slot < it->size(); ++slot) {
            if (it->at(slot).seq == seq) return int(m_index.count - 1 - (qint64(it.key()) * m_index.pageSize + slot));
        }
    }
    return -1;
}

void EventStreamModel::setPageCacheLimit(int pages)
{
    m_cacheLimit = std::max(2, pages);
    while (m_lru.size() > m_cacheLimit)
        m_pages.remove(m_lru.takeFirst());
}

// ---- index ----------------------------------------------------------------------------------------------------

void EventStreamModel::loadTopPages(store::EventStore& store, IndexResult& result)
{
    const store::EventQueries queries(store);
    const int top = result.index.pageCount() - 1;
    for (int page = top; page >= 0 && page >= top - 1; --page) {
        QString error;
        QList<store::EventRow> rows = queries.page(result.index, page, &error);
        if (!error.isEmpty()) {
            result.error = error;
            return;
        }
        const int n = int(rows.size());
        result.pages.insert(page, std::move(rows));
        if (n >= kTopRowsWanted) break;
    }
}

EventStreamModel::IndexResult
EventStreamModel::buildIndex(store::EventStore& store, const store::EventFilter& filter, int pageSize)
{
    IndexResult result;
    result.ok = store::EventQueries(store).buildIndex(filter, &result.index, &result.error, pageSize);
    if (result.ok) loadTopPages(store, result);
    return result;
}

EventStreamModel::IndexResult EventStreamModel::extendIndex(store::EventStore& store, store::EventIndex index)
{
    IndexResult result;
    result.index = std::move(index);
    result.ok = store::EventQueries(store).extendIndex(&result.index, &result.added, &result.error);
    if (result.ok && result.added > 0) loadTopPages(store, result);
    return result;
}

bool EventStreamModel::setFilter(const store::EventFilter& filter)
{
    if (!filter.isValid()) return false;
    m_index.filter = filter;
    reload();
    return true;
}

void EventStreamModel::reload()
{
    if (!m_reader) return;
    const bool wasIndexing = isIndexing();
    const quint64 token = m_nextToken++;
    m_indexToken = token;
    m_extendToken = 0; // an extension of the old index is of no use now
    if (!wasIndexing) emit indexingChanged(true);
    const store::EventFilter filter = m_index.filter;
    const int pageSize = m_index.pageSize;
    m_reader->query<IndexResult>(
        this, [filter, pageSize](store::EventStore& s) { return buildIndex(s, filter, pageSize); },
        [this, token](IndexResult r) { applyIndex(token, std::move(r)); });
}

bool EventStreamModel::loadBlocking(QString* error)
{
    if (!m_reader) {
        if (error) *error = tr("The event store is not open.");
        return false;
    }
    const quint64 token = m_nextToken++;
    m_indexToken = token;
    m_extendToken = 0;
    const store::EventFilter filter = m_index.filter;
    const int pageSize = m_index.pageSize;
    IndexResult r = m_reader->queryBlocking<IndexResult>(
        [filter, pageSize](store::EventStore& s) { return buildIndex(s, filter, pageSize); });
    const bool ok = r.ok;
    if (error) *error = r.error;
    applyIndex(token, std::move(r));
    return ok;
}

void EventStreamModel::applyIndex(quint64 token, IndexResult result)
{
    if (token != m_indexToken) return; // a newer filter or reload is on its way
    if (!result.ok) {
        m_appliedIndexToken = token;
        emit indexingChanged(false);
        emit queryFailed(result.error);
        return;
    }
    beginResetModel();
    m_index = std::move(result.index);
    m_pages.clear();
    m_lru.clear();
    m_pending.clear();
    m_failed.clear();
    for (auto it = result.pages.begin(); it != result.pages.end(); ++it)
        storePage(it.key(), std::move(it.value()));
    m_appliedIndexToken = token;
    endResetModel();
    emit indexingChanged(false);
    emit indexReady(m_index.count);
    if (std::exchange(m_extendAgain, false)) fetchNewEvents();
}

void EventStreamModel::fetchNewEvents()
{
    if (!m_reader) return;
    if (isIndexing() || m_extendToken != 0) {
        m_extendAgain = true;
        return;
    }
    const quint64 token = m_nextToken++;
    m_extendToken = token;
    store::EventIndex index = m_index;
    m_reader->query<IndexResult>(
        this, [index](store::EventStore& s) { return extendIndex(s, index); },
        [this, token](IndexResult r) { applyExtension(token, std::move(r)); });
}

void EventStreamModel::applyExtension(quint64 token, IndexResult result)
{
    if (token != m_extendToken) return; // a reindex replaced the index it extends
    m_extendToken = 0;
    if (!result.ok) {
        emit queryFailed(result.error);
    } else if (result.index.count < m_index.count || result.index.rebuilds != m_index.rebuilds) {
        // The store lost events (nothing deletes them today), or in team mode another console committed events
        // behind the newest ones shown: positions moved, so start over.
        m_extendAgain = false;
        reload();
        return;
    } else {
        const int oldRows = rowCount();
        const int oldTop = m_index.pageCount() - 1;
        const bool oldTopPartial = m_index.rowsInPage(oldTop) < m_index.pageSize;
        const int added = int(std::min<qint64>(result.index.count, std::numeric_limits<int>::max()) - oldRows);
        if (added > 0) beginInsertRows({}, 0, added - 1);
        // The newest page was fetched when it held fewer rows; forget it so it is fetched whole.
        if (added > 0 && oldTop >= 0 && oldTopPartial) {
            m_pages.remove(oldTop);
            m_lru.removeAll(oldTop);
            m_pending.remove(oldTop);
            m_failed.remove(oldTop);
        }
        m_index = std::move(result.index);
        for (auto it = result.pages.begin(); it != result.pages.end(); ++it)
            storePage(it.key(), std::move(it.value()));
        if (added > 0) {
            endInsertRows();
            emit newEventsInserted(added);
        }
    }
    if (std::exchange(m_extendAgain, false)) fetchNewEvents();
}

// ---- pages ----------------------------------------------------------------------------------------------------

void EventStreamModel::requestPage(int page) const
{
    if (!m_reader || m_pending.contains(page) || m_failed.contains(page)) return;
    const quint64 token = m_nextToken++;
    m_pending.insert(page, token);
    const store::EventIndex index = m_index; // implicitly shared: the copy costs nothing
    auto* self = const_cast<EventStreamModel*>(this);
    struct PageResult
    {
        QList<store::EventRow> rows;
        QString error;
    };
    m_reader->query<PageResult>(
        self,
        [index, page](store::EventStore& s) {
            PageResult r;
            r.rows = store::EventQueries(s).page(index, page, &r.error);
            return r;
        },
        [self, token, page](PageResult r) { self->onPageLoaded(token, page, r.rows, r.error); });
}

void EventStreamModel::onPageLoaded(quint64 token, int page, const QList<store::EventRow>& rows, const QString& error)
{
    if (m_pending.value(page) != token) return; // stale: the index changed since it was asked for
    m_pending.remove(page);
    if (!error.isEmpty()) {
        // Not asked again until the next reload, or a failing store would be queried on every paint.
        m_failed.insert(page);
        emit queryFailed(error);
        return;
    }
    const int n = int(rows.size());
    storePage(page, rows);
    emitRowsLoaded(page, n);
}

void EventStreamModel::emitRowsLoaded(int page, int rows)
{
    if (rows <= 0) return;
    const qint64 firstPosition = qint64(page) * m_index.pageSize;
    const int last = int(m_index.count - 1 - firstPosition);
    const int first = std::max(0, int(m_index.count - 1 - (firstPosition + rows - 1)));
    if (last < 0 || last >= rowCount()) return;
    emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
    emit rowsLoaded(first, last);
}

void EventStreamModel::storePage(int page, QList<store::EventRow> rows) const
{
    m_pages.insert(page, std::move(rows));
    touch(page);
    while (m_lru.size() > m_cacheLimit)
        m_pages.remove(m_lru.takeFirst());
}

void EventStreamModel::touch(int page) const
{
    // The newest use is last. Pages painted together are touched in runs, so the common case is already last.
    if (!m_lru.isEmpty() && m_lru.constLast() == page) return;
    m_lru.removeOne(page);
    m_lru.append(page);
}

} // namespace vigil::ui

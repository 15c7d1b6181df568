// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/audit/AuditModel.h"

#include "core/pipeline/StoreReader.h"
#include "ui/audit/AuditText.h"

#include <QFontDatabase>

namespace vigil::ui {

AuditModel::AuditModel(pipeline::StoreReader* reader, QObject* parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{
}

void AuditModel::setFilter(const AuditFilter& filter)
{
    beginResetModel();
    m_filter = filter;
    m_entries.clear();
    m_rowBySeq.clear();
    m_exhausted = false;
    m_matching = -1;
    ++m_generation;
    // Before endResetModel(): views (and the model tester) ask for the first page from inside it.
    const bool wasLoading = std::exchange(m_loading, false);
    m_refreshing = false;
    endResetModel();
    if (wasLoading && !m_loading) emit loadingChanged(false);
    emit matchingCountChanged(m_matching);
    if (!m_reader) return;
    const quint64 generation = m_generation;
    const AuditFilter f = m_filter;
    m_reader->query<qint64>(
        this, [f](store::EventStore& store) { return AuditPage::count(store.database(), f); },
        [this, generation](qint64 n) {
            if (generation != m_generation) return;
            m_matching = n;
            emit matchingCountChanged(n);
        });
    requestPage();
}

void AuditModel::requestPage()
{
    if (!m_reader || m_loading || m_exhausted) return;
    setLoading(true);
    const quint64 generation = m_generation;
    const AuditFilter f = m_filter;
    const qint64 before = m_entries.isEmpty() ? -1 : m_entries.last().seq;
    m_reader->query<QList<AuditEntry>>(
        this,
        [f, before](store::EventStore& store) { return AuditPage::older(store.database(), f, before, kPageSize); },
        [this, generation, before](QList<AuditEntry> page) {
            if (generation != m_generation) return;
            setLoading(false);
            // An answer for another position (the model was refreshed meanwhile) would repeat rows.
            if (before != (m_entries.isEmpty() ? -1 : m_entries.last().seq)) return;
            if (page.size() < kPageSize) m_exhausted = true;
            if (!page.isEmpty()) {
                const int first = int(m_entries.size());
                beginInsertRows({}, first, first + int(page.size()) - 1);
                for (AuditEntry& e : page) {
                    m_rowBySeq.insert(e.seq, int(m_entries.size()));
                    m_entries.append(std::move(e));
                }
                endInsertRows();
            }
            emit pageLoaded(int(page.size()));
        });
}

void AuditModel::refresh()
{
    // While revealing an old record there is nothing "newer" to add.
    if (!m_reader || m_refreshing || m_filter.upToSeq >= 0) return;
    if (m_entries.isEmpty()) {
        // Nothing shown yet: the log was empty (a console's first minutes) or nothing matched. Once the first page
        // has been answered, ask again from the top, or records written since would never appear.
        if (!m_loading) reload();
        return;
    }
    m_refreshing = true;
    const quint64 generation = m_generation;
    const AuditFilter f = m_filter;
    const qint64 after = m_entries.first().seq;
    constexpr int kMaxNew = 20 * kPageSize;
    m_reader->query<QList<AuditEntry>>(
        this, [f, after](store::EventStore& store) { return AuditPage::newer(store.database(), f, after, kMaxNew); },
        [this, generation](QList<AuditEntry> fresh) {
            if (generation != m_generation) return;
            m_refreshing = false;
            if (fresh.isEmpty()) return;
            if (fresh.size() >= kMaxNew) { // more than a refresh should insert: start again from the top
                reload();
                return;
            }
            beginInsertRows({}, 0, int(fresh.size()) - 1);
            m_entries = fresh + m_entries;
            reindex();
            endInsertRows();
            if (m_matching >= 0) {
                m_matching += fresh.size();
                emit matchingCountChanged(m_matching);
            }
            emit pageLoaded(int(fresh.size()));
        });
}

void AuditModel::reindex()
{
    m_rowBySeq.clear();
    m_rowBySeq.reserve(m_entries.size());
    for (int row = 0; row < m_entries.size(); ++row)
        m_rowBySeq.insert(m_entries.at(row).seq, row);
}

void AuditModel::setLoading(bool loading)
{
    if (m_loading == loading) return;
    m_loading = loading;
    emit loadingChanged(loading);
}

bool AuditModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_reader && !m_exhausted && !m_loading;
}

void AuditModel::fetchMore(const QModelIndex& parent)
{
    if (!parent.isValid()) requestPage();
}

int AuditModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const AuditEntry& e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn:
            return e.seq;
        case TimeColumn:
            return AuditText::localTime(e.atMs);
        case KindColumn:
            return AuditText::kindLabel(e.kind);
        case ActorColumn:
            return e.actor;
        case SubjectColumn:
            return e.user.isEmpty() || e.user == e.subject ? e.subject : tr("%1 · %2").arg(e.subject, e.user);
        case SummaryColumn:
            return e.summary;
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return AuditText::utcTime(e.atMs);
        case ActorColumn:
            return e.actor == u"vigil" ? tr("Vigil's automation") : tr("An analyst: %1").arg(e.actor);
        case SubjectColumn:
        case SummaryColumn:
            return data(index, Qt::DisplayRole);
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn) return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::FontRole:
        if (index.column() == SeqColumn || index.column() == TimeColumn)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        break;
    case SeqRole:
        return e.seq;
    case KindRole:
        return e.kind;
    }
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case SeqColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case ActorColumn:
        return tr("Actor");
    case SubjectColumn:
        return tr("Subject");
    case SummaryColumn:
        return tr("Details");
    }
    return {};
}

} // namespace vigil::ui

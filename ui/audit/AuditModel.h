// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/audit/AuditPage.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPointer>

namespace vigil::pipeline {
class StoreReader;
}

namespace vigil::ui {

// The audit log, newest first, loaded a page at a time through the StoreReader as the view scrolls
// (canFetchMore/fetchMore), so a log of hundreds of thousands of records opens at once and costs only
// what has been looked at. Filtering is done by SQL (AuditPage); a new filter starts again from the top.
class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column
    {
        SeqColumn,
        TimeColumn,
        KindColumn,
        ActorColumn,
        SubjectColumn,
        SummaryColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        SeqRole = Qt::UserRole + 1, // qint64
        KindRole,                   // the stored kind ("decision", …)
    };
    Q_ENUM(Role)

    static constexpr int kPageSize = 500;

    explicit AuditModel(pipeline::StoreReader* reader, QObject* parent = nullptr);

    // Starts again from the newest record that matches.
    void setFilter(const AuditFilter& filter);
    const AuditFilter& filter() const { return m_filter; }
    void reload() { setFilter(m_filter); }
    // Adds records written since the newest one shown (the log grows while it is open).
    void refresh();

    int loadedCount() const { return int(m_entries.size()); }
    // Records matching the filter in the whole log (-1 until counted).
    qint64 matchingCount() const { return m_matching; }
    bool isLoading() const { return m_loading; }
    bool isExhausted() const { return m_exhausted; }
    const AuditEntry& entryAt(int row) const { return m_entries.at(row); }
    int rowOfSeq(qint64 seq) const { return m_rowBySeq.value(seq, -1); }

    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // A page (or a refresh) arrived; `rows` of them were new.
    void pageLoaded(int rows);
    void matchingCountChanged(qint64 count);
    void loadingChanged(bool loading);

private:
    void requestPage();
    void setLoading(bool loading);
    void reindex();

    QPointer<pipeline::StoreReader> m_reader;
    AuditFilter m_filter;
    QList<AuditEntry> m_entries;
    QHash<qint64, int> m_rowBySeq;
    qint64 m_matching = -1;
    bool m_loading = false;
    bool m_refreshing = false;
    bool m_exhausted = false;
    // Answers to an older filter are dropped: the filter changes faster than a page may load.
    quint64 m_generation = 0;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/StoreReader.h"

#include "core/store/SqliteEventStore.h"

namespace vigil::pipeline {

StoreSource StoreSource::sqlite(const QString& path)
{
    StoreSource s;
    s.sqlitePath = path;
    return s;
}

StoreSource StoreSource::postgres(const store::PostgresLocation& where)
{
    StoreSource s;
    s.team = where;
    return s;
}

StoreSource StoreSource::of(const store::EventStore& store)
{
    if (const auto* pg = dynamic_cast<const store::PostgresEventStore*>(&store)) return postgres(pg->location());
    return sqlite(store.path());
}

QString StoreSource::display() const
{
    return team ? team->displayUrl() : sqlitePath;
}

std::unique_ptr<store::EventStore> StoreSource::makeStore(const QString& applicationName) const
{
    if (team) return std::make_unique<store::PostgresEventStore>(*team, applicationName);
    auto file = std::make_unique<store::SqliteEventStore>(sqlitePath);
    file->setCheckpointing(false); // the core's connection checkpoints the WAL
    return file;
}

StoreReader::StoreReader(StoreSource source, QObject* parent)
    : QObject(parent)
    , m_source(std::move(source))
    , m_thread(QStringLiteral("vigil-reader"))
{
}

StoreReader::StoreReader(const QString& sqlitePath, QObject* parent)
    : StoreReader(StoreSource::sqlite(sqlitePath), parent)
{
}

StoreReader::~StoreReader()
{
    // The connection belongs to the reader thread: close it there, after the queries already queued.
    m_thread.runBlocking([this] { m_store.reset(); });
}

bool StoreReader::open(QString* error)
{
    bool ok = false;
    QString message;
    m_thread.runBlocking([&] {
        if (m_source.isEmpty()) {
            message = tr("no store to read");
            return;
        }
        std::unique_ptr<store::EventStore> store = m_source.makeStore(QStringLiteral("vigil-reader"));
        ok = store->open(&message);
        if (ok) m_store = std::move(store);
    });
    m_open = ok;
    if (error) *error = message;
    return ok;
}

} // namespace vigil::pipeline

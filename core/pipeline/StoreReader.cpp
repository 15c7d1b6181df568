// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/StoreReader.h"

namespace vigil::pipeline {

StoreReader::StoreReader(QString storePath, QObject* parent)
    : QObject(parent)
    , m_path(std::move(storePath))
    , m_thread(QStringLiteral("vigil-reader"))
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
        auto store = std::make_unique<store::SqliteEventStore>(m_path);
        store->setCheckpointing(false);
        ok = store->open(&message);
        if (ok) m_store = std::move(store);
    });
    m_open = ok;
    if (error) *error = message;
    return ok;
}

} // namespace vigil::pipeline

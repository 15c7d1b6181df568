// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/SecretWriteBatch.h"

namespace vigil::secrets {

SecretWriteBatch::SecretWriteBatch(SecretStore& store, QObject* parent)
    : QObject(parent)
    , m_store(store)
{
}

void SecretWriteBatch::add(const SecretRef& ref, const QByteArray& value)
{
    m_writes.append({ref, value});
}

void SecretWriteBatch::start()
{
    const QList<std::pair<SecretRef, QByteArray>> writes = std::exchange(m_writes, {});
    if (writes.isEmpty()) {
        emit finished(true, {});
        return;
    }
    m_error.clear();
    for (const auto& [ref, value] : writes)
        m_pending.insert(ref.storageKey());
    connect(&m_store, &SecretStore::writeFinished, this,
            [this](const QString& key, SecretError error, const QString& message) {
                if (!m_pending.remove(key)) return;
                if (error != SecretError::None && m_error.isEmpty())
                    m_error = tr("the keychain refused %1: %2").arg(key, message);
                if (!m_pending.isEmpty()) return;
                disconnect(&m_store, &SecretStore::writeFinished, this, nullptr);
                emit finished(m_error.isEmpty(), m_error);
            });
    for (const auto& [ref, value] : writes)
        m_store.write(ref, value);
}

} // namespace vigil::secrets

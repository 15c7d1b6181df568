// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/SecretStore.h"

#include <QList>
#include <QObject>
#include <QSet>

namespace vigil::secrets {

// Writes several secrets to the keychain and answers once, when the keychain has answered for every
// one of them: the settings dialog and the first-run wizard save a connection's secrets this way.
// Only answers to its own keys count, so other writes on the same SecretStore do not confuse it.
class SecretWriteBatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretWriteBatch)

public:
    explicit SecretWriteBatch(SecretStore& store, QObject* parent = nullptr);

    void add(const SecretRef& ref, const QByteArray& value);
    bool isEmpty() const { return m_writes.isEmpty(); }
    // Starts the writes; emits finished() when all answered (at once when there is nothing to write).
    // The values are dropped from this object as soon as they are handed to the keychain.
    void start();

signals:
    // `error` names the first key the keychain refused and why; empty when every write succeeded.
    void finished(bool ok, const QString& error);

private:
    SecretStore& m_store;
    QList<std::pair<SecretRef, QByteArray>> m_writes;
    QSet<QString> m_pending;
    QString m_error;
};

} // namespace vigil::secrets

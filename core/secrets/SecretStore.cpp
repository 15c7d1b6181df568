// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/SecretStore.h"

#include <QLoggingCategory>

#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcSecrets, "vigil.core.secrets")

namespace vigil::secrets {

namespace {

SecretError toSecretError(QKeychain::Error e)
{
    switch (e) {
    case QKeychain::NoError:
        return SecretError::None;
    case QKeychain::EntryNotFound:
        return SecretError::NotFound;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretError::AccessDenied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return SecretError::NoBackend;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    return SecretError::Other;
}

template<typename Job>
Job* prepare(Job* job, const QString& key)
{
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    return job;
}

} // namespace

SecretStore::SecretStore(QString service, QObject* parent)
    : QObject(parent)
    , m_service(std::move(service))
{
}

void SecretStore::write(const SecretRef& ref, const QByteArray& value)
{
    const QString key = ref.storageKey();
    auto* job = prepare(new QKeychain::WritePasswordJob(m_service, this), key);
    job->setBinaryData(value);
    connect(job, &QKeychain::Job::finished, this, [this, key, job] {
        if (job->error() != QKeychain::NoError) qCWarning(lcSecrets) << "write failed for" << key << job->errorString();
        emit writeFinished(key, toSecretError(job->error()), job->errorString());
    });
    job->start();
}

void SecretStore::read(const SecretRef& ref)
{
    const QString key = ref.storageKey();
    auto* job = prepare(new QKeychain::ReadPasswordJob(m_service, this), key);
    connect(job, &QKeychain::Job::finished, this, [this, key, job] {
        const SecretError error = toSecretError(job->error());
        if (error != SecretError::None && error != SecretError::NotFound) {
            qCWarning(lcSecrets) << "read failed for" << key << job->errorString();
        }
        emit readFinished(key, job->binaryData(), error, job->errorString());
    });
    job->start();
}

void SecretStore::remove(const SecretRef& ref)
{
    const QString key = ref.storageKey();
    auto* job = prepare(new QKeychain::DeletePasswordJob(m_service, this), key);
    connect(job, &QKeychain::Job::finished, this, [this, key, job] {
        emit removeFinished(key, toSecretError(job->error()), job->errorString());
    });
    job->start();
}

} // namespace vigil::secrets

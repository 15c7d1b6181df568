// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace vigil::secrets {

// Names a secret without holding it: settings store only this reference, never the value.
struct SecretRef
{
    QString tenant;    // e.g. "corp.okta.com"
    QString connector; // "okta", "pagerduty", "hook"
    QString name;      // "api-token", "routing-key", …

    QString storageKey() const { return tenant + u'/' + connector + u'/' + name; }
};

enum class SecretError { None, NotFound, AccessDenied, NoBackend, Other };

// The one place Vigil touches the OS keychain (QtKeychain: Secret Service, Keychain, Credential Manager).
// Asynchronous: every call answers with a signal, so the UI never blocks on a keyring prompt.
// There is no insecure fallback; values are never logged, only keys.
class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    explicit SecretStore(QString service = QStringLiteral("io.github.vigil.Vigil"), QObject* parent = nullptr);

    void write(const SecretRef& ref, const QByteArray& value);
    void read(const SecretRef& ref);
    void remove(const SecretRef& ref);

signals:
    void writeFinished(const QString& key, vigil::secrets::SecretError error, const QString& message);
    void readFinished(const QString& key, const QByteArray& value, vigil::secrets::SecretError error,
                      const QString& message);
    void removeFinished(const QString& key, vigil::secrets::SecretError error, const QString& message);

private:
    QString m_service;
};

} // namespace vigil::secrets

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace vigil::ui {

// What an analyst registers in Okta's Event Hook form (Workflow → Event Hooks): the endpoint URL and
// the secret Okta sends in the Authorization header. The receiver itself is core/okta/EventHookReceiver.
class EventHookEndpoint
{
    Q_DECLARE_TR_FUNCTIONS(EventHookEndpoint)

public:
    // The header Okta's form calls "Authentication field"; EventHookReceiver checks this one.
    static QString authenticationField() { return QStringLiteral("Authorization"); }
    static QString defaultListen() { return QStringLiteral("127.0.0.1:8787"); }
    static QString path() { return QStringLiteral("/okta/event-hooks"); }

    // A fresh secret: 32 bytes from the operating system's random source, base64url (43 characters),
    // which Okta's form and an HTTP header both take as it is.
    static QByteArray generateSecret();
    // ADDRESS:PORT as the console's receiver reads it (for instance 127.0.0.1:8787).
    static bool validListen(const QString& listen, QString* error);
    // The address Okta posts to: empty (not published yet) or an https:// URL, because Okta delivers
    // only to HTTPS endpoints with a trusted certificate.
    static bool validPublicUrl(const QString& publicUrl, QString* error);
    // The URL to paste into Okta: the public address with /okta/event-hooks when it has no path of its
    // own; without a public address, the listener's local URL (which Okta cannot reach by itself).
    static QString endpointUrl(const QString& publicUrl, const QString& listen);
};

} // namespace vigil::ui

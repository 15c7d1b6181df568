// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/firstrun/EventHookEndpoint.h"

#include <QHostAddress>
#include <QRandomGenerator>
#include <QUrl>

#include <array>

namespace vigil::ui {

QByteArray EventHookEndpoint::generateSecret()
{
    std::array<quint32, 8> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray raw(reinterpret_cast<const char*>(words.data()), qsizetype(sizeof words));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool EventHookEndpoint::validListen(const QString& listen, QString* error)
{
    const QString host = listen.section(u':', 0, -2);
    bool ok = false;
    const uint port = listen.section(u':', -1).toUInt(&ok);
    if (host.isEmpty() || QHostAddress(host).isNull() || !ok || port == 0 || port > 65535) {
        if (error) *error = tr("The listener must be ADDRESS:PORT, for instance %1.").arg(defaultListen());
        return false;
    }
    return true;
}

bool EventHookEndpoint::validPublicUrl(const QString& publicUrl, QString* error)
{
    if (publicUrl.trimmed().isEmpty()) return true;
    const QUrl url(publicUrl.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.scheme() != u"https" || url.hasQuery() || url.hasFragment()) {
        if (error) {
            *error = tr("The public address must be an https:// URL: Okta delivers Event Hooks only over HTTPS "
                        "with a trusted certificate.");
        }
        return false;
    }
    return true;
}

QString EventHookEndpoint::endpointUrl(const QString& publicUrl, const QString& listen)
{
    QUrl url;
    if (!publicUrl.trimmed().isEmpty()) {
        url = QUrl(publicUrl.trimmed());
        if (url.path().isEmpty() || url.path() == u"/") url.setPath(path());
    } else {
        url.setScheme(u"http"_qs);
        url.setHost(listen.section(u':', 0, -2));
        url.setPort(int(listen.section(u':', -1).toUInt()));
        url.setPath(path());
    }
    return url.toString();
}

} // namespace vigil::ui

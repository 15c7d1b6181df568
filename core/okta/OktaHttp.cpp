// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/OktaHttp.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace vigil::okta {

namespace {

bool isLoopbackHost(const QString& host)
{
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0) return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

std::optional<QUrl> validateOrgUrl(const QString& text, QString* error)
{
    const QUrl url = QUrl::fromUserInput(text.trimmed());
    auto fail = [&](const QString& why) -> std::optional<QUrl> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (!url.isValid() || url.host().isEmpty()) {
        return fail(QCoreApplication::translate("Okta", "'%1' is not a URL").arg(text));
    }
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http") {
        // The API token travels in a header: plain HTTP only where nobody else can listen.
        if (!isLoopbackHost(url.host())) {
            return fail(
                QCoreApplication::translate("Okta", "'%1' must use https:// (http:// is only allowed on loopback)")
                    .arg(text));
        }
    } else if (scheme != u"https") {
        return fail(QCoreApplication::translate("Okta", "'%1' must be an https:// URL").arg(text));
    }
    if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()) {
        return fail(
            QCoreApplication::translate("Okta", "'%1' must be the org's address only, e.g. https://acme.okta.com")
                .arg(text));
    }
    QUrl origin;
    origin.setScheme(scheme);
    origin.setHost(url.host().toLower());
    if (url.port() > 0) origin.setPort(url.port());
    return origin;
}

QByteArray userAgent()
{
    return "Vigil/" + QCoreApplication::applicationVersion().toLatin1() + " (Okta security console; Qt/" + qVersion()
           + ")";
}

std::optional<QUrl> nextLink(const QList<QNetworkReply::RawHeaderPair>& headers)
{
    for (const auto& [name, value] : headers) {
        if (name.compare("link", Qt::CaseInsensitive) != 0) continue;
        // A folded header holds several links separated by commas; a URL in <> never contains a bare
        // comma that matters here (Okta's cursors do not), so split on "," between links.
        for (const QByteArray& link : value.split(',')) {
            const qsizetype open = link.indexOf('<');
            const qsizetype close = link.indexOf('>', open + 1);
            if (open < 0 || close < 0) continue;
            const QByteArray params = link.mid(close + 1);
            bool isNext = false;
            for (QByteArray param : params.split(';')) {
                param = param.trimmed();
                if (!param.toLower().startsWith("rel=")) continue;
                QByteArray rel = param.mid(4).trimmed();
                if (rel.startsWith('"') && rel.endsWith('"') && rel.size() >= 2) rel = rel.mid(1, rel.size() - 2);
                for (const QByteArray& r : rel.split(' ')) {
                    if (r.compare("next", Qt::CaseInsensitive) == 0) isNext = true;
                }
            }
            if (!isNext) continue;
            const QUrl url = QUrl::fromEncoded(link.mid(open + 1, close - open - 1).trimmed(), QUrl::StrictMode);
            if (url.isValid()) return url;
        }
    }
    return std::nullopt;
}

qint64 RateLimitInfo::msUntilReset(qint64 localNowMs) const
{
    if (resetEpochSeconds <= 0) return 0;
    const qint64 now = serverDateMs > 0 ? serverDateMs : localNowMs;
    return std::max<qint64>(0, resetEpochSeconds * 1000 - now);
}

RateLimitInfo rateLimitInfo(const QNetworkReply& reply)
{
    RateLimitInfo info;
    auto integer = [&](const char* name, qint64 fallback) {
        const QByteArray v = reply.rawHeader(name);
        // Okta has sent duplicated headers ("1200, 1200"); a value that is not one number is unknown.
        bool ok = false;
        const qint64 n = v.trimmed().toLongLong(&ok);
        return ok ? n : fallback;
    };
    info.limit = int(integer("X-Rate-Limit-Limit", -1));
    info.remaining = int(integer("X-Rate-Limit-Remaining", -1));
    info.resetEpochSeconds = integer("X-Rate-Limit-Reset", -1);
    const QByteArray date = reply.rawHeader("Date");
    if (!date.isEmpty()) {
        const QDateTime when = QDateTime::fromString(QString::fromLatin1(date), Qt::RFC2822Date);
        if (when.isValid()) info.serverDateMs = when.toMSecsSinceEpoch();
    }
    return info;
}

QString describeOktaError(int httpStatus, const QByteArray& body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString code = o.value(u"errorCode").toString();
    const QString summary = o.value(u"errorSummary").toString();
    if (!code.isEmpty() || !summary.isEmpty()) {
        return QCoreApplication::translate("Okta", "HTTP %1, %2: %3").arg(httpStatus).arg(code, summary);
    }
    // OAuth endpoints answer {"error":"invalid_client","error_description":"…"}.
    const QString oauth = o.value(u"error").toString();
    if (!oauth.isEmpty()) {
        return QCoreApplication::translate("Okta", "HTTP %1, %2: %3")
            .arg(httpStatus)
            .arg(oauth, o.value(u"error_description").toString());
    }
    return QCoreApplication::translate("Okta", "HTTP %1").arg(httpStatus);
}

} // namespace vigil::okta

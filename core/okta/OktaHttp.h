// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

#include <optional>

namespace vigil::okta {

// Small facts about talking HTTP to Okta, shared by the poller and the response engine.

// An org URL Vigil will send a token to: https, or http only on loopback (the simulated tenant).
// Returns the normalised origin (no path, no trailing slash) or nullopt with `error` set.
std::optional<QUrl> validateOrgUrl(const QString& text, QString* error);

// "Vigil/<version> (+https://…)": Okta's logs show which client made a request.
QByteArray userAgent();

// The rel="next" target among a reply's Link headers. Okta sends two separate `link` headers; some
// stacks fold them into one comma-separated value: both forms work.
std::optional<QUrl> nextLink(const QList<QNetworkReply::RawHeaderPair>& headers);

// X-Rate-Limit-* as Okta sends them, with the server's Date so waits do not depend on our clock.
struct RateLimitInfo
{
    int limit = -1;
    int remaining = -1;
    qint64 resetEpochSeconds = -1;
    qint64 serverDateMs = -1; // from the Date header; -1 when absent

    bool known() const { return limit >= 0 && remaining >= 0 && resetEpochSeconds > 0; }
    // How long until the window resets, measured against the server's clock when it sent a Date.
    qint64 msUntilReset(qint64 localNowMs) const;
};
RateLimitInfo rateLimitInfo(const QNetworkReply& reply);

// Okta's error body {"errorCode":"E0000047","errorSummary":"…"} as one line for logs and the UI.
QString describeOktaError(int httpStatus, const QByteArray& body);

} // namespace vigil::okta

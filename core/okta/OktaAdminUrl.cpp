// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/OktaAdminUrl.h"

namespace vigil::okta {

QString adminConsoleUrl(const QUrl& org, const QString& configured)
{
    if (!configured.isEmpty()) return configured;
    if (!org.host().contains(u'.')) return {};
    QUrl admin = org;
    admin.setHost(org.host().section(u'.', 0, 0) + u"-admin."_qs + org.host().section(u'.', 1));
    return admin.toString();
}

QUrl adminUserProfileUrl(const QString& adminUrl, const QString& oktaUserId)
{
    if (adminUrl.isEmpty() || oktaUserId.isEmpty()) return {};
    QString base = adminUrl;
    while (base.endsWith(u'/'))
        base.chop(1);
    // The id goes in as one path segment: Okta ids are letters and digits, but a login used as a fallback
    // id by a caller must not be able to add path segments.
    const QUrl url(base + u"/admin/user/profile/view/"_qs + QString::fromLatin1(QUrl::toPercentEncoding(oktaUserId)));
    return url.isValid() ? url : QUrl();
}

} // namespace vigil::okta

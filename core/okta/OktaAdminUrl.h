// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QUrl>

namespace vigil::okta {

// The org's admin console, for links an analyst follows (pages, the console's user view). Okta serves
// it on a sibling host: acme.okta.com's admin console is acme-admin.okta.com. `configured` (the
// settings' explicit admin URL) wins when it is set; empty when neither gives one.
QString adminConsoleUrl(const QUrl& org, const QString& configured = {});

// The user's page in the admin console, `<admin>/admin/user/profile/view/<okta user id>`; invalid when
// the admin URL or the id is unknown. The id is Okta's (00u…), not the login.
QUrl adminUserProfileUrl(const QString& adminUrl, const QString& oktaUserId);

} // namespace vigil::okta

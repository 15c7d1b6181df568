// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/LiveSession.h"
#include "core/secrets/ConnectionSettings.h"
#include "core/store/PostgresEventStore.h"

#include <QCoreApplication>

#include <optional>

namespace vigil::app {

// The console's connection to a real Okta org: the saved settings plus the secrets from the OS
// keychain, turned into the settings of a LiveSession (the same one `vigil serve` runs).
class ConsoleLauncher
{
    Q_DECLARE_TR_FUNCTIONS(ConsoleLauncher)

public:
    // Reads every secret the settings refer to (waiting up to `timeoutMs` for the keychain). Returns
    // nullopt with `error` when the settings cannot be used or the credential is missing.
    static std::optional<pipeline::LiveSessionSettings> liveSettings(const secrets::ConnectionSettings& connection,
                                                                     const QString& dataDir,
                                                                     QString* error,
                                                                     int timeoutMs = 15000);

    // The window's title, `title` ("Vigil — acme"), followed in team mode by the shared database it works on.
    static QString windowTitle(const QString& title, const std::optional<store::PostgresLocation>& team);
};

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace vigil::store {

// The per-user data directory (QStandardPaths::AppDataLocation); empty if the platform has none.
QString defaultDataDir();

// The directory the store lives in: `overrideDir` if given (e.g. --data-dir), else defaultDataDir().
// Creates it if needed. Returns its absolute path, or an empty string and `*error` when it cannot
// be created or written.
QString resolveDataDir(const QString& overrideDir, QString* error = nullptr);

} // namespace vigil::store

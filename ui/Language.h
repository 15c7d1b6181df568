// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

class QTranslator;

namespace vigil::ui {

// Vigil's own catalogue (embedded under :/i18n) and Qt's qtbase catalogue for one language. The
// application follows the system locale; `--lang de|fr|en` overrides it, numbers and dates included.
class Language
{
    Q_DECLARE_TR_FUNCTIONS(Language)

public:
    // The languages Vigil ships, English (the source language) first.
    static QStringList available();

    // Loads and installs the catalogues for `lang` ("de", "fr", "en", or empty for the system's
    // languages, in the system's order of preference). Returns the language now in use ("en" when
    // nothing matched). Replaces what an earlier call installed.
    static QString install(const QString& lang = {});

    // Removes `--lang X` / `--lang=X` from argv (so that the command parsers never see it) and returns X.
    // Returns an empty string when absent; `*error` is set for a missing value.
    static QString takeLangArgument(int& argc, char** argv, QString* error);
};

} // namespace vigil::ui

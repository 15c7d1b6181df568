// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/Language.h"

#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstring>
#include <memory>

namespace vigil::ui {

namespace {

// Q_OBJECT classes translate in their qualified name's context ("vigil::ui::MainWindow"), but Qt 6.4's
// lupdate does not understand C++17 nested namespace definitions (`namespace vigil::ui {`) and files
// their strings under the bare class name ("MainWindow"). Looking the bare name up as well keeps the
// sources idiomatic; class names are unique across Vigil, so nothing is found in the wrong context.
class VigilTranslator final : public QTranslator
{
public:
    QString translate(const char* context, const char* sourceText, const char* disambiguation, int n) const override
    {
        QString text = QTranslator::translate(context, sourceText, disambiguation, n);
        if (text.isEmpty() && context) {
            if (const char* bare = std::strrchr(context, ':')) {
                text = QTranslator::translate(bare + 1, sourceText, disambiguation, n);
            }
        }
        return text;
    }
};

struct Installed
{
    std::unique_ptr<QTranslator> vigil;
    std::unique_ptr<QTranslator> qtbase;
};

Installed& installed()
{
    static Installed translators;
    return translators;
}

// Qt's own catalogues: the system's Qt translations, or those an AppImage or installer ships next to the binary.
QStringList qtTranslationDirs()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    return {QLibraryInfo::path(QLibraryInfo::TranslationsPath), appDir + QStringLiteral("/../share/qt6/translations"),
            appDir + QStringLiteral("/translations")};
}

} // namespace

QStringList Language::available()
{
    return {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("fr")};
}

QString Language::install(const QString& lang)
{
    Installed& current = installed();
    for (std::unique_ptr<QTranslator>* t : {&current.vigil, &current.qtbase}) {
        if (*t) QCoreApplication::removeTranslator(t->get());
        t->reset();
    }

    QLocale locale = lang.isEmpty() ? QLocale::system() : QLocale(lang);
    if (!lang.isEmpty()) QLocale::setDefault(locale); // an explicit choice also formats numbers and dates

    auto vigil = std::make_unique<VigilTranslator>();
    // QTranslator walks the locale's UI languages (de-CH → de) and stops at English, which needs no catalogue.
    if (!vigil->load(locale, QStringLiteral("vigil"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        return QStringLiteral("en");
    }
    const QString chosen = vigil->language().section(u'_', 0, 0).section(u'-', 0, 0);
    QCoreApplication::installTranslator(vigil.get());
    current.vigil = std::move(vigil);

    auto qtbase = std::make_unique<QTranslator>();
    for (const QString& dir : qtTranslationDirs()) {
        if (qtbase->load(QLocale(chosen), QStringLiteral("qtbase"), QStringLiteral("_"), dir)) {
            QCoreApplication::installTranslator(qtbase.get());
            current.qtbase = std::move(qtbase);
            break;
        }
    }
    return chosen.isEmpty() ? QStringLiteral("en") : chosen;
}

QString Language::takeLangArgument(int& argc, char** argv, QString* error)
{
    QString lang;
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (!std::strcmp(a, "--lang")) {
            if (i + 1 >= argc) {
                if (error) *error = tr("--lang needs a language: %1").arg(available().join(QStringLiteral(", ")));
                return {};
            }
            lang = QString::fromLocal8Bit(argv[++i]);
            continue;
        }
        if (!std::strncmp(a, "--lang=", 7)) {
            lang = QString::fromLocal8Bit(a + 7);
            continue;
        }
        argv[out++] = argv[i];
    }
    argc = out;
    argv[argc] = nullptr;
    if (!lang.isEmpty() && !available().contains(lang.section(u'_', 0, 0))) {
        if (error) {
            *error = tr("unknown language '%1'; Vigil speaks %2").arg(lang, available().join(QStringLiteral(", ")));
        }
        return {};
    }
    if (error) error->clear();
    return lang;
}

} // namespace vigil::ui

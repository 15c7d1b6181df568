// SPDX-License-Identifier: GPL-3.0-or-later
// German and French: the catalogues are embedded and complete, `--lang` picks one, and the console's own
// widgets show the chosen language.
#include "ui/Language.h"
#include "ui/MainWindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QTest>

using namespace vigil;

class TestLanguage : public QObject
{
    Q_OBJECT

private:
    // Texts of the console's menus, actions and buttons (what an analyst reads first).
    static QStringList visibleTexts(const ui::MainWindow& window)
    {
        QStringList texts;
        for (const QAction* a : window.findChildren<QAction*>()) {
            if (!a->text().isEmpty() && !a->isSeparator()) texts.append(a->text());
        }
        for (const QAbstractButton* b : window.findChildren<QAbstractButton*>()) {
            if (!b->text().isEmpty()) texts.append(b->text());
        }
        return texts;
    }

    static QString settingsText(const ui::MainWindow& window)
    {
        const auto* action = window.findChild<QAction*>(QStringLiteral("settingsAction"));
        return action ? action->text() : QString();
    }

private slots:
    void cleanup() { ui::Language::install(QStringLiteral("en")); }

    void germanConsole()
    {
        QCOMPARE(ui::Language::install(QStringLiteral("de")), QStringLiteral("de"));
        ui::MainWindow window(nullptr);
        window.attachFeed(nullptr, QStringLiteral("Vigil"), risk::Policy::defaults());
        window.show();
        QCOMPARE(settingsText(window), QStringLiteral("&Einstellungen…"));
        // Qt's own dialogs speak German too (the qtbase catalogue).
        QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Abbrechen"));
        // Dates and numbers follow the language chosen on the command line.
        QCOMPARE(QLocale().toString(1234.5, 'f', 1), QStringLiteral("1.234,5"));

        const QStringList german = visibleTexts(window);
        ui::Language::install(QStringLiteral("en"));
        ui::MainWindow english(nullptr);
        english.attachFeed(nullptr, QStringLiteral("Vigil"), risk::Policy::defaults());
        QCOMPARE(settingsText(english), QStringLiteral("&Settings…"));
        const QStringList source = visibleTexts(english);
        QCOMPARE(german.size(), source.size());
        int same = 0;
        for (int i = 0; i < source.size(); ++i) {
            if (german.at(i) == source.at(i)) ++same;
        }
        // Everything but the odd brand or technical token is translated.
        QVERIFY2(same * 10 <= source.size(),
                 qPrintable(QStringLiteral("%1 of %2 texts left in English").arg(same).arg(source.size())));
    }

    void frenchConsole()
    {
        QCOMPARE(ui::Language::install(QStringLiteral("fr")), QStringLiteral("fr"));
        ui::MainWindow window(nullptr);
        window.attachFeed(nullptr, QStringLiteral("Vigil"), risk::Policy::defaults());
        QCOMPARE(settingsText(window), QStringLiteral("&Paramètres…"));
    }

    void englishNeedsNoCatalogue()
    {
        QCOMPARE(ui::Language::install(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("MainWindow", "&Settings…"), QStringLiteral("&Settings…"));
    }

    void langArgumentIsTakenOut()
    {
        QByteArray a0("vigil"), a1("--lang"), a2("de"), a3("--demo"), a4("--lang=fr");
        char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), nullptr};
        int argc = 5;
        QString error;
        QCOMPARE(ui::Language::takeLangArgument(argc, argv, &error), QStringLiteral("fr")); // the last one wins
        QVERIFY(error.isEmpty());
        QCOMPARE(argc, 2);
        QCOMPARE(QByteArray(argv[1]), QByteArray("--demo"));

        QByteArray b1("--lang"), b2("tlh");
        char* bad[] = {a0.data(), b1.data(), b2.data(), nullptr};
        argc = 3;
        QVERIFY(ui::Language::takeLangArgument(argc, bad, &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("tlh")));

        char* missing[] = {a0.data(), b1.data(), nullptr};
        argc = 2;
        ui::Language::takeLangArgument(argc, missing, &error);
        QVERIFY(!error.isEmpty());
    }
};

QTEST_MAIN(TestLanguage)
#include "TestLanguage.moc"

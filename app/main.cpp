// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/CommandLine.h"
#include "core/store/DataLocation.h"
#include "core/store/SqliteEventStore.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QTimer>

#include <memory>

namespace {

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Vigil"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("vigil.github.io"));
    QCoreApplication::setApplicationName(QStringLiteral("Vigil"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION_STRING));
}

} // namespace

int main(int argc, char** argv)
{
    // Headless commands must run on servers without a display: no QGuiApplication for them.
    if (vigil::app::isHeadlessInvocation(argc, argv)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        return vigil::app::CommandLine::runHeadless(app.arguments());
    }
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Vigil"));

    QCommandLineParser parser;
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QCoreApplication::translate("main", "Keep Vigil's database in DIR."),
                                     QCoreApplication::translate("main", "DIR"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a picture of the window to FILE (PNG) once it is shown, then quit."),
        QCoreApplication::translate("main", "FILE"));
    parser.addOption(dataDir);
    parser.addOption(screenshot);
    parser.process(app); // exits with a message on an unknown option

    // The window starts even when the store cannot be opened: it says why instead of vanishing.
    QString error;
    std::unique_ptr<vigil::store::SqliteEventStore> store;
    const QString dir = vigil::store::resolveDataDir(parser.value(dataDir), &error);
    if (!dir.isEmpty()) {
        store = std::make_unique<vigil::store::SqliteEventStore>(
            QDir(dir).filePath(vigil::store::SqliteEventStore::defaultFileName()));
        if (!store->open(&error)) store.reset();
    }
    vigil::ui::MainWindow window(store.get(), error);
    window.show();
    if (parser.isSet(screenshot)) {
        // Lets a script (and a reviewer) look at what an analyst would see, also under -platform offscreen.
        QTimer::singleShot(300, &window, [&window, &parser, &screenshot] {
            const bool saved = window.grab().save(parser.value(screenshot), "PNG");
            QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}

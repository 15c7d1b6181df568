// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/CommandLine.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCoreApplication>

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
    vigil::ui::MainWindow window;
    window.show();
    return app.exec();
}

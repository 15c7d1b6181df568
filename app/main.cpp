// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/CommandLine.h"
#include "app/CommandSupport.h"
#include "app/ConsoleLauncher.h"
#include "app/DemoMode.h"
#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/CoreThread.h"
#include "core/pipeline/StoreReader.h"
#include "core/secrets/SecretStore.h"
#include "core/store/DataLocation.h"
#include "core/store/PostgresEventStore.h"
#include "core/store/SqliteEventStore.h"
#include "ui/Icons.h"
#include "ui/Language.h"
#include "ui/MainWindow.h"
#include "ui/Theme.h"
#include "ui/firstrun/FirstRunWizard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QScopeGuard>
#include <QSettings>
#include <QTimer>

#include <cstdio>
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
    // --lang works for every command, so it is taken out before any command parser sees it.
    QString langError;
    const QString lang = vigil::ui::Language::takeLangArgument(argc, argv, &langError);
    if (!langError.isEmpty()) {
        std::fputs(qPrintable(QStringLiteral("vigil: %1\n").arg(langError)), stderr);
        return 2;
    }
    // Headless commands must run on servers without a display: no QGuiApplication for them.
    if (vigil::app::isHeadlessInvocation(argc, argv)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        vigil::ui::Language::install(lang);
        return vigil::app::CommandLine::runHeadless(app.arguments());
    }
    QApplication app(argc, argv);
    setIdentity();
    vigil::ui::Language::install(lang);
    QApplication::setApplicationDisplayName(QStringLiteral("Vigil"));
    // Matches the installed .desktop file, so Wayland compositors and docks group the window with it.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.vigil.Vigil"));
    QApplication::setWindowIcon(vigil::ui::Icons::appIcon());

    QCommandLineParser parser;
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QCoreApplication::translate("main", "Keep Vigil's database in DIR."),
                                     QCoreApplication::translate("main", "DIR"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a picture of the window to FILE (PNG) once it is shown, then quit."),
        QCoreApplication::translate("main", "FILE"));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QCoreApplication::translate("main", "Run against a built-in simulated Okta org (no credentials, no network)."));
    const QCommandLineOption demoSpeed(
        QStringLiteral("demo-speed"), QCoreApplication::translate("main", "How much faster time runs in the demo org."),
        QCoreApplication::translate("main", "FACTOR"), QStringLiteral("30"));
    const QCommandLineOption screenshotDelay(
        QStringLiteral("screenshot-delay"),
        QCoreApplication::translate("main", "Milliseconds to wait before the screenshot."),
        QCoreApplication::translate("main", "MS"), QStringLiteral("300"));
    parser.addOption(dataDir);
    parser.addOption(screenshot);
    parser.addOption(demo);
    parser.addOption(demoSpeed);
    const QCommandLineOption after(
        QStringLiteral("after"),
        QCoreApplication::translate("main",
                                    "Seconds of demo traffic before the screenshot (instead of --screenshot-delay)."),
        QCoreApplication::translate("main", "SECONDS"));
    const QCommandLineOption theme(
        QStringLiteral("theme"),
        QCoreApplication::translate("main",
                                    "Appearance: system, light or dark (remembered from the View menu otherwise)."),
        QCoreApplication::translate("main", "THEME"));
    // Team mode, as `vigil serve --store` takes it.
    const QCommandLineOption teamStore = vigil::app::teamStoreOption();
    parser.addOption(screenshotDelay);
    parser.addOption(after);
    parser.addOption(theme);
    parser.addOption(teamStore);
    parser.process(app); // exits with a message on an unknown option

    std::optional<vigil::store::PostgresLocation> team;
    if (parser.isSet(teamStore)) {
        QString why;
        team = vigil::app::teamStore(parser.value(teamStore), &why);
        if (!team) {
            std::fputs(qPrintable(QCoreApplication::translate("main", "vigil: --store: %1\n").arg(why)), stderr);
            return 2;
        }
    }

    // Before any window exists, so that every widget starts in the chosen palette.
    vigil::ui::Theme::captureSystemPalette();
    {
        QSettings settings;
        vigil::ui::Theme::apply(parser.isSet(theme) ? vigil::ui::Theme::fromKey(parser.value(theme))
                                                    : vigil::ui::Theme::load(settings));
    }

    const int shotDelay =
        parser.isSet(after) ? int(parser.value(after).toDouble() * 1000) : parser.value(screenshotDelay).toInt();
    auto scheduleScreenshot = [&](QWidget& window) {
        if (!parser.isSet(screenshot)) return;
        // Lets a script (and a reviewer) look at what an analyst would see, also under -platform offscreen.
        const QString file = parser.value(screenshot);
        QTimer::singleShot(std::max(0, shotDelay), &window, [&window, file] {
            const bool saved = window.grab().save(file, "PNG");
            QCoreApplication::exit(saved ? 0 : 1);
        });
    };

    // The first start (no saved org, welcome not dismissed) asks: the demo tenant or a real org. Scripts
    // that take screenshots never get a modal dialog.
    bool runDemo = parser.isSet(demo);
    if (!runDemo && !parser.isSet(screenshot)) {
        QSettings firstRun;
        if (vigil::ui::FirstRunWizard::shouldShow(firstRun)) {
            vigil::secrets::SecretStore secrets;
            vigil::ui::FirstRunWizard wizard(firstRun, secrets);
            wizard.exec();
            // Connect: the settings are saved and the path below connects with them. Cancelled: the
            // empty console, and the welcome again at the next start.
            if (wizard.choice() == vigil::ui::FirstRunWizard::Choice::Demo) runDemo = true;
        }
    }

    if (runDemo) {
        vigil::app::DemoMode::Options options;
        options.dataDir = parser.value(dataDir);
        if (team) {
            options.storeUrl = parser.value(teamStore);
            options.storePassword = team->password;
        }
        bool ok = false;
        options.speed = parser.value(demoSpeed).toDouble(&ok);
        if (!ok || options.speed <= 0 || options.speed > 3600) {
            std::fputs(
                qPrintable(QCoreApplication::translate("main", "vigil: --demo-speed must be between 0 and 3600\n")),
                stderr);
            return 2;
        }
        // The core (the simulated org, ingestion, scoring, automation) runs on its own thread; the
        // window only draws the snapshots it publishes.
        vigil::pipeline::CoreThread core;
        std::unique_ptr<vigil::app::DemoMode> demoMode;
        vigil::pipeline::ConsoleFeed* feed = nullptr;
        QString demoError;
        vigil::risk::Policy policy = vigil::risk::Policy::defaults();
        vigil::pipeline::StoreSource storeSource;
        QString orgUrl;
        core.runBlocking([&] {
            demoMode = std::make_unique<vigil::app::DemoMode>(options);
            if (!demoMode->start(&demoError)) return;
            policy = demoMode->session().pipeline().engine().policy();
            storeSource = vigil::pipeline::StoreSource::of(demoMode->session().store());
            orgUrl = demoMode->tenant().baseUrl().toString();
            feed = new vigil::pipeline::ConsoleFeed(demoMode->session());
            QObject::connect(demoMode.get(), &vigil::app::DemoMode::logLine, feed,
                             &vigil::pipeline::ConsoleFeed::addLogLine);
            // The same lines on standard output: a terminal (or a headless run) sees what the window shows.
            const auto echo = [](const QString& line) {
                std::fputs(qPrintable(line + u'\n'), stdout);
                std::fflush(stdout);
            };
            QObject::connect(demoMode.get(), &vigil::app::DemoMode::logLine, feed, echo);
            QObject::connect(&demoMode->session(), &vigil::pipeline::LiveSession::logLine, feed, echo);
        });
        const auto shutdown = [&] {
            core.runBlocking([&] {
                delete feed;
                demoMode.reset();
            });
        };
        if (!feed) {
            shutdown();
            std::fputs(
                qPrintable(QCoreApplication::translate("main", "vigil: the demo could not start: %1\n").arg(demoError)),
                stderr);
            return 1;
        }
        int rc = 0;
        {
            vigil::ui::MainWindow window(nullptr);
            vigil::ui::ConsoleContext context;
            context.title = vigil::app::ConsoleLauncher::windowTitle(
                QCoreApplication::translate("main", "Vigil — demo tenant (simulated Okta org)"), team);
            context.policy = policy;
            context.store = storeSource;
            context.orgUrl = orgUrl;
            window.attachFeed(feed, context);
            window.show();
            scheduleScreenshot(window);
            rc = app.exec();
        }
        shutdown();
        return rc;
    }

    // With saved connection settings the console connects to the org, the core on its own thread.
    QSettings saved;
    const vigil::secrets::ConnectionSettings connection = vigil::secrets::ConnectionSettings::load(saved);
    QString error;
    const QString dir = vigil::store::resolveDataDir(parser.value(dataDir), &error);
    if (!connection.orgUrl.isEmpty() && !dir.isEmpty()) {
        std::optional<vigil::pipeline::LiveSessionSettings> live =
            vigil::app::ConsoleLauncher::liveSettings(connection, dir, &error);
        if (live && team) {
            live->storeUrl = parser.value(teamStore);
            live->storePassword = team->password;
        }
        if (live) {
            vigil::pipeline::CoreThread core;
            std::unique_ptr<vigil::pipeline::LiveSession> session;
            vigil::pipeline::ConsoleFeed* feed = nullptr;
            vigil::pipeline::StoreSource storeSource;
            core.runBlocking([&] {
                session = std::make_unique<vigil::pipeline::LiveSession>(*live);
                if (!session->start(&error)) return;
                feed = new vigil::pipeline::ConsoleFeed(*session);
                storeSource = vigil::pipeline::StoreSource::of(session->store());
            });
            auto teardown = qScopeGuard([&] {
                core.runBlocking([&] {
                    delete feed;
                    session.reset();
                });
            });
            if (feed) {
                vigil::ui::MainWindow window(nullptr);
                vigil::ui::ConsoleContext context;
                context.title = vigil::app::ConsoleLauncher::windowTitle(
                    QCoreApplication::translate("main", "Vigil — %1").arg(connection.tenant()), team);
                context.policy = live->policy;
                context.store = storeSource;
                context.dataDir = dir;
                context.orgUrl = live->orgUrl;
                context.oktaAdminUrl = live->oktaAdminUrl;
                context.policyFile = connection.policyFile;
                window.attachFeed(feed, context);
                window.show();
                scheduleScreenshot(window);
                return app.exec();
            }
        }
        std::fputs(
            qPrintable(
                QCoreApplication::translate("main", "vigil: cannot connect to %1: %2\n").arg(connection.orgUrl, error)),
            stderr);
    }

    // The window starts even when the store cannot be opened: it says why instead of vanishing.
    std::unique_ptr<vigil::store::EventStore> store;
    if (team) {
        store = std::make_unique<vigil::store::PostgresEventStore>(*team);
    } else if (!dir.isEmpty()) {
        store = std::make_unique<vigil::store::SqliteEventStore>(
            QDir(dir).filePath(vigil::store::SqliteEventStore::defaultFileName()));
    }
    if (store && !store->open(&error)) store.reset();
    vigil::ui::MainWindow window(store.get(), error);
    if (team) window.setWindowTitle(vigil::app::ConsoleLauncher::windowTitle(QStringLiteral("Vigil"), team));
    window.show();
    scheduleScreenshot(window);
    return app.exec();
}

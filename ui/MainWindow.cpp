// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "core/audit/AuditLog.h"
#include "core/okta/OktaAdminUrl.h"
#include "core/pipeline/StoreReader.h"
#include "core/store/EventStore.h"
#include "core/store/SqlDialect.h"
#include "ui/Icons.h"
#include "ui/Theme.h"
#include "ui/WindowLayout.h"
#include "ui/audit/AuditView.h"
#include "ui/charts/ChartsPanel.h"
#include "ui/console/AlertDetailPanel.h"
#include "ui/console/AlertQueue.h"
#include "ui/console/RiskBoard.h"
#include "ui/events/EventStreamView.h"
#include "ui/firstrun/MonitorModeBanner.h"
#include "ui/map/WorldMapWidget.h"
#include "ui/policy/PolicyPreviewDialog.h"
#include "ui/queue/AlertQueueView.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/user/UserView.h"

#include <QActionGroup>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace vigil::ui {

MainWindow::MainWindow(const store::EventStore* store, const QString& storeError, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_storeError(storeError)
    , m_storeLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Vigil"));
    auto* note = new QLabel(tr("No Okta org is connected.\n"
                               "Run 'vigil --demo' to watch the simulated org, 'vigil serve' for a real one, or\n"
                               "'vigil replay --input FILE' to check an Okta System Log export."),
                            this);
    note->setObjectName(QStringLiteral("consolePendingLabel"));
    note->setAlignment(Qt::AlignCenter);
    setCentralWidget(note);
    m_storeLabel->setObjectName(QStringLiteral("storeStatusLabel"));
    statusBar()->addPermanentWidget(m_storeLabel);
    statusBar()->showMessage(tr("No Okta tenant connected"));
    buildMenus();
    refreshStoreStatus();
    resize(1400, 860);
}

MainWindow::~MainWindow() = default;

void MainWindow::refreshStoreStatus()
{
    if (m_feed) return; // the snapshots say it
    if (!m_store) {
        m_storeLabel->setText(tr("Store unavailable"));
        m_storeLabel->setToolTip(m_storeError);
        return;
    }
    const QLocale locale;
    const QString count = locale.toString(m_store->eventCount());
    const QString size = locale.formattedDataSize(m_store->sizeOnDisk());
    if (store::sql::isPostgres(m_store->database())) {
        //: Status bar in team mode: "Team database postgresql://soc@db:5432/vigil · 12,345 events · 3.2 GB"
        m_storeLabel->setText(tr("Team database %1 · %2 events · %3").arg(m_store->path(), count, size));
        return;
    }
    //: Status bar: number of stored Okta events and the database size, e.g. "Store 12,345 events · 3.2 MB"
    m_storeLabel->setText(tr("Store %1 events · %2").arg(count, size));
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&Vigil"));
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setIcon(Icons::get(QStringLiteral("settings"), palette()));
    settings->setShortcut(QKeySequence::Preferences);
    m_policyAction = file->addAction(Icons::get(QStringLiteral("policy"), palette()), tr("&Policy and Blast Radius…"),
                                     this, &MainWindow::openPolicyPreview);
    m_policyAction->setObjectName(QStringLiteral("policyPreviewAction"));
    m_policyAction->setEnabled(false); // needs the stored history: enabled once a store is attached
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("V&iew"));
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    for (const ThemeChoice choice : {ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark}) {
        QAction* a = theme->addAction(Theme::displayName(choice));
        a->setObjectName(QStringLiteral("theme-") + Theme::key(choice));
        a->setCheckable(true);
        a->setChecked(Theme::current() == choice);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [choice] {
            Theme::apply(choice);
            QSettings settings;
            Theme::save(settings, choice);
        });
    }
    view->addSeparator();
    QAction* reset = view->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
    reset->setObjectName(QStringLiteral("resetLayoutAction"));
}

void MainWindow::openPolicyPreview()
{
    if (m_context.store.isEmpty()) return;
    // Its own connection: replaying a week of history must not hold up the event stream and the user
    // view, whose queries share the console's reader and run one after another.
    auto* reader = new pipeline::StoreReader(m_context.store);
    QString error;
    if (!reader->open(&error)) {
        delete reader;
        statusBar()->showMessage(tr("Stored history unavailable: %1").arg(error), 15000);
        return;
    }
    const QString dataDir =
        !m_context.dataDir.isEmpty() ? m_context.dataDir : QFileInfo(m_context.store.sqlitePath).dir().path();
    const QString path =
        m_context.policyFile.isEmpty() ? QDir(dataDir).filePath(QStringLiteral("policy.json")) : m_context.policyFile;
    PolicyPreviewDialog dialog(reader, m_policy, path, this);
    reader->setParent(&dialog);
    connect(&dialog, &PolicyPreviewDialog::policySaved, this, [this, path](const risk::Policy& policy) {
        m_policy = policy;
        m_context.policy = policy;
        m_thresholds = SeverityThresholds::fromPolicy(policy);
        m_detail->setThresholds(m_thresholds);
        m_board->setThresholds(m_thresholds);
        m_map->setSeverityThresholds(m_thresholds);
        m_userView->setThresholds(m_thresholds);
        // The running session keeps the policy it started with; the file is what the next start reads.
        appendActivity(tr("policy saved to %1; it takes effect when Vigil next connects").arg(path));
        statusBar()->showMessage(
            tr("Policy saved to %1. Vigil applies it at the next start (Settings → Policy file).").arg(path), 20000);
    });
    dialog.exec();
}

void MainWindow::resetLayout()
{
    QSettings settings;
    WindowLayout::forget(*this, settings);
    m_forgetLayout = true;
    statusBar()->showMessage(tr("The console's layout returns to its defaults at the next start."), 10000);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // Only a console that was built has a layout worth keeping; a reset waits for the next start.
    if (m_queue && !m_forgetLayout) {
        QSettings settings;
        WindowLayout::save(*this, settings);
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::openSettings()
{
    QSettings settings;
    secrets::SecretStore secrets;
    SettingsDialog dialog(settings, secrets, this);
    if (dialog.exec() == QDialog::Accepted) {
        statusBar()->showMessage(
            tr("Settings saved. Restart Vigil to connect with them; secrets are in the system keychain."), 15000);
    }
}

void MainWindow::buildConsole()
{
    m_queue = new AlertQueue(this);
    m_queue->view()->tableView()->horizontalHeader()->setObjectName(QStringLiteral("alertQueueHeader"));
    m_detail = new AlertDetailPanel(this);
    m_board = new RiskBoard(this);
    m_map = new WorldMapWidget(this);
    m_map->setObjectName(QStringLiteral("worldMap"));
    m_detail->setThresholds(m_thresholds);
    m_board->setThresholds(m_thresholds);
    m_map->setSeverityThresholds(m_thresholds);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->setObjectName(QStringLiteral("queueSplitter"));
    top->addWidget(m_queue);
    top->addWidget(m_detail);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    m_charts = new ChartsPanel(this);
    auto* views = new QTabWidget(this);
    views->setObjectName(QStringLiteral("bottomTabs"));
    views->addTab(m_map, tr("Map"));
    views->addTab(m_charts, tr("Charts"));
    // Every stored event, newest first, with its raw JSON: where an analyst checks what Okta really sent.
    if (m_reader) {
        m_events = new EventStreamView(m_reader, this);
        m_events->setObjectName(QStringLiteral("eventStream"));
        views->addTab(m_events, Icons::get(QStringLiteral("events"), palette()), tr("Events"));
        // What Vigil and the analysts did, hash-chained, with a button that proves nothing was changed.
        m_audit = new AuditView(m_reader, this);
        m_audit->setObjectName(QStringLiteral("auditView"));
        views->addTab(m_audit, Icons::get(QStringLiteral("audit"), palette()), tr("Audit"));
    }
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->setObjectName(QStringLiteral("boardSplitter"));
    bottom->addWidget(m_board);
    bottom->addWidget(views);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 3);
    auto* main = new QSplitter(Qt::Vertical, this);
    main->setObjectName(QStringLiteral("consoleSplitter"));
    main->addWidget(top);
    main->addWidget(bottom);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 2);
    // Proportions for the first start: the queue leads, the board keeps room for names and bars.
    top->setSizes({1000, 400});
    bottom->setSizes({430, 970});
    main->setSizes({430, 330});
    // Monitor mode gets a banner above everything that says how to enable enforce mode.
    m_monitorBanner = new MonitorModeBanner(this);
    auto* centre = new QWidget(this);
    auto* column = new QVBoxLayout(centre);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_monitorBanner);
    column->addWidget(main, 1);
    setCentralWidget(centre);
    connect(m_monitorBanner, &MonitorModeBanner::settingsRequested, this, &MainWindow::openSettings);

    m_activity = new QPlainTextEdit(this);
    m_activity->setObjectName(QStringLiteral("activityLog"));
    m_activity->setReadOnly(true);
    m_activity->setMaximumBlockCount(2000); // a shift's worth of lines, not unbounded memory
    m_activity->setPlaceholderText(tr("What Vigil does appears here."));
    auto* dock = new QDockWidget(tr("Activity"), this);
    dock->setObjectName(QStringLiteral("activityDock"));
    dock->setWidget(m_activity);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                      | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    resizeDocks({dock}, {110}, Qt::Vertical);

    m_healthLabel = new QLabel(this);
    m_healthLabel->setObjectName(QStringLiteral("healthLabel"));
    m_modeLabel = new QLabel(this);
    m_modeLabel->setObjectName(QStringLiteral("modeLabel"));
    m_breakerLabel = new QLabel(this);
    m_breakerLabel->setObjectName(QStringLiteral("breakerLabel"));
    statusBar()->clearMessage();
    statusBar()->addWidget(m_healthLabel, 1);
    m_teamLabel = new QLabel(this);
    m_teamLabel->setObjectName(QStringLiteral("teamLabel"));
    m_teamLabel->hide();
    statusBar()->addPermanentWidget(m_teamLabel);
    statusBar()->addPermanentWidget(m_modeLabel);
    statusBar()->addPermanentWidget(m_breakerLabel);

    connect(m_queue, &AlertQueue::alertSelected, this, &MainWindow::onAlertSelected);
    connect(m_queue, &AlertQueue::commandsRequested, this, [this](const QList<response::AnalystCommand>& commands) {
        for (const response::AnalystCommand& c : commands)
            sendCommand(c);
    });
    // The panel's buttons go through the queue's own prompts: one set of confirmations and reasons.
    connect(m_detail, &AlertDetailPanel::actionRequested, m_queue, &AlertQueue::requestAction);
    // A user on the board: their alerts in the queue and everything about them in the user view.
    connect(m_board, &RiskBoard::userActivated, this, [this](const QString& user) {
        m_queue->setFilterText(QStringLiteral("user:%1").arg(user));
        openUser(user);
    });
    // Clicking the map filters the queue: a country, or the user (or the country) behind the sign-ins.
    connect(m_map, &WorldMapWidget::countryClicked, this,
            [this](const QString& iso, const QString& name) { m_queue->setFilterText(countryFilter(iso, name)); });
    connect(m_map, &WorldMapWidget::signInsClicked, this, [this](const QList<MapSignIn>& signIns) {
        const QString filter = signInFilter(signIns);
        if (!filter.isEmpty()) m_queue->setFilterText(filter);
    });
    // New high and critical alerts reach the analyst through the system tray, even with the window
    // behind others; clicking the message brings the window up on that alert.
    // The tray's menu carries the same actions for the latest announced alerts, so a critical alert can
    // be held from the notification area without hunting for the window. Built even without a tray.
    m_trayMenu = new QMenu(this);
    m_trayMenu->setObjectName(QStringLiteral("trayMenu"));
    rebuildTrayMenu();
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(
            windowIcon().isNull() ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : windowIcon(), this);
        m_tray->setToolTip(tr("Vigil"));
        m_tray->setContextMenu(m_trayMenu);
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (!m_trayAlerts.isEmpty()) focusAlert(m_trayAlerts.constLast().alertId);
        });
        m_tray->show();
    }
    // Countdowns tick every second between snapshots.
    m_tick = new QTimer(this);
    connect(m_tick, &QTimer::timeout, this, &MainWindow::tick);
    m_tick->start(1000);

    // Everything about one user, in a dock that opens with `u`, a click on the board or the tray.
    m_userView = new UserView(this);
    m_userView->setObjectName(QStringLiteral("userView"));
    m_userView->setStoreReader(m_reader);
    m_userView->setThresholds(m_thresholds);
    m_userView->setOktaAdminUrl(okta::adminConsoleUrl(QUrl(m_context.orgUrl), m_context.oktaAdminUrl));
    m_userDock = new QDockWidget(tr("User"), this);
    m_userDock->setObjectName(QStringLiteral("userDock"));
    m_userDock->setWidget(m_userView);
    m_userDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                            | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::RightDockWidgetArea, m_userDock);
    m_userDock->hide();
    connect(m_userView, &UserView::actionRequested, m_queue, &AlertQueue::requestAction);
    connect(m_queue, &AlertQueue::userActivated, this, &MainWindow::openUser);

    // Last: every named splitter, header, tab and dock exists now.
    QSettings settings;
    WindowLayout::restore(*this, settings);
}

QString MainWindow::countryFilter(const QString& iso, const QString& name)
{
    // The ISO code matches however Okta spelled the country ("US" finds "United States"); Natural Earth
    // has no code for a few disputed areas, which are searched by name.
    if (iso.size() == 2 && iso.at(0).isLetter()) return QStringLiteral("country:") + iso;
    return QStringLiteral("country:\"%1\"").arg(name);
}

QString MainWindow::signInFilter(const QList<MapSignIn>& signIns)
{
    if (signIns.isEmpty()) return {};
    // One user's dot opens their alerts; a cluster of several users narrows to its country instead of
    // picking one of them at random.
    const QString user = signIns.first().user;
    const bool oneUser =
        std::all_of(signIns.begin(), signIns.end(), [&](const MapSignIn& s) { return s.user == user; });
    if (oneUser) return QStringLiteral("user:") + (user.contains(u' ') ? u'"' + user + u'"' : user);
    const QString country = signIns.first().country;
    const bool oneCountry =
        std::all_of(signIns.begin(), signIns.end(), [&](const MapSignIn& s) { return s.country == country; });
    return oneCountry && !country.isEmpty() ? QStringLiteral("country:\"%1\"").arg(country) : QString();
}

void MainWindow::attachFeed(pipeline::ConsoleFeed* feed, const QString& title, const risk::Policy& policy)
{
    ConsoleContext context;
    context.title = title;
    context.policy = policy;
    attachFeed(feed, context);
}

void MainWindow::attachFeed(pipeline::ConsoleFeed* feed, const ConsoleContext& context)
{
    m_feed = feed;
    m_context = context;
    m_policy = context.policy;
    m_thresholds = SeverityThresholds::fromPolicy(context.policy);
    m_store = nullptr; // the core thread owns the store from now on
    setWindowTitle(context.title);
    if (!context.store.isEmpty()) {
        m_policyAction->setEnabled(true);
        m_reader = new pipeline::StoreReader(context.store, this);
        QString error;
        if (!m_reader->open(&error)) {
            statusBar()->showMessage(tr("Stored history unavailable: %1").arg(error), 30000);
            delete m_reader;
            m_reader = nullptr;
        }
    }
    buildConsole();
    if (!feed) return; // tests drive the window with applySnapshot()
    // Queued: the feed lives on the core thread.
    connect(feed, &pipeline::ConsoleFeed::snapshot, this, &MainWindow::applySnapshot, Qt::QueuedConnection);
    connect(feed, &pipeline::ConsoleFeed::commandFinished, this, &MainWindow::onCommandFinished, Qt::QueuedConnection);
    QMetaObject::invokeMethod(feed, &pipeline::ConsoleFeed::publishNow, Qt::QueuedConnection);
}

void MainWindow::appendActivity(const QString& line)
{
    if (!m_activity) return;
    m_activity->appendPlainText(QStringLiteral("%1  %2").arg(
        QLocale().toString(QDateTime::currentDateTime().time(), QLocale::ShortFormat), line));
}

void MainWindow::applySnapshot(const std::shared_ptr<const pipeline::ConsoleSnapshot>& snapshot)
{
    if (!snapshot || !m_queue) return;
    m_last = snapshot;
    const pipeline::ConsoleSnapshot& s = *snapshot;
    m_queue->setEnforcing(s.mode == u"enforce");
    m_queue->setAlerts(s.alerts, s.usersWatched);
    m_board->setUsers(s.topUsers, s.usersWatched);
    m_charts->applySnapshot(s);
    if (m_userView && !m_userView->login().isEmpty()) m_userView->applySnapshot(s);
    if (m_events) m_events->storeGrew(s.storedEvents);
    if (!s.newSignIns.isEmpty()) {
        QList<MapSignIn> points;
        points.reserve(s.newSignIns.size());
        for (const pipeline::ConsoleSignIn& p : s.newSignIns)
            points.append(MapSignIn{p.user, p.ip, p.city, p.country, p.lat, p.lon, p.risk, p.atMs, p.success});
        m_map->addSignIns(points);
    }
    if (!s.newArcs.isEmpty()) {
        QList<MapArc> arcs = m_map->arcs();
        for (const pipeline::ConsoleArc& a : s.newArcs) {
            MapArc arc;
            arc.fromLat = a.fromLat;
            arc.fromLon = a.fromLon;
            arc.toLat = a.toLat;
            arc.toLon = a.toLon;
            arc.fromLabel = a.fromPlace;
            arc.toLabel = a.toPlace;
            arc.speedKmh = a.speedKmh;
            arc.user = a.user;
            arc.risk = a.risk;
            arcs.append(arc);
        }
        // The most recent findings only: old arcs would turn the map into a web.
        while (arcs.size() > 50)
            arcs.removeFirst();
        m_map->setArcs(arcs);
    }
    for (const QString& line : s.newLogLines)
        appendActivity(line);
    // With nothing selected, the most urgent alert is: a running countdown first, then the highest risk.
    if (m_selectedAlert.isEmpty() && !s.alerts.isEmpty()) {
        const auto urgent = std::max_element(s.alerts.begin(), s.alerts.end(), [](const auto& a, const auto& b) {
            const bool ap = a.state == u"suspension_pending", bp = b.state == u"suspension_pending";
            return ap != bp ? bp : a.peakRisk < b.peakRisk;
        });
        m_queue->selectAlert(urgent->alertId);
    }
    onAlertSelected(m_selectedAlert);
    updateStatusBar(s);
    notifyNewAlerts(s);
}

void MainWindow::updateStatusBar(const pipeline::ConsoleSnapshot& s)
{
    const QJsonObject h = s.health;
    QStringList parts;
    const QString state = h.value(u"state").toString();
    const double lag = h.value(u"lag_seconds").toDouble(-1);
    parts << tr("Poll ● %1%2")
                 .arg(state.isEmpty() ? tr("starting") : state,
                      lag >= 0 ? tr(" · lag %1 s").arg(qRound(lag)) : QString());
    if (h.contains(u"rate_limit_remaining")) parts << tr("%1 req left").arg(h.value(u"rate_limit_remaining").toInt());
    if (h.contains(u"hook_events_stored")) parts << tr("Hooks %1 events").arg(h.value(u"hook_events_stored").toInt());
    parts << tr("%1 sign-ins/min, %2 failed").arg(s.signInsLastMinute).arg(s.failuresLastMinute);
    const QLocale locale;
    parts << tr("Store %1 events · %2").arg(locale.toString(s.storedEvents), locale.formattedDataSize(s.storeBytes));
    m_healthLabel->setText(parts.join(QStringLiteral("   ")));
    m_healthLabel->setToolTip(h.value(u"last_error").toString());
    m_storeLabel->hide();
    m_monitorBanner->setMode(s.mode);
    m_modeLabel->setText(tr("Mode: %1").arg(s.mode == u"enforce" ? tr("ENFORCE") : tr("monitor")));
    m_modeLabel->setToolTip(s.mode == u"enforce" ? tr("Vigil acts on Okta: step-up and suspension")
                                                 : tr("Vigil decides and records; it changes nothing in Okta"));
    m_breakerLabel->setText(s.breakerOpen ? tr("Breaker: OPEN (step-up only)") : tr("Breaker: closed"));
    // Team mode: who runs the automation and who else is watching the shared queue.
    m_teamLabel->setVisible(s.teamMode);
    if (s.teamMode) {
        if (!s.teamConnected) {
            m_teamLabel->setText(tr("Team: database unreachable"));
        } else if (s.teamLeading) {
            m_teamLabel->setText(tr("Team: this console leads · %n connected", nullptr, int(s.teamMembers.size())));
        } else {
            m_teamLabel->setText(tr("Team: %1 leads · %n connected", nullptr, int(s.teamMembers.size()))
                                     .arg(s.teamLeader.isEmpty() ? tr("nobody") : s.teamLeader));
        }
        m_teamLabel->setToolTip(tr("Consoles on the shared database:\n%1").arg(s.teamMembers.join(u'\n')));
    }
}

void MainWindow::notifyNewAlerts(const pipeline::ConsoleSnapshot& s)
{
    for (const pipeline::ConsoleAlert& a : s.alerts) {
        const SeverityBand band = Severity::fromKey(a.severity);
        if (band != SeverityBand::High && band != SeverityBand::Critical) continue;
        // Once per alert and band: a high alert that becomes critical is worth a second notice.
        const QString key = a.alertId + u'/' + a.severity;
        if (m_announced.contains(key)) continue;
        m_announced.insert(key);
        const QString title = tr("%1 %2 alert: %3").arg(Severity::glyph(band), Severity::name(band), a.user);
        QString text = tr("Risk %1 — %2").arg(qRound(a.peakRisk)).arg(a.detections.join(u", "));
        if (a.state == u"suspension_pending")
            text += u'\n' + tr("Auto-suspension pending: open Vigil to hold or cancel.");
        m_notified.append(title + u'\n' + text);
        m_trayAlerts.removeIf([&](const TrayAlert& t) { return t.alertId == a.alertId; });
        m_trayAlerts.append({a.alertId, title});
        while (m_trayAlerts.size() > kTrayAlerts)
            m_trayAlerts.removeFirst();
        rebuildTrayMenu();
        if (m_tray)
            m_tray->showMessage(title, text,
                                band == SeverityBand::Critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning,
                                15000);
    }
}

void MainWindow::openUser(const QString& login)
{
    if (!m_userView || login.isEmpty()) return;
    m_userView->openUser(login);
    if (m_last) m_userView->applySnapshot(*m_last);
    m_userDock->show();
    m_userDock->raise();
}

void MainWindow::focusAlert(const QString& alertId)
{
    showNormal();
    raise();
    activateWindow();
    if (m_queue) m_queue->selectAlert(alertId);
}

void MainWindow::rebuildTrayMenu()
{
    m_trayMenu->clear();
    m_trayMenu->addAction(tr("Show Vigil"), this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    if (!m_trayAlerts.isEmpty()) m_trayMenu->addSection(tr("Latest alerts"));
    // Newest first; each alert offers what the queue offers, through the queue's own prompts.
    for (auto it = m_trayAlerts.crbegin(); it != m_trayAlerts.crend(); ++it) {
        const QString id = it->alertId;
        QMenu* menu = m_trayMenu->addMenu(it->title);
        menu->setObjectName(QStringLiteral("trayAlert-") + id);
        menu->addAction(Icons::get(QStringLiteral("user"), palette()), tr("Open"), this,
                        [this, id] { focusAlert(id); });
        const struct
        {
            const char* action;
            const char* icon;
            QString text;
        } actions[] = {
            {"ack", "hold", tr("Hold (acknowledge)")},
            {"suspend", "suspend", tr("Suspend now…")},
            {"override", "cancel", tr("Cancel suspension…")},
            {"resolve", "resolve", tr("Resolve…")},
            {"false-positive", "false-positive", tr("False positive…")},
        };
        for (const auto& a : actions) {
            const QString action = QString::fromLatin1(a.action);
            QAction* item =
                menu->addAction(Icons::get(QString::fromLatin1(a.icon), palette()), a.text, this, [this, id, action] {
                    focusAlert(id);
                    m_queue->requestAction(action, id);
                });
            item->setObjectName(action);
        }
    }
    m_trayMenu->addSeparator();
    m_trayMenu->addAction(tr("Quit Vigil"), this, &QWidget::close);
}

void MainWindow::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_detail) m_detail->setNow(now);
}

void MainWindow::onAlertSelected(const QString& alertId)
{
    m_selectedAlert = alertId;
    std::optional<pipeline::ConsoleAlert> selected;
    if (m_last) {
        for (const pipeline::ConsoleAlert& a : m_last->alerts) {
            if (a.alertId == alertId) selected = a;
        }
    }
    m_detail->setNow(QDateTime::currentMSecsSinceEpoch());
    m_detail->setAlert(selected);
    if (selected) {
        MapHighlight h;
        h.user = selected->user;
        if (m_map->highlighted().user != h.user) m_map->setHighlighted(h);
        // An open user view follows the selection, so j/k walks through users as well as alerts.
        if (m_userDock->isVisible() && m_userView->login() != selected->user) openUser(selected->user);
    } else if (!m_map->highlighted().isEmpty()) {
        m_map->clearHighlighted();
    }
}

void MainWindow::sendCommand(response::AnalystCommand command)
{
    if (command.who.isEmpty()) command.who = audit::AuditLog::currentOperator();
    if (!m_feed) return;
    pipeline::ConsoleFeed* feed = m_feed;
    QMetaObject::invokeMethod(
        feed, [feed, command] { feed->command(command); }, Qt::QueuedConnection);
}

void MainWindow::onCommandFinished(const response::AnalystCommand& command, const response::CommandResult& result)
{
    appendActivity(result.ok ? result.message : tr("%1 refused: %2").arg(command.action, result.message));
    statusBar()->showMessage(result.message, 5000);
    emit commandAnswered(command, result);
}

} // namespace vigil::ui

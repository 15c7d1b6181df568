// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/StoreReader.h"
#include "core/risk/Policy.h"
#include "ui/Severity.h"
#include "ui/map/MapTypes.h"

#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <memory>

namespace vigil::store {
class EventStore;
}
class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QSystemTrayIcon;
class QPlainTextEdit;
class QSplitter;
class QTimer;

namespace vigil::ui {

// What the console shows beside the feed: where the store is (for the views that read it) and the org.
struct ConsoleContext
{
    QString title;
    risk::Policy policy = risk::Policy::defaults();
    pipeline::StoreSource store; // what the core writes (SQLite file or team database); read through StoreReaders
    QString dataDir;             // for files beside the store (policy.json); default: the SQLite file's folder
    QString orgUrl;              // https://acme.okta.com
    QString oktaAdminUrl;        // explicit admin console URL, else derived from orgUrl
    QString policyFile;          // where a saved policy goes; empty: the built-in default is in use
};

class AlertDetailPanel;
class AuditView;
class EventStreamView;
class MonitorModeBanner;
class UserView;
class ChartsPanel;
class AlertQueue;
class RiskBoard;
class WorldMapWidget;

// The analyst console. It observes the core — which runs on its own thread — through the snapshots
// a ConsoleFeed publishes (at most ten a second) and sends analyst commands back to it; it never does
// core work itself. Without a live session it shows what the store holds.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `store` may be null when it could not be opened; `storeError` then says why. Only used before a
    // feed is attached (the store belongs to the core thread afterwards).
    explicit MainWindow(const store::EventStore* store, const QString& storeError = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    void refreshStoreStatus();

    // Shows a live run. `feed` may live on another thread; it must outlive the window's use of it. Without
    // a feed the console is built and waits for applySnapshot() (tests).
    void attachFeed(pipeline::ConsoleFeed* feed, const QString& title, const risk::Policy& policy);
    void attachFeed(pipeline::ConsoleFeed* feed, const ConsoleContext& context);
    // Shows everything about one user (the `u` key, the risk board, the user view dock).
    void openUser(const QString& login);
    void appendActivity(const QString& line);

    // One snapshot from the core (public for tests).
    void applySnapshot(const std::shared_ptr<const pipeline::ConsoleSnapshot>& snapshot);
    // Sends a command to the core with who gives it (the OS user and host).
    void sendCommand(vigil::response::AnalystCommand command);

    // The queue filter a click on the map sets.
    static QString countryFilter(const QString& iso, const QString& name);
    static QString signInFilter(const QList<MapSignIn>& signIns);

    AlertQueue* queue() const { return m_queue; }
    WorldMapWidget* map() const { return m_map; }
    RiskBoard* riskBoard() const { return m_board; }
    AlertDetailPanel* detail() const { return m_detail; }
    ChartsPanel* charts() const { return m_charts; }
    UserView* userView() const { return m_userView; }
    EventStreamView* eventStream() const { return m_events; }
    pipeline::StoreReader* storeReader() const { return m_reader; }
    // The desktop notifications raised for new high and critical alerts ("title\ntext"), newest last.
    const QStringList& notificationsRaised() const { return m_notified; }
    // The tray icon's menu: the latest announced alerts with the queue's actions.
    QMenu* trayMenu() const { return m_trayMenu; }

protected:
    void closeEvent(QCloseEvent* event) override;

signals:
    void commandAnswered(const vigil::response::AnalystCommand& command, const vigil::response::CommandResult& result);

private:
    void buildConsole();
    void buildMenus();
    void openSettings();
    void resetLayout();
    void openPolicyPreview();
    void onAlertSelected(const QString& alertId);
    void onCommandFinished(const vigil::response::AnalystCommand& command,
                           const vigil::response::CommandResult& result);
    void updateStatusBar(const pipeline::ConsoleSnapshot& s);
    void tick();
    void notifyNewAlerts(const pipeline::ConsoleSnapshot& s);
    void rebuildTrayMenu();
    // Brings the window up with the alert selected.
    void focusAlert(const QString& alertId);

    const store::EventStore* m_store;
    QString m_storeError;
    QLabel* m_storeLabel;
    QPointer<pipeline::ConsoleFeed> m_feed;
    risk::Policy m_policy = risk::Policy::defaults();
    SeverityThresholds m_thresholds;
    std::shared_ptr<const pipeline::ConsoleSnapshot> m_last;
    QString m_selectedAlert;

    AlertQueue* m_queue = nullptr;
    AlertDetailPanel* m_detail = nullptr;
    RiskBoard* m_board = nullptr;
    WorldMapWidget* m_map = nullptr;
    ChartsPanel* m_charts = nullptr;
    ConsoleContext m_context;
    pipeline::StoreReader* m_reader = nullptr; // null when there is no store to read
    UserView* m_userView = nullptr;
    EventStreamView* m_events = nullptr;
    AuditView* m_audit = nullptr;
    QAction* m_policyAction = nullptr;
    MonitorModeBanner* m_monitorBanner = nullptr;
    QDockWidget* m_userDock = nullptr;
    QPlainTextEdit* m_activity = nullptr;
    QLabel* m_healthLabel = nullptr;
    QLabel* m_modeLabel = nullptr;
    QLabel* m_breakerLabel = nullptr;
    QLabel* m_teamLabel = nullptr;
    QTimer* m_tick = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    QMenu* m_trayMenu = nullptr;
    struct TrayAlert
    {
        QString alertId;
        QString title;
    };
    static constexpr int kTrayAlerts = 5;
    QList<TrayAlert> m_trayAlerts; // oldest first
    QSet<QString> m_announced;     // alert ids already notified at their severity
    QStringList m_notified;
    bool m_forgetLayout = false;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"
#include "core/pipeline/UserProfile.h"
#include "ui/Severity.h"

#include <QPointer>
#include <QUrl>
#include <QWidget>

#include <functional>
#include <optional>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;

namespace vigil::pipeline {
class StoreReader;
}

namespace vigil::ui {

class UserActivityChart;
class UserAuditModel;
class UserContributionsModel;
class UserSightingsModel;
class UserTimelineModel;
class UserTimelineProxy;

// Everything about one user, for a dock or a tab: who they are and their risk, with a link to their page
// in the Okta admin console; their timeline (events per hour and the events themselves), their devices
// and places, why they scored what they did, and what the automation did about it with the audit trail.
//
// Stored data is read through a StoreReader off the UI thread (the view shows "loading…" meanwhile and
// drops answers for a user it no longer shows); live data (the user's alerts, risk and reasons) comes
// from the console's snapshots. The action buttons act on the user's open alert and go out through
// actionRequested(), the same way as the alert detail panel's.
class UserView final : public QWidget
{
    Q_OBJECT

public:
    explicit UserView(QWidget* parent = nullptr);
    ~UserView() override;

    // Where stored events, responses and audit records come from; null shows that the store is missing.
    void setStoreReader(pipeline::StoreReader* reader);
    // The org's admin console (okta::adminConsoleUrl()), for the link to the user's page.
    void setOktaAdminUrl(const QString& adminUrl);
    void setThresholds(const SeverityThresholds& thresholds);
    // Wall clock for the suspension countdown (tests pin it).
    void setClock(std::function<qint64()> clock);

    // Shows `login` (the Okta login, actor.alternateId) and loads their stored data.
    void openUser(const QString& login);
    QString login() const { return m_login; }
    // Loads the stored data again (new events, a response that changed).
    void reload();

    // One console snapshot: picks the shown user's alerts and board entry and reloads stored data when
    // they changed. Cheap when they did not; call it with every snapshot.
    void applySnapshot(const pipeline::ConsoleSnapshot& snapshot);
    // The same with the parts at hand: `alerts` may hold other users' alerts too (they are ignored).
    void setLiveState(const QList<pipeline::ConsoleAlert>& alerts, const std::optional<pipeline::ConsoleUser>& user);

    bool isLoading() const { return m_loading; }
    const pipeline::UserProfile& profile() const { return m_profile; }
    // The user's page in the Okta admin console; invalid until the admin URL and the user's Okta id are known.
    QUrl adminProfileUrl() const;
    // The alert the action buttons act on: the user's open alert, a pending suspension first.
    std::optional<pipeline::ConsoleAlert> openAlert() const;

    UserTimelineModel* timelineModel() const { return m_timeline; }
    UserSightingsModel* devicesModel() const { return m_devices; }
    UserSightingsModel* placesModel() const { return m_places; }
    UserContributionsModel* contributionsModel() const { return m_contributions; }
    UserAuditModel* auditModel() const { return m_audit; }
    UserActivityChart* chart() const { return m_chart; }

signals:
    // ack, suspend, override, resolve, false-positive on `alertId`: route it like AlertDetailPanel's
    // (AlertQueue::requestAction), which asks for reasons and confirmations.
    void actionRequested(const QString& action, const QString& alertId);
    // A stored profile arrived for `login` (after openUser() or reload()).
    void profileLoaded(const QString& login);

private:
    void buildHeader();
    void buildTabs();
    void applyProfile(pipeline::UserProfile profile);
    void setSpan(qint64 spanMs);
    void scheduleReload();
    void refreshHeader();
    void refreshLiveParts();
    void refreshResponse();
    void refreshActions();
    void copyAdminLink();
    void openAdminLink();

    QPointer<pipeline::StoreReader> m_reader;
    QString m_adminUrl;
    SeverityThresholds m_thresholds;
    std::function<qint64()> m_clock;

    QString m_login;
    pipeline::UserProfile m_profile;
    bool m_loading = false;
    bool m_reloadWanted = false; // live data changed while a load was running
    quint64 m_request = 0;       // answers to older requests are dropped
    QList<pipeline::ConsoleAlert> m_alerts;
    std::optional<pipeline::ConsoleUser> m_user;
    bool m_liveKnown = false;
    QString m_liveSignature; // what the last snapshot said about the user, to notice changes
    QString m_linkSignature; // which alerts the timeline's events are linked to

    // Header
    QLabel* m_title = nullptr;
    QLabel* m_subtitle = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_busy = nullptr;
    QToolButton* m_openAdmin = nullptr;
    QToolButton* m_copyAdmin = nullptr;
    QButtonGroup* m_spanGroup = nullptr;
    QPushButton* m_hold = nullptr;
    QPushButton* m_suspend = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_resolve = nullptr;
    QPushButton* m_falsePositive = nullptr;
    QTimer* m_reloadTimer = nullptr;
    QTimer* m_tick = nullptr;

    // Tabs
    QTabWidget* m_tabs = nullptr;
    UserActivityChart* m_chart = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_timelineNote = nullptr;
    QTableView* m_timelineView = nullptr;
    UserTimelineModel* m_timeline = nullptr;
    UserTimelineProxy* m_timelineProxy = nullptr;
    QLabel* m_devicesTitle = nullptr;
    QLabel* m_placesTitle = nullptr;
    UserSightingsModel* m_devices = nullptr;
    UserSightingsModel* m_places = nullptr;
    QLabel* m_whySummary = nullptr;
    UserContributionsModel* m_contributions = nullptr;
    QLabel* m_response = nullptr;
    UserAuditModel* m_audit = nullptr;
};

} // namespace vigil::ui

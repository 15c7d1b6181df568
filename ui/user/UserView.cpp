// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/user/UserView.h"

#include "core/okta/OktaAdminUrl.h"
#include "core/pipeline/StoreReader.h"
#include "ui/console/AlertDetailPanel.h"
#include "ui/queue/QueueText.h"
#include "ui/user/UserActivityChart.h"
#include "ui/user/UserAuditModel.h"
#include "ui/user/UserContributionsModel.h"
#include "ui/user/UserSightingsModel.h"
#include "ui/user/UserTimelineModel.h"
#include "ui/user/UserTimelineProxy.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QClipboard>
#include <QDateTime>
#include <QDesktopServices>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace vigil::ui {

using pipeline::UserProfileRequest;

namespace {

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

bool isClosed(const QString& state)
{
    return state == u"resolved" || state == u"false_positive";
}

QTableView* makeTable(QAbstractItemModel* model, const QString& name, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

QLabel* makeLabel(const QString& name, QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setObjectName(name);
    l->setTextFormat(Qt::RichText);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

// Which of the detail panel's actions make sense in an alert's state (the same rules as its buttons).
struct ActionAvailability
{
    bool hold = false, cancel = false, suspend = false, resolve = false, falsePositive = false;

    static ActionAvailability of(const QString& state)
    {
        ActionAvailability a;
        const bool pending = state == u"suspension_pending";
        const bool open = !isClosed(state);
        a.hold = a.cancel = pending;
        a.suspend = open && state != u"suspended";
        a.resolve = a.falsePositive = open;
        return a;
    }
};

} // namespace

UserView::UserView(QWidget* parent)
    : QWidget(parent)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_timeline(new UserTimelineModel(this))
    , m_timelineProxy(new UserTimelineProxy(this))
    , m_devices(new UserSightingsModel(UserSightingsModel::Kind::Devices, this))
    , m_places(new UserSightingsModel(UserSightingsModel::Kind::Places, this))
    , m_contributions(new UserContributionsModel(this))
    , m_audit(new UserAuditModel(this))
{
    setObjectName(QStringLiteral("userView"));
    m_timelineProxy->setSourceModel(m_timeline);
    m_reloadTimer = new QTimer(this);
    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(1500); // snapshots come ten a second: one reload for a burst of them
    connect(m_reloadTimer, &QTimer::timeout, this, &UserView::reload);
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &UserView::refreshResponse);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    buildHeader();
    buildTabs();
    setSpan(UserProfileRequest::kDayMs);
    refreshHeader();
    refreshLiveParts();
}

UserView::~UserView() = default;

void UserView::buildHeader()
{
    auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
    m_title = makeLabel(QStringLiteral("userTitle"), this);
    m_subtitle = makeLabel(QStringLiteral("userSubtitle"), this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("userStatus"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("userBusy"));
    m_busy->setRange(0, 0); // busy indicator
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->hide();

    m_openAdmin = new QToolButton(this);
    m_openAdmin->setObjectName(QStringLiteral("openInOktaButton"));
    m_openAdmin->setText(tr("Open in Okta"));
    m_openAdmin->setAutoRaise(true);
    m_copyAdmin = new QToolButton(this);
    m_copyAdmin->setObjectName(QStringLiteral("copyOktaLinkButton"));
    m_copyAdmin->setText(tr("Copy link"));
    m_copyAdmin->setAutoRaise(true);
    connect(m_openAdmin, &QToolButton::clicked, this, &UserView::openAdminLink);
    connect(m_copyAdmin, &QToolButton::clicked, this, &UserView::copyAdminLink);

    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_openAdmin);
    titleRow->addWidget(m_copyAdmin);
    layout->addLayout(titleRow);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_subtitle, 1);
    statusRow->addWidget(m_busy);
    statusRow->addWidget(m_status);
    layout->addLayout(statusRow);

    // The same five actions as the detail panel, on the user's open alert.
    m_hold = new QPushButton(tr("&Hold (acknowledge)"), this);
    m_suspend = new QPushButton(tr("&Suspend now…"), this);
    m_cancel = new QPushButton(tr("&Cancel suspension…"), this);
    m_resolve = new QPushButton(tr("&Resolve"), this);
    m_falsePositive = new QPushButton(tr("&False positive…"), this);
    m_hold->setObjectName(QStringLiteral("userHoldButton"));
    m_suspend->setObjectName(QStringLiteral("userSuspendButton"));
    m_cancel->setObjectName(QStringLiteral("userCancelSuspensionButton"));
    m_resolve->setObjectName(QStringLiteral("userResolveButton"));
    m_falsePositive->setObjectName(QStringLiteral("userFalsePositiveButton"));
    m_hold->setToolTip(tr("Stops the auto-suspension countdown; the alert stays open with you as its owner."));
    m_suspend->setToolTip(tr("Suspends the Okta account now and ends its sessions (asks first)."));
    m_cancel->setToolTip(tr("Cancels the pending suspension; a reason is required."));
    const auto request = [this](const QString& action) {
        if (const auto alert = openAlert()) emit actionRequested(action, alert->alertId);
    };
    connect(m_hold, &QPushButton::clicked, this, [request] { request(QStringLiteral("ack")); });
    connect(m_suspend, &QPushButton::clicked, this, [request] { request(QStringLiteral("suspend")); });
    connect(m_cancel, &QPushButton::clicked, this, [request] { request(QStringLiteral("override")); });
    connect(m_resolve, &QPushButton::clicked, this, [request] { request(QStringLiteral("resolve")); });
    connect(m_falsePositive, &QPushButton::clicked, this, [request] { request(QStringLiteral("false-positive")); });

    auto* day = new QToolButton(this);
    day->setObjectName(QStringLiteral("userSpanDay"));
    day->setText(tr("24 h"));
    day->setToolTip(tr("The last 24 hours of event time"));
    auto* week = new QToolButton(this);
    week->setObjectName(QStringLiteral("userSpanWeek"));
    week->setText(tr("7 days"));
    week->setToolTip(tr("The last 7 days of event time"));
    m_spanGroup = new QButtonGroup(this);
    for (QToolButton* b : {day, week}) {
        b->setCheckable(true);
        b->setAutoRaise(true);
    }
    m_spanGroup->addButton(day, 1);
    m_spanGroup->addButton(week, 7);
    day->setChecked(true);
    connect(m_spanGroup, &QButtonGroup::idClicked, this,
            [this](int days) { setSpan(days * UserProfileRequest::kDayMs); });
    auto* reloadButton = new QToolButton(this);
    reloadButton->setObjectName(QStringLiteral("userReloadButton"));
    reloadButton->setText(tr("Reload"));
    reloadButton->setAutoRaise(true);
    reloadButton->setToolTip(tr("Read the user's events, responses and audit records from the store again"));
    connect(reloadButton, &QToolButton::clicked, this, &UserView::reload);

    auto* actions = new QHBoxLayout;
    for (QPushButton* b : {m_hold, m_suspend, m_cancel, m_resolve, m_falsePositive})
        actions->addWidget(b);
    actions->addStretch();
    actions->addWidget(new QLabel(tr("Show:"), this));
    actions->addWidget(day);
    actions->addWidget(week);
    actions->addWidget(reloadButton);
    layout->addLayout(actions);
}

void UserView::buildTabs()
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("userTabs"));
    m_tabs->setDocumentMode(true);

    // Timeline: the chart above the events.
    auto* timeline = new QWidget(m_tabs);
    m_chart = new UserActivityChart(timeline);
    m_filter = new QLineEdit(timeline);
    m_filter->setObjectName(QStringLiteral("userTimelineFilter"));
    m_filter->setPlaceholderText(tr("Filter events: type, outcome, IP, place, client…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_timelineProxy, &UserTimelineProxy::setText);
    m_timelineNote = new QLabel(timeline);
    m_timelineNote->setObjectName(QStringLiteral("userTimelineNote"));
    m_timelineView = makeTable(m_timelineProxy, QStringLiteral("userTimelineTable"), timeline);
    // The count beside the filter follows whatever the table shows.
    const auto updateNote = [this] {
        m_timelineNote->setText(tr("%n event(s) shown", nullptr, m_timelineProxy->rowCount()));
    };
    connect(m_timelineProxy, &QAbstractItemModel::modelReset, this, updateNote);
    connect(m_timelineProxy, &QAbstractItemModel::rowsInserted, this, updateNote);
    connect(m_timelineProxy, &QAbstractItemModel::rowsRemoved, this, updateNote);
    connect(m_timelineProxy, &QAbstractItemModel::layoutChanged, this, updateNote);
    m_timelineView->setSortingEnabled(true);
    m_timelineView->sortByColumn(UserTimelineModel::Time, Qt::DescendingOrder);
    QHeaderView* header = m_timelineView->horizontalHeader();
    // Widths for the longest usual values ("user.authentication.auth_via_mfa", "FAILURE · INVALID_CREDENTIALS");
    // the alerts column takes what is left, and tooltips hold whatever is cut.
    const QFontMetrics fm = m_timelineView->fontMetrics();
    header->resizeSection(UserTimelineModel::Time, fm.horizontalAdvance(QStringLiteral("Mon 24 Nov 16:02:03")) + 16);
    header->resizeSection(UserTimelineModel::Event,
                          fm.horizontalAdvance(QStringLiteral("user.authentication.auth_via_mfa")) + 12);
    header->resizeSection(UserTimelineModel::Outcome,
                          fm.horizontalAdvance(QStringLiteral("✗ FAILURE · INVALID_CREDENTIALS")) + 12);
    header->resizeSection(UserTimelineModel::Ip, fm.horizontalAdvance(QStringLiteral("203.0.113.211")) + 14);
    header->resizeSection(UserTimelineModel::Place,
                          fm.horizontalAdvance(QStringLiteral("San Francisco, United States")) + 12);
    header->resizeSection(UserTimelineModel::Client,
                          fm.horizontalAdvance(QStringLiteral("Chrome on Mac OS X · Computer")) + 12);
    auto* split = new QSplitter(Qt::Vertical, timeline);
    split->addWidget(m_chart);
    auto* below = new QWidget(split);
    auto* belowLayout = new QVBoxLayout(below);
    belowLayout->setContentsMargins(0, 0, 0, 0);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_timelineNote);
    belowLayout->addLayout(filterRow);
    belowLayout->addWidget(m_timelineView, 1);
    split->addWidget(below);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* timelineLayout = new QVBoxLayout(timeline);
    timelineLayout->setContentsMargins(0, 4, 0, 0);
    timelineLayout->addWidget(split);
    m_tabs->addTab(timeline, tr("Timeline"));

    // Devices & places.
    auto* sightings = new QWidget(m_tabs);
    auto* sightingsLayout = new QVBoxLayout(sightings);
    sightingsLayout->setContentsMargins(0, 4, 0, 0);
    m_devicesTitle = makeLabel(QStringLiteral("userDevicesTitle"), sightings);
    m_placesTitle = makeLabel(QStringLiteral("userPlacesTitle"), sightings);
    auto* devicesView = makeTable(m_devices, QStringLiteral("userDevicesTable"), sightings);
    auto* placesView = makeTable(m_places, QStringLiteral("userPlacesTable"), sightings);
    for (QTableView* v : {devicesView, placesView}) {
        // The name takes the room; the times and counts keep theirs.
        QHeaderView* h = v->horizontalHeader();
        h->setStretchLastSection(false);
        h->setSectionResizeMode(UserSightingsModel::Name, QHeaderView::Stretch);
        h->resizeSection(UserSightingsModel::Detail, 140);
        h->resizeSection(UserSightingsModel::FirstSeen, 140);
        h->resizeSection(UserSightingsModel::LastSeen, 140);
        h->resizeSection(UserSightingsModel::Events, 110);
    }
    sightingsLayout->addWidget(m_devicesTitle);
    sightingsLayout->addWidget(devicesView, 1);
    sightingsLayout->addWidget(m_placesTitle);
    sightingsLayout->addWidget(placesView, 1);
    m_tabs->addTab(sightings, tr("Devices && places"));

    // Why this score.
    auto* why = new QWidget(m_tabs);
    auto* whyLayout = new QVBoxLayout(why);
    whyLayout->setContentsMargins(0, 4, 0, 0);
    m_whySummary = makeLabel(QStringLiteral("userWhySummary"), why);
    auto* contributionsView = makeTable(m_contributions, QStringLiteral("userContributionsTable"), why);
    contributionsView->horizontalHeader()->resizeSection(UserContributionsModel::Points, 60);
    contributionsView->horizontalHeader()->resizeSection(UserContributionsModel::Detection, 160);
    whyLayout->addWidget(m_whySummary);
    whyLayout->addWidget(contributionsView, 1);
    m_tabs->addTab(why, tr("Why this score"));

    // Response & audit.
    auto* response = new QWidget(m_tabs);
    auto* responseLayout = new QVBoxLayout(response);
    responseLayout->setContentsMargins(0, 4, 0, 0);
    m_response = makeLabel(QStringLiteral("userResponse"), response);
    auto* auditView = makeTable(m_audit, QStringLiteral("userAuditTable"), response);
    auditView->horizontalHeader()->resizeSection(UserAuditModel::Time, 140);
    auditView->horizontalHeader()->resizeSection(UserAuditModel::Kind, 80);
    auditView->horizontalHeader()->resizeSection(UserAuditModel::Actor, 140);
    auditView->horizontalHeader()->resizeSection(UserAuditModel::Subject, 190);
    responseLayout->addWidget(m_response);
    auto* auditTitle = makeLabel(QStringLiteral("userAuditTitle"), response);
    auditTitle->setText(tr("<b>AUDIT</b> — records about this user and their alerts, newest first"));
    responseLayout->addWidget(auditTitle);
    responseLayout->addWidget(auditView, 1);
    m_tabs->addTab(response, tr("Response && audit"));

    qobject_cast<QVBoxLayout*>(layout())->addWidget(m_tabs, 1);
}

void UserView::setStoreReader(pipeline::StoreReader* reader)
{
    m_reader = reader;
    if (!m_login.isEmpty()) reload();
}

void UserView::setOktaAdminUrl(const QString& adminUrl)
{
    m_adminUrl = adminUrl;
    refreshHeader();
}

void UserView::setThresholds(const SeverityThresholds& thresholds)
{
    m_thresholds = thresholds;
    refreshHeader();
}

void UserView::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    refreshResponse();
}

void UserView::openUser(const QString& login)
{
    const QString trimmed = login.trimmed();
    if (trimmed.isEmpty()) return;
    if (trimmed == m_login && (m_loading || !m_profile.login.isEmpty())) return; // already shown
    m_login = trimmed;
    // Nothing of the previous user may stay on screen while this one loads.
    m_profile = pipeline::UserProfile{};
    m_alerts.clear();
    m_user.reset();
    m_liveKnown = false;
    m_liveSignature.clear();
    m_linkSignature.clear();
    m_filter->clear();
    // An answer still on its way is for the previous user: drop it when it comes.
    ++m_request;
    m_loading = false;
    m_reloadWanted = false;
    m_timeline->setEvents({});
    m_devices->setSightings({});
    m_places->setSightings({});
    m_audit->setRecords({});
    m_contributions->setContributions({});
    reload();
    refreshHeader();
    refreshLiveParts();
}

void UserView::reload()
{
    m_reloadTimer->stop();
    if (m_login.isEmpty()) return;
    if (!m_reader) {
        m_loading = false;
        m_busy->hide();
        m_status->setText(tr("The store is not available: no stored events to show."));
        return;
    }
    if (m_loading) {
        m_reloadWanted = true; // once the running one answers
        return;
    }
    m_loading = true;
    m_reloadWanted = false;
    m_busy->show();
    m_status->setText(tr("Loading…"));
    UserProfileRequest request;
    request.login = m_login;
    request.spanMs = UserProfileRequest::kWeekMs; // devices and places need the week; the chart picks its span
    for (const pipeline::ConsoleAlert& a : std::as_const(m_alerts))
        request.alerts.append(pipeline::UserAlertLink::from(a));
    const quint64 id = ++m_request;
    m_reader->query<pipeline::UserProfile>(
        this, [request](store::EventStore& store) { return pipeline::UserProfileBuilder::build(store, request); },
        [this, id](pipeline::UserProfile profile) {
            if (id != m_request) return; // another user (or a newer load) since
            applyProfile(std::move(profile));
        });
}

void UserView::applyProfile(pipeline::UserProfile profile)
{
    m_loading = false;
    m_busy->hide();
    m_profile = std::move(profile);
    // The alerts may have changed while loading: link the events to the ones known now.
    QList<pipeline::UserAlertLink> links;
    for (const pipeline::ConsoleAlert& a : std::as_const(m_alerts))
        links.append(pipeline::UserAlertLink::from(a));
    pipeline::UserProfileBuilder::linkAlerts(m_profile.events, links);

    m_timeline->setEvents(m_profile.events);
    m_chart->setHours(m_profile.hours);
    m_devices->setSightings(m_profile.devices);
    m_places->setSightings(m_profile.places);
    m_audit->setRecords(m_profile.audit);
    setSpan(m_chart->span()); // the span is measured from the newly loaded window's end

    const QLocale locale;
    QString status;
    if (!m_profile.error.isEmpty()) {
        status = m_profile.error;
    } else if (m_profile.events.isEmpty()) {
        status = tr("No stored events for this user in the last 7 days");
    } else {
        status =
            tr("%1 events in the last 7 days, newest %2")
                .arg(locale.toString(m_profile.events.size()), QueueText::absoluteTime(m_profile.events.first().atMs));
    }
    m_status->setText(status);
    if (m_profile.truncated) {
        m_status->setText(
            status + u' '
            + tr("(the newest %1 only, from %2)")
                  .arg(locale.toString(m_profile.events.size()), QueueText::absoluteTime(m_profile.coveredFromMs)));
    }
    const int newDevices = m_devices->newCount(), newPlaces = m_places->newCount();
    m_devicesTitle->setText(
        tr("<b>DEVICES</b> %1").arg(newDevices > 0 ? tr("· <b>%n new</b>", nullptr, newDevices) : tr("· none new")));
    m_placesTitle->setText(
        tr("<b>PLACES</b> %1").arg(newPlaces > 0 ? tr("· <b>%n new</b>", nullptr, newPlaces) : tr("· none new")));
    refreshHeader();
    refreshResponse();
    emit profileLoaded(m_profile.login);
    if (m_reloadWanted) scheduleReload();
}

void UserView::setSpan(qint64 spanMs)
{
    m_chart->setSpan(spanMs);
    // The table shows the same stretch as the chart.
    const qint64 end = m_profile.hours.isEmpty() ? -1 : m_profile.hours.last().startMs + UserProfileRequest::kHourMs;
    m_timelineProxy->setSince(end < 0 ? -1 : end - spanMs);
    if (QAbstractButton* b = m_spanGroup->button(int(spanMs / UserProfileRequest::kDayMs))) b->setChecked(true);
    m_timelineNote->setText(tr("%n event(s) shown", nullptr, m_timelineProxy->rowCount()));
}

void UserView::scheduleReload()
{
    if (!m_reloadTimer->isActive()) m_reloadTimer->start();
}

void UserView::applySnapshot(const pipeline::ConsoleSnapshot& snapshot)
{
    if (m_login.isEmpty()) return;
    std::optional<pipeline::ConsoleUser> user;
    for (const pipeline::ConsoleUser& u : snapshot.topUsers) {
        if (u.user.compare(m_login, Qt::CaseInsensitive) == 0) user = u;
    }
    setLiveState(snapshot.alerts, user);
    // A new sign-in of the user is a new row in the timeline.
    for (const pipeline::ConsoleSignIn& s : snapshot.newSignIns) {
        if (s.user.compare(m_login, Qt::CaseInsensitive) == 0) {
            scheduleReload();
            break;
        }
    }
}

void UserView::setLiveState(const QList<pipeline::ConsoleAlert>& alerts,
                            const std::optional<pipeline::ConsoleUser>& user)
{
    if (m_login.isEmpty()) return;
    QList<pipeline::ConsoleAlert> mine;
    for (const pipeline::ConsoleAlert& a : alerts) {
        if (a.user.compare(m_login, Qt::CaseInsensitive) == 0) mine.append(a);
    }
    m_alerts = mine;
    m_user = user && user->user.compare(m_login, Qt::CaseInsensitive) == 0 ? user : std::nullopt;

    // What the stored side depends on: the alerts' last events and states (a new state means new audit
    // records and a changed response row).
    QString live, links;
    for (const pipeline::ConsoleAlert& a : std::as_const(m_alerts)) {
        live += a.alertId + u'|' + a.state + u'|' + QString::number(a.lastSeenMs) + u'|' + a.acknowledgedBy + u';';
        links += a.alertId + u'|' + QString::number(a.lastSeenMs) + u'|' + a.sourceIps.join(u',') + u';';
    }
    if (!m_liveKnown) {
        // The first snapshot after openUser(): the load it started reads what the store has now.
        m_liveKnown = true;
        m_liveSignature = live;
    } else if (live != m_liveSignature) {
        m_liveSignature = live;
        scheduleReload();
    }
    if (links != m_linkSignature) {
        m_linkSignature = links;
        if (!m_profile.events.isEmpty()) {
            QList<pipeline::UserAlertLink> l;
            for (const pipeline::ConsoleAlert& a : std::as_const(m_alerts))
                l.append(pipeline::UserAlertLink::from(a));
            pipeline::UserProfileBuilder::linkAlerts(m_profile.events, l);
            m_timeline->setEvents(m_profile.events);
        }
    }
    refreshLiveParts();
}

std::optional<pipeline::ConsoleAlert> UserView::openAlert() const
{
    std::optional<pipeline::ConsoleAlert> best;
    for (const pipeline::ConsoleAlert& a : m_alerts) {
        if (isClosed(a.state)) continue;
        if (!best) {
            best = a;
            continue;
        }
        const bool ap = a.state == u"suspension_pending", bp = best->state == u"suspension_pending";
        if (ap != bp ? ap : a.peakRisk > best->peakRisk) best = a;
    }
    return best;
}

QUrl UserView::adminProfileUrl() const
{
    return okta::adminUserProfileUrl(m_adminUrl, m_profile.oktaUserId);
}

void UserView::openAdminLink()
{
    const QUrl url = adminProfileUrl();
    if (url.isValid()) QDesktopServices::openUrl(url);
}

void UserView::copyAdminLink()
{
    const QUrl url = adminProfileUrl();
    if (!url.isValid()) return;
    QGuiApplication::clipboard()->setText(url.toString());
    m_status->setText(tr("Link to the Okta admin console copied"));
}

void UserView::refreshHeader()
{
    if (m_login.isEmpty()) {
        m_title->setText(tr("<b>No user</b>"));
        m_subtitle->setText(tr("Press U on an alert or click a user on the risk board."));
        m_status->clear();
    } else {
        // Risk now (decayed) from the board, else the alerts'; severity from the open alert, else the risk.
        double risk = -1;
        QString severity;
        if (m_user) risk = m_user->risk;
        const std::optional<pipeline::ConsoleAlert> open = openAlert();
        if (open) {
            if (risk < 0) risk = open->risk;
            severity = open->severity;
        }
        QString title = QStringLiteral("<span style='font-size:large'><b>%1</b></span>")
                            .arg(esc(m_profile.displayName.isEmpty() ? m_login : m_profile.displayName));
        if (!m_profile.displayName.isEmpty()) title += QStringLiteral("&nbsp;&nbsp;%1").arg(esc(m_login));
        if (risk >= 0) {
            const SeverityBand band =
                severity.isEmpty() ? Severity::forRisk(risk, m_thresholds) : Severity::fromKey(severity);
            title += QStringLiteral("&nbsp;&nbsp;<span style='color:%1'>%2</span> ")
                         .arg(Severity::color(band, palette()).name(), Severity::glyph(band))
                     + tr("risk <b>%1</b> %2").arg(qRound(risk)).arg(esc(Severity::name(band)));
            if (open && qRound(open->peakRisk) > qRound(risk))
                title += QStringLiteral(" ") + tr("(peak %1)").arg(qRound(open->peakRisk));
        } else {
            title += QStringLiteral("&nbsp;&nbsp;") + tr("not at risk now");
        }
        m_title->setText(title);

        QStringList parts;
        if (open) {
            const QJsonObject& profile = open->profile;
            for (const QString& key : {QStringLiteral("title"), QStringLiteral("department")}) {
                if (!profile.value(key).toString().isEmpty()) parts << esc(profile.value(key).toString());
            }
            if (!profile.value(u"manager").toString().isEmpty())
                parts << tr("reports to %1").arg(esc(profile.value(u"manager").toString()));
        }
        parts << (m_profile.oktaUserId.isEmpty() ? tr("Okta id not seen yet")
                                                 : tr("Okta id %1").arg(esc(m_profile.oktaUserId)));
        if (m_user && !m_user->lastPlace.isEmpty()) parts << tr("last seen in %1").arg(esc(m_user->lastPlace));
        m_subtitle->setText(QStringLiteral("<small>%1</small>").arg(parts.join(QStringLiteral(" · "))));
        if (!m_loading && m_status->text().isEmpty() && !m_reader)
            m_status->setText(tr("The store is not available: no stored events to show."));
    }

    const QUrl url = adminProfileUrl();
    m_openAdmin->setEnabled(url.isValid());
    m_copyAdmin->setEnabled(url.isValid());
    const QString why = m_adminUrl.isEmpty()             ? tr("The Okta admin console's address is not known.")
                        : m_profile.oktaUserId.isEmpty() ? tr("The user's Okta id is not in the stored events yet.")
                                                         : QString();
    m_openAdmin->setToolTip(url.isValid() ? tr("Open %1").arg(url.toString()) : why);
    m_copyAdmin->setToolTip(url.isValid() ? tr("Copy %1").arg(url.toString()) : why);
}

void UserView::refreshLiveParts()
{
    refreshHeader();
    refreshActions();
    m_contributions->setContributions(pipeline::RiskContribution::of(m_alerts));

    QString why;
    if (m_alerts.isEmpty() && !m_user) {
        why = tr("<b>WHY</b> — no open alert and no recent risk for this user.");
    } else {
        const double risk = m_user ? m_user->risk : (openAlert() ? openAlert()->risk : 0);
        QStringList detections = m_user ? m_user->detections : QStringList();
        for (const pipeline::ConsoleAlert& a : std::as_const(m_alerts)) {
            for (const QString& d : a.detections) {
                if (!detections.contains(d)) detections.append(d);
            }
        }
        QStringList labels;
        for (const QString& d : std::as_const(detections))
            labels << esc(QueueText::detectionLabel(d));
        why = tr("<b>WHY %1</b> — %2").arg(qRound(risk)).arg(labels.join(QStringLiteral(", ")));
        why += QStringLiteral("<br><small>")
               + tr("The recent contributions behind the score, newest first. The score is their sum, decayed "
                    "with time and capped at 100.")
               + QStringLiteral("</small>");
    }
    m_whySummary->setText(why);
    refreshResponse();
}

void UserView::refreshActions()
{
    const std::optional<pipeline::ConsoleAlert> open = openAlert();
    const ActionAvailability can = ActionAvailability::of(open ? open->state : QStringLiteral("resolved"));
    m_hold->setEnabled(open && can.hold);
    m_cancel->setEnabled(open && can.cancel);
    m_suspend->setEnabled(open && can.suspend);
    m_resolve->setEnabled(open && can.resolve);
    m_falsePositive->setEnabled(open && can.falsePositive);
    const QString target = open ? tr("Acts on alert %1").arg(open->alertId) : tr("The user has no open alert");
    for (QPushButton* b : {m_hold, m_suspend, m_cancel, m_resolve, m_falsePositive})
        b->setStatusTip(target);
}

void UserView::refreshResponse()
{
    if (!m_response) return;
    // The live alert is fresher than the stored row; the stored row has what the snapshot leaves out.
    const std::optional<pipeline::ConsoleAlert> open = openAlert();
    std::optional<response::AlertResponse> stored;
    for (const response::AlertResponse& r : std::as_const(m_profile.responses)) {
        if (open ? r.alertId == open->alertId : r.isOpen()) {
            stored = r;
            break;
        }
    }
    if (!stored && !open && !m_profile.responses.isEmpty()) stored = m_profile.responses.first();

    QString text;
    bool ticking = false;
    if (!open && !stored) {
        text = tr("<b>RESPONSE</b> — the automation has not acted on this user.");
    } else {
        const QString alertId = open ? open->alertId : stored->alertId;
        const QString state = open ? open->state : stored->state;
        const qint64 deadline = open && open->deadlineMs >= 0              ? open->deadlineMs
                                : stored && state == u"suspension_pending" ? stored->deadlineMs
                                                                           : -1;
        const QString stepUp = open && !open->stepUp.isEmpty() ? open->stepUp : stored ? stored->stepUp : QString();
        const QString ackBy = open && !open->acknowledgedBy.isEmpty() ? open->acknowledgedBy
                              : stored                                ? stored->acknowledgedBy
                                                                      : QString();
        const QString reason = stored ? stored->reason : QString();
        const QString ticket = open && !open->ticket.isEmpty() ? open->ticket : stored ? stored->ticket : QString();
        const QString decision = open && !open->decision.isEmpty() ? open->decision
                                 : stored                          ? stored->decision
                                                                   : QString();

        text = tr("<b>RESPONSE</b> to %1: <b>%2</b>").arg(esc(alertId), esc(QueueText::stateName(state)));
        if (state == u"suspension_pending" && deadline >= 0) {
            ticking = true;
            text += QStringLiteral(" — ")
                    + tr("auto-suspend in <b>%1</b> unless acknowledged").arg(formatCountdown(deadline - m_clock()));
        }
        QStringList rows;
        rows << tr("Step-up: %1").arg(esc(stepUp.isEmpty() ? tr("none") : stepUp));
        if (!ackBy.isEmpty()) rows << tr("Acknowledged by %1").arg(esc(ackBy));
        if (!reason.isEmpty()) rows << tr("Reason: %1").arg(esc(reason));
        if (!ticket.isEmpty()) rows << tr("Ticket %1").arg(esc(ticket));
        if (!decision.isEmpty()) rows << tr("Decision: %1").arg(esc(decision));
        text += QStringLiteral("<br>") + rows.join(QStringLiteral(" · "));
        // Earlier responses, briefly: a user suspended last week and again today is worth knowing about.
        QStringList earlier;
        for (const response::AlertResponse& r : std::as_const(m_profile.responses)) {
            if (r.alertId == alertId) continue;
            earlier << tr("%1 %2 (%3)")
                           .arg(esc(r.alertId), esc(QueueText::stateName(r.state)),
                                QueueText::absoluteTime(r.openedMs));
        }
        if (!earlier.isEmpty())
            text += QStringLiteral("<br><small>") + tr("Earlier: %1").arg(earlier.join(QStringLiteral("; ")))
                    + QStringLiteral("</small>");
    }
    QStringList suppressions;
    for (const response::Suppression& s : std::as_const(m_profile.suppressions)) {
        if (!s.activeAt(m_clock())) continue;
        suppressions << tr("%1 by %2 until %3: %4")
                            .arg(s.detections.isEmpty() ? tr("all detections") : esc(s.detections.join(u", ")),
                                 esc(s.owner), QueueText::absoluteTime(s.expiresMs), esc(s.reason));
    }
    if (!suppressions.isEmpty())
        text += QStringLiteral("<br>") + tr("<b>Suppressed</b>: %1").arg(suppressions.join(QStringLiteral("; ")));
    m_response->setText(text);
    if (ticking && !m_tick->isActive())
        m_tick->start();
    else if (!ticking)
        m_tick->stop();
}

} // namespace vigil::ui

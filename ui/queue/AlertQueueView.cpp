// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertQueueView.h"

#include "ui/Icons.h"
#include "ui/Severity.h"
#include "ui/queue/AlertFilterProxy.h"
#include "ui/queue/AlertQueueDelegate.h"
#include "ui/queue/AlertQueueModel.h"
#include "ui/queue/FilterBar.h"
#include "ui/queue/QueueText.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace vigil::ui {

namespace {

QStringList usersOf(const QList<AlertRow>& rows)
{
    QStringList users;
    for (const AlertRow& r : rows) {
        if (!users.contains(r.user)) users.append(r.user);
    }
    return users;
}

QStringList detectionsOf(const QList<AlertRow>& rows)
{
    QStringList detections;
    for (const AlertRow& r : rows) {
        for (const QString& d : r.detections) {
            if (!detections.contains(d)) detections.append(d);
        }
    }
    return detections;
}

QString number(qsizetype n)
{
    return QLocale().toString(qlonglong(n));
}

} // namespace

AlertQueueView::AlertQueueView(QWidget* parent)
    : QWidget(parent)
    , m_model(new AlertQueueModel(this))
    , m_proxy(new AlertFilterProxy(this))
    , m_filterBar(new FilterBar(this))
    , m_summary(new QLabel(this))
    , m_groupButton(new QToolButton(this))
    , m_keysButton(new QToolButton(this))
    , m_pendingBar(new QFrame(this))
    , m_pendingIcon(new QLabel(m_pendingBar))
    , m_pendingText(new QLabel(m_pendingBar))
    , m_holdButton(new QPushButton(tr("&Hold"), m_pendingBar))
    , m_approveButton(new QPushButton(tr("Approve &now"), m_pendingBar))
    , m_cancelButton(new QPushButton(tr("&Cancel suspension…"), m_pendingBar))
    , m_table(new QTableView(this))
    , m_emptyLabel(new QLabel(m_table->viewport()))
    , m_dialogs(std::make_unique<DialogPrompter>())
    , m_prompter(m_dialogs.get())
{
    setObjectName(u"alertQueueView"_qs);
    m_table->setObjectName(u"alertQueueTableView"_qs);
    m_summary->setObjectName(u"alertQueueSummaryLabel"_qs);
    m_groupButton->setObjectName(u"groupByUserToolButton"_qs);
    m_keysButton->setObjectName(u"queueKeysToolButton"_qs);
    m_pendingBar->setObjectName(u"pendingSuspensionFrame"_qs);
    m_pendingText->setObjectName(u"pendingSuspensionLabel"_qs);
    m_holdButton->setObjectName(u"holdPushButton"_qs);
    m_approveButton->setObjectName(u"approvePushButton"_qs);
    m_cancelButton->setObjectName(u"cancelSuspensionPushButton"_qs);
    m_emptyLabel->setObjectName(u"emptyQueueLabel"_qs);

    m_proxy->setSourceModel(m_model);

    // Summary line: counts, grouping, keys.
    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    QFont summaryFont = m_summary->font();
    summaryFont.setBold(true);
    m_summary->setFont(summaryFont);
    m_summary->setTextFormat(Qt::PlainText);
    top->addWidget(m_summary, 1);
    m_groupButton->setText(tr("&Group by user"));
    m_groupButton->setCheckable(true);
    m_groupButton->setToolTip(tr("Keep each user's alerts together, most dangerous user first (g)"));
    top->addWidget(m_groupButton);
    m_keysButton->setText(tr("Keys…"));
    m_keysButton->setToolTip(tr("Keyboard shortcuts of the queue (?)"));
    top->addWidget(m_keysButton);

    // The pending-suspension bar: the next automatic suspension and the three ways to answer it.
    m_pendingBar->setFrameShape(QFrame::StyledPanel);
    m_pendingBar->setAutoFillBackground(true);
    auto* pendingLayout = new QHBoxLayout(m_pendingBar);
    pendingLayout->setContentsMargins(8, 4, 8, 4);
    m_pendingText->setTextFormat(Qt::PlainText);
    m_pendingText->setWordWrap(true);
    m_pendingIcon->setObjectName(u"pendingSuspensionIconLabel"_qs);
    pendingLayout->addWidget(m_pendingIcon);
    pendingLayout->addWidget(m_pendingText, 1);
    m_holdButton->setToolTip(tr("Acknowledge: keep the account active while you look into it (a)"));
    m_approveButton->setToolTip(tr("Suspend the account now instead of at the deadline (s)"));
    m_cancelButton->setToolTip(tr("Override: cancel the suspension, with a reason for the audit log (o)"));
    pendingLayout->addWidget(m_holdButton);
    pendingLayout->addWidget(m_approveButton);
    pendingLayout->addWidget(m_cancelButton);
    m_pendingBar->hide();

    // The table.
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new AlertQueueDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setTabKeyNavigation(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->setSortingEnabled(true);
    // What happens next first: pending suspensions by deadline, then the rest by risk (the model's tie-break).
    m_table->sortByColumn(AlertQueueModel::CountdownColumn, Qt::AscendingOrder);
    m_table->installEventFilter(this);
    m_table->viewport()->installEventFilter(this);
    m_table->setAccessibleName(tr("Alert queue"));
    applyColumnWidths();

    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextFormat(Qt::PlainText);
    m_emptyLabel->setAttribute(Qt::WA_TransparentForMouseEvents);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addWidget(m_filterBar);
    layout->addWidget(m_pendingBar);
    layout->addWidget(m_table, 1);

    // The filter bar's completer offers what the queue holds.
    m_filterBar->setValueProvider([this](const QString& field) {
        QStringList values;
        for (int r = 0; r < m_model->count(); ++r) {
            const AlertRow& row = m_model->rowAt(r);
            if (field == u"user")
                values.append(row.user);
            else if (field == u"country")
                values.append(row.country);
            else if (field == u"assignee")
                values.append(row.assignee.isEmpty() ? u"none"_qs : row.assignee);
            else if (field == u"ip")
                values.append(row.sourceIp);
            else if (field.startsWith(u"det"))
                values.append(row.detections);
        }
        values.removeDuplicates();
        values.sort(Qt::CaseInsensitive);
        return values;
    });

    connect(m_filterBar, &FilterBar::filterApplied, this, [this](const AlertFilter& filter) {
        m_proxy->setFilter(filter);
        refresh();
    });
    connect(m_filterBar, &FilterBar::leaveRequested, this, [this] {
        m_table->setFocus(Qt::OtherFocusReason);
        if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0) moveCurrent(0, false);
    });
    connect(m_groupButton, &QToolButton::toggled, this, &AlertQueueView::setGroupByUser);
    connect(m_keysButton, &QToolButton::clicked, this, &AlertQueueView::showKeys);
    applyIcons();
    connect(m_holdButton, &QPushButton::clicked, this, &AlertQueueView::holdPending);
    connect(m_approveButton, &QPushButton::clicked, this, &AlertQueueView::approvePending);
    connect(m_cancelButton, &QPushButton::clicked, this, &AlertQueueView::cancelPending);
    connect(m_table, &QTableView::customContextMenuRequested, this, &AlertQueueView::showContextMenu);
    connect(m_table, &QTableView::doubleClicked, this, &AlertQueueView::openCurrentUser);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &AlertQueueView::onCurrentChanged);
    connect(m_model, &AlertQueueModel::rowsApplied, this, &AlertQueueView::refresh);
    connect(m_model, &AlertQueueModel::nowChanged, this, &AlertQueueView::updatePendingBar);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &AlertQueueView::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &AlertQueueView::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &AlertQueueView::updateEmptyState);

    applyPendingBarColors();
    refresh();
}

AlertQueueView::~AlertQueueView() = default;

void AlertQueueView::setRows(const QList<AlertRow>& rows)
{
    m_model->setRows(rows);
}

void AlertQueueView::setPrompter(ActionPrompter* prompter)
{
    m_prompter = prompter ? prompter : m_dialogs.get();
}

ActionPrompter* AlertQueueView::prompter() const
{
    return m_prompter;
}

void AlertQueueView::setWatchedUsers(int users)
{
    m_watchedUsers = users;
    updateEmptyState();
}

void AlertQueueView::setEmptyText(const QString& text)
{
    m_emptyText = text;
    updateEmptyState();
}

QString AlertQueueView::emptyText() const
{
    if (!m_emptyText.isEmpty()) return m_emptyText;
    if (m_watchedUsers == 1) return tr("No open alerts — Vigil is watching 1 user");
    if (m_watchedUsers > 1) return tr("No open alerts — Vigil is watching %1 users").arg(number(m_watchedUsers));
    return tr("No open alerts — Vigil is watching");
}

QString AlertQueueView::emptyStateText() const
{
    return m_emptyLabel->isHidden() ? QString() : m_emptyLabel->text();
}

void AlertQueueView::setEnforcing(bool enforcing)
{
    m_enforcing = enforcing;
}

void AlertQueueView::setGroupByUser(bool group)
{
    m_proxy->setGroupByUser(group);
    if (m_groupButton->isChecked() != group) m_groupButton->setChecked(group);
    m_table->viewport()->update();
}

bool AlertQueueView::groupByUser() const
{
    return m_proxy->groupByUser();
}

QList<AlertRow> AlertQueueView::selectedRows() const
{
    QModelIndexList indexes = m_table->selectionModel()->selectedRows();
    if (indexes.isEmpty() && m_table->currentIndex().isValid()) indexes.append(m_table->currentIndex());
    std::sort(indexes.begin(), indexes.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QList<AlertRow> rows;
    rows.reserve(indexes.size());
    for (const QModelIndex& index : std::as_const(indexes))
        rows.append(m_proxy->row(index));
    return rows;
}

QString AlertQueueView::currentAlertId() const
{
    return m_table->currentIndex().data(AlertQueueModel::AlertIdRole).toString();
}

void AlertQueueView::selectAlerts(const QStringList& alertIds)
{
    QItemSelection selection;
    QModelIndex first;
    for (const QString& id : alertIds) {
        const QModelIndex index = m_proxy->indexOf(id);
        if (!index.isValid()) continue;
        if (!first.isValid()) first = index;
        selection.select(index, index.siblingAtColumn(AlertQueueModel::ColumnCount - 1));
    }
    QItemSelectionModel* model = m_table->selectionModel();
    if (first.isValid()) model->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    model->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid()) m_table->scrollTo(first);
}

QList<KeyHelp> AlertQueueView::keyHelp()
{
    return {
        {tr("j / k"), tr("Next / previous alert (Shift extends the selection)")},
        {tr("x, Space"), tr("Add or remove the current alert from the selection")},
        {tr("Ctrl+A"), tr("Select every alert in view")},
        {tr("a"), tr("Acknowledge (holds a pending suspension)")},
        {tr("o"), tr("Override: cancel a pending suspension, with a reason")},
        {tr("s"), tr("Suspend the account now (asks first)")},
        {tr("r"), tr("Resolve")},
        {tr("f"), tr("False positive: reason, note, optional suppression")},
        {tr("u, Enter"), tr("Open the user")},
        {tr("g"), tr("Group by user on or off")},
        {tr("/"), tr("Filter")},
        {tr("Esc"), tr("In the filter: clear it, then back to the queue")},
        {tr("?"), tr("This list")},
    };
}

// ---- keyboard -------------------------------------------------------------------------------------------------

bool AlertQueueView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        if (handleKey(static_cast<QKeyEvent*>(event))) return true;
    }
    if (watched == m_table && event->type() == QEvent::ShortcutOverride) {
        // Single letters belong to the queue while it has focus, even if a window-wide shortcut uses them.
        auto* key = static_cast<QKeyEvent*>(event);
        if (!(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) && !key->text().isEmpty()
            && key->text().at(0).isPrint()) {
            event->accept();
            return false;
        }
    }
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_emptyLabel->setGeometry(m_table->viewport()->rect().adjusted(16, 16, -16, -16));
    return QWidget::eventFilter(watched, event);
}

bool AlertQueueView::handleKey(QKeyEvent* event)
{
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) return false;
    const bool shift = event->modifiers() & Qt::ShiftModifier;
    // '/' and '?' by the character typed, so they work on keyboards where they need other keys.
    const QString text = event->text();
    if (text == u"/") {
        focusFilter();
        return true;
    }
    if (text == u"?") {
        showKeys();
        return true;
    }
    switch (event->key()) {
    case Qt::Key_J:
        moveCurrent(1, shift);
        return true;
    case Qt::Key_K:
        moveCurrent(-1, shift);
        return true;
    case Qt::Key_X:
    case Qt::Key_Space:
        toggleCurrentSelection();
        return true;
    case Qt::Key_G:
        setGroupByUser(!groupByUser());
        return true;
    default:
        break;
    }
    if (shift) return false;
    switch (event->key()) {
    case Qt::Key_A:
        acknowledgeSelected();
        return true;
    case Qt::Key_O:
        overrideSelected();
        return true;
    case Qt::Key_S:
        suspendSelected();
        return true;
    case Qt::Key_R:
        resolveSelected();
        return true;
    case Qt::Key_F:
        markFalsePositiveSelected();
        return true;
    case Qt::Key_U:
    case Qt::Key_Return:
    case Qt::Key_Enter:
        openCurrentUser();
        return true;
    default:
        break;
    }
    return false;
}

void AlertQueueView::moveCurrent(int delta, bool extend)
{
    const int rows = m_proxy->rowCount();
    if (rows == 0) return;
    const QModelIndex current = m_table->currentIndex();
    int row = current.isValid() ? current.row() + delta : (delta < 0 ? rows - 1 : 0);
    row = std::clamp(row, 0, rows - 1);
    const QModelIndex next = m_proxy->index(row, current.isValid() ? current.column() : 0);
    const auto flags = extend ? QItemSelectionModel::Select | QItemSelectionModel::Rows
                              : QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows;
    m_table->selectionModel()->setCurrentIndex(next, flags);
    m_table->scrollTo(next);
}

void AlertQueueView::toggleCurrentSelection()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) return;
    m_table->selectionModel()->select(current, QItemSelectionModel::Toggle | QItemSelectionModel::Rows);
}

// ---- actions ----------------------------------------------------------------------------------------------------

void AlertQueueView::acknowledgeSelected()
{
    acknowledge(selectedRows());
}

void AlertQueueView::overrideSelected()
{
    overrideAlerts(selectedRows());
}

void AlertQueueView::suspendSelected()
{
    suspend(selectedRows(), SuspendKind::SuspendNow);
}

void AlertQueueView::resolveSelected()
{
    resolve(selectedRows());
}

void AlertQueueView::markFalsePositiveSelected()
{
    markFalsePositive(selectedRows());
}

void AlertQueueView::assignSelectedToMe()
{
    const QList<AlertRow> rows = selectedRows();
    if (!rows.isEmpty()) send(u"assign"_qs, rows, {});
}

void AlertQueueView::unsuspendSelected()
{
    QList<AlertRow> rows;
    for (const AlertRow& r : selectedRows()) {
        if (r.state == u"suspended") rows.append(r);
    }
    if (rows.isEmpty()) return;
    ReasonRequest request;
    if (rows.size() == 1) {
        request.title = tr("Unsuspend %1").arg(rows.constFirst().user);
        request.text = tr("Reactivate %1's Okta account?").arg(rows.constFirst().user);
        request.acceptLabel = tr("Unsuspend");
    } else {
        request.title = tr("Unsuspend %1 accounts").arg(number(rows.size()));
        request.text = tr("Reactivate %1 Okta accounts?").arg(number(rows.size())) + u'\n'
                       + tr("Users: %1").arg(QueueText::userList(usersOf(rows)));
        request.acceptLabel = tr("Unsuspend %1").arg(number(rows.size()));
    }
    request.text += u"\n\n" + tr("Okta lets the user sign in again; their sessions stay cleared.");
    request.suggestions = {tr("Verified with the user"), tr("Password reset and MFA re-enrolled"), tr("False alarm")};
    request.required = true;
    const std::optional<QString> reason = m_prompter->askReason(this, request);
    if (!reason || reason->trimmed().isEmpty()) return;
    send(u"unsuspend"_qs, rows, reason->trimmed());
}

void AlertQueueView::openCurrentUser()
{
    const QString user = m_table->currentIndex().data(AlertQueueModel::UserLoginRole).toString();
    if (!user.isEmpty()) emit userActivated(user);
}

void AlertQueueView::focusFilter()
{
    m_filterBar->focusFilter();
}

void AlertQueueView::showKeys()
{
    m_prompter->showCheatSheet(this, keyHelp());
}

std::optional<AlertRow> AlertQueueView::pendingBarRow() const
{
    const QModelIndex index = m_model->indexOf(m_pendingAlertId);
    if (!index.isValid()) return std::nullopt;
    return m_model->row(index);
}

void AlertQueueView::holdPending()
{
    if (const auto row = pendingBarRow()) acknowledge({*row});
}

void AlertQueueView::approvePending()
{
    if (const auto row = pendingBarRow()) suspend({*row}, SuspendKind::ApprovePending);
}

void AlertQueueView::cancelPending()
{
    if (const auto row = pendingBarRow()) overrideAlerts({*row});
}

void AlertQueueView::send(const QString& action,
                          const QList<AlertRow>& rows,
                          const QString& reason,
                          double suppressHours,
                          const QStringList& suppressDetections)
{
    QList<response::AnalystCommand> commands;
    commands.reserve(rows.size());
    for (const AlertRow& row : rows) {
        response::AnalystCommand c;
        c.action = action;
        c.alertId = row.alertId;
        c.reason = reason;
        c.suppressHours = suppressHours;
        c.suppressDetections = suppressDetections;
        commands.append(c);
    }
    if (!commands.isEmpty()) emit commandsRequested(commands);
}

void AlertQueueView::acknowledge(const QList<AlertRow>& rows)
{
    if (rows.isEmpty()) return;
    // One alert is acknowledged at once: it changes nothing in Okta and holds a pending suspension. Several are
    // confirmed with their exact count.
    if (rows.size() > 1) {
        const QStringList users = usersOf(rows);
        ConfirmRequest request;
        request.title = tr("Acknowledge alerts");
        request.text = tr("Acknowledge %1 alerts?").arg(number(rows.size())) + u"\n\n"
                       + tr("Users: %1").arg(QueueText::userList(users)) + u'\n'
                       + tr("Pending suspensions among them are held: the accounts stay active until someone "
                            "decides.");
        request.acceptLabel = tr("Acknowledge %1").arg(number(rows.size()));
        if (!m_prompter->confirm(this, request)) return;
    }
    send(u"ack"_qs, rows, {});
}

void AlertQueueView::overrideAlerts(const QList<AlertRow>& rows)
{
    if (rows.isEmpty()) return;
    const QStringList users = usersOf(rows);
    ReasonRequest request;
    if (rows.size() == 1) {
        request.title = tr("Override the alert for %1").arg(rows.constFirst().user);
        request.text =
            rows.constFirst().isPending()
                ? tr("Cancel the automatic suspension of %1 and keep the account active?").arg(rows.constFirst().user)
                : tr("Override the alert for %1: the automation will not suspend the account for it.")
                      .arg(rows.constFirst().user);
        request.acceptLabel = tr("Override");
    } else {
        request.title = tr("Override %1 alerts").arg(number(rows.size()));
        request.text = tr("Override %1 alerts?").arg(number(rows.size())) + u'\n'
                       + tr("Pending suspensions among them are cancelled; the accounts stay active. Users: %1")
                             .arg(QueueText::userList(users));
        request.acceptLabel = tr("Override %1").arg(number(rows.size()));
    }
    request.text += u"\n\n" + tr("The reason goes to the audit log with your name.");
    request.suggestions = {tr("User confirmed the activity"), tr("Known VPN or travel"),
                           tr("Executive travelling, verified by phone"), tr("Test or service account")};
    request.required = true;
    const std::optional<QString> reason = m_prompter->askReason(this, request);
    if (!reason || reason->trimmed().isEmpty()) return;
    send(u"override"_qs, rows, reason->trimmed());
}

void AlertQueueView::suspend(const QList<AlertRow>& rows, SuspendKind kind)
{
    if (rows.isEmpty()) return;
    const QStringList users = usersOf(rows);
    ConfirmRequest request;
    request.destructive = true;
    if (users.size() == 1) {
        request.title = tr("Suspend %1").arg(users.constFirst());
        request.text = tr("Suspend the Okta account %1 now?").arg(users.constFirst());
        request.acceptLabel = tr("Suspend %1").arg(users.constFirst());
    } else {
        request.title = tr("Suspend %1 accounts").arg(number(users.size()));
        request.text = tr("Suspend %1 Okta accounts now (%2 alerts)?").arg(number(users.size()), number(rows.size()))
                       + u'\n' + QueueText::userList(users, 8);
        request.acceptLabel = tr("Suspend %1 accounts").arg(number(users.size()));
    }
    request.text += u"\n\n";
    if (m_enforcing) {
        request.text += tr("Okta signs them out everywhere (sessions and OAuth tokens are revoked) and blocks sign-in "
                           "until someone unsuspends the account. On-call is updated, and the IT team, the manager "
                           "and the ticket system are told where that is set up.");
    } else {
        request.text += tr("Vigil is in monitor mode: this records a suspension recommendation; nothing changes in "
                           "Okta.");
    }
    if (!m_prompter->confirm(this, request)) return;
    send(u"suspend"_qs, rows,
         kind == SuspendKind::ApprovePending ? tr("approved from the alert queue")
                                             : tr("suspended from the alert queue"));
}

void AlertQueueView::resolve(const QList<AlertRow>& rows)
{
    if (rows.isEmpty()) return;
    ReasonRequest request;
    if (rows.size() == 1) {
        request.title = tr("Resolve the alert for %1").arg(rows.constFirst().user);
        request.text = tr("Resolve the alert for %1?").arg(rows.constFirst().user);
        request.acceptLabel = tr("Resolve");
    } else {
        request.title = tr("Resolve %1 alerts").arg(number(rows.size()));
        request.text = tr("Resolve %1 alerts?").arg(number(rows.size())) + u'\n'
                       + tr("Users: %1").arg(QueueText::userList(usersOf(rows)));
        request.acceptLabel = tr("Resolve %1").arg(number(rows.size()));
    }
    request.text += u"\n\n" + tr("Resolving closes the alert and stops its pending automation.");
    request.suggestions = {tr("Contained"), tr("Expected activity"), tr("Handled in a ticket"), tr("Duplicate")};
    request.required = false;
    const std::optional<QString> reason = m_prompter->askReason(this, request);
    if (!reason) return;
    send(u"resolve"_qs, rows, reason->trimmed());
}

void AlertQueueView::markFalsePositive(const QList<AlertRow>& rows)
{
    if (rows.isEmpty()) return;
    FalsePositiveRequest request;
    request.count = int(rows.size());
    request.users = usersOf(rows);
    request.detections = detectionsOf(rows);
    if (rows.size() == 1) {
        request.title = tr("False positive: %1").arg(rows.constFirst().user);
        request.text = tr("Mark the alert for %1 as a false positive?").arg(rows.constFirst().user);
    } else {
        request.title = tr("Mark %1 false positives").arg(number(rows.size()));
        request.text = tr("Mark %1 alerts as false positives?").arg(number(rows.size())) + u'\n'
                       + tr("Users: %1").arg(QueueText::userList(request.users));
    }
    const std::optional<FalsePositiveAnswer> answer = m_prompter->askFalsePositive(this, request);
    if (!answer || answer->reason.trimmed().isEmpty()) return;
    send(u"false-positive"_qs, rows, answer->reason.trimmed(), answer->suppressHours, answer->suppressDetections);
}

void AlertQueueView::showContextMenu(const QPoint& position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (index.isValid() && !m_table->selectionModel()->isRowSelected(index.row(), {})) {
        m_table->selectionModel()->setCurrentIndex(index,
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    const QList<AlertRow> rows = selectedRows();
    if (rows.isEmpty()) return;
    const int n = int(rows.size());
    const auto label = [n](const QString& one, const QString& many) { return n == 1 ? one : many.arg(n); };

    QMenu menu(this);
    QList<AlertRow> pending;
    for (const AlertRow& r : rows) {
        if (r.isPending()) pending.append(r);
    }
    if (!pending.isEmpty()) {
        menu.addSection(pending.size() == 1 ? tr("Pending suspension") : tr("Pending suspensions"));
        menu.addAction(Icons::get(QStringLiteral("hold"), palette()), tr("Hold (acknowledge)"), this,
                       [this, pending] { acknowledge(pending); });
        menu.addAction(Icons::get(QStringLiteral("suspend"), palette()), tr("Approve suspension now…"), this,
                       [this, pending] { suspend(pending, SuspendKind::ApprovePending); });
        menu.addAction(Icons::get(QStringLiteral("cancel"), palette()), tr("Cancel suspension…"), this,
                       [this, pending] { overrideAlerts(pending); });
        menu.addSeparator();
    }
    menu.addAction(Icons::get(QStringLiteral("hold"), palette()),
                   label(tr("Acknowledge"), tr("Acknowledge %1 alerts…")), this, [this, rows] { acknowledge(rows); })
        ->setShortcut(QKeySequence(Qt::Key_A));
    menu.addAction(Icons::get(QStringLiteral("override"), palette()), label(tr("Override…"), tr("Override %1 alerts…")),
                   this, [this, rows] { overrideAlerts(rows); })
        ->setShortcut(QKeySequence(Qt::Key_O));
    menu.addAction(Icons::get(QStringLiteral("suspend"), palette()),
                   label(tr("Suspend now…"), tr("Suspend for %1 alerts…")), this,
                   [this, rows] { suspend(rows, SuspendKind::SuspendNow); })
        ->setShortcut(QKeySequence(Qt::Key_S));
    menu.addAction(Icons::get(QStringLiteral("resolve"), palette()), label(tr("Resolve…"), tr("Resolve %1 alerts…")),
                   this, [this, rows] { resolve(rows); })
        ->setShortcut(QKeySequence(Qt::Key_R));
    menu.addAction(Icons::get(QStringLiteral("false-positive"), palette()),
                   label(tr("False positive…"), tr("Mark %1 false positives…")), this,
                   [this, rows] { markFalsePositive(rows); })
        ->setShortcut(QKeySequence(Qt::Key_F));
    menu.addSeparator();
    menu.addAction(Icons::get(QStringLiteral("assign"), palette()),
                   label(tr("Assign to me"), tr("Assign %1 alerts to me")), this, &AlertQueueView::assignSelectedToMe);
    if (std::any_of(rows.begin(), rows.end(), [](const AlertRow& r) { return r.state == u"suspended"; })) {
        menu.addAction(Icons::get(QStringLiteral("unsuspend"), palette()), tr("Unsuspend…"), this,
                       &AlertQueueView::unsuspendSelected);
    }
    menu.addAction(Icons::get(QStringLiteral("user"), palette()), tr("Open user"), this,
                   &AlertQueueView::openCurrentUser)
        ->setShortcut(QKeySequence(Qt::Key_U));
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

// ---- state ------------------------------------------------------------------------------------------------------

void AlertQueueView::onCurrentChanged()
{
    const QString id = currentAlertId();
    updatePendingBar();
    if (id == m_lastAlertId) return;
    m_lastAlertId = id;
    if (!id.isEmpty()) emit alertSelected(id);
}

void AlertQueueView::refresh()
{
    updateSummary();
    updatePendingBar();
    updateEmptyState();
    // Group heads show counts that other rows' changes move; repaint what is visible.
    if (m_proxy->groupByUser()) m_table->viewport()->update();
}

void AlertQueueView::updateSummary()
{
    const int total = m_model->count();
    const int pending = m_model->pendingCount();
    QStringList parts;
    parts.append(total == 1 ? tr("1 alert") : tr("%1 alerts").arg(number(total)));
    if (pending == 1)
        parts.append(tr("1 pending suspension"));
    else if (pending > 1)
        parts.append(tr("%1 pending suspensions").arg(number(pending)));
    if (!m_proxy->filter().isEmpty()) parts.append(tr("%1 shown").arg(number(m_proxy->rowCount())));
    //: The queue's title line: "Alert queue · 30 alerts · 1 pending suspension · 12 shown".
    m_summary->setText(tr("Alert queue") + u" · " + parts.join(u" · "));
}

void AlertQueueView::updatePendingBar()
{
    // The selected alert when it is pending; otherwise the next suspension due anywhere in the queue, even one the
    // filter hides, because a filter must not hide that an account is about to be suspended.
    QString id;
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid() && current.data(AlertQueueModel::PendingRole).toBool()) {
        id = current.data(AlertQueueModel::AlertIdRole).toString();
    } else if (m_model->pendingCount() > 0) {
        qint64 soonest = std::numeric_limits<qint64>::max();
        for (int r = 0; r < m_model->count(); ++r) {
            const AlertRow& row = m_model->rowAt(r);
            if (row.isPending() && row.deadlineMs < soonest) {
                soonest = row.deadlineMs;
                id = row.alertId;
            }
        }
    }
    m_pendingAlertId = id;
    const std::optional<AlertRow> row = pendingBarRow();
    if (!row) {
        m_pendingBar->hide();
        return;
    }
    const qint64 remaining = row->deadlineMs - m_model->now();
    QString text = row->deadlineMs < 0 ? tr("Vigil will suspend %1 unless someone holds or cancels it.").arg(row->user)
                   : remaining > 0     ? tr("Vigil suspends %1 in %2 unless someone holds or cancels it.")
                                         .arg(row->user, QueueText::countdownText(remaining))
                                   : tr("The suspension of %1 is due now.").arg(row->user);
    if (row->alertId != currentAlertId()) {
        const int others = m_model->pendingCount() - 1;
        QString prefix = tr("Next pending suspension:");
        if (!m_proxy->indexOf(row->alertId).isValid()) prefix = tr("Next pending suspension (hidden by the filter):");
        text = prefix + u' ' + text;
        if (others == 1)
            text += u' ' + tr("1 more pending.");
        else if (others > 1)
            text += u' ' + tr("%1 more pending.").arg(number(others));
    }
    m_pendingText->setText(text);
    m_pendingText->setAccessibleName(text);
    m_pendingBar->setToolTip(row->decision);
    m_pendingBar->show();
}

void AlertQueueView::updateEmptyState()
{
    QString text;
    if (m_model->count() == 0) {
        text = emptyText();
    } else if (m_proxy->rowCount() == 0) {
        const int hidden = m_proxy->hiddenCount();
        text = (hidden == 1 ? tr("No alerts match “%1”; the filter hides 1 alert.").arg(m_proxy->filter().text())
                            : tr("No alerts match “%1”; the filter hides %2 alerts.")
                                  .arg(m_proxy->filter().text(), number(hidden)))
               + u'\n' + tr("Press Esc in the filter to clear it.");
    }
    m_emptyLabel->setText(text);
    m_emptyLabel->setVisible(!text.isEmpty());
    m_emptyLabel->setGeometry(m_table->viewport()->rect().adjusted(16, 16, -16, -16));
    QPalette palette = m_emptyLabel->palette();
    palette.setColor(QPalette::WindowText, m_table->palette().color(QPalette::PlaceholderText));
    m_emptyLabel->setPalette(palette);
    updateSummary();
}

void AlertQueueView::applyColumnWidths()
{
    QHeaderView* header = m_table->horizontalHeader();
    const QFontMetrics fm = m_table->fontMetrics();
    QFont bold = m_table->font();
    bold.setBold(true);
    const QFontMetrics bfm(bold);
    const int pad = 20;
    const auto headerWidth = [&](int column) {
        return fm.horizontalAdvance(m_model->headerData(column, Qt::Horizontal).toString()) + pad + 16;
    };
    const auto fit = [&](int column, int content) {
        header->resizeSection(column, std::max(content, headerWidth(column)));
    };
    header->setMinimumSectionSize(fm.horizontalAdvance(u"0000"_qs));
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setHighlightSections(false);
    fit(AlertQueueModel::SeverityColumn,
        bfm.horizontalAdvance(Severity::name(SeverityBand::Critical)) + fm.height() + pad);
    fit(AlertQueueModel::UserColumn, fm.horizontalAdvance(u"bruce.brute@corp.example.com"_qs) + pad);
    fit(AlertQueueModel::RiskColumn,
        12 + AlertQueueDelegate::riskNumberWidth(fm) + 6 + AlertQueueDelegate::sparklineWidth(fm) + pad);
    // Wide enough for the longest state with its step-up outcome, so the usual statuses are never elided.
    int status = 0;
    for (const auto& [state, stepUp] :
         {std::pair{u"stepped_up"_qs, u"REJECTED"_qs}, std::pair{u"suspension_pending"_qs, u"TIMEOUT"_qs},
          std::pair{u"suspension_pending"_qs, u"REJECTED"_qs}}) {
        AlertRow row;
        row.state = state;
        row.stepUp = stepUp;
        status = std::max(status, fm.horizontalAdvance(QueueText::statusText(row)));
    }
    for (const QString& state : {u"suspension_pending"_qs, u"suspension_recommended"_qs, u"false_positive"_qs})
        status = std::max(status, fm.horizontalAdvance(QueueText::stateName(state)));
    fit(AlertQueueModel::StatusColumn, status + pad);
    fit(AlertQueueModel::CountdownColumn, bfm.horizontalAdvance(u"00:00"_qs) + fm.height() + pad);
    fit(AlertQueueModel::AgeColumn, fm.horizontalAdvance(QueueText::ageText(59 * 60000)) + pad);
    fit(AlertQueueModel::SourceIpColumn, fm.horizontalAdvance(u"255.255.255.255"_qs) + pad);
    fit(AlertQueueModel::CountryColumn, fm.horizontalAdvance(u"United Kingdom"_qs) + pad);
    fit(AlertQueueModel::AssigneeColumn, fm.horizontalAdvance(u"alex.analyst"_qs) + pad);
    fit(AlertQueueModel::DetectionsColumn, fm.horizontalAdvance(u"brute force  Tor/VPN  MFA fatigue"_qs) + pad);
    header->setSectionResizeMode(AlertQueueModel::DetectionsColumn, QHeaderView::Stretch);

    QHeaderView* rows = m_table->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fm.height() + 10);
}

void AlertQueueView::applyPendingBarColors()
{
    // A tint of the critical colour over the window colour, in both themes; text stays the palette's.
    QPalette palette = m_pendingBar->palette();
    const QColor window = this->palette().color(QPalette::Window);
    const QColor accent = Severity::color(SeverityBand::Critical, this->palette());
    const qreal t = Severity::isDark(this->palette()) ? 0.25 : 0.12;
    palette.setColor(QPalette::Window, QColor::fromRgbF(float(window.redF() * (1 - t) + accent.redF() * t),
                                                        float(window.greenF() * (1 - t) + accent.greenF() * t),
                                                        float(window.blueF() * (1 - t) + accent.blueF() * t)));
    m_pendingBar->setPalette(palette);

    // A clock drawn in the critical colour: fonts do not reliably carry a stopwatch glyph.
    const int size = fontMetrics().height();
    const qreal ratio = devicePixelRatioF();
    QPixmap clock(QSize(size, size) * ratio);
    clock.setDevicePixelRatio(ratio);
    clock.fill(Qt::transparent);
    QPainter painter(&clock);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(accent, 1.6, Qt::SolidLine, Qt::RoundCap));
    const QPointF c(size / 2.0, size / 2.0);
    const qreal r = size / 2.0 - 1.5;
    painter.drawEllipse(c, r, r);
    painter.drawLine(c, c + QPointF(0, -r * 0.6));
    painter.drawLine(c, c + QPointF(r * 0.45, 0));
    painter.end();
    m_pendingIcon->setPixmap(clock);
}

void AlertQueueView::applyIcons()
{
    m_holdButton->setIcon(Icons::get(QStringLiteral("hold"), palette()));
    m_approveButton->setIcon(Icons::get(QStringLiteral("suspend"), palette()));
    m_cancelButton->setIcon(Icons::get(QStringLiteral("cancel"), palette()));
}

void AlertQueueView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyPendingBarColors();
        applyIcons();
        updateEmptyState();
    } else if (event->type() == QEvent::FontChange) {
        applyColumnWidths();
    }
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertQueueModel.h"

#include "ui/queue/QueueText.h"

#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QHostAddress>
#include <QPalette>

#include <limits>

namespace vigil::ui {

namespace {

template <typename T> int threeWay(const T& a, const T& b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

// IPv4 before IPv6, each in numeric order; anything unparsable last, by its text.
QByteArray ipSortKey(const QString& ip)
{
    QByteArray key;
    const QHostAddress address(ip);
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        key.reserve(5);
        key.append(char(0));
        for (int shift = 24; shift >= 0; shift -= 8)
            key.append(char((v4 >> shift) & 0xff));
    } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        key.append(char(1));
        key.append(reinterpret_cast<const char*>(v6.c), 16);
    } else {
        key.append(char(2));
        key.append(ip.toUtf8());
    }
    return key;
}

} // namespace

AlertQueueModel::AlertQueueModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_now(QDateTime::currentMSecsSinceEpoch())
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] { setNow(m_clock()); });
    m_tick.start();
}

AlertQueueModel::Entry AlertQueueModel::makeEntry(const AlertRow& row)
{
    Entry e;
    e.row = row;
    e.band = QueueText::band(row);
    e.userKey = row.user.toLower();
    QStringList labels;
    labels.reserve(row.detections.size());
    for (const QString& d : row.detections)
        labels.append(QueueText::detectionLabel(d));
    e.detectionsText = labels.join(u" · ");
    e.ipKey = ipSortKey(row.sourceIp);
    e.stateUrgency = QueueText::stateUrgency(row.state);
    return e;
}

void AlertQueueModel::setRows(const QList<AlertRow>& rows)
{
    // The snapshot by id; a repeated id keeps its last occurrence.
    QHash<QString, qsizetype> incoming;
    incoming.reserve(rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        incoming.insert(rows.at(i).alertId, i);

    bool changed = false;

    // 1. Rows that left the snapshot, bottom-up in contiguous runs so each run is one removal.
    bool removed = false;
    for (int last = int(m_entries.size()) - 1; last >= 0;) {
        if (incoming.contains(m_entries.at(last).row.alertId)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !incoming.contains(m_entries.at(first - 1).row.alertId))
            --first;
        beginRemoveRows({}, first, last);
        m_entries.remove(first, last - first + 1);
        endRemoveRows();
        removed = true;
        last = first - 1;
    }
    if (removed) {
        rebuildIndex();
        changed = true;
    }

    // 2. Rows that changed, in place, each with dataChanged limited to the columns that changed: the proxy re-sorts
    // a row only when its sort column is in the range, so a new trend sample does not move rows sorted by countdown.
    // A few changes go out one by one (each may cost the proxy a layout change); many go out as one span, which the
    // proxy re-sorts in one pass instead of one layout change per row.
    struct Change
    {
        int row;
        int first;
        int last;
    };
    QList<Change> changes;
    for (int r = 0; r < int(m_entries.size()); ++r) {
        const AlertRow& next = rows.at(incoming.value(m_entries.at(r).row.alertId));
        if (m_entries.at(r).row == next) continue;
        const auto [first, last] = changedColumns(m_entries.at(r).row, next);
        const double userMaxRisk = m_entries.at(r).userMaxRisk;
        m_entries[r] = makeEntry(next);
        m_entries[r].userMaxRisk = userMaxRisk; // until recount()
        changes.append({r, first, last});
    }
    constexpr qsizetype kSeparateChanges = 16;
    if (changes.size() <= kSeparateChanges) {
        for (const Change& c : std::as_const(changes))
            emit dataChanged(index(c.row, c.first), index(c.row, c.last));
    } else {
        int first = ColumnCount;
        int last = 0;
        for (const Change& c : std::as_const(changes)) {
            first = std::min(first, c.first);
            last = std::max(last, c.last);
        }
        emit dataChanged(index(changes.constFirst().row, first), index(changes.constLast().row, last));
    }
    changed = changed || !changes.isEmpty();

    // 3. New rows, appended in snapshot order as one insertion.
    QList<Entry> added;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const AlertRow& row = rows.at(i);
        if (incoming.value(row.alertId) != i || m_byId.contains(row.alertId)) continue;
        added.append(makeEntry(row));
    }
    if (!added.isEmpty()) {
        const int first = int(m_entries.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_entries.append(std::move(added));
        for (int r = first; r < int(m_entries.size()); ++r)
            m_byId.insert(m_entries.at(r).row.alertId, r);
        endInsertRows();
        changed = true;
    }

    if (changed) {
        const bool ranking = recount();
        emit rowsApplied();
        if (ranking) emit userRiskChanged();
    }
}

std::pair<int, int> AlertQueueModel::changedColumns(const AlertRow& a, const AlertRow& b)
{
    int first = ColumnCount;
    int last = -1;
    const auto touch = [&](int column) {
        first = std::min(first, column);
        last = std::max(last, column);
    };
    if (a.severity != b.severity || a.risk != b.risk) {
        touch(SeverityColumn);
        touch(RiskColumn);
    }
    if (a.riskTrend != b.riskTrend) touch(RiskColumn);
    if (a.user != b.user) touch(UserColumn);
    if (a.detections != b.detections) touch(DetectionsColumn);
    if (a.state != b.state || a.stepUp != b.stepUp || a.decision != b.decision) {
        touch(StatusColumn);
        touch(CountdownColumn);
    }
    if (a.deadlineMs != b.deadlineMs) touch(CountdownColumn);
    if (a.openedMs != b.openedMs || a.lastSeenMs != b.lastSeenMs) touch(AgeColumn);
    if (a.sourceIp != b.sourceIp) touch(SourceIpColumn);
    if (a.country != b.country) touch(CountryColumn);
    if (a.assignee != b.assignee) touch(AssigneeColumn);
    // Fields no column shows (events, and any added later) still refresh the row's tooltips.
    if (last < 0) {
        first = 0;
        last = ColumnCount - 1;
    }
    return {first, last};
}

void AlertQueueModel::rebuildIndex()
{
    m_byId.clear();
    m_byId.reserve(m_entries.size());
    for (int r = 0; r < int(m_entries.size()); ++r)
        m_byId.insert(m_entries.at(r).row.alertId, r);
}

bool AlertQueueModel::recount()
{
    QHash<QString, UserStats> users;
    users.reserve(m_users.size());
    m_pending = 0;
    for (const Entry& e : std::as_const(m_entries)) {
        UserStats& s = users[e.userKey];
        ++s.count;
        s.maxRisk = std::max(s.maxRisk, e.row.risk);
        if (e.row.isPending()) ++m_pending;
    }
    bool ranking = users.size() != m_users.size();
    for (auto it = users.cbegin(); !ranking && it != users.cend(); ++it) {
        const auto old = m_users.constFind(it.key());
        ranking = old == m_users.cend() || old->maxRisk != it->maxRisk;
    }
    m_users = std::move(users);
    for (Entry& e : m_entries)
        e.userMaxRisk = m_users.value(e.userKey).maxRisk;
    return ranking;
}

AlertRow AlertQueueModel::row(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_entries.size()) return {};
    return m_entries.at(index.row()).row;
}

QModelIndex AlertQueueModel::indexOf(const QString& alertId, int column) const
{
    const auto it = m_byId.constFind(alertId);
    return it == m_byId.cend() ? QModelIndex() : index(*it, column);
}

int AlertQueueModel::userAlertCount(const QString& user) const
{
    return m_users.value(user.toLower()).count;
}

double AlertQueueModel::userMaxRisk(const QString& user) const
{
    return m_users.value(user.toLower()).maxRisk;
}

void AlertQueueModel::setNow(qint64 ms)
{
    if (ms == m_now) return;
    m_now = ms;
    if (!m_entries.isEmpty()) {
        // Only the countdown and age texts move with the clock, so only their columns change: the proxy re-sorts
        // only when sorted by one of them, and then finds the order unchanged (the sort keys are the deadline and
        // the opening time).
        static_assert(CountdownColumn + 1 == AgeColumn);
        emit dataChanged(index(0, CountdownColumn), index(int(m_entries.size()) - 1, AgeColumn),
                         {Qt::DisplayRole, Qt::ToolTipRole, Qt::AccessibleTextRole, RemainingMsRole});
    }
    emit nowChanged(ms);
}

void AlertQueueModel::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); });
    if (m_tick.isActive()) setNow(m_clock());
}

void AlertQueueModel::setTicking(bool ticking)
{
    if (ticking == m_tick.isActive()) return;
    if (ticking) {
        m_tick.start();
        setNow(m_clock());
    } else {
        m_tick.stop();
    }
}

int AlertQueueModel::compare(int leftRow, int rightRow, int column) const
{
    const Entry& a = m_entries.at(leftRow);
    const Entry& b = m_entries.at(rightRow);
    int c = 0;
    switch (column) {
    case SeverityColumn:
        c = threeWay(int(a.band), int(b.band));
        if (c == 0) c = threeWay(a.row.risk, b.row.risk);
        break;
    case UserColumn:
        c = a.userKey.compare(b.userKey);
        break;
    case RiskColumn:
        c = threeWay(a.row.risk, b.row.risk);
        break;
    case DetectionsColumn:
        c = a.detectionsText.compare(b.detectionsText, Qt::CaseInsensitive);
        break;
    case StatusColumn:
        c = threeWay(a.stateUrgency, b.stateUrgency);
        break;
    case CountdownColumn: {
        // Pending rows by their deadline, then rows waiting for an analyst's decision, then the rest.
        const auto key = [](const AlertRow& r) {
            if (r.isPending()) return r.deadlineMs;
            if (r.state == u"suspension_recommended") return std::numeric_limits<qint64>::max() - 1;
            return std::numeric_limits<qint64>::max();
        };
        c = threeWay(key(a.row), key(b.row));
        break;
    }
    case AgeColumn:
        // Ascending age is newest first.
        c = threeWay(b.row.openedMs, a.row.openedMs);
        break;
    case SourceIpColumn:
        c = threeWay(a.ipKey, b.ipKey);
        break;
    case CountryColumn:
        c = a.row.country.compare(b.row.country, Qt::CaseInsensitive);
        break;
    case AssigneeColumn:
        // Unassigned last when ascending: those are the ones someone still has to take.
        c = threeWay(a.row.assignee.isEmpty(), b.row.assignee.isEmpty());
        if (c == 0) c = a.row.assignee.compare(b.row.assignee, Qt::CaseInsensitive);
        break;
    default:
        break;
    }
    if (c == 0 && column != RiskColumn) c = threeWay(b.row.risk, a.row.risk);
    if (c == 0) c = a.row.alertId.compare(b.row.alertId);
    return c;
}

int AlertQueueModel::compareGroups(int leftRow, int rightRow) const
{
    const Entry& a = m_entries.at(leftRow);
    const Entry& b = m_entries.at(rightRow);
    if (a.userKey == b.userKey) return 0;
    const int byRisk = threeWay(b.userMaxRisk, a.userMaxRisk);
    return byRisk != 0 ? byRisk : a.userKey.compare(b.userKey);
}

int AlertQueueModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AlertQueueModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertQueueModel::display(const Entry& e, int column) const
{
    const AlertRow& r = e.row;
    switch (column) {
    case SeverityColumn:
        return Severity::name(e.band);
    case UserColumn:
        return r.user;
    case RiskColumn:
        return QString::number(qRound(r.risk));
    case DetectionsColumn:
        return e.detectionsText;
    case StatusColumn:
        return QueueText::statusText(r);
    case CountdownColumn:
        if (r.isPending() && r.deadlineMs >= 0) return QueueText::countdownText(r.deadlineMs - m_now);
        return QString();
    case AgeColumn:
        return r.openedMs > 0 ? QueueText::ageText(m_now - r.openedMs) : QString();
    case SourceIpColumn:
        return r.sourceIp;
    case CountryColumn:
        return r.country;
    case AssigneeColumn:
        //: No analyst assigned to the alert.
        return r.assignee.isEmpty() ? tr("—") : r.assignee;
    default:
        break;
    }
    return {};
}

QVariant AlertQueueModel::toolTip(const Entry& e, int column) const
{
    const AlertRow& r = e.row;
    switch (column) {
    case SeverityColumn:
        return tr("%1 severity (risk %2)").arg(Severity::name(e.band)).arg(qRound(r.risk));
    case UserColumn: {
        const int n = userAlertCount(r.user);
        QString tip = r.user + u'\n' + tr("Alert %1").arg(r.alertId);
        if (n > 1) tip += u'\n' + tr("%1 alerts in the queue for this user").arg(n);
        return tip;
    }
    case RiskColumn: {
        if (r.riskTrend.size() < 2) return tr("Risk %1").arg(qRound(r.risk));
        QStringList samples;
        for (double v : r.riskTrend)
            samples.append(QString::number(qRound(v)));
        //: Risk now, then the recent samples oldest first: "Risk 94 · recent: 20 → 45 → 94".
        return tr("Risk %1 · recent: %2").arg(qRound(r.risk)).arg(samples.join(u" → "));
    }
    case DetectionsColumn: {
        QStringList lines;
        for (const QString& d : r.detections)
            lines.append(QueueText::detectionLabel(d) + u" (" + d + u')');
        return lines.join(u'\n');
    }
    case StatusColumn: {
        QString tip = QueueText::statusText(r);
        if (!r.decision.isEmpty()) tip += u'\n' + r.decision;
        return tip;
    }
    case CountdownColumn:
        if (r.isPending() && r.deadlineMs >= 0) {
            if (r.deadlineMs <= m_now) {
                return tr("The suspension of %1 was due at %2; the safety net is deciding now")
                    .arg(r.user, QueueText::absoluteTime(r.deadlineMs));
            }
            return tr("Vigil suspends %1 at %2 (%3) unless someone holds (a) or cancels (o) it")
                .arg(r.user, QueueText::absoluteTime(r.deadlineMs), QueueText::countdownWords(r.deadlineMs - m_now));
        }
        if (r.state == u"suspension_recommended")
            return tr("Suspension recommended: an analyst decides (s to suspend)");
        return tr("No automatic suspension is scheduled");
    case AgeColumn:
        return tr("Opened %1\nLast activity %2 (%3)")
            .arg(QueueText::absoluteTime(r.openedMs), QueueText::absoluteTime(r.lastSeenMs),
                 QueueText::ageText(m_now - r.lastSeenMs));
    case SourceIpColumn:
        return r.sourceIp.isEmpty() ? tr("No source address") : r.sourceIp;
    case CountryColumn:
        return r.country.isEmpty() ? tr("Country unknown") : r.country;
    case AssigneeColumn:
        return r.assignee.isEmpty() ? tr("Nobody is assigned") : tr("Assigned to %1").arg(r.assignee);
    default:
        break;
    }
    return {};
}

QVariant AlertQueueModel::sortKey(const Entry& e, int column) const
{
    const AlertRow& r = e.row;
    switch (column) {
    case SeverityColumn:
        return int(e.band) * 1000.0 + r.risk;
    case UserColumn:
        return e.userKey;
    case RiskColumn:
        return r.risk;
    case DetectionsColumn:
        return e.detectionsText.toLower();
    case StatusColumn:
        return e.stateUrgency;
    case CountdownColumn:
        return r.isPending() ? r.deadlineMs : std::numeric_limits<qint64>::max();
    case AgeColumn:
        return -r.openedMs;
    case SourceIpColumn:
        return e.ipKey;
    case CountryColumn:
        return r.country.toLower();
    case AssigneeColumn:
        return r.assignee.toLower();
    default:
        break;
    }
    return {};
}

QVariant AlertQueueModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Entry& e = m_entries.at(index.row());
    const AlertRow& r = e.row;
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(e, column);
    case Qt::ToolTipRole:
        return toolTip(e, column);
    case Qt::AccessibleTextRole:
        switch (column) {
        case SeverityColumn:
            return tr("%1 severity").arg(Severity::name(e.band));
        case RiskColumn:
            return tr("Risk %1").arg(qRound(r.risk));
        case CountdownColumn:
            if (r.isPending() && r.deadlineMs >= 0)
                return tr("Suspends %1").arg(QueueText::countdownWords(r.deadlineMs - m_now));
            return tr("No suspension scheduled");
        case AssigneeColumn:
            return r.assignee.isEmpty() ? tr("Unassigned") : r.assignee;
        default:
            return display(e, column);
        }
    case Qt::TextAlignmentRole:
        if (column == RiskColumn || column == CountdownColumn || column == AgeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::FontRole:
        if ((column == CountdownColumn && r.isPending()) || column == SeverityColumn) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        // The delegate paints with the view's palette; this is for plain views and exports.
        if (column == SeverityColumn) return Severity::color(e.band, QGuiApplication::palette());
        if (column == CountdownColumn && r.isPending())
            return Severity::color(SeverityBand::Critical, QGuiApplication::palette());
        return {};
    case SortRole:
        return sortKey(e, column);
    case AlertIdRole:
        return r.alertId;
    case UserLoginRole:
        return r.user;
    case SeverityBandRole:
        return int(e.band);
    case RiskTrendRole: {
        QList<double> trend = r.riskTrend;
        if (trend.isEmpty() || trend.constLast() != r.risk) trend.append(r.risk);
        return QVariant::fromValue(trend);
    }
    case PendingRole:
        return r.isPending();
    case DetectionLabelsRole: {
        QStringList labels;
        for (const QString& d : r.detections)
            labels.append(QueueText::detectionLabel(d));
        return labels;
    }
    case UserAlertCountRole:
        return userAlertCount(r.user);
    case RemainingMsRole:
        return r.isPending() && r.deadlineMs >= 0 ? r.deadlineMs - m_now : qint64(-1);
    default:
        break;
    }
    return {};
}

QVariant AlertQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::TextAlignmentRole) {
        if (section == RiskColumn || section == CountdownColumn || section == AgeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case SeverityColumn:
            return tr("Severity");
        case UserColumn:
            return tr("User");
        case RiskColumn:
            return tr("Risk");
        case DetectionsColumn:
            return tr("Detections");
        case StatusColumn:
            return tr("Status");
        case CountdownColumn:
            //: Column header: time left before the automatic suspension.
            return tr("Suspends in");
        case AgeColumn:
            return tr("Age");
        case SourceIpColumn:
            return tr("Source IP");
        case CountryColumn:
            return tr("Country");
        case AssigneeColumn:
            return tr("Assignee");
        default:
            break;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case RiskColumn:
            return tr("Risk 0–100 and its recent trend");
        case CountdownColumn:
            return tr("Time left before Vigil suspends the account, unless an analyst holds or cancels it");
        case AgeColumn:
            return tr("Time since the alert opened");
        default:
            return headerData(section, orientation, Qt::DisplayRole);
        }
    }
    return {};
}

} // namespace vigil::ui

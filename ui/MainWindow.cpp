// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "core/pipeline/LiveSession.h"
#include "core/store/EventStore.h"
#include "ui/AlertTableModel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace vigil::ui {

MainWindow::MainWindow(const store::EventStore* store, const QString& storeError, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_storeError(storeError)
    , m_storeLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Vigil"));
    auto* note = new QLabel(tr("The analyst console is not built yet.\n"
                               "Use 'vigil replay --input FILE' to check an Okta System Log export."),
                            this);
    note->setObjectName(QStringLiteral("consolePendingLabel"));
    note->setAlignment(Qt::AlignCenter);
    setCentralWidget(note);
    m_storeLabel->setObjectName(QStringLiteral("storeStatusLabel"));
    statusBar()->addPermanentWidget(m_storeLabel);
    statusBar()->showMessage(tr("No Okta tenant connected"));
    refreshStoreStatus();
    resize(1100, 700);
}

void MainWindow::refreshStoreStatus()
{
    if (!m_store) {
        m_storeLabel->setText(tr("Store unavailable"));
        m_storeLabel->setToolTip(m_storeError);
        return;
    }
    const QLocale locale;
    //: Status bar: number of stored Okta events and the database size, e.g. "Store 12,345 events · 3.2 MB"
    m_storeLabel->setText(
        tr("Store %1 events · %2")
            .arg(locale.toString(m_store->eventCount()), locale.formattedDataSize(m_store->sizeOnDisk())));
}

void MainWindow::attachLiveSession(pipeline::LiveSession* session, const QString& title)
{
    m_session = session;
    m_store = &session->store();
    setWindowTitle(title);

    m_alerts = new AlertTableModel(session->pipeline().engine().policy(), this);
    m_alertView = new QTableView(this);
    m_alertView->setObjectName(QStringLiteral("alertTable"));
    m_alertView->setModel(m_alerts);
    m_alertView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_alertView->setAlternatingRowColors(true);
    m_alertView->verticalHeader()->hide();
    m_alertView->horizontalHeader()->setStretchLastSection(false);
    m_alertView->horizontalHeader()->setSectionResizeMode(AlertTableModel::Detections, QHeaderView::Stretch);

    m_activity = new QPlainTextEdit(this);
    m_activity->setObjectName(QStringLiteral("activityLog"));
    m_activity->setReadOnly(true);
    m_activity->setMaximumBlockCount(2000); // a shift's worth of lines, not unbounded memory
    m_activity->setPlaceholderText(tr("What Vigil does appears here."));

    auto* alertsTitle = new QLabel(tr("Open alerts"), this);
    alertsTitle->setStyleSheet(QStringLiteral("font-weight: bold"));
    auto* activityTitle = new QLabel(tr("Activity"), this);
    activityTitle->setStyleSheet(QStringLiteral("font-weight: bold"));
    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(6, 6, 6, 0);
    topLayout->addWidget(alertsTitle);
    topLayout->addWidget(m_alertView);
    auto* bottom = new QWidget(this);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(6, 0, 6, 6);
    bottomLayout->addWidget(activityTitle);
    bottomLayout->addWidget(m_activity);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    setCentralWidget(splitter);

    m_healthLabel = new QLabel(this);
    m_healthLabel->setObjectName(QStringLiteral("healthLabel"));
    statusBar()->clearMessage();
    statusBar()->addWidget(m_healthLabel, 1);

    // Alerts change in bursts (an attack is dozens of events): redraw at most five times a second.
    m_alertRefresh = new QTimer(this);
    m_alertRefresh->setSingleShot(true);
    m_alertRefresh->setInterval(200);
    connect(m_alertRefresh, &QTimer::timeout, this, &MainWindow::refreshAlerts);
    connect(&session->pipeline(), &pipeline::LivePipeline::alertChanged, m_alertRefresh, qOverload<>(&QTimer::start));
    connect(session, &pipeline::LiveSession::logLine, this, &MainWindow::appendActivity);
    auto* status = new QTimer(this);
    connect(status, &QTimer::timeout, this, [this] {
        m_healthLabel->setText(m_session->pipeline().health().summary());
        refreshStoreStatus();
    });
    status->start(1000);
    refreshAlerts();
    m_healthLabel->setText(session->pipeline().health().summary());
}

void MainWindow::appendActivity(const QString& line)
{
    if (!m_activity) return;
    m_activity->appendPlainText(QStringLiteral("%1  %2").arg(
        QLocale().toString(QDateTime::currentDateTime().time(), QLocale::ShortFormat), line));
}

void MainWindow::refreshAlerts()
{
    if (m_session) m_alerts->setAlerts(m_session->pipeline().engine().alerts());
    m_alertView->resizeColumnsToContents();
    m_alertView->horizontalHeader()->setSectionResizeMode(AlertTableModel::Detections, QHeaderView::Stretch);
}

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "core/store/EventStore.h"

#include <QLabel>
#include <QLocale>
#include <QStatusBar>

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

} // namespace vigil::ui

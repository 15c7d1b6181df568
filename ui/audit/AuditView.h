// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/audit/AuditLog.h"
#include "ui/audit/AuditPage.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace vigil::pipeline {
class StoreReader;
}

namespace vigil::ui {

class AuditModel;

// The audit log as an analyst or an auditor reads it: every decision, action, analyst command and
// outbound call, newest first, with a filter, the selected record's JSON and hashes, a check of the
// whole hash chain, and an export. Everything is read through the StoreReader's thread; nothing here
// blocks the window, whatever the log's length.
class AuditView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditView)

public:
    // What the last "Verify chain" found, with the head it checked against.
    struct ChainCheck
    {
        audit::VerifyResult result;
        qint64 headSeq = 0;
        QString headHash;
        qint64 elapsedMs = 0;
    };

    // `reader` must be open and outlive the view.
    explicit AuditView(pipeline::StoreReader* reader, QWidget* parent = nullptr);

    AuditModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    bool isVerifying() const { return m_verifying; }
    // The selected record's seq, or -1.
    qint64 currentSeq() const;

    // Sets the filter and shows it in the filter bar (e.g. a user's or an alert's records).
    void setFilter(const AuditFilter& filter);
    void showSubject(const QString& alertIdOrUser);
    // How often records written meanwhile are added at the top while the view is visible (0: never).
    void setRefreshInterval(int ms);

public slots:
    // Runs AuditLog::verify() on the reader thread; the banner shows the answer and a broken chain's
    // first bad record is selected.
    void verifyChain();
    // Writes the whole log (JSON Lines or CSV, as AuditLog::exportTo) to `path`, atomically.
    void exportTo(const QString& path, audit::AuditLog::Format format);
    // Asks for a file, then exportTo().
    void exportWithDialog();

signals:
    void verified(const vigil::ui::AuditView::ChainCheck& check);
    void exported(bool ok, const QString& message);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void applyFilterFromWidgets();
    void showFilterInWidgets(const AuditFilter& filter);
    void updateStatus();
    void showDetails();
    void showVerdict(const ChainCheck& check);
    void reveal(qint64 seq);
    void selectSeq(qint64 seq);
    void loadAnalysts();

    QPointer<pipeline::StoreReader> m_reader;
    AuditModel* m_model = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_actor = nullptr;
    QLineEdit* m_subject = nullptr;
    QLineEdit* m_text = nullptr;
    QPushButton* m_verify = nullptr;
    QPushButton* m_export = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_newest = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_detailsTitle = nullptr;
    QPlainTextEdit* m_json = nullptr;
    QLineEdit* m_hash = nullptr;
    QLineEdit* m_prevHash = nullptr;
    QTimer m_filterDelay;
    QTimer m_refresh;
    bool m_verifying = false;
    bool m_applyingFilter = false;
    qint64 m_revealSeq = -1;
};

} // namespace vigil::ui

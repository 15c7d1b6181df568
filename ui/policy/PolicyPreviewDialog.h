// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/PolicyPreview.h"
#include "core/risk/Policy.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace vigil::pipeline {
class StoreReader;
}

namespace vigil::ui {

class PolicyForm;
class PreviewResultModel;

// The blast radius of a policy change, before it is saved: the analyst edits the thresholds (form) or
// the whole policy (JSON), and "Preview" replays the stored history under the current and the
// proposed policy on the StoreReader's thread (PolicyPreview), with progress and Cancel, then lists
// who would have been stepped up, paged and suspended under each. Invalid values are marked and
// block Preview and Save with the reason. Save writes the proposed policy to the given file
// atomically and emits policySaved() for the live session to apply.
class PolicyPreviewDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PolicyPreviewDialog)

public:
    // `reader` must be open and outlive the dialog; `savePath` is the policy file Save writes.
    PolicyPreviewDialog(pipeline::StoreReader* reader,
                        const risk::Policy& current,
                        QString savePath,
                        QWidget* parent = nullptr);
    ~PolicyPreviewDialog() override;

    // The proposed policy, or nullopt while it has errors (validationErrors() names them).
    std::optional<risk::Policy> proposedPolicy() const { return m_proposed; }
    QStringList validationErrors() const { return m_errors; }
    // How much history a preview replays, ending at the newest stored event (default 7 days).
    void setHistorySpan(qint64 ms);
    qint64 historySpan() const;
    bool isPreviewing() const { return m_cancel != nullptr; }

    PolicyForm* form() const { return m_form; }
    PreviewResultModel* resultModel() const { return m_results; }
    QTableView* resultTable() const { return m_table; }
    QString summaryText() const;

public slots:
    void preview();
    void cancelPreview();
    // Writes the proposed policy to the save path; false (and the reason shown) when it cannot.
    bool save();
    // The form and the JSON back to the current policy.
    void resetToCurrent();

signals:
    void policySaved(const vigil::risk::Policy& policy);
    void previewFinished(const vigil::pipeline::PreviewResult& result);

protected:
    void reject() override;

private:
    void formEdited();
    void jsonEdited();
    void validate();
    void setJsonText(const QByteArray& json);
    void updateButtons();
    void showResult(const pipeline::PreviewResult& result);
    void pollProgress();

    struct Progress
    {
        std::atomic<bool> cancel{false};
        std::atomic<int> permille{0};
        std::atomic<qint64> events{0};
    };

    QPointer<pipeline::StoreReader> m_reader;
    risk::Policy m_current;
    QString m_savePath;
    std::optional<risk::Policy> m_proposed;
    QStringList m_errors;
    QByteArray m_previewedJson; // the proposal the shown results are for

    QTabWidget* m_tabs = nullptr;
    PolicyForm* m_form = nullptr;
    QPlainTextEdit* m_json = nullptr;
    QLabel* m_problems = nullptr;
    QComboBox* m_span = nullptr;
    QPushButton* m_preview = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_detail = nullptr;
    QCheckBox* m_onlyChanges = nullptr;
    PreviewResultModel* m_results = nullptr;
    QSortFilterProxyModel* m_sorted = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_reset = nullptr;

    std::shared_ptr<Progress> m_cancel; // the running preview's shared state, null when none runs
    QTimer m_progressTimer;
    bool m_syncing = false;
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/ActionPrompter.h"

#include "ui/queue/QueueText.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace vigil::ui {

ActionPrompter::~ActionPrompter() = default;

bool DialogPrompter::confirm(QWidget* parent, const ConfirmRequest& request)
{
    QMessageBox box(request.destructive ? QMessageBox::Warning : QMessageBox::Question, request.title, request.text,
                    QMessageBox::NoButton, parent);
    box.setTextFormat(Qt::PlainText);
    QPushButton* accept = box.addButton(request.acceptLabel, QMessageBox::AcceptRole);
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    // Enter must not suspend someone by accident: a destructive prompt defaults to Cancel.
    box.setDefaultButton(request.destructive ? cancel : accept);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

std::optional<QString> DialogPrompter::askReason(QWidget* parent, const ReasonRequest& request)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(request.title);
    auto* layout = new QVBoxLayout(&dialog);
    auto* text = new QLabel(request.text, &dialog);
    text->setTextFormat(Qt::PlainText);
    text->setWordWrap(true);
    layout->addWidget(text);

    auto* reason = new QComboBox(&dialog);
    reason->setEditable(true);
    reason->addItems(request.suggestions);
    reason->setCurrentIndex(-1);
    reason->lineEdit()->setPlaceholderText(request.required ? tr("Reason (required)") : tr("Reason (optional)"));
    reason->setAccessibleName(tr("Reason"));
    auto* reasonLabel = new QLabel(tr("&Reason:"), &dialog);
    reasonLabel->setBuddy(reason);
    layout->addWidget(reasonLabel);
    layout->addWidget(reason);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    QPushButton* accept = buttons->addButton(request.acceptLabel, QDialogButtonBox::AcceptRole);
    accept->setDefault(true);
    layout->addWidget(buttons);
    const auto update = [&] { accept->setEnabled(!request.required || !reason->currentText().trimmed().isEmpty()); };
    QObject::connect(reason, &QComboBox::currentTextChanged, &dialog, update);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    update();
    reason->setFocus();
    if (dialog.exec() != QDialog::Accepted) return std::nullopt;
    return reason->currentText().trimmed();
}

QStringList DialogPrompter::falsePositiveReasons()
{
    return {tr("User confirmed the activity"), tr("Known VPN or travel"), tr("Test or service account"),
            tr("Detection needs tuning (wrong logic)"), tr("Inaccurate data (wrong location or address)")};
}

std::optional<FalsePositiveAnswer> DialogPrompter::askFalsePositive(QWidget* parent,
                                                                    const FalsePositiveRequest& request)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(request.title);
    auto* layout = new QVBoxLayout(&dialog);
    auto* text = new QLabel(request.text, &dialog);
    text->setTextFormat(Qt::PlainText);
    text->setWordWrap(true);
    layout->addWidget(text);

    auto* form = new QFormLayout;
    auto* reason = new QComboBox(&dialog);
    reason->addItems(falsePositiveReasons());
    reason->addItem(tr("Other (say why in the note)"));
    reason->setCurrentIndex(-1);
    reason->setPlaceholderText(tr("Choose a reason"));
    form->addRow(tr("&Reason:"), reason);
    auto* note = new QPlainTextEdit(&dialog);
    note->setPlaceholderText(tr("What did you check, and who confirmed it?"));
    note->setTabChangesFocus(true);
    note->setFixedHeight(note->fontMetrics().lineSpacing() * 4 + 12);
    form->addRow(tr("&Note:"), note);
    layout->addLayout(form);

    // Suppression is opt-in and always expires: a permanent, silent exception could hide a real attack later.
    auto* suppress =
        new QGroupBox(tr("Also &suppress new alerts for %1").arg(QueueText::userList(request.users, 2)), &dialog);
    suppress->setCheckable(true);
    suppress->setChecked(false);
    auto* suppressLayout = new QFormLayout(suppress);
    auto* duration = new QSpinBox(suppress);
    duration->setRange(1, 999);
    duration->setValue(24);
    auto* unit = new QComboBox(suppress);
    unit->addItem(tr("hours"), 1);
    unit->addItem(tr("days"), 24);
    auto* durationRow = new QHBoxLayout;
    durationRow->addWidget(duration);
    durationRow->addWidget(unit);
    durationRow->addStretch();
    suppressLayout->addRow(tr("&Expires after:"), durationRow);
    auto* allDetections = new QRadioButton(tr("&All detections"), suppress);
    auto* someDetections = new QRadioButton(tr("&Only these detections:"), suppress);
    auto* scope = new QButtonGroup(suppress);
    scope->addButton(allDetections);
    scope->addButton(someDetections);
    someDetections->setChecked(true);
    auto* detections = new QListWidget(suppress);
    for (const QString& d : request.detections) {
        auto* item = new QListWidgetItem(QueueText::detectionLabel(d), detections);
        item->setData(Qt::UserRole, d);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    detections->setMaximumHeight(detections->sizeHintForRow(0) * 5 + 8);
    suppressLayout->addRow(allDetections);
    suppressLayout->addRow(someDetections);
    suppressLayout->addRow(detections);
    auto* expiry = new QLabel(tr("The suppression is listed with your name until it expires."), suppress);
    expiry->setWordWrap(true);
    suppressLayout->addRow(expiry);
    layout->addWidget(suppress);

    auto* problem = new QLabel(&dialog);
    problem->setWordWrap(true);
    layout->addWidget(problem);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    QPushButton* accept = buttons->addButton(request.count == 1 ? tr("Mark false positive")
                                                                : tr("Mark %1 false positives").arg(request.count),
                                             QDialogButtonBox::AcceptRole);
    layout->addWidget(buttons);

    const int other = reason->count() - 1;
    const auto checked = [detections] {
        QStringList keys;
        for (int i = 0; i < detections->count(); ++i) {
            if (detections->item(i)->checkState() == Qt::Checked)
                keys.append(detections->item(i)->data(Qt::UserRole).toString());
        }
        return keys;
    };
    const auto update = [&] {
        QString why;
        if (reason->currentIndex() < 0)
            why = tr("Choose a reason.");
        else if (reason->currentIndex() == other && note->toPlainText().trimmed().isEmpty())
            why = tr("Say why in the note.");
        else if (suppress->isChecked() && someDetections->isChecked() && checked().isEmpty())
            why = tr("Pick the detections to suppress, or all of them.");
        detections->setEnabled(someDetections->isChecked());
        problem->setText(why);
        problem->setVisible(!why.isEmpty());
        accept->setEnabled(why.isEmpty());
    };
    QObject::connect(reason, &QComboBox::currentIndexChanged, &dialog, update);
    QObject::connect(note, &QPlainTextEdit::textChanged, &dialog, update);
    QObject::connect(suppress, &QGroupBox::toggled, &dialog, update);
    QObject::connect(scope, &QButtonGroup::buttonToggled, &dialog, update);
    QObject::connect(detections, &QListWidget::itemChanged, &dialog, update);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    update();
    reason->setFocus();
    if (dialog.exec() != QDialog::Accepted) return std::nullopt;

    FalsePositiveAnswer answer;
    const QString picked = reason->currentIndex() == other ? tr("Other") : reason->currentText();
    const QString noteText = note->toPlainText().trimmed();
    //: A false positive's reason followed by the analyst's note.
    answer.reason = noteText.isEmpty() ? picked : tr("%1: %2").arg(picked, noteText);
    if (suppress->isChecked()) {
        answer.suppressHours = double(duration->value()) * unit->currentData().toInt();
        if (someDetections->isChecked()) answer.suppressDetections = checked();
    }
    return answer;
}

void DialogPrompter::showCheatSheet(QWidget* parent, const QList<KeyHelp>& keys)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(tr("Alert queue keys"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* grid = new QGridLayout;
    QFont keyFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    keyFont.setBold(true);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        auto* key = new QLabel(keys.at(i).keys, &dialog);
        key->setFont(keyFont);
        key->setTextFormat(Qt::PlainText);
        auto* action = new QLabel(keys.at(i).action, &dialog);
        action->setTextFormat(Qt::PlainText);
        grid->addWidget(key, int(i), 0, Qt::AlignRight | Qt::AlignTop);
        grid->addWidget(action, int(i), 1, Qt::AlignLeft | Qt::AlignTop);
    }
    layout->addLayout(grid);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.exec();
}

} // namespace vigil::ui

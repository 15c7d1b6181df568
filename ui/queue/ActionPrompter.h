// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QWidget;

namespace vigil::ui {

// A yes/no question before an action: "Acknowledge 3 alerts?", "Suspend bob@x now?".
struct ConfirmRequest
{
    QString title;
    QString text;        // says what will happen, naming the users
    QString acceptLabel; // the verb on the button ("Suspend now"); never a bare "OK"
    bool destructive = false;
};

// A reason the audit log keeps (override, resolve).
struct ReasonRequest
{
    QString title;
    QString text;
    QString acceptLabel;
    QStringList suggestions; // common reasons offered in the picker; the analyst may type another
    bool required = true;
};

// Marking alerts as false positives: a reason, a note, and optionally a suppression that expires.
struct FalsePositiveRequest
{
    QString title;
    QString text;
    QStringList users;
    QStringList detections; // the selected alerts' detection keys, offered for the suppression
    int count = 0;          // alerts the answer applies to
};

struct FalsePositiveAnswer
{
    QString reason; // the picked reason, with the note after it when there is one
    double suppressHours = 0;
    QStringList suppressDetections; // empty: all of the user's detections
};

struct KeyHelp
{
    QString keys;
    QString action;
};

// Every question the queue asks goes through this interface, so tests answer prompts directly instead of driving
// modal dialogs, and the main window could route them elsewhere (a side panel, a second-person approval).
// Returning false / nullopt means the analyst cancelled: the queue then sends nothing.
class ActionPrompter
{
public:
    virtual ~ActionPrompter();

    virtual bool confirm(QWidget* parent, const ConfirmRequest& request) = 0;
    virtual std::optional<QString> askReason(QWidget* parent, const ReasonRequest& request) = 0;
    virtual std::optional<FalsePositiveAnswer> askFalsePositive(QWidget* parent,
                                                                const FalsePositiveRequest& request) = 0;
    virtual void showCheatSheet(QWidget* parent, const QList<KeyHelp>& keys) = 0;
};

// The default: modal Qt dialogs.
class DialogPrompter final : public ActionPrompter
{
    Q_DECLARE_TR_FUNCTIONS(DialogPrompter)

public:
    bool confirm(QWidget* parent, const ConfirmRequest& request) override;
    std::optional<QString> askReason(QWidget* parent, const ReasonRequest& request) override;
    std::optional<FalsePositiveAnswer> askFalsePositive(QWidget* parent, const FalsePositiveRequest& request) override;
    void showCheatSheet(QWidget* parent, const QList<KeyHelp>& keys) override;

    // The common false-positive reasons offered in the picker (translated).
    static QStringList falsePositiveReasons();
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace vigil::ui {

// A band across the top of the main window while Vigil runs in monitor mode: it says that nothing is
// changed in Okta and how to turn on enforce. Hidden in enforce mode. The analyst may hide it for the
// session; the status bar's "Mode: monitor" stays.
class MonitorModeBanner final : public QFrame
{
    Q_OBJECT

public:
    explicit MonitorModeBanner(QWidget* parent = nullptr);

    // "monitor" shows the banner (unless hidden for this session), anything else hides it. Cheap to
    // call with every snapshot.
    void setMode(const QString& mode);
    bool dismissed() const { return m_dismissed; }

signals:
    // "Open settings…": the main window opens its settings dialog (Automation → Mode).
    void settingsRequested();
    // The analyst hid the banner for this session.
    void dismissedForSession();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColours();

    QLabel* m_text;
    QPushButton* m_settings;
    QPushButton* m_hide;
    QString m_mode;
    bool m_dismissed = false;
};

} // namespace vigil::ui

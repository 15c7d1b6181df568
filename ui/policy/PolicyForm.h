// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QWidget>

namespace vigil::ui {

// The policy's main knobs as a form, each field bound to its real key ("response.page_at"): points
// and on/off per detection, severity bands, the alert and response thresholds, the auto-suspend
// delay, the country lists and the anonymizer ASNs. The form does not judge values: it writes what
// was typed into the JSON and marks the fields that risk::Policy's validation names.
class PolicyForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PolicyForm)

public:
    explicit PolicyForm(QWidget* parent = nullptr);

    // Shows `policy` (a policy's JSON) without emitting edited().
    void load(const QJsonObject& policy);
    // `policy` with the form's values written into it; keys the form does not show are kept.
    QJsonObject applyTo(QJsonObject policy) const;
    // Marks the fields that the errors ("path: problem", "path[i]: problem") name, with the problem as
    // tooltip, and clears the others. Returns the errors that no field shows.
    QStringList markErrors(const QStringList& errors);
    // The field bound to a policy key (tests and focus), or nullptr.
    QWidget* field(const QString& path) const { return m_fields.value(path); }
    QStringList paths() const { return m_fields.keys(); }

signals:
    void edited();

private:
    QWidget* addNumber(const QString& path, int min, int max, const QString& suffix = {});
    QWidget* addList(const QString& path, const QString& placeholder);
    static void setInvalid(QWidget* w, const QString& problem);

    QHash<QString, QWidget*> m_fields;
    QHash<QString, QString> m_listIsNumbers; // list paths whose items are numbers (ASNs)
    QJsonObject m_loaded;                    // to keep fractional values nobody touched
};

} // namespace vigil::ui

// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/policy/PolicyForm.h"

#include "core/risk/Policy.h"

#include <QCheckBox>
#include <QColor>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHash>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace vigil::ui {

namespace {

QJsonValue valueAt(const QJsonObject& root, const QString& path)
{
    QJsonValue v = root;
    for (const QString& part : path.split(u'.'))
        v = v.toObject().value(part);
    return v;
}

QJsonObject withValue(QJsonObject o, const QStringList& parts, int i, const QJsonValue& value)
{
    if (i == parts.size() - 1) {
        o.insert(parts.at(i), value);
    } else {
        o.insert(parts.at(i), withValue(o.value(parts.at(i)).toObject(), parts, i + 1, value));
    }
    return o;
}

QString detectionLabel(const QString& id)
{
    const QHash<QString, QString> labels{
        {u"brute_force"_qs, PolicyForm::tr("Brute force")},
        {u"password_spray"_qs, PolicyForm::tr("Password spray")},
        {u"mfa_fatigue"_qs, PolicyForm::tr("MFA fatigue")},
        {u"mfa_failure"_qs, PolicyForm::tr("MFA failure")},
        {u"geo_risk"_qs, PolicyForm::tr("Risky country")},
        {u"anonymizer"_qs, PolicyForm::tr("Anonymizer")},
        {u"off_hours"_qs, PolicyForm::tr("Off hours")},
        {u"new_device"_qs, PolicyForm::tr("New device")},
        {u"impossible_travel"_qs, PolicyForm::tr("Impossible travel")},
        {u"threat_insight"_qs, PolicyForm::tr("ThreatInsight")},
        {u"session_hijack"_qs, PolicyForm::tr("Session hijack")},
        {u"factor_reset"_qs, PolicyForm::tr("Factor reset")},
        {u"privilege_grant"_qs, PolicyForm::tr("Privilege grant")},
    };
    return labels.value(id, id); // a detection added later still shows, by its id
}

// "path: problem" or "path[3]: problem" → "path"; "severity: bands…" → "severity".
QString pathOf(const QString& error)
{
    const qsizetype colon = error.indexOf(u": ");
    if (colon < 0) return {};
    QString path = error.left(colon);
    const qsizetype bracket = path.indexOf(u'[');
    if (bracket >= 0) path.truncate(bracket);
    return path;
}

} // namespace

PolicyForm::PolicyForm(QWidget* parent)
    : QWidget(parent)
{
    auto* thresholds = new QGroupBox(tr("Thresholds"), this);
    auto* thresholdsForm = new QFormLayout(thresholds);
    auto row = [&](QFormLayout* form, const QString& label, QWidget* field, const QString& help) {
        field->setToolTip(help);
        form->addRow(label, field);
    };
    row(thresholdsForm, tr("Open an alert at risk"), addNumber(u"scoring.alert_threshold"_qs, -1000, 100000),
        tr("scoring.alert_threshold: a user's alert opens when their risk reaches this score"));
    row(thresholdsForm, tr("Step up at risk"), addNumber(u"response.step_up_at"_qs, -1000, 100000),
        tr("response.step_up_at: challenge the user (sessions cleared, Okta Verify push)"));
    row(thresholdsForm, tr("Page at risk"), addNumber(u"response.page_at"_qs, -1000, 100000),
        tr("response.page_at: page the on-call analyst and start the suspension countdown"));
    row(thresholdsForm, tr("Critical page at risk"), addNumber(u"response.page_critical_at"_qs, -1000, 100000),
        tr("response.page_critical_at: the page has critical severity"));
    row(thresholdsForm, tr("Auto-suspend after"),
        addNumber(u"response.auto_suspend_delay_minutes"_qs, -1000, 100000, tr(" min")),
        tr("response.auto_suspend_delay_minutes: how long after the page the safety net decides (5 to 60)"));

    auto* bands = new QGroupBox(tr("Severity bands (risk at least)"), this);
    auto* bandsForm = new QFormLayout(bands);
    for (const auto& [key, label] : {std::pair{u"critical"_qs, tr("Critical")}, std::pair{u"high"_qs, tr("High")},
                                     std::pair{u"medium"_qs, tr("Medium")}, std::pair{u"low"_qs, tr("Low")}}) {
        row(bandsForm, label, addNumber(u"severity."_qs + key, -1000, 100000), u"severity."_qs + key);
    }

    auto* lists = new QGroupBox(tr("Places and networks"), this);
    auto* listsForm = new QFormLayout(lists);
    row(listsForm, tr("Allowed countries"),
        addList(u"detections.geo_risk.allowed_countries"_qs, tr("empty: every country (e.g. US, Canada)")),
        tr("detections.geo_risk.allowed_countries: sign-ins from elsewhere score geo_risk; names or ISO codes, "
           "separated by commas"));
    row(listsForm, tr("High-risk countries"), addList(u"detections.geo_risk.high_risk_countries"_qs, tr("e.g. KP, IR")),
        tr("detections.geo_risk.high_risk_countries: sign-ins from these always score geo_risk"));
    row(listsForm, tr("Anonymizer ASNs"), addList(u"detections.anonymizer.asns"_qs, tr("AS numbers, e.g. 9009, 60068")),
        tr("detections.anonymizer.asns: networks of VPN and proxy services"));
    m_listIsNumbers.insert(u"detections.anonymizer.asns"_qs, {});

    // Who the automation never suspends on its own: break-glass admins, service accounts, VIPs. They are
    // still stepped up and paged.
    auto* protectedBox = new QGroupBox(tr("Protected accounts"), this);
    auto* protectedForm = new QFormLayout(protectedBox);
    row(protectedForm, tr("Accounts"),
        addList(u"protected_accounts"_qs, tr("logins, e.g. breakglass@acme.com, svc-backup@acme.com")),
        tr("protected_accounts: Okta logins the automation never suspends (break-glass admins, service accounts)"));
    row(protectedForm, tr("Groups"), addList(u"response.protected_groups"_qs, tr("Okta group ids, e.g. 00g1abcd…")),
        tr("response.protected_groups: members of these Okta groups are paged, never suspended automatically"));
    auto* admins = new QCheckBox(tr("Never suspend Okta administrators automatically"), protectedBox);
    admins->setObjectName(u"response.protect_okta_admins"_qs);
    admins->setToolTip(tr("response.protect_okta_admins: users holding an Okta admin role (needs okta.roles.read)"));
    m_fields.insert(u"response.protect_okta_admins"_qs, admins);
    connect(admins, &QCheckBox::toggled, this, &PolicyForm::edited);
    protectedForm->addRow(admins);

    auto* detections = new QGroupBox(tr("Points per detection"), this);
    auto* grid = new QGridLayout(detections);
    const QStringList ids = risk::detectionIds();
    for (int i = 0; i < ids.size(); ++i) {
        const QString base = u"detections."_qs + ids.at(i);
        auto* on = new QCheckBox(detectionLabel(ids.at(i)), detections);
        on->setObjectName(QString(ids.at(i) + u"EnabledCheckBox"));
        on->setToolTip(base + u".enabled");
        m_fields.insert(base + u".enabled", on);
        connect(on, &QCheckBox::toggled, this, &PolicyForm::edited);
        QWidget* points = addNumber(base + u".points", -1000, 100000);
        points->setToolTip(base + u".points");
        const int r = i % 7, c = (i / 7) * 2;
        grid->addWidget(on, r, c);
        grid->addWidget(points, r, c + 1);
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);

    auto* left = new QVBoxLayout;
    left->addWidget(thresholds);
    left->addWidget(bands);
    left->addWidget(protectedBox);
    left->addStretch(1);
    auto* right = new QVBoxLayout;
    right->addWidget(detections);
    right->addWidget(lists);
    right->addStretch(1);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 2);
    layout->addLayout(right, 3);
}

QWidget* PolicyForm::addNumber(const QString& path, int min, int max, const QString& suffix)
{
    auto* spin = new QSpinBox(this);
    spin->setObjectName(path);
    spin->setRange(min, max);
    spin->setSuffix(suffix);
    spin->setKeyboardTracking(true);
    spin->setAlignment(Qt::AlignRight);
    m_fields.insert(path, spin);
    connect(spin, &QSpinBox::valueChanged, this, &PolicyForm::edited);
    return spin;
}

QWidget* PolicyForm::addList(const QString& path, const QString& placeholder)
{
    auto* edit = new QLineEdit(this);
    edit->setObjectName(path);
    edit->setPlaceholderText(placeholder);
    m_fields.insert(path, edit);
    connect(edit, &QLineEdit::textEdited, this, &PolicyForm::edited);
    return edit;
}

void PolicyForm::load(const QJsonObject& policy)
{
    m_loaded = policy;
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        const QJsonValue v = valueAt(policy, it.key());
        const QSignalBlocker block(it.value());
        if (auto* spin = qobject_cast<QSpinBox*>(it.value())) {
            spin->setValue(int(std::lround(v.toDouble())));
        } else if (auto* box = qobject_cast<QCheckBox*>(it.value())) {
            box->setChecked(v.toBool());
        } else if (auto* edit = qobject_cast<QLineEdit*>(it.value())) {
            QStringList items;
            for (const QJsonValue& item : v.toArray())
                items << (item.isDouble() ? QString::number(qint64(item.toDouble())) : item.toString());
            edit->setText(items.join(u", "));
        }
    }
}

QJsonObject PolicyForm::applyTo(QJsonObject policy) const
{
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        const QStringList parts = it.key().split(u'.');
        QJsonValue value;
        if (auto* spin = qobject_cast<QSpinBox*>(it.value())) {
            // 12.5 points set in the JSON stay 12.5 unless the field was changed.
            const double before = valueAt(m_loaded, it.key()).toDouble();
            value = std::lround(before) == spin->value() ? QJsonValue(before) : QJsonValue(spin->value());
        } else if (auto* box = qobject_cast<QCheckBox*>(it.value())) {
            value = box->isChecked();
        } else if (auto* edit = qobject_cast<QLineEdit*>(it.value())) {
            QJsonArray items;
            for (const QString& raw : edit->text().split(u',', Qt::SkipEmptyParts)) {
                const QString item = raw.trimmed();
                if (item.isEmpty()) continue;
                bool isNumber = false;
                const qint64 n = item.toLongLong(&isNumber);
                // What is not a number stays text, for the policy's check to name.
                items.append(m_listIsNumbers.contains(it.key()) && isNumber ? QJsonValue(double(n)) : QJsonValue(item));
            }
            value = items;
        }
        policy = withValue(policy, parts, 0, value);
    }
    return policy;
}

void PolicyForm::setInvalid(QWidget* w, const QString& problem)
{
    const bool invalid = !problem.isEmpty();
    if (w->property("invalid").toBool() == invalid && w->property("problem").toString() == problem) return;
    w->setProperty("invalid", invalid);
    w->setProperty("problem", problem);
    // The field's own help stays in the tooltip, below the problem.
    if (!w->property("help").isValid()) w->setProperty("help", w->toolTip());
    const QString help = w->property("help").toString();
    w->setToolTip(invalid ? QString(problem + u"\n\n" + help) : help);
    // A red field (through the palette, which keeps the style's spin arrows), the problem in its tooltip,
    // and the dialog lists the problems in words: colour is not the only signal.
    if (invalid) {
        QPalette palette = w->palette();
        palette.setColor(QPalette::Base, QColor(0xfd, 0xd8, 0xd5));
        palette.setColor(QPalette::Text, QColor(0x8b, 0x00, 0x00));
        palette.setColor(QPalette::WindowText, QColor(0xb7, 0x1c, 0x1c));
        w->setPalette(palette);
    } else {
        w->setPalette(QPalette());
    }
}

QStringList PolicyForm::markErrors(const QStringList& errors)
{
    QHash<QWidget*, QStringList> problems;
    QStringList unshown;
    for (const QString& error : errors) {
        const QString path = pathOf(error);
        bool shown = false;
        for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
            // "severity" names every band; "response.page_critical_at" one field.
            if (!path.isEmpty() && (it.key() == path || it.key().startsWith(QString(path + u'.')))) {
                problems[it.value()] << error;
                shown = true;
            }
        }
        if (!shown) unshown << error;
    }
    for (QWidget* w : std::as_const(m_fields))
        setInvalid(w, problems.value(w).join(u'\n'));
    return unshown;
}

} // namespace vigil::ui

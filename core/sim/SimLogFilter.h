// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sim/SimLogStore.h"

#include <QJsonValue>
#include <QString>

#include <memory>

namespace vigil::sim {

// The System Log's `filter` parameter: a SCIM expression (reference §1.5) with the operators
// eq ne co sw ew gt ge lt le pr, `and`, `or`, `not` and parentheses. Attribute names are
// case-sensitive, operators are not; string comparisons ignore case, as SCIM's default is.
// Multi-valued attributes (`target.id`) match when any value does.
class SimLogFilter
{
public:
    struct Error
    {
        QString code;    // E0000053 invalid filter, E0000031 unsupported field/operator
        QString summary; // Okta's errorSummary
    };

    SimLogFilter();
    ~SimLogFilter();
    SimLogFilter(SimLogFilter&&) noexcept;
    SimLogFilter& operator=(SimLogFilter&&) noexcept;

    // An empty text gives a filter that matches everything.
    static bool parse(const QString& text, SimLogFilter& out, Error& error);
    bool matches(const SimStoredEvent& event) const;

    struct Node;

private:
    std::unique_ptr<Node> m_root;
};

// The `q` parameter: every keyword must occur (ignoring case) somewhere in the event's values.
class SimKeywordQuery
{
public:
    static bool parse(const QString& text, SimKeywordQuery& out, QString& errorSummary);
    bool matches(const SimStoredEvent& event) const;
    bool isEmpty() const { return m_keywords.isEmpty(); }

private:
    QList<QByteArray> m_keywords; // lower-cased UTF-8
};

} // namespace vigil::sim

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/queue/AlertRow.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace vigil::ui {

// The filter bar's language, parsed once into clauses that are all required (AND):
//
//   query      := term { whitespace term }
//   term       := [ "-" | "!" ] ( field-term | text )          "-" or "!" in front excludes what the term matches
//   field-term := field ( ":" [ "!" ] | "=" | "!=" | ">=" | "<=" | ">" | "<" ) value
//   value      := bare | quoted       bare: up to the next space, "a,b" means a OR b; quoted: "…" (backslash escapes)
//   text       := bare | quoted       matches user, detections (keys and labels), source IP or country, any case
//
//   user:bob            the user's login contains "bob"
//   detection:brute     a detection key or label contains it ("brute force" also finds brute_force)
//   country:US          sameCountry(): an ISO code or an English name; a longer value also matches a name part
//   status:pending      detected, stepped_up, pending (suspension_pending), recommended, ack, overridden,
//                       suspended, resolved, fp (false_positive) or open (not resolved or a false positive)
//   ip:185.220.         an address prefix, or a range such as ip:10.0.0.0/8
//   assignee:alice      assignee contains "alice"; assignee:none (or "") is unassigned
//   severity>=high      low < medium < high < critical; severity:critical is an exact band
//   risk>=60            the alert's risk, 0–100; risk:60 compares the rounded risk
//
// Comparisons (>=, <=, >, <) only apply to severity and risk. An invalid query yields no predicate but an error
// that names the problem and its 1-based character position, e.g. "unknown field 'usr' at 1; try user:, …".
class AlertFilter
{
    Q_DECLARE_TR_FUNCTIONS(AlertFilter)

public:
    struct Error
    {
        int position = -1; // 0-based index into the text, for selecting the bad part in the filter bar
        int length = 0;
        QString message; // translated, with the 1-based position in it
    };
    using Predicate = std::function<bool(const AlertRow&)>;

    // An empty filter: valid, matches everything.
    AlertFilter();

    static AlertFilter parse(const QString& text);

    QString text() const { return m_text; }
    bool isValid() const { return m_error.position < 0; }
    bool isEmpty() const { return isValid() && m_clauses.isEmpty(); }
    const Error& error() const { return m_error; }
    QString errorString() const { return m_error.message; }

    // False for every row when the filter is invalid: callers should not apply an invalid filter at all.
    bool matches(const AlertRow& row) const;
    // The same test as a function object, or an empty function when the filter is invalid.
    Predicate predicate() const;

    // For the filter bar's completer and help.
    static QStringList fieldNames();   // "user", "detection", …
    static QStringList statusValues(); // "pending", "detected", …
    static QStringList severityValues();

private:
    enum class Field
    {
        Text,
        User,
        Detection,
        Country,
        Status,
        Ip,
        Assignee,
        Severity,
        Risk,
    };
    enum class Op
    {
        Match,
        Less,
        LessEqual,
        Greater,
        GreaterEqual,
    };
    struct Subnet
    {
        QHostAddress address;
        int prefix = 0;
    };
    struct Clause
    {
        Field field = Field::Text;
        Op op = Op::Match;
        bool negate = false;
        QStringList values;      // lower-case; any of them matches
        QStringList states;      // Status: the states the values stand for
        QList<int> ranks;        // Severity: band ranks (1 low … 4 critical)
        double number = 0;       // Risk
        QList<Subnet> subnets;   // Ip: ranges given with a '/'
        bool unassigned = false; // Assignee: none
        // sameCountry() walks a table; rows repeat a few dozen country names, so each clause remembers its answers.
        std::shared_ptr<QHash<QString, bool>> countryCache;
    };

    bool matchesClause(const Clause& clause, const AlertRow& row) const;
    bool matchesPositive(const Clause& clause, const AlertRow& row) const;

    QString m_text;
    QList<Clause> m_clauses;
    Error m_error;

    friend class AlertFilterParser;
};

} // namespace vigil::ui

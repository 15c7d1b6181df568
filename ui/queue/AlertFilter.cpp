// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/queue/AlertFilter.h"

#include "core/risk/Geo.h"
#include "core/text/EditDistance.h"
#include "ui/queue/QueueText.h"

#include <algorithm>
#include <cmath>

namespace vigil::ui {

namespace {

// The states a status value stands for. "pending" is what analysts say; the core's names work too.
QStringList statesFor(const QString& value)
{
    static const QHash<QString, QStringList> aliases{
        {u"pending"_qs, {u"suspension_pending"_qs}},
        {u"suspension_pending"_qs, {u"suspension_pending"_qs}},
        {u"recommended"_qs, {u"suspension_recommended"_qs}},
        {u"suspension_recommended"_qs, {u"suspension_recommended"_qs}},
        {u"detected"_qs, {u"detected"_qs}},
        {u"stepped_up"_qs, {u"stepped_up"_qs}},
        {u"stepup"_qs, {u"stepped_up"_qs}},
        {u"paged"_qs, {u"paged"_qs}},
        {u"ack"_qs, {u"acknowledged"_qs}},
        {u"acknowledged"_qs, {u"acknowledged"_qs}},
        {u"overridden"_qs, {u"overridden"_qs}},
        {u"override"_qs, {u"overridden"_qs}},
        {u"suspended"_qs, {u"suspended"_qs}},
        {u"resolved"_qs, {u"resolved"_qs}},
        {u"fp"_qs, {u"false_positive"_qs}},
        {u"false_positive"_qs, {u"false_positive"_qs}},
        {u"open"_qs,
         {u"detected"_qs, u"stepped_up"_qs, u"paged"_qs, u"suspension_pending"_qs, u"suspension_recommended"_qs,
          u"acknowledged"_qs, u"overridden"_qs, u"suspended"_qs}},
    };
    return aliases.value(value);
}

int severityRankFor(const QString& value)
{
    if (value == u"low") return int(SeverityBand::Low);
    if (value == u"medium" || value == u"med") return int(SeverityBand::Medium);
    if (value == u"high") return int(SeverityBand::High);
    if (value == u"critical" || value == u"crit") return int(SeverityBand::Critical);
    return -1;
}

using text::editDistance;

bool isSpace(QChar c)
{
    return c.isSpace();
}

} // namespace

// A hand-written scanner: the grammar is small, and hand-written code can say exactly where and why a query is wrong.
class AlertFilterParser
{
    Q_DECLARE_TR_FUNCTIONS(AlertFilter)

public:
    explicit AlertFilterParser(const QString& text)
        : m_text(text)
    {
    }

    AlertFilter run()
    {
        AlertFilter filter;
        filter.m_text = m_text;
        while (true) {
            skipSpaces();
            if (atEnd()) break;
            AlertFilter::Clause clause;
            if (!term(clause)) {
                filter.m_clauses.clear();
                filter.m_error = m_error;
                return filter;
            }
            filter.m_clauses.append(std::move(clause));
        }
        return filter;
    }

private:
    using Field = AlertFilter::Field;
    using Op = AlertFilter::Op;

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek(qsizetype ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text.at(m_pos + ahead) : QChar(); }
    void skipSpaces()
    {
        while (!atEnd() && isSpace(peek()))
            ++m_pos;
    }

    bool fail(qsizetype position, qsizetype length, const QString& message)
    {
        m_error.position = int(position);
        m_error.length = int(std::max<qsizetype>(1, length));
        m_error.message = message;
        return false;
    }

    // 1-based, as people count characters.
    static QString at(qsizetype position) { return QString::number(position + 1); }

    bool term(AlertFilter::Clause& clause)
    {
        const qsizetype start = m_pos;
        if (peek() == u'-' || peek() == u'!') {
            clause.negate = true;
            ++m_pos;
            if (atEnd() || isSpace(peek())) {
                return fail(start, 1,
                            tr("'%1' at %2 needs something to exclude, e.g. -user:bob or !country:US")
                                .arg(QString(m_text.at(start)), at(start)));
            }
        }
        if (peek() == u'"') {
            QString value;
            qsizetype valueStart = m_pos;
            if (!quoted(value)) return false;
            if (value.isEmpty()) return fail(valueStart, 2, tr("empty quotes at %1 match nothing").arg(at(valueStart)));
            clause.field = Field::Text;
            clause.values = {value.toLower()};
            return true;
        }
        // A field name is letters and '_' followed by ':' or a comparison; anything else is text. So IPv6 addresses
        // and "fe80::1" stay text unless they start with letters only.
        qsizetype end = m_pos;
        while (end < m_text.size() && (m_text.at(end).isLetter() || m_text.at(end) == u'_'))
            ++end;
        const QChar next = end < m_text.size() ? m_text.at(end) : QChar();
        const bool isField = end > m_pos
                             && (next == u':' || next == u'=' || next == u'<' || next == u'>'
                                 || (next == u'!' && end + 1 < m_text.size() && m_text.at(end + 1) == u'='));
        if (!isField) {
            const qsizetype wordStart = m_pos;
            while (!atEnd() && !isSpace(peek()))
                ++m_pos;
            clause.field = Field::Text;
            clause.values = {m_text.mid(wordStart, m_pos - wordStart).toLower()};
            return true;
        }
        const qsizetype nameStart = m_pos;
        const QString name = m_text.mid(nameStart, end - nameStart);
        m_pos = end;
        const int field = fieldFor(name.toLower());
        if (field < 0) return unknownField(name, nameStart);
        clause.field = Field(field);
        return operatorAndValue(clause, name, nameStart);
    }

    static int fieldFor(const QString& name)
    {
        // Aliases are accepted, but errors and the completer only offer AlertFilter::fieldNames().
        struct Alias
        {
            QStringView name;
            Field field;
        };
        static constexpr Alias aliases[] = {
            {u"user", Field::User},
            {u"detection", Field::Detection},
            {u"detections", Field::Detection},
            {u"det", Field::Detection},
            {u"country", Field::Country},
            {u"status", Field::Status},
            {u"state", Field::Status},
            {u"ip", Field::Ip},
            {u"assignee", Field::Assignee},
            {u"severity", Field::Severity},
            {u"sev", Field::Severity},
            {u"risk", Field::Risk},
        };
        for (const Alias& a : aliases) {
            if (a.name == name) return int(a.field);
        }
        return -1;
    }

    bool unknownField(const QString& name, qsizetype position)
    {
        QStringList offered;
        for (const QString& f : AlertFilter::fieldNames())
            offered.append(f == u"severity" || f == u"risk" ? QString(f + u">=") : QString(f + u':'));
        // The closest name first, so that a typo's fix is the first thing the analyst reads.
        int best = 3;
        qsizetype bestIndex = -1;
        const QStringList names = AlertFilter::fieldNames();
        for (qsizetype i = 0; i < names.size(); ++i) {
            const int d = editDistance(name.toLower(), names.at(i));
            if (d < best) {
                best = d;
                bestIndex = i;
            }
        }
        if (bestIndex > 0) offered.move(bestIndex, 0);
        return fail(position, name.size(),
                    tr("unknown field '%1' at %2; try %3 (put text with ':' in quotes to search for it)")
                        .arg(name, at(position), offered.join(u", ")));
    }

    bool operatorAndValue(AlertFilter::Clause& clause, const QString& name, qsizetype nameStart)
    {
        const qsizetype opStart = m_pos;
        QString op;
        if (peek() == u':') {
            ++m_pos;
            op = u":"_qs;
            if (peek() == u'!') {
                ++m_pos;
                clause.negate = !clause.negate;
                op = u":!"_qs;
            }
        } else if (peek() == u'!') {
            m_pos += 2;
            clause.negate = !clause.negate;
            op = u"!="_qs;
        } else if (peek() == u'>' || peek() == u'<') {
            const bool greater = peek() == u'>';
            ++m_pos;
            const bool orEqual = peek() == u'=';
            if (orEqual) ++m_pos;
            clause.op = greater ? (orEqual ? Op::GreaterEqual : Op::Greater) : (orEqual ? Op::LessEqual : Op::Less);
            op = m_text.mid(opStart, m_pos - opStart);
        } else { // '='
            ++m_pos;
            op = u"="_qs;
        }
        if (clause.op != Op::Match && clause.field != Field::Severity && clause.field != Field::Risk) {
            return fail(
                opStart, m_pos - opStart,
                tr("'%1' at %2 compares only severity and risk; use %3:VALUE").arg(op, at(opStart), name.toLower()));
        }

        const qsizetype valueStart = m_pos;
        if (atEnd() || isSpace(peek())) {
            return fail(
                nameStart, m_pos - nameStart,
                tr("'%1%2' at %3 needs a value, e.g. %4").arg(name, op, at(nameStart), exampleFor(clause.field)));
        }
        QList<Item> values;
        if (peek() == u'"') {
            QString value;
            if (!quoted(value)) return false;
            values.append({value, valueStart, m_pos - valueStart});
        } else {
            // "a,b" is a list: the clause matches any of them.
            qsizetype itemStart = m_pos;
            while (true) {
                if (atEnd() || isSpace(peek()) || peek() == u',') {
                    if (m_pos == itemStart) {
                        return fail(itemStart, 1, tr("empty value in the list at %1").arg(at(itemStart)));
                    }
                    values.append({m_text.mid(itemStart, m_pos - itemStart), itemStart, m_pos - itemStart});
                    if (atEnd() || isSpace(peek())) break;
                    ++m_pos; // ','
                    itemStart = m_pos;
                    continue;
                }
                if (peek() == u'"') {
                    return fail(m_pos, 1,
                                tr("unexpected quote at %1; quote the whole value, e.g. %2:\"a b\"")
                                    .arg(at(m_pos), name.toLower()));
                }
                ++m_pos;
            }
        }
        if (values.size() > 1 && clause.op != Op::Match) {
            return fail(valueStart, m_pos - valueStart, tr("a list at %1 needs ':', not '%2'").arg(at(valueStart), op));
        }
        return checkValues(clause, values);
    }

    static QString exampleFor(Field field)
    {
        switch (field) {
        case Field::User:
            return u"user:alice"_qs;
        case Field::Detection:
            return u"detection:brute"_qs;
        case Field::Country:
            return u"country:!US"_qs;
        case Field::Status:
            return u"status:pending"_qs;
        case Field::Ip:
            return u"ip:10.0.0.0/8"_qs;
        case Field::Assignee:
            return u"assignee:none"_qs;
        case Field::Severity:
            return u"severity>=high"_qs;
        case Field::Risk:
            return u"risk>=60"_qs;
        case Field::Text:
            break;
        }
        return {};
    }

    // One value of a list, where it starts in the text and how long it is there (quotes included).
    struct Item
    {
        QString text;
        qsizetype position = 0;
        qsizetype length = 0;
    };

    bool checkValues(AlertFilter::Clause& clause, const QList<Item>& items)
    {
        for (const Item& item : items)
            clause.values.append(item.text.toLower());

        for (const Item& item : items) {
            const QString v = item.text.toLower();
            const qsizetype p = item.position;
            const qsizetype n = item.length;
            switch (clause.field) {
            case Field::Severity: {
                const int rank = severityRankFor(v);
                if (rank < 0) {
                    return fail(p, n,
                                tr("unknown severity '%1' at %2; use low, medium, high or critical").arg(v, at(p)));
                }
                clause.ranks.append(rank);
                break;
            }
            case Field::Risk: {
                bool ok = false;
                const double number = v.toDouble(&ok);
                if (!ok || !std::isfinite(number) || number < 0 || number > 100) {
                    return fail(p, n, tr("risk needs a number from 0 to 100 at %1, not '%2'").arg(at(p), item.text));
                }
                clause.number = number;
                break;
            }
            case Field::Status: {
                const QStringList states = statesFor(v);
                if (states.isEmpty()) {
                    return fail(
                        p, n,
                        tr("unknown status '%1' at %2; try %3").arg(v, at(p), AlertFilter::statusValues().join(u", ")));
                }
                clause.states.append(states);
                break;
            }
            case Field::Ip:
                if (v.contains(u'/')) {
                    const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(v);
                    if (subnet.first.isNull()) {
                        return fail(p, n,
                                    tr("'%1' at %2 is not an address range such as 10.0.0.0/8").arg(item.text, at(p)));
                    }
                    clause.subnets.append({subnet.first, subnet.second});
                }
                break;
            case Field::Assignee:
                break;
            case Field::Country:
            case Field::User:
            case Field::Detection:
            case Field::Text:
                if (v.isEmpty()) return fail(p, n, tr("empty value at %1 matches nothing").arg(at(p)));
                break;
            }
        }
        if (clause.field == Field::Assignee) {
            clause.unassigned = clause.values == QStringList{u"none"_qs} || clause.values == QStringList{QString()};
        } else if (clause.field == Field::Country) {
            clause.countryCache = std::make_shared<QHash<QString, bool>>();
        } else if (clause.field == Field::Detection) {
            // "brute force" and brute_force are the same detection.
            for (QString& v : clause.values)
                v.replace(u' ', u'_');
        }
        return true;
    }

    // A quoted string from the current '"', with \" and \\ as escapes; leaves m_pos after the closing quote.
    bool quoted(QString& out)
    {
        const qsizetype open = m_pos;
        ++m_pos;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u'\\' && m_pos + 1 < m_text.size()) {
                out.append(m_text.at(m_pos + 1));
                m_pos += 2;
                continue;
            }
            if (c == u'"') {
                ++m_pos;
                if (!atEnd() && !isSpace(peek())) {
                    return fail(m_pos, 1,
                                tr("unexpected '%1' at %2 after the closing quote; add a space")
                                    .arg(QString(peek()), at(m_pos)));
                }
                return true;
            }
            out.append(c);
            ++m_pos;
        }
        return fail(open, m_text.size() - open, tr("the quote at %1 is never closed").arg(at(open)));
    }

    const QString& m_text;
    qsizetype m_pos = 0;
    AlertFilter::Error m_error;
};

AlertFilter::AlertFilter() = default;

AlertFilter AlertFilter::parse(const QString& text)
{
    return AlertFilterParser(text).run();
}

bool AlertFilter::matches(const AlertRow& row) const
{
    if (!isValid()) return false;
    for (const Clause& clause : m_clauses) {
        if (!matchesClause(clause, row)) return false;
    }
    return true;
}

AlertFilter::Predicate AlertFilter::predicate() const
{
    if (!isValid()) return {};
    return [filter = *this](const AlertRow& row) { return filter.matches(row); };
}

bool AlertFilter::matchesClause(const Clause& clause, const AlertRow& row) const
{
    return matchesPositive(clause, row) != clause.negate;
}

bool AlertFilter::matchesPositive(const Clause& clause, const AlertRow& row) const
{
    const auto containsAny = [&clause](const QString& haystack) {
        for (const QString& v : clause.values) {
            if (haystack.contains(v, Qt::CaseInsensitive)) return true;
        }
        return false;
    };
    switch (clause.field) {
    case Field::Text: {
        const QString& v = clause.values.constFirst();
        if (row.user.contains(v, Qt::CaseInsensitive) || row.sourceIp.contains(v, Qt::CaseInsensitive)
            || row.country.contains(v, Qt::CaseInsensitive)) {
            return true;
        }
        for (const QString& d : row.detections) {
            if (d.contains(v, Qt::CaseInsensitive) || QueueText::detectionLabel(d).contains(v, Qt::CaseInsensitive))
                return true;
        }
        return false;
    }
    case Field::User:
        return containsAny(row.user);
    case Field::Detection:
        for (const QString& d : row.detections) {
            for (const QString& v : clause.values) {
                if (d.contains(v, Qt::CaseInsensitive)) return true;
                QString label = QueueText::detectionLabel(d);
                if (label.replace(u' ', u'_').contains(v, Qt::CaseInsensitive)) return true;
            }
        }
        return false;
    case Field::Country: {
        if (row.country.isEmpty()) return false;
        const auto cached = clause.countryCache->constFind(row.country);
        if (cached != clause.countryCache->cend()) return *cached;
        bool match = false;
        for (const QString& v : clause.values) {
            // Two letters are a code and must match exactly; a longer value may also be part of the name.
            if (risk::sameCountry(v, row.country) || (v.size() > 2 && row.country.contains(v, Qt::CaseInsensitive))) {
                match = true;
                break;
            }
        }
        clause.countryCache->insert(row.country, match);
        return match;
    }
    case Field::Status:
        return clause.states.contains(row.state);
    case Field::Ip: {
        if (row.sourceIp.isEmpty()) return false;
        if (!clause.subnets.isEmpty()) {
            const QHostAddress address(row.sourceIp);
            for (const Subnet& s : clause.subnets) {
                if (address.isInSubnet(s.address, s.prefix)) return true;
            }
        }
        for (const QString& v : clause.values) {
            if (!v.contains(u'/') && row.sourceIp.startsWith(v, Qt::CaseInsensitive)) return true;
        }
        return false;
    }
    case Field::Assignee:
        if (clause.unassigned) return row.assignee.trimmed().isEmpty();
        return containsAny(row.assignee);
    case Field::Severity: {
        const int rank = int(QueueText::band(row));
        const int wanted = clause.ranks.constFirst();
        switch (clause.op) {
        case Op::Match:
            return clause.ranks.contains(rank);
        case Op::Less:
            return rank < wanted;
        case Op::LessEqual:
            return rank <= wanted;
        case Op::Greater:
            return rank > wanted;
        case Op::GreaterEqual:
            return rank >= wanted;
        }
        return false;
    }
    case Field::Risk:
        switch (clause.op) {
        case Op::Match:
            return std::round(row.risk) == std::round(clause.number);
        case Op::Less:
            return row.risk < clause.number;
        case Op::LessEqual:
            return row.risk <= clause.number;
        case Op::Greater:
            return row.risk > clause.number;
        case Op::GreaterEqual:
            return row.risk >= clause.number;
        }
        return false;
    }
    return false;
}

QStringList AlertFilter::fieldNames()
{
    return {u"user"_qs, u"detection"_qs, u"country"_qs,  u"status"_qs,
            u"ip"_qs,   u"assignee"_qs,  u"severity"_qs, u"risk"_qs};
}

QStringList AlertFilter::statusValues()
{
    return {u"pending"_qs,    u"recommended"_qs, u"detected"_qs, u"stepped_up"_qs, u"ack"_qs,
            u"overridden"_qs, u"suspended"_qs,   u"resolved"_qs, u"fp"_qs,         u"open"_qs};
}

QStringList AlertFilter::severityValues()
{
    return {u"low"_qs, u"medium"_qs, u"high"_qs, u"critical"_qs};
}

} // namespace vigil::ui

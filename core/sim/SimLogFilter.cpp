// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimLogFilter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace vigil::sim {

struct SimLogFilter::Node
{
    enum class Kind
    {
        And,
        Or,
        Not,
        Compare,
        Present
    } kind = Kind::Compare;
    std::unique_ptr<Node> left, right; // Not uses left
    QString attribute, op;
    QJsonValue value;
};

namespace {

using Node = SimLogFilter::Node;

class Parser
{
public:
    explicit Parser(const QString& text)
        : m_text(text)
    {
    }

    std::unique_ptr<Node> parse(SimLogFilter::Error& error)
    {
        auto node = orExpr();
        skipSpace();
        if (node && m_pos < m_text.size()) fail(u"Unexpected text"_qs);
        if (!m_error.isEmpty()) {
            error.code = m_code;
            error.summary = u"Invalid filter '"_qs + m_text + u"': "_qs + m_error + u" at position "_qs
                            + QString::number(m_errorPos);
            if (m_code == u"E0000031") error.summary = m_error;
            return nullptr;
        }
        return node;
    }

private:
    void skipSpace()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
            ++m_pos;
    }

    void fail(const QString& message, const QString& code = u"E0000053"_qs)
    {
        if (!m_error.isEmpty()) return;
        m_error = message;
        m_code = code;
        m_errorPos = m_pos;
    }

    QString word()
    {
        skipSpace();
        const qsizetype start = m_pos;
        while (m_pos < m_text.size()
               && (m_text.at(m_pos).isLetterOrNumber() || m_text.at(m_pos) == u'.' || m_text.at(m_pos) == u'_'))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }

    bool keyword(const QString& kw)
    {
        skipSpace();
        const qsizetype save = m_pos;
        if (word().compare(kw, Qt::CaseInsensitive) == 0) return true;
        m_pos = save;
        return false;
    }

    std::unique_ptr<Node> orExpr()
    {
        auto left = andExpr();
        while (left && keyword(u"or"_qs)) {
            auto n = std::make_unique<Node>();
            n->kind = Node::Kind::Or;
            n->left = std::move(left);
            n->right = andExpr();
            if (!n->right) return nullptr;
            left = std::move(n);
        }
        return left;
    }

    std::unique_ptr<Node> andExpr()
    {
        auto left = unary();
        while (left && keyword(u"and"_qs)) {
            auto n = std::make_unique<Node>();
            n->kind = Node::Kind::And;
            n->left = std::move(left);
            n->right = unary();
            if (!n->right) return nullptr;
            left = std::move(n);
        }
        return left;
    }

    std::unique_ptr<Node> unary()
    {
        skipSpace();
        if (keyword(u"not"_qs)) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text.at(m_pos) != u'(') {
                fail(u"Expected '(' after not"_qs);
                return nullptr;
            }
            auto n = std::make_unique<Node>();
            n->kind = Node::Kind::Not;
            n->left = unary();
            return n->left ? std::move(n) : nullptr;
        }
        if (m_pos < m_text.size() && m_text.at(m_pos) == u'(') {
            ++m_pos;
            auto inner = orExpr();
            skipSpace();
            if (!inner) return nullptr;
            if (m_pos >= m_text.size() || m_text.at(m_pos) != u')') {
                fail(u"Expected ')'"_qs);
                return nullptr;
            }
            ++m_pos;
            return inner;
        }
        return comparison();
    }

    std::unique_ptr<Node> comparison()
    {
        const QString attribute = word();
        if (attribute.isEmpty()) {
            fail(u"Expected an attribute name"_qs);
            return nullptr;
        }
        skipSpace();
        const qsizetype opPos = m_pos;
        const QString op = word().toLower();
        static const QStringList kOps{u"eq"_qs, u"ne"_qs, u"co"_qs, u"sw"_qs, u"ew"_qs,
                                      u"gt"_qs, u"ge"_qs, u"lt"_qs, u"le"_qs, u"pr"_qs};
        if (!kOps.contains(op)) {
            m_pos = opPos;
            fail(u"Unrecognized attribute operator '"_qs + op + u"'. Expected: eq,co,sw,pr,gt,ge,lt,le"_qs);
            return nullptr;
        }
        // Okta does not search `published` through the filter (since/until do that) nor `co` on URLs.
        if (attribute == u"published") {
            fail(u"The supplied combination of operator and field is not currently supported. Operator: "_qs + op
                     + u", Field: published"_qs,
                 u"E0000031"_qs);
            return nullptr;
        }
        if (op == u"co"
            && (attribute == u"debugContext.debugData.url" || attribute == u"debugContext.debugData.requestUri")) {
            fail(u"The supplied combination of operator and field is not currently supported. Operator: co, Field: "_qs
                     + attribute,
                 u"E0000031"_qs);
            return nullptr;
        }
        auto n = std::make_unique<Node>();
        n->attribute = attribute;
        n->op = op;
        if (op == u"pr") {
            n->kind = Node::Kind::Present;
            return n;
        }
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == u'"') {
            ++m_pos;
            QString value;
            while (m_pos < m_text.size() && m_text.at(m_pos) != u'"') {
                if (m_text.at(m_pos) == u'\\' && m_pos + 1 < m_text.size()) ++m_pos;
                value += m_text.at(m_pos++);
            }
            if (m_pos >= m_text.size()) {
                fail(u"Unterminated string"_qs);
                return nullptr;
            }
            ++m_pos;
            n->value = value;
            return n;
        }
        const QString literal = word();
        if (literal == u"true" || literal == u"false") {
            n->value = literal == u"true";
        } else if (literal == u"null") {
            n->value = QJsonValue();
        } else {
            bool ok = false;
            const double d = literal.toDouble(&ok);
            if (!ok) {
                fail(u"Expected a value"_qs);
                return nullptr;
            }
            n->value = d;
        }
        return n;
    }

    QString m_text;
    qsizetype m_pos = 0;
    QString m_error, m_code;
    qsizetype m_errorPos = 0;
};

// Every value at a dotted path; arrays along the way fan out.
void collect(const QJsonValue& v, const QStringList& path, qsizetype i, QList<QJsonValue>& out)
{
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (const QJsonValue& x : a)
            collect(x, path, i, out);
        return;
    }
    if (i == path.size()) {
        out.append(v);
        return;
    }
    if (!v.isObject()) return;
    const QJsonObject o = v.toObject();
    const auto it = o.constFind(path.at(i));
    if (it == o.constEnd()) return;
    collect(*it, path, i + 1, out);
}

bool compare(const QJsonValue& have, const QString& op, const QJsonValue& want)
{
    if (have.isNull() || have.isUndefined()) return op == u"ne" ? !want.isNull() : (op == u"eq" && want.isNull());
    if (want.isString() || have.isString()) {
        const QString h = have.isString() ? have.toString()
                          : have.isBool() ? (have.toBool() ? u"true"_qs : u"false"_qs)
                                          : QString::number(have.toDouble(), 'g', 17);
        const QString w = want.toString();
        const int c = QString::compare(h, w, Qt::CaseInsensitive);
        if (op == u"eq") return c == 0;
        if (op == u"ne") return c != 0;
        if (op == u"co") return h.contains(w, Qt::CaseInsensitive);
        if (op == u"sw") return h.startsWith(w, Qt::CaseInsensitive);
        if (op == u"ew") return h.endsWith(w, Qt::CaseInsensitive);
        if (op == u"gt") return c > 0;
        if (op == u"ge") return c >= 0;
        if (op == u"lt") return c < 0;
        if (op == u"le") return c <= 0;
        return false;
    }
    if (want.isBool() || have.isBool()) {
        const bool eq = have.toBool() == want.toBool() && have.isBool() == want.isBool();
        return op == u"eq" ? eq : op == u"ne" ? !eq : false;
    }
    const double h = have.toDouble(), w = want.toDouble();
    if (op == u"eq") return h == w;
    if (op == u"ne") return h != w;
    if (op == u"gt") return h > w;
    if (op == u"ge") return h >= w;
    if (op == u"lt") return h < w;
    if (op == u"le") return h <= w;
    return false;
}

class Evaluator
{
public:
    explicit Evaluator(const SimStoredEvent& e)
        : m_event(e)
    {
    }

    bool eval(const Node& n)
    {
        switch (n.kind) {
        case Node::Kind::And:
            return eval(*n.left) && eval(*n.right);
        case Node::Kind::Or:
            return eval(*n.left) || eval(*n.right);
        case Node::Kind::Not:
            return !eval(*n.left);
        case Node::Kind::Present: {
            const QList<QJsonValue> values = valuesOf(n.attribute);
            for (const QJsonValue& v : values) {
                if (!v.isNull() && !v.isUndefined() && !(v.isString() && v.toString().isEmpty())) return true;
            }
            return false;
        }
        case Node::Kind::Compare: {
            // The two filters a poller uses most are answered from the stored columns.
            if (n.op == u"eq" && n.value.isString()) {
                if (n.attribute == u"eventType")
                    return QString::compare(QString::fromUtf8(m_event.eventType), n.value.toString(),
                                            Qt::CaseInsensitive)
                           == 0;
                if (n.attribute == u"actor.id")
                    return QString::compare(QString::fromUtf8(m_event.actorId), n.value.toString(), Qt::CaseInsensitive)
                           == 0;
            }
            const QList<QJsonValue> values = valuesOf(n.attribute);
            if (values.isEmpty()) return n.op == u"ne" || (n.op == u"eq" && n.value.isNull());
            // `ne` holds when no value equals; the others when any value matches.
            if (n.op == u"ne") {
                for (const QJsonValue& v : values) {
                    if (!compare(v, n.op, n.value)) return false;
                }
                return true;
            }
            for (const QJsonValue& v : values) {
                if (compare(v, n.op, n.value)) return true;
            }
            return false;
        }
        }
        return false;
    }

private:
    QList<QJsonValue> valuesOf(const QString& attribute)
    {
        if (!m_parsed) {
            m_object = QJsonDocument::fromJson(m_event.json).object();
            m_parsed = true;
        }
        QList<QJsonValue> out;
        collect(QJsonValue(m_object), attribute.split(u'.'), 0, out);
        return out;
    }

    const SimStoredEvent& m_event;
    QJsonObject m_object;
    bool m_parsed = false;
};

} // namespace

SimLogFilter::SimLogFilter() = default;
SimLogFilter::~SimLogFilter() = default;
SimLogFilter::SimLogFilter(SimLogFilter&&) noexcept = default;
SimLogFilter& SimLogFilter::operator=(SimLogFilter&&) noexcept = default;

bool SimLogFilter::parse(const QString& text, SimLogFilter& out, Error& error)
{
    out.m_root.reset();
    if (text.trimmed().isEmpty()) return true;
    Parser p(text);
    out.m_root = p.parse(error);
    return out.m_root != nullptr;
}

bool SimLogFilter::matches(const SimStoredEvent& event) const
{
    if (!m_root) return true;
    Evaluator e(event);
    return e.eval(*m_root);
}

bool SimKeywordQuery::parse(const QString& text, SimKeywordQuery& out, QString& errorSummary)
{
    out.m_keywords.clear();
    const QStringList words = text.split(u' ', Qt::SkipEmptyParts);
    if (words.size() > 10) {
        errorSummary = u"Api validation failed: 'q': Freeform search cannot contain more than 10 items."_qs;
        return false;
    }
    for (const QString& w : words) {
        if (w.size() > 40) {
            errorSummary =
                u"Api validation failed: 'q': Freeform search cannot contain items longer than 40 characters."_qs;
            return false;
        }
        out.m_keywords.append(w.toLower().toUtf8());
    }
    return true;
}

bool SimKeywordQuery::matches(const SimStoredEvent& event) const
{
    if (m_keywords.isEmpty()) return true;
    const QByteArray lower = event.json.toLower();
    for (const QByteArray& k : m_keywords) {
        if (!lower.contains(k)) return false;
    }
    return true;
}

} // namespace vigil::sim

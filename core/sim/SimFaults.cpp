// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sim/SimFaults.h"

#include <QRegularExpression>
#include <QStringList>

namespace vigil::sim {

namespace {
constexpr const char* kNames[kSimFaultCount] = {"429burst", "500", "slow", "truncated", "expiredcursor"};
constexpr double kDefaultProbability = 0.05;
} // namespace

QString faultName(SimFault f)
{
    return QString::fromLatin1(kNames[int(f)]);
}

SimFaults::SimFaults(quint64 seed)
    : m_rng(seed ^ 0xfa017ULL)
{
}

bool SimFaults::parse(const QString& list, QString& error)
{
    disableAll();
    const QStringList items = list.split(u',', Qt::SkipEmptyParts);
    for (const QString& raw : items) {
        const QString item = raw.trimmed();
        const qsizetype cut = item.indexOf(QRegularExpression(u"[=@]"_qs));
        const QString name = (cut < 0 ? item : item.left(cut)).toLower();
        int kind = -1;
        for (int i = 0; i < kSimFaultCount; ++i) {
            if (name == QLatin1String(kNames[i])) kind = i;
        }
        if (kind < 0) {
            error = u"unknown fault '"_qs + name + u"' (known: 429burst, 500, slow, truncated, expiredcursor)"_qs;
            return false;
        }
        Rule& r = m_rules[size_t(kind)];
        r.enabled = true;
        r.probability = kDefaultProbability;
        if (cut < 0) continue;
        const QString rest = item.mid(cut);
        if (rest.startsWith(u'=')) {
            bool ok = false;
            r.probability = rest.mid(1).toDouble(&ok);
            if (!ok || r.probability < 0 || r.probability > 1) {
                error = u"fault '"_qs + item + u"': the probability must be between 0 and 1"_qs;
                return false;
            }
        } else {
            r.probability = 0;
            const QStringList numbers = rest.split(u'@', Qt::SkipEmptyParts);
            for (const QString& n : numbers) {
                bool ok = false;
                const int at = n.toInt(&ok);
                if (!ok || at < 1) {
                    error = u"fault '"_qs + item + u"': request numbers start at 1"_qs;
                    return false;
                }
                r.at.insert(at);
            }
        }
    }
    return true;
}

void SimFaults::enable(SimFault f, double probability)
{
    Rule& r = m_rules[size_t(f)];
    r.enabled = true;
    r.probability = probability;
}

void SimFaults::disableAll()
{
    m_rules = {};
    m_forced.clear();
}

void SimFaults::force(SimFault f, int times)
{
    for (int i = 0; i < times; ++i)
        m_forced.append(f);
}

bool SimFaults::any() const
{
    for (const Rule& r : m_rules) {
        if (r.enabled) return true;
    }
    return !m_forced.isEmpty();
}

std::optional<SimFault> SimFaults::decide(int requestNumber, bool hasCursor)
{
    if (!m_forced.isEmpty()) {
        // A forced cursor fault waits for a request that has a cursor.
        const SimFault f = m_forced.first();
        if (f != SimFault::ExpiredCursor || hasCursor) {
            m_forced.removeFirst();
            return f;
        }
    }
    std::optional<SimFault> chosen;
    for (int i = 0; i < kSimFaultCount; ++i) {
        // Always draw, so one rule's outcome does not shift the others' sequence.
        const double draw = double(m_rng() % 1000000) / 1000000.0;
        const Rule& r = m_rules[size_t(i)];
        if (!r.enabled || chosen) continue;
        const SimFault f = SimFault(i);
        if (f == SimFault::ExpiredCursor && !hasCursor) continue;
        if (r.at.contains(requestNumber) || draw < r.probability) chosen = f;
    }
    return chosen;
}

} // namespace vigil::sim

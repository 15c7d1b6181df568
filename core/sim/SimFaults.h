// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QSet>
#include <QString>

#include <array>
#include <optional>
#include <random>

namespace vigil::sim {

enum class SimFault
{
    RateLimitBurst, // "429burst": every logs request is refused with 429 for a few seconds
    ServerError,    // "500": Okta's E0000009 internal error
    Slow,           // "slow": the reply comes after a delay
    Truncated,      // "truncated": a 200 whose body stops mid-JSON
    ExpiredCursor,  // "expiredcursor": a request with `after` gets 400 for an invalid cursor
};
constexpr int kSimFaultCount = 5;

QString faultName(SimFault f);

// Which faults the System Log endpoint injects and when: `--faults 429burst,500=0.1,slow@3@7`
// lists fault names, each with a probability per request (`=P`, default 0.05) or the numbers of the
// requests it hits (`@N`, 1-based, counting /api/v1/logs requests). Draws come from the seed, so the
// same seed and the same request sequence give the same faults.
class SimFaults
{
public:
    explicit SimFaults(quint64 seed = 1);

    // Empty text: no faults. Returns false and names the problem for an unknown fault or a bad value.
    bool parse(const QString& list, QString& error);
    void enable(SimFault f, double probability);
    void disableAll();
    // The next `times` logs requests get this fault, whatever the plan says (tests, demos).
    void force(SimFault f, int times = 1);

    // The fault for the `requestNumber`-th logs request, if any (at most one per request).
    std::optional<SimFault> decide(int requestNumber, bool hasCursor);
    bool any() const;

private:
    struct Rule
    {
        bool enabled = false;
        double probability = 0;
        QSet<int> at;
    };
    std::mt19937_64 m_rng;
    std::array<Rule, kSimFaultCount> m_rules;
    QList<SimFault> m_forced;
};

} // namespace vigil::sim

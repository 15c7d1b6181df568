// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

#include <random>

namespace vigil::test {

// A week of ordinary work for an organisation, as Okta would log it: people signing in on workday
// mornings from home or office, apps by SSO, an Okta Verify push per sign-in, typos now and then,
// some weekend work, business trips by plane, new phones. Nothing in it is an attack, so every
// high or critical alert the risk engine raises on it is a false positive.
class BenignTraffic
{
public:
    struct Stats
    {
        int users = 0;
        int travellers = 0;
        int newPhones = 0;
        int typoDays = 0;
        int weekendWorkers = 0;
    };

    explicit BenignTraffic(int users, quint64 seed = 11);

    // Events as JSON objects (one per element), in `published` order.
    QList<QByteArray> week(qint64 mondayUtcMs);
    const Stats& stats() const { return m_stats; }

private:
    int m_users;
    std::mt19937_64 m_rng;
    Stats m_stats;
};

} // namespace vigil::test

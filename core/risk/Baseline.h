// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include <array>
#include <optional>
#include <string_view>

namespace vigil::risk {

// A 64-bit FNV-1a hash. Baselines are persisted, so the hash must not change between runs or Qt
// versions (qHash is seeded per process and differs by CPU); the strings are short, so a byte-wise
// hash costs little.
quint64 stableHash(std::string_view text, quint64 seed = 0xcbf29ce484222325ull);

// Membership of a few recently seen things (devices, IPs, networks), kept as hashes so that a
// long-lived user costs a fixed amount of memory. When full, the least recently seen one is forgotten:
// a device unused for months counts as new again, which is what an analyst would expect.
template <int Capacity> class RecentHashes
{
public:
    bool contains(quint64 hash) const { return indexOf(hash) >= 0; }
    bool isEmpty() const { return m_entries.isEmpty(); }
    qsizetype size() const { return m_entries.size(); }

    void touch(quint64 hash, qint64 atMs)
    {
        if (const qsizetype i = indexOf(hash); i >= 0) {
            m_entries[i].lastSeenMs = std::max(m_entries[i].lastSeenMs, atMs);
            return;
        }
        if (m_entries.size() < Capacity) {
            m_entries.append({hash, atMs});
            return;
        }
        qsizetype oldest = 0;
        for (qsizetype i = 1; i < m_entries.size(); ++i) {
            if (m_entries[i].lastSeenMs < m_entries[oldest].lastSeenMs) oldest = i;
        }
        m_entries[oldest] = {hash, atMs};
    }

    struct Entry
    {
        quint64 hash = 0;
        qint64 lastSeenMs = 0;
    };
    const QVarLengthArray<Entry, Capacity>& entries() const { return m_entries; }

private:
    qsizetype indexOf(quint64 hash) const
    {
        for (qsizetype i = 0; i < m_entries.size(); ++i) {
            if (m_entries[i].hash == hash) return i;
        }
        return -1;
    }
    QVarLengthArray<Entry, Capacity> m_entries;
};

// Named places a user signs in from, most frequent first on request: the names are kept because the
// page to the on-call analyst says what is normal for this person ("usually Berlin, Germany").
class PlaceCounts
{
public:
    static constexpr int kCapacity = 5;
    bool contains(const QString& name) const;
    bool isEmpty() const { return m_places.isEmpty(); }
    void add(const QString& name, qint64 atMs);
    QStringList mostFrequent(int count) const;

    struct Place
    {
        QString name;
        quint32 signIns = 0;
        qint64 lastSeenMs = 0;
    };
    const QVarLengthArray<Place, kCapacity>& places() const { return m_places; }
    void restore(const Place& place);

private:
    QVarLengthArray<Place, kCapacity> m_places;
};

// What Vigil has learned about one user's normal sign-ins. Bounded (a fixed number of entries per
// kind, about 1 KB), serialisable, and kept in the store so that a restart does not forget it.
struct UserBaseline
{
    RecentHashes<16> devices; // device fingerprints and "browser on OS" families
    RecentHashes<16> ips;
    RecentHashes<8> networks; // AS numbers
    PlaceCounts countries;
    PlaceCounts cities;
    std::array<quint16, 24> localHours{}; // successful primary sign-ins per local hour of day
    quint32 signIns = 0;
    quint16 signInDays = 0; // distinct UTC days with a sign-in
    qint64 lastSignInDay = -1;
    qint64 updatedMs = 0;

    void countSignInDay(qint64 atMs);
    // The hours with the most sign-ins, e.g. "8:00–18:00", for the on-call page.
    QString usualHours() const;

    QByteArray serialize() const;
    static std::optional<UserBaseline> deserialize(const QByteArray& data);
    // Heap and inline bytes this baseline holds: what the ≤ 2 KB per user target counts.
    qsizetype approximateBytes() const;
};

// What Vigil has learned about one source IP: the users it failed against, for password-spray context.
struct IpBaseline
{
    static constexpr int kUsers = 32;
    RecentHashes<kUsers> usersFailed;
    quint32 failures = 0;
    qint64 firstSeenMs = 0;
    qint64 updatedMs = 0;

    QByteArray serialize() const;
    static std::optional<IpBaseline> deserialize(const QByteArray& data);
};

} // namespace vigil::risk

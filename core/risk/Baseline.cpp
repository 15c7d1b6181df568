// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/risk/Baseline.h"

#include <QDataStream>
#include <QIODevice>

#include <algorithm>

namespace vigil::risk {

namespace {

// The first byte of every serialised baseline; bump it (and read the old one) when the layout changes.
constexpr quint8 kUserFormat = 1;
constexpr quint8 kIpFormat = 1;

template <int N> void writeHashes(QDataStream& out, const RecentHashes<N>& set)
{
    out << quint8(set.size());
    for (const auto& e : set.entries())
        out << e.hash << e.lastSeenMs;
}

template <int N> bool readHashes(QDataStream& in, RecentHashes<N>& set)
{
    quint8 count = 0;
    in >> count;
    if (count > N) return false;
    for (int i = 0; i < count; ++i) {
        quint64 hash = 0;
        qint64 at = 0;
        in >> hash >> at;
        set.touch(hash, at);
    }
    return in.status() == QDataStream::Ok;
}

void writePlaces(QDataStream& out, const PlaceCounts& places)
{
    out << quint8(places.places().size());
    for (const auto& p : places.places())
        out << p.name << p.signIns << p.lastSeenMs;
}

bool readPlaces(QDataStream& in, PlaceCounts& places)
{
    quint8 count = 0;
    in >> count;
    if (count > PlaceCounts::kCapacity) return false;
    for (int i = 0; i < count; ++i) {
        PlaceCounts::Place p;
        in >> p.name >> p.signIns >> p.lastSeenMs;
        places.restore(p);
    }
    return in.status() == QDataStream::Ok;
}

} // namespace

quint64 stableHash(std::string_view text, quint64 seed)
{
    quint64 h = seed;
    for (const char c : text) {
        h ^= quint8(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

namespace {

// The engine hands out one shared string per place, so equal names are usually the same string: that is
// checked first, before comparing characters (this runs for every successful sign-in).
bool sameName(const QString& a, const QString& b)
{
    return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
}

} // namespace

bool PlaceCounts::contains(const QString& name) const
{
    return std::any_of(m_places.begin(), m_places.end(), [&](const Place& p) { return sameName(p.name, name); });
}

void PlaceCounts::add(const QString& name, qint64 atMs)
{
    for (Place& p : m_places) {
        if (sameName(p.name, name)) {
            ++p.signIns;
            p.lastSeenMs = std::max(p.lastSeenMs, atMs);
            return;
        }
    }
    if (m_places.size() < kCapacity) {
        m_places.append({name, 1, atMs});
        return;
    }
    // Full: the rarest place (the oldest among equals) makes room, so a move to a new city is learned.
    auto victim = std::min_element(m_places.begin(), m_places.end(), [](const Place& a, const Place& b) {
        return a.signIns != b.signIns ? a.signIns < b.signIns : a.lastSeenMs < b.lastSeenMs;
    });
    *victim = {name, 1, atMs};
}

void PlaceCounts::restore(const Place& place)
{
    if (m_places.size() < kCapacity && !place.name.isEmpty()) m_places.append(place);
}

QStringList PlaceCounts::mostFrequent(int count) const
{
    QVarLengthArray<Place, kCapacity> sorted = m_places;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Place& a, const Place& b) { return a.signIns > b.signIns; });
    QStringList names;
    for (qsizetype i = 0; i < sorted.size() && i < count; ++i)
        names.append(sorted[i].name);
    return names;
}

void UserBaseline::countSignInDay(qint64 atMs)
{
    // Events arrive in time order, so a day differing from the last one is a new day.
    const qint64 day = atMs >= 0 ? atMs / 86400000 : (atMs - 86399999) / 86400000;
    if (day != lastSignInDay && signInDays < 0xffff) ++signInDays;
    lastSignInDay = day;
}

QString UserBaseline::usualHours() const
{
    if (signIns == 0) return {};
    // The shortest run of hours (wrapping midnight) that holds at least 80% of the sign-ins.
    const quint32 wanted = (signIns * 4 + 4) / 5;
    int bestStart = 0, bestLength = 24;
    for (int start = 0; start < 24; ++start) {
        quint32 sum = 0;
        for (int length = 1; length <= 24; ++length) {
            sum += localHours[size_t((start + length - 1) % 24)];
            if (sum >= wanted) {
                if (length < bestLength) {
                    bestLength = length;
                    bestStart = start;
                }
                break;
            }
        }
    }
    return QStringLiteral("%1:00–%2:00").arg(bestStart).arg((bestStart + bestLength) % 24);
}

QByteArray UserBaseline::serialize() const
{
    QByteArray data;
    QDataStream out(&data, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out << kUserFormat;
    writeHashes(out, devices);
    writeHashes(out, ips);
    writeHashes(out, networks);
    writePlaces(out, countries);
    writePlaces(out, cities);
    for (const quint16 h : localHours)
        out << h;
    out << signIns << signInDays << lastSignInDay << updatedMs;
    return data;
}

std::optional<UserBaseline> UserBaseline::deserialize(const QByteArray& data)
{
    QDataStream in(data);
    in.setVersion(QDataStream::Qt_6_0);
    quint8 format = 0;
    in >> format;
    if (format != kUserFormat) return std::nullopt;
    UserBaseline b;
    if (!readHashes(in, b.devices) || !readHashes(in, b.ips) || !readHashes(in, b.networks)
        || !readPlaces(in, b.countries) || !readPlaces(in, b.cities)) {
        return std::nullopt;
    }
    for (quint16& h : b.localHours)
        in >> h;
    in >> b.signIns >> b.signInDays >> b.lastSignInDay >> b.updatedMs;
    if (in.status() != QDataStream::Ok || !in.atEnd()) return std::nullopt;
    return b;
}

qsizetype UserBaseline::approximateBytes() const
{
    qsizetype bytes = sizeof(UserBaseline);
    for (const PlaceCounts* places : {&countries, &cities}) {
        for (const auto& p : places->places()) {
            // QString's heap block: header plus UTF-16 characters, rounded up by the allocator.
            if (!p.name.isEmpty()) bytes += ((24 + (p.name.size() + 1) * 2) + 15) / 16 * 16;
        }
    }
    return bytes;
}

QByteArray IpBaseline::serialize() const
{
    QByteArray data;
    QDataStream out(&data, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out << kIpFormat;
    writeHashes(out, usersFailed);
    out << failures << firstSeenMs << updatedMs;
    return data;
}

std::optional<IpBaseline> IpBaseline::deserialize(const QByteArray& data)
{
    QDataStream in(data);
    in.setVersion(QDataStream::Qt_6_0);
    quint8 format = 0;
    in >> format;
    if (format != kIpFormat) return std::nullopt;
    IpBaseline b;
    if (!readHashes(in, b.usersFailed)) return std::nullopt;
    in >> b.failures >> b.firstSeenMs >> b.updatedMs;
    if (in.status() != QDataStream::Ok || !in.atEnd()) return std::nullopt;
    return b;
}

} // namespace vigil::risk

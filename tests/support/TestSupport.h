// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <random>
#include <vector>

namespace vigil::test {

// Absolute path of a file under tests/data.
QString dataPath(const QString& relative);
QByteArray readFileOrFail(const QString& path);

// Realistic Okta System Log events (~2 KB each, the shape of the Event Hook sample in Okta's docs):
// sign-ins, failures, MFA pushes, SSO, across many users, cities, devices and ASNs.
// Deterministic for a seed, so benchmarks and tests see the same stream every run.
class SyntheticEventGenerator
{
public:
    explicit SyntheticEventGenerator(int users = 5000, quint64 seed = 1, qint64 startMs = 1764000000000);
    // One event as compact JSON, no trailing newline.
    QByteArray next();
    // `count` events, one per line, each line ending in '\n'.
    QByteArray ndjson(int count);
    qint64 generated() const { return m_count; }

private:
    // What a user's events keep from one to the next: the session of the last login and the device.
    struct UserTrail
    {
        QByteArray externalSessionId, rootSessionId, deviceFingerprint, dtHash;
    };
    int m_users;
    std::mt19937_64 m_rng;
    qint64 m_clockMs;
    qint64 m_count = 0;
    std::vector<UserTrail> m_trails;
};

// Text followed by the padding the parser needs, as readFile() lays it out, so that benchmarks
// measure parsing and not a copy of their input. `size` excludes the padding.
struct PaddedInput
{
    QByteArray buffer;
    qsizetype size = 0;
};
PaddedInput padded(const QByteArray& text);

// A benchmark's input from its command line: `bench [EVENTS] [USERS]` (defaults 200,000 and 5,000).
struct BenchInput
{
    int events = 0;
    int users = 0;
    QByteArray text; // NDJSON from SyntheticEventGenerator(users, 42)
};
BenchInput benchInput(const QStringList& arguments);

} // namespace vigil::test

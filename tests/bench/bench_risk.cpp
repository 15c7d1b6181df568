// SPDX-License-Identifier: GPL-3.0-or-later
// bench_risk [EVENTS] [USERS]: events/s for parse + score on one thread, and memory per tracked user.
// Target on the 2-core reference machine: >= 400k events/s.
#include "core/okta/InputReader.h"
#include "core/risk/RiskEngine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <cstdio>
#include <cstring>

#include "support/TestSupport.h"

using namespace vigil;

namespace {

// Resident memory in bytes, from /proc (Linux); 0 elsewhere.
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const test::BenchInput bench = test::benchInput(args);
    const int events = bench.events;
    const int users = bench.users;
    const QByteArray& text = bench.text;
    const test::PaddedInput input = test::padded(text);
    std::printf("input: %d events, %d users, %.1f MB\n", events, users, text.size() / 1e6);

    double best = 1e9;
    qint64 tracked = 0;
    qint64 memoryPerUser = 0;
    for (int run = 0; run < 3; ++run) {
        const qint64 before = residentBytes();
        risk::RiskEngine engine;
        QElapsedTimer timer;
        timer.start();
        okta::InputReader reader([&](okta::LogEvent&& e) { engine.process(e); }, {});
        reader.readPaddedBuffer(QStringLiteral("bench"), input.buffer, input.size);
        best = std::min(best, timer.nsecsElapsed() / 1e9);
        report::Report report;
        engine.fillReport(report);
        tracked = report.users.size();
        memoryPerUser = (residentBytes() - before) / std::max(users, 1);
    }
    std::printf("parse+score:  %d events in %.3f s = %.0f events/s  [target >= 400000]\n", events, best, events / best);
    std::printf("state:        ~%lld bytes per user seen (resident growth / %d users), %lld users with findings\n",
                static_cast<long long>(memoryPerUser), users, static_cast<long long>(tracked));
    return 0;
}

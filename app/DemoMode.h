// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/LiveSession.h"
#include "core/sim/SimServer.h"

#include <QObject>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace vigil::app {

// `vigil --demo`: the simulated tenant in-process on a free loopback port, and the normal live
// pipeline connected to it over HTTP, by polling and by Event Hooks. No credentials, no network.
// Attacks from the detection catalogue start one after another so that there is something to see.
class DemoMode : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString dataDir;   // empty: a temporary folder, gone when the demo ends
        double speed = 30; // simulated seconds per real second
        int users = 200;
        qint64 attackEveryMs = 20000;      // real time between scripted attacks
        qint64 autoSuspendDelayMs = 30000; // the safety net's countdown, real time
        // Team mode: the demo's events, alerts and audit log in this PostgreSQL database instead of a SQLite file.
        QString storeUrl;
        QByteArray storePassword; // never logged
    };

    explicit DemoMode(Options options, QObject* parent = nullptr);
    ~DemoMode() override;

    bool start(QString* error);
    pipeline::LiveSession& session() { return *m_session; }
    sim::SimServer& tenant() { return *m_sim; }

signals:
    // The demo's own lines (attacks started); the session's lines come from session().logLine.
    void logLine(const QString& line);

private:
    void nextAttack();

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    std::unique_ptr<sim::SimServer> m_sim;
    std::unique_ptr<pipeline::LiveSession> m_session;
    QTimer m_attacks;
    int m_attackIndex = 0;
};

} // namespace vigil::app

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pipeline/ConsoleFeed.h"
#include "core/sim/SimOrg.h"

#include <QSet>
#include <QString>

namespace vigil::test {

// A store with a week of two users' Okta events, written with the simulated org's event factory, plus
// what the automation left about them: response rows, audit records and a suppression. For the user
// view's tests (core and widgets).
//
// alice: a week of laptop sign-ins and phone MFA from her home city; in the last day one more laptop
// sign-in, then a brute force from a hosting provider abroad (8 failures and a success with a script's
// user agent and no fingerprint), and a last MFA from her phone at `nowMs`.
// bob: five days of laptop sign-ins at home, and two failures from the same attacking IP.
struct UserActivityFixture
{
    static constexpr qint64 kNowMs = 1764000123456; // the newest stored event
    static constexpr qint64 kHour = 3600LL * 1000;
    static constexpr qint64 kDay = 24 * kHour;

    sim::SimUser alice, bob;
    sim::SimPlace home, hostile;
    QString attackerIp;
    QSet<QString> aliceUuids, bobUuids;
    QSet<QString> attackUuids; // alice's events from the attacker
    int aliceSuccesses = 0, aliceFailures = 0;
    int aliceLastDaySuccesses = 0, aliceLastDayFailures = 0;
    int laptopEvents = 0, phoneEvents = 0, toolEvents = 0;
    int homeEvents = 0, hostileEvents = 0;
    qint64 attackStartMs = 0, attackEndMs = 0;

    QString aliceAlertId = QStringLiteral("alert-1764000000000-7");
    QString aliceOldAlertId = QStringLiteral("alert-1763600000000-2");
    QString bobAlertId = QStringLiteral("alert-1764000000000-8");
    qint64 aliceDeadlineMs = 0;
    qint64 suppressionId = 0;
    // Audit records about alice (her login, her alerts, her suppression) and about bob.
    int aliceAuditRecords = 0;
    int bobAuditRecords = 0;

    // Writes the store at `storePath` (a new file); false with `error` when something could not be stored.
    bool write(const QString& storePath, QString* error);

    // The live alerts as a console snapshot would hold them.
    pipeline::ConsoleAlert aliceAlert() const;
    pipeline::ConsoleAlert bobAlert() const;
    pipeline::ConsoleUser aliceOnBoard() const;
};

} // namespace vigil::test

// SPDX-License-Identifier: GPL-3.0-or-later
// Team mode's coordination in one process, several consoles' coordinators on a private PostgreSQL
// cluster: one leader at a time, takeover when the leader stops or loses its connection, membership
// for the status bar, and response changes heard by the others within a second.
#include "core/team/TeamCoordinator.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include "support/PostgresCluster.h"

using namespace vigil;

class TestTeamCoordinator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_up = m_pg.start();
        if (!m_up) QVERIFY2(!m_pg.skipReason().isEmpty(), qPrintable(m_pg.error()));
    }

    void oneLeaderAndTakeoverWhenItStops()
    {
        if (!m_up) QSKIP(qPrintable(m_pg.skipReason()));
        const QString db = u"lead"_qs;
        auto a = make(db, u"alice@ws-1"_qs, u"vigil-team-a"_qs);
        auto b = make(db, u"bob@ws-2"_qs, u"vigil-team-b"_qs);
        QString error;
        QVERIFY2(a->start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(a->isLeading(), 5000);
        QSignalSpy bLeads(b.get(), &team::TeamCoordinator::leadershipChanged);
        QVERIFY2(b->start(&error), qPrintable(error));
        QTest::qWait(800);
        QVERIFY(!b->isLeading());
        QCOMPARE(bLeads.count(), 0);

        // The status bar's view, from either console.
        QTRY_COMPARE_WITH_TIMEOUT(b->status().members.size(), 2, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(b->status().leader, u"alice@ws-1"_qs, 3000);
        QCOMPARE(a->status().leader, u"alice@ws-1"_qs);
        QVERIFY(b->status().teamMode && b->status().connected && !b->status().leading);

        QElapsedTimer took;
        took.start();
        a->stop();
        QTRY_VERIFY_WITH_TIMEOUT(b->isLeading(), 5000);
        QVERIFY(took.elapsed() < 30000);
        QCOMPARE(bLeads.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(b->status().members.size(), 1, 3000);
    }

    void leaderThatLosesItsConnectionIsReplaced()
    {
        if (!m_up) QSKIP(qPrintable(m_pg.skipReason()));
        const QString db = u"drop"_qs;
        auto a = make(db, u"alice@ws-1"_qs, u"vigil-team-drop-a"_qs);
        auto b = make(db, u"bob@ws-2"_qs, u"vigil-team-drop-b"_qs);
        QVERIFY(a->start(nullptr));
        QTRY_VERIFY_WITH_TIMEOUT(a->isLeading(), 5000);
        QVERIFY(b->start(nullptr));
        QSignalSpy aLeads(a.get(), &team::TeamCoordinator::leadershipChanged);
        // What the server does to a console whose network died once keep-alives give up: ends its session.
        QVERIFY(m_pg.terminateSessions(db, u"vigil-team-drop-a"_qs));
        QElapsedTimer took;
        took.start();
        QTRY_VERIFY_WITH_TIMEOUT(b->isLeading(), 30000);
        QVERIFY2(took.elapsed() < 30000, "takeover within 30 s");
        // The old leader noticed and stepped down; it reconnects as a follower, never as a second leader.
        QTRY_VERIFY_WITH_TIMEOUT(!a->isLeading(), 5000);
        QVERIFY(aLeads.count() >= 1);
        QCOMPARE(aLeads.constLast().at(0).toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(a->status().connected, 5000);
        QTest::qWait(600);
        QVERIFY(!a->isLeading());
        QVERIFY(b->isLeading());
    }

    void responseChangesReachTheOthersWithinASecond()
    {
        if (!m_up) QSKIP(qPrintable(m_pg.skipReason()));
        const QString db = u"share"_qs;
        auto a = make(db, u"alice@ws-1"_qs, u"vigil-team-share-a"_qs);
        auto b = make(db, u"bob@ws-2"_qs, u"vigil-team-share-b"_qs);
        auto c = make(db, u"carol@ws-3"_qs, u"vigil-team-share-c"_qs);
        QVERIFY(a->start(nullptr) && b->start(nullptr) && c->start(nullptr));
        QSignalSpy heardByB(b.get(), &team::TeamCoordinator::sharedResponseChanged);
        QSignalSpy heardByC(c.get(), &team::TeamCoordinator::sharedResponseChanged);
        QSignalSpy heardByA(a.get(), &team::TeamCoordinator::sharedResponseChanged);
        QElapsedTimer took;
        took.start();
        a->publishResponse(u"alert-7"_qs, u"acknowledged"_qs, u"alice@ws-1"_qs);
        QTRY_VERIFY_WITH_TIMEOUT(heardByB.count() == 1 && heardByC.count() == 1, 1000);
        qInfo("heard by both others after %lld ms", qint64(took.elapsed()));
        QCOMPARE(heardByB.at(0).at(0).toString(), u"alert-7"_qs);
        QCOMPARE(heardByB.at(0).at(1).toString(), u"acknowledged"_qs);
        QCOMPARE(heardByC.at(0).at(2).toString(), u"alice@ws-1"_qs);
        QTest::qWait(200);
        QCOMPARE(heardByA.count(), 0); // not its own
    }

    void conflictNamesWhoActedFirst()
    {
        response::AnalystCommand c;
        c.action = u"ack"_qs;
        c.alertId = u"alert-9"_qs;
        c.who = u"bob@ws-2"_qs;
        response::CommandResult refused;
        refused.message = u"no open alert alert-9"_qs;
        const response::CommandResult r = team::explainConflict(refused, c, u"alice@ws-1"_qs, u"acknowledged"_qs);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains(u"alice@ws-1") && r.message.contains(u"acknowledged"), qPrintable(r.message));
        // Not a conflict: the same analyst, or a command that worked.
        QCOMPARE(team::explainConflict(refused, c, u"bob@ws-2"_qs, u"acknowledged"_qs).message, refused.message);
    }

private:
    std::unique_ptr<team::TeamCoordinator> make(const QString& db, const QString& who, const QString& app)
    {
        if (!m_created.contains(db)) {
            m_urls.insert(db, m_pg.createDatabase(db));
            m_created.insert(db);
        }
        std::optional<store::PostgresLocation> where = store::PostgresLocation::parse(m_urls.value(db), nullptr);
        where->password = m_pg.password();
        auto t = std::make_unique<team::TeamCoordinator>(*where, who);
        t->setTickMs(200);
        t->setTakeoverGraceMs(0);
        t->setApplicationName(app);
        connect(t.get(), &team::TeamCoordinator::logLine, this,
                [who](const QString& line) { qInfo("%s: %s", qPrintable(who), qPrintable(line)); });
        return t;
    }

    test::PostgresCluster m_pg;
    bool m_up = false;
    QSet<QString> m_created;
    QHash<QString, QString> m_urls;
};

QTEST_GUILESS_MAIN(TestTeamCoordinator)
#include "TestTeamCoordinator.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/okta/OktaAdminUrl.h"
#include "core/pipeline/UserProfile.h"
#include "core/store/SqliteEventStore.h"

#include <QTemporaryDir>
#include <QTest>

#include "support/UserActivityFixture.h"

using namespace vigil;
using pipeline::UserProfile;
using pipeline::UserProfileBuilder;
using pipeline::UserProfileRequest;
using test::UserActivityFixture;

class TestUserProfile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void eventsBelongToTheUserNewestFirst();
    void devicesAndPlacesAreCounted();
    void hoursCountSuccessesAndFailures();
    void responsesSuppressionsAndAudit();
    void eventsAreLinkedToTheAlertsTheyFed();
    void limitKeepsTheNewestEvents();
    void unknownUserHasNothing();
    void contributionsAreParsedFromReasons();
    void adminConsoleUrl();

private:
    UserProfile load(const QString& login, int limit = 5000);

    QTemporaryDir m_dir;
    UserActivityFixture m_fx;
    std::unique_ptr<store::SqliteEventStore> m_store;
};

void TestUserProfile::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("vigil.sqlite"));
    QString error;
    QVERIFY2(m_fx.write(path, &error), qPrintable(error));
    m_store = std::make_unique<store::SqliteEventStore>(path);
    QVERIFY2(m_store->open(&error), qPrintable(error));
}

UserProfile TestUserProfile::load(const QString& login, int limit)
{
    UserProfileRequest request;
    request.login = login;
    request.limit = limit;
    request.alerts = {pipeline::UserAlertLink::from(m_fx.aliceAlert()), pipeline::UserAlertLink::from(m_fx.bobAlert())};
    return UserProfileBuilder::build(*m_store, request);
}

void TestUserProfile::eventsBelongToTheUserNewestFirst()
{
    const UserProfile p = load(m_fx.alice.login);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.toMs, UserActivityFixture::kNowMs); // the newest stored event ends the window
    QCOMPARE(p.events.size(), m_fx.aliceUuids.size());
    QSet<QString> uuids;
    for (qsizetype i = 0; i < p.events.size(); ++i) {
        uuids.insert(p.events.at(i).uuid);
        if (i > 0) QVERIFY(p.events.at(i - 1).atMs >= p.events.at(i).atMs);
    }
    QCOMPARE(uuids, m_fx.aliceUuids);
    QVERIFY(!uuids.intersects(m_fx.bobUuids));
    QCOMPARE(p.events.first().atMs, UserActivityFixture::kNowMs);
    QCOMPARE(p.oktaUserId, m_fx.alice.id);
    QCOMPARE(p.displayName, m_fx.alice.displayName());
    QVERIFY(!p.truncated);
    QCOMPARE(p.rejected, 0);

    // A failure keeps its reason and where it came from.
    const auto failure = std::find_if(p.events.begin(), p.events.end(), [](const pipeline::UserEvent& e) {
        return e.kind == pipeline::UserEvent::Outcome::Failure;
    });
    QVERIFY(failure != p.events.end());
    QCOMPARE(failure->reason, QStringLiteral("INVALID_CREDENTIALS"));
    QCOMPARE(failure->ip, m_fx.attackerIp);
    QCOMPARE(failure->country, m_fx.hostile.country);
    QCOMPARE(failure->eventType, QStringLiteral("user.session.start"));
}

void TestUserProfile::devicesAndPlacesAreCounted()
{
    const UserProfile p = load(m_fx.alice.login);
    QCOMPARE(p.devices.size(), 3);
    QHash<QString, pipeline::UserSighting> byKey;
    for (const pipeline::UserSighting& s : p.devices)
        byKey.insert(s.key, s);
    const pipeline::UserSighting laptop = byKey.value(QStringLiteral("fp:") + m_fx.alice.laptop.fingerprint);
    const pipeline::UserSighting phone = byKey.value(QStringLiteral("fp:") + m_fx.alice.phone.fingerprint);
    QCOMPARE(laptop.events, m_fx.laptopEvents);
    QCOMPARE(phone.events, m_fx.phoneEvents);
    QVERIFY(!laptop.isNew);
    QVERIFY(!phone.isNew);
    QCOMPARE(phone.lastSeenMs, UserActivityFixture::kNowMs);
    // The script has no fingerprint: it is known by its user agent, and it is new.
    const auto tool = std::find_if(p.devices.begin(), p.devices.end(),
                                   [](const pipeline::UserSighting& s) { return s.key.startsWith(u"ua:"); });
    QVERIFY(tool != p.devices.end());
    QVERIFY2(tool->label.contains(u"python-requests/2.31.0"), qPrintable(tool->label));
    QCOMPARE(tool->events, m_fx.toolEvents);
    QCOMPARE(tool->failures, 8);
    QVERIFY(tool->isNew);
    QVERIFY(!tool->newBecause.isEmpty());
    QCOMPARE(tool->firstSeenMs, m_fx.attackStartMs);
    QCOMPARE(tool->lastSeenMs, m_fx.attackEndMs);
    // Most recently seen first.
    QCOMPARE(p.devices.first().key, phone.key);

    QCOMPARE(p.places.size(), 2);
    for (const pipeline::UserSighting& s : p.places) {
        if (s.label.startsWith(m_fx.hostile.city)) {
            QCOMPARE(s.events, m_fx.hostileEvents);
            QVERIFY(s.isNew);
            QCOMPARE(s.label, QStringLiteral("%1, %2").arg(m_fx.hostile.city, m_fx.hostile.country));
        } else {
            QCOMPARE(s.label, QStringLiteral("%1, %2").arg(m_fx.home.city, m_fx.home.country));
            QCOMPARE(s.events, m_fx.homeEvents);
            QVERIFY(!s.isNew);
            QCOMPARE(s.firstSeenMs,
                     UserActivityFixture::kNowMs - 7 * UserActivityFixture::kDay + 2 * UserActivityFixture::kHour);
        }
    }
}

void TestUserProfile::hoursCountSuccessesAndFailures()
{
    const UserProfile p = load(m_fx.alice.login);
    QCOMPARE(p.hours.size(), 7 * 24);
    QVERIFY(p.hours.last().startMs <= p.toMs);
    QVERIFY(p.toMs < p.hours.last().startMs + UserActivityFixture::kHour);
    QCOMPARE(p.fromMs, p.hours.first().startMs);
    int success = 0, failure = 0, lastDaySuccess = 0, lastDayFailure = 0;
    for (qsizetype i = 0; i < p.hours.size(); ++i) {
        success += p.hours.at(i).success;
        failure += p.hours.at(i).failure;
        if (i >= p.hours.size() - 24) {
            lastDaySuccess += p.hours.at(i).success;
            lastDayFailure += p.hours.at(i).failure;
        }
    }
    QCOMPARE(success, m_fx.aliceSuccesses);
    QCOMPARE(failure, m_fx.aliceFailures);
    QCOMPARE(lastDaySuccess, m_fx.aliceLastDaySuccesses);
    QCOMPARE(lastDayFailure, m_fx.aliceLastDayFailures);
    // The attack's hour holds its eight failures.
    const qsizetype attackHour = (m_fx.attackStartMs - p.fromMs) / UserActivityFixture::kHour;
    QCOMPARE(p.hours.at(attackHour).failure + p.hours.value(attackHour + 1).failure, 8);
}

void TestUserProfile::responsesSuppressionsAndAudit()
{
    const UserProfile p = load(m_fx.alice.login);
    QCOMPARE(p.responses.size(), 2);
    QCOMPARE(p.responses.first().alertId, m_fx.aliceAlertId); // newest first
    QCOMPARE(p.responses.first().state, QStringLiteral("suspension_pending"));
    QCOMPARE(p.responses.first().deadlineMs, m_fx.aliceDeadlineMs);
    QCOMPARE(p.responses.first().stepUp, QStringLiteral("REJECTED"));
    QCOMPARE(p.responses.last().acknowledgedBy, QStringLiteral("sam@soc-ws-2"));
    QCOMPARE(p.responses.last().reason, QStringLiteral("travelling; confirmed by phone"));

    QCOMPARE(p.suppressions.size(), 1);
    QCOMPARE(p.suppressions.first().reason, QStringLiteral("works nights this month"));

    QCOMPARE(p.audit.size(), m_fx.aliceAuditRecords);
    for (qsizetype i = 1; i < p.audit.size(); ++i)
        QVERIFY(p.audit.at(i - 1).seq > p.audit.at(i).seq);
    QStringList subjects;
    for (const audit::AuditRecord& r : p.audit)
        subjects << r.subject;
    QVERIFY(!subjects.contains(m_fx.bobAlertId));
    QVERIFY(subjects.contains(m_fx.alice.login));
    QVERIFY(subjects.contains(m_fx.aliceOldAlertId));
    QVERIFY(subjects.contains(QStringLiteral("suppression:%1").arg(m_fx.suppressionId)));
    QCOMPARE(p.audit.first().details.value(u"rule").toString(), QStringLiteral("suspend_after_delay"));

    const UserProfile bob = load(m_fx.bob.login);
    QCOMPARE(bob.audit.size(), m_fx.bobAuditRecords);
    QCOMPARE(bob.responses.size(), 1);
    QVERIFY(bob.suppressions.isEmpty());
}

void TestUserProfile::eventsAreLinkedToTheAlertsTheyFed()
{
    const UserProfile p = load(m_fx.alice.login);
    int linked = 0;
    for (const pipeline::UserEvent& e : p.events) {
        const bool fromAttack = m_fx.attackUuids.contains(e.uuid);
        QCOMPARE(e.alertIds.contains(m_fx.aliceAlertId), fromAttack);
        QVERIFY(!e.alertIds.contains(m_fx.bobAlertId)); // same IP, same time, but bob's alert
        if (fromAttack) {
            ++linked;
            QCOMPARE(e.detections, m_fx.aliceAlert().detections);
        }
    }
    QCOMPARE(linked, m_fx.toolEvents);

    // With the alert's own event list, exactly those events are linked.
    pipeline::UserAlertLink exact = pipeline::UserAlertLink::from(m_fx.aliceAlert());
    exact.eventUuids = {p.events.first().uuid};
    QList<pipeline::UserEvent> events = p.events;
    UserProfileBuilder::linkAlerts(events, {exact});
    QCOMPARE(events.first().alertIds, QStringList{m_fx.aliceAlertId});
    for (qsizetype i = 1; i < events.size(); ++i)
        QVERIFY(events.at(i).alertIds.isEmpty());
}

void TestUserProfile::limitKeepsTheNewestEvents()
{
    const UserProfile all = load(m_fx.alice.login);
    const UserProfile p = load(m_fx.alice.login, 5);
    QVERIFY(p.truncated);
    QCOMPARE(p.events.size(), 5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(p.events.at(i).uuid, all.events.at(i).uuid);
    QCOMPARE(p.coveredFromMs, p.events.last().atMs);
}

void TestUserProfile::unknownUserHasNothing()
{
    const UserProfile p = load(QStringLiteral("nobody@corp.example"));
    QVERIFY(p.events.isEmpty());
    QVERIFY(p.devices.isEmpty());
    QVERIFY(p.audit.isEmpty());
    QVERIFY(p.oktaUserId.isEmpty());
    QCOMPARE(p.hours.size(), 7 * 24);
}

void TestUserProfile::contributionsAreParsedFromReasons()
{
    const pipeline::RiskContribution c =
        pipeline::RiskContribution::parse(QStringLiteral("+45 brute_force: 8 failed sign-ins in 3 min"));
    QCOMPARE(c.points, 45);
    QCOMPARE(c.detection, QStringLiteral("brute_force"));
    QCOMPARE(c.reason, QStringLiteral("8 failed sign-ins in 3 min"));
    const pipeline::RiskContribution odd = pipeline::RiskContribution::parse(QStringLiteral("something else"));
    QCOMPARE(odd.points, 0);
    QCOMPARE(odd.reason, QStringLiteral("something else"));

    // Two alerts of one user repeat the user's contributions: each is listed once, newest first.
    pipeline::ConsoleAlert older = m_fx.aliceAlert();
    older.alertId = QStringLiteral("older");
    older.lastSeenMs -= 1000;
    older.reasons = older.reasons.mid(0, 2);
    const QList<pipeline::RiskContribution> list = pipeline::RiskContribution::of({older, m_fx.aliceAlert()});
    QCOMPARE(list.size(), 3);
    QCOMPARE(list.at(0).detection, QStringLiteral("brute_force"));
    QCOMPARE(list.at(0).points, 45);
    QCOMPARE(list.at(0).alertId, m_fx.aliceAlertId);
    QCOMPARE(list.at(2).detection, QStringLiteral("new_device"));
}

void TestUserProfile::adminConsoleUrl()
{
    QCOMPARE(okta::adminConsoleUrl(QUrl(QStringLiteral("https://acme.okta.com"))),
             QStringLiteral("https://acme-admin.okta.com"));
    QCOMPARE(okta::adminConsoleUrl(QUrl(QStringLiteral("https://acme.oktapreview.com")), QStringLiteral("https://x")),
             QStringLiteral("https://x"));
    QCOMPARE(okta::adminConsoleUrl(QUrl(QStringLiteral("http://localhost:8080"))), QString());
    QCOMPARE(okta::adminUserProfileUrl(QStringLiteral("https://acme-admin.okta.com/"),
                                       QStringLiteral("00u1abcdEFGH2345ijk7"))
                 .toString(),
             QStringLiteral("https://acme-admin.okta.com/admin/user/profile/view/00u1abcdEFGH2345ijk7"));
    QVERIFY(!okta::adminUserProfileUrl(QStringLiteral("https://acme-admin.okta.com"), QString()).isValid());
    QVERIFY(!okta::adminUserProfileUrl(QString(), QStringLiteral("00u1")).isValid());
}

QTEST_GUILESS_MAIN(TestUserProfile)
#include "TestUserProfile.moc"

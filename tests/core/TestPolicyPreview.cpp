// SPDX-License-Identifier: GPL-3.0-or-later
// The policy preview over a small stored history: lowering the thresholds brings users in, raising
// them lets users out, and the replay can be cancelled. Events are Okta JSON through the real parser
// and the real store.
#include "core/okta/EventParser.h"
#include "core/okta/Timestamp.h"
#include "core/pipeline/PolicyPreview.h"
#include "core/store/SqliteEventStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace vigil;
using pipeline::PolicyPreview;
using pipeline::PreviewChange;
using pipeline::PreviewResult;
using pipeline::PreviewUser;

namespace {

constexpr qint64 kT0 = 1767261600000; // 2026-01-01T10:00:00Z, a Thursday morning in London
constexpr qint64 kMinute = 60000;
constexpr qint64 kDay = 24 * 60 * kMinute;

int g_sequence = 0;

QByteArray signInJson(const QString& user, qint64 atMs, bool success, const QString& ip, bool proxy)
{
    QJsonObject outcome{{u"result"_qs, success ? u"SUCCESS"_qs : u"FAILURE"_qs}};
    if (!success) outcome.insert(u"reason"_qs, u"INVALID_CREDENTIALS"_qs);
    const QJsonObject e{
        {u"uuid"_qs, QStringLiteral("pp-%1").arg(++g_sequence)},
        {u"published"_qs, okta::formatTimestampMs(atMs)},
        {u"eventType"_qs, u"user.session.start"_qs},
        {u"actor"_qs, QJsonObject{{u"alternateId"_qs, user}, {u"type"_qs, u"User"_qs}}},
        {u"outcome"_qs, outcome},
        {u"client"_qs,
         QJsonObject{{u"ipAddress"_qs, ip},
                     {u"userAgent"_qs, QJsonObject{{u"browser"_qs, u"CHROME"_qs}, {u"os"_qs, u"Mac OS X"_qs}}},
                     {u"geographicalContext"_qs,
                      QJsonObject{{u"city"_qs, u"London"_qs},
                                  {u"country"_qs, u"United Kingdom"_qs},
                                  {u"geolocation"_qs, QJsonObject{{u"lat"_qs, 51.5164}, {u"lon"_qs, -0.093}}}}}}},
        {u"securityContext"_qs, QJsonObject{{u"asNumber"_qs, 2856}, {u"isProxy"_qs, proxy}}}};
    return QJsonDocument(e).toJson(QJsonDocument::Compact);
}

okta::LogEvent parse(const QByteArray& json)
{
    static okta::EventParser parser;
    okta::LogEvent e;
    okta::ParseError error;
    if (!parser.parse({json.constData(), size_t(json.size())}, e, error))
        qFatal("test event: %s", qPrintable(error.detail));
    return e;
}

// bruce: three failed passwords (brute force, 45 points): an alert, below the default step-up (60).
// mia: the same, then a sign-in through a proxy (anonymizer, +20): stepped up, paged, suspended by default.
// carl: ordinary sign-ins, nothing to see.
QList<okta::LogEvent> history(qint64 startMs)
{
    QList<okta::LogEvent> events;
    for (int i = 0; i < 3; ++i)
        events << parse(signInJson(u"bruce@corp.example"_qs, startMs + i * kMinute, false, u"81.2.69.160"_qs, false));
    for (int i = 0; i < 3; ++i)
        events << parse(
            signInJson(u"mia@corp.example"_qs, startMs + i * kMinute + 5000, false, u"81.2.69.161"_qs, false));
    events << parse(signInJson(u"mia@corp.example"_qs, startMs + 3 * kMinute, true, u"81.2.69.161"_qs, true));
    for (int i = 0; i < 4; ++i)
        events << parse(
            signInJson(u"carl@corp.example"_qs, startMs + i * 30 * kMinute, true, u"81.2.69.170"_qs, false));
    std::stable_sort(events.begin(), events.end(), [](const okta::LogEvent& a, const okta::LogEvent& b) {
        return a.publishedMs() < b.publishedMs();
    });
    return events;
}

// The default policy with some values changed, by dotted path: {{"response.page_at", 40}}.
risk::Policy policyWith(const QList<std::pair<QString, double>>& values)
{
    QJsonObject root{{u"schema_version"_qs, 1}};
    for (const auto& [path, value] : values) {
        const QStringList parts = path.split(u'.');
        std::function<QJsonObject(QJsonObject, int)> set = [&](QJsonObject o, int i) {
            if (i == parts.size() - 1) {
                o.insert(parts.at(i), value);
            } else {
                o.insert(parts.at(i), set(o.value(parts.at(i)).toObject(), i + 1));
            }
            return o;
        };
        root = set(root, 0);
    }
    QStringList errors;
    const std::optional<risk::Policy> p = risk::Policy::fromJson(QJsonDocument(root).toJson(), &errors);
    if (!p) qFatal("test policy: %s", qPrintable(errors.join(u"; ")));
    return *p;
}

const PreviewUser* find(const PreviewResult& r, const QString& user)
{
    for (const PreviewUser& u : r.users) {
        if (u.user == user) return &u;
    }
    return nullptr;
}

} // namespace

class TestPolicyPreview : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<store::SqliteEventStore> m_store;

    PreviewResult preview(const risk::Policy& proposed)
    {
        PolicyPreview::Options options;
        options.window = PolicyPreview::defaultWindow(*m_store);
        return PolicyPreview::run(*m_store, risk::Policy::defaults(), proposed, options);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<store::SqliteEventStore>(m_dir.filePath(u"vigil.db"_qs));
        QString error;
        QVERIFY2(m_store->open(&error), qPrintable(error));
        QVERIFY(m_store->appendBatch(history(kT0)).ok);
    }

    void samePolicyChangesNothing()
    {
        const PreviewResult r = preview(risk::Policy::defaults());
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.events, qint64(11));
        QCOMPARE(r.rejected, qint64(0));
        QVERIFY(!find(r, u"carl@corp.example"_qs)); // nothing happened to carl under either policy
        const PreviewUser* bruce = find(r, u"bruce@corp.example"_qs);
        QVERIFY(bruce);
        QCOMPARE(bruce->current.alerts, 1);
        QVERIFY(!bruce->current.affected());
        QVERIFY(bruce->current.detections.contains(u"brute_force"_qs));
        const PreviewUser* mia = find(r, u"mia@corp.example"_qs);
        QVERIFY(mia);
        QVERIFY2(mia->current.has(u"step_up"_qs) && mia->current.has(u"page"_qs),
                 qPrintable(mia->current.actions.join(u',')));
        QVERIFY(mia->current.peakRisk >= 60);
        for (const PreviewUser& u : r.users)
            QCOMPARE(u.change, PreviewChange::Unchanged);
    }

    void loweringThresholdsAddsUsers()
    {
        const PreviewResult r = preview(policyWith({{u"response.step_up_at"_qs, 40}, {u"response.page_at"_qs, 40}}));
        QVERIFY2(r.ok, qPrintable(r.error));
        const PreviewUser* bruce = find(r, u"bruce@corp.example"_qs);
        QVERIFY(bruce);
        QCOMPARE(bruce->change, PreviewChange::NewlyAffected);
        QVERIFY(!bruce->current.has(u"step_up"_qs));
        QVERIFY(bruce->proposed.has(u"step_up"_qs));
        QVERIFY(bruce->proposed.has(u"page"_qs));
        QCOMPARE(r.gained(u"step_up"_qs), 1);
        QCOMPARE(r.gained(u"page"_qs), 1);
        QCOMPARE(r.lost(u"page"_qs), 0);
        QCOMPARE(r.count(PreviewChange::NewlyAffected), 1);
        QCOMPARE(r.users.first().user, u"bruce@corp.example"_qs); // changes are listed first
        QCOMPARE(find(r, u"mia@corp.example"_qs)->change, PreviewChange::Unchanged);
    }

    void raisingThresholdsRemovesUsers()
    {
        const PreviewResult r = preview(policyWith(
            {{u"response.step_up_at"_qs, 75}, {u"response.page_at"_qs, 75}, {u"response.page_critical_at"_qs, 90}}));
        QVERIFY2(r.ok, qPrintable(r.error));
        const PreviewUser* mia = find(r, u"mia@corp.example"_qs);
        QVERIFY(mia);
        QCOMPARE(mia->change, PreviewChange::NoLongerAffected);
        QVERIFY(mia->current.has(u"page"_qs));
        QVERIFY(!mia->proposed.has(u"page"_qs));
        QVERIFY(!mia->proposed.has(u"auto_suspend"_qs));
        QCOMPARE(r.lost(u"page"_qs), 1);
        QCOMPARE(r.lost(u"step_up"_qs), 1);
        QCOMPARE(r.usersWith(u"page"_qs, /*proposed*/ true), 0);
    }

    void pointsChangeTheScore()
    {
        // Brute force worth 70 puts bruce over the default thresholds without touching them.
        const PreviewResult r = preview(policyWith({{u"detections.brute_force.points"_qs, 70}}));
        QVERIFY2(r.ok, qPrintable(r.error));
        const PreviewUser* bruce = find(r, u"bruce@corp.example"_qs);
        QVERIFY(bruce);
        QCOMPARE(bruce->change, PreviewChange::NewlyAffected);
        QVERIFY(bruce->proposed.peakRisk > bruce->current.peakRisk);
        QCOMPARE(bruce->proposed.severity, u"high"_qs);
    }

    void cancelStops()
    {
        std::atomic<bool> cancel{false};
        PolicyPreview::Options options;
        options.window = PolicyPreview::defaultWindow(*m_store);
        options.cancel = &cancel;
        options.progressEveryEvents = 1;
        int calls = 0;
        options.progress = [&](double fraction, qint64 events) {
            QVERIFY(fraction >= 0 && fraction <= 1);
            QCOMPARE(events, qint64(++calls));
            if (events == 2) cancel = true;
        };
        const PreviewResult r =
            PolicyPreview::run(*m_store, risk::Policy::defaults(), policyWith({{u"response.page_at"_qs, 40}}), options);
        QVERIFY(r.cancelled);
        QVERIFY(!r.ok);
        QCOMPARE(r.events, qint64(2));
        QVERIFY(r.users.isEmpty());
    }

    void progressReachesTheEnd()
    {
        PolicyPreview::Options options;
        options.window = PolicyPreview::defaultWindow(*m_store);
        options.progressEveryEvents = 4;
        QList<double> seen;
        options.progress = [&](double fraction, qint64) { seen << fraction; };
        const PreviewResult r =
            PolicyPreview::run(*m_store, risk::Policy::defaults(), risk::Policy::defaults(), options);
        QVERIFY(r.ok);
        QCOMPARE(seen.size(), 3); // after 4 and 8 events, and at the end
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.last(), 1.0);
    }

    void defaultWindowIsTheLastWeekAtMost()
    {
        QTemporaryDir dir;
        store::SqliteEventStore store(dir.filePath(u"long.db"_qs));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(PolicyPreview::defaultWindow(store).isEmpty());
        QVERIFY(store.appendBatch(history(kT0)).ok);
        const PolicyPreview::Window shortHistory = PolicyPreview::defaultWindow(store);
        QCOMPARE(shortHistory.fromMs, kT0);
        QCOMPARE(shortHistory.toMs, kT0 + 90 * kMinute + 1); // carl's last sign-in
        QVERIFY(store.appendBatch(history(kT0 + 10 * kDay)).ok);
        const PolicyPreview::Window longHistory = PolicyPreview::defaultWindow(store);
        QCOMPARE(longHistory.toMs, kT0 + 10 * kDay + 90 * kMinute + 1);
        QCOMPARE(longHistory.toMs - longHistory.fromMs, PolicyPreview::kDefaultSpanMs);
        // Only the last copy of the attack is inside the week: one alert each, not two.
        PolicyPreview::Options options;
        options.window = longHistory;
        const PreviewResult r = PolicyPreview::run(store, risk::Policy::defaults(), risk::Policy::defaults(), options);
        QVERIFY(r.ok);
        QCOMPARE(r.events, qint64(11));
        QCOMPARE(find(r, u"bruce@corp.example"_qs)->current.alerts, 1);
    }

    void emptyWindowIsAnEmptyAnswer()
    {
        PolicyPreview::Options options; // no window
        const PreviewResult r =
            PolicyPreview::run(*m_store, risk::Policy::defaults(), risk::Policy::defaults(), options);
        QVERIFY(r.ok);
        QCOMPARE(r.events, qint64(0));
        QVERIFY(r.users.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPolicyPreview)
#include "TestPolicyPreview.moc"

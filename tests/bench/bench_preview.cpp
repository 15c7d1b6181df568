// SPDX-License-Identifier: GPL-3.0-or-later
// bench_preview [--days N] [--users N] [--attacks N] [--audit-records N] [--screenshots DIR]
//
// Builds a realistic store in a temporary folder (the simulated org's traffic for N days with scripted
// attacks, and an audit log written from the automation's dry run of that history, padded to
// --audit-records with the same kinds of records), then prints:
//  - the policy preview's time over the stored history (current vs lowered thresholds),
//  - what loading the audit log costs: AuditLog::all() against the view's first page, count and verify.
// With --screenshots DIR it also saves the audit view and the policy preview dialog as PNGs.
#include "core/audit/AuditLog.h"
#include "core/okta/EventParser.h"
#include "core/pipeline/DryRunReplay.h"
#include "core/pipeline/PolicyPreview.h"
#include "core/pipeline/StoreReader.h"
#include "core/sim/SimEventFactory.h"
#include "core/sim/SimOrg.h"
#include "core/sim/SimTraffic.h"
#include "core/store/SqliteEventStore.h"
#include "ui/audit/AuditModel.h"
#include "ui/audit/AuditPage.h"
#include "ui/audit/AuditView.h"
#include "ui/policy/PolicyForm.h"
#include "ui/policy/PolicyPreviewDialog.h"
#include "ui/policy/PreviewResultModel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <random>

using namespace vigil;

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr qint64 kNowMs = 1767261600000 + 9 * kDayMs; // a Saturday in January 2026

void say(const QString& line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

// The org's traffic over `days`, with `attacks` spread over it, stored in batches as the poller would.
qint64 fillEvents(store::SqliteEventStore& store, int days, int users, int attacks)
{
    const qint64 from = kNowMs - days * kDayMs;
    sim::SimOrg org(7, users, kNowMs);
    sim::SimEventFactory factory(7);
    sim::SimTraffic traffic(org, factory, 7, from);
    std::mt19937_64 rng(3);
    const QList<sim::SimAttack> kinds{sim::SimAttack::BruteForce,    sim::SimAttack::PasswordSpray,
                                      sim::SimAttack::MfaFatigue,    sim::SimAttack::ImpossibleTravel,
                                      sim::SimAttack::SessionHijack, sim::SimAttack::ThreatInsight,
                                      sim::SimAttack::FactorReset,   sim::SimAttack::PrivilegeGrant};
    QList<qint64> attackTimes;
    for (int i = 0; i < attacks; ++i)
        attackTimes << from + qint64(rng() % quint64(days * kDayMs - 3600000));
    std::sort(attackTimes.begin(), attackTimes.end());
    okta::EventParser parser;
    qint64 stored = 0;
    int nextAttack = 0;
    for (qint64 t = from; t <= kNowMs; t += 3600000) {
        while (nextAttack < attackTimes.size() && attackTimes.at(nextAttack) <= t) {
            traffic.scheduleAttack(kinds.at(nextAttack % kinds.size()), std::max(t, traffic.releasedUntilMs() + 1));
            ++nextAttack;
        }
        QList<okta::LogEvent> batch;
        for (const QJsonObject& o : traffic.takeUntil(t)) {
            const QByteArray json = QJsonDocument(o).toJson(QJsonDocument::Compact);
            okta::LogEvent e;
            okta::ParseError error;
            if (parser.parse({json.constData(), size_t(json.size())}, e, error)) batch.append(std::move(e));
        }
        for (qsizetype i = 0; i < batch.size(); i += 1000) {
            const store::AppendResult r = store.appendBatch(batch.mid(i, 1000));
            stored += r.inserted;
        }
    }
    return stored;
}

// Audit records as the live automation writes them (decision, action, call; analysts' commands now
// and then), from the dry run's actions over the stored history, then padded to `target` records.
qint64 fillAudit(store::SqliteEventStore& store, qint64 target)
{
    pipeline::DryRunReplay replay(risk::Policy::defaults());
    okta::EventParser parser;
    store.visitEvents(0, kNowMs + 1, [&](QByteArrayView raw) {
        okta::LogEvent e;
        okta::ParseError error;
        if (parser.parse(std::string_view(raw.data(), size_t(raw.size())), e, error)) replay.process(e);
        return true;
    });
    replay.finish();
    const QList<response::ActionRecord> actions = replay.actions();

    QSqlDatabase db = store.database();
    QSqlQuery(db).exec(u"BEGIN"_qs);
    QSqlQuery insert(db);
    insert.prepare(
        u"INSERT INTO audit(seq, at_ms, kind, actor, subject, details, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?)"_qs);
    audit::AuditRecord r;
    r.prevHash = QString(64, u'0');
    std::mt19937_64 rng(5);
    auto add = [&](qint64 at, const QString& kind, const QString& actor, const QString& subject, const QJsonObject& d) {
        r.seq += 1;
        r.atMs = at;
        r.kind = kind;
        r.actor = actor;
        r.subject = subject;
        r.details = d;
        r.hash = audit::AuditLog::hashOf(r);
        for (const QVariant& v :
             {QVariant(r.seq), QVariant(r.atMs), QVariant(r.kind), QVariant(r.actor), QVariant(r.subject),
              QVariant(QString::fromUtf8(QJsonDocument(d).toJson(QJsonDocument::Compact))), QVariant(r.prevHash),
              QVariant(r.hash)})
            insert.addBindValue(v);
        insert.exec();
        r.prevHash = r.hash;
    };
    const QStringList analysts{u"dana@soc-ws-03"_qs, u"marco@soc-ws-07"_qs, u"priya@soc-ws-11"_qs};
    auto once = [&](const response::ActionRecord& a, qint64 shift) {
        const qint64 at = a.atMs + shift;
        if (a.kind == u"step_up" || a.kind == u"page" || a.kind == u"auto_suspend") {
            add(at, u"decision"_qs, u"vigil"_qs, a.alertId,
                {{u"rule"_qs, a.kind == u"page"      ? u"page_at"_qs
                              : a.kind == u"step_up" ? u"step_up_at"_qs
                                                     : u"deadline"_qs},
                 {u"state"_qs, a.kind == u"auto_suspend" ? u"suspended"_qs : u"stepped_up"_qs},
                 {u"user"_qs, a.user},
                 {u"mode"_qs, u"enforce"_qs},
                 {u"risk"_qs, 60 + int(rng() % 40)}});
        }
        add(at + 5, u"action"_qs, u"vigil"_qs, a.alertId,
            {{u"kind"_qs, a.kind}, {u"user"_qs, a.user}, {u"at_ms"_qs, at}, {u"dry_run"_qs, false}});
        const bool pagerDuty = a.kind == u"page";
        add(at + 400, u"call"_qs, u"vigil"_qs, a.alertId,
            {{u"service"_qs, pagerDuty ? u"pagerduty"_qs : u"okta"_qs},
             {u"purpose"_qs, a.kind},
             {u"method"_qs, u"POST"_qs},
             {u"path"_qs, pagerDuty ? u"/v2/enqueue"_qs : u"/api/v1/users/00u8f2k1x9ZQ3vB7d5d7/lifecycle/suspend"_qs},
             {u"attempt"_qs, 1},
             {u"status"_qs, pagerDuty ? 202 : 200},
             {u"outcome"_qs, u"done"_qs},
             {u"request_id"_qs, QStringLiteral("Y%1").arg(rng() % 1000000000)}});
        if (a.kind == u"page" && rng() % 2 == 0) {
            add(at + 90000, u"command"_qs, analysts.at(int(rng() % analysts.size())), a.alertId,
                {{u"command"_qs, u"acknowledge"_qs},
                 {u"reason"_qs, u"called the user, travelling for work"_qs},
                 {u"user"_qs, a.user},
                 {u"state"_qs, u"acknowledged"_qs}});
        }
    };
    // Padding repeats the history in earlier weeks, so the newest records are the real ones.
    const qint64 perRound = std::max<qint64>(1, actions.size() * 3);
    const qint64 rounds = std::max<qint64>(1, (target + perRound - 1) / perRound);
    for (qint64 round = 0; round < rounds && !actions.isEmpty(); ++round) {
        for (const response::ActionRecord& a : actions)
            once(a, -(rounds - 1 - round) * 7 * kDayMs);
    }
    QSqlQuery head(db);
    head.prepare(u"INSERT OR REPLACE INTO audit_head(id, seq, hash) VALUES(1, ?, ?)"_qs);
    head.addBindValue(r.seq);
    head.addBindValue(r.hash);
    head.exec();
    QSqlQuery(db).exec(u"COMMIT"_qs);
    return r.seq;
}

template <typename Predicate> void waitFor(Predicate done, int ms, const char* what)
{
    if (!QTest::qWaitFor(done, ms)) std::fprintf(stderr, "bench_preview: timed out waiting for %s\n", what);
}

risk::Policy lowered()
{
    QStringList errors;
    return *risk::Policy::fromJson(
        "{\"schema_version\": 1, \"response\": {\"step_up_at\": 45, \"page_at\": 50}, \"detections\": "
        "{\"new_device\": {\"points\": 25}}}",
        &errors);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption days(u"days"_qs, u"days of history"_qs, u"N"_qs, u"7"_qs);
    const QCommandLineOption users(u"users"_qs, u"people in the org"_qs, u"N"_qs, u"1500"_qs);
    const QCommandLineOption attacks(u"attacks"_qs, u"scripted attacks"_qs, u"N"_qs, u"40"_qs);
    const QCommandLineOption auditRecords(u"audit-records"_qs, u"audit records (0: from the dry run only)"_qs, u"N"_qs,
                                          u"300000"_qs);
    const QCommandLineOption screenshots(u"screenshots"_qs, u"folder for PNGs"_qs, u"DIR"_qs);
    parser.addOptions({days, users, attacks, auditRecords, screenshots});
    parser.process(app);

    QTemporaryDir dir;
    const QString path = dir.filePath(u"vigil.db"_qs);
    store::SqliteEventStore writer(path);
    QString error;
    if (!writer.open(&error)) qFatal("%s", qPrintable(error));
    QElapsedTimer clock;
    clock.start();
    const qint64 events =
        fillEvents(writer, parser.value(days).toInt(), parser.value(users).toInt(), parser.value(attacks).toInt());
    say(QStringLiteral("store: %1 events from %2 users over %3 days (built in %4 s)")
            .arg(events)
            .arg(parser.value(users), parser.value(days))
            .arg(double(clock.elapsed()) / 1000, 0, 'f', 1));
    clock.restart();
    const qint64 records = fillAudit(writer, parser.value(auditRecords).toLongLong());
    say(QStringLiteral("audit: %1 records (built in %2 s)")
            .arg(records)
            .arg(double(clock.elapsed()) / 1000, 0, 'f', 1));

    // The preview, as the dialog runs it (on the reader's own connection).
    pipeline::StoreReader reader(path);
    if (!reader.open(&error)) qFatal("%s", qPrintable(error));
    for (const auto& [label, span] : {std::pair{u"last 7 days"_qs, pipeline::PolicyPreview::kDefaultSpanMs},
                                      std::pair{u"last 24 hours"_qs, kDayMs}}) {
        const pipeline::PreviewResult r =
            reader.queryBlocking<pipeline::PreviewResult>([span](store::EventStore& store) {
                pipeline::PolicyPreview::Options options;
                options.window = pipeline::PolicyPreview::defaultWindow(store, span);
                return pipeline::PolicyPreview::run(store, risk::Policy::defaults(), lowered(), options);
            });
        say(QStringLiteral("preview (%1): %2 events, two policies, %3 ms (%4 events/s); %5 users with alerts or "
                           "actions, %6 changed; %7")
                .arg(label)
                .arg(r.events)
                .arg(r.elapsedMs)
                .arg(r.elapsedMs ? r.events * 1000 / r.elapsedMs : 0)
                .arg(r.users.size())
                .arg(r.users.size() - r.count(pipeline::PreviewChange::Unchanged))
                .arg(ui::PreviewResultModel::summary(r)));
    }
    {
        const pipeline::PreviewResult r = reader.queryBlocking<pipeline::PreviewResult>([](store::EventStore& s) {
            pipeline::PolicyPreview::Options options;
            options.window = pipeline::PolicyPreview::defaultWindow(s);
            return pipeline::PolicyPreview::run(s, risk::Policy::defaults(), risk::Policy::defaults(), options);
        });
        say(QStringLiteral("preview of an unchanged policy (one replay): %1 events, %2 ms")
                .arg(r.events)
                .arg(r.elapsedMs));
    }

    // The audit log: everything at once, against the view's first page.
    reader.queryBlocking<int>([](store::EventStore& store) {
        QElapsedTimer t;
        t.start();
        const audit::AuditLog log(store.database());
        const QList<ui::AuditEntry> page = ui::AuditPage::older(store.database(), {}, -1, ui::AuditModel::kPageSize);
        const qint64 pageMs = t.restart();
        const qsizetype all = log.all().size();
        const qint64 allMs = t.restart();
        const QList<ui::AuditEntry> deep =
            ui::AuditPage::older(store.database(), {}, all / 2, ui::AuditModel::kPageSize);
        const qint64 deepMs = t.restart();
        const qint64 n = ui::AuditPage::count(store.database(), {});
        const qint64 countMs = t.restart();
        const QList<ui::AuditEntry> again = ui::AuditPage::older(store.database(), {}, -1, ui::AuditModel::kPageSize);
        const qint64 againMs = t.restart();
        ui::AuditFilter f;
        f.text = u"travelling"_qs;
        const qint64 matching = ui::AuditPage::count(store.database(), f);
        const QList<ui::AuditEntry> filtered = ui::AuditPage::older(store.database(), f, -1, ui::AuditModel::kPageSize);
        const qint64 filterMs = t.restart();
        const audit::VerifyResult v = log.verify();
        const qint64 verifyMs = t.restart();
        say(QStringLiteral(
                "audit log of %1 records: all() %2 ms; first page of %3 %4 ms; a page from the middle %5 ms; "
                "again %11 ms; count %6 ms; free-text filter (%7 matches, count + first page) %8 ms; verify %9 ms "
                "(%10)")
                .arg(all)
                .arg(allMs)
                .arg(page.size())
                .arg(pageMs)
                .arg(deepMs)
                .arg(countMs)
                .arg(matching)
                .arg(filterMs)
                .arg(verifyMs)
                .arg(v.ok ? u"intact"_qs : v.problem)
                .arg(againMs));
        Q_UNUSED(n);
        Q_UNUSED(deep);
        Q_UNUSED(again);
        Q_UNUSED(filtered);
        return 0;
    });

    if (parser.isSet(screenshots)) {
        const QString out = parser.value(screenshots);
        {
            ui::AuditView view(&reader);
            view.resize(1400, 760);
            view.show();
            waitFor([&] { return view.model()->rowCount() > 0; }, 10000, "view.model()->rowCount() > 0");
            QSignalSpy verified(&view, &ui::AuditView::verified);
            view.verifyChain();
            waitFor([&] { return verified.size() == 1; }, 60000, "verified.size() == 1");
            view.table()->selectRow(3);
            QTest::qWait(200);
            view.grab().save(out + u"/audit-view.png"_qs);
            // The same after an edit behind the log's back.
            QSqlQuery edit(writer.database());
            edit.exec(u"UPDATE audit SET details = '{\"command\":\"acknowledge\",\"reason\":\"nothing to see\"}' "
                      "WHERE seq = 1200"_qs);
            view.verifyChain();
            waitFor([&] { return verified.size() == 2; }, 60000, "verified.size() == 2");
            waitFor([&] { return view.currentSeq() == 1200; }, 10000, "view.currentSeq() == 1200");
            QTest::qWait(200);
            view.grab().save(out + u"/audit-view-broken.png"_qs);
        }
        {
            ui::PolicyPreviewDialog dialog(&reader, risk::Policy::defaults(), dir.filePath(u"policy.json"_qs));
            dialog.show();
            qobject_cast<QSpinBox*>(dialog.form()->field(u"response.step_up_at"_qs))->setValue(45);
            qobject_cast<QSpinBox*>(dialog.form()->field(u"response.page_at"_qs))->setValue(50);
            qobject_cast<QSpinBox*>(dialog.form()->field(u"detections.new_device.points"_qs))->setValue(25);
            QSignalSpy finished(&dialog, &ui::PolicyPreviewDialog::previewFinished);
            dialog.preview();
            waitFor([&] { return finished.size() == 1; }, 120000, "finished.size() == 1");
            QTest::qWait(200);
            dialog.grab().save(out + u"/policy-preview.png"_qs);
            qobject_cast<QSpinBox*>(dialog.form()->field(u"severity.high"_qs))->setValue(85);
            qobject_cast<QSpinBox*>(dialog.form()->field(u"response.auto_suspend_delay_minutes"_qs))->setValue(2);
            QTest::qWait(200);
            dialog.grab().save(out + u"/policy-preview-invalid.png"_qs);
        }
        say(QStringLiteral("screenshots in %1").arg(out));
    }
    return 0;
}

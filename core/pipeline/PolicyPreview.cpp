// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pipeline/PolicyPreview.h"

#include "core/okta/EventParser.h"
#include "core/pipeline/DryRunReplay.h"
#include "core/store/EventStore.h"

#include <QElapsedTimer>
#include <QSet>

#include <algorithm>
#include <memory>

namespace vigil::pipeline {

namespace {

// The actions that reach the person or the on-call analyst; notify, ticket and clear_sessions follow them.
const QStringList kAffecting{u"step_up"_qs, u"page"_qs, u"auto_suspend"_qs};

QStringList keyActions(const PreviewOutcome& o)
{
    QStringList out;
    for (const QString& kind : kAffecting) {
        if (o.has(kind)) out << kind;
    }
    return out;
}

PreviewChange classify(const PreviewOutcome& current, const PreviewOutcome& proposed)
{
    const bool before = current.affected(), after = proposed.affected();
    if (!before && after) return PreviewChange::NewlyAffected;
    if (before && !after) return PreviewChange::NoLongerAffected;
    if (keyActions(current) != keyActions(proposed)) return PreviewChange::Changed;
    return PreviewChange::Unchanged;
}

} // namespace

bool PreviewOutcome::affected() const
{
    return std::any_of(kAffecting.begin(), kAffecting.end(), [this](const QString& k) { return has(k); });
}

int PreviewResult::gained(const QString& kind) const
{
    return int(std::count_if(users.begin(), users.end(),
                             [&](const PreviewUser& u) { return !u.current.has(kind) && u.proposed.has(kind); }));
}

int PreviewResult::lost(const QString& kind) const
{
    return int(std::count_if(users.begin(), users.end(),
                             [&](const PreviewUser& u) { return u.current.has(kind) && !u.proposed.has(kind); }));
}

int PreviewResult::usersWith(const QString& kind, bool proposed) const
{
    return int(std::count_if(users.begin(), users.end(),
                             [&](const PreviewUser& u) { return (proposed ? u.proposed : u.current).has(kind); }));
}

int PreviewResult::count(PreviewChange change) const
{
    return int(std::count_if(users.begin(), users.end(), [&](const PreviewUser& u) { return u.change == change; }));
}

const QStringList& PolicyPreview::actionKinds()
{
    static const QStringList kinds{u"step_up"_qs,        u"page"_qs,   u"auto_suspend"_qs,
                                   u"clear_sessions"_qs, u"notify"_qs, u"ticket"_qs};
    return kinds;
}

PolicyPreview::Window PolicyPreview::defaultWindow(const store::EventStore& store, qint64 spanMs)
{
    const std::optional<qint64> newest = store.newestPublishedMs();
    const std::optional<qint64> oldest = store.oldestPublishedMs();
    if (!newest || !oldest) return {};
    const qint64 to = *newest + 1;
    return {std::max(*oldest, to - spanMs), to};
}

QHash<QString, PreviewOutcome> PolicyPreview::outcomes(const DryRunReplay& replay)
{
    QHash<QString, PreviewOutcome> out;
    const risk::RiskEngine& engine = replay.engine();
    for (const risk::Alert& a : engine.alerts()) {
        PreviewOutcome& o = out[a.user];
        ++o.alerts;
        o.peakRisk = std::max(o.peakRisk, a.peakRisk);
        for (const QString& d : a.detections) {
            if (!o.detections.contains(d)) o.detections << d;
        }
    }
    QHash<QString, QSet<QString>> kinds;
    for (const response::ActionRecord& a : replay.actions())
        kinds[a.user].insert(a.kind);
    for (auto it = kinds.cbegin(); it != kinds.cend(); ++it) {
        PreviewOutcome& o = out[it.key()];
        for (const QString& kind : actionKinds()) {
            if (it->contains(kind)) o.actions << kind;
        }
        for (const QString& kind : *it) { // a kind this code does not know yet still shows
            if (!actionKinds().contains(kind)) o.actions << kind;
        }
    }
    // The user's own peak, which an alert opened early may not have seen grow.
    report::Report verdicts;
    engine.fillReport(verdicts);
    for (const report::UserVerdict& v : std::as_const(verdicts.users)) {
        auto it = out.find(v.user);
        if (it != out.end()) it->peakRisk = std::max(it->peakRisk, v.peakRisk);
    }
    for (PreviewOutcome& o : out)
        o.severity = risk::RiskEngine::severityFor(o.peakRisk, engine.policy());
    return out;
}

QList<PreviewUser> PolicyPreview::compare(const QHash<QString, PreviewOutcome>& current,
                                          const QHash<QString, PreviewOutcome>& proposed)
{
    QSet<QString> names;
    for (auto it = current.cbegin(); it != current.cend(); ++it)
        names.insert(it.key());
    for (auto it = proposed.cbegin(); it != proposed.cend(); ++it)
        names.insert(it.key());
    QList<PreviewUser> users;
    users.reserve(names.size());
    for (const QString& name : names) {
        PreviewUser u;
        u.user = name;
        u.current = current.value(name);
        u.proposed = proposed.value(name);
        u.change = classify(u.current, u.proposed);
        users.append(u);
    }
    std::sort(users.begin(), users.end(), [](const PreviewUser& a, const PreviewUser& b) {
        const bool ca = a.change != PreviewChange::Unchanged, cb = b.change != PreviewChange::Unchanged;
        if (ca != cb) return ca;
        if (a.proposed.peakRisk != b.proposed.peakRisk) return a.proposed.peakRisk > b.proposed.peakRisk;
        return a.user < b.user;
    });
    return users;
}

PreviewResult PolicyPreview::run(const store::EventStore& store,
                                 const risk::Policy& current,
                                 const risk::Policy& proposed,
                                 const Options& options)
{
    QElapsedTimer clock;
    clock.start();
    PreviewResult result;
    result.fromMs = options.window.fromMs;
    result.toMs = options.window.toMs;
    auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };

    // The same policy twice (nothing edited yet) needs one replay, not two.
    const bool same = current.json() == proposed.json();
    DryRunReplay currentReplay(current);
    std::unique_ptr<DryRunReplay> proposedReplay = same ? nullptr : std::make_unique<DryRunReplay>(proposed);

    okta::EventParser parser;
    const double span = double(std::max<qint64>(1, result.toMs - result.fromMs));
    bool stopped = false;
    bool read = true;
    if (!options.window.isEmpty()) {
        read = store.visitEvents(result.fromMs, result.toMs, [&](QByteArrayView raw) {
            if (cancelled()) {
                stopped = true;
                return false;
            }
            okta::LogEvent event;
            okta::ParseError error;
            if (!parser.parse(std::string_view(raw.data(), size_t(raw.size())), event, error)) {
                ++result.rejected;
                return true;
            }
            event.releaseRawJson(); // verdicts need the fields, not the bytes
            currentReplay.process(event);
            if (proposedReplay) proposedReplay->process(event);
            ++result.events;
            if (options.progress && result.events % options.progressEveryEvents == 0)
                options.progress(std::clamp(double(event.publishedMs() - result.fromMs) / span, 0.0, 1.0),
                                 result.events);
            return true;
        });
    }
    result.elapsedMs = clock.elapsed();
    if (stopped || cancelled()) {
        result.cancelled = true;
        result.error = tr("the preview was cancelled");
        return result;
    }
    if (!read) {
        result.error = tr("the stored events could not be read");
        return result;
    }
    currentReplay.finish();
    if (proposedReplay) proposedReplay->finish();
    const QHash<QString, PreviewOutcome> before = outcomes(currentReplay);
    result.users = compare(before, proposedReplay ? outcomes(*proposedReplay) : before);
    if (options.progress) options.progress(1.0, result.events);
    result.ok = true;
    result.elapsedMs = clock.elapsed();
    return result;
}

} // namespace vigil::pipeline

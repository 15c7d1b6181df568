// SPDX-License-Identifier: GPL-3.0-or-later
// vigil-sim: a simulated Okta org and PagerDuty over HTTP on loopback, for tests, demos and trying
// Vigil against a fake tenant by hand (ARCHITECTURE.md, "vigil-sim").
#include "core/sim/SimHookDelivery.h"
#include "core/sim/SimServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <cstdio>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    // Only a flag here: nothing else is safe in a signal handler. A timer notices it.
    g_stop = 1;
}

struct Cli
{
    Q_DECLARE_TR_FUNCTIONS(VigilSim)
};

int usageError(const QString& message)
{
    std::fprintf(stderr, "vigil-sim: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"vigil-sim"_qs);
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("A simulated Okta org (System Log, Users, Factors, Groups) and PagerDuty, served over HTTP."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(u"listen"_qs, Cli::tr("Address and port to listen on (port 0: any free one)."),
                                    u"ADDR:PORT"_qs, u"127.0.0.1:0"_qs);
    const QCommandLineOption seed(u"seed"_qs, Cli::tr("Seed: the same seed gives the same org and traffic."), u"N"_qs,
                                  u"1"_qs);
    const QCommandLineOption users(u"users"_qs, Cli::tr("Number of people in the org."), u"N"_qs, u"200"_qs);
    const QCommandLineOption speed(u"speed"_qs, Cli::tr("Sim seconds per real second."), u"X"_qs, u"1"_qs);
    const QCommandLineOption history(u"history-hours"_qs, Cli::tr("Hours of traffic already in the log at start."),
                                     u"H"_qs, u"24"_qs);
    const QCommandLineOption faults(
        u"faults"_qs,
        Cli::tr("Faults on /api/v1/logs: 429burst,500,slow,truncated,expiredcursor, each optionally =PROBABILITY "
                "or @REQUEST_NUMBER."),
        u"LIST"_qs);
    const QCommandLineOption token(u"token"_qs, Cli::tr("The Okta API token clients must send (SSWS)."), u"T"_qs);
    const QCommandLineOption routingKey(u"routing-key"_qs, Cli::tr("The PagerDuty routing key (32 characters)."),
                                        u"K"_qs);
    const QCommandLineOption pdToken(u"pagerduty-token"_qs, Cli::tr("The PagerDuty REST API token."), u"T"_qs);
    const QCommandLineOption rateLimit(u"rate-limit"_qs, Cli::tr("Requests per minute allowed on /api/v1/logs."),
                                       u"N"_qs, u"60"_qs);
    const QCommandLineOption attack(
        u"attack"_qs,
        Cli::tr("Run an attack (%1), optionally @MINUTES of sim time after the start (default 1). Repeatable.")
            .arg(vigil::sim::attackNames().join(u", "_qs)),
        u"NAME[@MINUTES]"_qs);
    const QCommandLineOption hookUrl(u"hook-url"_qs, Cli::tr("Deliver Event Hooks to this URL (after verification)."),
                                     u"URL"_qs);
    const QCommandLineOption hookSecret(u"hook-secret"_qs,
                                        Cli::tr("The Authorization header value sent with Event Hooks."), u"VALUE"_qs);
    parser.addOptions({listen, seed, users, speed, history, faults, token, routingKey, pdToken, rateLimit, attack,
                       hookUrl, hookSecret});
    parser.process(app);

    vigil::sim::SimOptions options;
    bool ok = true;
    options.seed = parser.value(seed).toULongLong(&ok);
    if (!ok) return usageError(Cli::tr("--seed needs a whole number"));
    options.users = parser.value(users).toInt(&ok);
    if (!ok || options.users < 2) return usageError(Cli::tr("--users needs a number of at least 2"));
    options.speed = parser.value(speed).toDouble(&ok);
    if (!ok || options.speed <= 0) return usageError(Cli::tr("--speed needs a positive number"));
    options.historyMs = qint64(parser.value(history).toDouble(&ok) * 3600 * 1000);
    if (!ok || options.historyMs < 0) return usageError(Cli::tr("--history-hours needs a number of hours"));
    options.logsRateLimit = parser.value(rateLimit).toInt(&ok);
    if (!ok || options.logsRateLimit < 1) return usageError(Cli::tr("--rate-limit needs a positive number"));
    if (parser.isSet(token)) options.token = parser.value(token);
    if (parser.isSet(routingKey)) {
        options.routingKey = parser.value(routingKey);
        if (options.routingKey.size() != 32)
            return usageError(Cli::tr("--routing-key must be 32 characters, as PagerDuty's integration keys are"));
    }
    if (parser.isSet(pdToken)) options.pagerDutyToken = parser.value(pdToken);
    options.faults = parser.value(faults);
    {
        vigil::sim::SimFaults check;
        QString error;
        if (!check.parse(options.faults, error)) return usageError(Cli::tr("--faults: %1").arg(error));
    }
    const QString where = parser.value(listen);
    const qsizetype colon = where.lastIndexOf(u':');
    const QHostAddress address(colon > 0 ? where.left(colon) : where);
    const int port = colon > 0 ? where.mid(colon + 1).toInt(&ok) : 0;
    if (address.isNull() || !ok || port < 0 || port > 65535)
        return usageError(Cli::tr("--listen needs ADDRESS:PORT, e.g. 127.0.0.1:8080"));
    if (!address.isLoopback())
        std::fprintf(stderr, "%s\n",
                     qPrintable(Cli::tr("vigil-sim: warning: %1 is not a loopback address; the simulator has no "
                                        "TLS and is meant for this machine only")
                                    .arg(address.toString())));

    QList<std::pair<vigil::sim::SimAttack, qint64>> attacks;
    const QStringList attackValues = parser.values(attack);
    for (const QString& value : attackValues) {
        const QString name = value.section(u'@', 0, 0);
        const std::optional<vigil::sim::SimAttack> kind = vigil::sim::attackFromName(name);
        if (!kind)
            return usageError(
                Cli::tr("unknown attack '%1' (known: %2)").arg(name, vigil::sim::attackNames().join(u", "_qs)));
        const double minutes = value.contains(u'@') ? value.section(u'@', 1).toDouble(&ok) : 1.0;
        if (!ok || minutes < 0) return usageError(Cli::tr("--attack %1: minutes must be a number").arg(value));
        attacks.append({*kind, qint64(minutes * 60000)});
    }

    vigil::sim::SimServer server(options);
    const quint16 bound = server.listen(address, quint16(port));
    if (bound == 0) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(Cli::tr("vigil-sim: cannot listen on %1:%2").arg(address.toString()).arg(port)));
        return 1;
    }
    for (const auto& [kind, delay] : attacks) {
        const vigil::sim::SimAttackInfo info = server.triggerAttack(kind, {}, delay);
        std::fprintf(stderr, "%s\n",
                     qPrintable(Cli::tr("attack %1 on %2 from %3 at %4")
                                    .arg(vigil::sim::attackName(kind), info.victimLogin, info.attackerIp,
                                         QDateTime::fromMSecsSinceEpoch(info.startMs, Qt::UTC).toString(Qt::ISODate))));
    }
    if (parser.isSet(hookUrl)) {
        const QUrl url(parser.value(hookUrl));
        if (!url.isValid()) return usageError(Cli::tr("--hook-url is not a URL"));
        vigil::sim::SimHookDelivery* hook = server.startHookDelivery(url, parser.value(hookSecret).toUtf8());
        QObject::connect(hook, &vigil::sim::SimHookDelivery::verified, &app, [](bool verified) {
            std::fprintf(
                stderr, "%s\n",
                qPrintable(verified ? Cli::tr("event hook verified") : Cli::tr("event hook verification failed")));
        });
    }

    // The port alone on standard output, so scripts can read it; the rest is for people.
    std::printf("%u\n", unsigned(bound));
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n",
                 qPrintable(Cli::tr("vigil-sim: %1 people, seed %2, speed %3x, serving %4 (Okta token: %5, "
                                    "PagerDuty routing key: %6)")
                                .arg(options.users)
                                .arg(options.seed)
                                .arg(options.speed)
                                .arg(server.baseUrl().toString(), options.token, options.routingKey)));

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer stopCheck;
    QObject::connect(&stopCheck, &QTimer::timeout, &app, [] {
        if (g_stop) QCoreApplication::quit();
    });
    stopCheck.start(100);
    return app.exec();
}

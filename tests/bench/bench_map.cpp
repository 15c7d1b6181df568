// SPDX-License-Identifier: GPL-3.0-or-later
// bench_map [--points N] [--size WxH] [--screenshot FILE.png [--dark] [--zoom LEVEL --center LAT,LON]]
// Paints the world map with N sign-ins (default 100,000) at several zoom levels and prints ms per frame (p50 and
// max) for a still frame, a panning frame and the first frame after zooming (new tiles and, at a new level, the
// clustering), plus the clustering and live-update costs. Target: a frame well under 16 ms at 100k sign-ins.
// With --screenshot it instead saves the map with 5,000 sign-ins (or --points) and two impossible-travel arcs.
#include "ui/map/SignInIndex.h"
#include "ui/map/WorldMapWidget.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QStyleFactory>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <tuple>

using namespace vigil;
using vigil::ui::MapArc;
using vigil::ui::MapSignIn;

namespace {

struct City
{
    const char* name;
    const char* country;
    double lat;
    double lon;
    int weight; // share of the workforce signing in from there
};

// Where a plausible multinational's staff and contractors sign in from, and a few places attackers rent servers.
constexpr City kCities[] = {
    {"New York", "United States", 40.71, -74.01, 60},
    {"San Francisco", "United States", 37.77, -122.42, 45},
    {"Chicago", "United States", 41.88, -87.63, 25},
    {"Austin", "United States", 30.27, -97.74, 20},
    {"Seattle", "United States", 47.61, -122.33, 20},
    {"Atlanta", "United States", 33.75, -84.39, 12},
    {"Denver", "United States", 39.74, -104.99, 8},
    {"Boston", "United States", 42.36, -71.06, 15},
    {"Toronto", "Canada", 43.65, -79.38, 18},
    {"Vancouver", "Canada", 49.28, -123.12, 8},
    {"Mexico City", "Mexico", 19.43, -99.13, 8},
    {"São Paulo", "Brazil", -23.55, -46.63, 12},
    {"Buenos Aires", "Argentina", -34.60, -58.38, 5},
    {"Bogotá", "Colombia", 4.71, -74.07, 4},
    {"London", "United Kingdom", 51.51, -0.13, 40},
    {"Dublin", "Ireland", 53.35, -6.26, 15},
    {"Amsterdam", "Netherlands", 52.37, 4.90, 14},
    {"Berlin", "Germany", 52.52, 13.40, 16},
    {"Munich", "Germany", 48.14, 11.58, 12},
    {"Paris", "France", 48.86, 2.35, 18},
    {"Madrid", "Spain", 40.42, -3.70, 8},
    {"Milan", "Italy", 45.46, 9.19, 7},
    {"Zurich", "Switzerland", 47.38, 8.54, 6},
    {"Stockholm", "Sweden", 59.33, 18.07, 6},
    {"Warsaw", "Poland", 52.23, 21.01, 8},
    {"Kyiv", "Ukraine", 50.45, 30.52, 5},
    {"Bucharest", "Romania", 44.43, 26.10, 4},
    {"Moscow", "Russia", 55.76, 37.62, 3},
    {"Istanbul", "Turkey", 41.01, 28.98, 4},
    {"Tel Aviv", "Israel", 32.09, 34.78, 6},
    {"Dubai", "United Arab Emirates", 25.20, 55.27, 4},
    {"Lagos", "Nigeria", 6.52, 3.38, 3},
    {"Nairobi", "Kenya", -1.29, 36.82, 3},
    {"Johannesburg", "South Africa", -26.20, 28.05, 5},
    {"Bengaluru", "India", 12.97, 77.59, 30},
    {"Hyderabad", "India", 17.39, 78.49, 15},
    {"Pune", "India", 18.52, 73.86, 10},
    {"Singapore", "Singapore", 1.35, 103.82, 12},
    {"Tokyo", "Japan", 35.68, 139.69, 14},
    {"Seoul", "South Korea", 37.57, 126.98, 6},
    {"Shanghai", "China", 31.23, 121.47, 5},
    {"Hong Kong", "Hong Kong", 22.32, 114.17, 5},
    {"Manila", "Philippines", 14.60, 120.98, 8},
    {"Jakarta", "Indonesia", -6.21, 106.85, 4},
    {"Sydney", "Australia", -33.87, 151.21, 14},
    {"Melbourne", "Australia", -37.81, 144.96, 8},
    {"Auckland", "New Zealand", -36.85, 174.76, 4},
    {"Reykjavík", "Iceland", 64.15, -21.94, 1},
};

class Generator
{
public:
    explicit Generator(quint32 seed)
        : m_random(seed)
    {
        for (const City& c : kCities)
            m_totalWeight += c.weight;
    }

    MapSignIn next(qint64 atMs)
    {
        int pick = m_random.bounded(m_totalWeight);
        const City* city = &kCities[0];
        for (const City& c : kCities) {
            if (pick < c.weight) {
                city = &c;
                break;
            }
            pick -= c.weight;
        }
        MapSignIn s;
        // Metro-area spread: most within ~30 km of the centre, a tail out to ~150 km.
        const double spread = m_random.generateDouble() < 0.8 ? 0.25 : 1.2;
        s.lat = city->lat + gaussian() * spread;
        s.lon = city->lon + gaussian() * spread / std::max(0.3, std::cos(city->lat * 3.14159265 / 180));
        s.city = QString::fromUtf8(city->name);
        s.country = QString::fromUtf8(city->country);
        s.user = QStringLiteral("user%1@corp.example").arg(m_random.bounded(5000));
        s.ip = QStringLiteral("%1.%2.%3.%4")
                   .arg(m_random.bounded(1, 224))
                   .arg(m_random.bounded(256))
                   .arg(m_random.bounded(256))
                   .arg(m_random.bounded(1, 255));
        // Risk like a working tenant's: ordinary traffic, a few percent with some finding, a thin tail of serious
        // ones (about 1 in 500 high, 1 in 1,000 critical).
        const double r = m_random.generateDouble();
        s.risk = r < 0.95    ? m_random.bounded(20.0)
                 : r < 0.985 ? 20 + m_random.bounded(20.0)
                 : r < 0.997 ? 40 + m_random.bounded(20.0)
                 : r < 0.999 ? 60 + m_random.bounded(20.0)
                             : 80 + m_random.bounded(20.0);
        s.success = m_random.generateDouble() > 0.06;
        s.atMs = atMs;
        return s;
    }

    QList<MapSignIn> batch(int count, qint64 startMs)
    {
        QList<MapSignIn> out;
        out.reserve(count);
        for (int i = 0; i < count; ++i)
            out << next(startMs + i * 250);
        return out;
    }

private:
    double gaussian()
    {
        // Box–Muller; clamped so the odd outlier does not land in the sea on another continent.
        const double u = std::max(1e-12, m_random.generateDouble());
        const double v = m_random.generateDouble();
        return std::clamp(std::sqrt(-2 * std::log(u)) * std::cos(2 * 3.14159265358979 * v), -3.0, 3.0);
    }

    QRandomGenerator m_random;
    int m_totalWeight = 0;
};

QList<MapArc> sampleArcs()
{
    MapArc nycAms;
    nycAms.fromLat = 40.71;
    nycAms.fromLon = -74.01;
    nycAms.toLat = 52.37;
    nycAms.toLon = 4.90;
    nycAms.fromLabel = QStringLiteral("New York");
    nycAms.toLabel = QStringLiteral("Amsterdam");
    nycAms.speedKmh = 8790;
    nycAms.user = QStringLiteral("ivan.travel@corp.example");
    nycAms.risk = 48;
    MapArc sydSfo; // crosses the antimeridian
    sydSfo.fromLat = -33.87;
    sydSfo.fromLon = 151.21;
    sydSfo.toLat = 37.77;
    sydSfo.toLon = -122.42;
    sydSfo.fromLabel = QStringLiteral("Sydney");
    sydSfo.toLabel = QStringLiteral("San Francisco");
    sydSfo.speedKmh = 21300;
    sydSfo.user = QStringLiteral("bruce.brute@corp.example");
    sydSfo.risk = 94;
    return {nycAms, sydSfo};
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x1f, 0x22, 0x26));
    p.setColor(QPalette::WindowText, QColor(0xe4, 0xe6, 0xe8));
    p.setColor(QPalette::Base, QColor(0x16, 0x18, 0x1b));
    p.setColor(QPalette::AlternateBase, QColor(0x24, 0x27, 0x2b));
    p.setColor(QPalette::Text, QColor(0xe4, 0xe6, 0xe8));
    p.setColor(QPalette::Button, QColor(0x2a, 0x2d, 0x31));
    p.setColor(QPalette::ButtonText, QColor(0xe4, 0xe6, 0xe8));
    p.setColor(QPalette::Highlight, QColor(0x4c, 0x9a, 0xe8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0x2a, 0x2d, 0x31));
    p.setColor(QPalette::ToolTipText, QColor(0xe4, 0xe6, 0xe8));
    return p;
}

struct Stats
{
    double p50 = 0;
    double max = 0;
};

Stats stats(QList<double> ms)
{
    if (ms.isEmpty()) return {};
    std::sort(ms.begin(), ms.end());
    return {ms.at(ms.size() / 2), ms.last()};
}

// Milliseconds of this thread's CPU time: on the shared 2-core machine, wall time mostly measures the other
// processes; CPU time measures the frame's own work.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Frames
{
    QList<double> wall;
    QList<double> cpu;
};

// One frame into `target` (which, like the backing store of an opaque widget, is not cleared first), then the
// idle time a real event loop has between frames, where the map finishes deferred work.
double renderFrame(QWidget& widget, QImage& target, Frames* frames = nullptr)
{
    QElapsedTimer timer;
    timer.start();
    const double cpu0 = threadCpuMs();
    widget.render(&target);
    const double cpu = threadCpuMs() - cpu0;
    const double wall = timer.nsecsElapsed() / 1e6;
    if (frames) {
        frames->wall << wall;
        frames->cpu << cpu;
    }
    QCoreApplication::processEvents();
    return wall;
}

int screenshot(const QString& path, bool dark, int points, QSize size, int zoom, QPointF center)
{
    ui::WorldMapWidget map;
    if (dark) map.setPalette(darkPalette());
    map.resize(size);
    Generator generator(7);
    QList<MapSignIn> signIns = generator.batch(points, 1'714'550'400'000);
    // The selected alert's user: a sign-in at each end of the highlighted arc.
    for (const MapArc& arc : sampleArcs()) {
        for (const auto& [lat, lon, label, risk] : {std::tuple(arc.fromLat, arc.fromLon, arc.fromLabel, 30.0),
                                                    std::tuple(arc.toLat, arc.toLon, arc.toLabel, arc.risk)}) {
            MapSignIn s;
            s.user = arc.user;
            s.ip = QStringLiteral("185.220.101.47");
            s.city = label;
            s.lat = lat;
            s.lon = lon;
            s.risk = risk;
            s.atMs = 1'714'560'400'000;
            signIns << s;
        }
    }
    map.setSignIns(signIns);
    map.setArcs(sampleArcs());
    map.setHighlighted({QStringLiteral("bruce.brute@corp.example"), {}});
    map.show();
    if (zoom > 0) {
        map.setZoomLevel(zoom);
        map.centerOn(center.x(), center.y());
    }
    QApplication::processEvents();
    const bool ok = map.grab().save(path);
    std::printf("%s: %d sign-ins, 2 arcs, %s palette, %dx%d -> %s\n", ok ? "saved" : "FAILED", points,
                dark ? "dark" : "light", size.width(), size.height(), qPrintable(path));
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    const QStringList args = app.arguments();
    const auto option = [&](const QString& name, const QString& fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
    };
    const QStringList sizeParts = option(QStringLiteral("--size"), QStringLiteral("1600x900")).split(u'x');
    const QSize size(sizeParts.value(0).toInt(), sizeParts.value(1).toInt());
    if (args.contains(QStringLiteral("--screenshot"))) {
        return screenshot(
            option(QStringLiteral("--screenshot"), QStringLiteral("/tmp/map.png")),
            args.contains(QStringLiteral("--dark")), option(QStringLiteral("--points"), QStringLiteral("5000")).toInt(),
            size, option(QStringLiteral("--zoom"), QStringLiteral("0")).toInt(),
            QPointF(option(QStringLiteral("--center"), QStringLiteral("0,0")).section(u',', 0, 0).toDouble(),
                    option(QStringLiteral("--center"), QStringLiteral("0,0")).section(u',', 1, 1).toDouble()));
    }
    const int points = option(QStringLiteral("--points"), QStringLiteral("100000")).toInt();

    Generator generator(42);
    const QList<MapSignIn> signIns = generator.batch(points, 1'714'550'400'000);

    // Clustering alone: project and index N sign-ins, then the first query of a level builds its aggregates.
    {
        QElapsedTimer timer;
        timer.start();
        ui::SignInIndex index(points);
        index.append(signIns);
        const double appendMs = timer.nsecsElapsed() / 1e6;
        QList<double> levelMs;
        for (const int level : {4, 8, 12, 16, 20, 28}) {
            timer.restart();
            const qsizetype n = index.clusters(level, ui::geo::worldBounds()).size();
            levelMs << timer.nsecsElapsed() / 1e6;
            std::printf("cluster level %2d: %6lld clusters, built in %.1f ms\n", level, static_cast<long long>(n),
                        levelMs.last());
        }
        // Live updates against 6 cached levels at capacity: each batch evicts as many as it adds.
        const QList<MapSignIn> live = generator.batch(1000, 1'714'650'400'000);
        QList<double> batchMs;
        for (int i = 0; i < 20; ++i) {
            timer.restart();
            index.append(live);
            batchMs << timer.nsecsElapsed() / 1e6;
        }
        const Stats b = stats(batchMs);
        std::printf("index+project %d sign-ins: %.1f ms; live batch of 1,000 at capacity with %d cached levels: "
                    "p50 %.2f ms, max %.2f ms\n",
                    points, appendMs, index.cachedLevels(), b.p50, b.max);
    }

    ui::WorldMapWidget map;
    map.resize(size);
    QElapsedTimer timer;
    timer.start();
    map.setSignIns(signIns);
    map.setArcs(sampleArcs());
    std::printf("setSignIns(%d): %.1f ms\n", points, timer.nsecsElapsed() / 1e6);
    QImage target(size * map.devicePixelRatioF(), QImage::Format_ARGB32_Premultiplied);
    target.setDevicePixelRatio(map.devicePixelRatioF());

    std::printf("\n%dx%d, %d sign-ins, ms per frame (thread CPU time, then wall time on this machine):\n"
                "zoom level          new level, all tiles   wheel notch p50/max   still p50/max   panning p50/max"
                "   markers\n",
                size.width(), size.height(), points);
    for (const int zoom : {0, 4, 8, 12, 16, 20, 24}) {
        map.resetView();
        map.centerOn(48, 8); // Europe: the densest part of the data
        map.setZoomLevel(zoom);
        map.centerOn(48, 8);
        Frames first;
        renderFrame(map, target, &first);
        const double factor = map.zoomFactor();
        // The analyst's wheel: one notch in and one back out, each followed by 3 frames (the first draw the other
        // level's tiles stretched where new ones are not rasterised yet).
        Frames wheel;
        for (const int notch : {120, -120}) {
            const QPointF centre(size.width() / 2.0, size.height() / 2.0);
            QWheelEvent event(centre, centre, QPoint(), QPoint(0, notch), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(&map, &event);
            for (int i = 0; i < 3; ++i)
                renderFrame(map, target, &wheel);
        }
        for (int i = 0; i < 6; ++i)
            renderFrame(map, target); // settle
        Frames still;
        for (int i = 0; i < 20; ++i)
            renderFrame(map, target, &still);
        // A drag: 12 px per frame to the east for 40 frames, which keeps uncovering new tiles.
        Frames panning;
        for (int i = 1; i <= 40; ++i) {
            const auto geo = map.mapToGeo(QPointF(size.width() / 2.0 + 12, size.height() / 2.0));
            if (geo) map.centerOn(geo->lat, geo->lon);
            renderFrame(map, target, &panning);
        }
        const qsizetype markers = map.visibleClusters().size();
        for (const bool cpu : {true, false}) {
            const auto pick = [cpu](const Frames& f) { return stats(cpu ? f.cpu : f.wall); };
            const Stats w = pick(wheel);
            const Stats s = pick(still);
            const Stats p = pick(panning);
            std::printf("%2d (x%4.1f) %-5s   %6.1f                 %5.1f / %5.1f         %5.1f / %5.1f   %5.1f / %5.1f"
                        "     %5lld\n",
                        zoom, factor, cpu ? "cpu" : "wall", pick(first).max, w.p50, w.max, s.p50, s.max, p.p50, p.max,
                        static_cast<long long>(markers));
        }
    }

    // Live: a batch of 1,000 arrives, then a frame, zoomed out and zoomed in on Europe (where every visible count
    // changes).
    for (const int zoom : {0, 16}) {
        map.resetView();
        map.setZoomLevel(zoom);
        map.centerOn(48, 8);
        renderFrame(map, target);
        QList<double> live;
        for (int i = 0; i < 20; ++i) {
            const QList<MapSignIn> batch = generator.batch(1000, 1'714'750'400'000 + i * 1'000'000);
            const double cpu0 = threadCpuMs();
            map.addSignIns(batch);
            map.render(&target);
            live << threadCpuMs() - cpu0;
        }
        const Stats l = stats(live);
        std::printf("live at zoom %2d: addSignIns(1,000) + frame: p50 %.1f ms, max %.1f ms CPU (%lld sign-ins held, %d "
                    "markers)\n",
                    zoom, l.p50, l.max, static_cast<long long>(map.signInCount()), int(map.visibleClusters().size()));
    }
    return 0;
}

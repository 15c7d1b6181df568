// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/Severity.h"
#include "ui/map/GeoProjection.h"
#include "ui/map/SignInIndex.h"
#include "ui/map/WorldMapData.h"
#include "ui/map/WorldMapWidget.h"

#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace vigil;
using namespace vigil::ui;

namespace {

MapSignIn signIn(const QString& user, double lat, double lon, double risk = 10, qint64 atMs = 1'700'000'000'000)
{
    MapSignIn s;
    s.user = user;
    s.ip = QStringLiteral("203.0.113.7");
    s.city = QStringLiteral("Somewhere");
    s.country = QStringLiteral("Somecountry");
    s.lat = lat;
    s.lon = lon;
    s.risk = risk;
    s.atMs = atMs;
    return s;
}

int colourDistance(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
}

// The marker containing every sign-in of `user`, or nullptr.
const MapCluster* clusterWith(const QList<MapCluster>& clusters, const WorldMapWidget& map, const QString& user)
{
    for (const MapCluster& c : clusters) {
        for (const MapSignIn& s : map.signInsAt(c.widgetPos)) {
            if (s.user == user) return &c;
        }
    }
    return nullptr;
}

} // namespace

class TestWorldMap : public QObject
{
    Q_OBJECT

private slots:
    void resourceHoldsTheCountries()
    {
        const WorldMapData& data = WorldMapData::instance();
        QVERIFY2(data.countries().size() >= 170 && data.countries().size() <= 180,
                 qPrintable(QString::number(data.countries().size())));
        QVERIFY(data.pointCount() > 9000);
        const QRegularExpression alpha2(QStringLiteral("^[A-Z]{2}$"));
        QSet<QString> codes;
        for (const WorldMapData::Country& c : data.countries()) {
            QVERIFY2(alpha2.match(c.iso).hasMatch(), qPrintable(c.iso));
            QVERIFY2(!codes.contains(c.iso), qPrintable(u"duplicate "_qs + c.iso));
            codes.insert(c.iso);
            QVERIFY2(!c.name.isEmpty(), qPrintable(c.iso));
            QVERIFY2(!c.path.isEmpty() && c.bounds.isValid(), qPrintable(c.iso));
        }
        for (const char* code : {"US", "DE", "FR", "RU", "BR", "AU", "GB", "IN", "JP", "ZA", "XK"})
            QVERIFY2(codes.contains(QString::fromLatin1(code)), code);
        // English names as Okta reports them, and lookups by name, alias or code.
        QCOMPARE(data.countries().at(data.indexOf(u"US"_qs)).name, u"United States"_qs);
        QCOMPARE(data.indexOf(u"United States of America"_qs), data.indexOf(u"us"_qs));
        QCOMPARE(data.countries().at(data.indexOf(u"Germany"_qs)).iso, u"DE"_qs);
        QCOMPARE(data.indexOf(u"Atlantis"_qs), -1);
    }

    void countryRingsDoNotWrapAround()
    {
        // A ring that jumps from +180° to −180° would draw a band across the whole map.
        const double halfWorld = geo::worldBounds().width() / 2;
        for (const WorldMapData::Country& c : WorldMapData::instance().countries()) {
            if (c.iso == u"AQ") continue; // circles the pole; its closing edge is a parallel
            for (int i = 1; i < c.path.elementCount(); ++i) {
                const QPainterPath::Element e = c.path.elementAt(i);
                if (e.isMoveTo()) continue;
                const QPainterPath::Element previous = c.path.elementAt(i - 1);
                QVERIFY2(std::abs(e.x - previous.x) < halfWorld, qPrintable(c.iso));
            }
            QVERIFY2(c.bounds.width() < 1.9 * halfWorld || c.iso == u"RU" || c.iso == u"FJ", qPrintable(c.iso));
        }
    }

    void corruptDataIsRejected()
    {
        QFile file(u":/vigil/map/countries-110m.vgm"_qs);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QString error;
        QVERIFY(WorldMapData::fromBytes(bytes.left(bytes.size() / 2), &error).isEmpty());
        QVERIFY(!error.isEmpty());
        QVERIFY(WorldMapData::fromBytes(QByteArray("VGM2") + bytes.mid(4), &error).isEmpty());
        QCOMPARE(WorldMapData::fromBytes(bytes, &error).countries().size(),
                 WorldMapData::instance().countries().size());
    }

    void countriesContainTheirCapitals_data()
    {
        QTest::addColumn<double>("lat");
        QTest::addColumn<double>("lon");
        QTest::addColumn<QString>("iso");
        QTest::newRow("Brasília") << -15.79 << -47.88 << u"BR"_qs;
        QTest::newRow("Canberra") << -35.28 << 149.13 << u"AU"_qs;
        QTest::newRow("Berlin") << 52.52 << 13.40 << u"DE"_qs;
        QTest::newRow("Paris") << 48.86 << 2.35 << u"FR"_qs;
        QTest::newRow("Kansas") << 39.0 << -98.0 << u"US"_qs;
        QTest::newRow("Siberia") << 62.0 << 100.0 << u"RU"_qs;
        QTest::newRow("Chukotka, east of 180°") << 67.0 << -177.0 << u"RU"_qs;
        QTest::newRow("Lesotho, inside South Africa") << -29.5 << 28.3 << u"LS"_qs;
        QTest::newRow("South Africa around Lesotho") << -26.2 << 28.05 << u"ZA"_qs;
        QTest::newRow("mid-Atlantic") << 30.0 << -40.0 << QString();
    }

    void countriesContainTheirCapitals()
    {
        QFETCH(double, lat);
        QFETCH(double, lon);
        QFETCH(QString, iso);
        const WorldMapData& data = WorldMapData::instance();
        const int index = data.countryAt(geo::project(lat, lon));
        QCOMPARE(index < 0 ? QString() : data.countries().at(index).iso, iso);
    }

    void projectionRoundTrips_data()
    {
        QTest::addColumn<double>("lat");
        QTest::addColumn<double>("lon");
        for (const double lat : {-85.0, -60.0, -33.9, 0.0, 12.5, 51.5, 78.0, 89.0}) {
            for (const double lon : {-179.9, -122.4, -0.1, 0.0, 13.4, 151.2, 180.0})
                QTest::addRow("%g,%g", lat, lon) << lat << lon;
        }
    }

    void projectionRoundTrips()
    {
        QFETCH(double, lat);
        QFETCH(double, lon);
        const auto back = geo::unproject(geo::project(lat, lon));
        QVERIFY(back);
        QVERIFY2(std::abs(back->lat - lat) < 1e-7, qPrintable(QString::number(back->lat, 'g', 12)));
        QVERIFY2(std::abs(back->lon - lon) < 1e-7, qPrintable(QString::number(back->lon, 'g', 12)));
    }

    void projectionShape()
    {
        // North up, east right, and no point off the globe maps back.
        QVERIFY(geo::project(60, 0).y() < geo::project(0, 0).y());
        QVERIFY(geo::project(0, 30).x() > geo::project(0, 0).x());
        QVERIFY(!geo::unproject(QPointF(2.7, -1.4))); // beyond the rounded corner of the globe
        QVERIFY(!geo::unproject(QPointF(0, -2)));
        // Natural Earth: a parallel at 60° is shorter than the equator, but not half as long as on a globe.
        const double equator = geo::project(0, 180).x();
        const double sixty = geo::project(60, 180).x();
        QVERIFY(sixty < 0.9 * equator && sixty > 0.6 * equator);
    }

    void clickingASignInEmitsIt()
    {
        WorldMapWidget map;
        map.resize(1000, 520);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        map.setSignIns(
            {signIn(u"alice@corp.example"_qs, 48.86, 2.35, 85), signIn(u"bob@corp.example"_qs, -33.87, 151.21)});
        QSignalSpy points(&map, &WorldMapWidget::signInsClicked);
        QSignalSpy countries(&map, &WorldMapWidget::countryClicked);

        const QPoint sydney = map.mapFromGeo(-33.87, 151.21).toPoint();
        QTest::mouseClick(&map, Qt::LeftButton, {}, sydney);
        QCOMPARE(points.size(), 1);
        QCOMPARE(countries.size(), 0);
        const auto clicked = points.takeFirst().at(0).value<QList<MapSignIn>>();
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked.first().user, u"bob@corp.example"_qs);
        QCOMPARE(clicked.first().ip, u"203.0.113.7"_qs);

        // The tooltip names the user, the place, the IP and the band in words.
        const QString tip = map.toolTipAt(map.mapFromGeo(48.86, 2.35));
        QVERIFY2(tip.contains(u"alice@corp.example"_qs) && tip.contains(u"203.0.113.7"_qs)
                     && tip.contains(Severity::name(SeverityBand::Critical)) && tip.contains(u"Somewhere"_qs),
                 qPrintable(tip));
    }

    void clickingACountryEmitsItsCode_data()
    {
        QTest::addColumn<double>("lat");
        QTest::addColumn<double>("lon");
        QTest::addColumn<QString>("iso");
        QTest::addColumn<QString>("name");
        QTest::newRow("Brazil") << -10.0 << -52.0 << u"BR"_qs << u"Brazil"_qs;
        QTest::newRow("Australia") << -25.0 << 134.0 << u"AU"_qs << u"Australia"_qs;
        QTest::newRow("United States") << 39.0 << -98.0 << u"US"_qs << u"United States"_qs;
    }

    void clickingACountryEmitsItsCode()
    {
        QFETCH(double, lat);
        QFETCH(double, lon);
        QFETCH(QString, iso);
        QFETCH(QString, name);
        WorldMapWidget map;
        map.resize(1000, 520);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        // A sign-in far away, so the click is not on a marker.
        map.setSignIns({signIn(u"carol@corp.example"_qs, 64.15, -21.94)});
        QSignalSpy points(&map, &WorldMapWidget::signInsClicked);
        QSignalSpy countries(&map, &WorldMapWidget::countryClicked);
        QTest::mouseClick(&map, Qt::LeftButton, {}, map.mapFromGeo(lat, lon).toPoint());
        QCOMPARE(points.size(), 0);
        QCOMPARE(countries.size(), 1);
        QCOMPARE(countries.first().at(0).toString(), iso);
        QCOMPARE(countries.first().at(1).toString(), name);

        // The ocean is not a country; a drag is not a click.
        QTest::mouseClick(&map, Qt::LeftButton, {}, map.mapFromGeo(-30, -20).toPoint());
        const QPoint from = map.mapFromGeo(lat, lon).toPoint();
        QTest::mousePress(&map, Qt::LeftButton, {}, from);
        QTest::mouseMove(&map, from + QPoint(40, 10));
        QTest::mouseRelease(&map, Qt::LeftButton, {}, from + QPoint(40, 10));
        QCOMPARE(countries.size(), 1);
        QVERIFY(map.mapFromGeo(lat, lon).x() > from.x() + 30); // the drag panned the map
    }

    void clustersMergeWhenZoomedOutAndSplitWhenZoomedIn()
    {
        WorldMapWidget map;
        map.resize(1000, 520);
        // Paris and Brussels, 260 km apart, a few pixels apart at the whole-world view.
        QList<MapSignIn> signIns;
        for (int i = 0; i < 5; ++i)
            signIns << signIn(u"p%1"_qs.arg(i), 48.86 + i * 0.01, 2.35, 10, 1000 + i);
        signIns << signIn(u"brussels"_qs, 50.85, 4.35, 90, 2000);
        map.setSignIns(signIns);

        QList<MapCluster> clusters = map.visibleClusters();
        QCOMPARE(clusters.size(), 1);
        QCOMPARE(clusters.first().count, 6);
        QCOMPARE(clusters.first().worst, SeverityBand::Critical); // a cluster shows its worst band
        QCOMPARE(map.signInsAt(clusters.first().widgetPos).size(), 6);
        QCOMPARE(map.signInsAt(clusters.first().widgetPos).first().user, u"brussels"_qs); // newest first

        map.setZoomLevel(16, map.mapFromGeo(49.8, 3.3));
        clusters = map.visibleClusters();
        QCOMPARE(clusters.size(), 2);
        const MapCluster* brussels = clusterWith(clusters, map, u"brussels"_qs);
        const MapCluster* paris = clusterWith(clusters, map, u"p0"_qs);
        QVERIFY(brussels && paris && brussels != paris);
        QCOMPARE(brussels->count, 1);
        QCOMPARE(paris->count, 5);
        QCOMPARE(paris->worst, SeverityBand::None);

        // Incremental: a live batch joins the existing clusters at every cached level.
        map.addSignIns({signIn(u"late"_qs, 50.85, 4.35, 65, 3000)});
        clusters = map.visibleClusters();
        QCOMPARE(clusterWith(clusters, map, u"late"_qs)->count, 2);
        map.resetView();
        QCOMPARE(map.visibleClusters().size(), 1);
        QCOMPARE(map.visibleClusters().first().count, 7);
    }

    void boundedIndexKeepsTheNewest()
    {
        SignInIndex index(100);
        QList<MapSignIn> first;
        for (int i = 0; i < 80; ++i)
            first << signIn(u"old%1"_qs.arg(i), 10 + i * 0.5, 20, 10, i);
        index.append(first);
        const int level = SignInIndex::levelFor(200, 36);
        const auto total = [&] {
            int sum = 0;
            for (const SignInIndex::Cluster& c : index.clusters(level, geo::worldBounds()))
                sum += c.count;
            return sum;
        };
        QCOMPARE(total(), 80);
        QList<MapSignIn> second;
        for (int i = 0; i < 70; ++i)
            second << signIn(u"new%1"_qs.arg(i), -10 - i * 0.5, -40, 50, 100 + i);
        index.append(second);
        QCOMPARE(index.size(), 100);
        QCOMPARE(index.at(0).signIn.user, u"old50"_qs); // 50 oldest evicted
        QCOMPARE(index.at(99).signIn.user, u"new69"_qs);
        QCOMPARE(total(), 100);                                    // the cached level was decremented as entries left
        QVERIFY(index.near(geo::project(10, 20), 0.01).isEmpty()); // old0 is gone from the spatial grid
        QCOMPARE(index.near(geo::project(-10, -40), 0.001).size(), 1);

        WorldMapWidget map;
        map.setCapacity(10);
        QList<MapSignIn> shuffled;
        for (int i = 20; i > 0; --i)
            shuffled << signIn(u"u%1"_qs.arg(i), 0, i, 10, i);
        map.setSignIns(shuffled); // keeps the newest by time, not the last in the list
        QCOMPARE(map.signInCount(), 10);
        map.resize(1000, 520);
        map.setZoomLevel(WorldMapWidget::kMaxZoomLevel, map.mapFromGeo(0, 15));
        QVERIFY(!map.signInsAt(map.mapFromGeo(0, 15)).isEmpty());
        QVERIFY(map.signInsAt(map.mapFromGeo(0, 5)).isEmpty());
    }

    void arcAcrossTheAntimeridianIsSplit()
    {
        WorldMapWidget map;
        map.resize(1000, 520);
        MapArc tokyoSf;
        tokyoSf.fromLat = 35.68;
        tokyoSf.fromLon = 139.69;
        tokyoSf.toLat = 37.77;
        tokyoSf.toLon = -122.42;
        tokyoSf.speedKmh = 12000;
        MapArc nycAms;
        nycAms.fromLat = 40.71;
        nycAms.fromLon = -74.01;
        nycAms.toLat = 52.37;
        nycAms.toLon = 4.90;
        nycAms.speedKmh = 8790;
        map.setArcs({tokyoSf, nycAms});

        const QList<QPolygonF> pacific = map.arcSegments(0);
        QCOMPARE(pacific.size(), 2);
        const double mapWidth = map.mapFromGeo(0, 180).x() - map.mapFromGeo(0, -180).x();
        for (const QPolygonF& segment : pacific) {
            QVERIFY(segment.size() >= 2);
            for (qsizetype i = 1; i < segment.size(); ++i)
                QVERIFY2(std::abs(segment.at(i).x() - segment.at(i - 1).x()) < mapWidth / 20,
                         "a step of the arc jumps across the map");
        }
        // The first part leaves Tokyo eastwards to the right edge, the second arrives from the left edge, at the
        // same latitude.
        const auto parts = geo::greatCircleLatLon({35.68, 139.69}, {37.77, -122.42});
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts.first().last().lon, 180.0);
        QCOMPARE(parts.last().first().lon, -180.0);
        const double crossing = parts.first().last().lat;
        QCOMPARE(parts.last().first().lat, crossing);
        QVERIFY(crossing > 45 && crossing < 50);
        QVERIFY((pacific.first().last() - map.mapFromGeo(crossing, 180)).manhattanLength() < 1);
        QVERIFY((pacific.last().first() - map.mapFromGeo(crossing, -180)).manhattanLength() < 1);
        QVERIFY((pacific.first().first() - map.mapFromGeo(35.68, 139.69)).manhattanLength() < 1);
        QVERIFY((pacific.last().last() - map.mapFromGeo(37.77, -122.42)).manhattanLength() < 1);
        // The Tokyo–San Francisco great circle bows north of both ends (on a map, towards the Aleutians).
        double northmost = 1e9;
        for (const QPolygonF& segment : pacific) {
            for (const QPointF& p : segment)
                northmost = std::min(northmost, p.y());
        }
        QVERIFY(northmost < map.mapFromGeo(45, 180).y());

        const QList<QPolygonF> atlantic = map.arcSegments(1);
        QCOMPARE(atlantic.size(), 1);
        QVERIFY(atlantic.first().size() > 20); // interpolated, not a straight chord
    }

    void renderingShowsTheMarker()
    {
        WorldMapWidget map;
        map.resize(900, 480);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        const QPointF at = map.mapFromGeo(-15, -55); // inland Brazil
        const QImage before = map.grab().toImage();
        map.setSignIns({signIn(u"dave@corp.example"_qs, -15, -55, 95)});
        const QImage after = map.grab().toImage();
        const double dpr = after.devicePixelRatio();
        const QPoint px = (at * dpr).toPoint();
        const QRgb critical = Severity::color(SeverityBand::Critical, map.palette()).rgb();
        QVERIFY2(colourDistance(before.pixel(px), critical) > 150, "the land is already critical-coloured");
        QVERIFY2(colourDistance(after.pixel(px), critical) < 60,
                 qPrintable(QColor(after.pixel(px)).name() + u" vs "_qs + QColor(critical).name()));
        // Land, sea and the outside of the globe are three different colours.
        const QRgb land = before.pixel((map.mapFromGeo(-10, -52) * dpr).toPoint());
        const QRgb sea = before.pixel((map.mapFromGeo(-30, -20) * dpr).toPoint());
        QVERIFY(colourDistance(land, sea) > 20);
    }

    void darkPaletteIsDesignedNotInverted()
    {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x1f, 0x22, 0x26));
        dark.setColor(QPalette::WindowText, QColor(0xe4, 0xe6, 0xe8));
        dark.setColor(QPalette::Base, QColor(0x16, 0x18, 0x1b));
        dark.setColor(QPalette::Text, QColor(0xe4, 0xe6, 0xe8));
        QVERIFY(Severity::isDark(dark));
        QVERIFY(!Severity::isDark(QPalette(QColor(Qt::white))));
        WorldMapWidget map;
        map.setPalette(dark);
        map.resize(900, 480);
        const QImage image = map.grab().toImage();
        const QRgb land = image.pixel((map.mapFromGeo(-10, -52) * image.devicePixelRatio()).toPoint());
        QVERIFY2(qGray(land) < 110, qPrintable(QColor(land).name())); // dark land on a dark theme
        for (int b = 0; b < kSeverityBandCount; ++b) {
            const auto band = SeverityBand(b);
            // Each band's dark variant is lighter than its light variant and readable on the dark base.
            QVERIFY(Severity::color(band, true).lightness() > Severity::color(band, false).lightness());
            QVERIFY(colourDistance(Severity::color(band, true).rgb(), dark.color(QPalette::Base).rgb()) > 200);
        }
    }

    void severityLanguage()
    {
        QCOMPARE(Severity::forRisk(19.9), SeverityBand::None);
        QCOMPARE(Severity::forRisk(20), SeverityBand::Low);
        QCOMPARE(Severity::forRisk(59), SeverityBand::Medium);
        QCOMPARE(Severity::forRisk(60), SeverityBand::High);
        QCOMPARE(Severity::forRisk(80), SeverityBand::Critical);
        QCOMPARE(Severity::forRisk(70, {10, 20, 30, 70}), SeverityBand::Critical);
        QCOMPARE(Severity::fromKey(u"high"), SeverityBand::High);
        QCOMPARE(Severity::key(SeverityBand::Critical), u"critical"_qs);
        QSet<QString> names;
        QSet<QRgb> colours;
        QSet<QString> glyphs;
        for (int b = 0; b < kSeverityBandCount; ++b) {
            names << Severity::name(SeverityBand(b));
            colours << Severity::color(SeverityBand(b), false).rgb();
            glyphs << Severity::glyph(SeverityBand(b));
        }
        QCOMPARE(names.size(), kSeverityBandCount);
        QCOMPARE(colours.size(), kSeverityBandCount);
        QCOMPARE(glyphs.size(), kSeverityBandCount); // a shape per band: colour is never the only signal
    }

    void zoomAndPanWithKeysAndWheel()
    {
        WorldMapWidget map;
        map.resize(1000, 520);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        QCOMPARE(map.zoomLevel(), 0);
        QTest::keyClick(&map, Qt::Key_Plus);
        QTest::keyClick(&map, Qt::Key_Plus);
        QCOMPARE(map.zoomLevel(), 2);
        const QPointF berlin = map.mapFromGeo(52.52, 13.40);
        QTest::keyClick(&map, Qt::Key_Left);
        QVERIFY(map.mapFromGeo(52.52, 13.40).x() > berlin.x() + 50);
        QTest::keyClick(&map, Qt::Key_Home);
        QCOMPARE(map.zoomLevel(), 0);

        // Zooming with the wheel keeps the point under the cursor in place.
        const QPointF cursor = map.mapFromGeo(-33.87, 151.21);
        QWheelEvent wheel(cursor, map.mapToGlobal(cursor), QPoint(), QPoint(0, 3 * 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&map, &wheel);
        QCOMPARE(map.zoomLevel(), 3);
        QVERIFY((map.mapFromGeo(-33.87, 151.21) - cursor).manhattanLength() < 1.5);
        QTest::keyClick(&map, Qt::Key_Minus);
        QCOMPARE(map.zoomLevel(), 2);
        for (int i = 0; i < 40; ++i)
            map.zoomIn();
        QCOMPARE(map.zoomLevel(), WorldMapWidget::kMaxZoomLevel);
    }

    void highlightRingsTheUsersPlaces()
    {
        WorldMapWidget map;
        map.resize(1000, 520);
        map.setSignIns(
            {signIn(u"eve@corp.example"_qs, 40.71, -74.01, 50, 1), signIn(u"eve@corp.example"_qs, 52.37, 4.90, 50, 2),
             signIn(u"eve@corp.example"_qs, 52.37, 4.90, 50, 3), signIn(u"frank@corp.example"_qs, 35.0, 139.0)});
        map.setHighlighted({u"eve@corp.example"_qs, {}});
        QCOMPARE(map.highlightedPlaces().size(), 2); // two distinct places, newest first
        QCOMPARE(map.highlightedPlaces().first().lat, 52.37);
        map.setHighlighted({{}, {{1.35, 103.82, u"Singapore"_qs}}});
        QCOMPARE(map.highlightedPlaces().size(), 1);

        // The ring is painted where the place is.
        const QImage plain = [&] {
            WorldMapWidget other;
            other.resize(1000, 520);
            return other.grab().toImage();
        }();
        const QImage ringed = map.grab().toImage();
        const double dpr = ringed.devicePixelRatio();
        const QPointF centre = map.mapFromGeo(1.35, 103.82);
        int changed = 0;
        for (int angle = 0; angle < 360; angle += 30) {
            const QPointF onRing = centre + 12 * QPointF(std::cos(angle * M_PI / 180), std::sin(angle * M_PI / 180));
            const QPoint px = (onRing * dpr).toPoint();
            if (colourDistance(plain.pixel(px), ringed.pixel(px)) > 60) ++changed;
        }
        QVERIFY2(changed >= 9, qPrintable(QString::number(changed)));
        map.clearHighlighted();
        QVERIFY(map.highlightedPlaces().isEmpty());
    }
};

QTEST_MAIN(TestWorldMap)
#include "TestWorldMap.moc"

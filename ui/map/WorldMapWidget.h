// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/Severity.h"
#include "ui/map/GeoProjection.h"
#include "ui/map/MapTypes.h"
#include "ui/map/SignInIndex.h"

#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

namespace vigil::ui {

class WorldMapData;

// The console's world map: countries (Natural Earth 1:110m), sign-ins as markers in the severity language,
// clustered when zoomed out, and impossible travel as great-circle arcs labelled with their speed.
//
// Wheel, +/- and double-click zoom around the cursor; drag and the arrow keys pan; Home or 0 resets the view.
// Clicking a marker emits signInsClicked(), clicking a country countryClicked(). Colours come from the palette,
// so light and dark themes both work.
//
// Painting stays cheap with 100,000 sign-ins: country shapes are projected once and rasterised into 256-pixel tiles
// per zoom level (panning only blits tiles), sign-ins live in SignInIndex (a spatial grid plus incrementally
// maintained clusters per level), and only the clusters in view are drawn, from pre-rendered marker sprites.
class WorldMapWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorldMapWidget)

public:
    explicit WorldMapWidget(QWidget* parent = nullptr);
    ~WorldMapWidget() override;

    // Sign-ins. setSignIns keeps the newest capacity() by atMs; addSignIns appends live batches in arrival order and
    // drops the oldest beyond capacity().
    void setSignIns(QList<MapSignIn> signIns);
    void addSignIns(const QList<MapSignIn>& signIns);
    void clearSignIns();
    qsizetype signInCount() const;
    void setCapacity(qsizetype maxSignIns); // default 100,000
    qsizetype capacity() const;
    void setSeverityThresholds(const SeverityThresholds& thresholds);

    void setArcs(QList<MapArc> arcs);
    const QList<MapArc>& arcs() const { return m_arcs; }

    // The selected alert's places: rings, the user's arcs emphasised and the others dimmed. Does not move the view.
    void setHighlighted(const MapHighlight& highlight);
    void clearHighlighted();
    const MapHighlight& highlighted() const { return m_highlight; }
    // The places actually ringed (the highlight's places, or the user's sign-in places).
    const QList<MapPlace>& highlightedPlaces() const { return m_highlightPlaces; }

    // View. Zoom level 0 fits the inhabited world into the widget; each level is 2^(1/4) closer.
    static constexpr int kMaxZoomLevel = 24;
    int zoomLevel() const { return m_zoom; }
    double zoomFactor() const;
    // Zooms keeping the map point under `anchor` (widget coordinates) in place; the centre when absent.
    void setZoomLevel(int level, std::optional<QPointF> anchor = std::nullopt);
    void centerOn(double lat, double lon);
    QPointF mapFromGeo(double lat, double lon) const;
    std::optional<geo::LatLon> mapToGeo(QPointF widgetPos) const;

    // What is where, in widget coordinates (for tests and for the console's own hit-testing).
    // The alpha-2 code of the country at `widgetPos`, or an empty string over the ocean.
    QString countryAt(QPointF widgetPos) const;
    // Markers as painted: single sign-ins have count 1.
    QList<MapCluster> visibleClusters() const;
    // The sign-ins under the marker at `widgetPos`, newest first; empty if there is no marker.
    QList<MapSignIn> signInsAt(QPointF widgetPos) const;
    // The arc's drawn polylines; more than one where it crosses the antimeridian.
    QList<QPolygonF> arcSegments(qsizetype arcIndex) const;
    QString toolTipAt(QPointF widgetPos) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    void zoomIn();
    void zoomOut();
    void resetView();

signals:
    // The sign-ins of the clicked marker, newest first (one for a single sign-in, all of a cluster's).
    void signInsClicked(const QList<vigil::ui::MapSignIn>& signIns);
    void countryClicked(const QString& isoAlpha2, const QString& englishName);

protected:
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct DisplayCluster
    {
        QPointF pos; // widget coordinates
        int count = 0;
        SeverityBand worst = SeverityBand::None;
        qreal radius = 0;
        std::vector<quint64> keys; // the grid cells merged into this marker
    };
    struct Tile
    {
        QImage image;
        quint64 lastUse = 0;
    };
    struct Colors
    {
        QColor outside, ocean, land, border, graticule, hover, text, halo;
        bool dark = false;
    };
    struct ArcGeometry
    {
        QList<QPolygonF> world; // per side of the antimeridian
        QPointF labelWorld;
        double distanceKm = 0;
    };

    double fitScale() const;
    double scale() const;
    QPointF origin() const; // widget position of world (0, 0), snapped to device pixels
    QPointF toWidget(QPointF world) const;
    QPointF toWorld(QPointF widget) const;
    QRectF visibleWorld() const;
    void setCenter(QPointF world);
    void zoomBy(int steps, std::optional<QPointF> anchor);
    void invalidateTiles();
    void invalidateLook();
    void updateColors();
    void resolveHighlight();

    const std::vector<DisplayCluster>& displayClusters() const;
    const DisplayCluster* clusterAt(QPointF widgetPos) const;
    QList<MapSignIn> membersOf(const DisplayCluster& cluster) const;
    int clusterLevel() const;

    static quint64 tileKey(int zoom, int column, int row);
    const QImage& renderTile(int column, int row);
    void paintTiles(QPainter& painter, const QRect& dirty);
    void paintStandInTiles(QPainter& painter, const QRegion& missing);
    void prepareNeighbourLevels();
    void paintHover(QPainter& painter);
    void paintClusters(QPainter& painter);
    void paintArcLines(QPainter& painter);
    void paintArcLabels(QPainter& painter);
    std::vector<qsizetype> arcPaintOrder() const;
    bool arcEmphasised(qsizetype index) const;
    QColor arcColor(qsizetype index) const;
    void paintHighlight(QPainter& painter);
    void paintOverlays(QPainter& painter);
    const QPixmap& markerSprite(SeverityBand band, int radiusHalfPixels, bool cluster);
    QString countLabel(int count) const;
    QString arcLabel(const MapArc& arc) const;

    const WorldMapData& m_data;
    mutable SignInIndex m_index; // its per-level cluster aggregates grow lazily, also from const hit-tests
    QList<MapArc> m_arcs;
    QList<ArcGeometry> m_arcGeometry;
    MapHighlight m_highlight;
    QList<MapPlace> m_highlightPlaces;

    int m_zoom = 0;
    QPointF m_center;
    int m_wheelRemainder = 0;
    QPointF m_pressPos;
    QPointF m_pressCenter;
    bool m_pressed = false;
    bool m_dragging = false;
    int m_hoverCountry = -1;

    Colors m_colors;
    QPainterPath m_outline;   // world units
    QPainterPath m_graticule; // world units
    QHash<quint64, Tile> m_tiles;
    quint64 m_tileClock = 0;
    double m_tileDpr = 0;
    int m_lastCompleteZoom = -1; // the last zoom level all visible tiles were painted at
    bool m_interactive = false;  // zooming or dragging: rasterise tiles within a per-frame budget
    bool m_prefetchQueued = false;
    QHash<quint32, QPixmap> m_sprites;
    QList<QPair<QRectF, qsizetype>> m_arcLabelRects; // as last painted, for tooltips
    QList<QRectF> m_labelRects;                      // every arc label painted, so place labels avoid them

    // Display clusters for one view and one data generation; painting and hit-testing share them.
    mutable std::vector<DisplayCluster> m_display;
    mutable quint64 m_displayGeneration = ~quint64(0);
    mutable QRectF m_displayView;
    mutable int m_displayLevel = -1;
};

} // namespace vigil::ui

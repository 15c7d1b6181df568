// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/WorldMapWidget.h"

#include "core/risk/Geo.h"
#include "ui/map/WorldMapData.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QGlyphRun>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QRawFont>
#include <QRegion>
#include <QSet>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace vigil::ui {

namespace {

constexpr int kTileSize = 256;         // device pixels
constexpr double kCellPixels = 36;     // clustering grid cell on screen: markers closer than this merge
constexpr double kMergeFraction = 0.5; // neighbouring cells whose markers are closer than this many cells merge
constexpr double kMarkerOverlap = 3;   // pixels two neighbouring markers may overlap before they merge
constexpr double kZoomStep = 0.25;     // log2 of the zoom change per level: four wheel notches double the scale

// The default view: every inhabited latitude, without the empty Southern Ocean and Antarctica (still reachable by
// panning), so the populated land gets the space.
constexpr double kFitNorth = 84;
constexpr double kFitSouth = -57;

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

quint64 packCell(int cx, int cy)
{
    return (quint64(quint32(cx)) << 32) | quint32(cy);
}

QRectF fitRect()
{
    const double halfWidth = geo::project(0, 180).x();
    const double top = geo::project(kFitNorth, 0).y();
    const double bottom = geo::project(kFitSouth, 0).y();
    return QRectF(-halfWidth, top, 2 * halfWidth, bottom - top);
}

// Marker sizes grow with the band, so the eye finds critical sign-ins first even among thousands of normal ones.
qreal markerSize(SeverityBand band)
{
    switch (band) {
    case SeverityBand::Critical:
        return 12;
    case SeverityBand::High:
        return 11;
    case SeverityBand::Medium:
        return 9.5;
    case SeverityBand::Low:
        return 8.5;
    case SeverityBand::None:
        break;
    }
    return 7.5;
}

qreal clusterRadius(int count)
{
    return 8 + 2.5 * std::log10(double(std::max(count, 1)));
}

QString escaped(const QString& s)
{
    return s.toHtmlEscaped();
}

} // namespace

WorldMapWidget::WorldMapWidget(QWidget* parent)
    : QWidget(parent)
    , m_data(WorldMapData::instance())
    , m_center(fitRect().center())
{
    setObjectName(QStringLiteral("worldMapWidget"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::OpenHandCursor);
    setAccessibleName(tr("World map of sign-ins"));
    setAccessibleDescription(tr("Sign-ins as markers by risk, impossible travel as arcs. Plus and minus zoom, arrow "
                                "keys pan, Home resets the view."));

    m_outline.addPolygon(geo::outline());
    m_outline.closeSubpath();
    // Graticule every 30°: enough to read latitude at a glance, faint enough not to compete with the data.
    for (int lat = -60; lat <= 60; lat += 30) {
        m_graticule.moveTo(geo::project(lat, -180));
        m_graticule.lineTo(geo::project(lat, 180));
    }
    for (int lon = -150; lon <= 150; lon += 30) {
        m_graticule.moveTo(geo::project(geo::kSouthLimit, lon));
        for (double lat = geo::kSouthLimit + 2.5; lat < 90; lat += 2.5)
            m_graticule.lineTo(geo::project(lat, lon));
        m_graticule.lineTo(geo::project(90, lon));
    }
    updateColors();
}

WorldMapWidget::~WorldMapWidget() = default;

// ---- data ----------------------------------------------------------------------------------------------------

void WorldMapWidget::setSignIns(QList<MapSignIn> signIns)
{
    std::stable_sort(signIns.begin(), signIns.end(),
                     [](const MapSignIn& a, const MapSignIn& b) { return a.atMs < b.atMs; });
    m_index.clear();
    m_index.append(signIns);
    if (m_highlight.places.isEmpty() && !m_highlight.user.isEmpty()) resolveHighlight();
    update();
}

void WorldMapWidget::addSignIns(const QList<MapSignIn>& signIns)
{
    if (signIns.isEmpty()) return;
    m_index.append(signIns);
    if (m_highlight.places.isEmpty() && !m_highlight.user.isEmpty()) resolveHighlight();
    update();
}

void WorldMapWidget::clearSignIns()
{
    m_index.clear();
    update();
}

qsizetype WorldMapWidget::signInCount() const
{
    return m_index.size();
}

void WorldMapWidget::setCapacity(qsizetype maxSignIns)
{
    m_index.setCapacity(maxSignIns);
    update();
}

qsizetype WorldMapWidget::capacity() const
{
    return m_index.capacity();
}

void WorldMapWidget::setSeverityThresholds(const SeverityThresholds& thresholds)
{
    m_index.setThresholds(thresholds);
    update();
}

void WorldMapWidget::setArcs(QList<MapArc> arcs)
{
    m_arcs = std::move(arcs);
    m_arcGeometry.clear();
    m_arcGeometry.reserve(m_arcs.size());
    for (const MapArc& arc : std::as_const(m_arcs)) {
        const geo::LatLon from{arc.fromLat, arc.fromLon};
        const geo::LatLon to{arc.toLat, arc.toLon};
        ArcGeometry g;
        g.world = geo::greatCircle(from, to);
        g.labelWorld = geo::project(geo::greatCircleMidpoint(from, to));
        g.distanceKm =
            arc.distanceKm > 0 ? arc.distanceKm : risk::greatCircleKm(arc.fromLat, arc.fromLon, arc.toLat, arc.toLon);
        m_arcGeometry << g;
    }
    update();
}

void WorldMapWidget::setHighlighted(const MapHighlight& highlight)
{
    m_highlight = highlight;
    resolveHighlight();
    update();
}

void WorldMapWidget::clearHighlighted()
{
    setHighlighted({});
}

void WorldMapWidget::resolveHighlight()
{
    m_highlightPlaces = m_highlight.places;
    if (!m_highlightPlaces.isEmpty() || m_highlight.user.isEmpty()) return;
    // One ring per distinct place (about 1 km apart), newest first, bounded so a very mobile user stays readable.
    constexpr int kMaxRings = 32;
    QSet<QPair<int, int>> seen;
    for (const SignInIndex::Entry* e : m_index.ofUser(m_highlight.user)) {
        const QPair<int, int> cell(int(std::lround(e->signIn.lat * 100)), int(std::lround(e->signIn.lon * 100)));
        if (seen.contains(cell)) continue;
        seen.insert(cell);
        m_highlightPlaces << MapPlace{e->signIn.lat, e->signIn.lon, risk::placeName(e->signIn.city, e->signIn.country)};
        if (m_highlightPlaces.size() == kMaxRings) break;
    }
}

// ---- view ----------------------------------------------------------------------------------------------------

double WorldMapWidget::fitScale() const
{
    const QRectF fit = fitRect();
    const double s = std::min(width() / fit.width(), height() / fit.height());
    return s > 0 ? s : 1.0;
}

double WorldMapWidget::zoomFactor() const
{
    return std::exp2(m_zoom * kZoomStep);
}

double WorldMapWidget::scale() const
{
    return fitScale() * zoomFactor();
}

QPointF WorldMapWidget::origin() const
{
    // Snapped to whole device pixels so that tiles, painted at integer device offsets, line up with the markers.
    const double dpr = devicePixelRatioF();
    const QPointF o = QPointF(width() / 2.0, height() / 2.0) - m_center * scale();
    return QPointF(std::round(o.x() * dpr) / dpr, std::round(o.y() * dpr) / dpr);
}

QPointF WorldMapWidget::toWidget(QPointF world) const
{
    return world * scale() + origin();
}

QPointF WorldMapWidget::toWorld(QPointF widget) const
{
    return (widget - origin()) / scale();
}

QRectF WorldMapWidget::visibleWorld() const
{
    return QRectF(toWorld(QPointF(0, 0)), toWorld(QPointF(width(), height())));
}

void WorldMapWidget::setCenter(QPointF world)
{
    // The centre stays on the globe, so at least a quarter of the view always shows map.
    const QRectF bounds = geo::worldBounds();
    world.setX(std::clamp(world.x(), bounds.left(), bounds.right()));
    world.setY(std::clamp(world.y(), bounds.top(), bounds.bottom()));
    if (world == m_center) return;
    m_center = world;
    update();
}

void WorldMapWidget::setZoomLevel(int level, std::optional<QPointF> anchor)
{
    level = std::clamp(level, 0, kMaxZoomLevel);
    if (level == m_zoom) return;
    const QPointF anchorWidget = anchor.value_or(QPointF(width() / 2.0, height() / 2.0));
    const QPointF anchorWorld = toWorld(anchorWidget);
    m_zoom = level;
    // Keep the point under the anchor where it is: solve anchorWidget = anchorWorld * s + (widgetCentre - c * s).
    const QPointF widgetCentre(width() / 2.0, height() / 2.0);
    setCenter(anchorWorld - (anchorWidget - widgetCentre) / scale());
    update();
}

void WorldMapWidget::zoomBy(int steps, std::optional<QPointF> anchor)
{
    setZoomLevel(m_zoom + steps, anchor);
}

void WorldMapWidget::zoomIn()
{
    zoomBy(1, std::nullopt);
}

void WorldMapWidget::zoomOut()
{
    zoomBy(-1, std::nullopt);
}

void WorldMapWidget::resetView()
{
    m_zoom = 0;
    m_center = fitRect().center();
    update();
}

void WorldMapWidget::centerOn(double lat, double lon)
{
    setCenter(geo::project(lat, lon));
}

QPointF WorldMapWidget::mapFromGeo(double lat, double lon) const
{
    return toWidget(geo::project(lat, lon));
}

std::optional<geo::LatLon> WorldMapWidget::mapToGeo(QPointF widgetPos) const
{
    return geo::unproject(toWorld(widgetPos));
}

QString WorldMapWidget::countryAt(QPointF widgetPos) const
{
    const int index = m_data.countryAt(toWorld(widgetPos));
    return index < 0 ? QString() : m_data.countries().at(index).iso;
}

QSize WorldMapWidget::sizeHint() const
{
    return {800, 420};
}

QSize WorldMapWidget::minimumSizeHint() const
{
    return {240, 140};
}

// ---- clusters ------------------------------------------------------------------------------------------------

int WorldMapWidget::clusterLevel() const
{
    return SignInIndex::levelFor(scale(), kCellPixels);
}

const std::vector<WorldMapWidget::DisplayCluster>& WorldMapWidget::displayClusters() const
{
    const int level = clusterLevel();
    const QRectF view = visibleWorld();
    if (m_displayGeneration == m_index.generation() && m_displayLevel == level && m_displayView == view)
        return m_display;
    m_displayGeneration = m_index.generation();
    m_displayLevel = level;
    m_displayView = view;
    m_display.clear();

    const double cell = SignInIndex::cellSize(level);
    const QList<SignInIndex::Cluster> raw = m_index.clusters(level, view.adjusted(-cell, -cell, cell, cell));

    // Grid clustering splits a group that straddles a cell edge into two overlapping markers. Merge a cell into a
    // neighbouring one whose marker is within half a cell or would overlap it, biggest first, so a city stays one
    // marker wherever the grid lines fall and markers do not pile up on each other. Only the clusters in view take
    // part, so this costs O(markers on screen), not O(sign-ins).
    QHash<quint64, qsizetype> byKey;
    byKey.reserve(raw.size());
    std::vector<qsizetype> order(std::size_t(raw.size()));
    for (qsizetype i = 0; i < raw.size(); ++i) {
        byKey.insert(raw.at(i).key, i);
        order[std::size_t(i)] = i;
    }
    std::sort(order.begin(), order.end(), [&raw](qsizetype a, qsizetype b) {
        return raw.at(a).count != raw.at(b).count ? raw.at(a).count > raw.at(b).count : raw.at(a).key < raw.at(b).key;
    });
    const double px = scale();
    const auto radiusOf = [](int count, SeverityBand worst) {
        return count == 1 ? markerSize(worst) / 2 : clusterRadius(count);
    };
    std::vector<bool> absorbed(std::size_t(raw.size()), false);
    const QRectF widgetRect = rect();
    for (const qsizetype seed : order) {
        if (absorbed[std::size_t(seed)]) continue;
        absorbed[std::size_t(seed)] = true;
        const SignInIndex::Cluster& c = raw.at(seed);
        DisplayCluster d;
        d.keys.push_back(c.key);
        QPointF sum = c.world * c.count;
        d.count = c.count;
        d.worst = c.worst;
        const int cx = int(qint32(quint32(c.key >> 32)));
        const int cy = int(qint32(quint32(c.key)));
        for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
                const qsizetype j = byKey.value(packCell(cx + dx, cy + dy), -1);
                if (j < 0 || absorbed[std::size_t(j)]) continue;
                const SignInIndex::Cluster& n = raw.at(j);
                const QPointF delta = n.world - c.world;
                const double reach = std::max(kMergeFraction * cell * px,
                                              radiusOf(c.count, c.worst) + radiusOf(n.count, n.worst) - kMarkerOverlap);
                if (std::hypot(delta.x(), delta.y()) * px > reach) continue;
                absorbed[std::size_t(j)] = true;
                d.keys.push_back(n.key);
                sum += n.world * n.count;
                d.count += n.count;
                d.worst = std::max(d.worst, n.worst);
            }
        }
        d.pos = toWidget(sum / d.count);
        d.radius = radiusOf(d.count, d.worst);
        if (widgetRect.adjusted(-d.radius, -d.radius, d.radius, d.radius).contains(d.pos))
            m_display.push_back(std::move(d));
    }
    // Paint order: the worst on top, and within a band the big clusters over the single markers.
    std::stable_sort(m_display.begin(), m_display.end(), [](const DisplayCluster& a, const DisplayCluster& b) {
        return a.worst != b.worst ? a.worst < b.worst : a.count < b.count;
    });
    return m_display;
}

QList<MapCluster> WorldMapWidget::visibleClusters() const
{
    QList<MapCluster> out;
    for (const DisplayCluster& d : displayClusters())
        out.append({d.pos, d.count, d.worst});
    return out;
}

const WorldMapWidget::DisplayCluster* WorldMapWidget::clusterAt(QPointF widgetPos) const
{
    const std::vector<DisplayCluster>& display = displayClusters();
    // Topmost first; small markers get a few pixels of slack so they are easy to hit.
    for (auto it = display.rbegin(); it != display.rend(); ++it) {
        const double reach = std::max<double>(it->radius, 5) + 2;
        const QPointF delta = it->pos - widgetPos;
        if (delta.x() * delta.x() + delta.y() * delta.y() <= reach * reach) return &*it;
    }
    return nullptr;
}

QList<MapSignIn> WorldMapWidget::membersOf(const DisplayCluster& cluster) const
{
    QList<const SignInIndex::Entry*> entries;
    for (const quint64 key : cluster.keys)
        entries << m_index.members(m_displayLevel, key);
    if (cluster.keys.size() > 1) {
        std::stable_sort(entries.begin(), entries.end(), [](const SignInIndex::Entry* a, const SignInIndex::Entry* b) {
            return a->signIn.atMs > b->signIn.atMs;
        });
    }
    QList<MapSignIn> out;
    out.reserve(entries.size());
    for (const SignInIndex::Entry* e : std::as_const(entries))
        out << e->signIn;
    return out;
}

QList<MapSignIn> WorldMapWidget::signInsAt(QPointF widgetPos) const
{
    const DisplayCluster* cluster = clusterAt(widgetPos);
    return cluster ? membersOf(*cluster) : QList<MapSignIn>();
}

QList<QPolygonF> WorldMapWidget::arcSegments(qsizetype arcIndex) const
{
    QList<QPolygonF> out;
    if (arcIndex < 0 || arcIndex >= m_arcGeometry.size()) return out;
    for (const QPolygonF& world : m_arcGeometry.at(arcIndex).world) {
        QPolygonF widget;
        widget.reserve(world.size());
        for (const QPointF& p : world)
            widget << toWidget(p);
        out << widget;
    }
    return out;
}

// ---- tooltips ------------------------------------------------------------------------------------------------

QString WorldMapWidget::toolTipAt(QPointF widgetPos) const
{
    const QLocale locale;
    const SeverityThresholds& thresholds = m_index.thresholds();
    const auto bandText = [](SeverityBand band) -> QString {
        return Severity::glyph(band) + QLatin1Char(' ') + Severity::name(band);
    };

    if (const DisplayCluster* cluster = clusterAt(widgetPos)) {
        const QList<MapSignIn> members = membersOf(*cluster);
        if (members.isEmpty()) return {};
        if (members.size() == 1) {
            const MapSignIn& s = members.first();
            const SeverityBand band = Severity::forRisk(s.risk, thresholds);
            QStringList lines;
            lines << u"<b>"_qs + escaped(s.user) + u"</b>"_qs;
            const QString place = risk::placeName(s.city, s.country);
            if (!place.isEmpty()) lines << escaped(place);
            if (!s.ip.isEmpty()) lines << tr("IP %1").arg(escaped(s.ip));
            lines << tr("Risk %1 · %2").arg(locale.toString(qRound(s.risk)), bandText(band));
            if (!s.success) lines << tr("Failed sign-in");
            if (s.atMs > 0)
                lines << locale.toString(QDateTime::fromMSecsSinceEpoch(s.atMs).toLocalTime(), QLocale::LongFormat);
            return lines.join(u"<br>"_qs);
        }
        std::array<int, kSeverityBandCount> perBand{};
        for (const MapSignIn& s : members)
            ++perBand[std::size_t(Severity::forRisk(s.risk, thresholds))];
        QStringList lines;
        lines << u"<b>"_qs + tr("%n sign-in(s)", nullptr, int(members.size())) + u"</b>"_qs;
        QStringList bands;
        for (int b = kSeverityBandCount - 1; b >= 0; --b) {
            if (perBand[std::size_t(b)] > 0)
                bands << locale.toString(perBand[std::size_t(b)]) + QLatin1Char(' ') + bandText(SeverityBand(b));
        }
        lines << bands.join(u", "_qs);
        constexpr int kShown = 5;
        for (qsizetype i = 0; i < std::min<qsizetype>(kShown, members.size()); ++i) {
            const MapSignIn& s = members.at(i);
            lines << Severity::glyph(Severity::forRisk(s.risk, thresholds)) + QLatin1Char(' ') + escaped(s.user)
                         + u" · "_qs + escaped(risk::placeName(s.city, s.country));
        }
        if (members.size() > kShown) lines << tr("… and %n more", nullptr, int(members.size() - kShown));
        lines << u"<i>"_qs + tr("Click to list them; zoom in to separate them.") + u"</i>"_qs;
        return lines.join(u"<br>"_qs);
    }

    for (const auto& [rect, index] : m_arcLabelRects) {
        if (!rect.contains(widgetPos) || index >= m_arcs.size()) continue;
        const MapArc& arc = m_arcs.at(index);
        QStringList lines;
        lines << u"<b>"_qs + tr("Impossible travel") + u"</b>"_qs;
        if (!arc.user.isEmpty()) lines << escaped(arc.user);
        lines << tr("%1 → %2").arg(escaped(arc.fromLabel), escaped(arc.toLabel));
        lines << tr("%1 km at %2 km/h")
                     .arg(locale.toString(qRound(m_arcGeometry.at(index).distanceKm)),
                          locale.toString(qRound(arc.speedKmh)));
        return lines.join(u"<br>"_qs);
    }

    const int country = m_data.countryAt(toWorld(widgetPos));
    if (country >= 0) {
        const WorldMapData::Country& c = m_data.countries().at(country);
        return tr("%1 (%2)").arg(escaped(c.name), c.iso);
    }
    return {};
}

// ---- events --------------------------------------------------------------------------------------------------

bool WorldMapWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    return QWidget::event(event);
}

void WorldMapWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange
        || event->type() == QEvent::FontChange) {
        invalidateLook();
    }
    QWidget::changeEvent(event);
}

void WorldMapWidget::resizeEvent(QResizeEvent* event)
{
    // Tiles are rasterised at a scale derived from the widget size.
    invalidateTiles();
    setCenter(m_center);
    QWidget::resizeEvent(event);
}

void WorldMapWidget::wheelEvent(QWheelEvent* event)
{
    // Accumulate, so touchpads that send many small deltas zoom as smoothly as a notched wheel.
    m_wheelRemainder += event->angleDelta().y();
    const int steps = m_wheelRemainder / 120;
    m_wheelRemainder -= steps * 120;
    if (steps != 0) {
        m_interactive = true;
        zoomBy(steps, event->position());
    }
    event->accept();
}

void WorldMapWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position();
    m_pressCenter = m_center;
    event->accept();
}

void WorldMapWidget::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_pressed && (event->buttons() & Qt::LeftButton)) {
        if (!m_dragging && (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            m_interactive = true;
            setCenter(m_pressCenter - (pos - m_pressPos) / scale());
        }
        return;
    }
    const int country = m_data.countryAt(toWorld(pos));
    if (country != m_hoverCountry) {
        m_hoverCountry = country;
        update();
    }
    setCursor(clusterAt(pos) || country >= 0 ? Qt::PointingHandCursor : Qt::OpenHandCursor);
}

void WorldMapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_pressed) return QWidget::mouseReleaseEvent(event);
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        setCursor(Qt::OpenHandCursor);
        return;
    }
    const QPointF pos = event->position();
    if (const DisplayCluster* cluster = clusterAt(pos)) {
        emit signInsClicked(membersOf(*cluster));
        return;
    }
    const int country = m_data.countryAt(toWorld(pos));
    if (country >= 0) {
        const WorldMapData::Country& c = m_data.countries().at(country);
        emit countryClicked(c.iso, c.name);
    }
}

void WorldMapWidget::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) return;
    m_interactive = true;
    zoomBy(2, event->position());
}

void WorldMapWidget::keyPressEvent(QKeyEvent* event)
{
    const std::optional<QPointF> anchor =
        underMouse() ? std::optional<QPointF>(mapFromGlobal(QCursor::pos())) : std::nullopt;
    const QPointF panStep(width() / 8.0 / scale(), height() / 8.0 / scale());
    const bool wasInteractive = m_interactive;
    m_interactive = true;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1, anchor);
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomBy(-1, anchor);
        break;
    case Qt::Key_Left:
        setCenter(m_center - QPointF(panStep.x(), 0));
        break;
    case Qt::Key_Right:
        setCenter(m_center + QPointF(panStep.x(), 0));
        break;
    case Qt::Key_Up:
        setCenter(m_center - QPointF(0, panStep.y()));
        break;
    case Qt::Key_Down:
        setCenter(m_center + QPointF(0, panStep.y()));
        break;
    case Qt::Key_Home:
    case Qt::Key_0:
        resetView();
        break;
    default:
        m_interactive = wasInteractive;
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void WorldMapWidget::leaveEvent(QEvent* event)
{
    if (m_hoverCountry >= 0) {
        m_hoverCountry = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

// ---- painting ------------------------------------------------------------------------------------------------

void WorldMapWidget::updateColors()
{
    const QPalette& pal = palette();
    Colors& c = m_colors;
    c.dark = Severity::isDark(pal);
    const QColor window = pal.color(QPalette::Window);
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::WindowText);
    const QColor accent = pal.color(QPalette::Highlight);
    c.outside = window;
    // Land is a step from the window colour towards the text colour and the sea a step from the base colour
    // towards the accent, so both themes get quiet, legible contrast between them and the markers stand out.
    c.ocean = mix(base, accent, c.dark ? 0.12 : 0.09);
    c.land = mix(window, text, c.dark ? 0.17 : 0.13);
    c.border = mix(c.ocean, window, 0.35);
    c.graticule = mix(c.ocean, text, c.dark ? 0.09 : 0.07);
    c.hover = mix(c.land, accent, 0.35);
    c.text = text;
    c.halo = base;
}

void WorldMapWidget::invalidateTiles()
{
    m_tiles.clear();
    m_lastCompleteZoom = -1;
}

void WorldMapWidget::invalidateLook()
{
    updateColors();
    invalidateTiles();
    m_sprites.clear();
    update();
}

quint64 WorldMapWidget::tileKey(int zoom, int column, int row)
{
    return (quint64(zoom) << 48) | (quint64(column + (1 << 23)) << 24) | quint64(row + (1 << 23));
}

const QImage& WorldMapWidget::renderTile(int column, int row)
{
    const double dpr = devicePixelRatioF();
    // Opaque (the space around the globe in the window colour): an opaque tile is copied to the screen, not
    // alpha-blended, which was most of a frame's cost.
    QImage image(kTileSize, kTileSize, QImage::Format_RGB32);
    image.fill(m_colors.outside);
    {
        QPainter p(&image);
        QTransform t;
        t.translate(-double(column) * kTileSize, -double(row) * kTileSize);
        t.scale(scale() * dpr, scale() * dpr);
        p.setTransform(t);
        const QRectF tileWorld = t.inverted().mapRect(QRectF(0, 0, kTileSize, kTileSize));
        p.setRenderHint(QPainter::Antialiasing);
        p.fillPath(m_outline, m_colors.ocean);
        QPen grid(m_colors.graticule, 1.0 * dpr);
        grid.setCosmetic(true);
        p.strokePath(m_graticule, grid);
        std::vector<const WorldMapData::Country*> visible;
        for (const WorldMapData::Country& country : m_data.countries()) {
            if (country.bounds.intersects(tileWorld)) visible.push_back(&country);
        }
        // Land is filled without antialiasing, which is about 2.5 times faster: every edge of it gets an
        // antialiased border stroke next, which covers the fill's stair steps. Fills first, then all borders, so
        // a shared border comes out equally wide on both sides.
        p.setRenderHint(QPainter::Antialiasing, false);
        for (const WorldMapData::Country* country : visible)
            p.fillPath(country->path, m_colors.land);
        p.setRenderHint(QPainter::Antialiasing);
        QPen border(m_colors.border, std::max(1.0, 0.8 * dpr));
        border.setCosmetic(true);
        border.setJoinStyle(Qt::RoundJoin);
        for (const WorldMapData::Country* country : visible)
            p.strokePath(country->path, border);
    }
    image.setDevicePixelRatio(dpr);
    // Bounded cache: a few screens' worth, least recently used out first.
    const qsizetype visibleTiles =
        qsizetype(std::ceil(width() * dpr / kTileSize) + 1) * qsizetype(std::ceil(height() * dpr / kTileSize) + 1);
    const qsizetype limit = std::max<qsizetype>(48, 3 * visibleTiles);
    while (m_tiles.size() >= limit) {
        auto oldest = m_tiles.begin();
        for (auto i = m_tiles.begin(); i != m_tiles.end(); ++i) {
            if (i->lastUse < oldest->lastUse) oldest = i;
        }
        m_tiles.erase(oldest);
    }
    return m_tiles.insert(tileKey(m_zoom, column, row), Tile{std::move(image), ++m_tileClock})->image;
}

void WorldMapWidget::paintTiles(QPainter& painter, const QRect& dirty)
{
    const double dpr = devicePixelRatioF();
    if (dpr != m_tileDpr) {
        m_tileDpr = dpr;
        m_tiles.clear();
        m_sprites.clear();
    }
    const QPointF originDevice = origin() * dpr; // whole device pixels
    // Only tiles that touch the globe; the rest of the widget is the plain window colour.
    const QRectF globe(toWidget(geo::worldBounds().topLeft()), toWidget(geo::worldBounds().bottomRight()));
    const QRectF area = globe.intersected(QRectF(dirty));
    if (area.isEmpty()) return;
    const int c0 = int(std::floor((area.left() * dpr - originDevice.x()) / kTileSize));
    const int c1 = int(std::floor((area.right() * dpr - originDevice.x()) / kTileSize));
    const int r0 = int(std::floor((area.top() * dpr - originDevice.y()) / kTileSize));
    const int r1 = int(std::floor((area.bottom() * dpr - originDevice.y()) / kTileSize));

    // While the analyst zooms or drags, a frame rasterises new tiles for at most a few milliseconds (and at least
    // one); the rest show the previous zoom level's tiles stretched, and the next frames fill them in. Otherwise
    // (first show, programmatic zoom, grab()) every tile is rendered now.
    constexpr qint64 kTileBudgetNs = 5'000'000;
    QElapsedTimer budget;
    budget.start();
    int rendered = 0;
    QRegion missing;
    for (int row = r0; row <= r1; ++row) {
        for (int column = c0; column <= c1; ++column) {
            const QPointF at((column * double(kTileSize) + originDevice.x()) / dpr,
                             (row * double(kTileSize) + originDevice.y()) / dpr);
            const auto it = m_tiles.find(tileKey(m_zoom, column, row));
            if (it != m_tiles.end()) {
                it->lastUse = ++m_tileClock;
                painter.drawImage(at, it->image);
            } else if (!m_interactive || rendered == 0 || budget.nsecsElapsed() < kTileBudgetNs) {
                painter.drawImage(at, renderTile(column, row));
                ++rendered;
            } else {
                const int logical = int(std::ceil(kTileSize / dpr));
                missing += QRect(int(std::floor(at.x())), int(std::floor(at.y())), logical + 1, logical + 1);
            }
        }
    }
    if (missing.isEmpty()) {
        m_interactive = false;
        m_lastCompleteZoom = m_zoom;
        return;
    }
    paintStandInTiles(painter, missing);
    QTimer::singleShot(0, this, qOverload<>(&QWidget::update));
}

void WorldMapWidget::paintStandInTiles(QPainter& painter, const QRegion& missing)
{
    // Cheap on purpose (it runs in the frames that are short of time): plain sea colour, then the last complete
    // level's tiles stretched over it, unsmoothed.
    painter.save();
    painter.setClipRegion(missing);
    for (const QRect& r : missing)
        painter.fillRect(r, m_colors.ocean);
    if (m_lastCompleteZoom >= 0 && m_lastCompleteZoom != m_zoom) {
        const double dpr = devicePixelRatioF();
        const double sourceScale = fitScale() * std::exp2(m_lastCompleteZoom * kZoomStep) * dpr;
        for (auto it = m_tiles.cbegin(); it != m_tiles.cend(); ++it) {
            if (int(it.key() >> 48) != m_lastCompleteZoom) continue;
            const int column = int((it.key() >> 24) & 0xffffff) - (1 << 23);
            const int row = int(it.key() & 0xffffff) - (1 << 23);
            const QRectF world(column * double(kTileSize) / sourceScale, row * double(kTileSize) / sourceScale,
                               kTileSize / sourceScale, kTileSize / sourceScale);
            const QRectF target(toWidget(world.topLeft()), toWidget(world.bottomRight()));
            if (missing.intersects(target.toAlignedRect())) painter.drawImage(target, it->image);
        }
    }
    painter.restore();
}

void WorldMapWidget::paintHover(QPainter& painter)
{
    if (m_hoverCountry < 0 || m_dragging) return;
    const WorldMapData::Country& country = m_data.countries().at(m_hoverCountry);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    QTransform t;
    t.translate(origin().x(), origin().y());
    t.scale(scale(), scale());
    painter.setTransform(t);
    QPen pen(mix(m_colors.hover, m_colors.text, 0.3), 1.2);
    pen.setCosmetic(true);
    painter.setPen(pen);
    painter.setBrush(m_colors.hover);
    painter.drawPath(country.path);
    painter.restore();
}

const QPixmap& WorldMapWidget::markerSprite(SeverityBand band, int radiusHalfPixels, bool cluster)
{
    const quint32 key = (quint32(band) << 24) | (quint32(cluster) << 16) | quint32(radiusHalfPixels);
    auto it = m_sprites.find(key);
    if (it != m_sprites.end()) return *it;
    const double dpr = devicePixelRatioF();
    const qreal radius = radiusHalfPixels / 2.0;
    const qreal extent = 2 * radius + 8; // room for the outline and the band badge
    QPixmap pixmap(QSize(int(std::ceil(extent * dpr)), int(std::ceil(extent * dpr))));
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    {
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const QPointF centre(extent / 2, extent / 2);
        if (!cluster) {
            Severity::paintMarker(&p, centre, 2 * radius, band, palette());
        } else {
            // The disc is the calm neutral colour and the worst band is its rim and badge: a cluster of 600 ordinary
            // sign-ins with one critical among them reads as "mostly normal, one critical", not as a red blob, and
            // a quiet tenant's map stays calm.
            QColor fill = Severity::color(SeverityBand::None, m_colors.dark);
            fill.setAlphaF(0.9f);
            p.setPen(QPen(m_colors.halo, 1.5));
            p.setBrush(fill);
            p.drawEllipse(centre, radius, radius);
            if (band != SeverityBand::None) {
                const qreal rim = band >= SeverityBand::High ? 3.5 : 2.5;
                p.setPen(QPen(Severity::color(band, m_colors.dark), rim));
                p.setBrush(Qt::NoBrush);
                p.drawEllipse(centre, radius - rim / 2, radius - rim / 2);
                // Colour is never the only signal: the band's shape rides on the rim.
                const qreal badge = std::max<qreal>(8, radius * 0.75);
                Severity::paintMarker(&p, centre + QPointF(radius * 0.72, -radius * 0.72), badge, band, palette());
            }
        }
    }
    return *m_sprites.insert(key, pixmap);
}

QString WorldMapWidget::countLabel(int count) const
{
    const QLocale locale;
    if (count < 1000) return locale.toString(count);
    //: Compact thousands on a map cluster, e.g. "1.2k" or "15k".
    if (count < 10000) return tr("%1k").arg(locale.toString(count / 1000.0, 'f', 1));
    return tr("%1k").arg(locale.toString(count / 1000));
}

void WorldMapWidget::paintClusters(QPainter& painter)
{
    const std::vector<DisplayCluster>& display = displayClusters();
    if (display.empty()) return;
    QFont countFont = font();
    countFont.setPointSizeF(countFont.pointSizeF() * 0.82);
    countFont.setBold(true);
    // Counts change with every live batch, so they are drawn as glyph runs: a character-map lookup per label,
    // with no text layout and no cache of one laid-out text per count ever seen (which grew without bound).
    const QRawFont raw = QRawFont::fromFont(countFont);
    const qreal baselineOffset = (raw.ascent() - raw.descent()) / 2;
    painter.setPen(Severity::textOn(SeverityBand::None, m_colors.dark));
    QList<QPointF> positions;
    for (const DisplayCluster& d : display) {
        const bool cluster = d.count > 1;
        const int radiusHalfPixels = int(std::lround(d.radius * 2));
        const QPixmap& sprite = markerSprite(d.worst, radiusHalfPixels, cluster);
        const QSizeF size = sprite.deviceIndependentSize();
        painter.drawPixmap(d.pos - QPointF(size.width() / 2, size.height() / 2), sprite);
        if (!cluster || !raw.isValid()) continue;
        const QList<quint32> glyphs = raw.glyphIndexesForString(countLabel(d.count));
        const QList<QPointF> advances = raw.advancesForGlyphIndexes(glyphs);
        positions.resize(glyphs.size());
        qreal x = 0;
        for (qsizetype i = 0; i < glyphs.size(); ++i) {
            positions[i] = QPointF(x, 0);
            x += advances.at(i).x();
        }
        QGlyphRun run;
        run.setRawFont(raw);
        run.setGlyphIndexes(glyphs);
        run.setPositions(positions);
        painter.drawGlyphRun(QPointF(d.pos.x() - x / 2, d.pos.y() + baselineOffset), run);
    }
}

QString WorldMapWidget::arcLabel(const MapArc& arc) const
{
    return tr("%1 km/h").arg(QLocale().toString(qRound(arc.speedKmh)));
}

std::vector<qsizetype> WorldMapWidget::arcPaintOrder() const
{
    // Dimmed arcs first and the selected alert's arcs last, so those are on top.
    std::vector<qsizetype> order(std::size_t(m_arcs.size()));
    for (qsizetype i = 0; i < m_arcs.size(); ++i)
        order[std::size_t(i)] = i;
    std::stable_sort(order.begin(), order.end(),
                     [this](qsizetype a, qsizetype b) { return arcEmphasised(a) < arcEmphasised(b); });
    return order;
}

bool WorldMapWidget::arcEmphasised(qsizetype index) const
{
    return !m_highlight.user.isEmpty() && m_arcs.at(index).user == m_highlight.user;
}

QColor WorldMapWidget::arcColor(qsizetype index) const
{
    const MapArc& arc = m_arcs.at(index);
    QColor color = Severity::color(
        arc.risk > 0 ? Severity::forRisk(arc.risk, m_index.thresholds()) : SeverityBand::None, m_colors.dark);
    if (!m_highlight.user.isEmpty() && !arcEmphasised(index)) color.setAlphaF(0.35f);
    return color;
}

void WorldMapWidget::paintArcLines(QPainter& painter)
{
    if (m_arcs.isEmpty()) return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF bounds = rect();
    for (const qsizetype i : arcPaintOrder()) {
        const bool strong = arcEmphasised(i);
        const bool dim = !m_highlight.user.isEmpty() && !strong;
        const QColor color = arcColor(i);
        const qreal width = strong ? 3.5 : 2.0;
        QColor halo = m_colors.halo;
        halo.setAlphaF(dim ? 0.3f : 0.85f);
        const QList<QPolygonF> segments = arcSegments(i);
        double length = 0;
        for (const QPolygonF& segment : segments) {
            for (qsizetype k = 1; k < segment.size(); ++k)
                length += QLineF(segment.at(k - 1), segment.at(k)).length();
            if (!segment.boundingRect().intersects(bounds)) continue;
            painter.setPen(QPen(halo, width + 2.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter.drawPolyline(segment);
            painter.setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter.drawPolyline(segment);
        }
        // Direction: an arrowhead two thirds of the way along, where neither the end markers nor the speed label
        // (at the middle) cover it.
        double remaining = length * 0.66;
        for (const QPolygonF& segment : segments) {
            for (qsizetype k = 1; k < segment.size() && remaining >= 0; ++k) {
                const QLineF step(segment.at(k - 1), segment.at(k));
                if (remaining > step.length() || step.length() < 1e-6) {
                    remaining -= step.length();
                    continue;
                }
                const QPointF tip = step.pointAt(remaining / step.length());
                const QPointF u = (step.p2() - step.p1()) / step.length();
                const QPointF n(-u.y(), u.x());
                const qreal size = strong ? 12 : 9;
                QPolygonF head;
                head << tip + u * size * 0.5 << tip - u * size * 0.5 + n * size * 0.5
                     << tip - u * size * 0.5 - n * size * 0.5;
                painter.setPen(QPen(halo, 1.2));
                painter.setBrush(color);
                painter.drawPolygon(head);
                remaining = -1;
            }
        }
        painter.setBrush(m_colors.halo);
        painter.setPen(QPen(color, strong ? 2.0 : 1.5));
        painter.drawEllipse(segments.first().first(), 3.5, 3.5);
        painter.drawEllipse(segments.last().last(), 3.5, 3.5);
    }
    painter.restore();
}

void WorldMapWidget::paintArcLabels(QPainter& painter)
{
    m_arcLabelRects.clear();
    m_labelRects.clear();
    if (m_arcs.isEmpty()) return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const std::vector<qsizetype> order = arcPaintOrder();
    const QRectF bounds = rect();
    // Labels after the markers, most important first; one that would overlap an earlier label is left out until
    // zooming in makes room for it.
    QFont labelFont = font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.85);
    labelFont.setBold(true);
    painter.setFont(labelFont);
    const QFontMetricsF metrics(labelFont);
    QList<QRectF> taken;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const qsizetype i = *it;
        const MapArc& arc = m_arcs.at(i);
        const bool strong = arcEmphasised(i);
        const bool dim = !m_highlight.user.isEmpty() && !strong;
        const QString label = arcLabel(arc);
        QRectF box = metrics.boundingRect(label).adjusted(-5, -2, 5, 2);
        const QRectF inner = bounds.adjusted(box.width() / 2, box.height() * 1.5, -box.width() / 2, -box.height() / 2);
        QPointF anchor = toWidget(m_arcGeometry.at(i).labelWorld);
        if (!inner.contains(anchor)) {
            // Zoomed in on one end, the middle of the arc is off screen: label the middle of the part in view.
            QList<QPointF> inView;
            for (const QPolygonF& segment : arcSegments(i)) {
                for (const QPointF& p : segment) {
                    if (inner.contains(p)) inView << p;
                }
            }
            if (inView.isEmpty()) continue;
            anchor = inView.at(inView.size() / 2);
        }
        box.moveCenter(anchor - QPointF(0, box.height() * 0.9));
        if (!bounds.contains(box)) continue;
        if (std::any_of(taken.cbegin(), taken.cend(), [&](const QRectF& r) { return r.intersects(box); })) continue;
        taken << box;
        m_arcLabelRects.append({box, i});
        const QColor color = arcColor(i);
        QColor fill = m_colors.halo;
        fill.setAlphaF(dim ? 0.6f : 0.92f);
        QColor ink = m_colors.text;
        if (dim) ink.setAlphaF(0.55f);
        painter.setPen(QPen(color, strong ? 2.0 : 1.2));
        painter.setBrush(fill);
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(ink);
        painter.drawText(box, Qt::AlignCenter, label);

        // The selected alert's arcs also name their ends.
        if (strong) {
            const QPolygonF& first = m_arcGeometry.at(i).world.first();
            const QPolygonF& last = m_arcGeometry.at(i).world.last();
            const std::array<QPair<QPointF, QString>, 2> ends{
                {{toWidget(first.first()), arc.fromLabel}, {toWidget(last.last()), arc.toLabel}}};
            for (const auto& [point, name] : ends) {
                if (name.isEmpty()) continue;
                // Below the end, clear of the marker there and of the highlight ring around it.
                const DisplayCluster* under = clusterAt(point);
                const qreal clearance = std::max<qreal>(16, under ? under->radius + 5 + 4 : 0);
                QRectF endBox = metrics.boundingRect(name).adjusted(-4, -1, 4, 1);
                endBox.moveCenter(point + QPointF(0, clearance + endBox.height() / 2));
                if (endBox.right() > bounds.right()) endBox.moveRight(bounds.right() - 2);
                if (endBox.left() < bounds.left()) endBox.moveLeft(bounds.left() + 2);
                if (std::any_of(taken.cbegin(), taken.cend(), [&](const QRectF& r) { return r.intersects(endBox); }))
                    continue;
                taken << endBox;
                painter.setPen(Qt::NoPen);
                painter.setBrush(fill);
                painter.drawRoundedRect(endBox, 3, 3);
                painter.setPen(m_colors.text);
                painter.drawText(endBox, Qt::AlignCenter, name);
            }
        }
    }
    m_labelRects = taken;
    painter.restore();
}

void WorldMapWidget::paintHighlight(QPainter& painter)
{
    if (m_highlightPlaces.isEmpty()) return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette().color(QPalette::Highlight);
    QColor halo = m_colors.halo;
    halo.setAlphaF(0.9f);
    QFont labelFont = font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.85);
    painter.setFont(labelFont);
    const QFontMetricsF metrics(labelFont);
    // Labels the arcs already placed (an arc's end names the same place) are not repeated.
    QList<QRectF> taken = m_labelRects;
    for (const MapPlace& place : m_highlightPlaces) {
        const QPointF p = mapFromGeo(place.lat, place.lon);
        if (!rect().adjusted(-40, -40, 40, 40).contains(p.toPoint())) continue;
        // Around the marker there, not inside it.
        const DisplayCluster* under = clusterAt(p);
        const qreal radius = std::max<qreal>(12, under ? under->radius + 5 : 0);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(halo, 6));
        painter.drawEllipse(p, radius, radius);
        painter.setPen(QPen(accent, 2.5));
        painter.drawEllipse(p, radius, radius);
        if (place.label.isEmpty()) continue;
        QRectF box = metrics.boundingRect(place.label).adjusted(-4, -1, 4, 1);
        box.moveCenter(p + QPointF(0, radius + 4 + box.height() / 2));
        if (std::any_of(taken.cbegin(), taken.cend(), [&](const QRectF& r) { return r.intersects(box); })) continue;
        taken << box;
        painter.setPen(Qt::NoPen);
        painter.setBrush(halo);
        painter.drawRoundedRect(box, 3, 3);
        painter.setPen(m_colors.text);
        painter.drawText(box, Qt::AlignCenter, place.label);
    }
    painter.restore();
}

void WorldMapWidget::paintOverlays(QPainter& painter)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    painter.setFont(small);
    const QFontMetricsF metrics(small);
    QColor panel = m_colors.halo;
    panel.setAlphaF(0.82f);
    constexpr qreal kMargin = 6;

    // Legend: the severity language with its shapes and words, so the map reads without colour vision.
    static constexpr std::array<SeverityBand, kSeverityBandCount> bands{
        SeverityBand::Critical, SeverityBand::High, SeverityBand::Medium, SeverityBand::Low, SeverityBand::None};
    const qreal markerBox = 12;
    qreal legendWidth = 6;
    for (const SeverityBand band : bands)
        legendWidth += markerBox + 3 + metrics.horizontalAdvance(Severity::name(band)) + 9;
    const qreal rowHeight = std::max(markerBox, metrics.height()) + 6;
    const QRectF legend(kMargin, height() - kMargin - rowHeight, legendWidth, rowHeight);
    if (legend.right() < width() * 0.65) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(panel);
        painter.drawRoundedRect(legend, 4, 4);
        qreal x = legend.left() + 6;
        for (const SeverityBand band : bands) {
            Severity::paintMarker(&painter, QPointF(x + markerBox / 2, legend.center().y()), markerSize(band), band,
                                  palette());
            x += markerBox + 3;
            const QString name = Severity::name(band);
            painter.setPen(m_colors.text);
            painter.drawText(QRectF(x, legend.top(), metrics.horizontalAdvance(name) + 1, legend.height()),
                             Qt::AlignVCenter | Qt::AlignLeft, name);
            x += metrics.horizontalAdvance(name) + 9;
        }
    }

    // Attribution, required by the data's licence and good manners.
    const QString credit = tr("Map data: Natural Earth; world-atlas, ISC");
    QRectF creditBox(0, 0, metrics.horizontalAdvance(credit) + 8, metrics.height() + 2);
    creditBox.moveBottomRight(QPointF(width() - kMargin, height() - kMargin));
    painter.setPen(Qt::NoPen);
    painter.setBrush(panel);
    painter.drawRoundedRect(creditBox, 3, 3);
    QColor muted = m_colors.text;
    muted.setAlphaF(0.75f);
    painter.setPen(muted);
    painter.drawText(creditBox, Qt::AlignCenter, credit);

    if (m_index.size() == 0 && m_arcs.isEmpty()) {
        const QString quiet = tr("No sign-ins to show yet");
        QRectF box(0, 0, metrics.horizontalAdvance(quiet) + 12, metrics.height() + 6);
        box.moveTopLeft(QPointF(kMargin, kMargin));
        painter.setPen(Qt::NoPen);
        painter.setBrush(panel);
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(muted);
        painter.drawText(box, Qt::AlignCenter, quiet);
    }

    // Keyboard focus is always visible.
    if (hasFocus()) {
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.drawRect(QRectF(rect()).adjusted(1, 1, -1, -1));
    }
    painter.restore();
}

void WorldMapWidget::prepareNeighbourLevels()
{
    // Building a cluster level for 100,000 sign-ins takes a few milliseconds; do it for the levels one wheel
    // notch away while the analyst looks, not in the frame after the notch.
    m_prefetchQueued = false;
    for (const int zoom : {m_zoom + 1, m_zoom - 1}) {
        if (zoom < 0 || zoom > kMaxZoomLevel) continue;
        const int level = SignInIndex::levelFor(fitScale() * std::exp2(zoom * kZoomStep), kCellPixels);
        if (!m_index.hasLevel(level)) {
            m_index.prepareLevel(level);
            break; // one per event-loop pass, so input stays responsive
        }
    }
    for (const int zoom : {m_zoom + 1, m_zoom - 1}) {
        if (zoom < 0 || zoom > kMaxZoomLevel) continue;
        if (!m_index.hasLevel(SignInIndex::levelFor(fitScale() * std::exp2(zoom * kZoomStep), kCellPixels))) {
            m_prefetchQueued = true;
            QTimer::singleShot(0, this, &WorldMapWidget::prepareNeighbourLevels);
            return;
        }
    }
}

void WorldMapWidget::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    painter.fillRect(event->rect(), m_colors.outside);
    paintTiles(painter, event->rect());
    paintHover(painter);
    paintArcLines(painter);
    paintClusters(painter);
    paintArcLabels(painter);
    paintHighlight(painter);
    paintOverlays(painter);
    if (!m_prefetchQueued && m_index.size() > 0) {
        m_prefetchQueued = true;
        QTimer::singleShot(0, this, &WorldMapWidget::prepareNeighbourLevels);
    }
}

} // namespace vigil::ui

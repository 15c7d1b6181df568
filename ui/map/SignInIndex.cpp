// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/SignInIndex.h"

#include "ui/map/GeoProjection.h"

#include <algorithm>
#include <cmath>

namespace vigil::ui {

namespace {

// Level 0 has cells of half a world unit (about 11 across the map); every level is 2^(1/4) finer, matching the
// widget's zoom steps, so one wheel notch moves one level.
constexpr double kLevelZeroCell = 0.5;
constexpr int kMaxCachedLevels = 8;

int cellCoordinate(double v, double cell)
{
    return int(std::floor(v / cell));
}

quint64 packKey(int cx, int cy)
{
    return (quint64(quint32(cx)) << 32) | quint32(cy);
}

SeverityBand worstOf(const std::array<int, kSeverityBandCount>& perBand)
{
    for (int b = kSeverityBandCount - 1; b > 0; --b) {
        if (perBand[std::size_t(b)] > 0) return SeverityBand(b);
    }
    return SeverityBand::None;
}

// Newest first: what the analyst most likely clicked for.
void newestFirst(QList<const SignInIndex::Entry*>& entries)
{
    std::stable_sort(entries.begin(), entries.end(), [](const SignInIndex::Entry* a, const SignInIndex::Entry* b) {
        return a->signIn.atMs > b->signIn.atMs;
    });
}

} // namespace

SignInIndex::SignInIndex(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity))
    , m_gridBounds(geo::worldBounds())
    , m_grid(std::size_t(kGridColumns) * kGridRows)
{
}

double SignInIndex::cellSize(int level)
{
    return kLevelZeroCell * std::exp2(-level / 4.0);
}

int SignInIndex::levelFor(double pixelsPerWorldUnit, double cellPixels)
{
    const double level = 4 * std::log2(kLevelZeroCell * pixelsPerWorldUnit / cellPixels);
    return std::clamp(int(std::lround(level)), 0, kMaxLevel);
}

quint64 SignInIndex::keyFor(QPointF world, double cell)
{
    return packKey(cellCoordinate(world.x(), cell), cellCoordinate(world.y(), cell));
}

int SignInIndex::gridIndex(QPointF world) const
{
    const int column =
        std::clamp(int((world.x() - m_gridBounds.left()) / m_gridBounds.width() * kGridColumns), 0, kGridColumns - 1);
    const int row =
        std::clamp(int((world.y() - m_gridBounds.top()) / m_gridBounds.height() * kGridRows), 0, kGridRows - 1);
    return row * kGridColumns + column;
}

void SignInIndex::clear()
{
    m_slots.clear();
    m_slots.shrink_to_fit();
    for (GridCell& cell : m_grid)
        cell = {};
    m_levels.clear();
    m_first = 0;
    m_count = 0;
    ++m_generation;
}

void SignInIndex::rebuild(QList<MapSignIn> keep)
{
    clear();
    append(keep);
}

void SignInIndex::setCapacity(qsizetype capacity)
{
    capacity = std::max<qsizetype>(1, capacity);
    if (capacity == m_capacity) return;
    // Slots are addressed modulo the capacity, so a new capacity re-lays everything out (rare: a settings change).
    QList<MapSignIn> keep;
    const qsizetype from = std::max<qsizetype>(0, m_count - capacity);
    keep.reserve(m_count - from);
    for (qsizetype i = from; i < m_count; ++i)
        keep << at(i).signIn;
    m_capacity = capacity;
    rebuild(std::move(keep));
}

void SignInIndex::setThresholds(const SeverityThresholds& thresholds)
{
    m_thresholds = thresholds;
    for (Entry& e : m_slots)
        e.band = Severity::forRisk(e.signIn.risk, m_thresholds);
    m_levels.clear(); // per-band counts changed; levels rebuild lazily
    ++m_generation;
}

void SignInIndex::addToLevel(Level& level, const Entry& e) const
{
    Aggregate& a = level.cells[keyFor(e.world, level.cell)];
    a.sumX += e.world.x();
    a.sumY += e.world.y();
    ++a.count;
    ++a.perBand[std::size_t(e.band)];
}

void SignInIndex::evictOldest()
{
    const qsizetype slot = slotOf(m_first);
    Entry& e = m_slots[std::size_t(slot)];
    GridCell& cell = m_grid[std::size_t(gridIndex(e.world))];
    Q_ASSERT(cell.head < cell.indices.size() && cell.indices[cell.head] == quint32(slot));
    ++cell.head;
    // Compact once the dead prefix dominates, so a hot cell does not grow without bound.
    if (cell.head >= 64 && cell.head * 2 >= cell.indices.size()) {
        cell.indices.erase(cell.indices.begin(), cell.indices.begin() + cell.head);
        cell.head = 0;
    }
    for (auto& [index, level] : m_levels) {
        const auto it = level.cells.find(keyFor(e.world, level.cell));
        Q_ASSERT(it != level.cells.end());
        if (--it->count == 0) {
            level.cells.erase(it);
            continue;
        }
        it->sumX -= e.world.x();
        it->sumY -= e.world.y();
        --it->perBand[std::size_t(e.band)];
    }
    e = Entry();
    ++m_first;
    --m_count;
}

void SignInIndex::append(const QList<MapSignIn>& signIns)
{
    if (signIns.isEmpty()) return;
    // Only the newest `capacity` of a huge batch can survive; skip the rest instead of adding and evicting them.
    const qsizetype skip = std::max<qsizetype>(0, signIns.size() - m_capacity);
    if (m_slots.size() < std::size_t(m_capacity))
        m_slots.resize(std::size_t(std::min<qsizetype>(m_capacity, m_count + signIns.size() - skip)));
    for (qsizetype i = skip; i < signIns.size(); ++i) {
        if (m_count == m_capacity) evictOldest();
        const quint64 sequence = m_first + quint64(m_count);
        const qsizetype slot = slotOf(sequence);
        if (std::size_t(slot) >= m_slots.size()) m_slots.resize(std::size_t(slot) + 1);
        Entry& e = m_slots[std::size_t(slot)];
        e.signIn = signIns.at(i);
        e.world = geo::project(e.signIn.lat, e.signIn.lon);
        e.band = Severity::forRisk(e.signIn.risk, m_thresholds);
        m_grid[std::size_t(gridIndex(e.world))].indices.push_back(quint32(slot));
        for (auto& [index, level] : m_levels)
            addToLevel(level, e);
        ++m_count;
    }
    ++m_generation;
}

SignInIndex::Level& SignInIndex::level(int index)
{
    auto it = m_levels.find(index);
    if (it == m_levels.end()) {
        if (int(m_levels.size()) >= kMaxCachedLevels) {
            const auto lru = std::min_element(m_levels.begin(), m_levels.end(), [](const auto& a, const auto& b) {
                return a.second.lastUse < b.second.lastUse;
            });
            m_levels.erase(lru);
        }
        Level fresh;
        fresh.cell = cellSize(index);
        fresh.cells.reserve(std::min<qsizetype>(m_count, 1 << 16));
        for (qsizetype i = 0; i < m_count; ++i)
            addToLevel(fresh, at(i));
        it = m_levels.emplace(index, std::move(fresh)).first;
    }
    it->second.lastUse = ++m_useClock;
    return it->second;
}

QList<SignInIndex::Cluster> SignInIndex::clusters(int levelIndex, const QRectF& world)
{
    const Level& lv = level(std::clamp(levelIndex, 0, kMaxLevel));
    const int x0 = cellCoordinate(world.left(), lv.cell);
    const int x1 = cellCoordinate(world.right(), lv.cell);
    const int y0 = cellCoordinate(world.top(), lv.cell);
    const int y1 = cellCoordinate(world.bottom(), lv.cell);
    QList<Cluster> out;
    const auto add = [&out](quint64 key, const Aggregate& a) {
        out.append({key, QPointF(a.sumX / a.count, a.sumY / a.count), a.count, worstOf(a.perBand)});
    };
    const double cellsInView = (double(x1) - x0 + 1) * (double(y1) - y0 + 1);
    if (cellsInView > double(lv.cells.size())) {
        // Fewer occupied cells than cells in view (zoomed out, or sparse data): walk the occupied ones.
        for (auto it = lv.cells.cbegin(); it != lv.cells.cend(); ++it) {
            const int cx = int(qint32(quint32(it.key() >> 32)));
            const int cy = int(qint32(quint32(it.key())));
            if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1) add(it.key(), it.value());
        }
    } else {
        for (int cy = y0; cy <= y1; ++cy) {
            for (int cx = x0; cx <= x1; ++cx) {
                const auto it = lv.cells.constFind(packKey(cx, cy));
                if (it != lv.cells.cend()) add(it.key(), it.value());
            }
        }
    }
    return out;
}

QList<const SignInIndex::Entry*> SignInIndex::members(int levelIndex, quint64 key) const
{
    const double cell = cellSize(std::clamp(levelIndex, 0, kMaxLevel));
    const int cx = int(qint32(quint32(key >> 32)));
    const int cy = int(qint32(quint32(key)));
    const QRectF rect(cx * cell, cy * cell, cell, cell);
    QList<const Entry*> out;
    const int firstColumn = gridIndex(rect.topLeft()) % kGridColumns;
    const int lastColumn = gridIndex(rect.bottomRight()) % kGridColumns;
    const int firstRow = gridIndex(rect.topLeft()) / kGridColumns;
    const int lastRow = gridIndex(rect.bottomRight()) / kGridColumns;
    for (int row = firstRow; row <= lastRow; ++row) {
        for (int column = firstColumn; column <= lastColumn; ++column) {
            const GridCell& g = m_grid[std::size_t(row) * kGridColumns + std::size_t(column)];
            for (std::size_t i = g.head; i < g.indices.size(); ++i) {
                const Entry& e = m_slots[g.indices[i]];
                if (keyFor(e.world, cell) == key) out << &e;
            }
        }
    }
    newestFirst(out);
    return out;
}

QList<const SignInIndex::Entry*> SignInIndex::near(QPointF world, double radius) const
{
    const QRectF rect(world.x() - radius, world.y() - radius, 2 * radius, 2 * radius);
    const int firstColumn = gridIndex(rect.topLeft()) % kGridColumns;
    const int lastColumn = gridIndex(rect.bottomRight()) % kGridColumns;
    const int firstRow = gridIndex(rect.topLeft()) / kGridColumns;
    const int lastRow = gridIndex(rect.bottomRight()) / kGridColumns;
    QList<const Entry*> out;
    for (int row = firstRow; row <= lastRow; ++row) {
        for (int column = firstColumn; column <= lastColumn; ++column) {
            const GridCell& g = m_grid[std::size_t(row) * kGridColumns + std::size_t(column)];
            for (std::size_t i = g.head; i < g.indices.size(); ++i) {
                const Entry& e = m_slots[g.indices[i]];
                const QPointF d = e.world - world;
                if (d.x() * d.x() + d.y() * d.y() <= radius * radius) out << &e;
            }
        }
    }
    newestFirst(out);
    return out;
}

QList<const SignInIndex::Entry*> SignInIndex::ofUser(const QString& user) const
{
    QList<const Entry*> out;
    if (user.isEmpty()) return out;
    for (qsizetype i = 0; i < m_count; ++i) {
        const Entry& e = at(i);
        if (e.signIn.user == user) out << &e;
    }
    newestFirst(out);
    return out;
}

} // namespace vigil::ui

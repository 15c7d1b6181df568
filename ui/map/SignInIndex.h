// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/Severity.h"
#include "ui/map/MapTypes.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QRectF>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

namespace vigil::ui {

// The map's sign-ins: a bounded FIFO (the oldest goes when a new one arrives at capacity), a fixed spatial grid for
// "what is under the cursor", and grid clusters per zoom level that are kept up to date incrementally.
//
// Clustering is screen-space grid clustering done in world units: level L has square cells of cellSize(L); the
// widget picks the level whose cells are about 40 px at its scale. Cells are anchored at the world origin, not at
// the view, so panning never re-clusters, and each level's aggregates (count, position sum, count per band) are
// updated on every append and eviction instead of being rebuilt.
class SignInIndex
{
public:
    struct Entry
    {
        MapSignIn signIn;
        QPointF world;
        SeverityBand band = SeverityBand::None;
    };

    struct Cluster
    {
        quint64 key = 0; // the cell at its level
        QPointF world;   // mean position of its sign-ins
        int count = 0;
        SeverityBand worst = SeverityBand::None;
    };

    explicit SignInIndex(qsizetype capacity = 100'000);

    qsizetype capacity() const { return m_capacity; }
    // Keeps the newest min(size, capacity) sign-ins.
    void setCapacity(qsizetype capacity);
    qsizetype size() const { return m_count; }
    void clear();

    void setThresholds(const SeverityThresholds& thresholds);
    const SeverityThresholds& thresholds() const { return m_thresholds; }

    // Appends in the given order (oldest first), evicting the oldest entries beyond capacity.
    void append(const QList<MapSignIn>& signIns);
    // 0 is the oldest entry.
    const Entry& at(qsizetype age) const { return m_slots[slotOf(m_first + quint64(age))]; }

    // Changes whenever the contents do, so views can cache what they derived.
    quint64 generation() const { return m_generation; }

    static double cellSize(int level);
    // The level whose cells are closest to `cellPixels` at `pixelsPerWorldUnit`.
    static int levelFor(double pixelsPerWorldUnit, double cellPixels);
    static constexpr int kMaxLevel = 60;

    // Clusters with a cell overlapping `world` (grows the level's aggregates on first use).
    QList<Cluster> clusters(int level, const QRectF& world);
    // The sign-ins of one cluster cell, newest first.
    QList<const Entry*> members(int level, quint64 key) const;
    // Sign-ins within `radius` world units of `world`, newest first.
    QList<const Entry*> near(QPointF world, double radius) const;
    // Every sign-in of `user`, newest first.
    QList<const Entry*> ofUser(const QString& user) const;

    // Builds a level's aggregates ahead of use (a few ms for 100,000 sign-ins).
    void prepareLevel(int level) { this->level(std::clamp(level, 0, kMaxLevel)); }
    bool hasLevel(int level) const { return m_levels.count(level) > 0; }
    // Number of levels whose aggregates are held; bounded, least recently used go first.
    int cachedLevels() const { return int(m_levels.size()); }

private:
    struct Aggregate
    {
        double sumX = 0;
        double sumY = 0;
        int count = 0;
        std::array<int, kSeverityBandCount> perBand{};
    };
    struct Level
    {
        double cell = 0;
        QHash<quint64, Aggregate> cells;
        quint64 lastUse = 0;
    };
    // A grid cell's entries in arrival order; the oldest leaves from the front (FIFO), so eviction is O(1).
    struct GridCell
    {
        std::vector<quint32> indices;
        quint32 head = 0;
    };

    qsizetype slotOf(quint64 sequence) const { return qsizetype(sequence % quint64(m_capacity)); }
    static quint64 keyFor(QPointF world, double cell);
    int gridIndex(QPointF world) const;
    void evictOldest();
    void addToLevel(Level& level, const Entry& e) const;
    Level& level(int index);
    void rebuild(QList<MapSignIn> keep);

    qsizetype m_capacity;
    std::vector<Entry> m_slots;
    quint64 m_first = 0; // sequence number of the oldest entry
    qsizetype m_count = 0;
    quint64 m_generation = 0;
    quint64 m_useClock = 0;
    SeverityThresholds m_thresholds;

    static constexpr int kGridColumns = 256;
    static constexpr int kGridRows = 128;
    QRectF m_gridBounds;
    std::vector<GridCell> m_grid;
    std::map<int, Level> m_levels;
};

} // namespace vigil::ui

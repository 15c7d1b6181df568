// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/WorldMapData.h"

#include "ui/map/GeoProjection.h"

#include <QFile>
#include <QLoggingCategory>

#include <cstring>

// A resource compiled into a static library is only registered if something references its initialiser; the
// macro must be used outside any namespace.
static void initMapResource()
{
    Q_INIT_RESOURCE(vigil_map);
}

namespace vigil::ui {

Q_LOGGING_CATEGORY(lcMapData, "vigil.ui.map")

namespace {

// Bounds-checked little-endian reader for the VGM1 format (see resources/map/README.md).
class Reader
{
public:
    explicit Reader(const QByteArray& bytes)
        : m_data(reinterpret_cast<const uchar*>(bytes.constData()))
        , m_size(bytes.size())
    {
    }

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_pos == m_size; }

    quint8 u8()
    {
        if (!need(1)) return 0;
        return m_data[m_pos++];
    }
    quint16 u16()
    {
        const quint16 lo = u8();
        return quint16(lo | (u8() << 8));
    }
    double f64()
    {
        if (!need(8)) return 0;
        quint64 bits = 0;
        for (int i = 0; i < 8; ++i)
            bits |= quint64(m_data[m_pos + i]) << (8 * i);
        m_pos += 8;
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    quint64 varint()
    {
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const quint8 byte = u8();
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80) || !m_ok) return value;
        }
        m_ok = false;
        return 0;
    }
    qint64 zigzag()
    {
        const quint64 v = varint();
        return qint64(v >> 1) ^ -qint64(v & 1);
    }
    QString text()
    {
        const int n = u8();
        if (!need(n)) return {};
        const QString s = QString::fromUtf8(reinterpret_cast<const char*>(m_data + m_pos), n);
        m_pos += n;
        return s;
    }

private:
    bool need(qsizetype n)
    {
        if (m_pos + n > m_size) m_ok = false;
        return m_ok;
    }

    const uchar* m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
    bool m_ok = true;
};

} // namespace

WorldMapData WorldMapData::fromBytes(const QByteArray& bytes, QString* error)
{
    const auto failed = [error](const QString& why) {
        if (error) *error = why;
        return WorldMapData();
    };
    Reader in(bytes);
    if (!bytes.startsWith("VGM1")) return failed(QStringLiteral("not a VGM1 file"));
    for (int i = 0; i < 4; ++i)
        in.u8();
    const int count = in.u16();
    const double scaleLon = in.f64();
    const double scaleLat = in.f64();
    const double translateLon = in.f64();
    const double translateLat = in.f64();

    WorldMapData data;
    data.m_countries.reserve(count);
    for (int c = 0; c < count && in.ok(); ++c) {
        Country country;
        const char iso[2] = {char(in.u8()), char(in.u8())};
        country.iso = QString::fromLatin1(iso, 2);
        country.name = in.text();
        const int aliases = in.u8();
        for (int a = 0; a < aliases; ++a)
            country.aliases << in.text();
        country.path.setFillRule(Qt::OddEvenFill);
        const int rings = in.u16();
        for (int r = 0; r < rings && in.ok(); ++r) {
            const quint64 points = in.varint();
            // A corrupt count must not allocate gigabytes: each point takes at least two bytes.
            if (points > quint64(bytes.size())) return failed(QStringLiteral("corrupt ring in %1").arg(country.iso));
            QPolygonF ring;
            ring.reserve(qsizetype(points));
            qint64 x = 0;
            qint64 y = 0;
            for (quint64 p = 0; p < points; ++p) {
                x += in.zigzag();
                y += in.zigzag();
                ring << geo::project(double(y) * scaleLat + translateLat, double(x) * scaleLon + translateLon);
            }
            data.m_pointCount += ring.size();
            country.path.addPolygon(ring);
            country.path.closeSubpath();
        }
        country.bounds = country.path.boundingRect();
        data.m_countries << country;
    }
    if (!in.ok()) return failed(QStringLiteral("truncated after %1 countries").arg(data.m_countries.size()));
    if (!in.atEnd()) return failed(QStringLiteral("trailing bytes"));

    for (int i = 0; i < data.m_countries.size(); ++i) {
        const Country& country = data.m_countries.at(i);
        data.m_byName.insert(country.iso.toLower(), i);
        data.m_byName.insert(country.name.toLower(), i);
        for (const QString& alias : country.aliases)
            data.m_byName.insert(alias.toLower(), i);
    }
    return data;
}

const WorldMapData& WorldMapData::instance()
{
    static const WorldMapData data = [] {
        initMapResource();
        QFile file(QStringLiteral(":/vigil/map/countries-110m.vgm"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcMapData) << "world map data missing:" << file.errorString();
            return WorldMapData();
        }
        QString error;
        WorldMapData loaded = fromBytes(file.readAll(), &error);
        if (loaded.isEmpty()) qCWarning(lcMapData) << "world map data unreadable:" << error;
        return loaded;
    }();
    return data;
}

int WorldMapData::countryAt(QPointF world) const
{
    for (int i = 0; i < m_countries.size(); ++i) {
        const Country& country = m_countries.at(i);
        if (country.bounds.contains(world) && country.path.contains(world)) return i;
    }
    return -1;
}

int WorldMapData::indexOf(const QString& isoOrName) const
{
    return m_byName.value(isoOrName.trimmed().toLower(), -1);
}

} // namespace vigil::ui

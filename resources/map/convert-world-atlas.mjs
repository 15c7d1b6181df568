#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Converts world-atlas 2.0.2's countries-110m.json (TopoJSON, Natural Earth 1:110m, ISC) into the compact
// binary Vigil's world map loads (countries-110m.vgm). See README.md here for the format and how to regenerate.
//
//   node convert-world-atlas.mjs path/to/world-atlas/countries-110m.json countries-110m.vgm
//
// Why a converter and not TopoJSON at run time: the app would need a JSON walk, arc stitching and a numeric→alpha-2
// table on every start; the derived file is a third of the size and loads with a few varint reads.
import { readFileSync, writeFileSync } from 'node:fs';

// ISO 3166-1 numeric id (world-atlas feature id) → alpha-2, the English name geolocation services (and so Okta)
// report, then other spellings (the first alias is Natural Earth's own label where it differs).
const COUNTRIES = [
    ['004', 'AF', 'Afghanistan'],
    ['008', 'AL', 'Albania'],
    ['010', 'AQ', 'Antarctica'],
    ['012', 'DZ', 'Algeria'],
    ['024', 'AO', 'Angola'],
    ['031', 'AZ', 'Azerbaijan'],
    ['032', 'AR', 'Argentina'],
    ['036', 'AU', 'Australia'],
    ['040', 'AT', 'Austria'],
    ['044', 'BS', 'Bahamas', 'The Bahamas'],
    ['050', 'BD', 'Bangladesh'],
    ['051', 'AM', 'Armenia'],
    ['056', 'BE', 'Belgium'],
    ['064', 'BT', 'Bhutan'],
    ['068', 'BO', 'Bolivia', 'Bolivia, Plurinational State of'],
    ['070', 'BA', 'Bosnia and Herzegovina', 'Bosnia and Herz.'],
    ['072', 'BW', 'Botswana'],
    ['076', 'BR', 'Brazil'],
    ['084', 'BZ', 'Belize'],
    ['090', 'SB', 'Solomon Islands', 'Solomon Is.'],
    ['096', 'BN', 'Brunei', 'Brunei Darussalam'],
    ['100', 'BG', 'Bulgaria'],
    ['104', 'MM', 'Myanmar', 'Burma'],
    ['108', 'BI', 'Burundi'],
    ['112', 'BY', 'Belarus'],
    ['116', 'KH', 'Cambodia'],
    ['120', 'CM', 'Cameroon'],
    ['124', 'CA', 'Canada'],
    ['140', 'CF', 'Central African Republic', 'Central African Rep.'],
    ['144', 'LK', 'Sri Lanka'],
    ['148', 'TD', 'Chad'],
    ['152', 'CL', 'Chile'],
    ['156', 'CN', 'China'],
    ['158', 'TW', 'Taiwan'],
    ['170', 'CO', 'Colombia'],
    ['178', 'CG', 'Congo Republic', 'Congo', 'Republic of the Congo', 'Congo-Brazzaville'],
    ['180', 'CD', 'DR Congo', 'Dem. Rep. Congo', 'Democratic Republic of the Congo', 'Congo-Kinshasa'],
    ['188', 'CR', 'Costa Rica'],
    ['191', 'HR', 'Croatia'],
    ['192', 'CU', 'Cuba'],
    ['196', 'CY', 'Cyprus'],
    ['203', 'CZ', 'Czechia', 'Czech Republic'],
    ['204', 'BJ', 'Benin'],
    ['208', 'DK', 'Denmark'],
    ['214', 'DO', 'Dominican Republic', 'Dominican Rep.'],
    ['218', 'EC', 'Ecuador'],
    ['222', 'SV', 'El Salvador'],
    ['226', 'GQ', 'Equatorial Guinea', 'Eq. Guinea'],
    ['231', 'ET', 'Ethiopia'],
    ['232', 'ER', 'Eritrea'],
    ['233', 'EE', 'Estonia'],
    ['238', 'FK', 'Falkland Islands', 'Falkland Is.'],
    ['242', 'FJ', 'Fiji'],
    ['246', 'FI', 'Finland'],
    ['250', 'FR', 'France'],
    ['260', 'TF', 'French Southern Territories', 'Fr. S. Antarctic Lands'],
    ['262', 'DJ', 'Djibouti'],
    ['266', 'GA', 'Gabon'],
    ['268', 'GE', 'Georgia'],
    ['270', 'GM', 'Gambia', 'The Gambia'],
    ['275', 'PS', 'Palestine', 'Palestinian Territory'],
    ['276', 'DE', 'Germany'],
    ['288', 'GH', 'Ghana'],
    ['300', 'GR', 'Greece'],
    ['304', 'GL', 'Greenland'],
    ['320', 'GT', 'Guatemala'],
    ['324', 'GN', 'Guinea'],
    ['328', 'GY', 'Guyana'],
    ['332', 'HT', 'Haiti'],
    ['340', 'HN', 'Honduras'],
    ['348', 'HU', 'Hungary'],
    ['352', 'IS', 'Iceland'],
    ['356', 'IN', 'India'],
    ['360', 'ID', 'Indonesia'],
    ['364', 'IR', 'Iran', 'Iran, Islamic Republic of'],
    ['368', 'IQ', 'Iraq'],
    ['372', 'IE', 'Ireland'],
    ['376', 'IL', 'Israel'],
    ['380', 'IT', 'Italy'],
    ['384', 'CI', 'Ivory Coast', "Côte d'Ivoire", "Cote d'Ivoire"],
    ['388', 'JM', 'Jamaica'],
    ['392', 'JP', 'Japan'],
    ['398', 'KZ', 'Kazakhstan'],
    ['400', 'JO', 'Jordan'],
    ['404', 'KE', 'Kenya'],
    ['408', 'KP', 'North Korea', "Korea, Democratic People's Republic of"],
    ['410', 'KR', 'South Korea', 'Korea, Republic of', 'Republic of Korea'],
    ['414', 'KW', 'Kuwait'],
    ['417', 'KG', 'Kyrgyzstan'],
    ['418', 'LA', 'Laos', "Lao People's Democratic Republic"],
    ['422', 'LB', 'Lebanon'],
    ['426', 'LS', 'Lesotho'],
    ['428', 'LV', 'Latvia'],
    ['430', 'LR', 'Liberia'],
    ['434', 'LY', 'Libya'],
    ['440', 'LT', 'Lithuania'],
    ['442', 'LU', 'Luxembourg'],
    ['450', 'MG', 'Madagascar'],
    ['454', 'MW', 'Malawi'],
    ['458', 'MY', 'Malaysia'],
    ['466', 'ML', 'Mali'],
    ['478', 'MR', 'Mauritania'],
    ['484', 'MX', 'Mexico'],
    ['496', 'MN', 'Mongolia'],
    ['498', 'MD', 'Moldova', 'Republic of Moldova'],
    ['499', 'ME', 'Montenegro'],
    ['504', 'MA', 'Morocco'],
    ['508', 'MZ', 'Mozambique'],
    ['512', 'OM', 'Oman'],
    ['516', 'NA', 'Namibia'],
    ['524', 'NP', 'Nepal'],
    ['528', 'NL', 'Netherlands', 'The Netherlands'],
    ['540', 'NC', 'New Caledonia'],
    ['548', 'VU', 'Vanuatu'],
    ['554', 'NZ', 'New Zealand'],
    ['558', 'NI', 'Nicaragua'],
    ['562', 'NE', 'Niger'],
    ['566', 'NG', 'Nigeria'],
    ['578', 'NO', 'Norway'],
    ['586', 'PK', 'Pakistan'],
    ['591', 'PA', 'Panama'],
    ['598', 'PG', 'Papua New Guinea'],
    ['600', 'PY', 'Paraguay'],
    ['604', 'PE', 'Peru'],
    ['608', 'PH', 'Philippines'],
    ['616', 'PL', 'Poland'],
    ['620', 'PT', 'Portugal'],
    ['624', 'GW', 'Guinea-Bissau'],
    ['626', 'TL', 'Timor-Leste', 'East Timor'],
    ['630', 'PR', 'Puerto Rico'],
    ['634', 'QA', 'Qatar'],
    ['642', 'RO', 'Romania'],
    ['643', 'RU', 'Russia', 'Russian Federation'],
    ['646', 'RW', 'Rwanda'],
    ['682', 'SA', 'Saudi Arabia'],
    ['686', 'SN', 'Senegal'],
    ['688', 'RS', 'Serbia'],
    ['694', 'SL', 'Sierra Leone'],
    ['703', 'SK', 'Slovakia'],
    ['704', 'VN', 'Vietnam', 'Viet Nam'],
    ['705', 'SI', 'Slovenia'],
    ['706', 'SO', 'Somalia'],
    ['710', 'ZA', 'South Africa'],
    ['716', 'ZW', 'Zimbabwe'],
    ['724', 'ES', 'Spain'],
    ['728', 'SS', 'South Sudan', 'S. Sudan'],
    ['729', 'SD', 'Sudan'],
    ['732', 'EH', 'Western Sahara', 'W. Sahara'],
    ['740', 'SR', 'Suriname'],
    ['748', 'SZ', 'Eswatini', 'eSwatini', 'Swaziland'],
    ['752', 'SE', 'Sweden'],
    ['756', 'CH', 'Switzerland'],
    ['760', 'SY', 'Syria', 'Syrian Arab Republic'],
    ['762', 'TJ', 'Tajikistan'],
    ['764', 'TH', 'Thailand'],
    ['768', 'TG', 'Togo'],
    ['780', 'TT', 'Trinidad and Tobago'],
    ['784', 'AE', 'United Arab Emirates'],
    ['788', 'TN', 'Tunisia'],
    ['792', 'TR', 'Turkey', 'Türkiye'],
    ['795', 'TM', 'Turkmenistan'],
    ['800', 'UG', 'Uganda'],
    ['804', 'UA', 'Ukraine'],
    ['807', 'MK', 'North Macedonia', 'Macedonia'],
    ['818', 'EG', 'Egypt'],
    ['826', 'GB', 'United Kingdom', 'Great Britain', 'UK'],
    ['834', 'TZ', 'Tanzania', 'United Republic of Tanzania'],
    ['840', 'US', 'United States', 'United States of America', 'USA'],
    ['854', 'BF', 'Burkina Faso'],
    ['858', 'UY', 'Uruguay'],
    ['860', 'UZ', 'Uzbekistan'],
    ['862', 'VE', 'Venezuela'],
    ['887', 'YE', 'Yemen'],
    ['894', 'ZM', 'Zambia'],
];

// Features without an ISO numeric id. Geolocation services place their addresses in the country named here,
// so a click there filters for what Okta would report (Kosovo has the user-assigned code XK they all use).
const UNCODED = {
    'N. Cyprus': { merge: 'CY' },
    Somaliland: { merge: 'SO' },
    Kosovo: { iso: 'XK', names: ['Kosovo'] },
};

function fail(message) {
    console.error(`convert-world-atlas: ${message}`);
    process.exit(1);
}

const [inputPath, outputPath] = process.argv.slice(2);
if (!inputPath || !outputPath) fail('usage: node convert-world-atlas.mjs countries-110m.json OUTPUT.vgm');

const topology = JSON.parse(readFileSync(inputPath, 'utf8'));
const { scale, translate } = topology.transform ?? fail('expected a quantized topology (no "transform")');

// TopoJSON arcs are delta-encoded from each arc's start; decode once to absolute quantized positions.
const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => [(x += dx), (y += dy)]);
});

// A ring is a list of arc indices; ~i means arc i reversed. Consecutive arcs share their junction point.
function stitchRing(indices) {
    const ring = [];
    for (const index of indices) {
        const points = index < 0 ? [...arcs[~index]].reverse() : arcs[index];
        ring.push(...(ring.length ? points.slice(1) : points));
    }
    const [first, last] = [ring[0], ring[ring.length - 1]];
    if (ring.length > 1 && first[0] === last[0] && first[1] === last[1]) ring.pop();
    return ring;
}

// Natural Earth keeps a few rings whole across ±180° (eastern Chukotka with Russia, Fiji): on a sphere that is
// one shape, on a flat map the ring would jump across the whole width. Cut such rings at the antimeridian into
// one ring per side. A ring that crosses an odd number of times circles a pole (Antarctica); its closing edge
// already runs along a parallel, which is right on a flat map, so it stays as it is.
const lonOf = (x) => x * scale[0] + translate[0];
const latOf = (y) => y * scale[1] + translate[1];
const quantizeLon = (lon) => Math.round((lon - translate[0]) / scale[0]);
const quantizeLat = (lat) => Math.round((lat - translate[1]) / scale[1]);

// Sutherland–Hodgman against the half-plane `keep` of the vertical line lon = edge (degrees, unwrapped).
function clipAt(points, edge, keepBelow) {
    const inside = ([lon]) => (keepBelow ? lon <= edge : lon >= edge);
    const out = [];
    for (let i = 0; i < points.length; ++i) {
        const a = points[i];
        const b = points[(i + 1) % points.length];
        if (inside(a)) out.push(a);
        if (inside(a) !== inside(b)) {
            const t = (edge - a[0]) / (b[0] - a[0]);
            out.push([edge, a[1] + t * (b[1] - a[1])]);
        }
    }
    return out;
}

function splitAtAntimeridian(ring) {
    let crossings = 0;
    for (let i = 0; i < ring.length; ++i) {
        if (Math.abs(lonOf(ring[i][0]) - lonOf(ring[(i + 1) % ring.length][0])) > 180) ++crossings;
    }
    if (crossings === 0 || crossings % 2 === 1) return [ring];
    // Unwrap so the ring is continuous, then cut at whichever edge it runs past and shift that part back.
    const unwrapped = [];
    let offset = 0;
    for (let i = 0; i < ring.length; ++i) {
        const lon = lonOf(ring[i][0]);
        if (i > 0) {
            const previous = lonOf(ring[i - 1][0]);
            if (lon - previous > 180) offset -= 360;
            else if (previous - lon > 180) offset += 360;
        }
        unwrapped.push([lon + offset, latOf(ring[i][1])]);
    }
    const edge = unwrapped.some(([lon]) => lon > 180) ? 180 : -180;
    const home = clipAt(unwrapped, edge, edge === 180);
    const away = clipAt(unwrapped, edge, edge !== 180).map(([lon, lat]) => [lon - Math.sign(edge) * 360, lat]);
    return [home, away]
        .filter((part) => part.length >= 3)
        .map((part) => part.map(([lon, lat]) => [quantizeLon(lon), quantizeLat(lat)]));
}

const byNumeric = new Map(COUNTRIES.map(([numeric, iso, ...names]) => [numeric, { iso, names }]));
const countries = new Map(); // iso → { names, rings }
for (const geometry of topology.objects.countries.geometries) {
    const neName = geometry.properties?.name ?? '';
    let entry = byNumeric.get(geometry.id);
    if (!entry) {
        const uncoded = UNCODED[neName] ?? fail(`no ISO code for feature ${geometry.id} "${neName}"`);
        entry = uncoded.merge ? { iso: uncoded.merge, names: null } : uncoded;
    }
    const polygons = geometry.type === 'Polygon' ? [geometry.arcs] : geometry.type === 'MultiPolygon' ? geometry.arcs : [];
    const rings = polygons
        .flat()
        .map(stitchRing)
        .flatMap(splitAtAntimeridian)
        .filter((ring) => ring.length >= 3);
    const country = countries.get(entry.iso) ?? { names: [], rings: [] };
    if (entry.names) {
        country.names = [...entry.names];
        if (!country.names.includes(neName)) country.names.push(neName);
    }
    country.rings.push(...rings);
    countries.set(entry.iso, country);
}
for (const [iso, country] of countries) {
    if (!/^[A-Z]{2}$/.test(iso)) fail(`bad code ${iso}`);
    if (!country.names.length) fail(`${iso} has rings but no name (merged into a missing country?)`);
}

// Little-endian writer with LEB128 varints; zigzag keeps small negative deltas one byte long.
const bytes = [];
const u8 = (v) => bytes.push(v & 0xff);
const u16 = (v) => { u8(v); u8(v >> 8); };
const f64 = (v) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); bytes.push(...b); };
const varint = (v) => { while (v >= 0x80) { u8((v & 0x7f) | 0x80); v = Math.floor(v / 128); } u8(v); };
const zigzag = (v) => varint(v >= 0 ? v * 2 : -v * 2 - 1);
const text = (s) => { const b = Buffer.from(s, 'utf8'); if (b.length > 255) fail(`name too long: ${s}`); u8(b.length); bytes.push(...b); };

for (const c of 'VGM1') u8(c.charCodeAt(0));
u16(countries.size);
f64(scale[0]); f64(scale[1]); f64(translate[0]); f64(translate[1]);
let pointCount = 0;
for (const [iso, country] of [...countries].sort(([a], [b]) => a.localeCompare(b))) {
    u8(iso.charCodeAt(0)); u8(iso.charCodeAt(1));
    text(country.names[0]);
    u8(country.names.length - 1);
    country.names.slice(1).forEach(text);
    u16(country.rings.length);
    for (const ring of country.rings) {
        varint(ring.length);
        let [px, py] = [0, 0];
        for (const [x, y] of ring) {
            zigzag(x - px); zigzag(y - py);
            [px, py] = [x, y];
        }
        pointCount += ring.length;
    }
}
writeFileSync(outputPath, Buffer.from(bytes));
console.log(`${outputPath}: ${countries.size} countries, ${pointCount} points, ${bytes.length} bytes`);

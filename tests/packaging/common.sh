# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the packaging tests (sourced).
set -euo pipefail

app_id=io.github.vigil.Vigil
icon_sizes=(16 24 32 48 64 128 256 512)

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || fail "$tool is missing (packaging/linux/install-deps.sh installs it)"
    done
}

# png_size FILE -> "WIDTHxHEIGHT", or fails if FILE is not a PNG.
png_size() {
    python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read(24)
if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
    sys.exit(f"{sys.argv[1]}: not a PNG")
print("%dx%d" % struct.unpack(">II", data[16:24]))
PY
}

# check_screenshot FILE: a non-empty PNG of a real window size.
check_screenshot() {
    [ -s "$1" ] || fail "no screenshot at $1"
    local size
    size=$(png_size "$1") || fail "$1 is not a PNG"
    local w=${size%x*} h=${size#*x}
    [ "$w" -ge 400 ] && [ "$h" -ge 300 ] || fail "the screenshot is only $size"
    ok "screenshot $1: PNG $size, $(stat -c %s "$1") bytes"
}

# The installed desktop application: desktop entry, metainfo and icons under ROOT (a /usr prefix).
check_desktop_files() {
    local usr=$1
    local desktop=$usr/share/applications/$app_id.desktop
    local metainfo=$usr/share/metainfo/$app_id.metainfo.xml
    [ -f "$desktop" ] || fail "missing $desktop"
    [ -f "$metainfo" ] || fail "missing $metainfo"
    for s in "${icon_sizes[@]}"; do
        local png=$usr/share/icons/hicolor/${s}x${s}/apps/$app_id.png
        [ -f "$png" ] || fail "missing $png"
        [ "$(png_size "$png")" = "${s}x${s}" ] || fail "$png is $(png_size "$png"), not ${s}x${s}"
    done
    [ -f "$usr/share/icons/hicolor/scalable/apps/$app_id.svg" ] || fail "missing the scalable icon"
    grep -qx "Icon=$app_id" "$desktop" || fail "the desktop entry's Icon is not $app_id"
    grep -qx "Exec=vigil" "$desktop" || fail "the desktop entry does not run vigil"
    [ -x "$usr/bin/vigil" ] || fail "missing $usr/bin/vigil"
    grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" \
        || fail "the metainfo does not launch $app_id.desktop"
    ok "desktop entry, metainfo, ${#icon_sizes[@]} PNG sizes and the SVG icon under $usr"
}

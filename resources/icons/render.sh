#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders the application icon from io.github.vigil.Vigil.svg into the committed files:
#   hicolor/NxN/apps/io.github.vigil.Vigil.png   the freedesktop icon theme sizes (Linux packages)
#   vigil.ico                                    Windows (executable resource, MSI, shortcuts)
#   vigil.icns                                   macOS (the app bundle's icon)
# Run it after changing the SVG and commit the results; the build only copies them, so Windows and
# macOS builds need no SVG renderer. Needs rsvg-convert (Debian: librsvg2-bin) and python3.
set -euo pipefail
cd "$(dirname "$0")"
svg=io.github.vigil.Vigil.svg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for size in 16 24 32 48 64 128 256 512; do
    dir=hicolor/${size}x${size}/apps
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$svg" --output "$dir/io.github.vigil.Vigil.png"
done
rsvg-convert --width 1024 --height 1024 "$svg" --output "$tmp/1024.png"

png() { echo "hicolor/$1x$1/apps/io.github.vigil.Vigil.png"; }
python3 pack_icons.py ico vigil.ico "$(png 16)" "$(png 24)" "$(png 32)" "$(png 48)" "$(png 64)" "$(png 256)"
python3 pack_icons.py icns vigil.icns \
    icp4="$(png 16)" icp5="$(png 32)" icp6="$(png 64)" ic07="$(png 128)" ic08="$(png 256)" ic09="$(png 512)" \
    ic11="$(png 32)" ic12="$(png 64)" ic13="$(png 256)" ic14="$(png 512)" ic10="$tmp/1024.png"
echo "render: icons written to $(pwd)"

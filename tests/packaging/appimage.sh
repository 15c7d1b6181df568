#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# packaging/linux/appimage.sh builds a self-contained AppDir: with a clean environment (env -i: no
# LD_LIBRARY_PATH, no QT_PLUGIN_PATH) ldd resolves every Qt library (and QtKeychain, ICU, simdjson) inside
# the AppDir, no library is missing, libsecret and D-Bus are left to the host, and the AppDir's vigil runs
# --version and a short demo with a screenshot, offscreen and on Xvfb through the bundled xcb plugin,
# without loading anything from the system's Qt.
# Then the packing step runs with a stand-in runtime (no AppImage runtime is available here) and the
# result is checked to be that runtime followed by a squashfs of the AppDir.
#   appimage.sh SOURCE_DIR BUILD_DIR
source "$(dirname "$0")/common.sh"
src=$1
build=$2
need cmake patchelf ldd file mksquashfs unsquashfs python3 xvfb-run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
appdir=$tmp/AppDir

start=$(date +%s)
"$src/packaging/linux/appimage.sh" --build-dir "$build" --appdir "$appdir" | tee "$tmp/appimage.log"
ok "AppDir built in $(($(date +%s) - start)) s"
usr=$appdir/usr

# ---- layout
for f in AppRun $app_id.desktop $app_id.png .DirIcon usr/bin/vigil usr/bin/vigil-sim usr/bin/qt.conf \
    usr/plugins/platforms/libqxcb.so usr/plugins/platforms/libqwayland-generic.so \
    usr/plugins/platforms/libqoffscreen.so usr/plugins/wayland-shell-integration/libxdg-shell.so \
    usr/plugins/xcbglintegrations/libqxcb-glx-integration.so usr/plugins/sqldrivers/libqsqlite.so \
    usr/plugins/tls/libqopensslbackend.so usr/plugins/iconengines/libqsvgicon.so \
    usr/plugins/imageformats/libqsvg.so usr/plugins/imageformats/libqjpeg.so \
    usr/translations/qtbase_de.qm usr/lib/libqt6keychain.so.1; do
    [ -e "$appdir/$f" ] || fail "the AppDir lacks $f"
done
[ -x "$appdir/AppRun" ] || fail "AppRun is not executable"
check_desktop_files "$usr"
desktop-file-validate "$appdir/$app_id.desktop" >/dev/null 2>&1 || fail "the root desktop entry does not validate"
if ls "$usr/lib" | grep -E '^lib(secret-1|dbus-1|glib-2\.0|gio-2\.0|c|stdc\+\+|GL|EGL|X11|xcb|wayland-client)\.so'; then
    fail "host libraries were bundled (above)"
fi
ok "layout: $(ls "$usr/lib" | wc -l) libraries, $(find "$usr/plugins" -name '*.so' | wc -l) plugins, $(du -sh "$appdir" | cut -f1)"

# ---- ldd in a clean environment: nothing missing, no Qt from the system
mapfile -t elves < <(find "$usr/bin" "$usr/lib" "$usr/plugins" -type f -exec sh -c 'file -b "$1" | grep -q "^ELF"' _ {} \; -print)
qt_pattern='^(libQt6|libqt6keychain|libicu|libsimdjson|libdouble-conversion|libb2|libmd4c|libpcre2-16)'
checked=0
for elf in "${elves[@]}"; do
    env -i PATH=/usr/bin:/bin ldd "$elf" >"$tmp/ldd" 2>&1 || true
    if grep -q "not found" "$tmp/ldd"; then cat "$tmp/ldd"; fail "$elf: a library is not found"; fi
    while read -r soname _ path _; do
        if [[ $soname =~ $qt_pattern ]] && [[ $path != "$appdir"/* ]]; then
            fail "$elf: $soname resolves to $path, outside the AppDir"
        fi
    done < <(awk '$2 == "=>" { print $1, $2, $3 }' "$tmp/ldd")
    checked=$((checked + 1))
done
echo "ldd of usr/bin/vigil (clean environment):"
env -i PATH=/usr/bin:/bin ldd "$usr/bin/vigil" | sed 's/ (0x[0-9a-f]*)$//; s/^/  /'
ok "ldd: $checked ELF files, every Qt, QtKeychain, ICU and simdjson library from the AppDir, none missing"
patchelf --print-rpath "$usr/bin/vigil" | grep -qx '$ORIGIN/../lib' || fail "vigil's RUNPATH is not \$ORIGIN/../lib"

# ---- run it in a clean environment
home=$tmp/home
mkdir -p "$home" "$tmp/run" "$tmp/data" "$tmp/data-xcb"
chmod 700 "$tmp/run"
run_clean() {
    env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$tmp/run" QT_QPA_PLATFORM=offscreen "$@"
}
version=$(run_clean "$usr/bin/vigil" --version) || fail "usr/bin/vigil --version"
[[ $version =~ ^vigil\ [0-9] ]] || fail "unexpected --version output: $version"
version_apprun=$(run_clean "$appdir/AppRun" --version) || fail "AppRun --version"
[ "$version" = "$version_apprun" ] || fail "AppRun --version printed $version_apprun"
ok "usr/bin/vigil --version and AppRun --version: $version"
# QT_DEBUG_PLUGINS lists every folder Qt looks in and every plugin it loads.
run_clean QT_DEBUG_PLUGINS=1 timeout 120 "$appdir/AppRun" --demo --data-dir "$tmp/data" \
    --screenshot "$tmp/demo.png" --screenshot-delay 8000 >"$tmp/demo.log" 2>&1 \
    || { grep -v QFactoryLoader "$tmp/demo.log" | tail -20; fail "the AppDir's vigil --demo"; }
check_screenshot "$tmp/demo.png"
system_plugins=$("${QTPATHS:-qtpaths6}" --query QT_INSTALL_PLUGINS)
if grep -F "$system_plugins" "$tmp/demo.log" | head -5 | grep .; then
    fail "Qt looked for plugins in the system's $system_plugins"
fi
loaded() { # loaded LOG PLUGIN: Qt loaded the AppDir's plugin
    grep -qF "\"$usr/plugins/$2\" loaded library" "$1" || fail "Qt did not load $usr/plugins/$2"
}
loaded "$tmp/demo.log" platforms/libqoffscreen.so
loaded "$tmp/demo.log" sqldrivers/libqsqlite.so
loaded "$tmp/demo.log" tls/libqopensslbackend.so
ok "offscreen demo: the offscreen platform, SQLite driver and OpenSSL TLS backend loaded from the AppDir, nothing from $system_plugins"

# ---- the same on a real X server (Xvfb) through the bundled xcb platform plugin
need xvfb-run xauth
xvfb-run -a sh -c 'exec env -i PATH=/usr/bin:/bin HOME="$1" XDG_RUNTIME_DIR="$2" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" \
    QT_QPA_PLATFORM=xcb QT_DEBUG_PLUGINS=1 timeout 120 "$3/AppRun" --demo --data-dir "$4" --screenshot "$5" --screenshot-delay 5000' \
    xvfb "$home" "$tmp/run" "$appdir" "$tmp/data-xcb" "$tmp/xcb.png" >"$tmp/xcb.log" 2>&1 \
    || { grep -v 'qt.core' "$tmp/xcb.log" | tail -20; fail "the AppDir's vigil --demo on Xvfb"; }
check_screenshot "$tmp/xcb.png"
loaded "$tmp/xcb.log" platforms/libqxcb.so
if grep -F "$system_plugins" "$tmp/xcb.log" | head -5 | grep .; then fail "Qt looked for plugins in $system_plugins"; fi
ok "X11 demo (Xvfb): the xcb platform plugin loaded from the AppDir"

# ---- packing: a stand-in runtime (any file; a real one is an AppImage type-2 runtime) + squashfs
printf '\177ELF stand-in runtime for the packaging test\n' >"$tmp/runtime"
APPIMAGE_RUNTIME=$tmp/runtime "$src/packaging/linux/appimage.sh" --build-dir "$build" --appdir "$appdir" --pack-only \
    --output "$tmp/Vigil.AppImage" | tail -1
[ -x "$tmp/Vigil.AppImage" ] || fail "no executable AppImage was written"
offset=$(stat -c %s "$tmp/runtime")
cmp -n "$offset" "$tmp/runtime" "$tmp/Vigil.AppImage" || fail "the AppImage does not start with the runtime"
unsquashfs -o "$offset" -l "$tmp/Vigil.AppImage" >"$tmp/squashfs-list" || fail "no squashfs after the runtime"
for f in AppRun $app_id.desktop .DirIcon usr/bin/vigil usr/bin/qt.conf usr/plugins/platforms/libqxcb.so; do
    grep -qx "squashfs-root/$f" "$tmp/squashfs-list" || fail "the squashfs lacks $f"
done
ok "packing: runtime + squashfs of the AppDir ($(du -h "$tmp/Vigil.AppImage" | cut -f1), $(wc -l <"$tmp/squashfs-list") entries)"

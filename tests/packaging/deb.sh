#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CPack builds the DEB and the TGZ; the DEB's control data and contents are checked, then it is installed
# on this machine with dpkg -i, /usr/bin/vigil runs (--version, a short offscreen demo with a screenshot)
# in a clean environment, and the package is removed again.
#   deb.sh BUILD_DIR
# dpkg needs root: without root (and without password-less sudo) the test is skipped (exit 77).
source "$(dirname "$0")/common.sh"
build=$1
need cpack dpkg dpkg-deb dpkg-shlibdeps readelf tar python3 flock lintian
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "SKIP: installing a .deb needs root or password-less sudo"
    exit 77
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        "${as_root[@]}" dpkg --purge vigil >/dev/null || echo "warning: dpkg --purge vigil failed" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- build
start=$(date +%s)
cpack --config "$build/CPackConfig.cmake" -G "DEB;TGZ" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/out/vigil_*.deb)
tgz=$(ls "$tmp"/out/vigil-*.tar.gz)
ok "cpack built $(basename "$deb") ($(du -h "$deb" | cut -f1)) and $(basename "$tgz") ($(du -h "$tgz" | cut -f1)) in $(($(date +%s) - start)) s"

# ---- the DEB's control data
dpkg-deb --field "$deb" | grep -v '^ ' # the control fields without the long description
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = vigil ] || fail "package name"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "architecture"
depends=$(field Depends)
# From dpkg-shlibdeps (linked) and from the explicit list (loaded at run time).
for dep in libqt6widgets6 libqt6charts6 libqt6sql6 libqt6httpserver6 libqt6keychain1 libsimdjson libc6 \
    libqt6sql6-sqlite libqt6svg6 libsecret-1-0; do
    [[ $depends =~ (^|, )$dep ]] || fail "Depends lacks $dep: $depends"
done
[[ $(field Recommends) =~ gnome-keyring ]] || fail "Recommends lacks gnome-keyring"
ok "Depends and Recommends"

# ---- the DEB's files
dpkg-deb --contents "$deb" | awk '{ print $6 }' >"$tmp/contents"
for f in ./usr/bin/vigil ./usr/bin/vigil-sim ./usr/share/applications/$app_id.desktop \
    ./usr/share/metainfo/$app_id.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/$app_id.svg \
    ./usr/share/doc/vigil/copyright; do
    grep -qx "$f" "$tmp/contents" || fail "the .deb lacks $f"
done
dpkg-deb -x "$deb" "$tmp/extract"
check_desktop_files "$tmp/extract/usr"
if readelf -S "$tmp/extract/usr/bin/vigil" | grep -q '\.debug_info'; then fail "usr/bin/vigil is not stripped"; fi
ok "files, stripped binary ($(du -h "$tmp/extract/usr/bin/vigil" | cut -f1))"
# Debian's package checker: no error, no warning (it warns about running as root; that is not a tag).
lintian_rc=0
lintian --fail-on error,warning --tag-display-limit 0 "$deb" >"$tmp/lintian.log" 2>&1 || lintian_rc=$?
grep -v 'running with root privileges' "$tmp/lintian.log" || true
[ "$lintian_rc" = 0 ] || fail "lintian reports the tags above"
ok "lintian: no errors or warnings"

# ---- the TGZ: the same tree under one folder
tar -tzf "$tgz" >"$tmp/tgz-contents"
top=$(basename "$tgz" .tar.gz)
for f in bin/vigil bin/vigil-sim share/applications/$app_id.desktop share/metainfo/$app_id.metainfo.xml; do
    grep -qx "$top/$f" "$tmp/tgz-contents" || fail "the .tar.gz lacks $top/$f"
done
ok "TGZ contents ($(wc -l <"$tmp/tgz-contents") entries)"

# ---- install, run, remove. One dpkg user at a time on this machine (other build trees run this test too).
exec 9>/tmp/vigil-packaging-dpkg.lock
flock -w 600 9 || fail "another packaging test held the dpkg lock for 10 minutes"
if dpkg-query -W -f='${Status}' vigil 2>/dev/null | grep -q "install ok installed"; then
    echo "note: a vigil package was already installed ($(dpkg-query -W -f='${Version}' vigil)); it is replaced and removed"
fi
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
    if "${as_root[@]}" dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then installed=1; break; fi
    if grep -q "lock" "$tmp/dpkg.log"; then sleep 10; continue; fi # apt or dpkg busy elsewhere
    cat "$tmp/dpkg.log"
    installed=1 # half-configured: remove it on exit
    fail "dpkg -i (missing dependencies? packaging/linux/install-deps.sh installs them)"
done
[ "$installed" = 1 ] || { cat "$tmp/dpkg.log"; fail "dpkg stayed locked"; }
dpkg-query -W -f='${Status} ${Version}\n' vigil
ok "dpkg -i $(basename "$deb")"

home=$tmp/home
mkdir -p "$home" "$tmp/run" "$tmp/data"
chmod 700 "$tmp/run"
run_clean() {
    env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$tmp/run" QT_QPA_PLATFORM=offscreen "$@"
}
version=$(run_clean /usr/bin/vigil --version) || fail "/usr/bin/vigil --version"
[[ $version =~ ^vigil\ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "unexpected --version output: $version"
ok "/usr/bin/vigil --version: $version"
run_clean timeout 120 /usr/bin/vigil --demo --data-dir "$tmp/data" --screenshot "$tmp/demo.png" \
    --screenshot-delay 8000 >"$tmp/demo.log" 2>&1 || { tail -20 "$tmp/demo.log"; fail "the installed vigil --demo"; }
check_screenshot "$tmp/demo.png"
echo "demo output (last 3 lines):"
tail -3 "$tmp/demo.log"

"${as_root[@]}" dpkg --purge vigil >/dev/null || fail "dpkg --purge vigil"
installed=0
[ ! -e /usr/bin/vigil ] || fail "/usr/bin/vigil is still there after dpkg --purge"
ok "dpkg --purge vigil"

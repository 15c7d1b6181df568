#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `cmake --install` lays out a proper tree (prefix /usr): the executables, the desktop entry and AppStream
# metainfo under the reverse-DNS id, hicolor icons, the licence, changelog and manual pages;
# desktop-file-validate and appstreamcli accept what was installed.
#   install-tree.sh BUILD_DIR
source "$(dirname "$0")/common.sh"
build=$1
need cmake desktop-file-validate appstreamcli python3 man
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

DESTDIR=$tmp/root cmake --install "$build" --prefix /usr >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
usr=$tmp/root/usr
echo "installed files:"
(cd "$tmp/root" && find . -type f -o -type l | sort | sed 's/^\./  /')

for f in bin/vigil bin/vigil-sim share/doc/vigil/LICENSE share/doc/vigil/copyright share/doc/vigil/changelog.gz \
    share/man/man1/vigil.1.gz share/man/man1/vigil-sim.1.gz; do
    [ -f "$usr/$f" ] || fail "missing /usr/$f"
done
check_desktop_files "$usr"

# desktop-file-validate prints errors and warnings (and hints, which are advice) and fails on errors.
out=$(desktop-file-validate "$usr/share/applications/$app_id.desktop" 2>&1) || { echo "$out"; fail "desktop-file-validate"; }
if echo "$out" | grep -E ': (error|warning):'; then fail "desktop-file-validate reports problems"; fi
ok "desktop-file-validate: ${out:-no remarks}"

# appstreamcli fails on errors and warnings; --no-net: the machine has no network.
appstreamcli validate --no-net "$usr/share/metainfo/$app_id.metainfo.xml" || fail "appstreamcli validate"
# The whole tree: metainfo, its desktop entry and the icons it finds for it.
appstreamcli validate-tree --no-net "$tmp/root" || fail "appstreamcli validate-tree"
ok "appstreamcli validate and validate-tree"

# The manual pages render without complaint.
for page in vigil vigil-sim; do
    warnings=$(MANWIDTH=80 man --warnings -l "$usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
    [ -z "$warnings" ] || { echo "$warnings"; fail "man $page: warnings"; }
    MANWIDTH=80 man -l "$usr/share/man/man1/$page.1.gz" 2>/dev/null | grep -q "^NAME" || fail "man $page renders no NAME"
done
ok "manual pages vigil(1) and vigil-sim(1)"

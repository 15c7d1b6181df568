#!/usr/bin/env bash
# Runs ctest the way CI does: inside a private D-Bus session with an unlocked gnome-keyring, so that
# QtKeychain talks to a real Secret Service, and with the offscreen Qt platform for GUI tests.
#   tests/run-ctest.sh [BUILD_DIR] [extra ctest arguments…]   (default: build, every label but 'slow')
set -euo pipefail
build_dir=${1:-build}
[ $# -gt 0 ] && shift
[ -d "$build_dir" ] || { echo "run-ctest: no build directory '$build_dir'; run 'make build' first" >&2; exit 2; }

exec dbus-run-session -- bash -c '
    set -euo pipefail
    export XDG_RUNTIME_DIR=$(mktemp -d)
    # The keyring password only unlocks this throw-away session keyring.
    printf vigil-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    export QT_QPA_PLATFORM=offscreen
    build_dir=$1; shift
    if [ $# -eq 0 ]; then set -- -LE slow; fi
    ctest --test-dir "$build_dir" --output-on-failure -j2 "$@"
' run-ctest "$build_dir" "$@"

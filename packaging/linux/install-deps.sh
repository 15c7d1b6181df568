#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and running Vigil need.
# Idempotent: installs only what is missing, and runs `apt-get update` once, only then.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build make ccache pkg-config git python3 clang-format
    # Qt 6.4 and the -dev packages' missing dependencies on Debian 12:
    # Qt6Charts needs libqt6opengl6-dev, Qt6HttpServer needs qt6-websockets-dev.
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev qt6-httpserver-dev qt6-websockets-dev
    qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
    libqt6sql6-sqlite qtkeychain-qt6-dev libxkbcommon-dev libgl-dev
    # parsing, storage, crypto
    libsimdjson-dev libsqlite3-dev liblz4-dev libssl-dev
    # team mode: the PostgreSQL store (Qt's QPSQL driver) and the server the tests start privately
    libqt6sql6-psql postgresql
    # tests: a real Secret Service on a private D-Bus, and displays for GUI tests and screenshots
    gnome-keyring dbus dbus-x11 libsecret-1-0 xvfb xauth
    # packages (tests/packaging): desktop entry and AppStream validators, DEB tools and manual pages, the
    # AppImage's bundling (patchelf, squashfs, Qt's Wayland plugins), MSI and Info.plist linting, workflows
    desktop-file-utils appstream dpkg-dev lintian help2man man-db file patchelf squashfs-tools qt6-wayland
    wixl msitools libxml2-utils python3-yaml
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

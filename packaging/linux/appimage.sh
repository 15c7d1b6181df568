#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Vigil's AppDir and, when a tool to pack it is named, the AppImage.
#
#   packaging/linux/appimage.sh [--build-dir build] [--appdir build/AppDir] [--output build/Vigil-VERSION-x86_64.AppImage]
#                               [--pack-only]   (pack an AppDir built before, steps 1-4 skipped)
#
# 1. `cmake --install` the build into the AppDir with prefix /usr (stripped).
# 2. Copies the Qt plugins Vigil needs into usr/plugins: platforms (xcb, wayland, offscreen, minimal) with
#    their xcb-GL and Wayland shell/decoration/graphics integrations, input contexts, sqldrivers (SQLite),
#    tls (OpenSSL, certificate-only), iconengines (SVG), imageformats, networkinformation; Qt's own German
#    and French catalogues into usr/translations; qt.conf into usr/bin.
# 3. Copies every library the executables and plugins need into usr/lib, except those that must come from
#    the host (see host_library below: glibc, the C++ runtime, graphics drivers, X11/Wayland client
#    libraries, fontconfig/freetype, D-Bus, GLib and libsecret, OpenSSL, Kerberos, systemd), and sets
#    RUNPATHs with patchelf ($ORIGIN/../lib for executables, $ORIGIN for libraries, $ORIGIN/../../lib for
#    plugins) so that neither LD_LIBRARY_PATH nor QT_PLUGIN_PATH is needed.
# 4. Adds AppRun, the desktop entry and the icon (and .DirIcon) at the AppDir's root.
# 5. Packs the AppImage if APPIMAGETOOL names appimagetool, or APPIMAGE_RUNTIME names an AppImage type-2
#    runtime (the file that becomes the AppImage's ELF header; the script appends a squashfs of the AppDir
#    to it). Neither is a Debian package; without them the AppDir is the result.
#
# Environment: QTPATHS (default qtpaths6) locates the Qt whose plugins are bundled; it must be the Qt
# the build linked. APPIMAGE_COMP (default gzip, which every runtime reads) is mksquashfs's compression.
# Needs: cmake, patchelf, ldd, file; mksquashfs (squashfs-tools) only with APPIMAGE_RUNTIME.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build_dir=build
appdir=
output=
pack_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build_dir=$2; shift 2 ;;
        --appdir) appdir=$2; shift 2 ;;
        --output) output=$2; shift 2 ;;
        --pack-only) pack_only=1; shift ;;
        -h|--help) sed -n '3,6p' "$0"; exit 0 ;;
        *) echo "appimage: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { echo "appimage: $*"; }
die() { echo "appimage: $*" >&2; exit 1; }

[ -f "$build_dir/CMakeCache.txt" ] || die "no CMake build in '$build_dir' (build first: make build)"
build_dir=$(cd "$build_dir" && pwd)
appdir=${appdir:-$build_dir/AppDir}
app_id=io.github.vigil.Vigil
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
arch=$(uname -m)
output=${output:-$build_dir/Vigil-$version-$arch.AppImage}
for tool in cmake patchelf ldd file; do
    command -v "$tool" >/dev/null || die "$tool is missing (packaging/linux/install-deps.sh installs it)"
done
qtpaths=${QTPATHS:-$(command -v qtpaths6 || command -v qtpaths || true)}
[ -n "$qtpaths" ] || die "qtpaths6 not found; set QTPATHS to the qtpaths of the Qt the build used"
qt_plugins=$("$qtpaths" --query QT_INSTALL_PLUGINS)
qt_translations=$("$qtpaths" --query QT_INSTALL_TRANSLATIONS)

build_appdir() {
    # 1. The install tree.
    say "installing $build_dir into $appdir (prefix /usr)"
    rm -rf "$appdir"
    DESTDIR=$appdir cmake --install "$build_dir" --prefix /usr --strip >/dev/null
    usr=$appdir/usr
    [ -x "$usr/bin/vigil" ] || die "the install put no usr/bin/vigil into $appdir"

    # The bundled Qt must be the one vigil was linked against.
    qtcore=$(ldd "$usr/bin/vigil" | awk '$1 ~ /^libQt6Core\.so/ { print $3 }')
    [ -n "$qtcore" ] || die "vigil does not link libQt6Core"
    qt_libdir=$(dirname "$(readlink -f "$qtcore")")
    [ "$(readlink -f "$qt_libdir")" = "$(readlink -f "$("$qtpaths" --query QT_INSTALL_LIBS)")" ] \
        || die "vigil links Qt from $qt_libdir, but $qtpaths describes another Qt; set QTPATHS"

    # 2. Plugins, translations, qt.conf.
    plugins=(
        platforms/libqxcb.so platforms/libqwayland-generic.so platforms/libqwayland-egl.so
        platforms/libqoffscreen.so platforms/libqminimal.so
        xcbglintegrations/libqxcb-glx-integration.so xcbglintegrations/libqxcb-egl-integration.so
        wayland-shell-integration/libxdg-shell.so wayland-shell-integration/libwl-shell-plugin.so
        wayland-decoration-client/libbradient.so
        wayland-graphics-integration-client/libqt-plugin-wayland-egl.so
        wayland-graphics-integration-client/libshm-emulation-server.so
        wayland-graphics-integration-client/libdmabuf-server.so
        wayland-graphics-integration-client/libdrm-egl-server.so
        platforminputcontexts/libcomposeplatforminputcontextplugin.so
        platforminputcontexts/libibusplatforminputcontextplugin.so
        sqldrivers/libqsqlite.so
        tls/libqopensslbackend.so tls/libqcertonlybackend.so
        iconengines/libqsvgicon.so
        imageformats/libqsvg.so imageformats/libqjpeg.so imageformats/libqgif.so imageformats/libqico.so
        networkinformation/libqnetworkmanager.so
    )
    # The ones Vigil cannot do without; the rest are bundled when this Qt has them.
    required='^(platforms/libq(xcb|wayland-generic|offscreen)|sqldrivers/libqsqlite|tls/libqopensslbackend|iconengines/libqsvgicon|imageformats/libqsvg|wayland-shell-integration/libxdg-shell)\.so$'
    for p in "${plugins[@]}"; do
        if [ -f "$qt_plugins/$p" ]; then
            mkdir -p "$usr/plugins/$(dirname "$p")"
            cp -L "$qt_plugins/$p" "$usr/plugins/$p"
        elif [[ $p =~ $required ]]; then
            die "$qt_plugins/$p is missing (Debian: qt6-wayland for Wayland, libqt6sql6-sqlite, libqt6svg6)"
        else
            say "note: $p is not in this Qt; not bundled"
        fi
    done
    mkdir -p "$usr/translations"
    for qm in "$qt_translations"/qtbase_de.qm "$qt_translations"/qtbase_fr.qm; do
        [ -f "$qm" ] && cp "$qm" "$usr/translations/"
    done
    cp "$here/qt.conf" "$usr/bin/qt.conf"

    # 3. Libraries. ldd lists each ELF's whole dependency closure, so one pass over the executables and
    # plugins finds everything.
    host_library() {
        case "$1" in
            # glibc and the toolchain's runtimes: the AppImage needs a host at least as new as the build host.
            ld-linux*|libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|libutil.so.*|libanl.so.*) return 0 ;;
            libstdc++.so.*|libgcc_s.so.*|libgomp.so.*|libatomic.so.*) return 0 ;;
            # Graphics: the host's drivers must match its GL/EGL dispatch libraries and display server.
            libGL.so.*|libGLX.so.*|libEGL.so.*|libGLdispatch.so.*|libOpenGL.so.*|libGLESv2.so.*|libgbm.so.*|libdrm.so.*) return 0 ;;
            libX11.so.*|libX11-xcb.so.*|libxcb.so.*|libXau.so.*|libXdmcp.so.*|libXext.so.*|libXrender.so.*) return 0 ;;
            libwayland-client.so.*|libwayland-cursor.so.*|libwayland-egl.so.*|libwayland-server.so.*) return 0 ;;
            # Fonts: the host's configuration and caches.
            libfontconfig.so.*|libfreetype.so.*|libharfbuzz.so.*|libexpat.so.*|libz.so.*|libpng16.so.*|libbrotli*) return 0 ;;
            # The session: D-Bus, GLib and libsecret (QtKeychain loads libsecret at run time and it must
            # talk to the host's Secret Service), systemd, security libraries that get updates.
            libdbus-1.so.*|libglib-2.0.so.*|libgobject-2.0.so.*|libgio-2.0.so.*|libgmodule-2.0.so.*|libgthread-2.0.so.*) return 0 ;;
            libsecret-1.so.*|libgcrypt.so.*|libgpg-error.so.*|libsystemd.so.*|libudev.so.*|libcap.so.*|liblzma.so.*|libzstd.so.*|liblz4.so.*) return 0 ;;
            libssl.so.*|libcrypto.so.*|libgssapi_krb5.so.*|libkrb5.so.*|libk5crypto.so.*|libkrb5support.so.*|libcom_err.so.*|libkeyutils.so.*) return 0 ;;
            libbsd.so.*|libmd.so.*|libpcre2-8.so.*|libffi.so.*|libmount.so.*|libblkid.so.*|libselinux.so.*) return 0 ;;
        esac
        return 1
    }
    mkdir -p "$usr/lib"
    mapfile -t elves < <(find "$usr/bin" "$usr/plugins" -type f -exec sh -c 'file -b "$1" | grep -q "^ELF"' _ {} \; -print)
    bundled=0
    for elf in "${elves[@]}"; do
        while read -r soname _ path _; do
            [ -n "$path" ] || continue
            [ "$path" = "not" ] && die "$elf: $soname is not found on this machine"
            host_library "$soname" && continue
            if [ ! -e "$usr/lib/$soname" ]; then
                cp -L "$path" "$usr/lib/$soname"
                chmod 644 "$usr/lib/$soname"
                bundled=$((bundled + 1))
            fi
        done < <(ldd "$elf" | awk '$2 == "=>" { print $1, $2, $3, $4 }')
    done
    say "bundled $bundled libraries"
    for elf in "${elves[@]}"; do
        case "$elf" in
            "$usr"/bin/*) patchelf --set-rpath '$ORIGIN/../lib' "$elf" ;;
            "$usr"/plugins/*) patchelf --set-rpath '$ORIGIN/../../lib' "$elf" ;;
        esac
    done
    for lib in "$usr"/lib/*.so*; do
        patchelf --set-rpath '$ORIGIN' "$lib"
    done

    # 4. What the AppImage format expects at the root.
    cp "$here/AppRun" "$appdir/AppRun"
    chmod 755 "$appdir/AppRun"
    cp "$usr/share/applications/$app_id.desktop" "$appdir/$app_id.desktop"
    cp "$usr/share/icons/hicolor/256x256/apps/$app_id.png" "$appdir/$app_id.png"
    ln -sf "$app_id.png" "$appdir/.DirIcon"
    say "AppDir ready: $appdir ($(du -sh "$appdir" | cut -f1))"
}

if [ "$pack_only" = 1 ]; then
    [ -x "$appdir/AppRun" ] || die "--pack-only: no AppDir at $appdir"
else
    build_appdir
fi

# 5. The AppImage itself.
if [ -n "${APPIMAGETOOL:-}" ]; then
    say "packing with $APPIMAGETOOL"
    ARCH=$arch "$APPIMAGETOOL" "$appdir" "$output"
elif [ -n "${APPIMAGE_RUNTIME:-}" ]; then
    command -v mksquashfs >/dev/null || die "mksquashfs is missing (Debian: squashfs-tools)"
    [ -f "$APPIMAGE_RUNTIME" ] || die "APPIMAGE_RUNTIME=$APPIMAGE_RUNTIME is not a file"
    say "packing with the runtime $APPIMAGE_RUNTIME"
    squashfs=$(mktemp)
    trap 'rm -f "$squashfs"' EXIT
    mksquashfs "$appdir" "$squashfs" -root-owned -noappend -no-progress -quiet -comp "${APPIMAGE_COMP:-gzip}" >/dev/null
    cat "$APPIMAGE_RUNTIME" "$squashfs" >"$output"
    chmod 755 "$output"
else
    say "set APPIMAGETOOL (appimagetool) or APPIMAGE_RUNTIME (an AppImage type-2 runtime) to pack $appdir into an .AppImage"
    exit 0
fi
say "wrote $output ($(du -h "$output" | cut -f1))"

#!/usr/bin/env bash
# Build the laptop app for Linux: the PyInstaller bundle dist/fieldapp/ (build.spec), then
# dist/fieldapp-VERSION-linux-x86_64.tar.gz and the Debian package dist/fieldapp_VERSION_amd64.deb.
#
#   bash scripts/build_packages.sh
#
# It builds in its own virtual environment (build/venv) with the laptop's dependencies and the
# `build` extra only, so nothing of the server (FastAPI, uvicorn, SQLAlchemy, Alembic, psycopg)
# can slip into the bundle. Needs python3 (3.11+), python3-venv, dpkg-deb, and the Qt libraries
# the README lists (build.spec leaves those to the system, like the .deb's Depends).
# Prints the bundle's unpacked size; fails when it is over the 150 MB target.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_BUNDLE_BYTES=150000000
VENV=${FIELDAPP_BUILD_VENV:-build/venv}
# The Debian packages of the libraries build.spec leaves out of the bundle (FROM_THE_SYSTEM there):
# the README's Qt list, the X11 ones, CUPS for the print dialog, the C++ runtime. "t64" names are trixie's.
DEPENDS="libc6 (>= 2.31), libstdc++6, libegl1, libgl1, libxkbcommon0, libfontconfig1, libfreetype6, \
libglib2.0-0t64 | libglib2.0-0, libdbus-1-3, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4, \
libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-shape0, libxcb-randr0, libxkbcommon-x11-0, \
libcups2t64 | libcups2, fonts-dejavu-core"

log() { echo "build_packages: $*" >&2; }

make_venv() {
    if [ ! -x "$VENV/bin/pyinstaller" ]; then
        log "creating $VENV (laptop dependencies and the build extra) ..."
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q --disable-pip-version-check -e '.[build]'
    local server
    server=$("$VENV/bin/python" -c 'from sync.extras import SERVER_PACKAGES as S, missing_server_packages as m; print(" ".join(sorted(set(S) - set(m()))))')
    if [ -n "$server" ]; then
        log "$VENV has server packages ($server): the bundle must not carry them; remove $VENV and run again"
        exit 1
    fi
}

build_bundle() {
    log "icons ..."
    "$VENV/bin/python" scripts/make_icons.py build/icons >/dev/null
    log "PyInstaller (build.spec) ..."
    rm -rf dist/fieldapp
    "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller build.spec
    local size
    size=$(du -sb dist/fieldapp | cut -f1)
    echo "bundle size: dist/fieldapp is $((size / 1000000)) MB unpacked ($size bytes; target <= $((MAX_BUNDLE_BYTES / 1000000)) MB)"
    if [ "$size" -gt "$MAX_BUNDLE_BYTES" ]; then
        log "the bundle is over the target: see build.spec's filters"
        exit 1
    fi
}

build_tarball() {
    local tarball="dist/fieldapp-$VERSION-linux-x86_64.tar.gz"
    tar -C dist --owner=0 --group=0 -czf "$tarball" fieldapp
    echo "tarball: $tarball ($(du -h "$tarball" | cut -f1))"
}

build_deb() {
    local root=build/deb/fieldapp_$VERSION deb="dist/fieldapp_${VERSION}_amd64.deb"
    rm -rf "$root"
    mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
        "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/icons/hicolor/48x48/apps" \
        "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/doc/fieldapp"
    cp -a dist/fieldapp "$root/opt/fieldapp"
    ln -s /opt/fieldapp/fieldapp "$root/usr/bin/fieldapp"
    install -m 0644 packaging/linux/fieldapp.desktop "$root/usr/share/applications/fieldapp.desktop"
    install -m 0644 packaging/fieldapp.svg "$root/usr/share/icons/hicolor/scalable/apps/fieldapp.svg"
    install -m 0644 build/icons/fieldapp-48.png "$root/usr/share/icons/hicolor/48x48/apps/fieldapp.png"
    install -m 0644 build/icons/fieldapp-256.png "$root/usr/share/icons/hicolor/256x256/apps/fieldapp.png"
    { echo "fieldapp: proprietary. The region data (fieldapp/data/wilayah.idx) is under this licence:"; echo;
        cat fieldapp/data/wilayah.LICENSE; } >"$root/usr/share/doc/fieldapp/copyright"
    chmod -R u=rwX,go=rX "$root"
    # No maintainer scripts: Debian's desktop-file-utils and icon caches pick up the new files by dpkg triggers.
    control "$(du -sk "$root" | cut -f1)" >"$root/DEBIAN/control"
    dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
    echo "debian package: $deb ($(du -h "$deb" | cut -f1))"
}

control() {
    cat <<EOF
Package: fieldapp
Version: $VERSION
Architecture: amd64
Maintainer: fieldapp maintainers <fieldapp@example.org>
Installed-Size: $1
Depends: $DEPENDS
Section: misc
Priority: optional
Description: offline assisted registration for Kartu Prakerja
 Village office staff register applicants on a laptop, with or without internet.
 Every record is checked as it is typed, encrypted on the laptop, queued, and
 sent to the central server exactly once whenever a link exists.
 .
 Run 'fieldapp --self-test' to check an installation; 'fieldapp' opens the app.
EOF
}

VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
make_venv
build_bundle
build_tarball
build_deb

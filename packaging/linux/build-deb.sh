#!/usr/bin/env bash
# dist/palette_VERSION_ARCH.deb from the one-folder bundle dist/palette (packaging/build.sh runs this on
# Debian-family systems; alone it repackages an existing bundle in seconds):
#   /opt/palette/…            the bundle, as built
#   /usr/bin/palette           the command line (and the tray app without a command)
#   /usr/bin/palette-gui       the tray app, what the menu entry starts
#   /usr/share/applications/palette.desktop, /usr/share/icons/hicolor/scalable/apps/palette.svg
# Depends: packaging/linux/debian-depends. No maintainer scripts: dpkg's triggers refresh the menu and
# icon caches, and nothing touches the users' phrases (~/.local/share/Palette) on install or removal.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x dist/palette/palette ] || { echo "build-deb: dist/palette is missing: run packaging/build.sh" >&2; exit 2; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' palette/__init__.py)
arch=$(dpkg --print-architecture)
root=build/deb/palette
rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/doc/palette" "$root/usr/share/lintian/overrides"
cp -a dist/palette "$root/opt/palette"
rm -f "$root/opt/palette/install.sh" "$root/opt/palette/palette.desktop" "$root/opt/palette/palette.svg"  # the tarball's
ln -s /opt/palette/palette "$root/usr/bin/palette"
printf '#!/bin/sh\n# The tray app (the menu entry and autostart start this).\nexec /opt/palette/palette "$@"\n' \
  >"$root/usr/bin/palette-gui"
sed "s|@BIN@|palette-gui|" packaging/linux/palette.desktop >"$root/usr/share/applications/palette.desktop"
cp resources/icons/palette.svg "$root/usr/share/icons/hicolor/scalable/apps/palette.svg"
cat >"$root/usr/share/doc/palette/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: palette

Files: *
Copyright: 2026 the Palette authors
License: MIT
 The bundled Python, Qt (PySide6, LGPL-3) and other libraries keep their own licences; see
 /opt/palette/_internal for their files.
COPYRIGHT
printf 'palette (%s) unstable; urgency=medium\n\n  * Built from the one-folder bundle by packaging/build.sh.\n\n -- Palette maintainers <palette-maintainers@users.noreply.github.com>  %s\n' \
  "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n >"$root/usr/share/doc/palette/changelog.gz"
cp packaging/linux/lintian-overrides "$root/usr/share/lintian/overrides/palette"
find "$root" -type d -exec chmod 0755 {} +
chmod 0755 "$root/usr/bin/palette-gui"
find "$root/usr/share" -type f -exec chmod 0644 {} +
depends=$(sed -e 's/#.*//' -e '/^ *$/d' packaging/linux/debian-depends | paste -sd, | sed 's/,/, /g')
cat >"$root/DEBIAN/control" <<CONTROL
Package: palette
Version: $version
Architecture: $arch
Maintainer: Palette maintainers <palette-maintainers@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: utils
Priority: optional
Homepage: https://github.com/palette/palette
Description: phrase palette for customer-service agents (快捷话术板)
 A hotkey opens a palette of approved customer-service phrases; two or three
 letters (pinyin initials, a shortcut code or a word) find one, and Enter pastes
 it, placeholders filled, into the window the agent came from.
CONTROL
out="dist/palette_${version}_${arch}.deb"
rm -f dist/palette_*_"$arch".deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "build: $out ($(du -h "$out" | cut -f1))" >&2

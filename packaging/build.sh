#!/usr/bin/env bash
# Build the installable bundle for this OS into dist/ — the one command, from a clean clone:
#   bash packaging/build.sh
# Linux: dist/palette/ (the one-folder app) and dist/palette-VERSION-linux-ARCH.tar.gz, which unpacks to a
#        folder with install.sh (per-user or --system, .desktop entry, icon, optional autostart);
#        on Debian-family systems also dist/palette_VERSION_ARCH.deb (packaging/linux/build-deb.sh).
# macOS: dist/Palette.app (menu-bar only) and dist/Palette-VERSION-macos.zip.
# Windows builds with PowerShell and Inno Setup instead: see the README's "Install" section.
# Sets itself up like start.sh (bootstrap.sh --build: .venv with PyInstaller, every package at its
# constraints.txt version, so two builds a month apart bundle the same code); takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/bootstrap.sh --build
py=.venv/bin/python
version=$("$py" -c 'import palette; print(palette.__version__)')
say() { echo "build: $*" >&2; }

say "PyInstaller: dist/palette (log: build/pyinstaller.log)"
rm -rf build/pyinstaller dist/palette dist/Palette.app
mkdir -p build
"$py" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/palette.spec >build/pyinstaller.log 2>&1 || { tail -30 build/pyinstaller.log >&2; exit 1; }

case "$(uname -s)" in
  Linux)
    name="palette-$version-linux-$(uname -m)"
    cp packaging/linux/install.sh packaging/linux/palette.desktop resources/icons/palette.svg dist/palette/
    chmod +x dist/palette/install.sh
    rm -f dist/palette-*-linux-*.tar.gz
    tar -C dist --transform "s,^palette,$name," -czf "dist/$name.tar.gz" palette
    say "dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1)); unpack it and run ./install.sh"
    if command -v dpkg-deb >/dev/null 2>&1; then  # Debian, Ubuntu, UOS, Kylin: also a .deb
      bash packaging/linux/build-deb.sh
    fi
    ;;
  Darwin)
    rm -f dist/Palette-*-macos.zip
    ditto -c -k --keepParent dist/Palette.app "dist/Palette-$version-macos.zip"
    say "dist/Palette.app and dist/Palette-$version-macos.zip"
    ;;
  *) say "dist/palette: package it with the platform's installer (see the README)" ;;
esac

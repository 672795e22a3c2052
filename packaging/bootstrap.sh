#!/usr/bin/env bash
# Set up a source checkout to run Palette: Debian packages when missing, a virtual environment in .venv,
# and Palette installed into it (editable) with the exact versions in constraints.txt. Idempotent and quick
# when nothing changed.
#   bash packaging/bootstrap.sh          what the app needs
#   bash packaging/bootstrap.sh --test   plus what the test suite and bench/ need (Xvfb, xdotool, real targets)
#   bash packaging/bootstrap.sh --build  plus PyInstaller, to build the installable bundle (packaging/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
want_build=0
for arg in "$@"; do
  case $arg in
    --test) want_test=1 ;;
    --build) want_build=1 ;;
    *) echo "usage: bash packaging/bootstrap.sh [--test] [--build]" >&2; exit 2 ;;
  esac
done

say() { echo "bootstrap: $*" >&2; }

# Debian packages: Qt's xcb platform plugin needs the libxcb set; Chinese glyphs need a CJK font. One list,
# also the .deb's Depends (packaging/linux/debian-depends; of alternatives "a | b" the first).
runtime_pkgs=$(sed -e 's/#.*//' -e 's/|.*//' packaging/linux/debian-depends | tr -s ' \n' ' ')
# The end-to-end tests: a virtual X server, a window manager, key injection, and real paste targets
# (a Tk program on Debian's python3-tk, a GTK editor, a terminal and a browser); the bundle's menu entry
# and .deb checks (desktop-file-utils, lintian, fakeroot); real Chinese input methods (ibus with
# libpinyin, set up with gsettings from libglib2.0-bin; fcitx5 with its pinyin; each with its own
# D-Bus session: dbus-x11); nginx serves the team
# library to the 500 simulated agents (tests/team_scale.py).
test_pkgs="xvfb xauth xdotool x11-utils xclip openbox python3-tk mousepad xterm xfonts-base chromium desktop-file-utils
  lintian fakeroot ibus ibus-libpinyin ibus-gtk3 libglib2.0-bin dbus-x11 fcitx5 fcitx5-chinese-addons fcitx5-frontend-gtk3 nginx-light"

# The bundle: PyInstaller reads each library's dependencies with objdump, and bundles Debian's Python
# from its shared library (python3-dev used to bring both; no compiler is needed).
build_pkgs="binutils"
if [ $want_build = 1 ] && [ "$("${PYTHON:-python3}" -c 'import sys; print(sys.base_prefix)')" = /usr ]; then
  build_pkgs="$build_pkgs libpython$("${PYTHON:-python3}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
fi

pkgs=$runtime_pkgs
[ $want_test = 1 ] && pkgs="$pkgs $test_pkgs"
[ $want_build = 1 ] && pkgs="$pkgs $build_pkgs"
if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  PYTHON=${PYTHON:-python3}
  # Debian's own python3 has no venv module until python3-venv is installed.
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then missing="$missing python3-venv"; fi
  if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  say "not a Debian system: install the Qt xcb libraries (and for tests Xvfb, xdotool, openbox) yourself"
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" - <<'PY' || { say "Palette needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
import sys
raise SystemExit(sys.version_info < (3, 11))
PY

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi
extras=()
[ $want_test = 1 ] && extras+=(test bench)
[ $want_build = 1 ] && extras+=(build)
extra=""
[ ${#extras[@]} -gt 0 ] && extra="[$(IFS=,; echo "${extras[*]}")]"
stamp=".venv/.palette-installed$extra"
# Exact versions from constraints.txt; a change to it or to pyproject.toml reinstalls.
sum=$( (sha256sum pyproject.toml constraints.txt 2>/dev/null || shasum -a 256 pyproject.toml constraints.txt) \
  | cut -d' ' -f1 | tr '\n' ' ')  # shasum: macOS
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  say "installing Palette and its Python packages into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".$extra"
  echo "$sum" > "$stamp"
fi

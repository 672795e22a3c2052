#!/bin/sh
# Install Palette from this unpacked folder (made by packaging/build.sh), then check it with --self-test.
#   ./install.sh                 for you: ~/.local/opt/palette, ~/.local/bin/palette, a menu entry
#   ./install.sh --system        for every user (as root): /opt/palette, /usr/local/bin/palette
#   ./install.sh --autostart     also start Palette at login (combine with --system for every user)
#   ./install.sh --uninstall     remove the program; your phrases (~/.local/share/Palette) stay
#   ./install.sh --uninstall --purge   and delete your phrases database too
# (installed, this script is ~/.local/opt/palette/install.sh, or /opt/palette/install.sh with --system)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
scope=user autostart=0 action=install purge=0
for arg in "$@"; do
  case $arg in
    --system) scope=system ;;
    --autostart) autostart=1 ;;
    --uninstall) action=uninstall ;;
    --purge) purge=1 ;;
    -h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
if [ $scope = system ]; then
  [ "$(id -u)" = 0 ] || { echo "install.sh: --system needs root (sudo ./install.sh --system)" >&2; exit 2; }
  app=/opt/palette bin=/usr/local/bin share=/usr/share autostart_dir=/etc/xdg/autostart
else
  app=$HOME/.local/opt/palette bin=$HOME/.local/bin share=${XDG_DATA_HOME:-$HOME/.local/share}
  autostart_dir=${XDG_CONFIG_HOME:-$HOME/.config}/autostart
fi
desktop=$share/applications/palette.desktop
icon=$share/icons/hicolor/scalable/apps/palette.svg
refresh_menus() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
}

if [ $action = uninstall ]; then
  rm -rf "$app"
  rm -f "$bin/palette" "$desktop" "$icon" "$autostart_dir/palette.desktop"
  refresh_menus
  data=${XDG_DATA_HOME:-$HOME/.local/share}/Palette
  if [ $purge = 1 ]; then
    rm -rf "$data"
    echo "Palette removed, with your phrases database ($data)."
  else
    echo "Palette removed. Your phrases database stays in $data (--uninstall --purge deletes it)."
  fi
  exit 0
fi

[ -x "$here/palette" ] || { echo "install.sh: $here/palette is missing: run me from the unpacked bundle" >&2; exit 2; }
rm -rf "$app.new"
mkdir -p "$app.new" "$bin" "$share/applications" "$(dirname "$icon")"
cp -R "$here/." "$app.new/"  # install.sh comes along: "$app/install.sh --uninstall" later
rm -rf "$app" && mv "$app.new" "$app"
ln -sf "$app/palette" "$bin/palette"
cp "$here/palette.svg" "$icon"
sed "s|@BIN@|$app/palette|" "$here/palette.desktop" >"$desktop"
if [ $autostart = 1 ]; then
  mkdir -p "$autostart_dir"
  cp "$desktop" "$autostart_dir/palette.desktop"
fi
refresh_menus
echo "Palette installed in $app ($bin/palette, menu entry $desktop)."

# A throw-away data folder, so the check never touches anyone's phrases.
check_home=$(mktemp -d)
if PALETTE_HOME="$check_home" "$app/palette" --self-test; then
  rm -rf "$check_home"
else
  rm -rf "$check_home"
  echo "install.sh: the self-test failed (above). On Debian/Ubuntu the Qt desktop libraries are:" >&2
  echo "  sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libegl1 fonts-noto-cjk" >&2
  exit 1
fi
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "Note: $bin is not on your PATH; the menu entry works, or log in again." ;;
esac

"""OS integration behind small interfaces (hotkey, focus, key injection), one module per OS.

`load(qt_platform)` picks the backend for the running Qt platform plugin and imports only that module.
Sessions without global hotkeys (Wayland, offscreen) get none and a `Problem` the tray can explain.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum

from palette.platform.base import Desktop, HotkeyBackend, HotkeyError


class Problem(StrEnum):
    """Why the hotkey or pasting is unavailable, for one notification."""

    WAYLAND = "wayland"  # the compositor keeps global keys to itself
    NO_HOTKEYS = "no-hotkeys"  # no backend for this Qt platform (offscreen, vnc, ...)
    FAILED = "failed"  # the backend refused: `Backends.message` has its own words


@dataclass
class Backends:
    hotkey: HotkeyBackend | None
    desktop: Desktop | None
    problem: Problem | None = None
    message: str = ""  # the backend's error, for Problem.FAILED

    def failed(self, message: str) -> None:
        """The backend reported an error (at start, or arming the hotkey)."""
        self.problem, self.message = Problem.FAILED, message


def load(qt_platform: str) -> Backends:
    """The backends for this session; never raises, a missing piece is reported in `problem`."""
    if qt_platform == "xcb":
        from palette.platform.x11 import X11Desktop, X11Hotkey

        try:
            return Backends(X11Hotkey(), X11Desktop())
        except HotkeyError as e:
            return Backends(X11Hotkey(), None, Problem.FAILED, str(e))
    if qt_platform == "windows" and sys.platform == "win32":
        from palette.platform.win32 import Win32Desktop, Win32Hotkey

        return Backends(Win32Hotkey(), Win32Desktop())
    if qt_platform == "cocoa" and sys.platform == "darwin":
        from palette.platform.darwin import DarwinDesktop, DarwinHotkey

        return Backends(DarwinHotkey(), DarwinDesktop())
    if qt_platform.startswith("wayland") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return Backends(None, None, Problem.WAYLAND)
    return Backends(None, None, Problem.NO_HOTKEYS)


def display_problem(env: dict[str, str] | None = None) -> str | None:
    """Why Qt could not open a display here, or None; Qt itself aborts with a core dump instead of saying so.

    Only Linux/BSD desktops need a display server named in the environment; an explicit
    `QT_QPA_PLATFORM` other than xcb (offscreen, wayland, vnc) is trusted as it is.
    """
    env = dict(os.environ) if env is None else env
    if sys.platform in ("win32", "darwin"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    name = env.get("DISPLAY", "")
    if not name:
        wayland = env.get("WAYLAND_DISPLAY", "")
        if wayland and not platform:
            socket = os.path.join(env.get("XDG_RUNTIME_DIR", ""), wayland)  # an absolute name stays as it is
            if os.path.exists(socket):
                return None
            return f"cannot open the Wayland display {wayland!r}: no socket at {socket!r} (is XDG_RUNTIME_DIR set?)"
        return (
            "no display: set DISPLAY to your X server (e.g. DISPLAY=:0); under Wayland, bind a desktop shortcut"
            " to `palette show` and start Palette from your session"
        )
    try:
        from Xlib import display, error
    except ImportError:
        return None  # no python-xlib on this platform: let Qt try
    try:
        display.Display(name).close()
    except (error.DisplayError, error.ConnectionClosedError, OSError) as e:
        reason = " ".join(str(e).split())
        return f"cannot open the display {name!r} ({reason}); is the X server running, and is XAUTHORITY set?"
    return None


def release_memory() -> None:
    """Give freed heap back to the OS while the tray app idles (glibc keeps it otherwise)."""
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)

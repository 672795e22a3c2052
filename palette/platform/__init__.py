"""OS integration behind small interfaces (hotkey, focus, key injection), one module per OS.

`load(qt_platform)` picks the backend for the running Qt platform plugin and imports only that module.
Sessions without global hotkeys (Wayland, offscreen) get none and a reason the tray can show.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from palette.platform.base import Desktop, HotkeyBackend, HotkeyError


@dataclass
class Backends:
    hotkey: HotkeyBackend | None
    desktop: Desktop | None
    problem: str = ""  # why the hotkey or pasting is unavailable, for one notification


def load(qt_platform: str) -> Backends:
    """The backends for this session; never raises, a missing piece is reported in `problem`."""
    if qt_platform == "xcb":
        from palette.platform.x11 import X11Desktop, X11Hotkey

        try:
            return Backends(X11Hotkey(), X11Desktop())
        except HotkeyError as e:
            return Backends(X11Hotkey(), None, str(e))
    if qt_platform == "windows" and sys.platform == "win32":
        from palette.platform.win32 import Win32Desktop, Win32Hotkey

        return Backends(Win32Hotkey(), Win32Desktop())
    if qt_platform == "cocoa" and sys.platform == "darwin":
        from palette.platform.darwin import DarwinDesktop, DarwinHotkey

        return Backends(DarwinHotkey(), DarwinDesktop())
    if qt_platform.startswith("wayland") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return Backends(None, None, "wayland")
    return Backends(None, None, "no-hotkeys")


def release_memory() -> None:
    """Give freed heap back to the OS while the tray app idles (glibc keeps it otherwise)."""
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)

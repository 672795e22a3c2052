"""macOS: a swallowed hotkey through pynput's event tap (darwin_intercept), focus by pid, Quartz key events.

An event tap needs the Accessibility permission (System Settings → Privacy & Security →
Accessibility); without it the tap sees nothing, which is reported as a hotkey error. The hotkey
callback runs on pynput's thread and only calls `on_activate`, which emits a queued Qt signal.
The pure parts (key codes and modifier flags) are tested on every OS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from palette.platform.base import HotkeyError, KeyStroke, WindowRef

# Quartz event flags and virtual key codes (ANSI layout), from <HIToolbox/Events.h>.
FLAG_SHIFT, FLAG_CONTROL, FLAG_ALT, FLAG_COMMAND = 0x20000, 0x40000, 0x80000, 0x100000
_FLAGS = {"shift": FLAG_SHIFT, "ctrl": FLAG_CONTROL, "alt": FLAG_ALT, "super": FLAG_COMMAND}
MODIFIER_KEYCODES = {"super": 55, "shift": 56, "alt": 58, "ctrl": 59}
_LETTERS = "asdfhgzxcv_bqweryt123465=97-80]ou[ip_lj'k;\\,/nm."  # keycode → character, 0…47
_NAMED = {
    "space": 49, "enter": 36, "tab": 48, "backspace": 51, "escape": 53, "insert": 114, "home": 115,
    "end": 119, "pageup": 116, "pagedown": 121, "left": 123, "right": 124, "down": 125, "up": 126,
    "grave": 50, "minus": 27, "equal": 24, "semicolon": 41, "comma": 43, "period": 47, "slash": 44,
    "backslash": 42, "apostrophe": 39, "bracketleft": 33, "bracketright": 30,
}  # fmt: skip
_F_KEYS = (122, 120, 99, 118, 96, 97, 98, 100, 101, 109, 103, 111, 105, 107, 113, 106, 64, 79, 80, 90)
_ALL_FLAGS = FLAG_SHIFT | FLAG_CONTROL | FLAG_ALT | FLAG_COMMAND


def keycode(name: str) -> int:
    """The macOS virtual key code for a key name as `config.parse_key_combo` writes it."""
    if name in _NAMED:
        return _NAMED[name]
    if len(name) == 1 and name in _LETTERS:
        return _LETTERS.index(name)
    if name.startswith("f") and name[1:].isdigit() and 1 <= int(name[1:]) <= len(_F_KEYS):
        return _F_KEYS[int(name[1:]) - 1]
    raise HotkeyError(f"no macOS key for {name!r}")


def combo_flags(combo: str) -> tuple[int, int]:
    """(modifier flags, key code) of a combination."""
    *mods, key = combo.split("+")
    flags = 0
    for m in mods:
        flags |= _FLAGS[m]
    return flags, keycode(key)


def matches(combo: tuple[int, int], event_keycode: int, event_flags: int) -> bool:
    """Whether a key-down event is the hotkey: same key, same modifiers (caps lock and others ignored)."""
    flags, code = combo
    return event_keycode == code and event_flags & _ALL_FLAGS == flags


class DarwinHotkey:
    def __init__(self) -> None:
        self._listener: Any = None

    def start(self, combo: str, on_activate: Callable[[], None]) -> None:
        import Quartz  # pyobjc-framework-Quartz, declared for macOS in pyproject.toml
        from pynput import keyboard

        self.stop()
        wanted = combo_flags(combo)

        def intercept(event_type: int, event: Any) -> Any:
            if event_type == Quartz.kCGEventKeyDown:
                code = Quartz.CGEventGetIntegerValueField(event, Quartz.kCGKeyboardEventKeycode)
                if matches(wanted, code, Quartz.CGEventGetFlags(event)):
                    on_activate()
                    return None  # swallowed: the focused program never sees it
            return event

        self._listener = keyboard.Listener(darwin_intercept=intercept)
        self._listener.start()
        self._listener.wait()
        if not getattr(self._listener, "IS_TRUSTED", True):
            self.stop()
            raise HotkeyError("Palette needs the Accessibility permission for its hotkey and pasting")

    def palette_ready(self) -> list[KeyStroke]:
        return []

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


class DarwinDesktop:
    name = "darwin"

    def __init__(self) -> None:
        import AppKit  # pyobjc-framework-Cocoa, declared for macOS in pyproject.toml
        import Quartz

        self.AppKit: Any = AppKit
        self.Quartz: Any = Quartz

    def active_window(self) -> WindowRef | None:
        app = self.AppKit.NSWorkspace.sharedWorkspace().frontmostApplication()
        if app is None:
            return None
        pid = int(app.processIdentifier())
        return WindowRef(pid, pid, str(app.bundleIdentifier() or "").lower())

    def activate(self, window: WindowRef) -> None:
        app = self.AppKit.NSRunningApplication.runningApplicationWithProcessIdentifier_(window.handle)
        if app is not None:
            app.activateWithOptions_(self.AppKit.NSApplicationActivateIgnoringOtherApps)

    def is_active(self, window: WindowRef) -> bool:
        app = self.AppKit.NSWorkspace.sharedWorkspace().frontmostApplication()
        return app is not None and int(app.processIdentifier()) == window.handle

    def geometry(self, window: WindowRef) -> tuple[int, int, int, int] | None:
        return None  # the app, not a window, is remembered on macOS: the pointer's screen is used

    def _flags(self) -> int:
        q = self.Quartz
        return int(q.CGEventSourceFlagsState(q.kCGEventSourceStateHIDSystemState)) & _ALL_FLAGS

    def modifiers_held(self) -> bool:
        return bool(self._flags())

    def release_modifiers(self) -> None:
        held = self._flags()
        for name, code in MODIFIER_KEYCODES.items():
            if held & _FLAGS[name]:
                self._post(code, down=False, flags=0)

    def send_combo(self, combo: str) -> None:
        flags, code = combo_flags(combo)
        self._post(code, down=True, flags=flags)
        self._post(code, down=False, flags=flags)

    def _post(self, code: int, *, down: bool, flags: int) -> None:
        q = self.Quartz
        event = q.CGEventCreateKeyboardEvent(None, code, down)
        q.CGEventSetFlags(event, flags)
        q.CGEventPost(q.kCGHIDEventTap, event)

    def can_paste_into(self, window: WindowRef) -> bool:
        """Posting keys needs the Accessibility permission; without it the paste would vanish."""
        import HIServices  # pyobjc-framework-ApplicationServices, declared for macOS

        return bool(HIServices.AXIsProcessTrusted())

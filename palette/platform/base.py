"""The small interfaces every OS backend implements: a global hotkey, and the desktop (focus and keys).

The Qt side only ever talks to these; each OS module (x11, win32, darwin) is imported lazily, so the
core and the offscreen widget tests never load an OS input library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class HotkeyError(Exception):
    """The hotkey cannot be registered: taken by another program, or no global hotkeys in this session."""


@dataclass(frozen=True, slots=True)
class WindowRef:
    """A window to paste into. `handle` is the OS id of the focused window, `toplevel` its top-level."""

    handle: int
    toplevel: int
    wm_class: str = ""  # lower-case class/process name, for the paste-key rules; never the title


@dataclass(frozen=True, slots=True)
class KeyStroke:
    """A key typed while the palette was still opening, replayed into its search box."""

    qt_key: int
    text: str


class HotkeyBackend(Protocol):
    """A global hotkey that the focused program never sees."""

    def start(self, combo: str, on_activate: Callable[[], None]) -> None:
        """Register `combo` (as `config.parse_key_combo` writes it). `on_activate` runs on a background
        thread and must only emit a Qt signal. Raises HotkeyError when the combination is taken."""

    def palette_ready(self) -> list[KeyStroke]:
        """The palette has keyboard focus (GUI thread): the keys typed since the hotkey, to replay now."""
        ...

    def stop(self) -> None: ...


class Desktop(Protocol):
    """Focus and key injection, called on the GUI thread only."""

    name: str

    def active_window(self) -> WindowRef | None: ...

    def activate(self, window: WindowRef) -> None:
        """Give the keyboard focus back to `window`."""

    def is_active(self, window: WindowRef) -> bool: ...

    def geometry(self, window: WindowRef) -> tuple[int, int, int, int] | None:
        """(x, y, width, height) of the window on the desktop, to open the palette on its screen."""

    def modifiers_held(self) -> bool:
        """Whether the agent still holds Ctrl, Alt, Shift or Super (from the hotkey)."""

    def release_modifiers(self) -> None:
        """Send key-up for every modifier still down, so the paste key is not read as Ctrl+Alt+V."""

    def send_combo(self, combo: str) -> None:
        """Press and release a combination such as `ctrl+v` or `shift+insert` in the focused window."""

    def can_paste_into(self, window: WindowRef) -> bool:
        """False where the OS forbids injecting keys into that window (an elevated program on Windows)."""

"""The OS backends' pure logic, on every OS: key codes, hotkey arguments, input sequences, X11 keystrokes."""

from __future__ import annotations

import pytest

from palette.core.config import DEFAULT_PASTE_RULES, paste_key_for
from palette.platform import Backends, Problem, darwin, load, win32
from palette.platform.base import HotkeyError


def test_windows_hotkey_arguments() -> None:
    assert win32.hotkey_args("ctrl+alt+space") == (win32.MOD_NOREPEAT | win32.MOD_CONTROL | win32.MOD_ALT, 0x20)
    assert win32.hotkey_args("super+f12") == (win32.MOD_NOREPEAT | win32.MOD_WIN, 0x7B)
    assert win32.virtual_key("k") == ord("K") and win32.virtual_key("7") == ord("7")
    with pytest.raises(HotkeyError):
        win32.virtual_key("nonsense")


def test_windows_paste_sequence_presses_then_releases_in_reverse() -> None:
    assert win32.key_sequence("ctrl+v") == [(0x11, False), (ord("V"), False), (ord("V"), True), (0x11, True)]
    assert win32.key_sequence("shift+insert") == [(0x10, False), (0x2D, False), (0x2D, True), (0x10, True)]


def test_macos_key_codes_and_flags() -> None:
    assert darwin.keycode("a") == 0 and darwin.keycode("v") == 9 and darwin.keycode("space") == 49
    assert darwin.keycode("f1") == 122 and darwin.keycode("0") == 29
    assert darwin.combo_flags("super+v") == (darwin.FLAG_COMMAND, 9)
    combo = darwin.combo_flags("ctrl+alt+space")
    assert darwin.matches(combo, 49, darwin.FLAG_CONTROL | darwin.FLAG_ALT | 0x10000)  # caps lock ignored
    assert not darwin.matches(combo, 49, darwin.FLAG_CONTROL)
    assert not darwin.matches(combo, 48, darwin.FLAG_CONTROL | darwin.FLAG_ALT)


@pytest.mark.parametrize(
    ("wm_class", "expected"),
    [("xterm", "shift+insert"), ("gnome-terminal-server", "ctrl+shift+v"), ("chromium", "ctrl+v"), ("", "ctrl+v")],
)
def test_paste_key_rules_by_window_class(wm_class: str, expected: str) -> None:
    assert paste_key_for(wm_class, DEFAULT_PASTE_RULES, "ctrl+v") == expected


def test_x11_keystrokes_for_early_keys() -> None:
    x11 = pytest.importorskip("palette.platform.x11")
    assert x11.keystroke_for(ord("n")).text == "n"
    assert x11.keystroke_for(ord("n")).qt_key == ord("N")
    assert x11.keystroke_for(0xFF0D).qt_key == 0x01000004  # Return
    assert x11.keystroke_for(0xFFE3) is None  # Control_L: not replayed


def test_sessions_without_global_hotkeys_get_a_problem_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    offscreen = load("offscreen")
    assert (offscreen.hotkey, offscreen.desktop, offscreen.problem) == (None, None, Problem.NO_HOTKEYS)
    assert load("wayland").problem is Problem.WAYLAND
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert load("offscreen").problem is Problem.WAYLAND


def test_a_failed_backend_keeps_its_own_words_for_the_notice() -> None:
    from palette.app import _problem_text

    backends = Backends(None, None)
    assert backends.problem is None
    backends.failed("ctrl+alt+space is taken by another program")
    assert backends.problem is Problem.FAILED
    assert "ctrl+alt+space is taken by another program" in _problem_text(backends)
    assert "palette show" in _problem_text(Backends(None, None, Problem.WAYLAND))
    assert "ctrl+alt+space" not in _problem_text(Backends(None, None, Problem.NO_HOTKEYS, "ctrl+alt+space"))

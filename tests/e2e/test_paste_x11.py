"""Hotkey → type → Enter → the finished phrase arrives in a separate program, under Xvfb.

Each test runs with no window manager and with openbox, against real target programs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import GREETING
from tests.e2e.xsession import App, XSession, start_target, wait_for

HOTKEY = "ctrl+alt+space"


def summon_and_paste(session: XSession, app: App, query: str) -> None:
    mark = app.mark()
    session.xdotool("key", HOTKEY)
    session.xdotool("type", "--delay", "20", query)  # typed at once: the palette may still be opening
    app.wait_event("palette.shown", after=mark)
    session.xdotool("key", "Return")
    app.wait_event("paste.done", after=mark)


@pytest.mark.parametrize("kind", ["tk", "qt"])
def test_finished_phrase_arrives_and_hotkey_is_swallowed(
    session: XSession, app: App, kind: str, tmp_path: Path
) -> None:
    target = start_target(session, kind, tmp_path)
    summon_and_paste(session, app, "kc1")
    wait_for(lambda: target.text() == GREETING, 5, f"the greeting in the {kind} target (got {target.text()!r})")
    keys = target.keys()
    assert not any(k.split()[0] in ("space", "32") for k in keys), f"the hotkey reached the target: {keys}"
    assert not any(k.split()[0] in ("k", "c", "1", "75", "67", "49") for k in keys), "typed keys leaked: {keys}"


def test_old_clipboard_text_is_restored(session: XSession, app: App, tmp_path: Path) -> None:
    target = start_target(session, "tk", tmp_path)
    own = "客户的订单号 A-20261124".encode()
    session.clipboard_set(own)
    mark = app.mark()
    summon_and_paste(session, app, "kc1")
    wait_for(lambda: target.text() == GREETING, 5, "the greeting")
    assert app.wait_event("clipboard.restored", after=mark)["restored"] is True
    assert session.clipboard_get() == own


def test_old_clipboard_image_is_restored(session: XSession, app: App, tmp_path: Path) -> None:
    target = start_target(session, "qt", tmp_path)
    png = (Path(__file__).parents[2] / "resources" / "icons" / "palette.svg").read_bytes()
    session.clipboard_set(png, mime="image/svg+xml")
    mark = app.mark()
    summon_and_paste(session, app, "kc1")
    wait_for(lambda: target.text() == GREETING, 5, "the greeting")
    app.wait_event("clipboard.restored", after=mark)
    assert "image/svg+xml" in session.clipboard_targets()
    assert session.clipboard_get("image/svg+xml") == png


@pytest.mark.parametrize("kind", ["tk", "qt"])
def test_paste_arrives_with_alt_still_held(session: XSession, app: App, kind: str, tmp_path: Path) -> None:
    target = start_target(session, kind, tmp_path)
    mark = app.mark()
    session.xdotool("key", HOTKEY)
    app.wait_event("palette.shown", after=mark)
    session.xdotool("type", "kc1")
    session.xdotool("keydown", "alt")
    try:
        session.xdotool("key", "Return")
        app.wait_event("paste.done", after=mark)
        wait_for(lambda: target.text() == GREETING, 5, f"the greeting (got {target.text()!r})")
    finally:
        session.xdotool("keyup", "alt")


@pytest.mark.parametrize("kind", ["chromium", "mousepad", "xterm"])
def test_real_programs_receive_the_finished_phrase(session: XSession, app: App, kind: str, tmp_path: Path) -> None:
    """A web chat box (chromium), a GTK editor (mousepad) and a terminal (xterm: Shift+Insert, PRIMARY)."""
    if kind == "xterm" and not _have_pty():
        pytest.skip("no pseudo-terminals here (/dev/pts not mounted, as in a bare chroot): xterm cannot start")
    target = start_target(session, kind, tmp_path)
    summon_and_paste(session, app, "kc1")
    wait_for(lambda: target.text(session) == GREETING, 10, f"the greeting in {kind} (got {target.text()!r})")


def _have_pty() -> bool:
    try:
        master, slave = os.openpty()
    except OSError:
        return False
    os.close(master)
    os.close(slave)
    return True

"""A real Chinese input method in a test's X session: ibus with libpinyin, or fcitx5 with its pinyin.

`input_method(session, kind, home)` starts a private D-Bus session bus and the daemon on the session's
display, and points `session.env` at them (HOME, the bus, `QT_IM_MODULE=ibus`), so every program
started afterwards (Palette, a target, xdotool) talks to that input method, as on an agent's desktop.
fcitx5 is reached through its ibus-compatible frontend, the same Qt plugin. Facts and pitfalls behind
each step: ../shared/notes/ime-x11.md (the HOME the daemon writes its address under, the lone Shift
that switches libpinyin to English, libpinyin learning frequencies: a fresh HOME per session).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.xsession import XSession, wait_for

KINDS = ("ibus", "fcitx5")
_NEEDS = {
    "ibus": ("ibus-daemon", "ibus", "dbus-launch", "gsettings"),
    "fcitx5": ("fcitx5", "fcitx5-remote", "dbus-launch"),
}
_FCITX5_PROFILE = """[Groups/0]
Name=Default
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=Default
"""


@dataclass
class InputMethod:
    """The running input method: switch it on and off, and tell its state, as the agent's desktop would."""

    kind: str
    session: XSession

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """One command; a daemon still starting can leave it hanging: then it failed (callers retry)."""
        try:
            return subprocess.run(args, env=self.session.env, capture_output=True, text=True, timeout=3)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 124, "", "timed out")

    def state(self) -> str:
        """ibus: the global engine (`libpinyin` or `xkb:us::eng`); fcitx5: the focused window's
        `on`/`off` and input method."""
        if self.kind == "ibus":
            return self._run("ibus", "engine").stdout.strip()
        active = self._run("fcitx5-remote").stdout.strip() == "2"
        return f"{'on' if active else 'off'} {self._run('fcitx5-remote', '-n').stdout.strip()}"

    def on(self) -> None:
        """Pinyin on (for fcitx5: in the focused window)."""
        if self.kind == "ibus":
            wait_for(lambda: self._set_engine("libpinyin"), 10, "ibus to take libpinyin")
        else:
            self._run("fcitx5-remote", "-o")
            wait_for(lambda: self._run("fcitx5-remote").stdout.strip() == "2", 10, "fcitx5 to switch pinyin on")

    def off(self) -> None:
        """Plain US keys (for fcitx5: in the focused window)."""
        if self.kind == "ibus":
            wait_for(lambda: self._set_engine("xkb:us::eng"), 10, "ibus to take the US layout")
        else:
            self._run("fcitx5-remote", "-c")
            wait_for(lambda: self._run("fcitx5-remote").stdout.strip() == "1", 10, "fcitx5 to switch pinyin off")

    def _set_engine(self, engine: str) -> bool:
        self._run("ibus", "engine", engine)  # exits 1 for libpinyin even when it works: read it back
        return self.state() == engine

    def compose(self, pinyin: str) -> None:
        """Type letters for the input method to compose (a preedit opens; nothing is committed yet)."""
        self.session.xdotool("type", "--delay", "12", pinyin)

    def type_chinese(self, pinyin: str) -> None:
        """Type `pinyin` and commit its first candidate with space, as an agent does."""
        self.compose(pinyin)
        self.session.xdotool("key", "space")


def have(kind: str) -> bool:
    return all(shutil.which(tool) for tool in _NEEDS[kind])


@contextmanager
def input_method(session: XSession, kind: str, home: Path) -> Iterator[InputMethod]:
    """Start `kind` ("ibus" or "fcitx5") with its own D-Bus session bus on `session`'s display, its
    files in `home`; `session.env` points there until the end."""
    saved = dict(session.env)
    env = {k: v for k, v in session.env.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), QT_IM_MODULE="ibus", GTK_IM_MODULE="ibus", XMODIFIERS="@im=ibus")
    home.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True).stdout
    address, bus_pid = re.search(r"ADDRESS='([^']+)'", out), re.search(r"PID=(\d+)", out)
    assert address and bus_pid, out
    env["DBUS_SESSION_BUS_ADDRESS"] = address[1]
    session.env.clear()
    session.env.update(env)
    method = InputMethod(kind, session)
    daemon: subprocess.Popen[bytes] | None = None
    try:
        if kind == "ibus":
            session.run("ibus-daemon", "-drx", "--panel", "disable")
            method.on()
            # a lone Shift tap would switch libpinyin to English unseen by `ibus engine`: no toggle key
            session.run("gsettings", "set", "com.github.libpinyin.ibus-libpinyin.libpinyin", "main-switch", "''")
        else:
            profile = home / ".config" / "fcitx5" / "profile"
            profile.parent.mkdir(parents=True, exist_ok=True)
            profile.write_text(_FCITX5_PROFILE, encoding="utf-8")
            daemon = session.spawn("fcitx5", "-D", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(lambda: _bus_has(session, "org.freedesktop.IBus"), 15, "fcitx5's ibus frontend on the bus")
        yield method
    finally:
        if kind == "ibus":
            session.run("ibus", "exit", check=False)
        elif daemon is not None and daemon.poll() is None:
            daemon.terminate()
            daemon.wait(timeout=10)
        subprocess.run(["kill", bus_pid[1]], check=False)
        session.env.clear()
        session.env.update(saved)


def _bus_has(session: XSession, name: str) -> bool:
    out = session.run(
        "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner", f"string:{name}", check=False,
    )  # fmt: skip
    return "true" in out

"""Helpers for the end-to-end tests: a private Xvfb (with or without openbox), target programs, the app.

Everything is a real process: the X server, the window manager, the target program the agent pastes
into, and Palette itself, started as `python -m palette` with its own PALETTE_HOME. Waits poll a
condition with a deadline; the app is followed through its structured event log on stderr.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "tests" / "targets"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3 has python3-tk; the venv's may not


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


@dataclass
class XSession:
    display: str
    env: dict[str, str]
    wm: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def run(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=30)
        if check and out.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {out.stderr.strip()}")
        return out.stdout

    def xdotool(self, *args: str) -> str:
        return self.run("xdotool", *args)

    def spawn(self, *args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(args, env=kwargs.pop("env", self.env), **kwargs)
        self.procs.append(proc)
        return proc

    def focus(self, window_id: str) -> None:
        """Focus a window the way an agent's click would: through the WM when there is one."""
        if self.wm == "openbox":
            self.xdotool("windowactivate", "--sync", window_id)
        else:
            self.xdotool("windowfocus", "--sync", window_id)
        wait_for(
            lambda: self.xdotool("getwindowfocus").strip() == window_id or self._focus_in(window_id), 5, "target focus"
        )

    def _focus_in(self, window_id: str) -> bool:
        """Whether the focused window is `window_id` or one of its children (Tk focuses an inner window)."""
        focused = self.xdotool("getwindowfocus").strip()
        tree = self.run("xwininfo", "-children", "-id", window_id, check=False)
        return f"0x{int(focused):x}" in tree

    def find_window(self, name: str, timeout: float = 15.0) -> str:
        def search() -> str:
            out = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", name], env=self.env, capture_output=True, text=True
            )
            return out.stdout.split()[0] if out.stdout.split() else ""

        return str(wait_for(search, timeout, f"window {name!r}"))

    def clipboard_set(self, data: bytes, mime: str = "UTF8_STRING", selection: str = "clipboard") -> None:
        """Make xclip (a separate program, as the agent's own app would be) own the clipboard."""
        proc = subprocess.Popen(
            ["xclip", "-selection", selection, "-t", mime, "-i"],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        proc.communicate(data, timeout=10)
        wait_for(lambda: self.clipboard_get(mime, selection) == data, 5, "xclip to own the clipboard")

    def clipboard_get(self, mime: str = "UTF8_STRING", selection: str = "clipboard") -> bytes:
        out = subprocess.run(
            ["xclip", "-selection", selection, "-t", mime, "-o"], env=self.env, capture_output=True, timeout=10
        )
        return out.stdout if out.returncode == 0 else b""

    def clipboard_targets(self) -> list[str]:
        return self.clipboard_get("TARGETS").decode(errors="replace").split()


@contextmanager
def x_session(wm: str = "none") -> Iterator[XSession]:
    """A private Xvfb on a free display number, with openbox when `wm == "openbox"`."""
    for tool in ("Xvfb", "xdotool", "xclip", "xwininfo"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: run `bash packaging/bootstrap.sh --test`")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb", LANG="C.UTF-8")
    session = XSession(f":{number}", env, wm, [xvfb])
    try:
        if wm == "openbox":
            session.spawn("openbox", "--sm-disable", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(lambda: "_NET_SUPPORTING_WM_CHECK" in session.run("xprop", "-root", check=False), 10, "openbox")
        yield session
    finally:
        for proc in reversed(session.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(session.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()


@dataclass
class Target:
    """A program the agent pastes into, reporting its whole text to `out` and its key presses to `keylog`."""

    window: str
    out: Path
    keylog: Path
    save_keys: str = ""  # a key that makes the program write its text to `out` (an editor's Ctrl+S)

    def text(self, session: XSession | None = None) -> str:
        if self.save_keys and session is not None:
            session.xdotool("key", self.save_keys)  # XTEST to the focused editor; GTK ignores sent events
            time.sleep(0.2)
        return self.out.read_text(encoding="utf-8") if self.out.exists() else ""

    def keys(self) -> list[str]:
        return self.keylog.read_text(encoding="utf-8").splitlines() if self.keylog.exists() else []


class _ChatPage(http.server.SimpleHTTPRequestHandler):
    """Serves tests/targets/chat.html; its script posts the textarea's value on every input."""

    out: Path

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        part = self.out.with_name(f"{self.out.name}.{threading.get_ident()}.part")
        part.write_bytes(data)
        os.replace(part, self.out)  # a reader never sees half a report
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _serve_chat_page(out: Path, page: str = "chat.html", message: str = "") -> str:
    handler = type("Handler", (_ChatPage,), {"out": out})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(TARGETS)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    query = f"?msg={urllib.parse.quote(message)}" if message else ""
    return f"http://127.0.0.1:{server.server_address[1]}/{page}{query}"


def start_target(session: XSession, kind: str, workdir: Path, *, message: str = "") -> Target:
    """Start a paste target: our own Qt and Tk programs, or Debian's xterm, mousepad or chromium; `chat`
    (chromium with a chat page whose Enter sends) and `qt-chat` (Ctrl+Enter sends) write their messages
    as JSON to `out` (`message`: the customer's line the chromium chat page shows above its input box)."""
    out, keylog = workdir / f"{kind}.txt", workdir / f"{kind}.keys"
    save_keys = ""
    errors = (workdir / f"{kind}.err").open("wb")  # what a target says when it fails to start
    quiet = {"stdout": subprocess.DEVNULL, "stderr": errors}
    if kind == "tk":
        session.spawn(SYSTEM_PYTHON, str(TARGETS / "tk_target.py"), str(out), str(keylog))
        title = "tk-target"
        wait_for(Path(str(out) + ".ready").exists, 15, "tk target to start")
    elif kind == "qt":
        session.spawn(sys.executable, str(TARGETS / "qt_target.py"), str(out), str(keylog))
        title = "qt-target"
        wait_for(Path(str(out) + ".ready").exists, 15, "qt target to start")
    elif kind == "xterm":  # a terminal: pastes PRIMARY with Shift+Insert; cat writes what arrives
        session.spawn("xterm", "-T", "xterm-target", "-e", "sh", "-c", f"stty -icanon; cat > '{out}'", **quiet)
        title = "xterm-target"
    elif kind == "mousepad":  # a GTK 3 editor: Ctrl+S writes the file
        out.write_text("", encoding="utf-8")
        session.spawn("mousepad", "--disable-server", str(out), **quiet)
        title, save_keys = out.name, "ctrl+s"
    elif kind in ("qt-chat", "qt-chat-read-only"):  # the second takes no paste
        session.spawn(
            sys.executable, str(TARGETS / "qt_chat.py"), str(out), *(["--read-only"] if "only" in kind else []), **quiet
        )
        title = "qt-chat"
        wait_for(Path(str(out) + ".ready").exists, 15, "qt chat to start")
    elif kind in ("chromium", "chat"):  # a web chat box, what most agents type into
        url = _serve_chat_page(out, "send.html" if kind == "chat" else "chat.html", message)
        profile = workdir / "chromium-profile"
        session.spawn(
            "chromium", "--no-sandbox", "--test-type", "--no-first-run", "--disable-gpu", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--password-store=basic", f"--user-data-dir={profile}", f"--app={url}", **quiet,
        )  # fmt: skip
        title = "send-target" if kind == "chat" else "chat-target"
        wait_for(out.exists, 30, "the chat page to load")
    else:
        raise ValueError(kind)
    try:
        window = session.find_window(title, timeout=30)
    except TimeoutError as e:
        raise TimeoutError(
            f"{e}; {kind} said: {(workdir / f'{kind}.err').read_text(errors='replace')[-500:]}"
        ) from None
    finally:
        errors.close()
    target = Target(window, out, keylog, save_keys)
    session.focus(target.window)
    return target


class App:
    """Palette running as its own process; `events` are the JSON lines of its event log."""

    started: ClassVar[list[App]] = []  # this test's apps, whose logs conftest prints when the test fails

    def __init__(self, session: XSession, home: Path, *args: str) -> None:
        env = {**session.env, "PALETTE_HOME": str(home)}
        self.proc = session.spawn(
            sys.executable, "-m", "palette", *args, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
        )
        self.events: list[dict[str, Any]] = []
        self.other: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        App.started.append(self)

    def log(self) -> str:
        """Everything the app wrote to stderr so far: its events (no text by design) and anything else."""
        self._drain()
        lines = [json.dumps(e, ensure_ascii=False) for e in self.events] + self.other
        return "\n".join(lines) or "(nothing)"

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            self._queue.put(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def _drain(self) -> None:
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                self.events.append(json.loads(line))
            except ValueError:
                self.other.append(line)

    def wait_event(self, name: str, timeout: float = 10.0, after: int = 0) -> dict[str, Any]:
        """The first event called `name` at index >= `after` (use `mark()` before acting)."""

        def find() -> dict[str, Any] | None:
            self._drain()
            if self.proc.poll() is not None and not any(e.get("event") == name for e in self.events[after:]):
                raise RuntimeError(f"palette exited ({self.proc.returncode}): {self.other[-5:]}")
            return next((e for e in self.events[after:] if e.get("event") == name), None)

        return dict(wait_for(find, timeout, f"event {name}"))

    def mark(self) -> int:
        self._drain()
        return len(self.events)

"""Latency of the real app under Xvfb: hotkey → palette shown, Enter → text in a target, cold start, RSS.

usage: .venv/bin/python bench/latency.py [--trials 30] [--wm none|openbox] [--send-trials 15]

Drives `python -m palette` with xdotool against the Tk target, as the end-to-end tests do, and prints
JSON. hotkey → shown is measured twice: from just before `xdotool key` is started (so it includes
starting xdotool, whose own run time is printed as a baseline), and inside the app from the moment
its hotkey thread read the key event to the palette window being active; the first palette after the
start is also reported on its own (`first_palette_*`, against the later ones in the same run: what
start-up warming is for). Baselines measured in the
same run on the same X server:
- cold start: a bare PySide6 QApplication that only creates and shows one widget (Qt's floor);
- Enter → text: the same finished phrase typed as key events by `xdotool type` (what a key-injecting
  expander does; it also garbles Chinese on X11, which is why Palette pastes through the clipboard).
- Enter → last message sent, in a web chat in chromium whose Enter sends (tests/targets/send.html):
  a three-part `---` phrase and a picture-and-text phrase, against a one-part phrase sent the same
  way (each further part adds its confirmation and the `send_gap_ms` gap, printed alongside).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from palette.core.config import Settings  # noqa: E402
from tests.e2e.conftest import GREETING  # noqa: E402  (kc1 as pasted, full-width punctuation)
from tests.e2e.xsession import App, Target, XSession, start_target, wait_for, x_session  # noqa: E402

BARE_QT = (
    "import sys,time;from PySide6.QtWidgets import QApplication,QLabel;app=QApplication([]);w=QLabel('x');w.show();"
    "app.processEvents();print(time.time(),flush=True)"
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": pct(values, 0.5), "p95": pct(values, 0.95), "n": len(values)}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cold_start(session: XSession, home: Path) -> tuple[float, App]:
    started = time.time()
    app = App(session, home)
    armed = app.wait_event("hotkey.armed", timeout=30)
    return (armed["t"] - started) * 1000, app


def bare_qt_start(session: XSession) -> float:
    started = time.time()
    out = subprocess.run([sys.executable, "-c", BARE_QT], env=session.env, capture_output=True, text=True, timeout=60)
    return (float(out.stdout.split()[0]) - started) * 1000


def arrived_at(target_file: Path, text: str) -> float:
    wait_for(lambda: target_file.exists() and target_file.read_text(encoding="utf-8") == text, 5, "text in target")
    return target_file.stat().st_mtime_ns / 1e9


def _settle(path: Path, quiet_s: float = 0.3, limit_s: float = 10.0) -> float:
    """When a file stopped changing (its last write), for typed text that may never be complete."""
    deadline = time.time() + limit_s
    last = path.stat().st_mtime_ns if path.exists() else 0
    quiet_since = time.time()
    while time.time() < deadline:
        time.sleep(0.01)
        now = path.stat().st_mtime_ns if path.exists() else 0
        if now != last:
            last, quiet_since = now, time.time()
        elif time.time() - quiet_since >= quiet_s:
            break
    return last / 1e9


SEND_PHRASES = {  # shortcut → (body, with a picture)
    "bsa": ("您好，我是客服小王，很高兴为您服务。", False),
    "bsb": ("您好，我是客服小王。\n---\n您的订单已发货，\n请留意短信通知。\n---\n还有其他可以帮您的吗？", False),
    "bsc": ("请按图中步骤操作。", True),
}


def _sent_count(target: Target) -> int:
    try:
        return len(json.loads(target.out.read_text(encoding="utf-8"))["messages"])
    except (OSError, ValueError, KeyError):
        return -1


def send_latency(session: XSession, home: Path, workdir: Path, trials: int) -> dict[str, object]:
    """Enter → the chat page has the phrase's last message, per phrase; the app's own Enter → last send key.

    Each phrase gets an app of its own, started after the phrases are stored, so one phrase's
    sequence (its gaps, its clipboard restore) cannot overlap the next one's."""
    from PIL import Image

    from palette.core.store import Store

    store = Store(home / "palette.db")
    try:
        for shortcut, (body, with_picture) in SEND_PHRASES.items():
            images = []
            if with_picture:
                out = io.BytesIO()
                Image.new("RGB", (320, 240), (30, 120, 200)).save(out, "PNG")
                images = [store.add_image(out.getvalue())]
            store.add_phrase(category="bench", title=shortcut, body=body, shortcut=shortcut, images=images)
        store.set_setting("send_rules", [["chromium", "enter"]])
        gap = Settings(store).config().send_gap_ms
    finally:
        store.close()
    target = start_target(session, "chat", workdir)
    wait_for(lambda: _sent_count(target) == 0, 10, "the chat page")
    seen = 0
    result: dict[str, object] = {"send_gap_ms": gap, "send_trials": trials}
    for shortcut, name in (("bsa", "one_part"), ("bsb", "three_parts"), ("bsc", "picture_and_text")):
        app = App(session, home)
        app.wait_event("index.ready", timeout=30)
        session.focus(target.window)
        outside, inside = [], []
        for _ in range(trials):
            mark = app.mark()
            session.xdotool("key", "ctrl+alt+space")
            app.wait_event("palette.shown", after=mark)
            session.xdotool("type", shortcut)
            time.sleep(0.05)
            parts = 3 if shortcut == "bsb" else 1
            t0 = time.time()
            session.xdotool("key", "Return")
            wait_for(lambda: _sent_count(target) == seen + parts, 10, f"{shortcut} sent")  # noqa: B023
            outside.append((target.out.stat().st_mtime_ns / 1e9 - t0) * 1000)
            inside.append(app.wait_event("paste.sent", after=mark)["ms"])
            seen += parts
            app.wait_event("clipboard.restored", after=mark)
        app.proc.terminate()
        app.proc.wait(10)
        result[f"enter_to_last_message_{name}_ms"] = summary(outside)
        result[f"enter_to_last_send_key_in_app_{name}_ms"] = summary(inside)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--wm", choices=["none", "openbox"], default="none")
    parser.add_argument("--send-trials", type=int, default=15, help="per phrase in the chat (a fresh app each)")
    args = parser.parse_args()
    result: dict[str, object] = {"trials": args.trials, "wm": args.wm}
    with tempfile.TemporaryDirectory() as tmp, x_session(args.wm) as session:
        home = Path(tmp) / "home"
        env = {"PALETTE_HOME": str(home)}
        for name, value in (("公司名称", "中国电信"), ("工号", "1024")):
            subprocess.run(
                [sys.executable, "-m", "palette", "profile", "set", name, value], env={**session.env, **env}, check=True
            )
        starts, bare = [], []
        app: App | None = None
        for i in range(5):
            ms, candidate = cold_start(session, home)
            starts.append(ms)
            bare.append(bare_qt_start(session))
            if i < 4:
                candidate.proc.terminate()
                candidate.proc.wait(10)
            else:
                app = candidate
        assert app is not None
        target = start_target(session, "tk", Path(tmp))
        shown, shown_inside, spawn, pasted, typed = [], [], [], [], []
        typed_exact = 0
        for _ in range(args.trials):
            target.out.write_text("", encoding="utf-8")
            mark = app.mark()
            t0 = time.time()
            session.xdotool("key", "ctrl+alt+space")
            event = app.wait_event("palette.shown", after=mark)
            shown.append((event["t"] - t0) * 1000)
            shown_inside.append(event["ms"])
            t_spawn = time.time()
            session.xdotool("key", "shift")  # what starting xdotool itself costs, for comparison
            spawn.append((time.time() - t_spawn) * 1000)
            session.xdotool("type", "kc1")
            time.sleep(0.05)
            t1 = time.time()
            session.xdotool("key", "Return")
            pasted.append((arrived_at(target.out, GREETING) - t1) * 1000)
            app.wait_event("clipboard.restored", after=mark)
            session.xdotool("key", "ctrl+End", "ctrl+shift+Home", "Delete")
            wait_for(lambda: target.text() == "", 5, "target cleared")
            t2 = time.time()
            session.xdotool("type", "--delay", "0", GREETING)
            settled = _settle(target.out)
            typed.append((settled - t2) * 1000)
            typed_exact += target.text() == GREETING
            session.xdotool("key", "ctrl+End", "ctrl+shift+Home", "Delete")
            wait_for(lambda: target.text() == "", 5, "target cleared")
        time.sleep(8)  # idle: the app returns freed memory 5 s after the palette closes
        rss = rss_mb(app.proc.pid)
        app.proc.terminate()
        app.proc.wait(10)
        sending = send_latency(session, home, Path(tmp), args.send_trials)
    result.update(
        first_palette_shown_ms=round(shown[0], 2),
        first_palette_shown_in_app_ms=round(shown_inside[0], 2),
        later_palettes_shown_in_app_ms=summary(shown_inside[1:] or shown_inside),
        hotkey_to_shown_ms=summary(shown),
        hotkey_to_shown_in_app_ms=summary(shown_inside),
        baseline_xdotool_run_ms=summary(spawn),
        enter_to_text_ms=summary(pasted),
        baseline_xdotool_type_ms=summary(typed),
        baseline_typed_exact=f"{typed_exact}/{args.trials}",
        cold_start_to_hotkey_armed_ms=summary(starts),
        baseline_bare_qt_start_ms=summary(bare),
        idle_rss_mb=rss,
        sending=sending,
        targets={"hotkey_to_shown_ms": 30, "enter_to_text_ms": 100, "cold_start_ms": 1000, "idle_rss_mb": 120},
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

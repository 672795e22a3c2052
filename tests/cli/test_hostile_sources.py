"""Hostile sources: servers that trickle, tear, redirect or loop; paths that are FIFOs, devices, sockets.

Each case goes through the command line and must end in exit 2, one line on stderr, and a byte-identical
database. Mass removals wait for --yes. Servers are threads on 127.0.0.1; anything that could block runs
in a subprocess with a timeout, so a regression fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from palette.cli import main
from palette.core import sources
from palette.core.library_io import LibraryFileError
from palette.core.store import Store
from palette.core.subscribe import is_mass_removal, subscribe, subscriptions
from palette.core.team_library import apply_layer, load_library, team_layer
from palette.ui.subscriptions import SubscriptionWatcher
from tests.cli.test_import_cli import run as run_cli
from tests.library_files import HEADER, ROWS, write_csv

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]
TEN = [[str(1000 + n), "分类", f"标题{n}", f"第{n}条话术。", "", ""] for n in range(10)]


class HostileServer:
    """path → a function that answers the request however it likes; every request's headers are kept."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handle(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.routes.get(self.path, _missing)(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _missing(h: http.server.BaseHTTPRequestHandler) -> None:
    h.send_error(404)


def body(data: bytes, *, ctype: str = "text/csv", headers: dict[str, str] | None = None) -> Handler:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    return answer


def redirect(location: str) -> Handler:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def trickle_body(h: http.server.BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Content-Length", "100")
    h.end_headers()
    for _ in range(100):  # 30 s in all; the client must give up after its timeout
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.3)


def trickle_headers(h: http.server.BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.0 200 OK\r\nX-Slow: " + b"y" * 100:  # every byte within any per-read timeout
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(0.3)


def torn(data: bytes) -> Handler:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: len(data) // 2])  # and the connection closes: HTTP/1.0

    return answer


def odd_reason(h: http.server.BaseHTTPRequestHandler) -> None:
    h.send_response(503, "down\x1b[2J\rfor maintenance")
    h.send_header("Content-Length", "0")
    h.end_headers()


@pytest.fixture
def server() -> Iterator[HostileServer]:
    s = HostileServer()
    yield s
    s.close()


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\r\n".join(",".join(r) for r in [HEADER, *rows]).encode("utf-8") + b"\r\n"


@pytest.fixture
def team(home: Path, tmp_path: Path) -> Path:
    """A home with team library 一组 (3 phrases) already imported."""
    path = write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])
    assert main(["import", str(path)]) == 0
    return path


def dump(home: Path) -> list[str]:
    with Store(home / "palette.db") as s:
        return s.dump()


def one_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run the CLI in-process; it must exit 2 with exactly one line on stderr."""
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "\x1b" not in err and "\r" not in err
    return err


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, home=home, timeout=30)  # a FIFO that blocks fails here instead of hanging the suite


# -- servers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda url: {"/lib.csv": trickle_body}, "no complete answer within 1 s"),
        (lambda url: {"/lib.csv": trickle_headers}, "no complete answer within 1 s"),
        (lambda url: {"/lib.csv": torn(csv_bytes(TEN))}, "broke off after"),
        (lambda url: {"/lib.csv": redirect("ftp://127.0.0.1/lib.csv")}, "redirected to a ftp:// address"),
        (lambda url: {"/lib.csv": redirect("file:///etc/passwd")}, "redirected to a file:// address"),
        (lambda url: {"/lib.csv": redirect("/b"), "/b": redirect(url + "/lib.csv")}, "redirects in a loop"),
        (
            lambda url: {"/lib.csv": redirect("/r1"), **{f"/r{n}": redirect(f"/r{n + 1}") for n in range(1, 9)}},
            "more than 5 redirects",
        ),
        (lambda url: {"/lib.csv": odd_reason}, "HTTP 503 down\\x1b[2J\\rfor maintenance"),
    ],
    ids=["trickling-body", "trickling-headers", "torn", "to-ftp", "to-file", "loop", "hops", "reason"],
)
def test_hostile_servers_exit_2_in_one_line_and_change_nothing(
    home: Path,
    team: Path,
    server: HostileServer,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[str], dict[str, Handler]],
    needle: str,
) -> None:
    server.routes.update(make(server.url))
    before = dump(home)
    err = one_error(capsys, ["import", server.url + "/lib.csv", "--library", "一组", "--timeout", "1"])
    assert err.startswith(f"palette: error: {server.url}/lib.csv: ") and needle in err
    assert dump(home) == before


def test_redirects_within_the_limit_are_followed(home: Path, server: HostileServer) -> None:
    server.routes.update({"/old.csv": redirect("/r1"), "/r1": redirect("/new.csv"), "/new.csv": body(csv_bytes(TEN))})
    assert main(["import", server.url + "/old.csv", "--library", "一组"]) == 0
    assert [path for path, _ in server.requests] == ["/old.csv", "/r1", "/new.csv"]


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "601", "abc"])
@pytest.mark.parametrize("command", [["import", "http://127.0.0.1:9/x.csv"], ["library", "check"]])
def test_a_timeout_must_be_finite_and_positive(
    home: Path, capsys: pytest.CaptureFixture[str], command: list[str], value: str
) -> None:
    with pytest.raises(SystemExit) as e:
        main([*command, "--timeout", value])
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.count("\n") == 1 and "--timeout" in err


@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_an_unchanged_url_costs_a_304_and_changes_nothing(
    home: Path, server: HostileServer, capsys: pytest.CaptureFixture[str], validator: str
) -> None:
    value = '"v1"' if validator == "ETag" else "Tue, 01 Dec 2026 08:00:00 GMT"
    sent = body(csv_bytes(TEN), headers={validator: value})
    conditional = "If-None-Match" if validator == "ETag" else "If-Modified-Since"
    full_answers = 0

    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        nonlocal full_answers
        if h.headers.get(conditional) == value:
            h.send_response(304)
            h.end_headers()
            return
        full_answers += 1
        sent(h)

    server.routes["/lib.csv"] = answer
    assert main(["import", server.url + "/lib.csv", "--library", "一组", "--subscribe"]) == 0
    assert full_answers == 1  # the import keeps the validator: the first check is already a 304
    before = dump(home)
    for _ in range(3):
        capsys.readouterr()
        assert main(["library", "check"]) == 0
        assert capsys.readouterr().out.strip() == "every subscription is up to date"
    assert full_answers == 1 and len(server.requests) == 4
    assert all(headers.get(conditional) == value for _, headers in server.requests[1:])
    assert dump(home) == before  # no write at all, not even the settings


# -- local paths ----------------------------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(home: Path, team: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "lib.csv"
    os.mkfifo(fifo)
    before = dump(home)
    out = run("import", str(fifo), "--library", "一组", home=home)
    assert (
        out.returncode == 2 and out.stderr.count("\n") == 1 and "a named pipe (FIFO), not a library file" in out.stderr
    )
    assert dump(home) == before


def test_a_fifo_as_the_csv_companion_is_refused_without_blocking(home: Path, team: Path, tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    path = write_csv(tmp_path / "share" / "一组.csv", [HEADER, *TEN])
    os.mkfifo(tmp_path / "share" / "一组.禁语.csv")
    before = dump(home)
    out = run("import", str(path), home=home)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "一组.禁语.csv: a named pipe" in out.stderr
    assert dump(home) == before


def test_a_device_is_refused(home: Path, team: Path) -> None:
    before = dump(home)
    out = run("import", "/dev/zero", "--library", "一组", home=home)
    assert out.returncode == 2 and out.stderr.strip() == "palette: error: /dev/zero: a device, not a library file"
    assert dump(home) == before


def test_a_folder_and_a_socket_are_refused(
    home: Path, team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib.csv"
    folder.mkdir()
    sock_path = tmp_path / "s.csv"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(sock_path))
    before = dump(home)
    try:
        assert "a folder, not a library file" in one_error(capsys, ["import", str(folder), "--library", "一组"])
        assert "a socket, not a library file" in one_error(capsys, ["import", str(sock_path), "--library", "一组"])
    finally:
        listener.close()
    assert dump(home) == before


def test_a_name_with_a_newline_is_one_line(
    home: Path, team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = one_error(capsys, ["import", str(tmp_path / "bad\nname.csv")])
    assert "bad\\nname.csv: no such file" in err


def test_at_most_the_cap_is_read_whatever_stat_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 64)
    assert os.stat("/proc/self/maps").st_size == 0  # a regular file that says it is empty and is not
    with pytest.raises(LibraryFileError, match="more than 64 bytes"):
        sources.fetch("/proc/self/maps")


# -- mass removal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("removed", "total", "asks"),
    [
        (1, 3, False),
        (2, 3, False),
        (3, 3, True),
        (1, 1, True),
        (2, 10, False),
        (3, 10, True),
        (50, 1000, False),
        (51, 1000, True),
        (0, 0, False),
    ],
)
def test_the_mass_removal_rule(removed: int, total: int, asks: bool) -> None:
    assert is_mass_removal(removed, total) is asks


def test_an_import_removing_half_needs_yes(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "一组.csv", [HEADER, *TEN])
    assert main(["import", str(path)]) == 0
    write_csv(path, [HEADER, *TEN[:5]])  # e.g. read while the lead was still saving
    before = dump(home)
    err = one_error(capsys, ["import", str(path)])
    assert "would remove 5 of the 10 phrases of 一组" in err and "--yes" in err
    assert dump(home) == before
    assert main(["import", str(path), "--yes"]) == 0
    with Store(home / "palette.db") as s:
        assert len(s.phrases(library="一组")) == 5


def test_a_subscription_removing_half_waits_for_check_yes(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "一组.csv", [HEADER, *TEN])
    assert main(["import", str(path), "--subscribe"]) == 0
    write_csv(path, [HEADER, *TEN[:4]])
    for _ in range(2):  # shown as pending on every check until confirmed
        capsys.readouterr()
        assert main(["library", "check"]) == 1
        out = capsys.readouterr()
        assert out.err.count("\n") == 1 and "一组: pending" in out.err and "remove 6 of 10 phrases" in out.err
        assert "palette library check 一组 --yes" in out.err
        with Store(home / "palette.db") as s:
            assert len(s.phrases(library="一组")) == 10
            [sub] = subscriptions(s)
            assert sub.pending is not None and (sub.pending.removed, sub.pending.total) == (6, 10)
    assert main(["library", "check", "一组", "--yes"]) == 0
    capsys.readouterr()
    assert main(["library", "check"]) == 0
    assert capsys.readouterr().out.strip() == "every subscription is up to date"
    with Store(home / "palette.db") as s:
        assert len(s.phrases(library="一组")) == 4 and subscriptions(s)[0].pending is None


def test_a_finished_save_clears_the_pending_update(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "一组.csv", [HEADER, *TEN])
    assert main(["import", str(path), "--subscribe"]) == 0
    write_csv(path, [HEADER, *TEN[:3]])  # torn
    assert main(["library", "check"]) == 1
    write_csv(path, [HEADER, *TEN])  # the save completes
    assert main(["library", "check"]) == 0
    with Store(home / "palette.db") as s:
        assert subscriptions(s)[0].pending is None and len(s.phrases(library="一组")) == 10


# -- the app: one notification per held-back version; one hanging source delays no other ---------


def test_the_app_announces_a_held_back_update_once(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "一组.csv", [HEADER, *TEN])
    apply_layer(store, team_layer(store, load_library(str(path))))
    subscribe(store, "一组", str(path))
    watcher = SubscriptionWatcher(store, interval_minutes=60, timeout=2)
    told: list[tuple[str, str]] = []
    watcher.notify.connect(lambda title, message: told.append((title, message)))
    try:
        write_csv(path, [HEADER, *TEN[:2]])
        for _ in range(3):
            with qtbot.waitSignal(watcher.checked):
                watcher.check_now()
        assert len(told) == 1 and told[0][0] == "话术库更新待确认" and "删除 8 条话术(共 10 条)" in told[0][1]
        assert len(store.phrases(library="一组")) == 10
    finally:
        watcher.stop()


def test_a_hanging_source_delays_no_other(qtbot: QtBot, store: Store, tmp_path: Path, server: HostileServer) -> None:
    release = threading.Event()

    def hang(h: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(10)

    server.routes["/hang.csv"] = body(csv_bytes(ROWS))
    apply_layer(store, team_layer(store, load_library(server.url + "/hang.csv", library="一组")))
    subscribe(store, "一组", server.url + "/hang.csv")
    server.routes["/hang.csv"] = hang
    path = write_csv(tmp_path / "乙组.csv", [HEADER, *ROWS])
    apply_layer(store, team_layer(store, load_library(str(path))))
    subscribe(store, "乙组", str(path))
    assert next(sub.library for sub in subscriptions(store)) == "一组"  # the hanging one is fetched first
    write_csv(path, [HEADER, *ROWS, ["1004", "新", "新的", "新话术", "", ""]])
    watcher = SubscriptionWatcher(store, interval_minutes=60, timeout=8)
    try:
        with qtbot.waitSignal(watcher.notify, timeout=5_000) as told:
            watcher.check_now()
        assert "「乙组」" in told.args[1] and not release.is_set()  # while 一组 still hangs
        assert store.get("乙组#1004") is not None
    finally:
        release.set()
        watcher.stop()

"""A team library served by Debian's nginx, and many agents' Palettes subscribed to it.

Shared by tests/cli/test_team_scale.py and bench/team_scale.py. nginx runs unprivileged on 127.0.0.1
with a config written here (its own prefix, pid, logs and temp paths; ETag on), and logs one line
per request: the status and the path, so the 304s can be counted. Each agent is a home of its own
with its own palette.db; a poll is what `palette library check` does (open the store, check every
subscription with `SubscriptionChecker`, close), run for all agents by a few threads. "One poll
interval" is one round in which every agent polls once, whatever the interval is set to.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from palette.core.atomic import write_atomic
from palette.core.library_io import LibraryData, write_library
from palette.core.model import Phrase
from palette.core.store import Store
from palette.core.subscribe import NoticeKind, SubscriptionChecker, subscribe
from palette.core.team_library import apply_layer, load_library, team_layer

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LIBRARY = "客服一组"
CONF = """{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 2048; }}
http {{
    log_format status '$status $request_uri';
    access_log {prefix}/access.log status;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ application/vnd.openxmlformats-officedocument.spreadsheetml.sheet xlsx; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
    }}
}}
"""


def nginx_available() -> bool:
    return Path(NGINX).is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def nginx(prefix: Path) -> Iterator[tuple[str, Path, Path]]:
    """Serve `prefix/root`; yields (base URL, the root folder, the access log). Stopped on exit."""
    root = prefix / "root"
    root.mkdir(parents=True)
    port = _free_port()
    conf = prefix / "nginx.conf"
    # as root nginx hands its workers to `nobody`, who cannot read a test's private temp folder
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    conf.write_text(CONF.format(user=user, prefix=prefix, port=port, root=root))
    cmd = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"), "-g", "daemon off;"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                log = prefix / "error.log"
                raise RuntimeError(f"nginx did not start: {log.read_text() if log.exists() else 'no error.log'}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", root, prefix / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def statuses(access_log: Path, since: int = 0) -> tuple[Counter[str], int]:
    """The statuses logged after byte `since`, and the log's end (for the next call). nginx writes each
    line when the response is done, so a round's lines are all there once its requests returned."""
    with access_log.open("rb") as f:
        f.seek(since)
        data = f.read()
    return Counter(line.split(b" ", 1)[0].decode() for line in data.splitlines()), since + len(data)


def library(version: str, phrases: int = 60) -> LibraryData:
    rows = tuple(
        Phrase(f"t{n}", LIBRARY, f"分类{n % 6}", f"话术{n}", f"您好，这是第{n}条话术（{version}）。", sort_order=n)
        for n in range(phrases)
    )
    return LibraryData(name=LIBRARY, version=version, phrases=rows)


def publish(root: Path, version: str) -> str:
    """The lead saves a new version onto the web server's folder (atomically: no torn read)."""
    tmp = root / ".staging.xlsx"
    write_library(library(version), tmp, overwrite=True)
    write_atomic(root / "team.xlsx", tmp.read_bytes())
    tmp.unlink()
    return "/team.xlsx"


def make_agents(base: Path, url: str, count: int) -> list[Path]:
    """`count` agent homes subscribed to `url`: the first imports and subscribes for real, the others
    start from a copy of its database (the state every agent reaches after its first import)."""
    homes = [base / f"agent{n:03d}" for n in range(count)]
    homes[0].mkdir(parents=True)
    with Store(homes[0] / "palette.db") as store:
        apply_layer(store, team_layer(store, load_library(url, library=LIBRARY), source=url))
        subscribe(store, LIBRARY, url)
        checker = SubscriptionChecker(store)
        assert checker.check_all() == []  # stores the validators: the next poll asks "changed since?"
    for home in homes[1:]:
        home.mkdir()
        shutil.copyfile(homes[0] / "palette.db", home / "palette.db")
    return homes


def poll(home: Path) -> str:
    """One agent's poll, as `palette library check`: returns the library version it has afterwards."""
    with Store(home / "palette.db") as store:
        notices = SubscriptionChecker(store, timeout=30).check_all()
        bad = [n for n in notices if n.kind is not NoticeKind.UPDATED]
        if bad:
            raise RuntimeError(f"{home.name}: {bad[0].kind.value}: {bad[0].message}")
        lib = store.library(LIBRARY)
        return lib.version if lib else ""


def poll_round(homes: list[Path], threads: int = 8) -> tuple[list[str], float]:
    """Every agent polls once; the versions they have afterwards, and the seconds the round took."""
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        versions = list(pool.map(poll, homes))
    return versions, time.perf_counter() - started

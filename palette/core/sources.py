"""Where a library's bytes come from: a local path (often a shared drive) or an http(s) URL.

Fetching is kept apart from parsing so the app can fetch on a worker thread and so a subscription
can skip parsing when the bytes did not change. Every failure is a one-line `LibraryFileError`
naming the source. Nothing a source does can block or exhaust memory: a local path must be a
regular file (a FIFO or `/dev/zero` is refused before it is read) and at most `MAX_SOURCE_BYTES + 1`
bytes are ever read; a URL gets one deadline for connect, redirects, headers and body together.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urljoin, urlsplit

from palette import __version__
from palette.core.escaping import one_line
from palette.core.library_io import LibraryBytes, LibraryFileError, companion_path

if TYPE_CHECKING:
    import socket
    from http import client as http_client

DEFAULT_TIMEOUT_S = 10.0
MAX_SOURCE_BYTES = 256 * 1024 * 1024  # far above 100,000 phrases; below what would exhaust memory
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 1 << 16


def is_url(location: str) -> bool:
    return location.strip().lower().startswith(("http://", "https://"))


def canonical(location: str) -> str:
    """What a subscription stores: a URL as given, a path made absolute (the app's cwd differs)."""
    location = location.strip()
    return location if is_url(location) else str(Path(location).expanduser().resolve())


@dataclass(frozen=True)
class Validators:
    """What identifies the version a server sent (ETag, Last-Modified): sent back to ask "changed?"."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        sent = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {k: v for k, v in sent.items() if v}


NO_VALIDATORS = Validators()


@dataclass(frozen=True)
class Fetch:
    """One fetch: the bytes, or None when the server answered 304 (the version named by `validators`)."""

    raw: LibraryBytes | None
    validators: Validators = NO_VALIDATORS


def fetch(location: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> LibraryBytes:
    """The bytes of a library file, with its name for messages and its stem as the default library name."""
    got = fetch_if_changed(location, NO_VALIDATORS, timeout=timeout)
    if got.raw is None:  # a server answering 304 to a request that asked nothing
        raise LibraryFileError(f"{one_line(location.strip())}: the server answered 304 without being asked")
    return got.raw


def fetch_if_changed(location: str, validators: Validators, *, timeout: float = DEFAULT_TIMEOUT_S) -> Fetch:
    """Like `fetch`, but a URL is asked only for a version other than `validators` names (no body on 304)."""
    location = location.strip()
    if is_url(location):
        return _fetch_url(location, timeout, validators)
    if "://" in location:
        scheme = one_line(location.split("://", 1)[0], 20)
        raise LibraryFileError(
            f"{one_line(location)}: unsupported address ({scheme}://); use a file path or an http(s) URL"
        )
    return Fetch(_read_path(location))


# -- local paths ----------------------------------------------------------------------------------


def _read_path(location: str) -> LibraryBytes:
    path = Path(location).expanduser()
    label = one_line(location)
    data = _read_regular(path, label)
    companion = None
    if path.suffix.lower() == ".csv":
        beside = companion_path(path)
        companion = _read_regular(beside, one_line(str(beside)), missing_ok=True)
    if data is None:
        raise LibraryFileError(f"{label}: no such file")
    return LibraryBytes(label, path.suffix.lower(), path.stem, data, companion, folder=path.parent)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def _read_regular(path: Path, label: str, *, missing_ok: bool = False) -> bytes | None:
    """A regular file's bytes, at most the cap + 1 read; anything else refused before it can block."""
    try:
        _require_regular(os.stat(path).st_mode, label)
        fd = os.open(path, _OPEN_FLAGS | getattr(os, "O_CLOEXEC", 0))  # O_NONBLOCK: a FIFO swapped in never blocks
        try:
            _require_regular(os.fstat(fd).st_mode, label)
            chunks: list[bytes] = []
            total = 0
            while total <= MAX_SOURCE_BYTES and (chunk := os.read(fd, min(1 << 20, MAX_SOURCE_BYTES + 1 - total))):
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise LibraryFileError(f"{label}: no such file") from None
    except OSError as e:
        raise LibraryFileError(f"{label}: cannot read ({one_line(e.strerror or str(e))})") from None
    if total > MAX_SOURCE_BYTES:
        raise LibraryFileError(f"{label}: more than {MAX_SOURCE_BYTES:,} bytes is too large for a phrase library")
    return b"".join(chunks)


def _require_regular(mode: int, label: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    raise LibraryFileError(f"{label}: {kind}, not a library file")


# -- URLs -----------------------------------------------------------------------------------------


class _Deadline:
    """The one deadline of a transfer; at expiry it shuts the open socket, unblocking any read."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.end = time.monotonic() + timeout
        self.sock: socket.socket | None = None  # the open connection's, for per-read timeouts
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def guard(self, sock: socket.socket | None) -> None:
        with self._lock:
            self.sock = sock

    def _expire(self) -> None:
        import socket

        with self._lock:
            if self.sock is not None:
                with contextlib.suppress(OSError):  # the plain socket's shutdown, also under TLS
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _fetch_url(url: str, timeout: float, validators: Validators) -> Fetch:
    from http import client as http_client  # here, not at the top: with ssl they cost the tray app ~5 MB

    label = one_line(url)
    deadline = _Deadline(timeout)
    try:
        return _follow(url, label, deadline, validators)
    except (http_client.HTTPException, ValueError, OSError) as e:
        if deadline.passed or isinstance(e, TimeoutError):
            raise LibraryFileError(f"{label}: no complete answer within {timeout:g} s") from None
        if isinstance(e, OSError):  # also a TLS failure (an untrusted certificate), which is a ValueError too
            reason = one_line(e.strerror or str(e) or type(e).__name__, 120)
            raise LibraryFileError(f"{label}: cannot reach the server ({reason})") from None
        why = one_line(f"{type(e).__name__}: {e}", 120)
        raise LibraryFileError(f"{label}: broken answer or address ({why})") from None
    finally:
        deadline.cancel()


def _follow(url: str, label: str, deadline: _Deadline, validators: Validators) -> Fetch:
    """Request `url`, following at most `MAX_REDIRECTS` redirects, and only to http(s)."""
    seen = {url}
    for _ in range(MAX_REDIRECTS + 1):
        conn, response = _request(url, deadline, validators)
        try:
            if response.status in _REDIRECTS:
                target = urljoin(url, (response.getheader("Location") or "").strip())
                scheme = urlsplit(target).scheme.lower()
                if scheme not in ("http", "https"):
                    where = f"a {one_line(scheme, 20)}:// address" if scheme else "no address"
                    raise LibraryFileError(f"{label}: redirected to {where}; only http(s) redirects are followed")
                if target in seen:
                    raise LibraryFileError(f"{label}: the server redirects in a loop")
                seen.add(target)
                url = target
                continue
            if response.status == 304 and validators.headers():
                return Fetch(None, validators)
            if response.status != 200:
                reason = one_line(response.reason or "", 80)
                raise LibraryFileError(f"{label}: the server answered HTTP {response.status} {reason}".rstrip())
            if response.headers.get_content_type().lower() in ("text/html", "application/xhtml+xml"):
                raise LibraryFileError(f"{label}: the server returned an HTML page, not a library file (a login page?)")
            data = _read_body(response, label, deadline)
            got = Validators(_validator(response.getheader("ETag")), _validator(response.getheader("Last-Modified")))
        finally:
            conn.close()
            response.close()
        name = PurePosixPath(unquote(urlsplit(url).path)).name
        stem = PurePosixPath(name).stem or urlsplit(url).hostname or "library"
        return Fetch(LibraryBytes(label, PurePosixPath(name).suffix.lower(), stem, data), got)
    raise LibraryFileError(f"{label}: more than {MAX_REDIRECTS} redirects")


def _validator(value: str | None) -> str:
    """A validator worth sending back: short printable ASCII, or none (a bad one would fail every request)."""
    value = (value or "").strip()
    return value if len(value) <= 200 and value.isascii() and value.isprintable() else ""


def _request(
    url: str, deadline: _Deadline, validators: Validators
) -> tuple[http_client.HTTPConnection, http_client.HTTPResponse]:
    from http import client as http_client
    from urllib.request import getproxies, proxy_bypass

    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("no host name")
    https = parts.scheme.lower() == "https"
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~") + (
        f"?{quote(parts.query, safe='=&%+/:;,')}" if parts.query else ""
    )
    proxy = getproxies().get(parts.scheme.lower())
    where = (host, parts.port)
    if proxy and not proxy_bypass(host):
        p = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        where = (p.hostname or host, p.port)
        if not https:
            target = f"http://{parts.netloc}{target}"  # an http proxy is given the whole address
    cls = http_client.HTTPSConnection if https else http_client.HTTPConnection
    conn = cls(where[0], where[1], timeout=deadline.remaining())
    if https and where[0] != host:
        conn.set_tunnel(host, parts.port)
    try:
        conn.connect()
        deadline.guard(conn.sock)
        conn.putrequest("GET", target, skip_accept_encoding=True)
        for key, value in {"User-Agent": f"Palette/{__version__}", **validators.headers()}.items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
    except BaseException:
        conn.close()
        raise
    return conn, response


def _read_body(response: http_client.HTTPResponse, label: str, deadline: _Deadline) -> bytes:
    """The whole body within the deadline (each read waits only for the time left), checked against its length."""
    expected = response.length  # from Content-Length; None when chunked or not given
    if expected is not None and expected > MAX_SOURCE_BYTES:
        raise LibraryFileError(f"{label}: {expected:,} bytes is too large for a phrase library")
    sock = deadline.sock
    chunks: list[bytes] = []
    total = 0
    while not response.isclosed():  # closed once Content-Length bytes arrived
        left = deadline.remaining()
        if sock is not None:
            sock.settimeout(left)
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_SOURCE_BYTES:
            raise LibraryFileError(f"{label}: more than {MAX_SOURCE_BYTES:,} bytes; not a phrase library")
        chunks.append(chunk)
    if deadline.passed:
        raise TimeoutError
    if expected is not None and total < expected:
        raise LibraryFileError(f"{label}: the download broke off after {total:,} of {expected:,} bytes")
    return b"".join(chunks)

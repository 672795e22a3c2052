"""Where a library's bytes come from: a local path (often a shared drive) or an http(s) URL.

Fetching is kept apart from parsing so the app can fetch on a worker thread and so a subscription
can skip parsing when the bytes did not change. Every failure is a `LibraryFileError` naming the
source; a slow server is cut off by a deadline on the whole download, not only on each read.
"""

from __future__ import annotations

import time
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from palette import __version__
from palette.core.library_io import LibraryBytes, LibraryFileError, companion_path

DEFAULT_TIMEOUT_S = 10.0
MAX_SOURCE_BYTES = 256 * 1024 * 1024  # far above 100,000 phrases; below what would exhaust memory


def is_url(location: str) -> bool:
    return location.strip().lower().startswith(("http://", "https://"))


def canonical(location: str) -> str:
    """What a subscription stores: a URL as given, a path made absolute (the app's cwd differs)."""
    location = location.strip()
    return location if is_url(location) else str(Path(location).expanduser().resolve())


def fetch(location: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> LibraryBytes:
    """The bytes of a library file, with its name for messages and its stem as the default library name."""
    location = location.strip()
    if is_url(location):
        return _fetch_url(location, timeout)
    if "://" in location:
        scheme = location.split("://", 1)[0]
        raise LibraryFileError(f"{location}: unsupported address ({scheme}://); use a file path or an http(s) URL")
    return _read_path(location)


def _read_path(location: str) -> LibraryBytes:
    path = Path(location).expanduser()
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise LibraryFileError(f"{location}: a folder, not a library file")
        if size > MAX_SOURCE_BYTES:
            raise LibraryFileError(f"{location}: {size:,} bytes is too large for a phrase library")
        data = path.read_bytes()
        companion = None
        if path.suffix.lower() == ".csv":
            beside = companion_path(path)
            companion = beside.read_bytes() if beside.is_file() else None
    except FileNotFoundError:
        raise LibraryFileError(f"{location}: no such file") from None
    except OSError as e:
        raise LibraryFileError(f"{location}: cannot read ({e.strerror or e})") from None
    return LibraryBytes(location, path.suffix.lower(), path.stem, data, companion)


def _fetch_url(url: str, timeout: float) -> LibraryBytes:
    from http import client as http_client  # here, not at the top: with ssl they cost the tray app ~5 MB
    from urllib import error as url_error
    from urllib import request as url_request

    name = PurePosixPath(unquote(urlsplit(url).path)).name
    deadline = time.monotonic() + timeout
    request = url_request.Request(url, headers={"User-Agent": f"Palette/{__version__}"})
    try:
        with url_request.urlopen(request, timeout=timeout) as response:
            content_type = (response.headers.get_content_type() or "").lower()
            if content_type in ("text/html", "application/xhtml+xml"):
                raise LibraryFileError(f"{url}: the server returned an HTML page, not a library file (a login page?)")
            chunks: list[bytes] = []
            total = 0
            while chunk := response.read(1 << 16):
                total += len(chunk)
                if total > MAX_SOURCE_BYTES:
                    raise LibraryFileError(f"{url}: more than {MAX_SOURCE_BYTES:,} bytes; not a phrase library")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
    except url_error.HTTPError as e:
        e.close()  # it holds the response's socket
        raise LibraryFileError(f"{url}: the server answered HTTP {e.code} {e.reason}") from None
    except (http_client.HTTPException, ValueError) as e:
        raise LibraryFileError(f"{url}: broken answer or address ({type(e).__name__}: {e})") from None
    except (TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        if isinstance(e, TimeoutError) or isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise LibraryFileError(f"{url}: no complete answer within {timeout:g} s") from None
        raise LibraryFileError(f"{url}: cannot reach the server ({reason})") from None
    stem = PurePosixPath(name).stem or urlsplit(url).hostname or "library"
    return LibraryBytes(url, PurePosixPath(name).suffix.lower(), stem, b"".join(chunks))

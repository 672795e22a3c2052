"""Subscribed team libraries: check the source, apply it when its content changed, say what happened.

A subscription is a team library whose `source` is set (a shared-drive path or an http(s) URL),
plus the read options it was imported with (kept in the settings table under `library_sources`).
Checking is split in two so the app never blocks its GUI thread on a slow share: `fetch_subscription`
touches no database and may run on any thread; `SubscriptionChecker.apply` writes on the thread
that owns the store. The checker remembers what it already said: each failure streak is reported
once, and the last good layer stays in place meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from palette.core.library_io import DEFAULT_OPTIONS, LibraryData, LibraryFileError, ReadOptions, parse_library
from palette.core.model import LayerDiff, LibraryKind
from palette.core.sources import DEFAULT_TIMEOUT_S, canonical, fetch
from palette.core.store import Store, StoreError
from palette.core.team_library import apply_layer, team_layer

OPTIONS_SETTING = "library_sources"


@dataclass(frozen=True)
class Subscription:
    library: str
    source: str
    options: ReadOptions = DEFAULT_OPTIONS


def subscriptions(store: Store) -> list[Subscription]:
    """Every team library that keeps a source, with the options it was imported with."""
    saved = _saved_options(store)
    return [
        Subscription(lib.name, lib.source, _options_from(saved.get(lib.name)))
        for lib in store.libraries()
        if lib.kind is LibraryKind.TEAM and lib.source
    ]


def subscribe(store: Store, library: str, location: str, options: ReadOptions = DEFAULT_OPTIONS) -> Subscription:
    """Keep `location` as `library`'s source (the library must exist: import it first)."""
    source = canonical(location)
    with store.transaction():
        store.set_library_source(library, source)
        _save_options(store, library, options)
    return Subscription(library, source, options)


def unsubscribe(store: Store, library: str) -> None:
    """Stop checking the source; the phrases stay as last imported."""
    with store.transaction():
        store.set_library_source(library, "")
        _save_options(store, library, None)


def _saved_options(store: Store) -> dict[str, Any]:
    value = store.settings().get(OPTIONS_SETTING, {})
    return value if isinstance(value, dict) else {}


def _save_options(store: Store, library: str, options: ReadOptions | None) -> None:
    saved = _saved_options(store)
    if options is None or options == DEFAULT_OPTIONS:
        if library not in saved:
            return
        saved.pop(library)
    else:
        saved[library] = {"sheet": options.sheet, "map": [list(pair) for pair in options.mapping]}
    store.set_setting(OPTIONS_SETTING, saved)


def _options_from(value: object) -> ReadOptions:
    if not isinstance(value, dict):
        return DEFAULT_OPTIONS
    sheet = value.get("sheet")
    pairs = value.get("map") or []
    mapping = tuple((str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2)
    return ReadOptions(sheet=sheet if isinstance(sheet, str) else None, mapping=mapping)


class NoticeKind(StrEnum):
    UPDATED = "updated"  # the source changed and the layer was replaced
    UNREACHABLE = "unreachable"  # the source could not be fetched; the last good copy stays
    INVALID = "invalid"  # the source was fetched but is not a usable library; the last good copy stays


@dataclass(frozen=True)
class Notice:
    """Something worth telling the agent about one subscription."""

    library: str
    kind: NoticeKind
    diff: LayerDiff | None = None
    message: str = ""  # the one-line reason for UNREACHABLE and INVALID


@dataclass(frozen=True)
class Fetched:
    """The outcome of fetching one subscription: new content, no change in the bytes, or a failure."""

    subscription: Subscription
    digest: str = ""
    data: LibraryData | None = None
    failure: NoticeKind | None = None
    message: str = ""


def fetch_subscription(sub: Subscription, known_digest: str | None, *, timeout: float = DEFAULT_TIMEOUT_S) -> Fetched:
    """Fetch and parse one source; skips parsing when the bytes are the ones seen last. Thread-safe."""
    try:
        raw = fetch(sub.source, timeout=timeout)
    except LibraryFileError as e:
        return Fetched(sub, failure=NoticeKind.UNREACHABLE, message=str(e))
    digest = raw.digest()
    if digest == known_digest:
        return Fetched(sub, digest)
    try:
        data = parse_library(raw, sub.options, library=sub.library)
    except LibraryFileError as e:
        return Fetched(sub, digest, failure=NoticeKind.INVALID, message=str(e))
    return Fetched(sub, digest, data)


class SubscriptionChecker:
    """Applies what changed and decides what to say; one per app (or per `palette library check`)."""

    def __init__(self, store: Store, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.store = store
        self.timeout = timeout
        self._digests: dict[str, str] = {}  # library → bytes last parsed
        self._failing: dict[str, NoticeKind] = {}  # library → the failure already reported

    def pending(self) -> list[tuple[Subscription, str | None]]:
        """What to fetch now, each with the digest of the bytes last seen (for `fetch_subscription`)."""
        return [(sub, self._digests.get(sub.library)) for sub in subscriptions(self.store)]

    def apply(self, fetched: Fetched) -> Notice | None:
        """Act on one fetch result on the store's thread; a Notice when there is something to say."""
        sub = fetched.subscription
        name = sub.library
        current = self.store.library(name)
        if current is None or current.source != sub.source:
            return None  # unsubscribed or removed while the fetch ran
        if fetched.failure is not None:
            return self._fail(name, fetched.failure, fetched.message)
        self._failing.pop(name, None)
        self._digests[name] = fetched.digest
        data = fetched.data
        if data is None or data.checksum() == current.checksum:
            return None
        try:
            diff = apply_layer(self.store, team_layer(self.store, data, source=sub.source))
        except (LibraryFileError, StoreError) as e:
            self._digests.pop(name, None)
            return self._fail(name, NoticeKind.INVALID, f"{sub.source}: {e}")
        return Notice(name, NoticeKind.UPDATED, diff)

    def _fail(self, name: str, kind: NoticeKind, message: str) -> Notice | None:
        if self._failing.get(name) == kind:
            return None  # already said; keep quiet until it works again
        self._failing[name] = kind
        return Notice(name, kind, message=message)

    def check_all(self, only: str | None = None) -> list[Notice]:
        """Check every subscription (or library `only`) now, on this thread (the command line, tests)."""
        notices = []
        for sub, digest in self.pending():
            if only is not None and sub.library != only:
                continue
            notice = self.apply(fetch_subscription(sub, digest, timeout=self.timeout))
            if notice is not None:
                notices.append(notice)
        return notices

"""Subscribed team libraries: check the source, apply it when its content changed, say what happened.

A subscription is a team library whose `source` is set (a shared-drive path or an http(s) URL),
plus the read options it was imported with (kept in the settings table under `library_sources`).
Checking is split in two so the app never blocks its GUI thread on a slow share: `fetch_subscription`
touches no database and may run on any thread; `SubscriptionChecker.apply` writes on the thread
that owns the store. The checker remembers what it already said: each failure streak is reported
once, and the last good layer stays in place meanwhile. A URL is asked with the validators (ETag,
Last-Modified) of the version it sent last, so an unchanged library costs a 304 and nothing else. A
version that would remove many phrases (`is_mass_removal`) is held back until confirmed. A version
the agent rolled back from (`palette library rollback`) is not applied again; the next new one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from palette.core.escaping import one_line
from palette.core.library_io import DEFAULT_OPTIONS, LibraryData, LibraryFileError, ReadOptions, parse_library
from palette.core.model import LayerDiff, LibraryKind
from palette.core.sources import DEFAULT_TIMEOUT_S, NO_VALIDATORS, Validators, canonical, fetch_if_changed
from palette.core.store import Store, StoreError
from palette.core.team_library import TeamLayer, apply_layer, team_layer

OPTIONS_SETTING = "library_sources"  # library → its read options, validators and any held-back version

# A new version that removes more than this many phrases, or more than this share of them (and at least
# `MASS_REMOVAL_MIN`), or all of them, waits for a confirmation: a torn read of a file being saved or a lead's
# slip must not empty hundreds of agents' libraries. Removing 1 or 2 of 3 phrases goes through.
MASS_REMOVAL_PHRASES = 50
MASS_REMOVAL_SHARE = 0.2
MASS_REMOVAL_MIN = 3


def is_mass_removal(removed: int, total: int) -> bool:
    """Whether removing `removed` of a library's `total` phrases needs a confirmation (see above)."""
    if removed <= 0:
        return False
    return (
        removed >= total
        or removed > MASS_REMOVAL_PHRASES
        or (removed >= MASS_REMOVAL_MIN and removed > total * MASS_REMOVAL_SHARE)
    )


def removal_count(store: Store, layer: TeamLayer) -> tuple[int, int]:
    """How many of the library's stored phrases `layer` would remove, and how many it has now."""
    stored = store.layer_uids(layer.library.name)
    return len(stored - {p.uid for p in layer.phrases}), len(stored)


@dataclass(frozen=True)
class Pending:
    """A fetched version held back because it would remove too many phrases (see `is_mass_removal`)."""

    checksum: str
    removed: int
    total: int
    validators: Validators = NO_VALIDATORS


@dataclass(frozen=True)
class Subscription:
    library: str
    source: str
    options: ReadOptions = DEFAULT_OPTIONS
    validators: Validators = NO_VALIDATORS  # of the version applied, sent with the next request
    pending: Pending | None = None
    skipped: str = ""  # checksum of the content rolled back from: not applied again


def subscriptions(store: Store) -> list[Subscription]:
    """Every team library that keeps a source, with the options it was imported with."""
    saved = _saved(store)
    subs = []
    for lib in store.libraries():
        if lib.kind is LibraryKind.TEAM and lib.source:
            entry = saved.get(lib.name)
            entry = entry if isinstance(entry, dict) else {}
            skipped = entry.get("skipped")
            subs.append(
                Subscription(
                    lib.name,
                    lib.source,
                    _options_from(entry),
                    _validators_from(entry),
                    _pending_from(entry),
                    skipped if isinstance(skipped, str) else "",
                )
            )
    return subs


def subscribe(
    store: Store,
    library: str,
    location: str,
    options: ReadOptions = DEFAULT_OPTIONS,
    validators: Validators = NO_VALIDATORS,
) -> Subscription:
    """Keep `location` as `library`'s source (the library must exist: import it first). `validators`:
    those of the version just imported, so the first check already costs a 304 when nothing changed
    (500 agents subscribing at once must not all download it again); nothing is held back."""
    source = canonical(location)
    with store.transaction():
        store.set_library_source(library, source)
        _put(store, library, _options_entry(options) | _validators_entry(validators))
    return Subscription(library, source, options, validators)


def unsubscribe(store: Store, library: str) -> None:
    """Stop checking the source; the phrases stay as last imported."""
    with store.transaction():
        store.set_library_source(library, "")
        _put(store, library, {})


def _saved(store: Store) -> dict[str, Any]:
    value = store.settings().get(OPTIONS_SETTING, {})
    return value if isinstance(value, dict) else {}


def _put(store: Store, library: str, entry: dict[str, Any]) -> None:
    saved = _saved(store)
    if saved.get(library, {}) == entry:
        return  # nothing to write
    if entry:
        saved[library] = entry
    else:
        saved.pop(library, None)
    store.set_setting(OPTIONS_SETTING, saved)


def skip_rolled_back(store: Store, library: str, checksum: str) -> None:
    """After a rollback: the content rolled back from is not applied again by the next check."""
    entry = _saved(store).get(library)
    _put(store, library, (dict(entry) if isinstance(entry, dict) else {}) | {"skipped": checksum})


def _save_state(
    store: Store, sub: Subscription, validators: Validators, pending: Pending | None, skipped: str = ""
) -> None:
    """The options stay; the validators of the applied version and the held-back version are replaced."""
    entry = _options_entry(sub.options) | _validators_entry(validators) | ({"skipped": skipped} if skipped else {})
    if pending is not None:
        entry["pending"] = {
            "checksum": pending.checksum,
            "removed": pending.removed,
            "total": pending.total,
            **_validators_entry(pending.validators),
        }
    _put(store, sub.library, entry)


def _options_entry(options: ReadOptions) -> dict[str, Any]:
    if options == DEFAULT_OPTIONS:
        return {}
    return {"sheet": options.sheet, "map": [list(pair) for pair in options.mapping]}


def _validators_entry(v: Validators) -> dict[str, Any]:
    return {k: value for k, value in (("etag", v.etag), ("last_modified", v.last_modified)) if value}


def _options_from(value: dict[str, Any]) -> ReadOptions:
    sheet = value.get("sheet")
    pairs = value.get("map") or []
    mapping = tuple((str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2)
    return ReadOptions(sheet=sheet if isinstance(sheet, str) else None, mapping=mapping)


def _validators_from(value: dict[str, Any]) -> Validators:
    etag, modified = value.get("etag"), value.get("last_modified")
    return Validators(etag if isinstance(etag, str) else "", modified if isinstance(modified, str) else "")


def _pending_from(value: dict[str, Any]) -> Pending | None:
    p = value.get("pending")
    if not isinstance(p, dict) or not isinstance(p.get("checksum"), str):
        return None
    removed, total = p.get("removed"), p.get("total")
    return Pending(
        p["checksum"],
        removed if isinstance(removed, int) else 0,
        total if isinstance(total, int) else 0,
        _validators_from(p),
    )


class NoticeKind(StrEnum):
    UPDATED = "updated"  # the source changed and the layer was replaced
    UNREACHABLE = "unreachable"  # the source could not be fetched; the last good copy stays
    INVALID = "invalid"  # the source was fetched but is not a usable library; the last good copy stays
    PENDING = "pending"  # the new version would remove too many phrases; it waits for `check --yes`


@dataclass(frozen=True)
class Notice:
    """Something worth telling the agent about one subscription."""

    library: str
    kind: NoticeKind
    diff: LayerDiff | None = None
    message: str = ""  # the one-line reason for UNREACHABLE and INVALID
    pending: Pending | None = None  # for PENDING: what the held-back version would remove


@dataclass(frozen=True)
class Fetched:
    """The outcome of fetching one subscription: new content, no change (data None), or a failure."""

    subscription: Subscription
    digest: str = ""
    data: LibraryData | None = None
    failure: NoticeKind | None = None
    message: str = ""
    validators: Validators = NO_VALIDATORS  # of the version fetched


def fetch_subscription(
    sub: Subscription, known_digest: str | None, *, timeout: float = DEFAULT_TIMEOUT_S, confirmed: bool = False
) -> Fetched:
    """Fetch and parse one source; no body on a 304, no parse when the bytes are the ones seen last. Thread-safe.

    A URL is asked for a version other than the held-back one (so a pending update costs no download
    on each poll), or, when `confirmed`, other than the one applied.
    """
    asked = sub.pending.validators if sub.pending is not None and not confirmed else sub.validators
    try:
        got = fetch_if_changed(sub.source, asked, timeout=timeout)
    except LibraryFileError as e:
        return Fetched(sub, failure=NoticeKind.UNREACHABLE, message=str(e))
    if got.raw is None:
        return Fetched(sub, known_digest or "", validators=got.validators)
    digest = got.raw.digest()
    if digest == known_digest:
        return Fetched(sub, digest, validators=got.validators)
    try:
        data = parse_library(got.raw, sub.options, library=sub.library)
    except LibraryFileError as e:
        return Fetched(sub, digest, failure=NoticeKind.INVALID, message=str(e))
    return Fetched(sub, digest, data, validators=got.validators)


class SubscriptionChecker:
    """Applies what changed and decides what to say; one per app (or per `palette library check`).

    `confirmed` (`palette library check --yes`) applies a version that removes many phrases; without
    it such a version is held back, remembered in the settings and announced once per version.
    """

    def __init__(self, store: Store, *, timeout: float = DEFAULT_TIMEOUT_S, confirmed: bool = False) -> None:
        self.store = store
        self.timeout = timeout
        self.confirmed = confirmed
        self._digests: dict[str, str] = {}  # library → bytes last parsed
        self._said: dict[str, str] = {}  # library → the failure or held-back version already reported

    def pending(self) -> list[tuple[Subscription, str | None]]:
        """What to fetch now, each with the digest of the bytes last seen (for `fetch_subscription`)."""
        return [(sub, self._digests.get(sub.library)) for sub in subscriptions(self.store)]

    def fetch(self, sub: Subscription, digest: str | None) -> Fetched:
        """`fetch_subscription` with this checker's timeout and confirmation; any thread."""
        return fetch_subscription(sub, digest, timeout=self.timeout, confirmed=self.confirmed)

    def apply(self, fetched: Fetched) -> Notice | None:
        """Act on one fetch result on the store's thread; a Notice when there is something to say."""
        sub = fetched.subscription
        name = sub.library
        current = self.store.library(name)
        if current is None or current.source != sub.source:
            return None  # unsubscribed or removed while the fetch ran
        if fetched.failure is not None:
            return self._say(name, fetched.failure.value, Notice(name, fetched.failure, message=fetched.message))
        if fetched.digest and not (fetched.data is not None and fetched.data.from_files):
            self._digests[name] = fetched.digest  # pictures read from beside it may change while its bytes stay
        data = fetched.data
        if data is None:  # not modified: still the version applied, or still the one held back
            if sub.pending is not None and not self.confirmed:
                return self._hold(name, sub.pending)
            self._said.pop(name, None)
            return None
        if data.checksum() in (current.checksum, sub.skipped):  # a torn read finished, or rolled back from
            _save_state(self.store, sub, fetched.validators, None, sub.skipped)
            self._said.pop(name, None)
            return None
        try:
            layer = team_layer(self.store, data, source=sub.source)  # the 禁语 check: outside the write lock
            with self.store.transaction():  # the count and the write see the same layer
                removed, total = removal_count(self.store, layer)
                if is_mass_removal(removed, total) and not self.confirmed:
                    held = Pending(data.checksum(), removed, total, fetched.validators)
                    _save_state(self.store, sub, sub.validators, held, sub.skipped)
                    return self._hold(name, held)
                diff = apply_layer(self.store, layer)
                _save_state(self.store, sub, fetched.validators, None)
        except (LibraryFileError, StoreError) as e:
            self._digests.pop(name, None)
            message = f"{one_line(sub.source)}: {e}"
            return self._say(name, NoticeKind.INVALID.value, Notice(name, NoticeKind.INVALID, message=message))
        self._said.pop(name, None)
        return Notice(name, NoticeKind.UPDATED, diff)

    def _hold(self, name: str, held: Pending) -> Notice | None:
        return self._say(name, f"pending:{held.checksum}", Notice(name, NoticeKind.PENDING, pending=held))

    def _say(self, name: str, key: str, notice: Notice) -> Notice | None:
        if self._said.get(name) == key:
            return None  # already said; keep quiet until something else happens
        self._said[name] = key
        return notice

    def check_all(self, only: str | None = None) -> list[Notice]:
        """Check every subscription (or library `only`) now, on this thread (the command line, tests)."""
        notices = []
        for sub, digest in self.pending():
            if only is not None and sub.library != only:
                continue
            notice = self.apply(self.fetch(sub, digest))
            if notice is not None:
                notices.append(notice)
        return notices

"""Team libraries as layers of the user database: naming, uid namespaces, review, apply, export.

A file's phrase ids are its own (`1001`, or `k-…` derived from category and title); in the user
database every uid is global, so a team phrase's uid is `LIBRARY#ID`. Two teams can both number
their phrases from 1, and a team may even re-publish the standard library under its own name,
without a clash. Exporting strips the prefix again, so import(export(x)) gives the same uids.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from palette import __version__
from palette.core.atomic import TargetExistsError
from palette.core.collisions import shortcut_collisions
from palette.core.config import Settings
from palette.core.escaping import one_line
from palette.core.guard import Guard
from palette.core.library_io import (
    DEFAULT_OPTIONS,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    ReadOptions,
    companion_path,
    export_targets,
    parse_library,
    write_library,
)
from palette.core.model import (
    PERSONAL_LIBRARY,
    STANDARD_LIBRARY,
    ForbiddenWord,
    LayerDiff,
    Library,
    LibraryKind,
    Phrase,
    SendMode,
)
from palette.core.sources import DEFAULT_TIMEOUT_S, NO_VALIDATORS, Validators, fetch_if_changed
from palette.core.store import Store, diff_phrases

UID_SEPARATOR = "#"
MAX_NAME_CHARS = 40


class LibraryNameError(LibraryFileError):
    """A library name that cannot be used for a team import."""


def check_name(store: Store, name: str) -> str:
    """The name a team layer may have: not the standard or personal library, usable in uids."""
    name = name.strip()
    if not name:
        raise LibraryNameError("the library has no name; give one with --library")
    if name == STANDARD_LIBRARY:
        raise LibraryNameError(f"{name} is the bundled standard library; import under another name with --library")
    if name == PERSONAL_LIBRARY:
        raise LibraryNameError(f"{name} holds your own phrases; import under another name with --library")
    existing = store.library(name)
    if existing is not None and existing.kind is not LibraryKind.TEAM:
        raise LibraryNameError(f"{name} is a {existing.kind.value} library; choose another --library name")
    if UID_SEPARATOR in name or re.search(r"[\x00-\x1f\x7f]", name) or len(name) > MAX_NAME_CHARS:
        raise LibraryNameError(
            f"library name {name[:60]!r}: use at most {MAX_NAME_CHARS} characters, without '#' or control characters"
        )
    return name


def layer_uid(library: str, local_id: str) -> str:
    return f"{library}{UID_SEPARATOR}{local_id}"


def local_id(library: str, uid: str) -> str:
    """The id a file carries for `uid`: without this library's prefix (other uids stay whole)."""
    prefix = library + UID_SEPARATOR
    return uid[len(prefix) :] if uid.startswith(prefix) else uid


@dataclass(frozen=True)
class TeamLayer:
    """What replacing one team library's layer writes."""

    library: Library
    phrases: tuple[Phrase, ...]
    forbidden: tuple[ForbiddenWord, ...]
    warnings: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    images: Mapping[str, bytes] = field(default_factory=dict)  # sha256 → bytes of the phrases' pictures
    from_files: bool = False  # pictures read from files beside the library: its bytes alone do not decide it


def load_library(
    location: str,
    options: ReadOptions = DEFAULT_OPTIONS,
    *,
    library: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> LibraryData:
    """Fetch and parse a path or URL (blocking; the app calls it off the GUI thread)."""
    return fetch_library(location, options, library=library, timeout=timeout)[0]


def fetch_library(
    location: str,
    options: ReadOptions = DEFAULT_OPTIONS,
    *,
    library: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> tuple[LibraryData, Validators]:
    """`load_library`, with the server's validators of what it sent: a subscription made from this
    import asks "changed since?" from its first check."""
    got = fetch_if_changed(location, NO_VALIDATORS, timeout=timeout)
    if got.raw is None:  # a server answering 304 to a request that asked nothing
        raise LibraryFileError(f"{one_line(location.strip())}: the server answered 304 without being asked")
    return parse_library(got.raw, options, library=library), got.validators


def team_layer(store: Store, data: LibraryData, *, source: str | None = None) -> TeamLayer:
    """`data` as the layer of team library `data.name`; `source` None keeps the stored subscription.
    The send default and send_each a file does not state stay as the library has them."""
    name = check_name(store, data.name)
    existing = store.library(name)
    library = Library(
        name=name,
        kind=LibraryKind.TEAM,
        source=source if source is not None else (existing.source if existing else ""),
        version=data.version,
        checksum=data.checksum(),
        read_only=True,
        send=data.send or (existing.send if existing else SendMode.NEVER),
        send_each=data.send_each if data.send_each is not None else bool(existing and existing.send_each),
    )
    phrases = tuple(_placed(p, layer_uid(name, p.uid), name, n) for n, p in enumerate(data.phrases))
    forbidden = tuple(ForbiddenWord(w.word, w.suggestion, name) for w in data.forbidden)
    stored_words = {(w.word, w.suggestion) for w in store.forbidden_words() if w.source == name}
    if stored_words == {(w.word, w.suggestion) for w in forbidden}:  # same 禁语: check only new text
        bodies = store.layer_bodies(name)
        checked: Sequence[Phrase] = [p for p in phrases if bodies.get(p.uid) != p.body]
    else:
        checked = phrases
    collisions = [c.describe() for c in shortcut_collisions(phrases, store.coded_phrases(exclude_library=name))]
    return TeamLayer(
        library,
        phrases,
        forbidden,
        data.warnings + tuple(_guard_warnings(store, name, checked, forbidden)) + tuple(collisions),
        data.synonyms,
        images=data.images,
        from_files=data.from_files,
    )


def _placed(p: Phrase, uid: str, library: str, order: int) -> Phrase:
    """`p`'s content under another uid, library and position (no agent state: that is kept by uid)."""
    return Phrase(
        uid, library, p.category, p.title, p.body, p.shortcut, p.tags, order,
        valid_from=p.valid_from, valid_until=p.valid_until, questions=p.questions, keywords=p.keywords,
        images=p.images, send=p.send,
    )  # fmt: skip


def _guard_warnings(
    store: Store, name: str, phrases: Sequence[Phrase], forbidden: Sequence[ForbiddenWord]
) -> list[str]:
    """禁语 (the stored lists and the library's new one), malformed brackets and mistyped placeholders;
    not half-width punctuation: the paste normalises it, and a library typed that way would drown the rest."""
    guard = Guard([*(w for w in store.forbidden_words() if w.source != name), *forbidden])
    aliases = Settings(store).config().placeholder_aliases
    keys = list(store.profile())
    return [
        f"{p.category} › {p.title}: {f.describe()}"
        for p in phrases
        for f in guard.lint(p.body, profile_keys=keys, aliases=aliases, punctuation=False)
    ]


@dataclass(frozen=True)
class ImportPlan:
    """An import reviewed before it is applied: the diff, with the stored phrases for before/after."""

    layer: TeamLayer
    diff: LayerDiff
    before: Mapping[str, Phrase]
    forbidden_added: tuple[str, ...] = ()
    forbidden_removed: tuple[str, ...] = ()
    is_new: bool = False

    @property
    def added(self) -> list[Phrase]:
        wanted = set(self.diff.added)
        return [p for p in self.layer.phrases if p.uid in wanted]

    @property
    def changed(self) -> list[tuple[Phrase, Phrase]]:
        """(before, after) of phrases whose text changed; a phrase that only moved is not listed."""
        wanted = set(self.diff.changed) - set(self.diff.moved)
        return [(self.before[p.uid], p) for p in self.layer.phrases if p.uid in wanted]

    @property
    def removed(self) -> list[Phrase]:
        return [self.before[uid] for uid in self.diff.removed]

    @property
    def forbidden_changed(self) -> bool:
        return bool(self.forbidden_added or self.forbidden_removed)


def review(store: Store, layer: TeamLayer) -> ImportPlan:
    """What applying `layer` would change, without writing (the dry run and the import dialog)."""
    name = layer.library.name
    old = store.phrases(library=name)
    diff = diff_phrases(old, layer.phrases)
    warnings = layer.warnings
    old_words = [w.word for w in store.forbidden_words() if w.source == name]
    new_words = [w.word for w in layer.forbidden]
    old_set, new_set = set(old_words), set(new_words)
    return ImportPlan(
        layer=replace(layer, warnings=warnings),
        diff=replace(diff, warnings=warnings),
        before={p.uid: p for p in old},
        forbidden_added=tuple(w for w in new_words if w not in old_set),
        forbidden_removed=tuple(w for w in old_words if w not in new_set),
        is_new=store.library(name) is None,
    )


def apply_layer(store: Store, layer: TeamLayer, *, source_digest: str = "", origin: str = "") -> LayerDiff:
    """Replace the team layer in one transaction; the diff is what actually changed, with the warnings.

    `source_digest` (from `import_digest`) lets the next import of the same bytes skip everything; not
    when pictures came from files beside the library, which may change while its bytes stay. `origin`
    is the path or URL the version log names when the library is not subscribed.
    """
    diff = store.replace_layer(
        layer.library,
        layer.phrases,
        layer.forbidden,
        source_digest="" if layer.from_files else source_digest,
        origin=origin,
        synonyms=layer.synonyms,
        images=layer.images,
    )
    return replace(diff, warnings=layer.warnings)


def import_digest(raw: LibraryBytes, options: ReadOptions, library: str | None) -> str:
    """What decides an import's result: the bytes, how they are read, the name asked for, this Palette."""
    how = json.dumps([raw.digest(), raw.suffix, raw.stem, options.sheet, options.mapping, library, __version__])
    return hashlib.sha256(how.encode("utf-8")).hexdigest()


def unchanged_import(store: Store, digest: str) -> Library | None:
    """The team library already made from exactly these bytes read this way, if any (nothing to do)."""
    for lib in store.libraries():
        if lib.kind is LibraryKind.TEAM and store.source_digest(lib.name) == digest:
            return lib
    return None


def library_data(store: Store, name: str) -> LibraryData:
    """A stored library as file content: ids without the team prefix, order as the palette shows it."""
    lib = store.library(name)
    if lib is None:
        known = "、".join(lib.name for lib in store.libraries())
        raise LibraryNameError(f"no library named {name!r} (libraries: {known})")
    phrases = tuple(_placed(p, local_id(name, p.uid), name, n) for n, p in enumerate(store.phrases(library=name)))
    forbidden = tuple(w for w in store.forbidden_words() if w.source == name)
    synonyms = tuple(g for lib_name, g in store.synonym_groups() if lib_name == name)
    images = {r.sha256: store.image_bytes(r.sha256) for p in phrases for r in p.images}
    return LibraryData(
        name=name,
        version=lib.version,
        phrases=phrases,
        forbidden=forbidden,
        synonyms=synonyms,
        images=images,
        send=lib.send if lib.send is not SendMode.NEVER else None,
        send_each=True if lib.send_each else None,
    )


class ExportRefusedError(LibraryFileError):
    """An export target that would destroy something: an existing file, or the user database itself."""


def export_library(store: Store, name: str, path: Path, *, force: bool = False) -> tuple[LibraryData, list[Path]]:
    """Write library `name` to `path` (format from the extension); returns what was written where.

    Never onto a file the store has open (not even with `force`, whatever links lead there); an
    existing target, or a CSV's existing 禁语 companion, only with `force`.
    """
    data = library_data(store, name)
    targets = [path, companion_path(path)] if path.suffix.lower() == ".csv" else [path]
    if path.suffix.lower() in (".csv", ".json"):
        targets += export_targets(data.phrases, path)
    for target in targets:
        if is_store_file(store, target):
            raise ExportRefusedError(f"{target}: this is Palette's own database; export to another file")
    for target in targets:
        if not force and os.path.lexists(target):
            raise ExportRefusedError(f"{target}: already exists; use --force to replace it")
    try:
        return data, write_library(data, path, overwrite=force)
    except TargetExistsError as e:  # created by someone else since the check above
        raise ExportRefusedError(f"{e.filename}: already exists; use --force to replace it") from None


def is_store_file(store: Store, target: Path) -> bool:
    """True when `target` names (or is a link, hard or symbolic, to) the database, its -wal or -shm."""
    real = os.path.realpath(target)
    for own in store.files():
        if real == os.path.realpath(own):
            return True
        try:
            if os.path.samefile(target, own):
                return True
        except OSError:  # one of them does not exist (a -wal between checkpoints)
            continue
    return False

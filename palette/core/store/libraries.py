"""Library layers: which libraries there are, enabled or not, and replacing a team layer in one go.

A layer holds phrase content only; agent state (pins, hidden flags, usage) is keyed by uid outside
the layers, so replacing or removing a team layer can never lose it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from palette.core.model import ForbiddenWord, LayerDiff, Library, LibraryKind, Phrase, SendMode
from palette.core.store.changes import StoreChange
from palette.core.store.errors import StoreError
from palette.core.store.history import HistoryArea
from palette.core.store.images import ImagesArea, check_images
from palette.core.store.rows import UPSERT_PHRASE, checked, clean_row, diff_rows, layer_row, words_json

DISABLED_LIBRARIES_SETTING = "disabled_libraries"  # names of libraries out of the search and the palette
SOURCE_DIGESTS_SETTING = "source_digests"  # library → digest of the source bytes its layer came from


class LibrariesArea(HistoryArea, ImagesArea):
    """The libraries table and whole-layer writes (the enabled flags and source digests live in settings)."""

    def libraries(self) -> list[Library]:
        rows = self.db.execute(
            "SELECT name, kind, source, version, imported_at, checksum, read_only, send, send_each FROM libraries"
            " ORDER BY CASE kind WHEN 'standard' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, name"
        ).fetchall()
        disabled = self.disabled_libraries()
        return [
            Library(
                name=r[0],
                kind=LibraryKind(r[1]),
                source=r[2],
                version=r[3],
                imported_at=r[4],
                checksum=r[5],
                read_only=bool(r[6]),
                enabled=r[0] not in disabled,
                send=SendMode(r[7]),
                send_each=bool(r[8]),
            )
            for r in rows
        ]

    def library(self, name: str) -> Library | None:
        return next((lib for lib in self.libraries() if lib.name == name), None)

    def disabled_libraries(self) -> frozenset[str]:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [DISABLED_LIBRARIES_SETTING]).fetchone()
        names = json.loads(row[0]) if row else []
        return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()

    def set_library_enabled(self, name: str, enabled: bool) -> None:
        """Take a library out of the search and the palette, or back in; its phrases and the agent's
        pins, usage and overrides stay. 我的话术 cannot be disabled: it holds the agent's own fixes
        (overrides), and hiding them would silently bring back the versions they replaced."""
        with self.transaction():
            lib = self.library(name)
            if lib is None:
                raise StoreError(f"no library named {name!r} (see palette library list)")
            if lib.kind is LibraryKind.PERSONAL and not enabled:
                raise StoreError(f"{name} holds your own phrases and cannot be disabled; hide single phrases instead")
            disabled = set(self.disabled_libraries())
            (disabled.discard if enabled else disabled.add)(name)
            self._write_disabled(disabled)
        self._notify(StoreChange(libraries=[name]))

    def _write_disabled(self, names: set[str]) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [DISABLED_LIBRARIES_SETTING, json.dumps(sorted(names), ensure_ascii=False)],
        )

    def set_library_send(self, name: str, send: SendMode, *, send_each: bool | None = None) -> None:
        """The send mode of a library's phrases that name none (and, with pictures, a send after each part
        or one after all). A team library's re-import sets it again from its file."""
        with self.transaction():
            cur = self.db.execute("UPDATE libraries SET send = ? WHERE name = ?", [SendMode(send).value, name])
            if cur.rowcount == 0:
                raise StoreError(f"no library named {name!r} (see palette library list)")
            if send_each is not None:
                self.db.execute("UPDATE libraries SET send_each = ? WHERE name = ?", [int(send_each), name])
        self._notify(StoreChange(libraries=[name]))

    def set_library_source(self, name: str, source: str) -> None:
        with self.transaction():
            cur = self.db.execute("UPDATE libraries SET source = ? WHERE name = ?", [source, name])
            if cur.rowcount == 0:
                raise StoreError(f"no library named {name!r}")
        self._notify(StoreChange(libraries=[name]))

    def diff_layer(self, name: str, phrases: Sequence[Phrase]) -> LayerDiff:
        """What `replace_layer(name, phrases)` would change, without writing."""
        rows = self.db.execute(
            "SELECT uid, category, title, body, shortcut, tags, valid_from, valid_until, questions, keywords,"
            " send, sort_order FROM phrases"
            " WHERE library = ? ORDER BY sort_order, rowid",
            [name],
        )
        images = {uid: tuple(r.sha256 for r in refs) for uid, refs in self._images_of(library=name).items()}
        # raw rows, compared with the stored tags JSON: at 100,000 phrases several times faster than Phrases
        tags_json: dict[tuple[str, ...], str] = {}

        def stored_form(p: Phrase) -> tuple[object, ...]:
            tags = tags_json.get(p.tags)
            if tags is None:
                tags = tags_json[p.tags] = json.dumps(list(p.tags), ensure_ascii=False)
            shas = tuple(r.sha256 for r in p.images) if p.images else ()
            return (
                p.category,
                p.title,
                p.body,
                p.shortcut,
                tags,
                p.valid_from,
                p.valid_until,
                words_json(p.questions),
                words_json(p.keywords),
                p.send,
                shas,
                p.sort_order,
            )

        before = {r[0]: (*r[1:11], images.get(r[0], ()), r[11]) for r in rows}
        return diff_rows(before, phrases, stored_form)

    def layer_bodies(self, name: str) -> dict[str, str]:
        """uid → body of one layer: enough to tell which phrases an import really changes."""
        return dict(self.db.execute("SELECT uid, body FROM phrases WHERE library = ?", [name]).fetchall())

    def layer_uids(self, name: str) -> set[str]:
        """The uids one layer holds now: what a new version of it would remove is the rest."""
        return {uid for (uid,) in self.db.execute("SELECT uid FROM phrases WHERE library = ?", [name])}

    def phrase_count(self, name: str) -> int:
        count: int = self.db.execute("SELECT COUNT(*) FROM phrases WHERE library = ?", [name]).fetchone()[0]
        return count

    def source_digest(self, name: str) -> str:
        """The digest `replace_layer` stored with the layer's source bytes; "" when none."""
        value = self.settings().get(SOURCE_DIGESTS_SETTING, {})
        return str(value.get(name, "")) if isinstance(value, dict) else ""

    def replace_layer(
        self,
        library: Library,
        phrases: Sequence[Phrase],
        forbidden: Sequence[ForbiddenWord] | None = None,
        *,
        source_digest: str = "",
        origin: str = "",
        synonyms: Sequence[tuple[str, ...]] | None = None,
        images: Mapping[str, bytes] | None = None,
    ) -> LayerDiff:
        """Make `library`'s layer exactly `phrases` in one transaction; other layers and agent state stay.

        Only what differs is written: added and changed rows, deleted ones; an unchanged phrase costs a
        comparison. `forbidden` and `synonyms`, when given, replace the library's own 禁语 list and
        同义词 groups. `source_digest` names the source bytes this layer came from, so importing them
        again can be skipped unread. A team layer's write is kept as a version (`origin`: where it came
        from when the library keeps no source), and marks the overrides whose team text it changes (团队已更新).
        `images` holds the bytes (by sha256) of the pictures the phrases carry that may not be stored yet;
        the library's send default and send_each come from `library`.
        """
        if library.kind is LibraryKind.PERSONAL:
            raise StoreError("the personal library is edited phrase by phrase, not replaced")
        seen: set[str] = set()
        for p in phrases:
            if p.uid in seen:
                raise StoreError(f"{library.name}: duplicate uid {p.uid!r}")
            seen.add(p.uid)
            checked(clean_row(p), where=f"{library.name}: phrase {p.uid!r}")
            if p.images:
                check_images(p.images, where=f"{library.name}: phrase {p.uid!r}")
        now = time.time()
        library = replace(library, imported_at=library.imported_at or _utc_now())
        with self.transaction():
            existing = self.library(library.name)
            diff = self.diff_layer(library.name, phrases)  # inside: a concurrent import cannot leave a mix
            bases = self._overridden_bases(library.name) if diff.changed or diff.removed else {}
            if diff.added:
                clash = self._uids_elsewhere(set(diff.added), library.name)
                if clash:
                    uid, other = clash
                    raise StoreError(f"{library.name}: uid {uid!r} already belongs to library {other!r}")
            self.db.conn.execute(
                "INSERT INTO libraries (name, kind, source, version, imported_at, checksum, read_only, send, send_each)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind,"
                " source = excluded.source, version = excluded.version, imported_at = excluded.imported_at,"
                " checksum = excluded.checksum, read_only = excluded.read_only, send = excluded.send,"
                " send_each = excluded.send_each",
                [
                    library.name,
                    library.kind.value,
                    library.source,
                    library.version,
                    library.imported_at,
                    library.checksum,
                    int(library.read_only),
                    SendMode(library.send).value,
                    int(library.send_each),
                ],
            )
            for data in (images or {}).values():
                self.add_image(data)
            if diff.removed:
                self.db.conn.executemany("DELETE FROM phrases WHERE uid = ?", [(u,) for u in diff.removed])
            write = set(diff.added) | set(diff.changed)
            if write:
                tags_json: dict[tuple[str, ...], str] = {}  # a library repeats a few tag sets
                self.db.conn.executemany(  # plain executemany: 3x faster than upsert_all at 100,000 rows
                    UPSERT_PHRASE,
                    (layer_row(p, library.name, now, tags_json) for p in phrases if p.uid in write),
                )
                linked = set(self._images_of(library=library.name))
                if linked or any(p.images for p in phrases):  # usually neither: no per-row work
                    for p in phrases:
                        if p.uid in write and (p.images or p.uid in linked):
                            self._link_images(p.uid, p.images, fresh=p.uid not in linked)
            if diff.removed or diff.changed or images:
                self.drop_unlinked_images()
            if forbidden is not None:
                self._replace_forbidden(library.name, forbidden)
            if synonyms is not None:
                self._replace_synonyms(library.name, synonyms)
            self._set_source_digest(library.name, source_digest)
            self._mark_team_updates(bases, phrases, diff)
            if library.kind is LibraryKind.TEAM and (
                not diff.is_empty or existing is None or existing.checksum != library.checksum
            ):
                self._record_version(library, phrases, forbidden, diff, origin)
        self._notify(StoreChange(uids=[*diff.added, *diff.changed, *diff.removed], libraries=[library.name]))
        return diff

    def _set_source_digest(self, name: str, digest: str) -> None:
        digests = self.settings().get(SOURCE_DIGESTS_SETTING, {})
        digests = dict(digests) if isinstance(digests, dict) else {}
        if digests.get(name, "") == digest:
            return
        if digest:
            digests[name] = digest
        else:
            digests.pop(name, None)
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [SOURCE_DIGESTS_SETTING, json.dumps(digests, ensure_ascii=False)],
        )

    def remove_library(self, name: str) -> None:
        lib = self.library(name)
        if lib is None:
            raise StoreError(f"no library named {name!r}")
        if lib.kind is LibraryKind.PERSONAL:
            raise StoreError("the personal library cannot be removed")
        uids = [r[0] for r in self.db.execute("SELECT uid FROM phrases WHERE library = ?", [name])]
        with self.transaction():
            self.db.execute("DELETE FROM phrases WHERE library = ?", [name])
            self.db.execute("DELETE FROM forbidden_words WHERE source = ?", [name])
            self.db.execute("DELETE FROM synonyms WHERE library = ?", [name])
            self.db.execute("DELETE FROM libraries WHERE name = ?", [name])
            self.db.execute("DELETE FROM library_versions WHERE library = ?", [name])
            self.db.execute("DELETE FROM version_images WHERE library = ?", [name])
            self.db.execute(
                "DELETE FROM team_updates WHERE uid IN (SELECT value FROM json_each(?))", [json.dumps(uids)]
            )
            self.drop_unlinked_images()
            if name in (disabled := set(self.disabled_libraries())):  # a later import of the name starts enabled
                disabled.discard(name)
                self._write_disabled(disabled)
            self._set_source_digest(name, "")
        self._notify(StoreChange(uids=uids, libraries=[name]))

    def synonym_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """(library, words) of every team library's 同义词 groups, in each library's order."""
        rows = self.db.execute("SELECT library, words FROM synonyms ORDER BY library, position")
        return [(str(lib), tuple(json.loads(words))) for lib, words in rows]

    def _replace_synonyms(self, library: str, groups: Sequence[tuple[str, ...]]) -> None:
        self.db.execute("DELETE FROM synonyms WHERE library = ?", [library])
        self.db.conn.executemany(
            "INSERT INTO synonyms (library, position, words) VALUES (?, ?, ?)",
            [(library, i, json.dumps(list(g), ensure_ascii=False)) for i, g in enumerate(groups)],
        )

    def _uids_elsewhere(self, uids: set[str], library: str) -> tuple[str, str] | None:
        found: tuple[str, str] | None = None
        for uid, other in self.db.execute("SELECT uid, library FROM phrases WHERE library != ?", [library]):
            if uid in uids:
                found = (uid, other)
                break
        return found


def _utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

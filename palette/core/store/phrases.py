"""Single phrases: reading them (stored or as the palette shows them) and the agent's own edits.

Only 我的话术 is edited phrase by phrase; a read-only phrase is customised by a personal override
or hidden. A shortcut is checked and claimed under the write lock, so two adds cannot both win.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from palette.core.model import PERSONAL_LIBRARY, ImageRef, Phrase, SendMode
from palette.core.phrase_rules import shortcut_key
from palette.core.store.changes import StoreChange
from palette.core.store.errors import ShortcutTakenError, StoreError
from palette.core.store.images import check_images
from palette.core.store.libraries import LibrariesArea
from palette.core.store.rows import (
    PHRASE_SELECT,
    checked,
    clean_fields,
    content_fields,
    effective_phrases,
    phrase_row,
    row_to_phrase,
)
from palette.core.validity import today


class PhrasesArea(LibrariesArea):
    """Phrase reads and the personal phrase's add, edit, delete, undo, pin and hide."""

    def phrases(self, library: str | None = None, *, limit: int | None = None) -> list[Phrase]:
        """Every stored phrase (hidden ones and overridden originals included), in library order; the
        first `limit` of them when given (the manager's first page of a big library)."""
        sql = PHRASE_SELECT
        params: list[object] = []
        if library is not None:
            sql += " WHERE p.library = ?"
            params.append(library)
        sql += " ORDER BY p.library, p.sort_order, p.rowid"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._attach_images([row_to_phrase(r) for r in self.db.execute(sql, params)], library=library)

    def category_counts(self) -> list[tuple[str, str, int]]:
        """(library, category, phrases) without reading the phrases, overrides left out, categories in
        the order their first phrase sorts: the manager's tree while it reads a big store."""
        rows = self.db.execute(
            "SELECT library, category, COUNT(*) FROM phrases WHERE override_of IS NULL"
            " GROUP BY library, category ORDER BY library, MIN(sort_order)"
        )
        return [(str(lib), str(cat), int(n)) for lib, cat, n in rows]

    def get(self, uid: str) -> Phrase | None:
        row = self.db.execute(PHRASE_SELECT + " WHERE p.uid = ?", [uid]).fetchone()
        return self._attach_images([row_to_phrase(row)])[0] if row else None

    def visible_phrases(self, *, day: str | None = None) -> list[Phrase]:
        """What the palette offers on `day` (ISO; default today): personal overrides replace their
        originals, hidden ones, disabled libraries and phrases outside their validity dates are left out."""
        return self._visible_where("1", [], today=day or today())

    def dated_uids(self) -> list[str]:
        """The phrases with a validity date (a partial index): all a change of day can show or hide."""
        rows = self.db.execute("SELECT uid FROM phrases WHERE valid_from != '' OR valid_until != ''")
        return [uid for (uid,) in rows]

    def coded_phrases(self, *, exclude_library: str | None = None) -> list[Phrase]:
        """The visible phrases that have a shortcut code, without reading every phrase: the rows with a
        code plus every override (an override without a code still hides its original's). An import
        leaves out its own library: a 100,000-phrase layer is not read back to check itself."""
        shown = self._visible_where(
            "(p.shortcut != '' OR p.override_of IS NOT NULL) AND p.library IS NOT ?", [exclude_library]
        )
        return [p for p in shown if p.shortcut]

    def _visible_where(self, condition: str, params: Sequence[object], *, today: str | None = None) -> list[Phrase]:
        """`visible_phrases` over the rows matching an SQL condition: the overrides among them must be
        all of them, or an original they hide would show (the callers include every override)."""
        rows = self.db.execute(f"{PHRASE_SELECT} WHERE {condition} ORDER BY p.library, p.sort_order, p.rowid", params)
        libraries = self.libraries()
        return effective_phrases(
            self._attach_images(list(map(row_to_phrase, rows))),
            [lib.name for lib in libraries],
            disabled={lib.name for lib in libraries if not lib.enabled},
            today=today,
        )

    def add_phrase(
        self,
        *,
        category: str,
        title: str,
        body: str,
        shortcut: str = "",
        tags: Sequence[str] = (),
        override_of: str | None = None,
        valid_from: str = "",
        valid_until: str = "",
        images: Sequence[ImageRef] = (),
        send: SendMode | None = None,
    ) -> Phrase:
        """A new personal phrase (or a personal override of a read-only one); returns it with its uid.
        `valid_from`/`valid_until`: ISO dates of its window ("" = open-ended); `images` are refs
        `add_image` returned (in the same transaction when other processes write)."""
        if override_of is not None:
            base = self.get(override_of)
            if base is None:
                raise StoreError(f"no phrase with uid {override_of!r} to customise")
            if base.library == PERSONAL_LIBRARY:
                raise StoreError(f"{override_of!r} is already a personal phrase; edit it instead")
        fields = clean_fields({"category": category, "title": title, "body": body, "shortcut": shortcut, "tags": tags})
        fields |= {"valid_from": valid_from, "valid_until": valid_until}
        checked(Phrase("", PERSONAL_LIBRARY, **fields))
        check_images(images)
        with self.transaction():  # the shortcut check and the insert under one lock: two adds cannot both win
            self._claim_shortcut(fields["shortcut"], exclude=override_of)
            order = self.db.execute(
                "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM phrases WHERE library = ?", [PERSONAL_LIBRARY]
            ).fetchone()[0]
            phrase = Phrase(
                uid="p-" + uuid.uuid4().hex[:12],
                library=PERSONAL_LIBRARY,
                sort_order=order,
                override_of=override_of,
                images=tuple(images),
                send=SendMode(send) if send else None,
                **fields,
            )
            try:
                self.db.table("phrases").insert(phrase_row(phrase, time.time()))
            except sqlite3.IntegrityError:
                raise StoreError(f"{override_of!r} is already customised") from None
            self._link_images(phrase.uid, phrase.images, fresh=True)
        self._notify(StoreChange(uids=[phrase.uid] + ([override_of] if override_of else [])))
        return phrase

    def _claim_shortcut(self, shortcut: str, *, exclude: str | None) -> None:
        """Refuse a shortcut another visible phrase has; call inside the write transaction."""
        owner = self.shortcut_owner(shortcut, exclude=exclude)
        if owner is not None:
            raise ShortcutTakenError(f"shortcut {shortcut!r} is already used by {owner.title!r} ({owner.uid})")

    def update_phrase(self, uid: str, **fields: Any) -> Phrase:
        """Edit a personal phrase's content fields (category, title, body, shortcut, tags, sort_order,
        validity dates, images, send)."""
        current = self.get(uid)
        if current is None:
            raise StoreError(f"no phrase with uid {uid!r}")
        if current.library != PERSONAL_LIBRARY:
            raise StoreError(f"{uid!r} belongs to the read-only library {current.library!r}; customise it instead")
        allowed = {
            "category",
            "title",
            "body",
            "shortcut",
            "tags",
            "sort_order",
            "valid_from",
            "valid_until",
            "images",
            "send",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot edit {', '.join(sorted(unknown))}")
        updated = replace(current, **clean_fields(fields))
        same_code = shortcut_key(updated.shortcut) == shortcut_key(current.shortcut)
        checked(updated, keep_shortcut=updated.shortcut == current.shortcut)
        check_images(updated.images)
        with self.transaction():
            if not same_code:
                self._claim_shortcut(updated.shortcut, exclude=uid)
            self.db.table("phrases").update(uid, phrase_row(updated, time.time()))
            if updated.images != current.images:
                self._link_images(uid, updated.images)
                self.drop_unlinked_images()
        self._notify(StoreChange(uids=[uid]))
        return updated

    def delete_phrase(self, uid: str) -> Phrase:
        """Delete a personal phrase (dropping an override restores the team version); returns it for undo."""
        current = self.get(uid)
        if current is None:
            raise StoreError(f"no phrase with uid {uid!r}")
        if current.library != PERSONAL_LIBRARY:
            raise StoreError(f"{uid!r} belongs to the read-only library {current.library!r}; hide it instead")
        with self.transaction():
            self.db.execute("DELETE FROM phrases WHERE uid = ?", [uid])  # its image links go with it
            self.drop_unlinked_images()
            if current.override_of:  # no version of the agent's left to be out of date
                self.db.execute("DELETE FROM team_updates WHERE uid = ?", [current.override_of])
        self._notify(StoreChange(uids=[uid] + ([current.override_of] if current.override_of else [])))
        return current

    def restore_phrase(self, phrase: Phrase, images: dict[str, bytes] | None = None) -> None:
        """Put back a personal phrase exactly as `delete_phrase` returned it (undo). Its pictures were
        dropped with it when nothing else used them: `images` (sha256 → bytes) stores them again."""
        phrase = checked(replace(phrase, **clean_fields(content_fields(phrase))), keep_shortcut=True)
        with self.transaction():
            for data in (images or {}).values():
                self.add_image(data)
            self.db.table("phrases").insert(phrase_row(phrase, time.time()), replace=True)
            self._link_images(phrase.uid, phrase.images)
        self._notify(StoreChange(uids=[phrase.uid] + ([phrase.override_of] if phrase.override_of else [])))

    def set_flags(self, uid: str, *, pinned: bool | None = None, hidden: bool | None = None) -> None:
        """Pin or hide any phrase; kept by uid, so a team re-import never undoes it."""
        phrase = self.get(uid)
        if phrase is None:
            raise StoreError(f"no phrase with uid {uid!r}")
        key = phrase.usage_key
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO phrase_flags (uid) VALUES (?)", [key])
            if pinned is not None:
                self.db.execute("UPDATE phrase_flags SET pinned = ? WHERE uid = ?", [int(pinned), key])
            if hidden is not None:
                self.db.execute("UPDATE phrase_flags SET hidden = ? WHERE uid = ?", [int(hidden), key])
        self._notify(StoreChange(uids=[uid, key]))

    def shortcut_owner(self, shortcut: str, *, exclude: str | None = None) -> Phrase | None:
        """The visible phrase already using `shortcut` (case-insensitive), if any."""
        wanted = shortcut_key(shortcut)
        if not wanted:
            return None
        # Only the rows that may carry the code (SQLite folds ASCII only: every non-ASCII code is read and
        # compared here) and every override: 2.6 s to 0.1 s per write at 100,000 phrases.
        candidates = self._visible_where(
            "(p.shortcut != '' AND (lower(trim(p.shortcut)) = ? OR p.shortcut GLOB '*[^ -~]*'))"
            " OR p.override_of IS NOT NULL",
            [wanted],
        )
        for p in candidates:
            if shortcut_key(p.shortcut) != wanted:
                continue
            if exclude is None or exclude not in (p.uid, p.override_of):
                return p
        return None

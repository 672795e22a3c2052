"""Phrase pictures: stored once by SHA-256 as blobs, linked to phrases in order, dropped when unlinked.

`add_image` stores a checked picture and returns its `ImageRef`; a phrase write then links it. An image
no phrase links to any more is deleted by the write that unlinked it (`drop_unlinked_images`). Add and
link in one `transaction()` where another process may be removing phrases at the same time: a picture
added outside it can be dropped by that process before the link is written (the link is then refused
with a clear error rather than left dangling).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from palette.core.images import MAX_PHRASE_IMAGES, InvalidImageError, probe
from palette.core.model import ImageRef, Phrase
from palette.core.store.errors import StoreError
from palette.core.store.settings import SettingsArea

_LINKS = (
    "SELECT pi.uid, i.sha256, i.mime, i.width, i.height FROM phrase_images pi JOIN images i ON i.sha256 = pi.sha256"
)


class InvalidImageStoreError(StoreError):
    """A picture the store refuses (not PNG/JPEG/GIF, too big, a picture bomb); one line."""


class ImagesArea(SettingsArea):
    """The images and phrase_images tables."""

    def add_image(self, data: bytes) -> ImageRef:
        """Store a picture (once: the same bytes give the same ref) after checking it; returns its ref."""
        try:
            ref = probe(data)
        except InvalidImageError as e:
            raise InvalidImageStoreError(str(e)) from None
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO images (sha256, mime, width, height, data) VALUES (?, ?, ?, ?, ?)",
                [ref.sha256, ref.mime, ref.width, ref.height, sqlite3.Binary(data)],
            )
        return ref

    def image_bytes(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT data FROM images WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise StoreError(f"no stored image {sha256[:12]}")
        return bytes(row[0])

    def image_count(self) -> int:
        count: int = self.db.execute("SELECT COUNT(*) FROM images").fetchone()[0]
        return count

    def _images_of(self, *, uid: str | None = None, library: str | None = None) -> dict[str, list[ImageRef]]:
        """uid → its pictures in order: of one phrase, of one library's phrases, or of all."""
        sql, params = _LINKS, []
        if uid is not None:
            sql += " WHERE pi.uid = ?"
            params.append(uid)
        elif library is not None:
            sql += " JOIN phrases p ON p.uid = pi.uid WHERE p.library = ?"
            params.append(library)
        out: dict[str, list[ImageRef]] = {}
        for owner, *ref in self.db.execute(sql + " ORDER BY pi.uid, pi.position", params):
            out.setdefault(owner, []).append(ImageRef(*ref))
        return out

    def _attach_images(self, phrases: list[Phrase], *, library: str | None = None) -> list[Phrase]:
        """`phrases` with their pictures filled in (rows of the phrases table come without)."""
        if not phrases or not self.db.execute("SELECT 1 FROM phrase_images LIMIT 1").fetchone():
            return phrases  # the common store: no pictures at all, no second read
        links = self._images_of(uid=phrases[0].uid) if len(phrases) == 1 else self._images_of(library=library)
        if not links:
            return phrases
        return [replace(p, images=tuple(links[p.uid])) if p.uid in links else p for p in phrases]

    def _link_images(self, uid: str, images: Sequence[ImageRef], *, fresh: bool = False) -> None:
        """Make `uid`'s pictures exactly `images`; call inside the write transaction. `fresh`: the phrase
        was just inserted and has none yet."""
        if not fresh:
            self.db.execute("DELETE FROM phrase_images WHERE uid = ?", [uid])
        if not images:
            return
        try:
            self.db.conn.executemany(
                "INSERT INTO phrase_images (uid, position, sha256) VALUES (?, ?, ?)",
                [(uid, i, ref.sha256) for i, ref in enumerate(images)],
            )
        except sqlite3.IntegrityError:
            missing = [r.sha256[:12] for r in images if not self._has_image(r.sha256)]
            raise StoreError(f"image {', '.join(missing) or '?'} is no longer stored; add it again") from None

    def _has_image(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM images WHERE sha256 = ?", [sha256]).fetchone() is not None

    def drop_unlinked_images(self) -> int:
        """Delete the pictures no phrase links to and no kept library version names (a rollback brings
        them back); returns how many. Every write that unlinks calls it."""
        with self.transaction():
            cur = self.db.execute(
                "DELETE FROM images WHERE sha256 NOT IN (SELECT sha256 FROM phrase_images)"
                " AND sha256 NOT IN (SELECT sha256 FROM version_images)"
            )
        return cur.rowcount


def check_images(images: Sequence[ImageRef], where: str = "") -> None:
    """A phrase carries at most MAX_PHRASE_IMAGES pictures: what a chat sends at once, and bounded."""
    if len(images) > MAX_PHRASE_IMAGES:
        prefix = f"{where}: " if where else ""
        raise StoreError(f"{prefix}{len(images)} images, at most {MAX_PHRASE_IMAGES} allowed")

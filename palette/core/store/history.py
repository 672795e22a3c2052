"""A team layer's history and the overrides a new version changed under the agent.

`library_versions` keeps the last `VERSIONS_KEPT` applied versions of each team library: who, when,
from where, the summary, and the layer's rows (zlib-compressed, at most `MAX_LAYER_BYTES`; a
bigger layer is logged but cannot be restored). `team_updates` holds, per team phrase whose title or
body changed while the agent has an override of it, the team text the override was made from. Both
are written by `replace_layer` inside its transaction, so a version and its marks are never half there.
"""

from __future__ import annotations

import getpass
import json
import time
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from palette.core.model import (
    ForbiddenWord,
    ImageRef,
    LayerDiff,
    Library,
    LibraryVersion,
    Phrase,
    SendMode,
    TeamUpdate,
)
from palette.core.store.changes import StoreChange
from palette.core.store.errors import StoreError
from palette.core.store.settings import SettingsArea

VERSIONS_KEPT = 20
MAX_LAYER_BYTES = 8 * 1024 * 1024  # compressed; ~100,000 short phrases fit
AGENT_ID_KEY = "工号"

_Bases = dict[str, tuple[str, str]]  # team uid → (title, body) before the write


class HistoryArea(SettingsArea):
    """Versions of team layers and the 团队已更新 marks on overrides."""

    # -- 团队已更新 ----------------------------------------------------------------------------------

    def team_updates(self) -> dict[str, TeamUpdate]:
        """Team uid → the team text its override was made from, for every override still marked."""
        rows = self.db.execute("SELECT uid, old_title, old_body FROM team_updates")
        return {r[0]: TeamUpdate(r[0], r[1], r[2]) for r in rows}

    def team_update(self, uid: str) -> TeamUpdate | None:
        row = self.db.execute("SELECT uid, old_title, old_body FROM team_updates WHERE uid = ?", [uid]).fetchone()
        return TeamUpdate(row[0], row[1], row[2]) if row else None

    def keep_mine(self, team_uid: str) -> None:
        """The agent keeps their version: the mark goes, the team's current text is the new base."""
        with self.transaction():
            self.db.execute("DELETE FROM team_updates WHERE uid = ?", [team_uid])
        self._notify(StoreChange(uids=[team_uid]))

    def _overridden_bases(self, library: str) -> _Bases:
        """The title and body of the library's phrases that have an override (few), before a write."""
        rows = self.db.execute(
            "SELECT p.uid, p.title, p.body FROM phrases p JOIN phrases o ON o.override_of = p.uid WHERE p.library = ?",
            [library],
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def _mark_team_updates(self, bases: _Bases, phrases: Sequence[Phrase], diff: LayerDiff) -> None:
        """Mark the overrides whose team title or body changed; keep the first base while a mark stands
        (the override was made from that), and drop a mark the team's text went back to."""
        if not bases:
            return
        marks = self.team_updates()
        now = time.time()
        for p in phrases:
            base = bases.get(p.uid)
            if base is None or (p.title, p.body) == base:
                continue
            mark = marks.get(p.uid)
            if mark is not None and (mark.old_title, mark.old_body) == (p.title, p.body):
                self.db.execute("DELETE FROM team_updates WHERE uid = ?", [p.uid])
            elif mark is None:
                self.db.execute(
                    "INSERT INTO team_updates (uid, old_title, old_body, marked_at) VALUES (?, ?, ?, ?)",
                    [p.uid, base[0], base[1], now],
                )
        gone = [(uid,) for uid in diff.removed if uid in marks]
        if gone:
            self.db.conn.executemany("DELETE FROM team_updates WHERE uid = ?", gone)

    # -- versions --------------------------------------------------------------------------------------

    def library_versions(self, name: str) -> list[LibraryVersion]:
        """The kept versions of one library, oldest first."""
        rows = self.db.execute(
            "SELECT library, version, applied_at, who, source, checksum, label, summary, layer IS NOT NULL"
            " FROM library_versions WHERE library = ? ORDER BY version",
            [name],
        )
        return [_version(r) for r in rows]

    def version_layer(self, name: str, version: int) -> tuple[tuple[Phrase, ...], tuple[ForbiddenWord, ...]]:
        """The rows of a kept version, to restore it; StoreError when it is not kept or too big."""
        row = self.db.execute(
            "SELECT layer FROM library_versions WHERE library = ? AND version = ?", [name, version]
        ).fetchone()
        if row is None:
            raise StoreError(f"{name}: no version {version} (see palette library log {name})")
        if row[0] is None:
            raise StoreError(f"{name}: version {version} was too big to keep its phrases; it cannot be restored")
        refs = self.db.execute(
            "SELECT sha256, mime, width, height FROM images WHERE sha256 IN"
            " (SELECT sha256 FROM version_images WHERE library = ? AND version = ?)",
            [name, version],
        )
        pictures = {r[0]: ImageRef(*r) for r in refs}
        try:
            return _unpacked(name, zlib.decompress(row[0]).decode("utf-8"), pictures)
        except (zlib.error, ValueError):
            raise StoreError(f"{name}: version {version} is damaged; it cannot be restored") from None

    def _record_version(
        self,
        library: Library,
        phrases: Sequence[Phrase],
        forbidden: Sequence[ForbiddenWord] | None,
        diff: LayerDiff,
        origin: str,
    ) -> None:
        """Keep this write as the library's newest version; the oldest beyond `VERSIONS_KEPT` go."""
        name = library.name
        if forbidden is None:
            forbidden = [w for w in self.forbidden_words() if w.source == name]
        blob: bytes | None = zlib.compress(_packed(phrases, forbidden).encode("utf-8"), 1)
        if blob is not None and len(blob) > MAX_LAYER_BYTES:
            blob = None
        summary = {
            "added": len(diff.added),
            "changed": len(diff.changed) - len(diff.moved),
            "removed": len(diff.removed),
            "phrases": len(phrases),
        }
        last = self.db.execute("SELECT COALESCE(MAX(version), 0) FROM library_versions WHERE library = ?", [name])
        version = int(last.fetchone()[0]) + 1
        self.db.execute(
            "INSERT INTO library_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                version,
                library.imported_at,
                self._who(),
                origin or library.source,
                library.checksum,
                library.version,
                json.dumps(summary),
                blob,
            ],
        )
        shas = {r.sha256 for p in phrases for r in p.images} if blob is not None else set()
        self.db.conn.executemany(  # its pictures stay stored while the version is kept (drop_unlinked_images)
            "INSERT OR IGNORE INTO version_images (library, version, sha256) VALUES (?, ?, ?)",
            [(name, version, sha) for sha in sorted(shas)],
        )
        for table in ("library_versions", "version_images"):
            self.db.execute(f"DELETE FROM {table} WHERE library = ? AND version <= ?", [name, version - VERSIONS_KEPT])

    def _who(self) -> str:
        """Who applied it: the profile's 工号, else the OS user (a lead reads the log of an agent's PC)."""
        agent = self.profile().get(AGENT_ID_KEY, "")
        if agent:
            return agent
        try:
            return getpass.getuser()
        except (OSError, KeyError, ImportError):  # no user name in the environment or the password database
            return ""


# A layer's rows joined by control characters that stored text never holds (`phrase_rules`): at 100,000
# phrases several times faster than JSON, and level-1 zlib, so keeping a version costs an import little.
_FIELD, _ROW, _TAG, _PART = "\x00", "\x01", "\x02", "\x03"
_FIELDS = 12
_SEND_VALUES = {m.value for m in SendMode}


def _packed(phrases: Sequence[Phrase], forbidden: Sequence[ForbiddenWord]) -> str:
    rows = _ROW.join(
        _FIELD.join(
            (
                p.uid,
                p.category,
                p.title,
                p.body,
                p.shortcut,
                _TAG.join(p.tags),
                p.valid_from,
                p.valid_until,
                _TAG.join(p.questions),
                _TAG.join(p.keywords),
                p.send or "",
                _TAG.join(r.sha256 for r in p.images),
            )
        )
        for p in phrases
    )
    words = _ROW.join(f"{w.word}{_FIELD}{w.suggestion}" for w in forbidden)
    return f"{rows}{_PART}{words}"


def _unpacked(
    name: str, text: str, pictures: Mapping[str, ImageRef]
) -> tuple[tuple[Phrase, ...], tuple[ForbiddenWord, ...]]:
    """`_packed` read back (`pictures`: the stored refs by sha256); ValueError when it is not what
    `_packed` wrote."""
    rows, part, words = text.partition(_PART)
    if not part:
        raise ValueError("no parts")
    phrases = []
    for n, row in enumerate(rows.split(_ROW) if rows else []):
        f = row.split(_FIELD)
        if len(f) != _FIELDS:
            raise ValueError(f"row {n}")
        tags, questions, keywords, shas = (tuple(f[i].split(_TAG)) if f[i] else () for i in (5, 8, 9, 11))
        phrases.append(
            Phrase(
                f[0],
                name,
                f[1],
                f[2],
                f[3],
                f[4],
                tags,
                n,
                valid_from=f[6],
                valid_until=f[7],
                questions=questions,
                keywords=keywords,
                send=SendMode(f[10]) if f[10] in _SEND_VALUES else None,
                images=tuple(pictures[sha] for sha in shas if sha in pictures),
            )
        )
    forbidden = []
    for w in words.split(_ROW) if words else []:
        word, sep, suggestion = w.partition(_FIELD)
        if not sep:
            raise ValueError("forbidden word")
        forbidden.append(ForbiddenWord(word, suggestion, name))
    return tuple(phrases), tuple(forbidden)


def _version(r: Sequence[Any]) -> LibraryVersion:
    try:
        summary = json.loads(r[7])
    except ValueError:
        summary = {}
    counts = {k: v for k, v in summary.items() if isinstance(v, int)} if isinstance(summary, dict) else {}
    return LibraryVersion(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        added=counts.get("added", 0),
        changed=counts.get("changed", 0),
        removed=counts.get("removed", 0),
        phrases=counts.get("phrases", 0),
        restorable=bool(r[8]),
    )

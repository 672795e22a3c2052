"""One collector for every format: each row passes the same checks, so the rules cannot drift apart."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from palette.core.escaping import one_line
from palette.core.images import MAX_PHRASE_IMAGES, InvalidImageError, probe
from palette.core.library_io.common import (
    EXPORT_FIELDS,
    MAX_FIELD_CHARS,
    MAX_LIBRARY_IMAGE_BYTES,
    MAX_ROWS,
    SEND_WORDS,
    LibraryData,
    LibraryFileError,
    cell_text,
    header_key,
)
from palette.core.library_io.pictures import Picture, cell_pictures
from palette.core.model import ForbiddenWord, ImageRef, Phrase, SendMode
from palette.core.phrase_rules import (
    LIMITS,
    MAX_BODY_CHARS,
    UNSAFE,
    Problem,
    ProblemKind,
    check_shortcut,
    clean_text,
    shortcut_key,
    split_tags,
)

# A cell longer than its field's limit skips the row; a shortcut cell is read up to a body's length,
# and a code the rule refuses is dropped from its row with a warning (the row is kept).
_FIELD_LIMITS = {**LIMITS, "shortcut": MAX_BODY_CHARS, "images": MAX_BODY_CHARS}  # else (id) MAX_FIELD_CHARS
_EXTRA_FIELDS = ("send", "images")  # optional columns; a row without them is what it always was


class Collector:
    """Turns located rows into phrases with the same checks for every format."""

    def __init__(self, label: str, name: str, folder: Path | None = None) -> None:
        self.label = label
        self.name = name
        self.folder = folder  # where a 图片 cell's paths are read from; None: a URL (no pictures by path)
        self.images: dict[str, bytes] = {}  # sha256 → bytes of every distinct picture so far
        self._image_bytes = 0
        self.from_files = False
        self.phrases: list[Phrase] = []
        self.forbidden: list[ForbiddenWord] = []
        self.warnings: list[str] = []
        self._ids: dict[str, str] = {}  # id → where it was first seen
        self._shortcuts: dict[str, str] = {}
        self._titles: dict[tuple[str, str], tuple[int, str]] = {}  # (category, title) → (count, where)
        self._words: set[str] = set()
        self.mapped_seen: set[str] = set()  # --map headers found in some header row

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(one_line(f"{self.label}: {where}: {message}"))

    def _clean(self, where: str, column: str, value: object, limit: int) -> str | None:
        """Text of one cell, or None (with a warning) when it is too long to be a phrase field."""
        text = cell_text(value)
        if not text:
            return ""
        if len(text) > limit:
            self.warn(f"{where}, column {column}", f"{len(text):,} characters (limit {limit:,}); row skipped")
            return None
        if "\ufeff" in text:
            text = text.replace("\ufeff", "")  # a BOM is no content: dropped without a word
        if UNSAFE.search(text) is not None:  # rare: the common row takes no copy
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            cleaned = clean_text(text)
            if cleaned != text:
                self.warn(f"{where}, column {column}", f"removed {len(text) - len(cleaned)} control character(s)")
            text = cleaned
        return text.strip()

    def add(
        self,
        where: str,
        cells: Mapping[str, tuple[str, object]],
        default_category: str,
        pictures: Sequence[Picture] = (),
    ) -> bool:
        """One row: field → (column name, raw value), and the pictures anchored in it (xlsx). Returns
        False when the row was skipped."""
        values: dict[str, str] = {}
        for fld in (*EXPORT_FIELDS, *_EXTRA_FIELDS):
            column, raw = cells.get(fld, ("", None))
            text = self._clean(where, column or fld, raw, _FIELD_LIMITS.get(fld, MAX_FIELD_CHARS))
            if text is None:
                return False
            values[fld] = text
        if not any(values.values()) and not pictures:
            return False  # a blank row: nothing to say
        body = values["body"]
        if not body:
            self.warn(where, "no body (empty, or a formula Excel never calculated); row skipped")
            return False
        if len(self.phrases) >= MAX_ROWS:
            raise LibraryFileError(f"{self.label}: more than {MAX_ROWS:,} phrases; split the library")
        category = values["category"] or default_category
        title = values["title"] or _title_from(body)
        phrase_id = values["id"]
        if phrase_id:
            first = self._ids.get(phrase_id)
            if first is not None:
                raise LibraryFileError(f"{self.label}: {where}: id {phrase_id!r} repeats {first}; ids must be unique")
        else:
            phrase_id = self._derive_id(where, category, title)
        self._ids[phrase_id] = where
        shortcut = self._shortcut(where, cells.get("shortcut", ("", None))[0] or "shortcut", values["shortcut"])
        self.phrases.append(
            Phrase(
                uid=phrase_id,
                library=self.name,
                category=category,
                title=title,
                body=body,
                shortcut=shortcut,
                tags=split_tags(values["tags"]),
                sort_order=len(self.phrases),
                images=self._pictures(where, values["images"], pictures),
                send=self._send(where, cells.get("send", ("", None))[0] or "send", values["send"]),
            )
        )
        return True

    def _send(self, where: str, column: str, text: str) -> SendMode | None:
        if not text:
            return None
        mode = SEND_WORDS.get(header_key(text))
        if mode is None:
            self.warn(
                f"{where}, column {column}",
                f"{text[:20]!r} is no send mode (不发送, 回车 or ctrl+enter); the library's default is used",
            )
        return mode

    def _pictures(self, where: str, paths: str, anchored: Sequence[Picture]) -> tuple[ImageRef, ...]:
        """The row's pictures checked and kept once each; one that is refused is a warning on its row."""
        named = cell_pictures(paths, self.folder, where, self.warn) if paths else []
        self.from_files = self.from_files or bool(named)
        refs: list[ImageRef] = []
        for name, data in [*anchored, *named]:
            try:
                ref = probe(data)
            except InvalidImageError as e:
                self.warn(where, f"{name}: {e}; left out")
                continue
            if len(refs) == MAX_PHRASE_IMAGES:
                self.warn(where, f"more than {MAX_PHRASE_IMAGES} pictures; {name} and the rest left out")
                break
            if ref.sha256 not in self.images:
                self._image_bytes += len(data)
                if self._image_bytes > MAX_LIBRARY_IMAGE_BYTES:
                    raise LibraryFileError(
                        f"{self.label}: {where}: more than {MAX_LIBRARY_IMAGE_BYTES // 1048576} MB of pictures;"
                        " split the library or make the pictures smaller"
                    )
                self.images[ref.sha256] = data
            refs.append(ref)
        return tuple(refs)

    def _derive_id(self, where: str, category: str, title: str) -> str:
        """Without an id column: the same category and title give the same id on every import."""
        count, first = self._titles.get((category, title), (0, where))
        count += 1
        self._titles[(category, title)] = (count, first)
        if count > 1:
            self.warn(
                where,
                f"title {title!r} repeats {first} in category {category!r}; add an id column (编号)"
                " or distinct titles so each keeps its pins and statistics if the rows are reordered",
            )
        key = f"{category}\x1f{title}" + (f"\x1f{count}" if count > 1 else "")
        phrase_id = "k-" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
        if phrase_id in self._ids:
            raise LibraryFileError(f"{self.label}: {where}: id {phrase_id!r} repeats {self._ids[phrase_id]}")
        return phrase_id

    def _shortcut(self, where: str, column: str, code: str) -> str:
        if not code:
            return ""
        bad = check_shortcut(code)
        if bad is not None:
            self.warn(f"{where}, column {column}", f"{_shortcut_words(bad, code)}; dropped")
            return ""
        first = self._shortcuts.get(shortcut_key(code))
        if first is not None:
            self.warn(f"{where}, column {column}", f"shortcut {code!r} repeats {first}; dropped here")
            return ""
        self._shortcuts[shortcut_key(code)] = where
        return code

    def add_forbidden(self, where: str, word: object, suggestion: object) -> None:
        w = self._clean(where, "禁语", word, MAX_FIELD_CHARS)
        s = self._clean(where, "建议", suggestion, MAX_BODY_CHARS)
        if not w or s is None:
            if w == "" and s:
                self.warn(where, "a suggestion without a forbidden word; skipped")
            return
        if w in self._words:
            self.warn(where, f"forbidden word {w!r} listed twice; the first is kept")
            return
        self._words.add(w)
        self.forbidden.append(ForbiddenWord(w, s, self.name))

    def result(self, version: str, send: SendMode | None = None, send_each: bool | None = None) -> LibraryData:
        if not self.phrases:
            raise LibraryFileError(f"{self.label}: no phrases found (every row is empty or was skipped)")
        used = {r.sha256 for p in self.phrases for r in p.images}
        return LibraryData(
            self.name,
            version,
            tuple(self.phrases),
            tuple(self.forbidden),
            tuple(self.warnings),
            images={k: v for k, v in self.images.items() if k in used},
            send=send,
            send_each=send_each,
            from_files=self.from_files,
        )


def _title_from(body: str) -> str:
    first = body.split("\n", 1)[0].strip()
    return first if len(first) <= 20 else first[:20] + "…"


def _shortcut_words(problem: Problem, code: str) -> str:
    if problem.kind is ProblemKind.TOO_LONG:
        return f"shortcut {code[:30]!r} is longer than {problem.limit} characters"
    return problem.describe()

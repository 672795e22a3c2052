"""What may be stored as phrase text: the one cleaning every write goes through.

A phrase is pasted into a customer's chat and printed on agents' terminals, so characters that
steer a terminal or hide text are never stored: C0 and C1 controls (tab and newline stay in
bodies), whole escape sequences (not just the ESC, which would leave `[31m` behind), bidi overrides
and zero-width characters. `\r` becomes a newline.

It is also the one definition of a valid phrase (tags, shortcut codes, lengths): the store refuses
any write `check_phrase` finds problems in, and every front end only words those problems.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

_ESCAPE_SEQUENCE = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape, and a lone ESC
)
_INVISIBLE = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
_STRIP = re.compile(f"{_ESCAPE_SEQUENCE}|{_INVISIBLE}")
UNSAFE = re.compile(_INVISIBLE)  # ESC and \r are in the class: every sequence starts with one
"""Any character `clean_text` would change (`\r` included): a cheap test before cleaning."""
_LINE_BREAKS = re.compile(r"[\t\n]+")


def clean_text(text: str) -> str:
    """`text` without controls, escape sequences, bidi overrides or zero-width characters."""
    if UNSAFE.search(text) is None:  # the common case: no copy
        return text
    return _STRIP.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str) -> str:
    """`clean_text` for one-line fields (category, title, shortcut, tags, names): breaks become spaces."""
    return _LINE_BREAKS.sub(" ", clean_text(text)).strip()


# -- what a valid phrase is ------------------------------------------------------------------------
# The one definition: the store checks every write with `check_phrase`; the CLI, the manager and
# the import only word the problems it returns.

MAX_CATEGORY_CHARS = 200
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 10_000  # a phrase longer than this is pasted by nobody; Excel itself stops at 32,767
MAX_TAGS_CHARS = 1_000  # all tags together
MAX_SHORTCUT_CHARS = 20
SHORTCUT = re.compile(rf"[0-9A-Za-z_.-]{{1,{MAX_SHORTCUT_CHARS}}}")
"""A shortcut code: typed in the palette's search box (which splits on spaces), so ASCII letters,
digits and `_.-` only."""

_TAG_SPLIT = re.compile(r"[,,、;;\n]")


def split_tags(text: str) -> tuple[str, ...]:
    """Tags as typed (CLI, manager, a library cell): separated by commas of either width, 、,
    semicolons of either width or newlines, never by spaces ("VIP 客户" is one tag); no repeats.
    Cleaned first, so the ';' inside an escape sequence separates nothing."""
    if not text:
        return ()
    if _TAG_SPLIT.search(text) is None:  # one tag, the common cell: no split, no dedupe (100k-row imports)
        tag = clean_line(text)
        return (tag,) if tag else ()
    return tuple(dict.fromkeys(t for t in (clean_line(s) for s in _TAG_SPLIT.split(clean_text(text))) if t))


def normalise_shortcut(code: str) -> str:
    """A shortcut code as stored: one line, trimmed (its case is kept)."""
    return clean_line(code)


def shortcut_key(code: str) -> str:
    """What two codes compare by (taken codes, collisions, import repeats): trimmed and casefolded."""
    return code.strip().casefold()


class ProblemKind(StrEnum):
    EMPTY = "empty"  # a required field (category, title, body) is blank
    TOO_LONG = "too-long"  # more than `limit` characters
    SHORTCUT_CHARS = "shortcut-chars"  # characters outside `SHORTCUT`


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a phrase cannot be stored as given: the field, and the limit or the value at fault."""

    kind: ProblemKind
    field: str  # "category", "title", "body", "shortcut" or "tags"
    limit: int = 0  # for TOO_LONG
    value: str = ""  # for SHORTCUT_CHARS: the code

    def describe(self) -> str:
        """Default English words (the UI translates its own)."""
        if self.kind is ProblemKind.EMPTY:
            return f"the {self.field} is empty (control characters are not kept)"
        if self.kind is ProblemKind.TOO_LONG:
            return f"the {self.field} is longer than {self.limit:,} characters"
        return f"shortcut {self.value!r}: use 1-{MAX_SHORTCUT_CHARS} letters, digits, '_', '.' or '-' (no spaces)"


LIMITS = {
    "category": MAX_CATEGORY_CHARS,
    "title": MAX_TITLE_CHARS,
    "body": MAX_BODY_CHARS,
    "tags": MAX_TAGS_CHARS,
    "shortcut": MAX_SHORTCUT_CHARS,
}


def check_shortcut(code: str) -> Problem | None:
    """The problem of a shortcut code, if any ("" is no code, and fine)."""
    code = code.strip()
    if not code or SHORTCUT.fullmatch(code) is not None:
        return None
    if len(code) > MAX_SHORTCUT_CHARS:
        return Problem(ProblemKind.TOO_LONG, "shortcut", MAX_SHORTCUT_CHARS)
    return Problem(ProblemKind.SHORTCUT_CHARS, "shortcut", value=code)


def check_phrase(category: str, title: str, body: str, shortcut: str = "", tags: Sequence[str] = ()) -> list[Problem]:
    """Every problem of a phrase's fields, in field order; [] when it may be stored."""
    found: list[Problem] = []
    for name, text in (("category", category), ("title", title), ("body", body)):
        if not text.strip():
            found.append(Problem(ProblemKind.EMPTY, name))
        elif len(text) > LIMITS[name]:
            found.append(Problem(ProblemKind.TOO_LONG, name, LIMITS[name]))
    if (bad := check_shortcut(shortcut)) is not None:
        found.append(bad)
    if sum(len(t) for t in tags) > MAX_TAGS_CHARS:
        found.append(Problem(ProblemKind.TOO_LONG, "tags", MAX_TAGS_CHARS))
    return found

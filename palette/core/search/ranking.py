"""How well a phrase matches a query: the scores by kind, field and position, and the highlights."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from palette.core.model import Phrase
from palette.core.search.blocks import _BODY, _SHORTCUT, _TAGS, FIELDS, TAG_SEPARATOR, _Entry
from palette.core.search.codes import CodeBook
from palette.core.search.patterns import Kind, Pattern, WordPattern

if TYPE_CHECKING:
    pass

SCAN_CAP = 50  # matching phrases a keystroke evaluates before it stops scanning
FALLBACK_BELOW = 3  # scattered and typo matches are looked for when fewer exact ones are found …
FALLBACK_WORK = 1000  # … checking at most this many places where their anchors occur
LONG_QUERY = 64  # a longer query (a paste) is searched as typed, as one literal
_MATCHES_PER_FIELD = 2

# Scores: a kind's base is far above anything within a kind can add (at most ~3.4).
_KIND_BASE = {Kind.TEXT: 20.0, Kind.PINYIN: 16.0, Kind.INITIALS: 12.0, Kind.SCATTERED: 8.0, Kind.TYPO: 4.0}
_SHORTCUT_SCORE = 40.0
_FIELD_WEIGHT = (1.0, 1.0, 0.55, 0.5, 0.35)  # shortcut, title, tags, category, body
_FIELD_START, _SEGMENT_START, _FIELD_END, _SEGMENT_END, _WHOLE = 0.3, 0.2, 0.2, 0.15, 0.1
_CODE_START = 0.6  # the beginning of a shortcut code: an agent typing a code's first keys means the code
_COVERAGE = 0.3  # times the share of a short field (or tag) the match covers
_EVIDENCE = 0.1  # per other field the word also matches as well
_SCATTER_GAP = 0.1  # per extra piece
_USAGE = 0.5  # frecency bonus at most (saturating)
_USAGE_HALF = 2.0  # decayed uses at which frecency gives half its bonus
_PINNED = 0.3
_NEXT = 0.3  # likely after the last phrase used, at most


class MatchKind(StrEnum):
    SHORTCUT = "shortcut"  # the query is the phrase's shortcut code
    TEXT = "text"  # the characters as typed (Chinese, letters, a shortcut's beginning)
    PINYIN = "pinyin"  # full pinyin, the last syllable possibly unfinished
    INITIALS = "initials"  # pinyin initials
    SCATTERED = "scattered"  # pieces in order with gaps
    TYPO = "typo"  # after one typo or a homophone
    PINNED = "pinned"  # empty query: pinned by the agent
    NEXT = "next"  # empty query: often used right after the last phrase
    FRECENT = "frecent"  # empty query: used often and lately
    LIBRARY = "library"  # empty query or category only: library order


_KINDS = {int(k): k for k in Kind}
_KIND_NAME = {
    Kind.TEXT: MatchKind.TEXT,
    Kind.PINYIN: MatchKind.PINYIN,
    Kind.INITIALS: MatchKind.INITIALS,
    Kind.SCATTERED: MatchKind.SCATTERED,
    Kind.TYPO: MatchKind.TYPO,
}

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    phrase: Phrase
    score: float
    kind: MatchKind
    spans: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)


def tags_text(phrase: Phrase) -> str:
    """The text "tags" spans index into."""
    return TAG_SEPARATOR.join(phrase.tags)


@dataclass(slots=True)
class _WordHit:
    kind: Kind
    local: float
    spans: dict[int, list[Span]]  # field → spans in the folded field (only when asked for)


def _is_break(lit: str, i: int) -> bool:
    """Whether a segment starts at lit[i]: after punctuation, a space, or a change of script (5G|套餐)."""
    before = lit[i - 1]
    return not before.isalnum() or before.isascii() != lit[i].isascii()


def _position(lit: str, fs: int, fe: int, s: int, t: int, f: int) -> tuple[float, float]:
    """(position bonus, coverage) of lit[s:t] inside the field lit[fs:fe]: starting the field or a
    segment of it (after punctuation, a space, a change of script) counts, ending one a little less."""
    if f == _TAGS:  # each tag is a field of its own
        cut = lit.rfind(TAG_SEPARATOR, fs, s)
        fs = fs if cut < 0 else cut + 1
        cut = lit.find(TAG_SEPARATOR, t, fe)
        fe = fe if cut < 0 else cut
    if s == fs:
        pos = _FIELD_START
    elif _is_break(lit, s):
        pos = _SEGMENT_START
    else:
        pos = 0.0
    if t == fe:
        pos += _FIELD_END + (_WHOLE if s == fs else 0.0)
    elif _is_break(lit, t):
        pos += _SEGMENT_END
    coverage = 0.0 if f == _BODY else (t - s) / max(1, fe - fs)
    return pos, coverage


def _match_pattern(e: _Entry, pat: Pattern, spans: bool, book: CodeBook) -> _WordHit | None:
    """The best match of one pattern in one phrase, with a bonus for each other field it matches."""
    lit = e.text(False)
    text = e.text(True) if pat.coded else lit
    starts = e.starts
    best: dict[int, tuple[tuple[int, float], list[Span], Span]] = {}  # field → (kind, local), spans, match
    kinds = pat.group_kinds
    f, fs, fe, seen = -1, 0, -1, 0
    for m in pat.regex.finditer(text):
        s, t = m.span()
        if s > fe:  # the first match in a later field
            f = bisect_right(starts, s) - 1
            fs, fe, seen = starts[f], starts[f + 1] - 1, 0
        if seen >= _MATCHES_PER_FIELD:
            continue
        seen += 1
        kind, penalty = kinds[m.lastgroup or ""]
        if pat.pieces:
            first, count = pat.pieces[m.lastindex or 0]
            pieces = [m.span(g) for g in range(first, first + count)]
            bonus, _ = _position(lit, fs, fe, pieces[0][0], pieces[0][1], f)
            local = _FIELD_WEIGHT[f] * (1 + bonus / 2) - _SCATTER_GAP * (count - 1)
        else:
            pieces = [(s, t)]
            bonus, coverage = _position(lit, fs, fe, s, t, f)
            local = _FIELD_WEIGHT[f] * (1 + bonus + _COVERAGE * coverage) - penalty
            if f == _SHORTCUT and s == fs:
                local += _CODE_START
        key = (int(kind), local)
        current = best.get(f)
        if current is None or key > current[0]:
            best[f] = (key, [(a - fs, b - fs) for a, b in pieces] if spans else [], (s, t))
    if not best:
        return None
    if pat.parses:
        for f, ((k, local), sp, (s, t)) in list(best.items()):
            penalty = pat.context_penalty(book, text[s:t], lit, s)
            if penalty:
                best[f] = ((k, local - penalty), sp, (s, t))
    top, local = max(v[0] for v in best.values())
    also = sum(1 for v in best.values() if v[0][0] == top) - 1
    return _WordHit(_KINDS[top], local + _EVIDENCE * also, {f: v[1] for f, v in best.items() if v[0][0] == top})


def _match_word(e: _Entry, wp: WordPattern, book: CodeBook, fallback: bool, spans: bool = False) -> _WordHit | None:
    if wp.exact is not None:
        hit = _match_pattern(e, wp.exact, spans, book)
        if hit is not None:
            return hit
    if fallback:
        best = None
        for pat in wp.fallback():
            hit = _match_pattern(e, pat, spans, book)
            if hit is not None and (best is None or (hit.kind, hit.local) > (best.kind, best.local)):
                best = hit
        return best
    return None


def _spans(e: _Entry, hits: list[_WordHit], shortcut: bool = False) -> dict[str, tuple[Span, ...]]:
    """Each field's matched ranges, in the raw field text (folding can change lengths)."""
    found: dict[int, set[Span]] = {}
    if shortcut:
        found[_SHORTCUT] = {(0, e.starts[1] - 1)}
    for hit in hits:
        for f, spans in hit.spans.items():
            found.setdefault(f, set()).update(spans)
    out: dict[str, tuple[Span, ...]] = {}
    for f, field_spans in sorted(found.items()):
        fmap = e.maps[f] if e.maps is not None else None
        raw = []
        for a, b in sorted(field_spans):
            if fmap is not None:
                a, b = fmap[a], (fmap[b - 1] + 1 if b > 0 else 0)
            raw.append((a, b))
        out[FIELDS[f]] = tuple(_merge(raw))
    return out


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out

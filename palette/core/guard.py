"""The 禁语 guard and the phrase linter: what must not reach a customer, and what a library got wrong.

`Guard(words)` takes the forbidden words of every list (the standard one, each team library's, the
agent's own) and merges them: one entry per word, the agent's own list first, then team lists, then
the standard list; the suggestion is the first non-empty one in that order. Matching ignores case,
full-width/half-width differences (NFKC) and whitespace or zero-width characters, so `不 知 道` and
`不知道` both match 不知道; spans point into the text as given.

- `Guard.check(final)` is the last look before a paste: forbidden words and unfilled placeholders.
  `decide(findings, guard_mode)` turns that into paste / confirm / refuse; an unfilled placeholder is
  always refused, a forbidden word depends on the mode (off: paste, warn: confirm, block: refuse).
- `Guard.lint(body, ...)` checks a phrase as saved: forbidden words (with suggestions), malformed
  brackets, unknown placeholders, and half-width punctuation in Chinese text (`您好,请问`: a 质检
  reviewer flags it; the rules are palette.core.punctuation's, which the paste also applies).

"Unknown placeholder": most names a profile or built-in does not know are conversation values the
form asks for (`[客户姓名]`, `[工单号]`) and are fine. A name is flagged only when it is probably a
mistake: it is not a known name (profile keys, built-ins, alias names) and has no default, but sounds
like one — the same toneless pinyin, the typo a pinyin input method makes (`[日其]` → 日期, `[坐席姓明]` →
坐席姓名, `[工號]` → 工号) — or it is digits only (`[1]`, a footnote). Such a placeholder would silently
turn an automatic value into a question asked on every paste. One character off is not enough:
客户姓名 and 客服姓名, 工单号 and 工作号 are different, legitimate names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from palette.core import pinyin
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, ForbiddenWord
from palette.core.placeholders import (
    BUILTIN_NAMES,
    PROFILE_KEYS,
    Malformed,
    Placeholder,
    Rendered,
    Span,
    bracket_tokens,
    find_shapes,
)
from palette.core.punctuation import fixes

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")


class Kind(StrEnum):
    FORBIDDEN = "forbidden"  # a 服务禁语
    UNFILLED = "unfilled"  # a placeholder-shaped bracket in text about to be pasted
    MALFORMED = "malformed"  # bracket text in a phrase that is not a placeholder
    UNKNOWN = "unknown"  # a placeholder name that is probably a typo
    PUNCTUATION = "punctuation"  # half-width punctuation in Chinese text


class Decision(StrEnum):
    PASTE = "paste"
    CONFIRM = "confirm"  # show the findings; paste only when the agent confirms
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    word: str  # the listed forbidden word, the placeholder name, the malformed text or the mark as written
    span: Span  # into the checked text
    suggestion: str = ""  # better wording, the known name an unknown placeholder probably means, or the full-width mark
    source: str = ""  # the list a forbidden word is from; for malformed: what is wrong

    def describe(self) -> str:
        """One line for the command line (the UI words its own messages from the fields)."""
        if self.kind is Kind.FORBIDDEN:
            better = f"; suggest “{self.suggestion}”" if self.suggestion else ""
            return f"forbidden phrase “{self.word}” ({self.source}){better}"
        if self.kind is Kind.UNFILLED:
            return f"unfilled placeholder [{self.word}]"
        if self.kind is Kind.MALFORMED:
            return f"malformed bracket “{self.word}” at {self.span[0]}: {self.source}"
        if self.kind is Kind.PUNCTUATION:
            return f"half-width '{self.word}' in Chinese text at {self.span[0]}: use '{self.suggestion}'"
        if self.suggestion:
            return f"unknown placeholder [{self.word}]: did you mean [{self.suggestion}]?"
        return f"unknown placeholder [{self.word}]: digits only; write [[{self.word}]] for literal brackets"


def fold(text: str) -> tuple[str, list[int]]:
    """Text for matching (NFKC, casefolded, no whitespace) and, per character, its index in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if not c.isspace():
                out.append(c)
                where.append(i)
    return "".join(out), where


def _rank(source: str) -> int:
    return 0 if source == PERSONAL_LIBRARY else 2 if source == STANDARD_LIBRARY else 1


def merge(words: Iterable[ForbiddenWord]) -> list[ForbiddenWord]:
    """One entry per (folded) word; the agent's own list wins, then team lists, then the standard one."""
    ordered = sorted(words, key=lambda w: _rank(w.source))
    merged: dict[str, ForbiddenWord] = {}
    for w in ordered:
        key = fold(w.word)[0]
        if not key:
            continue
        first = merged.get(key)
        if first is None:
            merged[key] = w
        elif not first.suggestion and w.suggestion:
            merged[key] = ForbiddenWord(first.word, w.suggestion, first.source)
    return list(merged.values())


class Guard:
    def __init__(self, words: Iterable[ForbiddenWord]) -> None:
        self.words = merge(words)
        self._folded = [(fold(w.word)[0], w) for w in self.words]
        keys = sorted({key for key, _w in self._folded}, key=len, reverse=True)
        self._any = re.compile("|".join(map(re.escape, keys))) if keys else None  # one C-level scan

    def __repr__(self) -> str:
        return f"Guard({len(self.words)} words)"

    def forbidden(self, text: str) -> list[Finding]:
        quick = "".join(_INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).casefold().split())
        if self._any is None or not self._any.search(quick):
            return []  # the common case, without folding character by character (an import checks 100,000)
        folded, where = fold(text)
        found: list[Finding] = []
        for key, w in self._folded:
            start = folded.find(key)
            while start != -1:
                end = start + len(key)
                span = (where[start], where[end - 1] + 1)
                found.append(Finding(Kind.FORBIDDEN, w.word, span, w.suggestion, w.source))
                start = folded.find(key, end)
        found.sort(key=lambda f: f.span)
        return found

    def check(self, final: Rendered | str) -> list[Finding]:
        """Before a paste: forbidden words and anything placeholder-shaped (see placeholders.ensure_pasteable)."""
        text = final.text if isinstance(final, Rendered) else final
        shapes = final.leftovers() if isinstance(final, Rendered) else find_shapes(final)
        unfilled = [Finding(Kind.UNFILLED, name, span) for name, span in shapes]
        return sorted(self.forbidden(text) + unfilled, key=lambda f: f.span)

    def lint(
        self,
        body: str,
        *,
        profile_keys: Collection[str] = (),
        aliases: Mapping[str, str] | None = None,
        punctuation: bool = True,
    ) -> list[Finding]:
        """A phrase as saved or imported: forbidden words, malformed brackets, unknown placeholders and
        (unless `punctuation` is False) half-width punctuation in Chinese text."""
        known = known_names(tuple(profile_keys), tuple((aliases or {}).items()))
        found = self.forbidden(body)
        if punctuation:
            found += [Finding(Kind.PUNCTUATION, f.found, (f.start, f.end), f.replacement) for f in fixes(body)]
        for token in bracket_tokens(body):
            if isinstance(token, Malformed):
                found.append(Finding(Kind.MALFORMED, token.raw, token.span, source=token.reason))
            elif isinstance(token, Placeholder) and token.default is None and token.name not in known:
                meant = _likely_meant_cached(token.name, known)
                if meant is not None:
                    found.append(Finding(Kind.UNKNOWN, token.name, token.span, suggestion=meant))
                elif token.name.isdigit():
                    found.append(Finding(Kind.UNKNOWN, token.name, token.span))
        return sorted(found, key=lambda f: f.span)


@cache
def known_names(profile_keys: tuple[str, ...] = (), aliases: tuple[tuple[str, str], ...] = ()) -> frozenset[str]:
    names = {n for pair in aliases for n in pair}
    return frozenset(PROFILE_KEYS) | set(BUILTIN_NAMES) | set(profile_keys) | names


@cache
def _sounds(name: str) -> tuple[frozenset[str], ...]:
    """Per character, every toneless reading from the shipped tables (a non-Chinese character reads as itself)."""
    readings = pinyin.default_table().readings
    return tuple(frozenset(readings.get(ch, (ch.lower(),))) for ch in name)


@cache
def _likely_meant_cached(name: str, known: frozenset[str]) -> str | None:
    """`likely_meant` once per name and set of known names: an import asks it 100,000 times."""
    return likely_meant(name, known)


def likely_meant(name: str, known: Collection[str]) -> str | None:
    """The known name `name` sounds like (a shared toneless reading at every character), if any: a likely
    input-method typo. Heteronyms count with any of their readings, as an agent may have typed any."""
    sounds = _sounds(name)
    for other in sorted(known):
        if len(other) != len(name) or other == name:
            continue
        if all(a & b for a, b in zip(_sounds(other), sounds, strict=True)):
            return other
    return None


class GuardMode(StrEnum):
    """The `guard_mode` setting: what a 禁语 in the final text does."""

    WARN = "warn"  # ask before pasting
    BLOCK = "block"  # refuse
    OFF = "off"  # paste anyway


def decide(findings: Iterable[Finding], mode: GuardMode) -> Decision:
    """What the paste path does with `Guard.check` findings under the `guard_mode` setting."""
    findings = list(findings)
    if any(f.kind is Kind.UNFILLED for f in findings):
        return Decision.REFUSE
    if mode is GuardMode.OFF or not any(f.kind is Kind.FORBIDDEN for f in findings):
        return Decision.PASTE
    return Decision.CONFIRM if mode is GuardMode.WARN else Decision.REFUSE


def apply_suggestions(text: str, findings: Iterable[Finding]) -> tuple[str, list[Span]]:
    """`text` with each forbidden word that has a suggestion replaced by it, and where the suggestions sit.

    For one paste only (the palette's "替换为建议用语"): the phrase stays as saved. Spans are
    `Guard.check(text)` spans; a word without a suggestion, or overlapping one already replaced, stays.
    """
    out: list[str] = []
    spans: list[Span] = []
    at = length = 0  # `length`: of what `out` holds so far
    for f in sorted(findings, key=lambda f: f.span):
        start, end = f.span
        if f.kind is not Kind.FORBIDDEN or not f.suggestion or start < at or end > len(text):
            continue
        out += [text[at:start], f.suggestion]
        length += start - at
        spans.append((length, length + len(f.suggestion)))
        length += len(f.suggestion)
        at = end
    out.append(text[at:])
    return "".join(out), spans

"""Placeholders in a phrase body: parse them, fill them, and prove none is left before a paste.

Syntax (docs/DESIGN.md, "Placeholders and the guard"):
- `[名称]` is a placeholder when the name, trimmed and NFKC-folded, is 1–20 word characters (ASCII
  letters, digits, `_`, or Chinese characters). `[工号 ]` is the placeholder 工号.
- `[名称=默认]` (also `=`) carries a default, used when no source has a value.
- `[[` and `]]` are literal `[` and `]`.
- Anything else is left as written and reported as `Malformed`: a lone `[` or `]`, `[ ]`, a name of
  21 characters or with punctuation inside, a nested `[a[b]]`, a bracket group broken by a newline.

Values, first found wins (`lookup`): values typed for this paste (`render(typed=...)`), the
conversation, the profile, the built-ins, the phrase's default. Each source is asked for the alias
target first (`[员工号]` → 工号 through the `placeholder_aliases` setting, one hop), then the trimmed name.
A blank value counts as no value. Built-ins, from the context's clock:
- 日期 `2026年11月24日`, 时间 `14:05`, 星期 `星期二`;
- 问候语: 上午好 05:00–10:59, 中午好 11:00–12:59, 下午好 13:00–17:59, 晚上好 18:00–04:59;
- 剪贴板: the clipboard text captured when the palette opened (`Context.clipboard`); none when blank.

`render` returns a `Rendered`: the text (unfilled placeholders kept as written, so it still reads),
`missing` (canonical names, in order of first appearance, once each) and `segments` to show what was
filled and what is still missing (`Rendered.html`). The paste path calls `ensure_pasteable`, which
refuses any text that still holds something placeholder-shaped: an unfilled placeholder, one a
typed value or the clipboard brought in, or one a stray bracket completes (`[[客户姓名]`). Only a pair
written as `[[名称]]` is exempt.

`Conversation` holds the values typed in the fill-in form for the current customer only: in memory,
never persisted, never in a repr or a log line; forgotten on `reset()` and after `idle_minutes`
without `remember()`/`touch()`. The values found in the customer's message (`from_message`) live and
die with them, apart: the form offers them, nothing pastes them unasked.
"""

from __future__ import annotations

import html
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from types import MappingProxyType
from typing import Literal

MAX_NAME = 20
PROFILE_KEYS: tuple[str, ...] = ("公司名称", "工号", "坐席姓名", "部门", "热线")
BUILTIN_NAMES: tuple[str, ...] = ("日期", "时间", "星期", "问候语", "剪贴板")
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
# (first hour, greeting), checked from the last: the greeting of the latest start not after now.
GREETINGS: tuple[tuple[int, str], ...] = ((0, "晚上好"), (5, "上午好"), (11, "中午好"), (13, "下午好"), (18, "晚上好"))

_WORD = r"0-9A-Za-z_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NAME = re.compile(rf"[{_WORD}]{{1,{MAX_NAME}}}")
_NAMEISH = re.compile(rf"[{_WORD}]+")
_GROUP = re.compile(r"\[([^\[\]\n]*)\]")
_NESTED = re.compile(r"\[[^\[\]\n]*\[[^\[\]\n]*\][^\[\]\n]*\]")
_TEXT = re.compile(r"[^\[\]]+")
_DEFAULT_SEP = re.compile(r"[==]")
_EMPTY: Mapping[str, str] = MappingProxyType({})

Span = tuple[int, int]


# -- parsing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Escape:
    """`[[` or `]]`: one literal bracket in the output."""

    char: str
    span: Span


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # trimmed and NFKC-folded, before aliases
    default: str | None
    span: Span
    raw: str  # as written, brackets included


@dataclass(frozen=True, slots=True)
class Malformed:
    """Bracket text that is not a placeholder: rendered as written, reported by lint."""

    raw: str
    span: Span
    reason: str


Token = Text | Escape | Placeholder | Malformed


@cache  # a library repeats the same few placeholders in every phrase
def _split_group(inner: str) -> tuple[str, str | None, str | None]:
    """(name, default, why it is not a placeholder) for the text between `[` and `]`."""
    sep = _DEFAULT_SEP.search(inner)
    name_part, default = (inner[: sep.start()], inner[sep.end() :].strip()) if sep else (inner, None)
    name = unicodedata.normalize("NFKC", name_part).strip()
    if not name:
        return name, default, "empty name"
    if _NAME.fullmatch(name):
        return name, default, None
    if _NAMEISH.fullmatch(name):
        return name, default, f"name longer than {MAX_NAME} characters"
    return name, default, "name has characters other than letters, digits, _ or Chinese"


def parse(body: str) -> list[Token]:
    """Split a phrase body into tokens covering it exactly, left to right, each with its span."""
    if "[" not in body and "]" not in body:
        return [Text(body, (0, len(body)))] if body else []
    tokens: list[Token] = []
    pos, n = 0, len(body)
    while pos < n:
        pair = body[pos : pos + 2]
        if pair in ("[[", "]]"):
            tokens.append(Escape(pair[0], (pos, pos + 2)))
            pos += 2
            continue
        ch = body[pos]
        if ch == "[":
            nested = _NESTED.match(body, pos)
            group = _GROUP.match(body, pos)
            if nested:
                tokens.append(Malformed(nested.group(), nested.span(), "nested brackets"))
                pos = nested.end()
            elif group:
                name, default, problem = _split_group(group.group(1))
                if problem is None:
                    tokens.append(Placeholder(name, default, group.span(), group.group()))
                else:
                    tokens.append(Malformed(group.group(), group.span(), problem))
                pos = group.end()
            else:
                tokens.append(Malformed("[", (pos, pos + 1), "[ without a closing ] (write [[ for a literal [)"))
                pos += 1
        elif ch == "]":
            tokens.append(Malformed("]", (pos, pos + 1), "] without an opening [ (write ]] for a literal ])"))
            pos += 1
        else:
            m = _TEXT.match(body, pos)
            assert m is not None  # body[pos] is not a bracket, so at least one character matches
            tokens.append(Text(m.group(), m.span()))
            pos = m.end()
    return tokens


def bracket_tokens(body: str) -> list[Placeholder | Malformed]:
    """The Placeholder and Malformed tokens of `parse(body)`, found faster in the common case (every
    bracket belongs to a simple `[...]` group): an import lints 100,000 phrases with this."""
    if "[[" not in body and "]]" not in body:
        groups = list(_GROUP.finditer(body))
        if body.count("[") == len(groups) and body.count("]") == len(groups):
            out: list[Placeholder | Malformed] = []
            for m in groups:
                name, default, problem = _split_group(m.group(1))
                if problem is None:
                    out.append(Placeholder(name, default, m.span(), m.group()))
                else:
                    out.append(Malformed(m.group(), m.span(), problem))
            return out
    return [t for t in parse(body) if isinstance(t, Placeholder | Malformed)]


def placeholders(body: str) -> list[Placeholder]:
    return [t for t in parse(body) if isinstance(t, Placeholder)]


def malformed(body: str) -> list[Malformed]:
    return [t for t in parse(body) if isinstance(t, Malformed)]


def canonical(name: str, aliases: Mapping[str, str] = _EMPTY) -> str:
    """The name a value is stored under: trimmed, NFKC-folded, then through the alias table (one hop)."""
    name = unicodedata.normalize("NFKC", name).strip()
    return aliases.get(name, name).strip() or name


# -- values ---------------------------------------------------------------------------------------


def greeting(now: datetime) -> str:
    return next(text for hour, text in reversed(GREETINGS) if now.hour >= hour)


def builtin_values(now: datetime, clipboard: str | None = None) -> dict[str, str]:
    values = {
        "日期": f"{now.year}年{now.month}月{now.day}日",
        "时间": f"{now.hour:02d}:{now.minute:02d}",
        "星期": WEEKDAYS[now.weekday()],
        "问候语": greeting(now),
    }
    if clipboard is not None and clipboard.strip():
        values["剪贴板"] = clipboard
    return values


Source = Literal["typed", "conversation", "profile", "builtin", "default"]


@dataclass(frozen=True)
class Context:
    """Every source a value can come from except the phrase's defaults. Build one per palette opening."""

    profile: Mapping[str, str] = field(default_factory=dict)
    conversation: Mapping[str, str] = field(default_factory=dict, repr=False)
    aliases: Mapping[str, str] = field(default_factory=dict)
    clipboard: str | None = field(default=None, repr=False)
    clock: Callable[[], datetime] = datetime.now


def lookup(
    placeholder: Placeholder,
    context: Context,
    typed: Mapping[str, str] = _EMPTY,
    builtins: Mapping[str, str] | None = None,
) -> tuple[str, Source] | None:
    """The value for one placeholder and where it came from, or None when nothing has one."""
    if builtins is None:
        builtins = builtin_values(context.clock(), context.clipboard)
    name = placeholder.name
    keys = (canonical(name, context.aliases), name)
    sources: tuple[tuple[Source, Mapping[str, str]], ...] = (
        ("typed", typed),
        ("conversation", context.conversation),
        ("profile", context.profile),
        ("builtin", builtins),
    )
    for label, values in sources:
        for key in keys:
            value = values.get(key)
            if value is not None and value.strip():
                return value, label
    if placeholder.default is not None:
        return placeholder.default, "default"
    return None


# -- rendering ------------------------------------------------------------------------------------

SegmentKind = Literal["text", "escape", "value", "missing"]


@dataclass(frozen=True, slots=True, repr=False)
class Segment:
    """A piece of the finished text: literal text, a literal bracket, a filled value, or a gap."""

    text: str
    kind: SegmentKind
    name: str = ""  # canonical placeholder name, for "value" and "missing"
    source: Source | None = None  # where a "value" came from

    def __repr__(self) -> str:  # a value may be customer data: never in a repr
        return f"Segment({self.kind}, {self.name!r}, {len(self.text)} chars)"


@dataclass(frozen=True, repr=False)
class Rendered:
    text: str
    missing: tuple[str, ...]
    segments: tuple[Segment, ...]

    def __repr__(self) -> str:
        return f"Rendered({len(self.text)} chars, missing={list(self.missing)})"

    @property
    def complete(self) -> bool:
        return not self.missing

    def leftovers(self) -> list[tuple[str, Span]]:
        """Placeholder-shaped text still in `text` (name as written, span); a pair written `[[..]]` is exempt."""
        escaped: set[int] = set()
        pos = 0
        for s in self.segments:
            if s.kind == "escape":
                escaped.add(pos)
            pos += len(s.text)
        return [(name, span) for name, span in find_shapes(self.text) if not {span[0], span[1] - 1} <= escaped]

    def html(self, *, value: str = "{}", missing: str = '<span style="color:#c0392b">{}</span>') -> str:
        """Rich text for a preview: `value` and `missing` wrap the (escaped) filled values and gaps."""
        parts: list[str] = []
        for s in self.segments:
            escaped = html.escape(s.text).replace("\n", "<br>")
            if s.kind == "value":
                parts.append(value.format(escaped))
            elif s.kind == "missing":
                parts.append(missing.format(escaped))
            else:
                parts.append(escaped)
        return "".join(parts)


def find_shapes(text: str) -> list[tuple[str, Span]]:
    """Every `[name]` a reader would take for a placeholder (name, span), wherever it stands."""
    found = []
    for m in _GROUP.finditer(text):  # a shape holds no bracket, so the matches cannot overlap
        name, _, problem = _split_group(m.group(1))
        if problem is None:
            found.append((name, m.span()))
    return found


def render(body: str, context: Context | None = None, typed: Mapping[str, str] = _EMPTY) -> Rendered:
    """Fill every placeholder that has a value; never raises. `typed` outranks the conversation."""
    context = context or Context()
    builtins = builtin_values(context.clock(), context.clipboard)
    segments: list[Segment] = []
    missing: dict[str, None] = {}
    for token in parse(body):
        if isinstance(token, Text):
            segments.append(Segment(token.text, "text"))
        elif isinstance(token, Escape):
            segments.append(Segment(token.char, "escape"))
        elif isinstance(token, Malformed):
            segments.append(Segment(token.raw, "text"))
        else:
            name = canonical(token.name, context.aliases)
            found = lookup(token, context, typed, builtins)
            if found is None:
                missing[name] = None
                segments.append(Segment(token.raw, "missing", name))
            else:
                segments.append(Segment(found[0], "value", name, found[1]))
    return Rendered("".join(s.text for s in segments), tuple(missing), tuple(segments))


def display_spans(body: str, rendered: Rendered, spans: Iterable[Span]) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Map match spans in `body` onto `rendered.text`, and find the gaps still unfilled there.

    Returns (matched, gaps). A match inside literal text keeps its characters; a match touching a
    placeholder highlights the whole value that replaced it. `rendered` must come from `render(body)`.
    """
    tokens = parse(body)
    matched: list[Span] = []
    gaps: list[Span] = []
    wanted = [s for s in spans if s[1] > s[0]]
    out = 0
    for token, segment in zip(tokens, rendered.segments, strict=True):
        start, end = token.span
        length = len(segment.text)
        if segment.kind == "missing":
            gaps.append((out, out + length))
        for a, b in wanted:
            lo, hi = max(a, start), min(b, end)
            if lo >= hi:
                continue
            if isinstance(token, Text):
                matched.append((out + lo - start, out + hi - start))
            else:
                matched.append((out, out + length))
        out += length
    return tuple(matched), tuple(gaps)


class UnfilledPlaceholderError(ValueError):
    """The text still holds placeholder-shaped brackets; it must not be pasted."""

    def __init__(self, names: list[str]) -> None:
        self.names = tuple(dict.fromkeys(names))
        super().__init__("unfilled placeholder " + ", ".join(f"[{n}]" for n in self.names))


def ensure_pasteable(final: Rendered | str) -> str:
    """The text to paste, or UnfilledPlaceholderError. A plain str (text the agent edited) has no
    record of escapes, so any placeholder-shaped bracket in it is refused."""
    found = final.leftovers() if isinstance(final, Rendered) else find_shapes(final)
    if found:
        raise UnfilledPlaceholderError([name for name, _ in found])
    return final.text if isinstance(final, Rendered) else final


# -- the conversation -----------------------------------------------------------------------------


class Conversation(Mapping[str, str]):
    """Values typed for the current customer: in memory only, forgotten on reset or when idle.

    `clock` returns seconds (monotonic); tests pass a fake one. Reading does not count as activity:
    the palette calls `touch()` when it pastes and `remember()` when the form is accepted.
    """

    def __init__(self, idle_minutes: float = 30, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_minutes = idle_minutes
        self._clock = clock
        self._values: dict[str, str] = {}
        self._from_message: dict[str, str] = {}
        self._last = clock()

    def __repr__(self) -> str:
        return f"Conversation({len(self._values)} values, idle after {self.idle_minutes} min)"

    def _current(self) -> dict[str, str]:
        if (self._values or self._from_message) and self._clock() - self._last >= self.idle_minutes * 60:
            self._values.clear()
            self._from_message.clear()
        return self._values

    @property
    def from_message(self) -> Mapping[str, str]:
        """Values found in the customer's messages of this conversation (`message.extract_values`)."""
        self._current()
        return MappingProxyType(self._from_message)

    def take_from_message(self, values: Mapping[str, str]) -> None:
        """A new message from this customer: its values join (and outrank) the ones seen before."""
        self.touch()
        self._from_message.update(values)

    def __getitem__(self, name: str) -> str:
        return self._current()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._current()))

    def __len__(self) -> int:
        return len(self._current())

    def remember(self, values: Mapping[str, str]) -> None:
        """Keep non-blank values under their names (callers pass canonical names, as `missing` gives)."""
        self.touch()
        for name, value in values.items():
            if value.strip():
                self._values[name] = value

    def touch(self) -> None:
        """Activity in this conversation: restart the idle timer."""
        self._current()
        self._last = self._clock()

    def reset(self) -> None:
        """A new conversation (a new customer): forget every value."""
        self._values.clear()
        self._from_message.clear()
        self._last = self._clock()

"""Half-width punctuation in Chinese text: what `palette lint` flags and what a paste normalises.

A 质检 reviewer flags `您好,请问` on every call; `您好，请问` is what Chinese text uses. The rules, meant
to be safe on mixed text (numbers, product names, URLs, placeholders):

- `, ? ! : ;` become `， ？ ！ ： ；` when a Chinese character stands on at least one side. The other
  side may be anything, a Latin letter or digit included: `价格:99元` → `价格：99元`, `5G,宽带` →
  `5G，宽带` (the mark belongs to the Chinese sentence). With Latin letters or digits on both sides
  (`10:30`, `1,000`, `a.cn?x=1`) nothing is Chinese, so nothing changes.
- Parentheses go in pairs: a pair becomes `（ ）` when it holds Chinese, stands next to Chinese, or
  one of the two is full-width already (`(可选)`, `功能(WiFi)`); `f(x)` stays. An unpaired one follows
  the rule above.
- Three or more ASCII dots next to Chinese become the Chinese ellipsis `……` (two characters): the
  only rule that changes the length. One or two dots never change (`1.5`, `a.cn`).
- Never touched: anything inside `[...]` (placeholders, `[名称=默认,值]`) and URLs (`scheme://…`, up to
  a space or a non-ASCII character, without trailing punctuation).

"Next to" skips other punctuation of these kinds, both widths (`好!!` → `好！！`, `好?!` → `好？！`),
which is also what makes the conversion idempotent: converting a mark never changes its neighbours'
context. A `[...]` group counts as Chinese when it holds a Chinese character, so the source text
`[问候语],[公司名称]` is flagged too. Chinese here means Han characters, kana, CJK symbols (`。、「」`)
and the full-width forms; curly quotes and spaces are neutral.
"""

from __future__ import annotations

import re
from typing import NamedTuple

FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
ELLIPSIS = "……"

_MARKS = frozenset(FULL_WIDTH) | {"."}
_SKIP = _MARKS | frozenset(FULL_WIDTH.values()) | {"…"}  # transparent for "next to"
_CJK_RE = re.compile(
    "[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\U00020000-\U0003134f]"
)
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_QUICK = re.compile(r"[,?!:;().]")
_GROUP = re.compile(r"\[[^\[\]\n]*\]")
_URL = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}://[!-~]*")  # linear on long Latin runs
_URL_TAIL = ",.?!:;)"

_OTHER, _CJK, _MARK, _PROTECTED = 0, 1, 2, 3


class Fix(NamedTuple):
    """One half-width mark (or run of dots) at `start:end` and its full-width replacement."""

    start: int
    end: int
    found: str
    replacement: str


def _classes(text: str) -> list[int]:
    """Per character: Chinese, other, a mark, or protected (a URL, a [...] without Chinese). A [...] with
    Chinese is Chinese throughout: a neighbour's context, and as untouchable as a protected one."""
    # Full-width marks are _MARK too: transparent for "next to", though never converted.
    cls = [_MARK if ch in _SKIP else _CJK if _CJK_RE.match(ch) else _OTHER for ch in text]
    for m in _GROUP.finditer(text):
        mark = _CJK if _HAN_RE.search(m.group()) else _PROTECTED
        cls[m.start() : m.end()] = [mark] * (m.end() - m.start())
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _URL_TAIL:
            end -= 1
        cls[m.start() : end] = [_PROTECTED] * (end - m.start())
    return cls


def fixes(text: str) -> list[Fix]:
    """Every half-width mark in Chinese text, left to right (see the module docstring for the rules)."""
    if not _QUICK.search(text) or not _CJK_RE.search(text):
        return []
    cls = _classes(text)
    n = len(text)
    # The nearest non-mark class on each side of every position (None at the ends).
    left: list[int | None] = [None] * n
    right: list[int | None] = [None] * n
    last: int | None = None
    for i in range(n):
        left[i] = last
        if cls[i] != _MARK:
            last = cls[i]
    last = None
    for i in range(n - 1, -1, -1):
        right[i] = last
        if cls[i] != _MARK:
            last = cls[i]
    cjk_before = [0] * (n + 1)
    for i in range(n):
        cjk_before[i + 1] = cjk_before[i] + (cls[i] == _CJK)

    found: list[Fix] = []
    paired: set[int] = set()
    stack: list[int] = []
    for i, ch in enumerate(text):
        if cls[i] != _MARK:
            continue
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            o = stack.pop()
            paired.update((o, i))
            chinese = (
                "（" in (text[o], text[i])
                or "）" in (text[o], text[i])
                or cjk_before[i] > cjk_before[o + 1]
                or _CJK in (left[o], right[i])
            )
            if chinese:
                found += [Fix(j, j + 1, text[j], FULL_WIDTH[text[j]]) for j in (o, i) if text[j] in FULL_WIDTH]
    i = 0
    while i < n:
        ch = text[i]
        if cls[i] != _MARK or i in paired:
            i += 1
        elif ch == ".":
            end = i
            while end < n and text[end] == "." and cls[end] == _MARK:
                end += 1
            if end - i >= 3 and _CJK in (left[i], right[end - 1]):
                found.append(Fix(i, end, text[i:end], ELLIPSIS))
            i = end
        else:
            if ch in FULL_WIDTH and _CJK in (left[i], right[i]):
                found.append(Fix(i, i + 1, ch, FULL_WIDTH[ch]))
            i += 1
    return sorted(found)


def to_full_width(text: str) -> str:
    """`text` with its half-width punctuation in Chinese text made full-width; idempotent."""
    found = fixes(text)
    if not found:
        return text
    out: list[str] = []
    pos = 0
    for f in found:
        out += [text[pos : f.start], f.replacement]
        pos = f.end
    out.append(text[pos:])
    return "".join(out)

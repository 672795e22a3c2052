"""Text shown on a terminal or in a one-line message, made safe: the one rule for every door.

File names, server reasons, cell text and phrase titles come from outside; printed raw, a newline
splits an error into two, an ESC sequence moves the cursor, a bidi override reorders what the agent
reads and a lone surrogate (a non-UTF-8 file name) raises on output. They are shown as escapes
(`\\n`, `\\x1b`, `\\u202e`, `\\udcff`) instead; what is *stored* is cleaned by `phrase_rules`.
"""

from __future__ import annotations

import re

# C0 and C1 controls, zero-width and bidi controls, line and paragraph separators, BOM, lone surrogates.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def escaped(text: str, *, keep: str = "") -> str:
    """`text` with every character a terminal would act on written as an escape; those in `keep` stay."""
    if _UNSHOWABLE.search(text) is None:
        return text
    return _UNSHOWABLE.sub(
        lambda m: m[0] if m[0] in keep else m[0].encode("unicode_escape", "backslashreplace").decode("ascii"), text
    )


def one_line(text: str, limit: int = 300) -> str:
    """`text` as part of a one-line message: escaped, and cut with "…" past `limit` characters (0: no cut)."""
    if limit and len(text) > limit:
        return escaped(text[:limit]) + "…"
    return escaped(text)


def json_text(text: str) -> str:
    """JSON (from `json.dumps(..., ensure_ascii=False)`) with the same characters as `\\uXXXX` escapes:
    still valid JSON that decodes to the same value, and safe on a terminal. Newlines of the layout stay."""
    return _UNSHOWABLE.sub(lambda m: m[0] if m[0] == "\n" else f"\\u{ord(m[0]):04x}", text)

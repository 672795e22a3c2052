"""What may be stored as phrase text: the one cleaning every write goes through.

A phrase is pasted into a customer's chat and printed on agents' terminals, so characters that
steer a terminal or hide text are never stored: C0 and C1 controls (tab and newline stay in
bodies), whole escape sequences (not just the ESC, which would leave `[31m` behind), bidi overrides
and zero-width characters. `\r` becomes a newline.
"""

from __future__ import annotations

import re

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

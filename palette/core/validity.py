"""Validity dates (生效日期 / 失效日期): a phrase is offered only inside its window, both days included.

Dates are stored as ISO `YYYY-MM-DD` text ("" = open-ended), so comparing them is comparing strings.
"Today" is the agent's local date: expired tariff wording leaves the shelf at the agent's midnight.
Spreadsheets give dates in many shapes; `parse_date` takes the common ones and refuses the rest.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

from palette.core.model import Phrase

EXPIRY_WARNING_DAYS = 7  # `palette lint` warns about phrases that leave the shelf this soon

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a date cell's text may carry its time: the day counts
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (leap-bug) count
_EXCEL_SERIALS = range(20_000, 100_000)  # 1954 … 2173: a bare number in a date column is a date cell's serial


class DateError(ValueError):
    """A date text that names no day; the message says what was expected."""


def parse_date(text: str) -> str:
    """`text` as `YYYY-MM-DD` ("" stays ""): also 2026/12/01, 2026.12.1, 2026年12月1日, 20261201, an
    Excel serial number, and a date cell's text with its time."""
    text = text.strip()
    if not text:
        return ""
    m = _YMD.fullmatch(text) or _COMPACT.fullmatch(text)
    try:
        if m is not None:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if text.isdigit() and int(text) in _EXCEL_SERIALS:
            return (_EXCEL_EPOCH + timedelta(days=int(text))).isoformat()
        if text.endswith(".0") and text[:-2].isdigit() and int(text[:-2]) in _EXCEL_SERIALS:
            return (_EXCEL_EPOCH + timedelta(days=int(text[:-2]))).isoformat()
    except ValueError:
        raise DateError(f"{text[:30]!r} is not a day of the calendar") from None
    raise DateError(f"{text[:30]!r} is not a date (use YYYY-MM-DD, e.g. 2026-12-31)")


def check_window(valid_from: str, valid_until: str) -> str | None:
    """What is wrong with a stored window, or None: both ISO or empty, the start not after the end."""
    for value in (valid_from, valid_until):
        if value and (len(value) != 10 or parse_date(value) != value):
            return f"{value[:30]!r} is not a YYYY-MM-DD date"
    if valid_from and valid_until and valid_from > valid_until:
        return f"valid from {valid_from} is after valid until {valid_until}"
    return None


def today(clock: float | None = None) -> str:
    """The agent's local date as ISO text (`clock`: a Unix time, for tests and the search's clock)."""
    return date.fromtimestamp(time.time() if clock is None else clock).isoformat()


def in_window(p: Phrase, day: str) -> bool:
    """Whether `p` may be offered on `day` (ISO): from its 生效日期 through its 失效日期."""
    return (not p.valid_from or p.valid_from <= day) and (not p.valid_until or day <= p.valid_until)


def expires_within(p: Phrase, day: str, days: int = EXPIRY_WARNING_DAYS) -> bool:
    """Whether `p` is on the shelf on `day` and leaves it within `days` days (its last day included)."""
    if not p.valid_until or not in_window(p, day):
        return False
    return p.valid_until <= (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def window_state(p: Phrase, day: str) -> str:
    """ "upcoming", "expired" or "" (in its window, or undated): the manager's filter and the CLI's words."""
    if p.valid_from and day < p.valid_from:
        return "upcoming"
    if p.valid_until and p.valid_until < day:
        return "expired"
    return ""

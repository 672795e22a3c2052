"""Structured events (`palette.shown`, `paste.done` …): names, timings and outcomes, never text.

End-to-end tests and bench scripts wait on these lines instead of sleeping. Values are restricted to
numbers, booleans and short identifiers so a phrase, a fill-in value or clipboard content can never be
written to a log by mistake.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time

log = logging.getLogger("palette.events")
_IDENT = re.compile(r"^[A-Za-z0-9_.:+-]{0,64}$")


def emit(event: str, **fields: float | int | bool | str) -> None:
    """Log one event as a JSON line; a string field must look like an identifier, not free text."""
    for key, value in fields.items():
        if isinstance(value, str) and not _IDENT.match(value):
            raise ValueError(f"event field {key!r} must be an identifier, not free text")
    if log.isEnabledFor(logging.INFO):
        record = {"event": event, "t": round(time.time(), 4), **fields}
        log.info(json.dumps(record, separators=(",", ":")))


def ms_since(start: float) -> float:
    """Milliseconds since a `time.perf_counter()` reading, rounded for logs."""
    return round((time.perf_counter() - start) * 1000.0, 2)


def ident(value: str) -> str:
    """`value` as an event field: itself when it already looks like an identifier (a uid such as
    `std-open-phone`), else a short stable digest (a team library's uid may be any text)."""
    if _IDENT.match(value):
        return value
    return "h-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]

"""Printing for a terminal or a script: every line escaped, JSON with the same escapes."""

from __future__ import annotations

import json
from typing import Any

from palette.core.escaping import escaped, json_text


def print_json(value: Any) -> None:
    """JSON escapes C0 controls itself; C1, bidi and zero-width characters become \\u escapes too."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(json_text(text))


def safe(text: str, *, keep: str = "") -> str:
    return escaped(text, keep=keep)

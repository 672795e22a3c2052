"""Composition root of the tray app: builds the store, the engines, the platform backends and the windows."""

from __future__ import annotations

import sys


def main(show_only: bool = False) -> int:
    """Start the tray app (or, with `show_only`, ask the running one to show its palette)."""
    print("palette: the tray app is not built yet; use the command line (palette --help)", file=sys.stderr)
    return 2

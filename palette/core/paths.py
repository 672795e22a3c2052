"""Where Palette keeps the user's data and finds its bundled resources.

One function each, so a frozen bundle (PyInstaller) and a source checkout agree on every path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Palette"


def data_dir() -> Path:
    """The user's data directory: `$PALETTE_HOME` when set (tests, portable installs), else platformdirs."""
    home = os.environ.get("PALETTE_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_path  # imported here: ~40 ms that tests with a home never pay

    return user_data_path(APP_NAME, appauthor=False, roaming=True)


def database_path() -> Path:
    return data_dir() / "palette.db"


def bundle_root() -> Path:
    """The folder holding `phrases.db` and `resources/`.

    In order: the PyInstaller bundle; `palette/bundled/` in a non-editable install (setup.py copies
    them there when it builds the wheel); the source checkout (an editable install, `python -m palette`).
    """
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    package = Path(__file__).resolve().parent.parent
    installed = package / "bundled"
    return installed if installed.is_dir() else package.parent


def resource(*parts: str) -> Path:
    """A file under `resources/` (icons, translations, the standard library source)."""
    return bundle_root().joinpath("resources", *parts)


def standard_library_db() -> Path:
    """The bundled standard library built from `resources/standard_library.toml`."""
    return bundle_root() / "phrases.db"

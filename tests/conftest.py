"""Shared fixtures. Widget tests run on Qt's offscreen platform; nothing here needs a display."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from palette.core import paths
from palette.core.standard import ensure_standard_library
from palette.core.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh PALETTE_HOME for this test (and for any subprocess it starts)."""
    h = tmp_path / "home"
    monkeypatch.setenv("PALETTE_HOME", str(h))
    return h


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    """An open user database in a fresh home, with the standard library imported as on first run."""
    s = Store(paths.database_path())
    ensure_standard_library(s)
    yield s
    s.close()

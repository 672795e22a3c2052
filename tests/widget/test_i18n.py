"""The English translation covers every interface string, and the committed .qm is compiled from the .ts.

Both are checked with Qt's own tools: lupdate reads the sources afresh, lrelease compiles the .ts.
When a test here fails after a UI change: run `bash resources/i18n/update.sh`, translate what it
marks unfinished, run it again, commit both files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from palette.core import paths

REPO = Path(__file__).resolve().parents[2]
TS = paths.resource("i18n", "palette_en.ts")
QM = paths.resource("i18n", "palette_en.qm")
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: PySide6 installs it next to python")
    return found


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for m in context.iter("message"):
            translation = m.find("translation")
            assert translation is not None, f"{ts.name}: a message in {name} has no <translation>"
            out[(name, m.findtext("source", ""))] = translation
    return out


def test_every_interface_string_has_an_english_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = [str(p) for p in sorted((REPO / "palette" / "ui").rglob("*.py"))] + [str(REPO / "palette" / "app.py")]
    subprocess.run(
        [tool("pyside6-lupdate"), "-locations", "none", "-source-language", "zh_CN", "-target-language", "en",
         *sources, "-ts", str(fresh)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    wanted = set(messages(fresh))
    have = messages(TS)
    assert len(wanted) > 150
    assert wanted - set(have) == set(), "strings missing from palette_en.ts: run resources/i18n/update.sh"
    assert set(have) - wanted == set(), "palette_en.ts has strings no longer in the code: run update.sh"
    unfinished = [key for key, t in have.items() if t is None or t.get("type") or not (t.text or "").strip()]
    assert unfinished == []


def test_placeholders_survive_translation() -> None:
    for (context, source), t in messages(TS).items():
        text = t.text or ""
        for mark in ("{0}", "{1}", "{2}", "{3}", "%1", "%2"):
            assert (mark in source) == (mark in text), f"{context}: {source!r} → {text!r} loses or adds {mark}"
        assert source.count("&") == text.count("&"), f"{context}: {source!r} → {text!r} changes the mnemonic"


def test_the_compiled_translation_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "palette_en.qm"
    subprocess.run(
        [tool("pyside6-lrelease"), "-nounfinished", str(TS), "-qm", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == QM.read_bytes(), "palette_en.qm is stale: run resources/i18n/update.sh"

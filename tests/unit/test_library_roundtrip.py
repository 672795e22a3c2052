"""import(export(x)) == x for every export format, over libraries hypothesis makes up.

The domain is what an import can produce: trimmed text without control characters or BOMs (a body may
hold inner line breaks and tabs, any cell may start like a formula, =, +, -, @, or with a quote),
unique ids, unique shortcuts, tags without separators, order as given, any send mode, up to three pictures
(PNG, JPEG, GIF, shared between phrases). A CSV keeps no version (it has nowhere to), CSV and xlsx no library
send default; everything else is kept exactly.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palette.core.images import probe
from palette.core.library_io import FORMATS, LibraryData, parse_library, write_library
from palette.core.model import ForbiddenWord, Phrase, SendMode
from palette.core.phrase_rules import UNSAFE
from palette.core.sources import fetch
from tests.pictures import picture, png

_PICTURES = [png(4, 3, (9, 9, 9)), png(7, 2, (250, 0, 0)), picture("JPEG", 5, 5), picture("GIF", 3, 6)]
_REFS = [probe(d) for d in _PICTURES]
_send = st.none() | st.sampled_from(list(SendMode))

NAME = "一组"
_chars = st.characters(blacklist_categories=("Cc", "Cs", "Cn")).filter(lambda c: not UNSAFE.match(c))  # never stored


# What a spreadsheet would run as a formula, and text that itself starts with the quote CSV export adds.
_formula_start = st.sampled_from(["=", "+", "-", "@", "'=", "'-", "''@", "'", "'a"])


def _text(max_size: int, alphabet: st.SearchStrategy[str] = _chars) -> st.SearchStrategy[str]:
    plain = st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)
    return plain | st.builds(lambda start, rest: (start + rest).strip(), _formula_start, plain)


_body = (
    st.lists(_text(60, _chars | st.just("\t")), min_size=1, max_size=3)
    .map(lambda lines: "\n".join(lines).strip())
    .filter(bool)
)
_tag = _text(8, _chars.filter(lambda c: c not in ",,、;;"))
_shortcut = st.text(st.sampled_from("abcdefghijkmnpqrstuvwxyz0123456789_.-"), min_size=1, max_size=20)


@st.composite
def libraries(draw: st.DrawFn) -> LibraryData:
    n = draw(st.integers(min_value=1, max_value=8))
    ids = draw(st.lists(_text(20), min_size=n, max_size=n, unique=True))
    codes = draw(st.lists(_shortcut, min_size=n, max_size=n, unique_by=str.casefold))
    phrases = tuple(
        Phrase(
            uid=ids[i],
            library=NAME,
            category=draw(_text(12)),
            title=draw(_text(20)),
            body=draw(_body),
            shortcut=codes[i] if draw(st.booleans()) else "",
            tags=tuple(draw(st.lists(_tag, max_size=3, unique=True))),
            sort_order=i,
            send=draw(_send),
            images=tuple(draw(st.lists(st.sampled_from(_REFS), max_size=3, unique=True))),
        )
        for i in range(n)
    )
    words = draw(st.lists(_text(10), max_size=4, unique=True))
    forbidden = tuple(ForbiddenWord(w, draw(st.just("") | _text(20)), NAME) for w in words)
    used = {r.sha256 for p in phrases for r in p.images}
    images = {r.sha256: d for r, d in zip(_REFS, _PICTURES, strict=True) if r.sha256 in used}
    send, send_each = draw(_send), draw(st.none() | st.booleans())
    version = draw(st.just("") | _text(10))
    return LibraryData(NAME, version, phrases, forbidden, images=images, send=send, send_each=send_each)


@pytest.mark.parametrize("suffix", FORMATS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=libraries())
def test_import_of_export_is_lossless(suffix: str, data: LibraryData) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{NAME}{suffix}"
        write_library(data, path)
        back = parse_library(fetch(str(path)))
    assert back.warnings == ()
    assert back.name == data.name
    assert back.phrases == data.phrases
    assert back.forbidden == data.forbidden
    assert back.version == ("" if suffix == ".csv" else data.version)
    assert back.images == data.images
    kept = data if suffix in (".json", ".db") else replace(data, send=None, send_each=None)
    assert (back.send, back.send_each) == (kept.send, kept.send_each)
    assert back.checksum() == kept.checksum()

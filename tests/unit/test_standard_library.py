"""The standard library: the bundled phrases.db equals its TOML source, and the content meets the brief."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from palette.core import paths
from palette.core.library_io import read_library_db, write_library_db
from palette.core.model import STANDARD_LIBRARY
from palette.core.punctuation import fixes
from palette.core.standard import source_data

CALL_FLOW = [
    "问候与开场",
    "身份核验",
    "倾听与确认",
    "请稍候/核实",
    "业务咨询",
    "套餐推荐",
    "话费与流量查询",
    "故障报修",
    "投诉处理",
    "安抚与致歉",
    "无法立即解决",
    "后续处理与时限",
    "确认是否还有其他需要",
    "感谢与道别",
]
SEED_GREETING = (
    "您好，[公司名称]客服[工号]，很高兴为您服务，请问有什么可以帮您？"  # the seed's, in full-width punctuation
)


def test_bundled_phrases_db_matches_its_source() -> None:
    """Edit resources/*.toml, then run `python -m palette.core.standard build` to refresh phrases.db."""
    bundled = read_library_db(paths.standard_library_db())
    source = source_data()
    assert bundled.name == source.name == STANDARD_LIBRARY
    assert bundled.version == source.version
    assert bundled.phrases == source.phrases
    assert bundled.forbidden == source.forbidden
    assert bundled.checksum() == source.checksum()


def test_library_db_round_trip(tmp_path: Path) -> None:
    data = source_data()
    write_library_db(data, tmp_path / "copy.db")
    assert read_library_db(tmp_path / "copy.db") == data


def test_content_covers_the_call_flow() -> None:
    phrases = source_data().phrases
    order: list[str] = []
    for p in phrases:
        if not order or order[-1] != p.category:
            order.append(p.category)
    assert order == CALL_FLOW  # each category once, in call-flow order
    assert len(phrases) >= 100
    assert all(sum(p.category == c for p in phrases) >= 6 for c in CALL_FLOW)
    assert any(p.body == SEED_GREETING for p in phrases)


def test_every_phrase_is_complete_and_unique() -> None:
    data = source_data()
    placeholder = re.compile(r"\[\w{1,20}(=[^\[\]]*)?\]")
    for field in ("uid", "title"):
        values = [getattr(p, field) for p in data.phrases]
        assert len(values) == len(set(values)), field
    shortcuts = [p.shortcut for p in data.phrases if p.shortcut]
    assert len(shortcuts) == len(set(shortcuts))
    for p in data.phrases:
        assert p.title and p.body and p.tags, p.uid
        assert "XX" not in p.body, p.uid
        rest = placeholder.sub("", p.body)
        assert "[" not in rest and "]" not in rest, p.uid
        for w in data.forbidden:
            assert w.word not in p.body, (p.uid, w.word)


def _cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) == "W" and unicodedata.category(ch).startswith("Lo")


def test_no_half_width_punctuation_next_to_chinese() -> None:
    """What is pasted to customers: `，？！：；（）` in Chinese text (issue 16), in bodies, titles and 禁语 suggestions.

    Checked independently of the rules in palette.core.punctuation (a plain look at each neighbour),
    and with them (what `palette lint` reports)."""
    for p in source_data().phrases:
        for text in (p.body, p.title):
            for i, ch in enumerate(text):
                if ch in ",?!:;()":
                    around = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
                    assert not any(_cjk(c) for c in around), (p.uid, text[max(i - 5, 0) : i + 5])
            assert fixes(text) == [], p.uid
    for w in source_data().forbidden:  # a suggestion is wording the agent may send instead
        assert fixes(w.suggestion) == [], w.word

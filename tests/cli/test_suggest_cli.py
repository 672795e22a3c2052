"""`palette suggest` through the real entry point: the issue's done-when check, the JSON shape, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palette.cli import main
from tests.cli.test_cli import run

DONE_WHEN = "宽带一直掉线什么时候能修好"


def test_done_when_a_broadband_fault_phrase_comes_first_in_a_fresh_home(home: Path) -> None:
    out = run("suggest", DONE_WHEN, "--json", home=home)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["category"] == "故障报修" and "宽带" in hits[0]["title"] and hits[0]["confident"] is True
    assert DONE_WHEN not in out.stderr


def test_json_is_search_hits_plus_why_and_confident(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "宽带", "--json", "--limit", "1"]) == 0
    search_keys = set(json.loads(capsys.readouterr().out)[0])
    assert main(["suggest", "我家", "宽带断网了", "--json", "--limit", "3"]) == 0  # words join with spaces
    hits = json.loads(capsys.readouterr().out)
    assert 1 <= len(hits) <= 3
    assert all(set(h) == search_keys | {"why", "confident"} for h in hits)
    assert all(isinstance(h["why"], list) and all(w in "我家 宽带断网了" for w in h["why"]) for h in hits)


def test_human_output_and_small_talk(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", DONE_WHEN, "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(" 1. 故障报修 › ") and "matched: " in out
    assert main(["suggest", "你好"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "no confident suggestion\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["suggest"], "required"), (["suggest", "  "], "empty"), (["suggest", "宽带", "--limit", "0"], "--limit")],
)
def test_bad_input_is_one_line_and_exit_2(home: Path, args: list[str], needle: str) -> None:
    out = run(*args, home=home)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and needle in out.stderr and "Traceback" not in out.stderr


def test_usage_reset_forgets_learned_pairs(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from palette.cli.common import open_store
    from palette.core.suggest import build_suggester

    with open_store() as store:
        build_suggester(store).learn(store, DONE_WHEN, "std-fault-visit")
        assert store.learned_pairs()
    assert main(["usage", "reset"]) == 0
    with open_store() as store:
        assert store.learned_pairs() == {}

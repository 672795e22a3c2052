"""`palette render`, `palette lint`, and the placeholder and 禁语 checks in `add` and `search --json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from palette.cli import main
from palette.core.standard import source_data
from palette.core.store import Store

OPENING = next(p.body for p in source_data().phrases if p.uid == "std-open-phone")  # 您好，[公司名称]客服[工号]，…
GREETING = OPENING.replace("[公司名称]", "中国电信").replace("[工号]", "1024")
RULES_SUGGESTION = next(w.suggestion for w in source_data().forbidden if w.word == "这是规定")


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PALETTE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "palette", *args], capture_output=True, text=True, env=env, timeout=60)


def add(capsys: pytest.CaptureFixture[str], body: str, title: str = "测试") -> tuple[str, str]:
    assert main(["add", "--category", "测试", "--title", title, "--body", body]) == 0
    out = capsys.readouterr()
    return out.out.strip(), out.err


def test_the_greeting_renders_from_the_profile(home: Path) -> None:
    assert run("profile", "set", "公司名称", "中国电信", home=home).returncode == 0
    assert run("profile", "set", "工号", "1024", home=home).returncode == 0
    out = run("render", "std-open-phone", home=home)
    assert (out.returncode, out.stdout, out.stderr) == (0, GREETING + "\n", "")


def test_missing_values_are_listed_with_exit_2(home: Path) -> None:
    out = run("render", "std-open-phone", home=home)
    assert out.returncode == 2
    assert out.stdout.splitlines() == ["公司名称", "工号"]
    assert out.stderr.count("\n") == 1 and "公司名称, 工号" in out.stderr and "--set" in out.stderr


def test_render_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "set", "公司名称", "中国电信"]) == 0
    assert main(["render", "std-open-phone", "--json"]) == 2
    out = capsys.readouterr()
    assert json.loads(out.out) == {
        "uid": "std-open-phone",
        "rendered": OPENING.replace("[公司名称]", "中国电信"),
        "parts": [OPENING.replace("[公司名称]", "中国电信")],
        "missing": ["工号"],
    }
    assert main(["render", "std-open-phone", "--json", "--set", "工号=1024"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "uid": "std-open-phone",
        "rendered": GREETING,
        "parts": [GREETING],
        "missing": [],
    }


def test_set_values_go_through_aliases_and_outrank_the_profile(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "set", "公司名称", "中国联通"]) == 0
    assert main(["render", "std-open-phone", "--set", "公司名称=中国电信", "--set", "员工号=1024"]) == 0
    assert capsys.readouterr().out == GREETING + "\n"


def test_render_uses_the_agents_own_version(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.add_phrase(category="问候", title="我的开场", body="[问候语]!我是[工号]号", override_of="std-open-phone")
    assert main(["render", "std-open-phone", "--set", "工号=7"]) == 0
    assert capsys.readouterr().out.strip().endswith("！我是7号")  # and normalised, as pasted


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["render", "no-such-uid"], "no-such-uid"),
        (["render", "std-open-phone", "--set", "工号"], "NAME=VALUE"),
        (["render", "std-open-phone", "--set", "=1024"], "NAME=VALUE"),
        (["render", "std-open-phone", "--set", "公司名称=[工号]", "--set", "工号=1"], "[工号]"),
        (["lint", "--library", "没有这个库"], "没有这个库"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(home: Path, args: list[str], needle: str) -> None:
    out = run(*args, home=home)
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and needle in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_render_prints_full_width_punctuation_as_the_paste_would(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uid, _ = add(capsys, "[备注]")  # half-width punctuation typed for a customer, in a filled value
    assert main(["render", uid, "--set", "备注=您好,请问是10:30吗?"]) == 0
    assert capsys.readouterr().out == "您好，请问是10:30吗？\n"
    assert main(["render", uid, "--json", "--set", "备注=稍等..."]) == 0
    assert json.loads(capsys.readouterr().out)["rendered"] == "稍等……"
    assert main(["config", "set", "normalize_punctuation", "off"]) == 0
    assert main(["render", uid, "--set", "备注=您好,请问是10:30吗?"]) == 0
    assert capsys.readouterr().out == "您好,请问是10:30吗?\n"


def test_forbidden_text_in_render_follows_guard_mode(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uid, _ = add(capsys, "[备注]")
    assert main(["render", uid, "--set", "备注=这个我不知道"]) == 0
    out = capsys.readouterr()
    assert out.out == "这个我不知道\n" and "不知道" in out.err and "我帮您核实一下" in out.err
    assert main(["config", "set", "guard_mode", "block"]) == 0
    assert main(["render", uid, "--set", "备注=这个我不知道"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and "block" in out.err
    assert main(["config", "set", "guard_mode", "off"]) == 0
    assert main(["render", uid, "--set", "备注=这个我不知道"]) == 0
    assert capsys.readouterr().err == ""


def test_add_warns_about_a_forbidden_phrase_and_still_adds(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uid, err = add(capsys, "这个问题我不 知道。")
    assert uid.startswith("p-")
    assert err.count("\n") == 1 and "warning" in err and "不知道" in err and "我帮您核实一下" in err
    assert main(["render", uid]) == 0


def test_add_refuses_a_forbidden_phrase_in_block_mode(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "guard_mode", "block"]) == 0
    with Store(home / "palette.db") as s:
        before = s.dump()
    assert main(["add", "--category", "c", "--title", "t", "--body", "这是规定"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "这是规定" in err
    with Store(home / "palette.db") as s:
        assert s.dump() == before


def test_add_warns_about_brackets_even_with_the_guard_off(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "guard_mode", "off"]) == 0
    _, err = add(capsys, "不知道 [ ] [日其]")
    lines = err.splitlines()
    assert len(lines) == 2 and "[ ]" in lines[0] and "[日期]" in lines[1]
    _, err = add(capsys, "您好，[客户姓名]")
    assert err == ""
    _, err = add(capsys, "您好,[客户姓名]")
    assert err == "palette: warning: --body: half-width ',' in Chinese text at 2: use '，'\n"


def test_lint_is_clean_on_a_fresh_install(home: Path) -> None:
    out = run("lint", home=home)
    assert (out.returncode, out.stdout) == (0, ""), out.stderr
    assert "127 phrases" in out.stderr


def test_lint_lists_uid_title_problem_and_exits_1(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad, _ = add(capsys, "[坐席姓明]为您服务,这是规定", title="有问题")
    add(capsys, "[客户姓名]您好", title="没问题")
    assert main(["lint"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{bad}\t有问题\tunknown placeholder [坐席姓明]: did you mean [坐席姓名]?",
        f"{bad}\t有问题\thalf-width ',' in Chinese text at 10: use '，'",
        f"{bad}\t有问题\tforbidden phrase “这是规定” (标准话术); suggest “{RULES_SUGGESTION}”",
    ]
    assert main(["lint", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["uid"], r["kind"], r["word"], r["span"]) for r in rows] == [
        (bad, "unknown", "坐席姓明", [0, 6]),
        (bad, "punctuation", ",", [10, 11]),
        (bad, "forbidden", "这是规定", [11, 15]),
    ]
    assert main(["lint", "--library", "标准话术"]) == 0


def test_lint_knows_profile_keys_the_agent_added(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(capsys, "加我微信[微信好]")
    assert main(["lint"]) == 0  # no known name sounds like 微信好 yet
    assert main(["profile", "set", "微信号", "tele10000"]) == 0
    assert main(["lint"]) == 1
    assert "did you mean [微信号]" in capsys.readouterr().out


def test_search_json_renders_with_the_profile(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "set", "公司名称", "中国电信"]) == 0
    assert main(["search", "kc1", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["uid"] == "std-open-phone")
    assert row["rendered"] == OPENING.replace("[公司名称]", "中国电信")
    assert row["missing"] == ["工号"]
    assert main(["profile", "set", "工号", "1024"]) == 0
    assert main(["search", "kc1", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["uid"] == "std-open-phone")
    assert (row["rendered"], row["missing"]) == (GREETING, [])


def test_the_agent_adds_and_removes_own_forbidden_words(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forbidden", "add", "自己去问", "--suggest", "我帮您联系相关同事"]) == 0
    assert main(["add", "--category", "c", "--title", "t", "--body", "这个您自己去问吧。"]) == 0
    err = capsys.readouterr().err
    assert "自己去问" in err and "我帮您联系相关同事" in err  # the agent's own word is checked on save
    assert main(["forbidden", "list", "--json"]) == 0
    words = {w["word"]: w for w in json.loads(capsys.readouterr().out)}
    assert words["自己去问"]["source"] == "我的话术" and "不知道" in words
    assert main(["forbidden", "remove", "不知道"]) == 2  # the standard list is not the agent's to edit
    assert main(["forbidden", "remove", "自己去问"]) == 0
    assert main(["forbidden", "list", "--json"]) == 0
    assert "自己去问" not in {w["word"] for w in json.loads(capsys.readouterr().out)}


def test_render_joins_the_messages_of_a_phrase_with_a_blank_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uid, _ = add(capsys, "您好。\n---\n请稍等，\n马上为您查询。\n---\n")
    assert main(["render", uid]) == 0
    assert capsys.readouterr().out == "您好。\n\n请稍等，\n马上为您查询。\n"
    assert main(["render", uid, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["parts"] == ["您好。", "请稍等，\n马上为您查询。"]
    assert out["rendered"] == "您好。\n\n请稍等，\n马上为您查询。"

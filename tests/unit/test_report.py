"""The report's counts in the store and the daily report built from them (see tests/widget for the
session through the palette, tests/cli for `palette report` and the merge)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from palette.core.model import PERSONAL_LIBRARY, Library, LibraryKind, Phrase, UsageKind
from palette.core.report import AGENT_ID_SETTING, ReportError, build_report, render_report, report_target, save_report
from palette.core.store import Store
from palette.core.store.usage import REPORT_KEEP_DAYS, normalise_miss

TEAM = "客服一组"
DAY = date(2026, 12, 1)


@pytest.fixture
def team(store: Store) -> Store:
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM, version="v7"),
        [Phrase("t1", TEAM, "售后", "退款", "退款将原路退回。"), Phrase("t2", TEAM, "售后", "稍候", "请稍等。")],
    )
    return store


@pytest.mark.parametrize(
    ("query", "counted"),
    [
        ("退款", "退款"),
        ("ＴＵＩＫＵＡＮ  Policy", "tuikuan poli"),  # width-folded, casefolded, spaces collapsed, 12 characters
        ("套餐 99元", "套餐 ##元"),
        ("订单 ２０２４", "订单 ####"),  # full-width digits are digits too
        ("13912345678", ""),  # nothing but digits: not counted
        ("#12 ...", ""),
        ("   ", ""),
        ("您好我的快递单号是多少怎么还没有到呢谢谢", "您好我的快递单号是多少怎"),  # 20 characters: still typed
        ("您好我的快递单号是多少怎么还没有到呢谢谢你", ""),  # longer: a customer's message pasted in
    ],
)
def test_a_miss_is_normalised_before_it_is_stored(query: str, counted: str) -> None:
    assert normalise_miss(query) == counted


def test_events_count_by_phrase_and_library_version_an_override_for_its_original(team: Store) -> None:
    override = team.add_phrase(category="售后", title="退款", body="我的说法。", override_of="t1")
    own = team.add_phrase(category="我的", title="自己的", body="自己的话。")
    team.record_event("t1", UsageKind.PASTED, day=DAY)
    team.record_event(override.uid, UsageKind.PASTED, day=DAY)
    team.record_event(override.uid, UsageKind.CUSTOMISED, day=DAY)
    team.record_event(own.uid, UsageKind.PASTED, day=DAY)  # the agent's own phrase: theirs, not counted
    team.record_event("gone", UsageKind.PASTED, day=DAY)  # removed meanwhile: nothing to count it for
    team.record_guard_override("t2", [("不知道", "标准话术"), ("我的词", PERSONAL_LIBRARY)], day=DAY)
    team.record_miss("QQ 退货", day=DAY)
    team.record_miss("QQ 退货", day=DAY)
    assert team.daily_counts(DAY) == [
        ("customised", "t1", TEAM, "v7", 1),
        ("guard_overridden", "t2", TEAM, "v7", 1),
        ("guard_word", "不知道", "标准话术", "", 1),
        ("miss", "qq 退货", "", "", 2),
        ("pasted", "t1", TEAM, "v7", 2),
    ]
    assert team.daily_counts(DAY + timedelta(days=1)) == []


def test_counts_older_than_the_kept_days_are_dropped(team: Store) -> None:
    old = DAY - timedelta(days=REPORT_KEEP_DAYS + 1)
    team.record_event("t1", UsageKind.PASTED, day=old)
    team.record_event("t1", UsageKind.PASTED, day=DAY)
    assert team.daily_counts(old) == []
    assert team.daily_counts(DAY) == [("pasted", "t1", TEAM, "v7", 1)]


def test_a_version_change_starts_a_new_row(team: Store) -> None:
    team.record_event("t1", UsageKind.PASTED, day=DAY)
    team.replace_layer(Library(TEAM, LibraryKind.TEAM, version="v8"), [Phrase("t1", TEAM, "售后", "退款", "新的。")])
    team.record_event("t1", UsageKind.PASTED, day=DAY)
    assert [(c[0], c[3], c[4]) for c in team.daily_counts(DAY)] == [("pasted", "v7", 1), ("pasted", "v8", 1)]


def test_the_agent_is_the_工号_or_a_random_id_kept_once(team: Store) -> None:
    team.set_profile("工号", "KF-1024")
    team.set_profile("团队", "二组")
    report = build_report(team, DAY)
    assert report["agent"] == "KF-1024" and report["team"] == "二组" and report["day"] == "2026-12-01"
    anonymous = build_report(team, DAY, anonymous=True)["agent"]
    assert anonymous.startswith("anon-") and team.settings()[AGENT_ID_SETTING] == anonymous
    assert build_report(team, DAY, anonymous=True)["agent"] == anonymous
    team.set_profile("工号", "../../etc")  # cannot name a file: the random id instead
    assert build_report(team, DAY)["agent"] == anonymous


def test_the_report_has_its_schema_the_libraries_and_the_counts(team: Store, tmp_path: Path) -> None:
    team.set_profile("工号", "1024")
    team.record_event("t1", UsageKind.PASTED, day=DAY)
    team.record_event("t1", UsageKind.ABANDONED, day=DAY)
    name, data = render_report(team, DAY)
    assert name == "1024-2026-12-01.json"
    report = json.loads(data)
    assert report["schema"] == "palette.usage-report" and report["schema_version"] == 1
    assert {"name": TEAM, "kind": "team", "version": "v7"} in report["libraries"]
    assert all(lib["kind"] != "personal" for lib in report["libraries"])
    assert report["phrases"] == [{"uid": "t1", "library": TEAM, "version": "v7", "abandoned": 1, "pasted": 1}]
    (tmp_path / "share").mkdir()
    folder = report_target(str(tmp_path / "share"))
    assert save_report(folder / name, data).read_bytes() == data
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temp file left behind


def test_report_dir_must_be_a_folder_that_exists(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no report_dir set"):
        report_target("")
    with pytest.raises(ReportError, match="not a folder that exists"):
        report_target(str(tmp_path / "share-not-mounted"))
    assert not (tmp_path / "share-not-mounted").exists()

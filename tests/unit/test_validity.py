"""Validity dates: what a date cell may look like, the window rule, and that the palette's search follows
the calendar while the app runs (re-checked at the next query, not only at import)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from palette.core.library_io import parse_library
from palette.core.model import PERSONAL_LIBRARY, Library, LibraryKind, Phrase
from palette.core.search import SearchIndex
from palette.core.sources import fetch
from palette.core.store import Store, StoreError
from palette.core.team_library import apply_layer, team_layer
from palette.core.validity import (
    DateError,
    check_window,
    expires_within,
    in_window,
    parse_date,
    today,
    window_state,
)
from tests.library_files import write_xlsx

TEAM = "资费组"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-12-01", "2026-12-01"),
        ("2026/12/01", "2026-12-01"),
        ("2026/1/5", "2026-01-05"),
        ("2026.12.1", "2026-12-01"),
        ("2026年12月1日", "2026-12-01"),
        ("20261201", "2026-12-01"),
        ("2026-12-01 00:00:00", "2026-12-01"),
        ("2026-12-01T08:30", "2026-12-01"),
        ("46357", "2026-12-01"),  # a date cell's serial number, as a CSV saved from a number column gives it
        (" ", ""),
    ],
)
def test_dates_as_spreadsheets_give_them(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "明天", "12/01/2026", "1", "2026-12"])
def test_what_names_no_day_is_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


def test_the_window_includes_both_days() -> None:
    p = Phrase("u", TEAM, "c", "t", "b", valid_from="2026-12-01", valid_until="2026-12-31")
    assert [in_window(p, d) for d in ("2026-11-30", "2026-12-01", "2026-12-31", "2027-01-01")] == [
        False,
        True,
        True,
        False,
    ]
    assert window_state(p, "2026-11-30") == "upcoming" and window_state(p, "2027-01-01") == "expired"
    assert expires_within(p, "2026-12-24") and not expires_within(p, "2026-12-23")
    assert check_window("2026-12-31", "2026-12-01") is not None
    assert check_window("2026-12-1", "") is not None


def test_csv_dates_read_and_a_bad_one_is_a_row_warning(tmp_path: Path) -> None:
    path = tmp_path / "资费.csv"
    path.write_text(
        "编号,标题,内容,生效日期,失效日期\n"
        "1,旧套餐,旧套餐每月 58 元,,2026/12/31\n"
        "2,新套餐,新套餐每月 48 元,2027年1月1日,\n"
        "3,坏日期,日期写错了,2026-13-01,\n"
        "4,反了,失效在生效之前,2026-12-31,2026-12-01\n",
        encoding="utf-8",
    )
    data = parse_library(fetch(str(path)))
    assert [(p.uid, p.valid_from, p.valid_until) for p in data.phrases] == [
        ("1", "", "2026-12-31"),
        ("2", "2027-01-01", ""),
    ]
    assert len(data.warnings) == 2
    assert "row 4, column 生效日期" in data.warnings[0] and "row skipped" in data.warnings[0]
    assert "row 5, column 失效日期" in data.warnings[1]


def test_xlsx_real_date_cells_and_english_headers(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["id", "title", "body", "valid_from", "valid_until"],
        ["1", "年底活动", "年底活动正文", dt.datetime(2026, 12, 1), dt.date(2026, 12, 31)],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", {"话术": rows})
    (p,) = parse_library(fetch(str(path))).phrases
    assert (p.valid_from, p.valid_until) == ("2026-12-01", "2026-12-31")


def test_the_store_refuses_a_window_that_is_not_one(store: Store) -> None:
    with pytest.raises(StoreError, match="after"):
        store.add_phrase(category="c", title="t", body="b", valid_from="2026-12-31", valid_until="2026-12-01")
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        store.replace_layer(
            Library(TEAM, LibraryKind.TEAM), [Phrase(f"{TEAM}#1", TEAM, "c", "t", "b", valid_until="x")]
        )


def _day(iso: str) -> float:
    """A Unix time at noon local time of `iso`, for the search's clock."""
    return dt.datetime.fromisoformat(iso + "T12:00").timestamp()


@pytest.fixture
def dated(store: Store) -> Store:
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [
            Phrase(f"{TEAM}#old", TEAM, "资费", "旧资费", "旧资费每月 58 元", valid_until="2026-12-31"),
            Phrase(f"{TEAM}#new", TEAM, "资费", "新资费", "新资费每月 48 元", valid_from="2027-01-01", sort_order=1),
            Phrase(f"{TEAM}#any", TEAM, "资费", "资费说明", "资费以账单为准", sort_order=2),
        ],
    )
    return store


def found(index: SearchIndex, query: str = "资费") -> set[str]:
    """The titles the palette finds for `query` outside the standard library."""
    return {h.phrase.title for h in index.query(query, 50) if h.phrase.library in (TEAM, PERSONAL_LIBRARY)}


def test_the_palette_follows_the_calendar_while_it_runs(dated: Store) -> None:
    now = [_day("2026-12-31")]
    index = SearchIndex.from_store(dated, clock=lambda: now[0])
    assert found(index) == {"旧资费", "资费说明"}
    now[0] = _day("2027-01-01")  # midnight passed with the app open: the next open shows the new wording
    assert found(index) == {"新资费", "资费说明"}
    assert {p.title for p in dated.visible_phrases(day="2027-01-01") if p.library == TEAM} == {"新资费", "资费说明"}


def test_an_override_leaves_the_shelf_with_its_original(dated: Store) -> None:
    mine = dated.add_phrase(category="资费", title="我的旧资费", body="我的旧资费说法", override_of=f"{TEAM}#old")
    assert mine.uid in {p.uid for p in dated.visible_phrases(day="2026-12-31")}
    assert mine.uid not in {p.uid for p in dated.visible_phrases(day="2027-01-01")}
    now = [_day("2027-01-01")]
    index = SearchIndex.from_store(dated, clock=lambda: now[0])
    assert "我的旧资费" not in found(index)
    now[0] = _day("2026-12-30")
    assert "我的旧资费" in found(index)


def test_a_personal_phrase_expires_too(store: Store) -> None:
    p = store.add_phrase(category="c", title="限时活动", body="活动今天结束", valid_until="2026-12-01")
    assert p.library == PERSONAL_LIBRARY
    assert p.uid in {q.uid for q in store.visible_phrases(day="2026-12-01")}
    assert p.uid not in {q.uid for q in store.visible_phrases(day="2026-12-02")}
    assert today() == dt.date.today().isoformat()


def test_a_reimport_changing_only_the_dates_is_a_change(store: Store, tmp_path: Path) -> None:
    path = tmp_path / f"{TEAM}.csv"
    path.write_text("编号,内容\n1,正文\n", encoding="utf-8")
    apply_layer(store, team_layer(store, parse_library(fetch(str(path)))))
    path.write_text("编号,内容,失效日期\n1,正文,2026-12-31\n", encoding="utf-8")
    diff = apply_layer(store, team_layer(store, parse_library(fetch(str(path)))))
    assert diff.changed == (f"{TEAM}#1",)
    assert store.get(f"{TEAM}#1") == Phrase(f"{TEAM}#1", TEAM, "未分类", "正文", "正文", valid_until="2026-12-31")

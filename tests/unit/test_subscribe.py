"""Subscribed sources: applied only when their content changed, failures said once, URLs handled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from palette.core.library_io import DEFAULT_OPTIONS, LibraryFileError, ReadOptions
from palette.core.sources import fetch
from palette.core.store import Store
from palette.core.subscribe import (
    NoticeKind,
    SubscriptionChecker,
    fetch_subscription,
    subscribe,
    subscriptions,
    unsubscribe,
)
from palette.core.team_library import apply_layer, load_library, team_layer
from tests.library_files import HEADER, ROWS, XLSX_TYPE, Server, write_csv, write_xlsx
from tests.stored import stored


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def xlsx_bytes(tmp_path: Path, rows: list[list[str]]) -> bytes:
    return write_xlsx(tmp_path / "served.xlsx", {"话术": [HEADER, *rows]}).read_bytes()


def subscribed(store: Store, location: str, name: str = "一组", options: ReadOptions = DEFAULT_OPTIONS) -> None:
    apply_layer(store, team_layer(store, load_library(location, options, library=name)))
    subscribe(store, name, location, options)


# -- URLs -----------------------------------------------------------------------------------------


def test_url_import(server: Server, tmp_path: Path) -> None:
    server.routes["/share/%E4%B8%80%E7%BB%84.xlsx"] = (200, XLSX_TYPE, xlsx_bytes(tmp_path, ROWS), 0.0)
    data = load_library(server.url + "/share/%E4%B8%80%E7%BB%84.xlsx")
    assert data.name == "一组" and len(data.phrases) == 3


@pytest.mark.parametrize(
    ("route", "needle"),
    [
        ((200, "text/html; charset=utf-8", b"<html>please log in</html>", 0.0), "HTML page"),
        ((200, "application/octet-stream", b"<!DOCTYPE html><html></html>", 0.0), "HTML page"),
        ((404, "text/plain", b"gone", 0.0), "HTTP 404"),
        ((500, "text/plain", b"oops", 0.0), "HTTP 500"),
        ((200, XLSX_TYPE, b"PK\x03\x04 not really", 1.5), "within 0.5 s"),
    ],
)
def test_bad_urls_are_one_line(server: Server, route: tuple[int, str, bytes, float], needle: str) -> None:
    server.routes["/lib.xlsx"] = route
    with pytest.raises(LibraryFileError) as e:
        load_library(server.url + "/lib.xlsx", timeout=0.5)
    assert str(e.value).startswith(server.url + "/lib.xlsx: ") and needle in str(e.value)
    assert "\n" not in str(e.value)


def test_unreachable_server_and_odd_schemes() -> None:
    with pytest.raises(LibraryFileError, match="cannot reach the server"):
        fetch("http://127.0.0.1:9/lib.xlsx", timeout=2)
    with pytest.raises(LibraryFileError, match="unsupported address"):
        fetch("ftp://example.invalid/lib.xlsx")


# -- the checker ----------------------------------------------------------------------------------


def test_subscribe_stores_an_absolute_path_and_options(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(tmp_path / "team.csv", [["问题", "答复"], ["t", "b"]])
    monkeypatch.chdir(tmp_path)
    options = ReadOptions(mapping=(("问题", "title"), ("答复", "body")))
    subscribed(store, "team.csv", "一组", options)
    [sub] = subscriptions(store)
    assert (sub.library, sub.source, sub.options) == ("一组", str(tmp_path / "team.csv"), options)
    unsubscribe(store, "一组")
    assert subscriptions(store) == [] and store.phrases(library="一组")


def test_unchanged_source_is_not_applied(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS])
    subscribed(store, str(path))
    checker = SubscriptionChecker(store)
    before = store.dump()
    assert checker.check_all() == []
    write_csv(path, [HEADER, *ROWS], encoding="gb18030")  # other bytes, same content
    assert checker.check_all() == []
    assert store.dump() == before


def test_changed_source_is_applied_once_with_its_summary(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS])
    subscribed(store, str(path))
    store.set_flags("一组#1001", pinned=True)
    checker = SubscriptionChecker(store)
    write_csv(path, [HEADER, ROWS[0], ["1002", "投诉处理", "升级", "新的正文", "ts2", ""]])
    [notice] = checker.check_all()
    assert notice.kind is NoticeKind.UPDATED and notice.library == "一组"
    assert notice.diff is not None and (notice.diff.changed, notice.diff.removed) == (("一组#1002",), ("一组#1003",))
    assert stored(store, "一组#1001").pinned
    assert checker.check_all() == []


def test_options_are_used_on_every_check(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [["问题", "答复"], ["t", "b"]])
    subscribed(store, str(path), options=ReadOptions(mapping=(("问题", "title"), ("答复", "body"))))
    write_csv(path, [["问题", "答复"], ["t", "b2"]])
    [notice] = SubscriptionChecker(store).check_all()
    assert notice.kind is NoticeKind.UPDATED and store.phrases(library="一组")[0].body == "b2"


def test_unreachable_source_keeps_the_last_good_copy_and_says_so_once(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS])
    subscribed(store, str(path))
    checker = SubscriptionChecker(store)
    before = store.dump()
    path.unlink()
    [notice] = checker.check_all()
    assert notice.kind is NoticeKind.UNREACHABLE and "no such file" in notice.message
    assert checker.check_all() == [] and checker.check_all() == []
    assert store.dump() == before
    write_csv(path, [HEADER, *ROWS[:2]])
    [back] = checker.check_all()
    assert back.kind is NoticeKind.UPDATED and back.diff is not None and back.diff.removed == ("一组#1003",)
    path.unlink()
    assert [n.kind for n in checker.check_all()] == [NoticeKind.UNREACHABLE]  # a new streak is said again


def test_a_broken_source_keeps_the_last_good_copy_and_says_so_once(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS])
    subscribed(store, str(path))
    checker = SubscriptionChecker(store)
    before = store.dump()
    write_csv(path, [HEADER, ROWS[0], ROWS[0]])  # a duplicate id
    [notice] = checker.check_all()
    assert notice.kind is NoticeKind.INVALID and "repeats" in notice.message
    assert checker.check_all() == []
    assert store.dump() == before


def test_url_subscription(store: Store, server: Server, tmp_path: Path) -> None:
    url = server.url + "/team.xlsx"
    server.routes["/team.xlsx"] = (200, XLSX_TYPE, xlsx_bytes(tmp_path, ROWS), 0.0)
    subscribed(store, url)
    checker = SubscriptionChecker(store, timeout=2)
    assert checker.check_all() == []
    server.routes["/team.xlsx"] = (200, "text/html", b"<html>login</html>", 0.0)
    assert [n.kind for n in checker.check_all()] == [NoticeKind.UNREACHABLE]
    server.routes["/team.xlsx"] = (200, XLSX_TYPE, xlsx_bytes(tmp_path, ROWS[:1]), 0.0)
    [notice] = checker.check_all()
    assert notice.kind is NoticeKind.UPDATED and len(store.phrases(library="一组")) == 1


def test_a_fetch_that_finishes_after_unsubscribing_is_dropped(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS])
    subscribed(store, str(path))
    checker = SubscriptionChecker(store)
    [(sub, digest)] = checker.pending()
    write_csv(path, [HEADER, ROWS[0]])
    fetched = fetch_subscription(sub, digest)
    unsubscribe(store, "一组")
    assert checker.apply(fetched) is None and len(store.phrases(library="一组")) == 3

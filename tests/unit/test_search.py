"""The search engine: what each kind of query finds, ranking, spans, usage, and keeping up with the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Unpack

import pytest

from palette.cli import main
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Library, LibraryKind, Phrase, Usage
from palette.core.search import IndexSource, MatchKind, PreparedIndex, SearchIndex, tags_text
from palette.core.standard import source_data
from palette.core.store import NEXT_PHRASE_WINDOW_S, Store
from tests.phrases import PhraseFields

STANDARD = source_data().phrases
TEAM = Library("客服一组", LibraryKind.TEAM, source="/share/team.xlsx")
T0 = 1_750_000_000.0  # a fixed "now" for usage tests


@pytest.fixture(scope="module")
def std() -> SearchIndex:
    return SearchIndex.from_phrases(STANDARD, libraries=[STANDARD_LIBRARY], clock=lambda: T0)


def uids(index: SearchIndex, query: str, limit: int = 10) -> list[str]:
    return [h.phrase.uid for h in index.query(query, limit)]


def phrase(uid: str, title: str, body: str = "正文", category: str = "测试", **kw: Unpack[PhraseFields]) -> Phrase:
    return Phrase(uid=uid, library=TEAM.name, category=category, title=title, body=body, **kw)


# -- the "done when" ------------------------------------------------------------------------


def test_cli_nh_puts_the_seed_greeting_first(home: Path) -> None:
    env = {**os.environ, "PALETTE_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-m", "palette", "search", "nh", "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0]["uid"] == "std-open-phone"
    keys = {"uid", "library", "category", "title", "body", "shortcut", "score", "rendered", "missing", "images", "send"}
    assert set(rows[0]) == keys | {"team_updated", "valid_until"}
    assert (rows[0]["images"], rows[0]["send"]) == ([], "never")


@pytest.mark.parametrize("query", ["tousu", "ts", "投述"])
def test_complaint_queries_put_a_complaint_phrase_first(
    home: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    assert main(["search", query, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["category"] == "投诉处理"


def test_huankuan_finds_the_repayment_phrase_though_pypinyin_reads_hai(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "huankuan", "--json"]) == 0
    assert "还款" in json.loads(capsys.readouterr().out)[0]["title"]


# -- kinds of query, on the standard library ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first", "kind"),
    [
        ("kc1", "std-open-phone", MatchKind.SHORTCUT),
        ("KC1", "std-open-phone", MatchKind.SHORTCUT),
        ("ｋｃ１", "std-open-phone", MatchKind.SHORTCUT),
        ("jsy", "std-bye-phone", MatchKind.TEXT),  # a shortcut's beginning: the first of them
        ("稍等", "std-hold-verify", MatchKind.TEXT),
        ("宽带装机", "std-consult-install", MatchKind.TEXT),
        ("kuandaiz", "std-consult-install", MatchKind.PINYIN),  # unfinished last syllable
        ("shaoh", "std-hold-query", MatchKind.PINYIN),
        ("kdbz", "std-consult-broadband", MatchKind.INITIALS),
        ("nh", "std-open-phone", MatchKind.INITIALS),
        ("5G套餐", "std-plan-5g", MatchKind.TEXT),
        ("5gtc", "std-plan-5g", MatchKind.INITIALS),
        ("wifi断", "std-fault-wifi", MatchKind.TEXT),
        ("ＷｉＦｉ", "std-fault-wifi", MatchKind.TEXT),
        ("宽带预约", "std-consult-install", MatchKind.SCATTERED),
        ("kuandaiyuyue", "std-consult-install", MatchKind.SCATTERED),
        ("受理投述", "std-complaint-accept", MatchKind.TYPO),  # 述 for 诉 (shu/su)
        ("携号转往", "std-consult-port", MatchKind.TYPO),  # a homophone
        ("停保号", "std-consult-suspend", MatchKind.TYPO),  # a character missing
        ("xiehaozhaunwang", "std-consult-port", MatchKind.TYPO),  # two letters swapped
        ("tingjibaohaoo", "std-consult-suspend", MatchKind.TYPO),  # one letter extra
        ("guangmaocongqi", "std-fault-modem-restart", MatchKind.TYPO),  # c for ch
    ],
)
def test_kinds_of_query(std: SearchIndex, query: str, first: str, kind: MatchKind) -> None:
    hit = std.query(query, 5)[0]
    assert (hit.phrase.uid, hit.kind) == (first, kind)


def test_every_word_must_match(std: SearchIndex) -> None:
    assert uids(std, "结束 晚上")[0] == "std-bye-evening"
    assert uids(std, "结束 火星") == []


def test_category_filter(std: SearchIndex) -> None:
    assert uids(std, "#投诉 升级")[0] == "std-complaint-escalate"
    assert uids(std, "＃tousu shengji")[0] == "std-complaint-escalate"
    only = std.query("#ts", 50)
    assert only and {h.phrase.category for h in only} == {"投诉处理"}
    assert [h.kind for h in only] == [MatchKind.LIBRARY] * len(only)
    assert uids(std, "#火星") == []


def test_shortcut_beats_everything_and_exact_beats_kinds_below(std: SearchIndex) -> None:
    hits = std.query("ts", 10)
    assert [h.phrase.shortcut for h in hits[:5]] == ["ts1", "ts2", "ts3", "ts4", "ts5"]
    kinds = [h.kind for h in std.query("kuandai", 20)]
    assert kinds == sorted(kinds, key=[MatchKind.TEXT, MatchKind.PINYIN, MatchKind.INITIALS].index)


def test_title_beats_body_and_start_beats_inside() -> None:
    index = SearchIndex.from_phrases(
        [
            phrase("body", "别的", "请您稍等一下"),
            phrase("inside", "核实请稍等"),
            phrase("start", "稍等片刻"),
        ]
    )
    assert uids(index, "稍等") == ["start", "inside", "body"]


def test_ties_go_to_library_order() -> None:
    same = [phrase(f"p{i}", "稍等", sort_order=i) for i in (3, 1, 2)]
    assert uids(SearchIndex.from_phrases(same), "shaodeng") == ["p1", "p2", "p3"]


def test_results_are_deterministic(std: SearchIndex) -> None:
    for q in ("k", "nh", "tousu", "kuandia", "宽带预约"):
        assert std.query(q) == std.query(q)


# -- heteronyms ------------------------------------------------------------------------------------


def test_every_reading_matches_and_the_context_reading_ranks_higher() -> None:
    index = SearchIndex.from_phrases([phrase("again", "重新办理"), phrase("centre", "中心地址", sort_order=1)])
    # 重 reads zhong alone, chong in 重新: typed zhongxin it still matches 重新, below 中心
    assert uids(index, "zhongxin") == ["centre", "again"]
    assert uids(index, "chongxin") == ["again"]
    assert uids(index, "cx") == ["again"]


def test_a_reading_the_dictionary_does_not_give_still_matches() -> None:
    index = SearchIndex.from_phrases([phrase("bank", "银行卡还款"), phrase("still", "还有问题", sort_order=1)])
    assert uids(index, "huankuan") == ["bank"]
    assert uids(index, "hk") == ["bank"]
    assert uids(index, "haiyou") == ["still"]
    assert uids(index, "yinhang")[0] == "bank"


# -- spans -----------------------------------------------------------------------------------------


def test_spans_mark_the_characters_pinyin_and_initials_matched(std: SearchIndex) -> None:
    hit = std.query("huankuan", 1)[0]
    assert hit.phrase.title[slice(*hit.spans["title"][0])] == "还款"
    hit = std.query("nh", 1)[0]
    assert hit.spans["body"][0] == (0, 2)
    hit = std.query("kc1", 1)[0]
    assert hit.spans["shortcut"] == ((0, 3),)


def test_tag_spans_index_the_joined_tags(std: SearchIndex) -> None:
    hit = std.query("晚上", 1)[0]
    text = tags_text(hit.phrase)
    assert any(text[a:b] == "晚上" for a, b in hit.spans["tags"])


def test_scattered_spans_mark_each_piece(std: SearchIndex) -> None:
    hit = std.query("宽带预约", 1)[0]
    assert [hit.phrase.title[a:b] for a, b in hit.spans["title"]] == ["宽带", "预约"]


def test_spans_are_in_the_raw_text_when_folding_changes_lengths() -> None:
    index = SearchIndex.from_phrases([phrase("m2", "面积㎡说明（ＷｉＦｉ）")])  # ㎡ folds to two characters
    hit = index.query("wifi", 1)[0]
    a, b = hit.spans["title"][0]
    assert hit.phrase.title[a:b] == "ＷｉＦｉ"
    hit = index.query("m2", 1)[0]
    assert hit.phrase.title[slice(*hit.spans["title"][0])] == "㎡"


# -- usage, pins and the empty query -----------------------------------------------------------------


def test_usage_reorders_equal_matches_but_never_beats_a_better_kind() -> None:
    phrases = [
        phrase("a", "稍等片刻", sort_order=0),
        phrase("b", "稍等一下", sort_order=1),
        phrase("c", "请您", body="收到稍后答复", sort_order=2),
    ]
    usage = {"b": Usage("b", 5, T0, 5.0), "c": Usage("c", 50, T0, 50.0)}
    index = SearchIndex.from_phrases(phrases, usage=usage, clock=lambda: T0)
    assert uids(index, "稍等") == ["b", "a"]
    assert uids(index, "sd")[:2] == ["b", "a"]  # initials in titles beat a much-used body match


def test_frecency_decays_with_time() -> None:
    phrases = [phrase("old", "稍等片刻"), phrase("new", "稍等一下", sort_order=1)]
    usage = {"old": Usage("old", 20, T0 - 60 * 86400, 20.0), "new": Usage("new", 2, T0, 2.0)}
    now = [T0 - 60 * 86400]
    index = SearchIndex.from_phrases(phrases, usage=usage, clock=lambda: now[0])
    usage_then = {"old": Usage("old", 20, T0 - 60 * 86400, 20.0)}
    index_then = SearchIndex.from_phrases(phrases, usage=usage_then, clock=lambda: now[0])
    assert uids(index_then, "稍等")[0] == "old"
    now[0] = T0
    assert uids(index, "稍等")[0] == "new"  # 20 uses two months ago weigh less than 2 today


def test_empty_query_lists_pinned_then_next_then_frecent_then_library() -> None:
    phrases = [phrase(f"p{i}", f"标题{i}", sort_order=i, pinned=i == 4) for i in range(6)]
    usage = {"p2": Usage("p2", 3, T0 - 100, 3.0), "p3": Usage("p3", 9, T0 - 50, 9.0)}
    index = SearchIndex.from_phrases(
        phrases, usage=usage, transitions={"p3": {"p1": 4, "p5": 1}}, last_used=("p3", T0 - 50), clock=lambda: T0
    )
    hits = index.query("", 10)
    assert [h.phrase.uid for h in hits] == ["p4", "p1", "p5", "p3", "p2", "p0"]
    assert [h.kind for h in hits[:4]] == [MatchKind.PINNED, MatchKind.NEXT, MatchKind.NEXT, MatchKind.FRECENT]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    later = SearchIndex.from_phrases(
        phrases,
        usage=usage,
        transitions={"p3": {"p1": 4}},
        last_used=("p3", T0 - 50),
        clock=lambda: T0 + NEXT_PHRASE_WINDOW_S,
    )
    assert MatchKind.NEXT not in {h.kind for h in later.query("", 10)}  # the conversation is over


# -- keeping up with the store ------------------------------------------------------------------------


@pytest.fixture
def live(store: Store) -> Iterator[tuple[Store, SearchIndex]]:
    index = SearchIndex(store, clock=lambda: T0)
    index.rebuild()
    yield store, index


def fresh(store: Store) -> SearchIndex:
    index = SearchIndex(store, clock=lambda: T0)
    index.rebuild()
    return index


QUERIES = ("稍等", "kuandai", "nh", "ts", "宽带预约", "我的", "wodeduanyu", "", "#投诉", "tiaozheng")


def same_as_fresh(store: Store, index: SearchIndex) -> None:
    again = fresh(store)
    for q in QUERIES:
        assert index.query(q, 30) == again.query(q, 30), q


def test_edits_update_the_index_in_place(live: tuple[Store, SearchIndex]) -> None:
    store, index = live
    before = index._state
    mine = store.add_phrase(category="我的", title="我的短语", body="调整后的内容", shortcut="wd1")
    assert uids(index, "wd1") == [mine.uid]
    store.update_phrase(mine.uid, title="我的新短语", body="另一段内容")
    assert uids(index, "wodexin")[0] == mine.uid
    assert uids(index, "tiaozheng") == []
    same_as_fresh(store, index)
    store.delete_phrase(mine.uid)
    assert uids(index, "wd1") == []
    assert index._state is before  # no rebuild for these
    same_as_fresh(store, index)


def test_overrides_hidden_and_pinned_phrases(live: tuple[Store, SearchIndex]) -> None:
    store, index = live
    own = store.add_phrase(
        category="问候与开场", title="我的开场", body="您好,这里是我改过的开场", override_of="std-open-phone"
    )
    assert uids(index, "wodekaichang")[0] == own.uid
    assert uids(index, "kc1") == []  # the override replaced the phrase, shortcut and all
    assert "std-open-phone" not in uids(index, "电话标准开场", 30)
    same_as_fresh(store, index)
    store.set_flags("std-hold-verify", hidden=True)
    assert "std-hold-verify" not in uids(index, "稍等", 30)
    store.set_flags("std-hold-verify", hidden=False)
    assert uids(index, "稍等")[0] == "std-hold-verify"
    store.set_flags("std-bye-weekend", pinned=True)
    assert index.query("", 1)[0].phrase.uid == "std-bye-weekend"
    same_as_fresh(store, index)
    store.delete_phrase(own.uid)
    assert uids(index, "kc1") == ["std-open-phone"]
    same_as_fresh(store, index)


def test_team_library_import_and_removal(live: tuple[Store, SearchIndex]) -> None:
    store, index = live
    team = [phrase(f"t{i}", f"宽带提速{i}", "提速后请重启光猫", sort_order=i) for i in range(3)]
    store.replace_layer(TEAM, team)
    assert uids(index, "kdts")[:3] == ["t0", "t1", "t2"]
    store.replace_layer(TEAM, [team[0], phrase("t9", "新的调整说明", sort_order=9)])
    assert [u for u in uids(index, "宽带提速") if u.startswith("t")] == ["t0"]
    same_as_fresh(store, index)
    store.remove_library(TEAM.name)
    assert not [u for u in uids(index, "宽带提速") if u.startswith("t")]
    same_as_fresh(store, index)


def test_usage_updates_frecency_and_next_phrase(live: tuple[Store, SearchIndex]) -> None:
    store, index = live
    store.record_use("std-open-phone", now=T0 - 30)
    store.record_use("std-verify-owner", now=T0 - 20)
    store.record_use("std-open-phone", now=T0 - 10)
    hits = index.query("", 3)
    assert hits[0].phrase.uid == "std-verify-owner" and hits[0].kind is MatchKind.NEXT
    assert hits[1].phrase.uid == "std-open-phone" and hits[1].kind is MatchKind.FRECENT
    same_as_fresh(store, index)


def test_building_on_a_worker_thread_keeps_changes_made_meanwhile(store: Store) -> None:
    index = SearchIndex(store, clock=lambda: T0)
    assert index.query("稍等") == [] and not index.ready
    source = index.snapshot()
    prepared: list[PreparedIndex] = []
    worker = threading.Thread(target=lambda: prepared.append(SearchIndex.prepare(source)))
    worker.start()
    mine = store.add_phrase(category="我的", title="线程里加的", body="内容")  # while the worker builds
    worker.join()
    index.install(prepared[0])
    assert uids(index, "xianchengli") == [mine.uid]
    same_as_fresh(store, index)


def test_typing_on_gives_what_a_fresh_query_gives(std: SearchIndex) -> None:
    for query in ("kuandaizhuangji", "tousujindu", "宽带装机预约", "jsy3", "tingjibaohao xiangqing"):
        for n in range(1, len(query) + 1):
            typed = std.query(query[:n])
            assert std._state is not None
            std._state.last = None
            assert typed == std.query(query[:n]), query[:n]


def test_index_source_reads_placement_of_overrides(store: Store) -> None:
    store.add_phrase(category="感谢与道别", title="改过的结束语", body="谢谢", override_of="std-bye-phone")
    source = IndexSource.from_store(store)
    own = next(p for p in source.phrases if p.override_of == "std-bye-phone")
    original = next(p for p in STANDARD if p.uid == "std-bye-phone")
    assert source.placed[own.uid] == (STANDARD_LIBRARY, original.sort_order)
    assert PERSONAL_LIBRARY in source.libraries


# -- start-up ----------------------------------------------------------------------------------------


def test_building_an_index_does_not_import_pypinyin(home: Path) -> None:
    code = (
        "import sys\n"
        "from palette.core.standard import source_data\n"
        "from palette.core.search import SearchIndex\n"
        "index = SearchIndex.from_phrases(source_data().phrases)\n"
        "assert index.query('huankuan')\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_unknown_categories_names_the_hash_words_that_match_no_category(std: SearchIndex) -> None:
    assert std.unknown_categories("#投诉 升级") == []
    assert std.unknown_categories("#ts") == []
    assert std.unknown_categories("#不存在的分类 nh") == ["不存在的分类"]
    assert std.unknown_categories("nh") == []


# -- issue 14: the typed form, mixed words, layers, noise, long input ----------------------------------


def _with_team(*team: Phrase) -> SearchIndex:
    return SearchIndex.from_phrases([*STANDARD, *team], libraries=[STANDARD_LIBRARY, TEAM.name], clock=lambda: T0)


@pytest.mark.parametrize(
    "code", ["mine1", "cancel", "online", "query", "router", "morning", "line1", "xian1", "huifang2"]
)
def test_a_code_with_many_pinyin_readings_is_found_as_typed(code: str) -> None:
    index = _with_team(phrase("t1", "核对身份", shortcut=code))
    assert uids(index, code)[:1] == ["t1"]
    assert "t1" in uids(index, code[:-1], 3)  # and while it is being typed


def test_a_code_prefix_is_not_lost_behind_the_scan_cap() -> None:
    index = _with_team(phrase("t1", "收尾", shortcut="sh1"), phrase("t2", "还款", shortcut="huan"))
    assert uids(index, "sh", 3)[0] == "t1"
    assert uids(index, "hua", 3)[0] == "t2"


def test_the_team_code_beats_the_standard_one() -> None:
    index = _with_team(phrase("t1", "团队开场", shortcut="kc1"))
    hits = index.query("kc1")
    assert [h.phrase.uid for h in hits[:2]] == ["t1", "std-open-phone"]
    assert {h.kind for h in hits[:2]} == {MatchKind.SHORTCUT}


def test_english_words_and_mixed_words_in_phrase_text() -> None:
    index = _with_team(phrase("t1", "Mesh组网"), phrase("t2", "宽带VIP专线"), phrase("t3", "SIM卡 补卡"))
    assert uids(index, "mesh")[:1] == ["t1"]
    assert uids(index, "kdvipzx")[:1] == ["t2"]
    assert uids(index, "sim补卡")[:1] == ["t3"]
    assert uids(index, "5g套餐")[:1] == ["std-plan-5g"]


@pytest.mark.parametrize("query", ["？", "?", "，。！", "...", "? ！"])
def test_punctuation_alone_finds_nothing(std: SearchIndex, query: str) -> None:
    assert std.query(query) == []


@pytest.mark.parametrize("query", ["宽带" * 20_000, "a" * 100_000, "ab cd " * 20_000, "您好" * 100 + "kuandai"])
def test_a_long_paste_is_searched_as_a_literal(std: SearchIndex, query: str) -> None:
    assert std.query(query) == []  # longer than any field: no recursion, no fallbacks, nothing found


def test_a_paste_that_is_a_phrase_finds_it(std: SearchIndex) -> None:
    body = next(p for p in STANDARD if len(p.body) > 80)
    assert uids(std, body.body)[:1] == [body.uid]

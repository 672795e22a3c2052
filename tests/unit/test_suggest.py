"""palette.core.suggest against a real store: matching, why, confidence, learning, following changes."""

from __future__ import annotations

import subprocess
import sys

from palette.core.library_io import LibraryData
from palette.core.model import Phrase
from palette.core.store import Store, StoreChange
from palette.core.suggest import Suggester, SuggestSource, build_suggester
from palette.core.team_library import apply_layer, library_data, team_layer
from tests.stored import stored

FAULTS = {"std-fault-ask", "std-fault-ticket", "std-fault-visit", "std-fault-area", "std-fault-line"}


def team(name: str = "一组", synonyms: tuple[tuple[str, ...], ...] = ()) -> LibraryData:
    phrases = (
        Phrase(
            uid="tv",
            library=name,
            category="电视",
            title="机顶盒重启",
            body="请您把机顶盒断电一分钟后再打开。",
            questions=("电视打不开", "看不了电视"),
            keywords=("机顶盒",),
        ),
        Phrase(uid="gift", library=name, category="活动", title="老用户礼包", body="老用户可以领取一份流量礼包。"),
    )
    return LibraryData(name, "1", phrases, synonyms=synonyms)


def test_the_issue_message_puts_a_broadband_fault_phrase_first(store: Store) -> None:
    found = build_suggester(store).suggest("你好，我家宽带从昨天晚上开始就一直掉线，你们到底什么时候能派人来修？")
    assert found[0].uid in FAULTS and found[0].confident


def test_why_holds_substrings_of_the_message_in_its_order(store: Store) -> None:
    message = "ＷｉＦｉ老是断，宽带一直掉线"  # full-width letters: the why is still what the customer wrote
    found = build_suggester(store).suggest(message)
    why = found[0].why
    assert why and all(w in message for w in why)
    assert [message.index(w) for w in why] == sorted(message.index(w) for w in why)


def test_small_talk_and_empty_messages_get_nothing(store: Store) -> None:
    suggester = build_suggester(store)
    for message in ("你好", "在吗", "好的", "", "   ", "？？", "嗯嗯，稍等一下"):
        assert suggester.suggest(message) == []
    assert suggester.suggest("宽带断网了", limit=0) == []


def test_confident_hits_come_first(store: Store) -> None:
    found = build_suggester(store).suggest("宽带一直掉线什么时候能修好", limit=10)
    flags = [s.confident for s in found]
    assert flags[0] and flags == sorted(flags, reverse=True)


def test_an_angry_message_raises_a_soothing_phrase(store: Store) -> None:
    found = build_suggester(store).suggest("什么破网，又断了，太过分了")
    categories = [stored(store, s.uid).category for s in found[:2]]
    assert "安抚与致歉" in categories or "投诉处理" in categories
    soothing = next(s for s in found[:2] if stored(store, s.uid).category in ("安抚与致歉", "投诉处理"))
    assert soothing.confident and "太过分" in "".join(soothing.why)


def test_a_homophone_typo_still_finds_the_word(store: Store) -> None:
    assert build_suggester(store).suggest("宽待断网了")[0].uid in FAULTS


def test_team_questions_keywords_and_synonyms_are_matched(store: Store) -> None:
    apply_layer(store, team_layer(store, team(synonyms=(("机顶盒", "盒子"),))))
    suggester = build_suggester(store)
    assert suggester.suggest("电视打不开了怎么办")[0].uid == "一组#tv"  # a 客户问法
    assert suggester.suggest("盒子坏了")[0].uid == "一组#tv"  # the team's own synonym of its keyword


def test_synonyms_round_trip_through_the_store_and_go_with_the_library(store: Store) -> None:
    apply_layer(store, team_layer(store, team(synonyms=(("机顶盒", "盒子"), ("礼包", "赠品")))))
    back = library_data(store, "一组")
    assert back.synonyms == (("机顶盒", "盒子"), ("礼包", "赠品"))
    assert next(p for p in back.phrases if p.uid == "tv").questions == ("电视打不开", "看不了电视")
    store.remove_library("一组")
    assert store.synonym_groups() == []


def test_learning_counts_index_words_only_and_resets_with_usage(store: Store) -> None:
    suggester = build_suggester(store)
    message = "张三13812345678说宽带掉线"
    for _ in range(3):
        suggester.learn(store, message, "std-fault-ticket")
    pairs = store.learned_pairs()
    assert pairs and all(counts == {"std-fault-ticket": 3} for counts in pairs.values())
    assert all(w not in ("张三", "13812345678") and "1381" not in w for w in pairs)  # no customer data
    assert "宽带" in pairs
    dump = "\n".join(store.dump())
    assert message not in dump and "13812345678" not in dump
    assert build_suggester(store).suggest("宽带掉线")[0].uid == "std-fault-ticket"  # learned wins
    store.record_use("std-fault-ticket")
    store.reset_usage()
    assert store.learned_pairs() == {} and store.usage() == {}


def test_apply_follows_phrase_changes_and_pastes(store: Store) -> None:
    suggester = build_suggester(store)
    remove = store.listen(lambda change: suggester.apply(change, store))
    try:
        assert not any(s.uid == "一组#gift" for s in suggester.suggest("老用户有什么礼包"))
        apply_layer(store, team_layer(store, team()))
        assert suggester.suggest("老用户有什么礼包")[0].uid == "一组#gift"
        store.count_pairs(["宽带"], "std-fault-visit")  # another Palette learning: a usage change
        assert suggester.learned["宽带"] == {"std-fault-visit": 1}
        suggester.learn(store, "宽带又掉线了", "std-fault-visit")  # its own, told again by the store
        assert (
            suggester.learned["宽带"]
            == {"std-fault-visit": 2}
            == {"std-fault-visit": store.learned_for("std-fault-visit")["宽带"]}
        )
        store.reset_usage()
        assert all(not counts for counts in suggester.learned.values())
        store.remove_library("一组")
        assert all(s.uid != "一组#gift" for s in suggester.suggest("老用户有什么礼包"))
    finally:
        remove()
    assert not suggester.stale


def test_an_override_keeps_the_original_uid_slot_and_its_questions(store: Store) -> None:
    apply_layer(store, team_layer(store, team()))
    mine = store.add_phrase(category="电视", title="我的机顶盒话术", body="您先重启一下机顶盒。", override_of="一组#tv")
    found = build_suggester(store).suggest("电视打不开")
    assert found[0].uid == mine.uid  # the visible phrase, as search hits name it


def test_a_huge_message_is_bounded(store: Store) -> None:
    suggester = build_suggester(store)
    found = suggester.suggest("啊" * 200_000 + "宽带断网了什么时候修")
    assert found and found[0].uid in FAULTS


def test_a_changed_store_marks_a_big_suggester_stale() -> None:
    phrases = [Phrase(uid=f"p{i}", library="x", category="c", title=f"t{i}", body="宽带") for i in range(1_001)]
    suggester = Suggester.build(SuggestSource(phrases))
    suggester.apply(StoreChange(libraries=["x"]), store=None)  # type: ignore[arg-type]  # not read when stale
    assert suggester.stale


def test_the_segmenter_is_not_imported_with_the_package() -> None:
    code = "import palette.core.suggest, sys; print('rjieba' in sys.modules, 'rapidfuzz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_shipped_synonym_table_has_150_groups_and_the_issue_s_words() -> None:
    from palette.core.suggest.synonyms import Synonyms, shipped_groups

    groups = shipped_groups()
    assert len(groups) >= 150 and all(len(g) >= 2 for g in groups)
    table = Synonyms(groups)
    for words in (("掉线", "断网", "连不上", "上不了网"), ("扣费", "扣钱", "多收钱"), ("套餐", "资费")):
        assert set.intersection(*(table.of(w) for w in words)), words

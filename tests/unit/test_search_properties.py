"""Invariants of search over the standard library plus a generated team library whose shortcut codes
come in every style real teams use (English words, digits, pinyin syllables, initials, mixtures):
a code typed whole finds its phrase first (the nearer layer's when two layers share it), two keys
of a code no other code begins with find it in the top 3, and typing key by key gives what typing
at once gives."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Phrase
from palette.core.search import SearchIndex
from palette.core.search.codes import fold
from palette.core.standard import source_data

STANDARD = source_data().phrases
TEAM = "客服二组"
LIBRARIES = [STANDARD_LIBRARY, TEAM, PERSONAL_LIBRARY]
ENGLISH = (
    "cancel", "online", "query", "router", "morning", "hello", "sorry", "thanks", "refund", "wifi", "mesh",
    "vip", "sim", "check", "bye", "welcome", "ok", "open", "close", "reset", "login", "signal", "modem", "line",
    "mine", "order", "bill", "tv", "call", "back", "hold", "iptv", "esim", "app", "fee", "plan", "a", "no",
)  # fmt: skip
SYLLABLES = (
    "xian", "hui", "fang", "kuan", "dai", "tao", "can", "hua", "fei", "liu", "liang", "tou", "su", "qu", "xiao",
    "ban", "li", "cha", "xun", "zhang", "dan", "shou", "hou", "wei", "xiu", "an", "zhuang", "ji", "ma", "ni",
    "hao", "zai", "jian", "deng", "shao", "mi", "ne", "huan", "sh", "zh", "ch", "e", "ou",
)  # fmt: skip
INITIALS = "bcdfghjklmnpqrstwxyz"
STANDARD_CODES = sorted({fold(p.shortcut) for p in STANDARD if p.shortcut})

digits = st.integers(0, 120).map(str)
english = st.sampled_from(ENGLISH)
syllables = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map("".join)
initials = st.text(INITIALS, min_size=2, max_size=4)
code = st.one_of(
    english,
    st.tuples(english, digits).map("".join),
    syllables,
    st.tuples(syllables, digits).map("".join),
    initials,
    st.tuples(initials, digits).map("".join),
    digits,
    st.tuples(st.sampled_from(("5g", "4g", "vip", "sim", "tv")), initials).map("".join),
    st.tuples(english, syllables).map("".join),
    english.map(str.upper),
    st.sampled_from(STANDARD_CODES),  # a team's code that the standard library also uses
)
SUFFIXES = ("", "（团队版）", "说明", " Mesh组网", "VIP专线", "二线", "SIM卡", "")


@st.composite
def team_library(draw: st.DrawFn) -> list[Phrase]:
    codes = draw(st.lists(code, min_size=5, max_size=40, unique_by=fold))
    out = []
    for i, c in enumerate(codes):
        base = STANDARD[draw(st.integers(0, len(STANDARD) - 1))]
        title = base.title + draw(st.sampled_from(SUFFIXES))
        library = PERSONAL_LIBRARY if i % 9 == 8 else TEAM
        out.append(Phrase(f"g{i}", library, "团队-" + base.category, title, base.body, c, base.tags, sort_order=i))
    return out


def _index(team: list[Phrase]) -> SearchIndex:
    return SearchIndex.from_phrases([*STANDARD, *team], libraries=LIBRARIES, clock=lambda: 0.0)


def _layer(p: Phrase) -> int:
    return 0 if p.library == PERSONAL_LIBRARY else 2 if p.library == STANDARD_LIBRARY else 1


def _by_code(phrases: list[Phrase]) -> dict[str, list[Phrase]]:
    out: dict[str, list[Phrase]] = {}
    for p in phrases:
        if p.shortcut:
            out.setdefault(fold(p.shortcut), []).append(p)
    return out


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(team_library())
def test_every_code_typed_whole_finds_its_phrase_first(team: list[Phrase]) -> None:
    index = _index(team)
    for c, owners in _by_code([*STANDARD, *team]).items():
        nearest = min(_layer(p) for p in owners)
        for typed in {c, c.upper()}:
            hits = index.query(typed, 5)
            assert hits, typed
            top = hits[0].phrase
            assert fold(top.shortcut) == c and _layer(top) == nearest, (typed, top.shortcut, top.library)


@PROPERTY
@given(team_library())
def test_two_keys_of_a_code_find_it_in_the_top_3(team: list[Phrase]) -> None:
    """For every code longer than two keys whose first two no other code shares."""
    index = _index(team)
    codes = _by_code([*STANDARD, *team])
    for c, owners in codes.items():
        prefix = c[:2]
        if len(c) <= 2 or len(owners) > 1 or sum(k.startswith(prefix) for k in codes) > 1:
            continue
        got = [h.phrase.uid for h in index.query(prefix, 3)]
        assert owners[0].uid in got, (prefix, c, [h.phrase.shortcut or h.phrase.title for h in index.query(prefix, 3)])


def _queries(team: list[Phrase]) -> Iterator[str]:
    """What agents type: codes, Chinese words of titles, their pinyin, mixed words, two words."""
    for p in team:
        yield p.shortcut
        yield p.title[:4]
        yield fold(p.title[:2] + p.shortcut)
        yield f"{p.shortcut[:2]} {p.title[:2]}"
    yield from ("kuandai", "kdvipzx", "sim补卡", "5g套餐", "huifang", "tousu", "mesh", "xian1", "zhongguoyd")


@PROPERTY
@given(team_library())
def test_typing_key_by_key_gives_what_typing_at_once_gives(team: list[Phrase]) -> None:
    typed_on, fresh = _index(team), _index(team)
    for q in _queries(team):
        got = []
        for n in range(1, len(q) + 1):
            got = typed_on.query(q[:n], 20)  # the index narrows from what the last keystroke found
        fresh.query("qqqqqqqqqq", 1)  # no query here types this on: the next one starts afresh
        at_once = fresh.query(q, 20)
        assert [(h.phrase.uid, round(h.score, 9)) for h in got] == [
            (h.phrase.uid, round(h.score, 9)) for h in at_once
        ], q

"""Search speed on synthetic team libraries of 1,000, 10,000 and 100,000 phrases, keystroke by keystroke.

    .venv/bin/python bench/search_speed.py [--quick] [--sizes 1000,10000,100000]

For each size: index build time (cold: the pinyin tables are read again), retained index memory
(tracemalloc, in a second build, after `warm()` and a few hundred keystrokes: what the app holds
while in use), p50/p95/max latency per keystroke while replaying queries of every kind one
character at a time, for the engine and — on a sample of the same keystrokes, the engine timed on
exactly those too — for a naive baseline (rapidfuzz WRatio of the query against every title +
body, as a generic launcher does); and the slowest keystroke of long pastes (200 characters,
40,000 Chinese, 100,000 ASCII) and of the keys typed after them. Prints JSON. Targets (issue 14):
p95 ≤ 3 ms at 10k and ≤ 10 ms at 100k, ≥ 50× faster than naive at 100k, build ≤ 2 s at 100k,
memory ≤ 25 MB at 10k and ≤ 120 MB at 100k, any query length ≤ 16 ms per keystroke.

The libraries are generated from the standard library: phrases recombined across the call flow,
products, places, plans and amounts swapped in, titles and categories varied, shortcuts derived
from titles — many distinct phrases over a realistic telecom vocabulary, not copies.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import sys
import time
import tomllib
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from palette.core import pinyin  # noqa: E402
from palette.core.model import Phrase  # noqa: E402
from palette.core.search import (  # noqa: E402
    IndexSource,
    SearchIndex,
    blocks,
)
from palette.core.search.codes import fold  # noqa: E402
from palette.core.standard import source_data  # noqa: E402

# Words of the standard library that vary from team to team, and what a team library puts there.
SLOTS = (
    "宽带", "流量", "套餐", "话费", "光猫", "路由器", "营业厅", "积分", "短信", "网络", "手机",
    "流量包", "合约机", "号码", "账单", "密码", "工单", "信号",
)  # fmt: skip
PRODUCTS = (
    "千兆宽带", "光纤宽带", "融合套餐", "畅享套餐", "流量卡", "副卡", "亲情网", "彩铃", "来电提醒", "天翼云盘",
    "视频会员", "智慧家庭", "5G消息", "固定电话", "物联网卡", "校园卡", "企业专线", "IPTV", "机顶盒", "WiFi6路由器",
    "eSIM", "宽带电视", "家庭云", "国际长途", "港澳漫游", "境外流量包", "定向流量", "夜间流量", "话费券", "积分商城",
    "电子发票", "月结账单", "预存话费", "分期合约", "靓号", "实名卡", "宽带续约", "宽带迁移", "组网服务", "云电脑",
    "全屋WiFi", "家庭安防", "老年卡", "儿童手表", "车联网", "商务套餐", "无限流量", "银发套餐", "学生套餐", "权益包",
    "话费红包", "充值卡", "翼支付", "号卡", "专属客户经理", "上网时长", "语音包", "短信包", "视频彩铃", "来电显示",
)  # fmt: skip
PLACES = (
    "北京", "上海", "广州", "深圳", "成都", "重庆", "杭州", "南京", "武汉", "西安", "长沙", "郑州", "朝阳区", "海淀区",
    "浦东新区", "天河区", "南山区", "锦江区", "江北区", "西湖区", "鼓楼区", "洪山区", "雁塔区", "岳麓区", "金水区",
)  # fmt: skip
TITLE_TAILS = (
    "",
    "",
    "",
    "说明",
    "指引",
    "（简版）",
    "（夜班）",
    "二线",
    "（VIP）",
    "提醒",
    "话术",
    "回复",
    "（旧版）",
    "确认",
)
LIBRARY = "合成团队库"
TEAMS = ("政企", "家客", "个人", "VIP", "夜班", "外呼", "在线", "热线", "投诉专席", "宽带专席")
FILLERS = (
    "如有疑问请随时联系我们。",
    "具体以系统显示为准。",
    "给您带来不便敬请谅解。",
    "感谢您长期以来的支持。",
    "办理结果会以短信形式通知您。",
    "请您保持电话畅通。",
    "相关费用以实际账单为准。",
    "如需人工服务请按零。",
    "本次通话可能会被录音。",
    "活动详情请关注官方渠道。",
)


def synthetic_library(n: int, seed: int = 10) -> list[Phrase]:
    """`n` distinct phrases in the standard library's style (deterministic for a seed)."""
    rng = random.Random(seed)
    base = list(source_data().phrases)
    by_category: dict[str, list[Phrase]] = {}
    for p in base:
        by_category.setdefault(p.category, []).append(p)
    table = pinyin.default_table()
    codes: dict[str, int] = {}
    out: list[Phrase] = []
    for i in range(n):
        p = base[rng.randrange(len(base))]
        title, body = p.title, p.body
        for slot in rng.sample(SLOTS, len(SLOTS)):
            if slot in title or slot in body:
                product = rng.choice(PRODUCTS)
                title, body = title.replace(slot, product), body.replace(slot, product)
                if rng.random() < 0.5:
                    break
        clauses = [c for c in re.split(r"(?<=[,。?!])", body) if c]
        other = rng.choice(by_category[p.category])
        extra = [c for c in re.split(r"(?<=[,。?!])", other.body) if c]
        if rng.random() < 0.5 and extra:
            clauses.insert(rng.randrange(len(clauses) + 1), rng.choice(extra))
        if rng.random() < 0.4:
            clauses.append(rng.choice(FILLERS))
        body = "".join(clauses)
        body = re.sub(r"\d+", lambda m: str(rng.randint(1, 99)), body)
        if rng.random() < 0.3:
            title = rng.choice(PLACES) + title
        title += rng.choice(TITLE_TAILS)
        category = p.category if rng.random() < 0.5 else f"{rng.choice(TEAMS)}-{p.category}"
        tags = tuple(dict.fromkeys([*rng.sample(p.tags, min(2, len(p.tags))), rng.choice(PRODUCTS)]))
        shortcut = ""
        if rng.random() < 0.4:
            initials = "".join(table.readings[ch][0][0] for ch in title if ch in table.readings)[:3] or "x"
            codes[initials] = codes.get(initials, 0) + 1
            shortcut = f"{initials}{codes[initials]}"
        out.append(Phrase(f"syn-{i}", "合成团队库", category, title, body, shortcut, tags, sort_order=i))
    return out


# -- queries ------------------------------------------------------------------------------------------


def _spell(text: str, initials: bool) -> str:
    table = pinyin.default_table()
    parts = []
    for ch in text:
        rs = table.readings.get(ch)
        if rs:
            parts.append(rs[0][0] if initials else rs[0])
        elif ch.isascii() and ch.isalnum():
            parts.append(ch.lower())
    return "".join(parts)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def replay_queries(phrases: Sequence[Phrase], count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(kind, query) pairs: the quality set's queries plus queries written from random phrases."""
    rng = random.Random(seed)
    queries = [
        (item["kind"], item["q"])
        for item in tomllib.loads((ROOT / "tests" / "data" / "search_queries.toml").read_text("utf-8"))["query"]
    ]
    chinese = re.compile(r"[\u4e00-\u9fff]{2,}")
    for _ in range(count):
        p = phrases[rng.randrange(len(phrases))]
        words = chinese.findall(p.title) or [p.title]
        word = rng.choice(words)[:4]
        body_words = chinese.findall(p.body) or [word]
        body_word = rng.choice(body_words)[:3]
        kind = rng.choice(("chinese", "pinyin", "initials", "shortcut", "typo", "multi-word", "category", "body"))
        if kind == "chinese":
            q = word
        elif kind == "pinyin":
            q = _spell(word[:3], initials=False)
        elif kind == "initials":
            q = _spell(word, initials=True)
        elif kind == "shortcut":
            q = p.shortcut or _spell(word, initials=True)
        elif kind == "typo":
            q = _typo(_spell(word[:3], initials=False), rng)
        elif kind == "multi-word":
            q = f"{_spell(word[:2], initials=False)} {body_word}"
        elif kind == "category":
            q = f"#{p.category.split('-')[-1][:2]} {word[:2]}"
        else:
            q = body_word
        queries.append((kind, q))
    return queries


def keystrokes(queries: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every prefix of every query, as typed one character at a time."""
    return [(kind, q[:n]) for kind, q in queries for n in range(1, len(q) + 1) if q[:n].strip()]


# -- measuring ------------------------------------------------------------------------------------------


def _build(phrases: Sequence[Phrase]) -> SearchIndex:
    """As the app builds it: phrases in library order (as `Store.visible_phrases` gives them)."""
    index = SearchIndex(clock=lambda: 0.0)
    index.install(SearchIndex.prepare(IndexSource(phrases, (LIBRARY,))))
    return index


def _cold_build(phrases: Sequence[Phrase]) -> tuple[SearchIndex, float]:
    """Build time from a cold process: the pinyin tables are read and the code book made too."""
    blocks._default_book.cache_clear()
    gc.collect()
    start = time.perf_counter()
    index = _build(phrases)
    return index, time.perf_counter() - start


def _memory_mb(phrases: Sequence[Phrase], strokes: Sequence[tuple[str, str]]) -> float:
    """What a built index (tables and code book included) keeps allocated after warming up and
    answering `strokes` (its caches filled as in use), by tracemalloc."""
    blocks._default_book.cache_clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = _build(phrases)
    index.warm()
    for _, q in strokes:
        index.query(q, limit=20)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index
    return (after - before) / 1e6


def _percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 3), "p95_ms": round(q[94], 3), "max_ms": round(ordered[-1], 3)}


def long_pastes(phrases: Sequence[Phrase], seed: int = 13) -> dict[str, str]:
    """Pastes an agent may drop into the box: a customer's message, a whole document, garbage."""
    rng = random.Random(seed)
    bodies = "".join(p.body for p in rng.sample(list(phrases), min(len(phrases), 400)))
    chinese = "".join(ch for ch in bodies if "\u4e00" <= ch <= "\u9fff")
    return {
        "200_mixed": (bodies * 2)[:200],
        "40000_chinese": (chinese * (40_000 // max(1, len(chinese)) + 1))[:40_000],
        "100000_ascii": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(100_000)),
    }


def _long_query_ms(index: SearchIndex, pastes: dict[str, str], keys_after: int = 5) -> dict[str, float]:
    """The slowest keystroke of each paste: the paste itself, then `keys_after` letters typed on."""
    out = {}
    for name, text in pastes.items():
        worst = 0.0
        for q in [text, *(text + "abcde"[:k] for k in range(1, keys_after + 1))]:
            start = time.perf_counter()
            index.query(q, limit=20)
            worst = max(worst, (time.perf_counter() - start) * 1000)
        out[name] = round(worst, 3)
    return out


def run_size(n: int, queries_per_size: int, naive_sample: int) -> dict[str, object]:
    phrases = synthetic_library(n)
    strokes = keystrokes(replay_queries(phrases, queries_per_size))
    memory = _memory_mb(phrases, strokes[:300])
    index, build_s = _cold_build(phrases)
    start = time.perf_counter()
    index.warm()  # what the app runs when idle after install
    warm_s = time.perf_counter() - start
    gc.collect()
    gc.freeze()  # as the app does once its long-lived objects are built: no full collection mid-typing
    timings: list[float] = []
    per_kind: dict[str, list[float]] = {}
    for kind, q in strokes:
        start = time.perf_counter()
        index.query(q, limit=20)
        ms = (time.perf_counter() - start) * 1000
        timings.append(ms)
        per_kind.setdefault(kind, []).append(ms)

    texts = [fold(p.title + " " + p.body) for p in phrases]
    rng = random.Random(12)
    sample = rng.sample(range(len(strokes)), min(naive_sample, len(strokes)))
    naive_ms: list[float] = []
    engine_same: list[float] = []
    for i in sorted(sample):
        q = strokes[i][1]
        start = time.perf_counter()
        process.extract(fold(q), texts, scorer=fuzz.WRatio, limit=20)
        naive_ms.append((time.perf_counter() - start) * 1000)
        engine_same.append(timings[i])
    long_ms = _long_query_ms(index, long_pastes(phrases))
    gc.unfreeze()
    naive = _percentiles(naive_ms)
    engine = _percentiles(timings)
    same = _percentiles(engine_same)
    return {
        "phrases": n,
        "build_s": round(build_s, 3),
        "warm_s": round(warm_s, 3),
        "memory_mb": round(memory, 1),
        "keystrokes": len(strokes),
        "engine": engine,
        "engine_by_kind_p95_ms": {k: _percentiles(v)["p95_ms"] for k, v in sorted(per_kind.items()) if len(v) > 1},
        "long_paste_max_ms": long_ms,
        "naive_wratio": {**naive, "keystrokes_sampled": len(naive_ms)},
        "engine_on_those_keystrokes": {**same, "keystrokes_sampled": len(engine_same)},
        "speedup_p50_same_keystrokes": round(naive["p50_ms"] / max(same["p50_ms"], 1e-6), 1),
        "speedup_p95_same_keystrokes": round(naive["p95_ms"] / max(same["p95_ms"], 1e-6), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer queries and baseline samples")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--naive-sample", type=int, default=0, help="baseline keystrokes per size (0: by size)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    queries = 40 if args.quick else 120
    report: dict[str, object] = {"python": sys.version.split()[0], "quick": args.quick}
    for n in sizes:
        naive_sample = args.naive_sample or (
            (60 if n <= 10_000 else 25) if args.quick else (200 if n <= 10_000 else 80)
        )
        report[str(n)] = run_size(n, queries, naive_sample)
        print(json.dumps({str(n): report[str(n)]}, ensure_ascii=False), file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Text to index terms: words, synonym groups, character bigrams, each with where it sits.

A phrase is segmented by rjieba (the jieba-rs binding), imported on the first build, never at app
start: import and dictionary cost ~95 ms and ~33 MB, against ~650 ms and ~81 MB for jieba, and a cut
is ~25x faster (bench/suggest_speed.py). A message is segmented without it (`message_tokens`): by
the longest words the index itself holds, so the app builds in a child process and rjieba's
dictionary never lives in the app. Offsets are those of the original text: normalising (NFKC, lower case) is
done character by character, so a matched word is a substring of the customer's message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

# Words that say nothing about what a message is about (also kept out of the learned pairs).
_STOP_TEXT = """
的 了 吗 呢 啊 吧 呀 哦 嗯 么 嘛 哈 啦 喔 我 你 您 他 她 它 是 在 和 与
及 就 都 也 还 要 会 能 想 这 那 个 一 不 没 很 到 说 让 把 被 给 对 从
而 又 或 但 并 等 上 下 里 中 为 以 之 其 此 些 该 着 过 得 地 所 如 若
则 什么 怎么 怎样 为什么 我们 你们 他们 她们 我家 我的 你的 您的 请问 一下 现在
已经 可以 这个 那个 这样 那样 这边 那边 然后 还是 就是 但是 因为 所以 如果 或者
而且 一个 一些 有点 有些 一点 真的 到底 究竟 怎么回事 是不是 能不能 可不可以 有没有
好不好 麻烦 帮忙 帮我 一直在 一般 非常 特别 比较 感觉 觉得 知道 自己 大家
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
# Words of chat around the matter (a message of only these and stopwords is small talk: no suggestion).
_CHAT_TEXT = """
好的 好 行 行吧 嗯嗯 哈哈 哈哈哈 呵呵 稍等 稍等一下 等一下 等等 马上 回来 马上回来
今天天气 天气不错 知道 知道了 明白 收到 可以 对 对对 对对对 是的 不是 没有 有 想想
我想想 问问 家里人 天气 不错 今天 明天 吃饭 机器人 名字 叫 下班 上班 几点 人工
ok okay hello hi 在 在吗 喂 你好 您好 哈喽 嗨 额 呃 啊 哦 噢 666
好吧 算了 随便
"""
CHAT_WORDS = frozenset(_CHAT_TEXT.split())


def small_talk(found: Iterable[Token]) -> bool:
    """Whether a message's tokens are nothing but chat words (你好, 稍等一下, 今天天气不错)."""
    return all(t.word in CHAT_WORDS for t in found)


# Words that make a message angry: it raises the 安抚与致歉 and 投诉处理 phrases.
ANGER_WORDS = (
    "太过分", "过分了", "投诉", "破网", "烂网", "垃圾", "气死", "受够", "忍无可忍", "坑人", "骗子", "骗人", "欺负人",
    "什么玩意", "搞什么", "无语", "差劲", "曝光", "工信部", "12315", "退网", "凭什么", "太差", "要疯", "愤怒", "火大",
    "滚", "恶心", "离谱", "黑心", "坑爹", "糊弄", "敷衍", "耍我", "有病", "流氓", "强盗", "太烂", "烦死",
)  # fmt: skip


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_word_char(ch: str) -> bool:
    return _is_cjk(ch) or ch.isalnum()


_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}  # full-width ASCII → ASCII


def normalise(text: str) -> str:
    """NFKC and lower case, one character for one (a character NFKC would expand stays as it was)."""
    if text.isascii():
        return text.lower()
    fast = text.translate(_WIDTH).lower()
    if len(fast) == len(text) and _ODD.search(fast) is None:
        return fast  # the common case: CJK, ASCII and CJK punctuation
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch).lower() if not _is_cjk(ch) else ch
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


@cache
def _segmenter() -> Any:
    import rjieba  # lazily: see the module docstring

    return rjieba


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter multi-character words (synonyms, keywords) so it keeps them whole."""
    seg = _segmenter()
    for w in words:
        if len(w) >= 2 and not w.isascii() and not seg.has_word(w):
            seg.add_word(w, 20_000, None)


_ODD = re.compile("[^\u4e00-\u9fff\u3400-\u4dbf\x00-\x7f，。！？、；：“”‘’（）《》【】…—～·「」『』]")


def words(norm: str) -> list[str]:
    """`tokens` of a normalised text without their offsets (a phrase field: faster)."""
    return [w for w in _segmenter().cut(norm) if w not in STOPWORDS and any(map(_is_word_char, w))]


def pairs(norm: str) -> list[str]:
    """`bigrams` of a normalised text without their offsets."""
    return [
        a + b
        for a, b in pairwise(norm)
        if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff" and a not in _PARTICLES and b not in _PARTICLES
    ]


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text and where it is (offsets into the original text)."""

    word: str
    start: int
    end: int


def message_tokens(text: str, known: Callable[[str], bool], longest: int) -> list[Token]:
    """The words of a message that may carry meaning, by forward maximum matching: at each CJK
    character the longest run (2 to `longest` characters) `known` accepts, else the character
    alone; a run of ASCII letters and digits is one word. No stopwords, no punctuation."""
    norm = normalise(text)
    out: list[Token] = []
    i, n = 0, len(norm)
    while i < n:
        ch = norm[i]
        if ch.isascii():
            end = i + 1
            if ch.isalnum():
                while end < n and norm[end].isascii() and norm[end].isalnum():
                    end += 1
                out.append(Token(norm[i:end], i, end))
        elif _is_cjk(ch):
            end = i + 1
            for size in range(min(longest, n - i), 1, -1):
                w = norm[i : i + size]
                if w in STOPWORDS or w in CHAT_WORDS or known(w):
                    end = i + size
                    break
            out.append(Token(norm[i:end], i, end))
        else:
            end = i + 1
            if ch.isalnum():
                out.append(Token(ch, i, end))
        i = end
    return [t for t in out if t.word not in STOPWORDS]


_PARTICLES = frozenset("的了吗呢啊吧呀哦嗯么嘛啦我你您他她它们这那是")  # a pair holding one is no topic


def bigrams(text: str) -> list[Token]:
    """Adjacent pairs of CJK characters, particles and pronouns left out."""
    norm = normalise(text)
    out: list[Token] = []
    for i in range(len(norm) - 1):
        a, b = norm[i], norm[i + 1]
        if _is_cjk(a) and _is_cjk(b) and a not in _PARTICLES and b not in _PARTICLES:
            out.append(Token(a + b, i, i + 2))
    return out


def anger(text: str) -> tuple[float, list[Token]]:
    """How angry a message reads (0 to 1) and the words that say so."""
    norm = normalise(text)
    found: list[Token] = []
    for w in ANGER_WORDS:
        at = norm.find(w)
        if at >= 0:
            found.append(Token(w, at, at + len(w)))
    shouted = norm.find("!!")  # NFKC: ！！ too
    if shouted >= 0:
        found.append(Token("!!", shouted, shouted + 2))
    return min(1.0, 0.5 * len(found)), found

"""`Suggester`: the phrases that answer a customer's message, ranked by BM25 over words, synonym
groups and character bigrams, with fuzzy 客户问法 matching, homophones, anger and learned pairs.

Why a scorer of our own and not bm25s: bm25s 0.3.16 brings numpy (73 MB installed, ~0.5 s and +26 MB
to import, measured here) for sparse matrices a message of ~30 terms does not need; postings with
their BM25 weight precomputed make a query a sum over a few short lists, p95 ~1-4 ms at 10,000
phrases (bench/suggest_speed.py).
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast

from palette.core.model import LibraryKind, Phrase
from palette.core.store import StoreChange
from palette.core.suggest.synonyms import Synonyms, shipped_groups
from palette.core.suggest.text import (
    Token,
    add_words,
    anger,
    bigrams,
    message_tokens,
    normalise,
    pairs,
    small_talk,
    words,
)

if TYPE_CHECKING:
    from palette.core.store import Store

K1 = 1.2
B = 0.5  # phrases are short and of similar length: length matters less than in documents
FIELD_WEIGHTS = {"title": 3.0, "keywords": 3.0, "questions": 2.0, "tags": 2.0, "category": 1.0, "body": 1.0}
WORD, GROUP, BIGRAM = 1.0, 0.8, 0.35  # what a message term of each kind weighs
ONE_CHAR = 0.5  # a one-character word (卡, 修, 号) says less than a longer one
SPREAD = 0.7  # a synonym with a character or two inside it in a message (扣我钱 for 扣钱, 网咋又断了 for 网断了)
HOMOPHONE = 0.6  # a pair of the message read as a word it sounds like (宽待 → 宽带)
QUESTION_END = 1.5  # a long message's last clause (where customers put the question) weighs this much more
LONG_MESSAGE = 30  # characters from which a message is long
MAX_MESSAGE = 1_000  # characters of a message read (its end: the question comes last)
COMMON_SHARE = 0.5  # a term in more than this share of the phrases says nothing (and costs the most)
SCAN_BUDGET = 10_000  # postings summed for one message; past it the commoner terms …
RESCORE = 300  # … only re-weigh this many of the best phrases found so far
# Words of the categories an angry message raises (not tags: 电话开场 tagged 致歉 apologises for a wait).
SOOTHING = ("安抚", "致歉", "投诉")
CONFIDENT_EVIDENCE = 2.0  # nor a best match whose matched terms carry less weight × idf than this
CONFIDENT_SCORE = 3.5  # below it a best match is noise (calibrated on tests/data/suggest_messages.toml)
CONFIDENT_SHARE = 0.6  # a hit this close to the best one is confident too
QUESTION_RATIO = 62.0  # rapidfuzz partial_ratio from which a 客户问法 counts as matched …
QUESTION_TAKE = 50  # … by one of the phrases that score best before it
LEARNED = 0.75  # a learned (word → phrase) pair adds this share of the best score times log(1 + count) …
LEARNED_CAP = 1.2  # … up to this share
_REPEATED = ("category", "tags")  # fields whose texts repeat across phrases: their terms are made once
LONGEST_WORD = 8  # characters of the longest index word a message is matched against
REBUILD_AT_ONCE = 1_000  # up to this many phrases `apply` rebuilds in place (≤ 0.15 s); beyond, `stale`


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested phrase: its uid as search hits use it, its score, the message's words that
    matched (substrings of the message, in its order) and whether it is a confident suggestion."""

    uid: str
    score: float
    why: tuple[str, ...]
    confident: bool


@dataclass(frozen=True, slots=True)
class SuggestSource:
    """What a suggester is built from, read from the store in one go (on the store's thread)."""

    phrases: Sequence[Phrase]
    groups: Sequence[Sequence[str]] = ()
    learned: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store) -> SuggestSource:
        shown = store.visible_phrases()
        originals = {p.uid: p for p in store.phrases() if p.uid in {s.override_of for s in shown if s.override_of}}
        phrases = [_with_original_words(p, originals.get(p.override_of or "")) for p in shown]
        team = {lib.name for lib in store.libraries() if lib.enabled and lib.kind is LibraryKind.TEAM}
        groups = [g for lib, g in store.synonym_groups() if lib in team]
        return cls(phrases, (*shipped_groups(), *groups), store.learned_pairs())


def _with_original_words(p: Phrase, original: Phrase | None) -> Phrase:
    """An override answers what its original answered: it keeps the original's 客户问法 and 关键词."""
    if original is None or p.questions or p.keywords:
        return p
    return replace(p, questions=original.questions, keywords=original.keywords)


class _Doc:
    """What a suggestion needs of a phrase besides its postings."""

    __slots__ = ("questions", "soothing", "uid")

    def __init__(self, p: Phrase) -> None:
        self.uid = p.uid
        self.questions = tuple(normalise(q) for q in p.questions)
        self.soothing = any(s in p.category for s in SOOTHING)


@dataclass(slots=True)
class _Query:
    """A message as weighted terms, each with the spans of the message it came from."""

    weights: dict[str, float] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, term: str, weight: float, token: Token) -> None:
        if weight > self.weights.get(term, 0.0):
            self.weights[term] = weight
        self.spans.setdefault(term, []).append((token.start, token.end))


class Suggester:
    """Suggestions for a message; built off the GUI thread by `build`, kept current by `apply`."""

    def __init__(self, source: SuggestSource) -> None:
        self.stale = False  # a change `apply` left to a rebuild in the background
        self._install(source)

    @classmethod
    def build(cls, source: SuggestSource) -> Suggester:
        """The heavy part (segmenting every phrase), safe on a worker thread."""
        return cls(source)

    def _install(self, source: SuggestSource) -> None:
        self.synonyms = Synonyms(source.groups)
        add_words(self.synonyms.words())
        self.docs: list[_Doc] = []
        self.by_key: dict[str, int] = {}
        cache: dict[str, dict[str, float]] = {}
        docs: dict[str, array[int]] = {}  # term → the phrases holding it, in order …
        tfs: dict[str, array[float]] = {}  # … and its field-weighted frequency in each
        lengths = array("f")
        for p in source.phrases:
            d = len(self.docs)
            self.by_key[p.usage_key] = d
            self.docs.append(_Doc(p))
            terms = self._doc_terms(p, cache)
            lengths.append(sum(terms.values()))
            for term, tf in terms.items():
                if term in docs:
                    docs[term].append(d)
                    tfs[term].append(tf)
                else:
                    docs[term] = array("i", (d,))
                    tfs[term] = array("f", (tf,))
        self.soothing = [d for d, doc in enumerate(self.docs) if doc.soothing]
        self._index(docs, tfs, lengths)
        held = (len(t) - 1 for t in self.idf if t[0] == "w")
        self.longest = min(LONGEST_WORD, max((*held, *map(len, self.synonyms.words()), 1)))
        self.learned = {w: dict(c) for w, c in source.learned.items()}
        self._readings: dict[str, set[str]] | None = None

    # -- building ---------------------------------------------------------------------------------

    def _doc_terms(self, p: Phrase, cache: dict[str, dict[str, float]]) -> dict[str, float]:
        """A phrase's terms, each weighted by the fields holding it (no offsets: only messages need them)."""
        terms: dict[str, float] = {}
        fields = (
            ("title", (p.title,)),
            ("keywords", p.keywords),
            ("questions", p.questions),
            ("tags", p.tags),
            ("category", (p.category,)),
            ("body", (p.body,)),
        )
        for name, texts in fields:
            weight = FIELD_WEIGHTS[name]
            for text in texts:
                found = cache.get(text) if name in _REPEATED else None
                if found is None:
                    found = self._field_terms(text, scan=name != "body")
                    if name in _REPEATED and len(cache) < 10_000:
                        cache[text] = found
                for term, w in found.items():
                    terms[term] = terms.get(term, 0.0) + weight * w
        return terms

    def _field_terms(self, text: str, *, scan: bool) -> dict[str, float]:
        """`_terms` of a phrase field, fast: a body relies on the segmenter keeping synonyms whole
        (`add_words`) instead of scanning for them."""
        out: dict[str, float] = {}
        groups = self.synonyms.groups
        text = normalise(text)
        for word in words(text):
            short = ONE_CHAR if len(word) == 1 else 1.0
            out["w" + word] = max(out.get("w" + word, 0.0), WORD * short)
            for gid in groups.get(word, ()):
                out[f"g{gid}"] = max(out.get(f"g{gid}", 0.0), GROUP * short)
        if scan:
            for gid, _ in self.synonyms.find(text, normalised=True):
                out[f"g{gid}"] = GROUP
        for pair in pairs(text):
            out.setdefault("b" + pair, BIGRAM)
        return out

    def _terms(self, text: str, q: _Query, boost_from: int | None = None, *, is_message: bool = False) -> None:
        """Words, their synonym groups and bigrams of one text (a phrase field or a message); terms
        at or after `boost_from` weigh `QUESTION_END` times more."""

        def w(weight: float, t: Token) -> float:
            return weight * QUESTION_END if boost_from is not None and t.start >= boost_from else weight

        for t in self.tokens(text):
            short = ONE_CHAR if len(t.word) == 1 else 1.0
            q.add("w" + t.word, w(WORD * short, t), t)
            for gid in self.synonyms.of(t.word):
                q.add(f"g{gid}", w(GROUP * short, t), t)
        for gid, t in self.synonyms.find(text):
            q.add(f"g{gid}", w(GROUP, t), t)
        if boost_from is not None or is_message:
            for gid, t in self.synonyms.find_spread(text):
                q.add(f"g{gid}", w(GROUP * SPREAD, t), t)
        for t in bigrams(text):
            q.add("b" + t.word, w(BIGRAM, t), t)

    def _index(self, docs: dict[str, array[int]], tfs: dict[str, array[float]], lengths: array[float]) -> None:
        """Postings with their BM25 weight precomputed (idf times the saturated, length-normalised tf),
        built in place over the arrays: ~10 bytes a posting, so 100,000 phrases fit in ~100 MB."""
        n = len(lengths)
        avg = (sum(lengths) / n) if n else 1.0
        norms = array("f", (K1 * (1 - B + B * x / avg) for x in lengths))
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        self.idf: dict[str, float] = {}
        for term, where in docs.items():
            df = len(where)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self.idf[term] = idf
            tf = tfs[term]
            if df > COMMON_SHARE * n and n >= 20:
                continue
            top = idf * (K1 + 1)
            self.postings[term] = (
                where,
                array("f", (top * t / (t + norms[d]) for d, t in zip(where, tf, strict=True))),
            )
        tfs.clear()

    # -- to and from the child process (palette.core.suggest.child) ----------------------------------

    def __getstate__(self) -> dict[str, object]:
        """The postings as two arrays for all terms: unpickled as thousands of small arrays (each with
        a temporary bytes object freed between them), they cost ~1.8x their size in RSS."""
        state = dict(self.__dict__)
        postings = state.pop("postings")
        ends, docs, weights = array("q"), array("i"), array("f")
        for where, weight in postings.values():
            docs.extend(where)
            weights.extend(weight)
            ends.append(len(docs))
        state["_packed"] = (list(postings), ends, docs, weights)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        packed = cast("tuple[list[str], array[int], array[int], array[float]]", state.pop("_packed"))
        terms, ends, docs, weights = packed
        self.__dict__.update(state)
        self.postings = {}
        start = 0
        for term, end in zip(terms, ends, strict=True):
            self.postings[term] = (docs[start:end], weights[start:end])
            start = end

    # -- following the store ------------------------------------------------------------------------

    def apply(self, change: StoreChange, store: Store) -> None:
        """Follow one store change: learned pairs re-read on a paste; phrases or synonyms changed →
        rebuilt here when the library is small, else `stale` for the app to rebuild in the background."""
        if change.usage:
            self._relearn(change, store)
            if not (change.libraries or change.everything):
                return  # a paste (or a reset) names uids but changes no phrase
        if len(self.docs) <= REBUILD_AT_ONCE:
            self._install(SuggestSource.from_store(store))
        else:
            self.stale = True

    def _relearn(self, change: StoreChange, store: Store) -> None:
        """A paste names its phrase: re-read that one's pairs; a reset (no uid) or a re-read of
        everything takes them all again."""
        if change.everything or not change.uids:
            self.learned = {w: dict(c) for w, c in store.learned_pairs().items()}
            return
        for key in change.uids:
            for counts in self.learned.values():
                counts.pop(key, None)
            for w, n in store.learned_for(key).items():
                self.learned.setdefault(w, {})[key] = n

    # -- learning -----------------------------------------------------------------------------------

    def learn(self, store: Store, message: str, uid: str) -> None:
        """Count (word → phrase) for the words of `message` the index holds; the message is not kept."""
        words = sorted({t.word for t in self.tokens(message) if self._learnable(t.word)})
        store.count_pairs(words, uid)
        phrase = store.get(uid)
        self._relearn(StoreChange(uids=[phrase.usage_key if phrase else uid], usage=True), store)

    # -- suggesting ---------------------------------------------------------------------------------

    def tokens(self, message: str) -> list[Token]:
        """A message's words: the longest the index holds (no segmenter: see `text`)."""
        return message_tokens(message, self._known, self.longest)

    def _known(self, word: str) -> bool:
        return "w" + word in self.idf or word in self.synonyms.groups

    def query_terms(self, message: str) -> _Query:
        q = _Query()
        self._terms(message, q, question_start(message), is_message=True)
        self._homophones(message, q)
        return q

    def suggest(self, message: str, limit: int = 10) -> list[Suggestion]:
        """The phrases that answer `message`, confident ones first; [] when none is confident."""
        if limit < 1 or not message.strip() or not self.docs:
            return []
        message = message[-MAX_MESSAGE:]
        if small_talk(self.tokens(message)):
            return []
        q = self.query_terms(message)
        scores = self._score(q)
        learned = self._learned_bonus(q, scores)
        best_few = heapq.nlargest(max(limit, QUESTION_TAKE), scores, key=scores.__getitem__)
        self._question_bonus(message, scores, best_few)
        ranked = sorted(((d, scores[d]) for d in best_few), key=lambda kv: (-kv[1], kv[0]))[:limit]
        level, angry = anger(message)
        if level:
            ranked = self._soothe(ranked, scores, limit)
        if not ranked:
            return []
        best = ranked[0][1]
        matched = {d: self._matched(q, d) | learned.get(d, set()) for d, _ in ranked}
        if not level and (best < CONFIDENT_SCORE or self._evidence(q, matched[ranked[0][0]]) < CONFIDENT_EVIDENCE):
            return []
        out: list[Suggestion] = []
        for d, s in ranked:
            spans = [sp for term in matched[d] for sp in q.spans.get(term, ())]
            if self.docs[d].soothing:
                spans.extend((t.start, t.end) for t in angry)
            confident = s >= CONFIDENT_SCORE and s >= CONFIDENT_SHARE * best
            out.append(Suggestion(self.docs[d].uid, round(s, 4), _why(message, spans), confident))
        out.sort(key=lambda s: not s.confident)
        return out

    def _soothe(self, ranked: list[tuple[int, float]], scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
        """An angry message: the best 安抚/致歉/投诉 phrase (by its own match, then library order) goes
        second, or first when nothing else matched well, as a confident suggestion."""
        soothing = self.soothing
        if not soothing:
            return ranked
        pick = min(soothing, key=lambda d: (-scores.get(d, 0.0), d))
        if any(d == pick for d, _ in ranked[:2]):
            return ranked
        rest = [(d, s) for d, s in ranked if d != pick]
        strong = bool(rest) and rest[0][1] >= CONFIDENT_SCORE
        at = 1 if strong else 0
        below = rest[at][1] if len(rest) > at else 0.0  # keep the scores in order
        score = max(scores.get(pick, 0.0), below, CONFIDENT_SCORE, rest[0][1] * CONFIDENT_SHARE if strong else 0.0)
        if strong:
            score = min(score, rest[0][1])
        return [*rest[:at], (pick, score), *rest[at:]][:limit]

    def _evidence(self, q: _Query, terms: set[str]) -> float:
        """How much of the message's meaning a phrase matched: its matched terms' weight times idf."""
        return sum(q.weights.get(t, 0.0) * self.idf.get(t, 0.0) for t in terms)

    def _score(self, q: _Query) -> dict[int, float]:
        """BM25 over the message's terms, rarest first. Their postings are summed until `SCAN_BUDGET`
        postings are spent; the commoner terms then only re-weigh the `RESCORE` best phrases found
        so far (a lookup each), so a long message costs little at 100,000 phrases."""
        scores: dict[int, float] = {}
        postings = self.postings
        ordered = sorted((t for t in q.weights if t in postings), key=lambda t: len(postings[t][0]))
        spent = at = 0
        while at < len(ordered):
            docs, weights = postings[ordered[at]]
            if scores and spent + len(docs) > SCAN_BUDGET:
                break
            spent += len(docs)
            qw = q.weights[ordered[at]]
            get = scores.get
            for d, w in zip(docs, weights, strict=True):
                scores[d] = get(d, 0.0) + qw * w
            at += 1
        if at == len(ordered):
            return scores
        best = heapq.nlargest(RESCORE, scores, key=scores.__getitem__)
        for term in ordered[at:]:
            docs, weights = postings[term]
            qw, n = q.weights[term], len(docs)
            for d in best:
                i = bisect_left(docs, d)
                if i < n and docs[i] == d:
                    scores[d] += qw * weights[i]
        return scores

    def _matched(self, q: _Query, d: int) -> set[str]:
        """The message's terms phrase `d` holds (for why and the evidence: the few phrases shown)."""
        out = set()
        for term in q.weights:
            posting = self.postings.get(term)
            if posting is not None:
                docs = posting[0]
                i = bisect_left(docs, d)
                if i < len(docs) and docs[i] == d:
                    out.add(term)
        return out

    def _learned_bonus(self, q: _Query, scores: dict[int, float]) -> dict[int, set[str]]:
        """The agent's history: a phrase pasted after messages with these words gains `LEARNED` of the
        best score times log(1 + pastes), by the share of the message's words (idf-weighted) behind it:
        one paste moves it up, three put it first. Returns the words behind each (for why)."""
        found = [t[1:] for t in q.weights if t[0] == "w" and self._learnable(t[1:])]
        total = sum(self._word_idf(w) for w in found)
        matched: dict[int, set[str]] = {}
        if not total:
            return matched
        share: dict[int, float] = {}
        for w in found:
            for key, n in self.learned.get(w, {}).items():
                d = self.by_key.get(key)
                if d is not None:
                    share[d] = share.get(d, 0.0) + self._word_idf(w) * math.log1p(n) / total
                    matched.setdefault(d, set()).add("w" + w)
        top = max([*scores.values(), CONFIDENT_SCORE])
        for d, x in share.items():
            scores[d] = scores.get(d, 0.0) + top * min(LEARNED_CAP, LEARNED * x)
        return matched

    def _learnable(self, word: str) -> bool:
        """Words the index holds (library text or synonyms): never a name or number of the customer's."""
        return "w" + word in self.idf or bool(self.synonyms.of(word))

    def _word_idf(self, word: str) -> float:
        return self.idf.get("w" + word, 0.0) or max(
            (self.idf.get(f"g{g}", 0.0) for g in self.synonyms.of(word)), default=1.0
        )

    def _question_bonus(self, message: str, scores: dict[int, float], candidates: list[int]) -> None:
        """A message close to one of a phrase's 客户问法 (rapidfuzz) lifts it: the best candidates only."""
        if not candidates:
            return
        from rapidfuzz import fuzz

        text = normalise(message)
        top = scores[candidates[0]]
        for d in candidates[:QUESTION_TAKE]:
            questions = self.docs[d].questions
            if questions:
                ratio = max(fuzz.partial_ratio(q, text) for q in questions)
                if ratio >= QUESTION_RATIO:
                    scores[d] += top * (ratio - QUESTION_RATIO) / (100 - QUESTION_RATIO)

    # -- typos and homophones ---------------------------------------------------------------------------

    def _homophones(self, message: str, q: _Query) -> None:
        """A CJK pair of the message the index does not hold, read as a word it does (宽待 → 宽带)."""
        readings = self._reading_index()
        readings_of = _readings_of()
        known = [
            t
            for t in self.tokens(message)
            if len(t.word) >= 2 and ("w" + t.word in self.idf or self.synonyms.of(t.word))
        ]
        for t in bigrams(message):
            if "b" + t.word in self.idf or "w" + t.word in self.idf:
                continue
            if any(w.start < t.end and t.start < w.end and not (w.start <= t.start and t.end <= w.end) for w in known):
                continue  # a pair across the edge of a known word is no typo of one (里还 in 账户里还有)
            for key in _spellings(t.word, readings_of):
                for word in readings.get(key, ()):
                    if word != t.word:
                        q.add("b" + word, BIGRAM * HOMOPHONE * 2, t)
                        if "w" + word in self.idf:
                            q.add("w" + word, WORD * HOMOPHONE, t)
                        for gid in self.synonyms.of(word):
                            q.add(f"g{gid}", GROUP * HOMOPHONE, t)

    def _reading_index(self) -> dict[str, set[str]]:
        """toneless pinyin of each character pair the index holds → the pairs (made when first needed)."""
        if self._readings is None:
            readings_of = _readings_of()
            out: dict[str, set[str]] = {}
            pairs = {t[1:] for t in self.idf if t[0] in "wb"} | set(self.synonyms.words())
            for w in pairs:
                if len(w) == 2 and all("\u4e00" <= c <= "\u9fff" for c in w):
                    first = [(readings_of(c) or ("",))[0] for c in w]
                    if all(first):
                        out.setdefault(" ".join(first), set()).add(w)
            self._readings = out
        return self._readings


def _readings_of() -> Callable[[str], tuple[str, ...]]:
    """A character's readings, from the search's code book: the app holds it already, while the
    pinyin table itself would cost ~7.6 MB more on the first suggestion."""
    from palette.core.search.blocks import shared_book

    return shared_book().readings_of


def _spellings(pair: str, readings_of: Callable[[str], tuple[str, ...]]) -> Iterable[str]:
    a, b = (readings_of(c) for c in pair)
    return (f"{x} {y}" for x in a[:3] for y in b[:3])


_CLAUSE_END = "，。！？!?,;；\n~～…"


def question_start(message: str) -> int | None:
    """Where a long message's last clause starts (None for a short message): the question is there."""
    if len(message) < LONG_MESSAGE:
        return None
    end = len(message.rstrip(_CLAUSE_END + " "))
    start = max(message.rfind(c, 0, end) for c in _CLAUSE_END) + 1
    return start if end - start >= 4 else None


def _why(message: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    """The matched spans, overlapping ones merged, as substrings of the message in its order."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    seen: dict[str, None] = {}
    for s, e in merged:
        seen.setdefault(message[s:e], None)
    return tuple(seen)


def build_suggester(store: Store) -> Suggester:
    """Read the store and build (slow for a big library: the app runs `Suggester.build` in the background)."""
    return Suggester.build(SuggestSource.from_store(store))

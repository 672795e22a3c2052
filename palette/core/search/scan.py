"""One query against one prepared index: splitting it, scanning blocks within a work budget, scoring."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY
from palette.core.search.blocks import _Block, _Entry
from palette.core.search.codes import FIELD_SEP, PHRASE_SEP, fold
from palette.core.search.index import PreparedIndex, _bits
from palette.core.search.patterns import Alternative, Kind, Pattern
from palette.core.search.ranking import (
    _KIND_BASE,
    _KIND_NAME,
    _NEXT,
    _PINNED,
    _SHORTCUT_SCORE,
    _USAGE,
    _USAGE_HALF,
    FALLBACK_BELOW,
    FALLBACK_WORK,
    LONG_QUERY,
    SCAN_CAP,
    Hit,
    MatchKind,
    _match_word,
    _spans,
    _WordHit,
)
from palette.core.store import NEXT_PHRASE_WINDOW_S, decayed

if TYPE_CHECKING:
    pass


def _denoise(text: str) -> str:
    """Without the index's separators, nor apostrophes (xi'an: it only separates syllables). Three
    `replace` calls: `translate` with a table costs 2 ms on a 40,000-character paste."""
    return text.replace(FIELD_SEP, " ").replace(PHRASE_SEP, " ").replace("'", "")


_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _split(text: str) -> tuple[list[str], list[str]]:
    """The words of a query, and its `#category` words. A word mixing Latin letters with Chinese
    is one word per run (`sim补卡` → sim 补卡; `3天` stays whole). A query longer than `LONG_QUERY`
    (a paste) is one literal word, as typed: bounded work whatever its length."""
    folded = fold(text)
    if len(folded) > LONG_QUERY:
        whole = " ".join(_denoise(folded).split())
        return ([whole] if whole else []), []
    words: list[str] = []
    categories: list[str] = []
    for w in folded.split():
        w = _denoise(w).strip()
        if w.startswith("#"):
            if len(w) > 1:
                categories.append(w[1:])
        elif w.isascii() or not any("a" <= ch <= "z" for ch in w):
            if w:
                words.append(w)
        else:
            words.extend(_RUNS.findall(w))
    return words, categories


def _layer(library: str) -> int:
    """Which layer wins a tie: the agent's own phrases, then a team's, then the standard library."""
    return 0 if library == PERSONAL_LIBRARY else 2 if library == STANDARD_LIBRARY else 1


@dataclass(slots=True)
class Budget:
    """How many anchor hits a scan may still check, shared by every block and pattern of one phase:
    the fallbacks' work is bounded (`FALLBACK_WORK`), the exact phase's only by the scan cap."""

    left: int

    @classmethod
    def unlimited(cls) -> Budget:
        return cls(1 << 62)

    @property
    def exhausted(self) -> bool:
        return self.left <= 0


class _Query:
    """One query against one prepared index."""

    def __init__(
        self,
        state: PreparedIndex,
        words: list[str],
        categories: list[str],
        allowed: set[int] | None,
        now: float,
        limit: int,
        scan: int = SCAN_CAP,
    ) -> None:
        self.state = state
        self.limit = limit
        self.scan = scan
        self.categories = categories
        self.words = words
        self.patterns = [state.compile(w) for w in words]
        self.allowed = allowed
        self.now = now
        self.scores: dict[int, tuple[float, Kind, list[_WordHit]]] = {}

    def run(self) -> list[Hit]:
        limit = self.limit
        state = self.state
        shortcut_pids: set[int] = set()
        if len(self.words) == 1:
            shortcut_pids = {p for p in state.shortcuts.get(self.words[0], ()) if self._allowed(p)}
        self._phase(fallback=False, extra=shortcut_pids)
        if not shortcut_pids and len(self.scores) < min(limit, FALLBACK_BELOW):
            self._phase(fallback=True, extra=set())

        def order(
            item: tuple[int, tuple[float, Kind, list[_WordHit]]],
        ) -> tuple[int, int, float, int, tuple[int, int, str]]:
            """The exact shortcut first, the agent's or team's own code before the standard one; then
            by score, ties to the nearer layer, then to library order."""
            e = self._entry(item[0])
            layer = _layer(e.phrase.library)
            if item[0] in shortcut_pids:
                return 0, layer, -item[1][0], layer, state.rank_of(e)
            return 1, 0, -item[1][0], layer, state.rank_of(e)

        ranked = sorted(self.scores.items(), key=order)[:limit]
        out = []
        for pid, (score, kind, hits) in ranked:
            e = self._entry(pid)
            if pid in shortcut_pids:
                out.append(Hit(e.phrase, score, MatchKind.SHORTCUT, _spans(e, hits, shortcut=True)))
            else:
                out.append(Hit(e.phrase, score, _KIND_NAME[kind], _spans(e, hits)))
        return out

    def _entry(self, pid: int) -> _Entry:
        return self.state.entry(pid)

    def _allowed(self, pid: int) -> bool:
        return self.allowed is None or pid in self.allowed

    def _phase(self, *, fallback: bool, extra: set[int]) -> None:
        """Find candidate phrases (titles and other short fields first, then bodies) and score them.

        Blocks are narrowed by every word's filters; inside them the most selective word's anchors
        are looked for with `str.find`, and each phrase holding one is matched with the patterns."""
        state = self.state
        per_word, blocks = self._readings(fallback)
        if fallback and not blocks:
            return
        found: list[int] = sorted(extra)
        all_prefixed = True  # every phrase a shortcut prefix names is among `found`
        if not fallback:  # the codes the words begin: considered whatever the scan finds
            for w in self.words:
                if w.isascii():
                    prefixed, every = state.shortcut_prefixed(w)
                    found += [pid for pid in prefixed if pid not in extra]
                    all_prefixed = all_prefixed and every
        have = set(found)
        cap = self.limit + len(self.scores) if fallback else self.scan  # fallbacks only fill the list
        narrowed = None if fallback or not blocks else state.narrowed(self.words, self.categories)
        if narrowed is not None:  # the last query, one key shorter, matched only these
            found += [pid for pid in narrowed if pid not in have and self._matches(pid)]
        else:
            lead = min(range(len(per_word)), key=lambda k: (per_word[k][0] & blocks).bit_count())
            budget = Budget(FALLBACK_WORK) if fallback else Budget.unlimited()
            self._scan_blocks(per_word[lead][1], blocks, found, have, cap, budget)
            if not fallback and len(per_word) > 1:  # the other words, held to what the scan holds the first to
                found = [pid for pid in found if pid in extra or self._matches(pid, skip=lead)]
        complete = len(have) < cap and not fallback and all_prefixed
        if not complete:  # a crowded query: make sure the phrases the agent uses are considered
            found.extend(sorted(state.favourites() - have))
        matched = self._score_all(found, fallback, extra)
        if not fallback:
            state.remember(self.words, self.categories, matched if complete else None)

    def _readings(self, fallback: bool) -> tuple[list[tuple[int, list[tuple[Pattern, Alternative, int]]]], int]:
        """Per word, the blocks any of its alternatives may match in and the alternatives with their
        blocks; and the blocks every word may match in."""
        per_word: list[tuple[int, list[tuple[Pattern, Alternative, int]]]] = []
        blocks = -1
        for wp in self.patterns:
            # a single word's exact matches were all found already when its fallbacks are looked for
            pats = [wp.exact] if wp.exact is not None and not (fallback and len(self.patterns) == 1) else []
            if fallback:
                pats += wp.fallback()
            alts = [(p, a, self.state.blocks_for(a.filter)) for p in pats for a in p.alternatives]
            union = 0
            for _, _, bits in alts:
                union |= bits
            blocks &= union
            per_word.append((union, alts))
        return per_word, blocks

    def _scan_blocks(
        self,
        alts: list[tuple[Pattern, Alternative, int]],
        blocks: int,
        found: list[int],
        have: set[int],
        cap: int,
        budget: Budget,
    ) -> None:
        """Scan the blocks for one word's alternatives, titles first, until `cap` phrases or the budget."""
        merged: dict[tuple[int, str, tuple[str, ...], int | None], tuple[Pattern, Alternative, int]] = {}
        for pat, alt, bits in alts:  # readings sharing anchors are looked for once
            key = (id(pat), alt.domain, alt.anchors, alt.offset) if alt.domain else (id(pat), "", (), id(alt))
            seen_before = merged.get(key)
            merged[key] = (pat, alt, bits | (seen_before[2] if seen_before else 0))
        driver = list(merged.values())
        checked: dict[int, set[int]] = {id(pat): set() for pat, _, _ in driver}  # per pattern
        for head in (True, False):
            for b in _bits(blocks):
                if len(found) >= cap or budget.exhausted:
                    break
                bit = 1 << b
                block = self.state.blocks[b]
                for pat, alt, bits in driver:
                    if bits & bit:
                        self._scan(block, pat, alt, head, found, have, checked[id(pat)], cap, budget)

    def _score_all(self, found: list[int], fallback: bool, extra: set[int]) -> list[int]:
        """Score the phrases found that are not scored yet; the ones that match, in order."""
        matched = []
        for pid in found:
            if pid in self.scores or not self._allowed(pid):
                continue
            scored = self._score(pid, fallback, pid in extra)
            if scored is not None:
                self.scores[pid] = scored
                matched.append(pid)
        return matched

    def _matches(self, pid: int, skip: int = -1) -> bool:
        """Whether every word (but the `skip`th) matches the phrase exactly where the scan would find it."""
        e = self._entry(pid)
        return all(
            wp.exact is not None and self._anchored(e, wp.exact) for k, wp in enumerate(self.patterns) if k != skip
        )

    def _anchored(self, e: _Entry, pat: Pattern) -> bool:
        """`_scan`'s test for one phrase: a match of `pat` at one of its alternatives' anchors."""
        whole = e.text(pat.coded)
        for alt in pat.alternatives:
            if not alt.domain or alt.offset is None:
                if pat.regex.search(whole):
                    return True
                continue
            for text in e.initials(self.state.book) if alt.domain == "init" else (e.text(False),):
                for anchor in alt.anchors:
                    at = text.find(anchor)
                    while at >= 0:
                        if at >= alt.offset and pat.regex.match(whole, at - alt.offset):
                            return True
                        at = text.find(anchor, at + 1)
        return False

    def _scan(
        self,
        block: _Block,
        pat: Pattern,
        alt: Alternative,
        head: bool,
        found: list[int],
        have: set[int],
        seen: set[int],
        cap: int,
        budget: Budget,
    ) -> None:
        """Add to `found` the phrases of the block's titles (or bodies) that `pat` matches: found by
        the alternative's anchors and checked with the regex (right at the anchor when the anchor
        marks where a match starts, else in the whole phrase); or by scanning with the regex."""
        starts = block.head_starts if head else block.body_starts
        pids = block.pids
        last = len(pids) - 1
        if pat.coded:
            whole = block.head_code if head else block.body_code
        else:
            whole = block.head_lit if head else block.body_lit
        if not alt.domain:
            search = pat.regex.search
            pos = 0
            while len(found) < cap and (m := search(whole, pos)) is not None:
                i = bisect_right(starts, m.start()) - 1
                if pids[i] not in have:
                    have.add(pids[i])
                    found.append(pids[i])
                if i >= last:
                    return
                pos = starts[i + 1]
            return
        texts = (
            block.initials(self.state.book, head)
            if alt.domain == "init"
            else (block.head_lit if head else block.body_lit,)
        )
        match = pat.regex.match
        search = pat.regex.search
        entries = self.state.entries
        offset = alt.offset
        for text in texts:
            find = text.find
            for anchor in alt.anchors:
                at = find(anchor)
                while at >= 0 and len(found) < cap and budget.left > 0:
                    budget.left -= 1
                    i = bisect_right(starts, at) - 1
                    pid = pids[i]
                    if offset is not None:  # check right where the match would start
                        start = at - offset
                        if pid in have or start < starts[i] or not match(whole, start):
                            at = find(anchor, at + 1)
                            continue
                    elif pid in seen or pid in have:
                        at = find(anchor, starts[i + 1]) if i < last else -1
                        continue
                    else:
                        seen.add(pid)
                        e = entries[pid]
                        if e is None or not search(e.text(pat.coded)):
                            at = find(anchor, starts[i + 1]) if i < last else -1
                            continue
                    have.add(pid)
                    found.append(pid)
                    at = find(anchor, starts[i + 1]) if i < last else -1

    def _score(self, pid: int, fallback: bool, shortcut: bool) -> tuple[float, Kind, list[_WordHit]] | None:
        e = self._entry(pid)
        local = 0.0
        worst = Kind.TEXT
        hits = []
        for wp in self.patterns:
            hit = _match_word(e, wp, self.state.book, fallback, spans=True)
            if hit is None:
                if shortcut:
                    local, worst = 0.0, Kind.TEXT
                    break
                return None
            hits.append(hit)
            local += hit.local
            worst = min(worst, hit.kind)
        base = _SHORTCUT_SCORE if shortcut else _KIND_BASE[worst]
        return base + local / len(self.patterns) + self._usage_bonus(e), worst, hits

    def _usage_bonus(self, e: _Entry) -> float:
        state = self.state
        bonus = _PINNED if e.phrase.pinned else 0.0
        u = state.usage.get(e.key)
        if u is not None:
            f = decayed(u.score, u.last_used, self.now)
            bonus += _USAGE * f / (f + _USAGE_HALF)
        last = state.last_used
        if last is not None and 0 <= self.now - last[1] <= NEXT_PHRASE_WINDOW_S and last[0] != e.key:
            c = state.transitions.get(last[0], {}).get(e.key, 0)
            bonus += _NEXT * c / (c + 2)
        return bonus

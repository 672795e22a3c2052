"""Usage: frecency for ranking, which phrase followed which, and the per-day counts of the lead's report.

Kept by a phrase's usage key (an override counts for its original), so a team re-import keeps it. The
report's counts (`usage_daily`) name uids, library versions, listed 禁语 and normalised misses: a
query is folded, cut and digit-masked here, before it is stored, so no caller can store a raw one.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from palette.core.model import PERSONAL_LIBRARY, Usage, UsageKind
from palette.core.store.changes import StoreChange
from palette.core.store.phrases import PhrasesArea

FRECENCY_HALF_LIFE_S = 7 * 24 * 3600.0  # a use a week ago counts half as much as one now
NEXT_PHRASE_WINDOW_S = 30 * 60.0  # two uses this close are one conversation's consecutive steps
EVENT_LOG_CAP = 50_000
REPORT_KEEP_DAYS = 35  # daily counts older than this are dropped: a report covers one day, a merge a month
MISS_MAX_CHARS = 12
MISS_TYPED_MAX_CHARS = 20  # a longer query is a customer's message pasted in, not a search: never counted
MISS_KIND = "miss"  # usage_daily rows that count a search which found nothing (key: the normalised query)
WORD_KIND = "guard_word"  # … that count a listed 禁语 pasted anyway (key: the word, library: its list)
_SPACES = re.compile(r"\s+")


def normalise_miss(query: str) -> str:
    """What a search that found nothing is counted as: width-folded, casefolded, spaces collapsed, every
    digit masked as `#`, at most 12 characters; "" (not counted at all) for a query longer than a typed
    search, or with nothing but digits and marks left (a phone number, an order number)."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", query).casefold()).strip()
    if len(text) > MISS_TYPED_MAX_CHARS:
        return ""
    text = "".join("#" if c.isdigit() else c for c in text)[:MISS_MAX_CHARS].strip()
    return text if any(c.isalpha() for c in text) else ""


def decayed(score: float, since: float, now: float) -> float:
    """A frecency score `since` seconds ago, decayed to `now`."""
    return score * math.pow(0.5, max(0.0, now - since) / FRECENCY_HALF_LIFE_S)


class UsageArea(PhrasesArea):
    """Counting pastes, and reading the counts and transitions back for the search index."""

    def record_use(self, uid: str, now: float | None = None) -> None:
        """Count one paste: frecency for ranking, and which phrase followed which for suggestions."""
        now = time.time() if now is None else now
        phrase = self.get(uid)
        key = phrase.usage_key if phrase else uid
        with self.transaction():
            row = self.db.execute("SELECT count, last_used, score FROM usage WHERE uid = ?", [key]).fetchone()
            if row is None:
                self.db.execute("INSERT INTO usage VALUES (?, 1, ?, 1.0)", [key, now])
            else:
                score = decayed(row[2], row[1], now) + 1.0
                self.db.execute(
                    "UPDATE usage SET count = ?, last_used = ?, score = ? WHERE uid = ?",
                    [row[0] + 1, now, score, key],
                )
            last = self.db.execute("SELECT ts, uid FROM usage_events ORDER BY id DESC LIMIT 1").fetchone()
            prev = last[1] if last and 0 <= now - last[0] <= NEXT_PHRASE_WINDOW_S and last[1] != key else None
            self.db.execute("INSERT INTO usage_events (ts, uid, prev_uid) VALUES (?, ?, ?)", [now, key, prev])
            self.db.execute(
                "DELETE FROM usage_events WHERE id <= (SELECT MAX(id) FROM usage_events) - ?", [EVENT_LOG_CAP]
            )
        self._notify(StoreChange(uids=[key], usage=True))

    def usage(self) -> dict[str, Usage]:
        return {r[0]: Usage(*r) for r in self.db.execute("SELECT uid, count, last_used, score FROM usage")}

    def last_used(self) -> tuple[str, float] | None:
        """The most recently used phrase key and when, for next-phrase suggestions."""
        row = self.db.execute("SELECT uid, ts FROM usage_events ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def transitions(self) -> dict[str, Counter[str]]:
        """prev uid → how often each uid followed it within one conversation."""
        table: dict[str, Counter[str]] = {}
        for prev, uid, n in self.db.execute(
            "SELECT prev_uid, uid, COUNT(*) FROM usage_events WHERE prev_uid IS NOT NULL GROUP BY prev_uid, uid"
        ):
            table.setdefault(prev, Counter())[uid] = n
        return table

    # -- the lead's daily report ---------------------------------------------------------------------------

    def record_event(self, uid: str, kind: UsageKind, *, day: date | None = None) -> None:
        """Count `kind` for a team or standard phrase (an override counts for its original) and the version
        of its library; the agent's own phrases are theirs and not counted."""
        phrase = self.get(uid)
        if phrase is not None and phrase.override_of:
            phrase = self.get(phrase.override_of)
        if phrase is None or phrase.library == PERSONAL_LIBRARY:
            return
        self._count(day, kind.value, [(phrase.uid, phrase.library, self._library_version(phrase.library))])

    def record_guard_override(self, uid: str, words: Iterable[tuple[str, str]], *, day: date | None = None) -> None:
        """The agent pasted `uid` anyway after a 禁语 warning on `words` ((word, list) pairs); the words of
        the agent's own list are not counted."""
        listed = [(w, source, "") for w, source in words if source != PERSONAL_LIBRARY]
        with self.transaction():
            self.record_event(uid, UsageKind.GUARD_OVERRIDDEN, day=day)
            self._count(day, WORD_KIND, listed)

    def record_miss(self, query: str, *, day: date | None = None) -> None:
        """A typed search found nothing: count its normalised form (see `normalise_miss`)."""
        key = normalise_miss(query)
        if key:
            self._count(day, MISS_KIND, [(key, "", "")])

    def daily_counts(self, day: date) -> list[tuple[str, str, str, str, int]]:
        """(kind, key, library, version, n) for every count of `day`."""
        rows = self.db.execute(
            "SELECT kind, key, library, version, n FROM usage_daily WHERE day = ? ORDER BY kind, key",
            [day.isoformat()],
        )
        return [(str(k), str(key), str(lib), str(v), int(n)) for k, key, lib, v, n in rows]

    def _library_version(self, name: str) -> str:
        """The version a report names: the library's own, else the start of the checksum of its source."""
        row = self.db.execute("SELECT version, checksum FROM libraries WHERE name = ?", [name]).fetchone()
        return (row[0] or row[1][:12]) if row else ""

    def _count(self, day: date | None, kind: str, keys: Iterable[tuple[str, str, str]]) -> None:
        today = day or date.today()
        with self.transaction():
            self.db.conn.executemany(
                "INSERT INTO usage_daily (day, kind, key, library, version, n) VALUES (?, ?, ?, ?, ?, 1)"
                " ON CONFLICT(day, kind, key, library, version) DO UPDATE SET n = n + 1",
                [(today.isoformat(), kind, key, lib, version) for key, lib, version in keys],
            )
            cutoff = today - timedelta(days=REPORT_KEEP_DAYS)
            self.db.execute("DELETE FROM usage_daily WHERE day < ?", [cutoff.isoformat()])

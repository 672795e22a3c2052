"""Usage: frecency for ranking and which phrase followed which, for next-phrase suggestions.

Kept by a phrase's usage key (an override counts for its original), so a team re-import keeps it.
"""

from __future__ import annotations

import math
import time
from collections import Counter

from palette.core.model import Usage
from palette.core.store.changes import StoreChange
from palette.core.store.phrases import PhrasesArea

FRECENCY_HALF_LIFE_S = 7 * 24 * 3600.0  # a use a week ago counts half as much as one now
NEXT_PHRASE_WINDOW_S = 30 * 60.0  # two uses this close are one conversation's consecutive steps
EVENT_LOG_CAP = 50_000


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

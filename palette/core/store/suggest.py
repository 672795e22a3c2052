"""What suggestions read and learn: team 同义词 groups and the learned (word → phrase) counts.

Learning keeps counted words only, never a message: the suggester passes words its index already
holds (library words and synonyms), so a customer's name or number cannot end up here.
"""

from __future__ import annotations

from collections.abc import Iterable

from palette.core.store.changes import StoreChange
from palette.core.store.usage import UsageArea

MAX_PAIRS = 200_000  # learned rows kept; past it the rarest go (bounded whatever an agent pastes)
MAX_WORDS_PER_USE = 16  # words one paste counts


class SuggestArea(UsageArea):
    """Learned pairs, and the reset of every usage statistic."""

    def learned_pairs(self) -> dict[str, dict[str, int]]:
        """word → phrase usage key → how often a phrase was pasted after a message holding the word."""
        out: dict[str, dict[str, int]] = {}
        for word, uid, count in self.db.execute("SELECT word, uid, count FROM suggest_pairs"):
            out.setdefault(str(word), {})[str(uid)] = int(count)
        return out

    def learned_for(self, uid: str) -> dict[str, int]:
        """word → count for one phrase usage key (what a paste changed)."""
        rows = self.db.execute("SELECT word, count FROM suggest_pairs WHERE uid = ?", [uid])
        return {str(w): int(n) for w, n in rows}

    def count_pairs(self, words: Iterable[str], uid: str) -> None:
        """Count one paste of `uid` after a message with these (index) words."""
        phrase = self.get(uid)
        key = phrase.usage_key if phrase else uid
        chosen = sorted(set(words))[:MAX_WORDS_PER_USE]
        if not chosen:
            return
        with self.transaction():
            self.db.conn.executemany(
                "INSERT INTO suggest_pairs (word, uid, count) VALUES (?, ?, 1)"
                " ON CONFLICT(word, uid) DO UPDATE SET count = count + 1",
                [(w, key) for w in chosen],
            )
            (n,) = self.db.execute("SELECT COUNT(*) FROM suggest_pairs").fetchone()
            if n > MAX_PAIRS:
                self.db.execute(
                    "DELETE FROM suggest_pairs WHERE rowid IN"
                    " (SELECT rowid FROM suggest_pairs ORDER BY count, rowid LIMIT ?)",
                    [n - MAX_PAIRS],
                )
        self._notify(StoreChange(uids=[key], usage=True))

    def reset_usage(self) -> None:
        """Forget the usage statistics: counts, the paste history and the learned pairs."""
        with self.transaction():
            self.db.execute("DELETE FROM usage")
            self.db.execute("DELETE FROM usage_events")
            self.db.execute("DELETE FROM suggest_pairs")
        self._notify(StoreChange(usage=True))

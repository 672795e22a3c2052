"""The agent's profile, the stored settings and the 服务禁语 lists: small keyed tables, one write each."""

from __future__ import annotations

import json
from collections.abc import Sequence

from palette.core.model import PERSONAL_LIBRARY, ForbiddenWord
from palette.core.phrase_rules import clean_line, clean_text
from palette.core.store.changes import ChangesArea, StoreChange
from palette.core.store.errors import StoreError


class SettingsArea(ChangesArea):
    """Profile, settings and forbidden words; every change is told as `StoreChange(settings=True)`."""

    def profile(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM profile ORDER BY rowid").fetchall())

    def set_profile(self, key: str, value: str) -> None:
        key, value = clean_line(key), clean_line(value)
        if not key:
            raise StoreError("a profile key cannot be empty")
        with self.transaction():
            if value == "":
                self.db.execute("DELETE FROM profile WHERE key = ?", [key])
            else:
                self.db.execute(
                    "INSERT INTO profile (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
        self._notify(StoreChange(settings=True))

    def settings(self) -> dict[str, object]:
        """Stored settings only (JSON values); `config.Settings` adds defaults and validation."""
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM settings")}

    def set_setting(self, key: str, value: object) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )
        self._notify(StoreChange(settings=True))

    # -- forbidden words (服务禁语) ------------------------------------------------------------------

    def forbidden_words(self) -> list[ForbiddenWord]:
        rows = self.db.execute("SELECT word, suggestion, source FROM forbidden_words ORDER BY source, rowid")
        return [ForbiddenWord(*r) for r in rows]

    def add_forbidden_word(self, word: str, suggestion: str = "", source: str = PERSONAL_LIBRARY) -> None:
        word, suggestion = clean_line(word), clean_line(suggestion)
        if not word:
            raise StoreError("a forbidden word cannot be empty")
        with self.transaction():
            self.db.execute(
                "INSERT INTO forbidden_words (source, word, suggestion) VALUES (?, ?, ?)"
                " ON CONFLICT(source, word) DO UPDATE SET suggestion = excluded.suggestion",
                [source, word, suggestion],
            )
        self._notify(StoreChange(settings=True))

    def remove_forbidden_word(self, word: str, source: str = PERSONAL_LIBRARY) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM forbidden_words WHERE source = ? AND word = ?", [source, word])
        self._notify(StoreChange(settings=True))

    def _replace_forbidden(self, source: str, words: Sequence[ForbiddenWord]) -> None:
        self.db.execute("DELETE FROM forbidden_words WHERE source = ?", [source])
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO forbidden_words (source, word, suggestion) VALUES (?, ?, ?)",
            [(source, clean_text(w.word), clean_text(w.suggestion)) for w in words],
        )

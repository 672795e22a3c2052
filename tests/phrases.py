"""The optional fields of a Phrase, typed, for the tests' helpers that build one with keyword arguments."""

from __future__ import annotations

from typing import TypedDict


class UnorderedFields(TypedDict, total=False):
    """For helpers that take the sort order as an argument of their own."""

    shortcut: str
    tags: tuple[str, ...]
    override_of: str | None
    pinned: bool
    hidden: bool


class PhraseFields(UnorderedFields, total=False):
    sort_order: int

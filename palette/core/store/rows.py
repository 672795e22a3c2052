"""How a `Phrase` maps onto a `phrases` row and back, how layers are compared and how they resolve.

Pure functions over rows and phrases, shared by the library and phrase areas of the store (and by
callers that diff or resolve phrases they hold, through `diff_phrases` and `effective_phrases`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from typing import Any

from palette.core.model import LayerDiff, Phrase, SendMode
from palette.core.phrase_rules import check_phrase, clean_line, clean_text
from palette.core.store.errors import InvalidPhraseError, StoreError
from palette.core.validity import check_window, in_window

_PHRASE_COLUMNS = (
    "p.uid, p.library, p.category, p.title, p.body, p.shortcut, p.tags, p.sort_order, p.override_of, p.send"
)
PHRASE_SELECT = f"""
    SELECT {_PHRASE_COLUMNS}, COALESCE(f.pinned, 0), COALESCE(f.hidden, 0), p.valid_from, p.valid_until,
        p.questions, p.keywords
    FROM phrases p LEFT JOIN phrase_flags f ON f.uid = COALESCE(p.override_of, p.uid)
"""


_SEND_MODES = {m.value: m for m in SendMode}  # anything else in the column is the library's default


def row_to_phrase(row: Sequence[Any]) -> Phrase:
    return Phrase(
        uid=row[0],
        library=row[1],
        category=row[2],
        title=row[3],
        body=row[4],
        shortcut=row[5],
        tags=tuple(json.loads(row[6])),
        sort_order=row[7],
        override_of=row[8],
        send=_SEND_MODES.get(row[9]),
        pinned=bool(row[10]),
        hidden=bool(row[11]),
        valid_from=row[12],
        valid_until=row[13],
        questions=_words(row[14]),
        keywords=_words(row[15]),
    )


_NO_WORDS = "[]"


def _words(text: str) -> tuple[str, ...]:
    """A questions/keywords column: most rows hold none, and skip the JSON parse."""
    return () if text == _NO_WORDS else tuple(json.loads(text))


def words_json(words: tuple[str, ...]) -> str:
    return json.dumps(list(words), ensure_ascii=False) if words else _NO_WORDS


def _content(p: Phrase) -> tuple[object, ...]:
    """The fields a library layer owns; agent state (pins, hidden, usage) is not part of it.

    `sort_order` stays last: `diff_rows` tells a moved phrase from an edited one by it.
    """
    images = tuple(r.sha256 for r in p.images)
    return (
        p.category,
        p.title,
        p.body,
        p.shortcut,
        tuple(p.tags),
        p.valid_from,
        p.valid_until,
        p.questions,
        p.keywords,
        p.send,
        images,
        p.sort_order,
    )


def diff_phrases(old: Iterable[Phrase], new: Sequence[Phrase]) -> LayerDiff:
    """Compare a layer's stored phrases with a replacement, by uid and layer-owned content."""
    return diff_rows({p.uid: _content(p) for p in old}, new)


def diff_rows(
    before: dict[str, tuple[object, ...]],
    new: Sequence[Phrase],
    content: Callable[[Phrase], tuple[object, ...]] = _content,
) -> LayerDiff:
    added, changed, unchanged, moved = [], [], [], []
    for p in new:
        prev = before.get(p.uid)
        if prev is None:
            added.append(p.uid)
            continue
        mine = content(p)
        if prev == mine:
            unchanged.append(p.uid)
            continue
        changed.append(p.uid)
        if prev[:-1] == mine[:-1]:  # sort_order is last
            moved.append(p.uid)
    new_uids = {p.uid for p in new}
    removed = [uid for uid in before if uid not in new_uids]
    return LayerDiff(tuple(added), tuple(changed), tuple(removed), tuple(unchanged), moved=tuple(moved))


def effective_phrases(
    phrases: Iterable[Phrase],
    library_order: Sequence[str] = (),
    *,
    disabled: Collection[str] = (),
    today: str | None = None,
) -> list[Phrase]:
    """Resolve layers: an override takes its original's place; hidden phrases are dropped.

    The phrases of `disabled` libraries are dropped first, so the agent's own version of one of them
    stays, shown in 我的话术's place like an override whose original is gone. With `today` (ISO), a
    phrase outside its validity window is dropped, and so is the agent's version of it: expired
    tariff wording leaves the shelf however it was customised.
    """
    phrases = [p for p in phrases if p.library not in disabled] if disabled else list(phrases)
    by_uid = {p.uid: p for p in phrases}
    overrides = {p.override_of: p for p in phrases if p.override_of in by_uid}
    rank = {name: i for i, name in enumerate(library_order)}
    placed: list[tuple[int, int, Phrase]] = []
    for p in phrases:
        if p.override_of in by_uid:
            continue  # shown where its original sits
        shown = overrides.get(p.uid, p)
        if shown.hidden or (today is not None and not (in_window(p, today) and in_window(shown, today))):
            continue
        placed.append((rank.get(p.library, len(rank)), p.sort_order, shown))
    placed.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in placed]


_PHRASE_ROW_COLUMNS = (
    "uid",
    "library",
    "category",
    "title",
    "body",
    "shortcut",
    "tags",
    "sort_order",
    "override_of",
    "send",
    "updated_at",
    "valid_from",
    "valid_until",
    "questions",
    "keywords",
)
UPSERT_PHRASE = (
    f"INSERT INTO phrases ({', '.join(_PHRASE_ROW_COLUMNS)}) VALUES ({', '.join('?' * len(_PHRASE_ROW_COLUMNS))})"
    f" ON CONFLICT(uid) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _PHRASE_ROW_COLUMNS[1:])}"
)


def layer_row(p: Phrase, library: str, now: float, tags_json: dict[tuple[str, ...], str]) -> tuple[object, ...]:
    """A phrases row for a library layer, in `_PHRASE_ROW_COLUMNS` order, its text cleaned."""
    tags = tags_json.get(p.tags)
    if tags is None:
        tags = tags_json[p.tags] = json.dumps([clean_text(t) for t in p.tags], ensure_ascii=False)
    text = (clean_text(p.category), clean_text(p.title), clean_text(p.body), clean_text(p.shortcut))
    questions = tuple(clean_text(q) for q in p.questions)
    keywords = tuple(clean_text(k) for k in p.keywords)
    return (
        p.uid,
        library,
        *text,
        tags,
        p.sort_order,
        p.override_of,
        p.send,
        now,
        p.valid_from,
        p.valid_until,
        words_json(questions),
        words_json(keywords),
    )


def clean_row(p: Phrase) -> Phrase:
    """`p`'s text as `layer_row` stores it, for `checked` (no copy in the common, clean case)."""
    text = (p.category, p.title, p.body, p.shortcut)
    cleaned = tuple(map(clean_text, text))
    return (
        p
        if cleaned == text
        else replace(p, category=cleaned[0], title=cleaned[1], body=cleaned[2], shortcut=cleaned[3])
    )


def phrase_row(p: Phrase, now: float) -> dict[str, Any]:
    """A phrases row; keys in `_PHRASE_ROW_COLUMNS` order."""
    return {
        "uid": p.uid,
        "library": p.library,
        "category": p.category,
        "title": p.title,
        "body": p.body,
        "shortcut": p.shortcut,
        "tags": json.dumps(list(p.tags), ensure_ascii=False),
        "sort_order": p.sort_order,
        "override_of": p.override_of,
        "send": p.send,
        "updated_at": now,
        "valid_from": p.valid_from,
        "valid_until": p.valid_until,
        "questions": words_json(p.questions),
        "keywords": words_json(p.keywords),
    }


_LINE_FIELDS = ("category", "title", "shortcut")


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Content fields as they may be stored (`phrase_rules`); `checked` then says whether they may."""
    out = dict(fields)
    for name in _LINE_FIELDS:
        if name in out:
            out[name] = clean_line(out[name])
    if "body" in out:
        out["body"] = clean_text(out["body"])
    if "tags" in out:
        out["tags"] = tuple(t for t in (clean_line(t) for t in out["tags"]) if t)
    if "images" in out:
        out["images"] = tuple(out["images"])
    if "send" in out:
        out["send"] = SendMode(out["send"]) if out["send"] else None
    return out


def checked(p: Phrase, *, where: str = "", keep_shortcut: bool = False) -> Phrase:
    """`p`, or `InvalidPhraseError` with what `check_phrase` finds. `keep_shortcut`: the code is one
    already stored (an undo, an edit that leaves it), kept even if written before the rule."""
    problems = check_phrase(p.category, p.title, p.body, "" if keep_shortcut else p.shortcut, p.tags)
    if problems:
        raise InvalidPhraseError(problems, where)
    if (p.valid_from or p.valid_until) and (bad := check_window(p.valid_from, p.valid_until)) is not None:
        raise StoreError(f"{where}: {bad}" if where else bad)
    return p


def content_fields(p: Phrase) -> dict[str, Any]:
    return {"category": p.category, "title": p.title, "body": p.body, "shortcut": p.shortcut, "tags": p.tags}

"""search, suggest, usage, add, profile, config: the agent's own phrases and settings."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from palette.cli.common import EXIT_OK, UsageError, open_store, print_json
from palette.cli.guard import check_new_body, render_context
from palette.core.escaping import escaped
from palette.core.model import ImageRef, SendMode
from palette.core.phrase_rules import SHORTCUT, split_tags

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from palette.core.model import Library, Phrase
    from palette.core.placeholders import Context
    from palette.core.store import Store


def cmd_search(args: argparse.Namespace) -> int:
    from palette.core.search import SearchIndex

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    query = " ".join(args.query)
    with open_store() as store:
        index = SearchIndex.from_store(store)
        hits = index.query(query, limit=args.limit)
        unknown = index.unknown_categories(query) if not hits else []
        context = render_context(store)
        marked = store.team_updates()
        libraries = {lib.name: lib for lib in store.libraries()}
    for word in unknown:
        print(f'palette: note: no category matches "{word}"', file=sys.stderr)
    rows = [_hit_row(h.phrase, h.score, context, marked, libraries) for h in hits]
    if args.json:
        print_json(rows)
    else:
        _print_rows(rows)
        if not rows and not unknown:
            print("no phrase matches", file=sys.stderr)
    return EXIT_OK


def _hit_row(
    phrase: Phrase, score: float, context: Context, marked: Collection[str], libraries: Mapping[str, Library]
) -> dict[str, Any]:
    """One hit as `search --json` prints it (and `suggest --json`, which adds why and confident)."""
    from palette.core.placeholders import render

    rendered = render(phrase.body, context)
    return {
        "uid": phrase.uid,
        "library": phrase.library,
        "category": phrase.category,
        "title": phrase.title,
        "body": phrase.body,
        "shortcut": phrase.shortcut,
        "score": round(score, 4),
        "rendered": rendered.text,
        "missing": list(rendered.missing),
        "team_updated": phrase.usage_key in marked,
        "valid_until": phrase.valid_until,
        "images": [{"sha256": r.sha256, "mime": r.mime, "width": r.width, "height": r.height} for r in phrase.images],
        "send": libraries[phrase.library].send_of(phrase).value,
    }


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for n, row in enumerate(rows, start=1):
        code = f" [{row['shortcut']}]" if row["shortcut"] else ""
        mark = "  [团队已更新]" if row["team_updated"] else ""
        pics = f" +{len(row['images'])} 图" if row["images"] else ""
        print(escaped(f"{n:2}. {row['category']} › {row['title']}{code}{pics}  ({row['uid']}){mark}"))
        if row.get("why"):
            print(escaped(f"    matched: {'、'.join(row['why'])}" + ("" if row["confident"] else " (not confident)")))
        print(escaped(f"    {row['rendered']}", keep="\n\t"))


def cmd_suggest(args: argparse.Namespace) -> int:
    """Never logs the message: it is the customer's words."""
    from palette.core.suggest import build_suggester

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    message = " ".join(args.text)
    if not message.strip():
        raise UsageError("TEXT: the message is empty")
    with open_store() as store:
        suggester = build_suggester(store)
        found = suggester.suggest(message, limit=args.limit)
        phrases = {p.uid: p for p in store.visible_phrases()} if found else {}
        context = render_context(store)
        marked = store.team_updates()
        libraries = {lib.name: lib for lib in store.libraries()}
    rows = [
        _hit_row(phrases[s.uid], s.score, context, marked, libraries) | {"why": list(s.why), "confident": s.confident}
        for s in found
        if s.uid in phrases
    ]
    if args.json:
        print_json(rows)
    else:
        _print_rows(rows)
        if not rows:
            print("no confident suggestion", file=sys.stderr)
    return EXIT_OK


def cmd_usage(args: argparse.Namespace) -> int:
    with open_store() as store:
        store.reset_usage()
    print("usage statistics reset: counts, paste history and learned suggestion words")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    fields = {"category": args.category, "title": args.title, "body": args.body}
    for name, value in fields.items():
        if not value.strip():
            raise UsageError(f"--{name} cannot be empty")
    shortcut = args.shortcut.strip()
    if shortcut and not SHORTCUT.fullmatch(shortcut):
        raise UsageError(f"--shortcut {shortcut!r}: use 1-20 letters, digits, '_', '.' or '-'")
    valid_from, valid_until = _window(args.valid_from, args.valid_until)
    pictures = [(path, _read_image(path)) for path in args.image]
    with open_store() as store:  # a shortcut already in use: the store refuses it under its write lock
        warnings = check_new_body(store, args.body)
        with store.transaction():  # the pictures and the phrase that links them, or nothing
            refs = [_add_image(store, path, data) for path, data in pictures]
            phrase = store.add_phrase(
                category=args.category.strip(),
                title=args.title.strip(),
                body=args.body,
                shortcut=shortcut,
                tags=split_tags(args.tags),
                valid_from=valid_from,
                valid_until=valid_until,
                images=refs,
                send=SendMode(args.send) if args.send else None,
            )
    for line in warnings:
        print(escaped(f"palette: warning: --body: {line}"), file=sys.stderr)
    print(phrase.uid)
    return EXIT_OK


def _window(start: str, end: str) -> tuple[str, str]:
    """--valid-from / --valid-until as ISO dates; a date that names no day is a one-line error."""
    from palette.core.validity import DateError, check_window, parse_date

    dates = []
    for option, text in (("--valid-from", start), ("--valid-until", end)):
        try:
            dates.append(parse_date(text))
        except DateError as e:
            raise UsageError(f"{option}: {e}") from None
    problem = check_window(dates[0], dates[1])
    if problem is not None:
        raise UsageError(f"--valid-until: {problem}")
    return dates[0], dates[1]


def _read_image(path: str) -> bytes:
    """An --image file's bytes, refused in one line before more than the size limit is read."""
    from pathlib import Path

    from palette.core.library_io.pictures import read_image_file

    try:
        return read_image_file(Path(path))
    except ValueError as e:
        raise UsageError(f"--image {path}: {e}") from None
    except OSError as e:
        raise UsageError(f"--image {path}: cannot read ({e.strerror or e})") from None


def _add_image(store: Store, path: str, data: bytes) -> ImageRef:
    from palette.core.store import InvalidImageStoreError

    try:
        return store.add_image(data)
    except InvalidImageStoreError as e:
        raise UsageError(f"--image {path}: {e}") from None


def cmd_profile(args: argparse.Namespace) -> int:
    with open_store() as store:
        if args.action == "set":
            store.set_profile(args.name, args.value)
            return EXIT_OK
        profile = store.profile()
    if args.json:
        print_json(profile)
    else:
        for key, value in profile.items():
            print(escaped(f"{key}={value}"))
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from palette.core.config import Settings

    with open_store() as store:
        settings = Settings(store)
        if args.action == "set":
            settings.set_text(args.key, args.value)
            return EXIT_OK
        values = settings.config().as_json()
    if args.json:
        print_json(values)
    else:
        for key, value in values.items():
            print(escaped(f"{key} = {json.dumps(value, ensure_ascii=False)}"))
    return EXIT_OK

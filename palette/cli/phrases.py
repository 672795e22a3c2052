"""search, add, profile, config: the agent's own phrases and settings."""

from __future__ import annotations

import argparse
import json
import sys

from palette.cli.common import EXIT_OK, UsageError, open_store, print_json
from palette.cli.guard import check_new_body, render_context
from palette.core.escaping import escaped
from palette.core.phrase_rules import SHORTCUT, split_tags


def cmd_search(args: argparse.Namespace) -> int:
    from palette.core.placeholders import render
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
    for word in unknown:
        print(f'palette: note: no category matches "{word}"', file=sys.stderr)
    rendered = {h.phrase.uid: render(h.phrase.body, context) for h in hits}
    rows = [
        {
            "uid": h.phrase.uid,
            "library": h.phrase.library,
            "category": h.phrase.category,
            "title": h.phrase.title,
            "body": h.phrase.body,
            "shortcut": h.phrase.shortcut,
            "score": round(h.score, 4),
            "rendered": rendered[h.phrase.uid].text,
            "missing": list(rendered[h.phrase.uid].missing),
            "team_updated": h.phrase.usage_key in marked,
            "valid_until": h.phrase.valid_until,
        }
        for h in hits
    ]
    if args.json:
        print_json(rows)
    else:
        for n, row in enumerate(rows, start=1):
            code = f" [{row['shortcut']}]" if row["shortcut"] else ""
            mark = "  [团队已更新]" if row["team_updated"] else ""
            print(escaped(f"{n:2}. {row['category']} › {row['title']}{code}  ({row['uid']}){mark}"))
            print(escaped(f"    {row['rendered']}", keep="\n\t"))
        if not rows and not unknown:
            print("no phrase matches", file=sys.stderr)
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
    with open_store() as store:  # a shortcut already in use: the store refuses it under its write lock
        warnings = check_new_body(store, args.body)
        phrase = store.add_phrase(
            category=args.category.strip(),
            title=args.title.strip(),
            body=args.body,
            shortcut=shortcut,
            tags=split_tags(args.tags),
            valid_from=valid_from,
            valid_until=valid_until,
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

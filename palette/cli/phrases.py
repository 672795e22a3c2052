"""search, add, profile, config: the agent's own phrases and settings."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from typing import TYPE_CHECKING

from palette.cli.common import EXIT_OK, UsageError, open_store, print_json
from palette.cli.guard import check_new_body, render_context
from palette.core.escaping import escaped
from palette.core.model import ImageRef, SendMode
from palette.core.phrase_rules import SHORTCUT, split_tags

if TYPE_CHECKING:
    from palette.core.store import Store


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
        send_of = {lib.name: lib.send_of for lib in store.libraries()}
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
            "images": [
                {"sha256": r.sha256, "mime": r.mime, "width": r.width, "height": r.height} for r in h.phrase.images
            ],
            "send": send_of[h.phrase.library](h.phrase).value,
        }
        for h in hits
    ]
    if args.json:
        print_json(rows)
    else:
        for n, (row, hit) in enumerate(zip(rows, hits, strict=True), start=1):
            code = f" [{row['shortcut']}]" if row["shortcut"] else ""
            pics = f" +{len(hit.phrase.images)} 图" if hit.phrase.images else ""
            print(escaped(f"{n:2}. {row['category']} › {row['title']}{code}{pics}  ({row['uid']})"))
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
                images=refs,
                send=SendMode(args.send) if args.send else None,
            )
    for line in warnings:
        print(escaped(f"palette: warning: --body: {line}"), file=sys.stderr)
    print(phrase.uid)
    return EXIT_OK


def _read_image(path: str) -> bytes:
    """An --image file's bytes, refused in one line before more than the size limit is read."""
    from palette.core.images import MAX_IMAGE_BYTES

    try:  # O_NONBLOCK: opening a FIFO never blocks; then regular files only
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise UsageError(f"--image {path}: not a regular file")
            data = f.read(MAX_IMAGE_BYTES + 1)
    except OSError as e:
        raise UsageError(f"--image {path}: cannot read ({e.strerror or e})") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise UsageError(f"--image {path}: more than the {MAX_IMAGE_BYTES // 1048576} MB allowed")
    return data


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

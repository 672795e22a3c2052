"""The `palette` command line: the contract of DESIGN.md over the same core the app uses.

Every command honours `$PALETTE_HOME`, exits 0 on success and 2 with one line on stderr for bad
input. Only `palette` (no command) and `palette show` touch Qt, and they import it lazily.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from palette import __version__

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"palette: error: {message} (see palette --help)\n")


def _split_tags(text: str) -> list[str]:
    return [t for t in (s.strip() for s in re.split(r"[,,、;;]", text)) if t]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="palette", description="快捷话术板: approved phrases, pasted into the window you came from.")
    parser.add_argument("--version", action="version", version=f"palette {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser("show", help="show the running app's palette")

    p = sub.add_parser("search", help="find phrases")
    p.add_argument("query", metavar="QUERY", nargs="+")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("add", help="add a personal phrase; prints its uid")
    p.add_argument("--category", required=True, metavar="C")
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--body", required=True, metavar="B")
    p.add_argument("--shortcut", default="", metavar="S")
    p.add_argument("--tags", default="", metavar="a,b")

    p = sub.add_parser("profile", help="the agent's profile (公司名称, 工号 …)")
    psub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    q = psub.add_parser("show")
    q.add_argument("--json", action="store_true")
    q = psub.add_parser("set")
    q.add_argument("name", metavar="NAME")
    q.add_argument("value", metavar="VALUE", help="an empty value removes the entry")

    p = sub.add_parser("config", help="settings (hotkey, paste_key, restore_clipboard …)")
    psub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    q = psub.add_parser("show")
    q.add_argument("--json", action="store_true")
    q = psub.add_parser("set")
    q.add_argument("key", metavar="KEY")
    q.add_argument("value", metavar="VALUE")
    return parser


# -- commands -------------------------------------------------------------------------------------


def _open_store() -> Any:
    from palette.core import paths
    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store

    store = Store(paths.database_path())
    try:
        ensure_standard_library(store)
    except BaseException:
        store.close()
        raise
    return store


def cmd_search(args: argparse.Namespace) -> int:
    from palette.core.search import SearchIndex

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    query = " ".join(args.query)
    with _open_store() as store:
        hits = SearchIndex.from_store(store).query(query, limit=args.limit)
    rows = [
        {
            "uid": h.phrase.uid,
            "library": h.phrase.library,
            "category": h.phrase.category,
            "title": h.phrase.title,
            "body": h.phrase.body,
            "shortcut": h.phrase.shortcut,
            "score": round(h.score, 4),
            "rendered": h.phrase.body,
            "missing": [],
        }
        for h in hits
    ]
    if args.json:
        _print_json(rows)
    else:
        for n, row in enumerate(rows, start=1):
            code = f" [{row['shortcut']}]" if row["shortcut"] else ""
            print(f"{n:2}. {row['category']} › {row['title']}{code}  ({row['uid']})")
            print(f"    {row['rendered']}")
        if not rows:
            print("no phrase matches", file=sys.stderr)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    fields = {"category": args.category, "title": args.title, "body": args.body}
    for name, value in fields.items():
        if not value.strip():
            raise UsageError(f"--{name} cannot be empty")
    shortcut = args.shortcut.strip()
    if shortcut and not re.fullmatch(r"[0-9A-Za-z_.-]{1,20}", shortcut):
        raise UsageError(f"--shortcut {shortcut!r}: use 1-20 letters, digits, '_', '.' or '-'")
    with _open_store() as store:
        owner = store.shortcut_owner(shortcut)
        if owner is not None:
            raise UsageError(f"--shortcut {shortcut!r} is already used by {owner.title!r} ({owner.uid})")
        phrase = store.add_phrase(
            category=args.category.strip(),
            title=args.title.strip(),
            body=args.body,
            shortcut=shortcut,
            tags=_split_tags(args.tags),
        )
    print(phrase.uid)
    return EXIT_OK


def cmd_profile(args: argparse.Namespace) -> int:
    with _open_store() as store:
        if args.action == "set":
            store.set_profile(args.name, args.value)
            return EXIT_OK
        profile = store.profile()
    if args.json:
        _print_json(profile)
    else:
        for key, value in profile.items():
            print(f"{key}={value}")
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from palette.core.config import Settings

    with _open_store() as store:
        settings = Settings(store)
        if args.action == "set":
            settings.set_text(args.key, args.value)
            return EXIT_OK
        values = settings.all()
    if args.json:
        _print_json(values)
    else:
        for key, value in values.items():
            print(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from palette.app import main as run_app

    return run_app(show_only=args.command == "show")


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "show": cmd_gui,
    "search": cmd_search,
    "add": cmd_add,
    "profile": cmd_profile,
    "config": cmd_config,
}


# -- entry point ----------------------------------------------------------------------------------


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _expected_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from palette.core.config import ConfigError
    from palette.core.library_io import LibraryFileError
    from palette.core.store import StoreError

    return (UsageError, StoreError, ConfigError, LibraryFileError, sqlite3.DatabaseError)


def main(argv: Sequence[str] | None = None) -> int:
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except _expected_errors() as e:
        print(f"palette: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: one line for the user, the traceback only when asked for
        if os.environ.get("PALETTE_DEBUG"):
            raise
        print(f"palette: internal error: {type(e).__name__}: {e} (PALETTE_DEBUG=1 shows details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

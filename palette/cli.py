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

    p = sub.add_parser("render", help="the finished text of a phrase, or the values it still misses (exit 2)")
    p.add_argument("uid", metavar="UID")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a value for this render")
    p.add_argument("--json", action="store_true", help='print {"uid","rendered","missing"}')

    p = sub.add_parser("lint", help="placeholders and 禁语 in every phrase; exit 1 when it finds problems")
    p.add_argument("--library", metavar="NAME", help="only this library")
    p.add_argument("--json", action="store_true", help="print JSON")
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
    from palette.core.placeholders import render
    from palette.core.search import search

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    query = " ".join(args.query)
    with _open_store() as store:
        hits = search(store.visible_phrases(), query, limit=args.limit)
        context = _render_context(store)
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
        warnings = _check_new_body(store, args.body)
        phrase = store.add_phrase(
            category=args.category.strip(),
            title=args.title.strip(),
            body=args.body,
            shortcut=shortcut,
            tags=_split_tags(args.tags),
        )
    for line in warnings:
        print(f"palette: warning: --body: {line}", file=sys.stderr)
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


# -- placeholders and the 禁语 guard (render, lint; the checks in add and search) -------------------


def _render_context(store: Any) -> Any:
    """Profile, aliases and the clock; no conversation and no clipboard outside the palette."""
    from palette.core.config import Settings
    from palette.core.placeholders import Context

    return Context(profile=store.profile(), aliases=Settings(store).get("placeholder_aliases"))


def _guard(store: Any) -> Any:
    from palette.core.guard import Guard

    return Guard(store.forbidden_words())


def _check_new_body(store: Any, body: str) -> list[str]:
    """Warnings for a phrase about to be saved; a 禁语 refuses it when guard_mode is block."""
    from palette.core.config import Settings
    from palette.core.guard import Kind

    settings = Settings(store)
    mode = settings.get("guard_mode")
    findings = _guard(store).lint(
        body, profile_keys=store.profile().keys(), aliases=settings.get("placeholder_aliases")
    )
    if mode == "off":
        findings = [f for f in findings if f.kind is not Kind.FORBIDDEN]
    forbidden = [f for f in findings if f.kind is Kind.FORBIDDEN]
    if mode == "block" and forbidden:
        raise UsageError(f"--body: {forbidden[0].describe()} (guard_mode is block)")
    return [f.describe() for f in findings]


def _parse_sets(items: Sequence[str], aliases: dict[str, str]) -> dict[str, str]:
    from palette.core.placeholders import canonical

    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {item!r}: expected NAME=VALUE")
        values[canonical(name, aliases)] = value
    return values


def cmd_render(args: argparse.Namespace) -> int:
    from palette.core.config import Settings
    from palette.core.guard import Decision, decide
    from palette.core.model import PERSONAL_LIBRARY
    from palette.core.placeholders import UnfilledPlaceholderError, ensure_pasteable, render

    with _open_store() as store:
        phrase = store.get(args.uid)
        if phrase is None:
            raise UsageError(f"no phrase with uid {args.uid!r}")
        # What the palette would paste: the agent's own version of it, when there is one.
        phrase = next((p for p in store.phrases(PERSONAL_LIBRARY) if p.override_of == phrase.uid), phrase)
        context = _render_context(store)
        guard = _guard(store)
        mode = Settings(store).get("guard_mode")
    rendered = render(phrase.body, context, typed=_parse_sets(args.set, dict(context.aliases)))
    if args.json:
        _print_json({"uid": args.uid, "rendered": rendered.text, "missing": list(rendered.missing)})
    if rendered.missing:
        if not args.json:
            print("\n".join(rendered.missing))
        names = ", ".join(rendered.missing)
        print(f"palette: error: {args.uid} needs a value for {names} (use --set NAME=VALUE)", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        text = ensure_pasteable(rendered)
    except UnfilledPlaceholderError as e:
        raise UsageError(f"{args.uid}: {e} (brought in by a --set value or a stray bracket)") from None
    findings = guard.check(rendered)
    decision = decide(findings, mode)
    if decision is Decision.REFUSE:
        raise UsageError(f"{args.uid}: {findings[0].describe()} (guard_mode is block)")
    if decision is Decision.CONFIRM:
        for f in findings:
            print(f"palette: warning: {f.describe()}", file=sys.stderr)
    if not args.json:
        print(text)
    return EXIT_OK


EXIT_LINT_FOUND = 1


def cmd_lint(args: argparse.Namespace) -> int:
    """Every phrase with a malformed bracket, a likely mistyped placeholder or a 禁语: exit 1 if any."""
    from palette.core.config import Settings

    with _open_store() as store:
        if args.library is not None and store.library(args.library) is None:
            raise UsageError(f"--library: no library named {args.library!r}")
        phrases = store.phrases(library=args.library)
        guard = _guard(store)
        profile_keys = list(store.profile())
        aliases = Settings(store).get("placeholder_aliases")
    rows = [
        {
            "uid": p.uid,
            "library": p.library,
            "title": p.title,
            "kind": f.kind.value,
            "word": f.word,
            "span": list(f.span),
            "suggestion": f.suggestion,
            "problem": f.describe(),
        }
        for p in phrases
        for f in guard.lint(p.body, profile_keys=profile_keys, aliases=aliases)
    ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['uid']}\t{row['title']}\t{row['problem']}")
    flagged = len({row["uid"] for row in rows})
    print(f"palette lint: {len(phrases)} phrases, {flagged} with problems", file=sys.stderr)
    return EXIT_LINT_FOUND if rows else EXIT_OK


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
    "render": cmd_render,
    "lint": cmd_lint,
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

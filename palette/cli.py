"""The `palette` command line over the same core the app uses (docs/DESIGN.md, "The command line contract").

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
from palette.core.escaping import escaped, json_text, one_line
from palette.core.phrase_rules import SHORTCUT, split_tags

EXIT_OK = 0
EXIT_PENDING = 1  # `library check`: an update waits for a confirmation (--yes)
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"palette: error: {one_line(message)} (see palette --help)\n")


def _split_tags(text: str) -> list[str]:
    """Cleaned before splitting: the ';' inside an escape sequence is not a tag separator."""
    from palette.core.phrase_rules import clean_text

    return [t for t in (s.strip() for s in re.split(r"[,,、;;]", clean_text(text))) if t]


MAX_TIMEOUT_S = 600.0  # a longer wait is a hung source, not a slow one


def _seconds(text: str) -> float:
    """A `--timeout`: finite, more than 0 and at most `MAX_TIMEOUT_S` (inf or nan would never end)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (0 < value <= MAX_TIMEOUT_S):  # also false for nan
        raise argparse.ArgumentTypeError(f"{text!r}: use more than 0 and at most {MAX_TIMEOUT_S:g} seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="palette", description="快捷话术板: approved phrases, pasted into the window you came from.")
    parser.add_argument("--version", action="version", version=f"palette {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser("show", help="show the running app's palette")
    sub.add_parser("manage", help="open the running app's phrase manager (管理话术)")
    sub.add_parser("settings", help="open the running app's settings (设置)")

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

    p = sub.add_parser("forbidden", help="服务禁语: list them, add your own, remove yours")
    psub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    q = psub.add_parser("list")
    q.add_argument("--json", action="store_true")
    q = psub.add_parser("add")
    q.add_argument("word", metavar="WORD")
    q.add_argument("--suggest", default="", metavar="TEXT", help="the better wording to suggest")
    q = psub.add_parser("remove")
    q.add_argument("word", metavar="WORD")
    _add_library_commands(sub)
    parser.add_argument("--self-test", action=_SelfTest, nargs=0, help="check the installation and exit (0: all ok)")
    return parser


def _add_library_commands(sub: Any) -> None:
    """`import`, `export` and `library`: team libraries (see the README's team lead section)."""
    p = sub.add_parser("import", help="import a team library from .xlsx, .csv, .json or .db (a path or URL)")
    p.add_argument("source", metavar="PATH_OR_URL")
    p.add_argument("--library", metavar="NAME", help="library name (default: the name in a .db/.json, else the file's)")
    p.add_argument("--sheet", metavar="SHEET", help="read only this sheet (default: every sheet with a body column)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="column HEADER holds FIELD: id, category, title, body, shortcut, tags or ignore (repeatable)",
    )
    p.add_argument("--dry-run", action="store_true", help="print what would change and write nothing")
    p.add_argument("--yes", action="store_true", help="remove phrases without asking, also more than 20 %% of them")
    p.add_argument("--subscribe", action="store_true", help="keep the source; the app re-imports it when it changes")
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        metavar="S",
        help="seconds for the whole download of a URL (default 10)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = sub.add_parser("export", help="export a library; the format follows the extension (.xlsx .csv .json .db)")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--library", metavar="NAME", help="which library (default: 我的话术, your own phrases)")
    p.add_argument("--force", action="store_true", help="replace an existing file (never Palette's own database)")

    p = sub.add_parser("library", help="list libraries, check subscriptions, unsubscribe, remove")
    lsub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    q = lsub.add_parser("list", help="libraries with their phrase counts and sources")
    q.add_argument("--json", action="store_true")
    q = lsub.add_parser("check", help="fetch subscribed sources now and apply what changed")
    q.add_argument("name", metavar="NAME", nargs="?")
    q.add_argument("--timeout", type=_seconds, default=10.0, metavar="S", help="seconds per source (default 10)")
    q.add_argument("--yes", action="store_true", help="apply also an update that removes many phrases")
    q = lsub.add_parser("unsubscribe", help="stop following the source; the phrases stay")
    q.add_argument("name", metavar="NAME")
    q = lsub.add_parser("remove", help="remove a team library and its phrases (your own phrases stay)")
    q.add_argument("name", metavar="NAME")
    q = lsub.add_parser(
        "disable", help="take a library (标准话术 too) out of the search and the palette; nothing is deleted"
    )
    q.add_argument("name", metavar="NAME")
    q = lsub.add_parser("enable", help="bring a disabled library back into the search and the palette")
    q.add_argument("name", metavar="NAME")


# -- --self-test: what IT runs after a mass install, and the bundle's smoke test --------------------

_QT_CHILD = "_PALETTE_SELF_TEST_QT"  # set in the child process that loads Qt's platform plugin


class _SelfTest(argparse.Action):
    """`palette --self-test`: one `ok`/`FAIL` line per check, exit 0 when all pass, else 2."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        if os.environ.get(_QT_CHILD):
            print(_self_test_qt_here())
            parser.exit(EXIT_OK)
        parser.exit(EXIT_OK if _self_test() else EXIT_BAD_INPUT)


def _self_test() -> bool:
    from palette.core import paths
    from palette.core.model import STANDARD_LIBRARY
    from palette.core.search import SearchIndex
    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store

    store: Any = None

    def database() -> str:
        nonlocal store
        store = Store(paths.database_path())
        return str(store.path)

    def standard_library() -> str:
        ensure_standard_library(store)
        count = len(store.phrases(library=STANDARD_LIBRARY))
        if not count:
            raise RuntimeError(f"{STANDARD_LIBRARY} is empty after importing {paths.standard_library_db()}")
        return f"{count} phrases in {STANDARD_LIBRARY}"

    def search() -> str:
        index = SearchIndex.from_store(store)
        counts = {q: len(index.query(q, limit=5)) for q in ("您好", "nh")}
        if not all(counts.values()):
            raise RuntimeError(f"no hits: {counts}")
        return ", ".join(f"{q} → {n} hits" for q, n in counts.items())

    checks: list[tuple[str, Callable[[], str]]] = [
        ("database", database),
        ("standard", standard_library),
        ("search", search),
        ("qt", _self_test_qt),
    ]
    failed = 0
    for name, check in checks:
        if store is None and name in ("standard", "search"):
            print(f"FAIL {name:<9} skipped: no database")
            failed += 1
            continue
        try:
            print(f"ok   {name:<9} {check()}", flush=True)
        except Exception as e:
            print(f"FAIL {name:<9} {type(e).__name__}: {e}", flush=True)
            failed += 1
    if store is not None:
        store.close()
    print(f"palette {__version__} self-test: " + (f"{failed} of {len(checks)} checks FAILED" if failed else "all ok"))
    return not failed


def _self_test_qt() -> str:
    """Qt in a child process: a platform plugin that cannot load aborts the process, not just a check."""
    import subprocess

    env = dict(os.environ, **{_QT_CHILD: "1"})
    headless = not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    me = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "palette"]
    out = subprocess.run([*me, "--self-test"], env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        lines = [line.strip() for line in out.stderr.splitlines() if line.strip()]
        qt_says = [line.split(": ", 1)[-1] for line in lines if line.startswith("qt.")]  # Qt's reasons, in order
        why = " / ".join(qt_says) or (lines[-1] if lines else "no output")
        raise RuntimeError(f"exit {out.returncode}: {why}")
    return out.stdout.strip()


def _self_test_qt_here() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QIcon
    from PySide6.QtNetwork import QLocalServer
    from PySide6.QtWidgets import QApplication

    from palette.core import paths

    app = QApplication(sys.argv[:1])
    icon = QIcon(str(paths.resource("icons", "palette.svg")))
    if icon.pixmap(32, 32).isNull():
        raise SystemExit("qt: cannot render the app icon (the SVG image plugin is missing)")
    QLocalServer(app)  # the single-instance socket: proves QtNetwork loads
    return f"platform {app.platformName()}, PySide6 {pyside_version}, icon rendered"


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
    from palette.core.search import SearchIndex

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    query = " ".join(args.query)
    with _open_store() as store:
        index = SearchIndex.from_store(store)
        hits = index.query(query, limit=args.limit)
        unknown = index.unknown_categories(query) if not hits else []
        context = _render_context(store)
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
        }
        for h in hits
    ]
    if args.json:
        _print_json(rows)
    else:
        for n, row in enumerate(rows, start=1):
            code = f" [{row['shortcut']}]" if row["shortcut"] else ""
            print(_safe(f"{n:2}. {row['category']} › {row['title']}{code}  ({row['uid']})"))
            print(_safe(f"    {row['rendered']}", keep="\n\t"))
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
    with _open_store() as store:  # a shortcut already in use: the store refuses it under its write lock
        warnings = _check_new_body(store, args.body)
        phrase = store.add_phrase(
            category=args.category.strip(),
            title=args.title.strip(),
            body=args.body,
            shortcut=shortcut,
            tags=split_tags(args.tags),
        )
    for line in warnings:
        print(_safe(f"palette: warning: --body: {line}"), file=sys.stderr)
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
            print(_safe(f"{key}={value}"))
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
            print(_safe(f"{key} = {json.dumps(value, ensure_ascii=False)}"))
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
    for n, item in enumerate(items, start=1):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():  # never echo the item: it may be a value typed for a customer
            raise UsageError(f"--set number {n}: expected NAME=VALUE")
        values[canonical(name, aliases)] = value
    return values


def cmd_render(args: argparse.Namespace) -> int:
    from palette.core.config import Settings
    from palette.core.guard import Decision, decide
    from palette.core.model import PERSONAL_LIBRARY
    from palette.core.placeholders import UnfilledPlaceholderError, ensure_pasteable, render
    from palette.core.punctuation import to_full_width

    with _open_store() as store:
        phrase = store.get(args.uid)
        if phrase is None:
            raise UsageError(f"no phrase with uid {args.uid!r}")
        # What the palette would paste: the agent's own version of it, when there is one.
        phrase = next((p for p in store.phrases(PERSONAL_LIBRARY) if p.override_of == phrase.uid), phrase)
        context = _render_context(store)
        guard = _guard(store)
        settings = Settings(store)
        mode = settings.get("guard_mode")
        punctuate = to_full_width if settings.get("normalize_punctuation") else str
    rendered = render(phrase.body, context, typed=_parse_sets(args.set, dict(context.aliases)))
    if args.json:
        _print_json({"uid": args.uid, "rendered": punctuate(rendered.text), "missing": list(rendered.missing)})
    if rendered.missing:
        if not args.json:
            print(_safe("\n".join(rendered.missing), keep="\n"))
        names = ", ".join(rendered.missing)
        print(_safe(f"palette: error: {args.uid} needs a value for {names} (use --set NAME=VALUE)"), file=sys.stderr)
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
            print(_safe(f"palette: warning: {f.describe()}"), file=sys.stderr)
    if not args.json:
        shown = punctuate(text)  # what the palette would paste
        print(_safe(shown, keep="\n\t") if sys.stdout.isatty() else shown)
    return EXIT_OK


EXIT_LINT_FOUND = 1


def cmd_lint(args: argparse.Namespace) -> int:
    """Every phrase with a malformed bracket, a likely mistyped placeholder or a 禁语: exit 1 if any."""
    from palette.core.collisions import shortcut_collisions
    from palette.core.config import Settings

    with _open_store() as store:
        if args.library is not None and store.library(args.library) is None:
            raise UsageError(f"--library: no library named {args.library!r}")
        phrases = store.phrases(library=args.library)
        collisions = shortcut_collisions(phrases, store.coded_phrases(exclude_library=args.library))
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
    rows += [
        {
            "uid": c.phrase.uid,
            "library": c.phrase.library,
            "title": c.phrase.title,
            "kind": "shortcut_collision",
            "word": c.phrase.shortcut,
            "span": [],
            "suggestion": "",
            "problem": c.describe(),
            "other": c.other.uid,
        }
        for c in collisions
    ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print("\t".join(_safe(row[k]) for k in ("uid", "title", "problem")))
    flagged = len({row["uid"] for row in rows})
    print(f"palette lint: {len(phrases)} phrases, {flagged} with problems", file=sys.stderr)
    return EXIT_LINT_FOUND if rows else EXIT_OK


# -- team libraries: import, export, library -------------------------------------------------------

_DETAIL_LIMIT = 20  # phrases listed per kind of change; the counts are always complete


def cmd_import(args: argparse.Namespace) -> int:
    from palette.core.library_io import ReadOptions, parse_library, parse_map
    from palette.core.sources import canonical, fetch
    from palette.core.subscribe import is_mass_removal, removal_count, subscribe
    from palette.core.team_library import apply_layer, import_digest, review, team_layer, unchanged_import

    options = ReadOptions(sheet=args.sheet, mapping=parse_map(args.map))
    raw = fetch(args.source, timeout=args.timeout)
    digest = import_digest(raw, options, args.library)
    interactive = not args.yes and sys.stdin.isatty() and sys.stdout.isatty()
    with _open_store() as store:
        same = None if args.dry_run or args.subscribe else unchanged_import(store, digest)
        if same is not None:  # the very bytes this layer came from: nothing to parse, nothing to write
            return _print_unchanged(store, same.name, args)
        data = parse_library(raw, options, library=args.library)
        layer = team_layer(store, data, source=canonical(args.source) if args.subscribe else None)
        if args.dry_run or interactive:  # a review costs a second pass over the layer: only when shown
            plan = review(store, layer)
            if args.json:
                _print_json(_import_json(layer, plan.diff, args, plan.is_new))
            else:
                _print_plan(plan, args)
            if args.dry_run:
                return EXIT_OK
            if plan.diff.removed:
                answer = _ask(f"remove {len(plan.diff.removed)} phrase(s) from {layer.library.name}? [y/N] ")
                if answer not in ("y", "yes", "是"):
                    print("cancelled; nothing changed", file=sys.stderr)
                    return 1
        if not (args.yes or interactive):  # no one to ask: many removals need --yes
            removed, total = removal_count(store, layer)
            if is_mass_removal(removed, total):
                raise UsageError(
                    f"{one_line(args.source)}: would remove {removed} of the {total} phrases of"
                    f" {layer.library.name}; nothing changed (check the file, or confirm with --yes)"
                )
        is_new = store.library(layer.library.name) is None
        diff = apply_layer(store, layer, source_digest=digest)
        if args.subscribe:
            subscribe(store, layer.library.name, args.source, options)
    if args.json:
        _print_json(_import_json(layer, diff, args, is_new))
    else:
        for w in [] if interactive else diff.warnings:
            print(_safe(f"warning: {w}"), file=sys.stderr)
        print(_safe(f"imported {layer.library.name}: {_counts(diff)}" + (", subscribed" if args.subscribe else "")))
    return EXIT_OK


def _print_unchanged(store: Any, name: str, args: argparse.Namespace) -> int:
    count = store.phrase_count(name)
    if args.json:
        keys = ("added", "changed", "moved", "removed", "warnings")
        _print_json(
            {"library": name, "source": args.source, "dry_run": False, "new_library": False}
            | {key: [] for key in keys}
            | {"unchanged": count, "subscribed": False, "same_source": True}
        )
    else:
        print(_safe(f"imported {name}: unchanged, the same source as last time ({count} phrases); nothing written"))
    return EXIT_OK


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip().lower()
    except EOFError:
        return ""


def _counts(diff: Any) -> str:
    moved = f" ({len(diff.moved)} only moved)" if diff.moved else ""
    return (
        f"{len(diff.added)} added, {len(diff.changed) - len(diff.moved)} changed, {len(diff.removed)} removed,"
        f" {len(diff.unchanged)} unchanged{moved}, {len(diff.warnings)} warning(s)"
    )


def _print_plan(plan: Any, args: argparse.Namespace) -> None:
    lib = plan.layer.library
    state = "new library" if plan.is_new else "replaces the current layer"
    print(_safe(f"{lib.name} ← {args.source} ({state}{'; dry run, nothing written' if args.dry_run else ''})"))
    print(f"  {_counts(plan.diff)}")
    if plan.forbidden_changed:
        print(f"  禁语: {len(plan.forbidden_added)} added, {len(plan.forbidden_removed)} removed")
    for mark, phrases in (("+", plan.added), ("~", [after for _, after in plan.changed]), ("-", plan.removed)):
        for p in phrases[:_DETAIL_LIMIT]:
            print(_safe(f"{mark} {p.category} › {p.title}"))
        if len(phrases) > _DETAIL_LIMIT:
            print(f"{mark} … and {len(phrases) - _DETAIL_LIMIT} more")
    for w in plan.diff.warnings:
        print(_safe(f"warning: {w}"), file=sys.stderr)


def _import_json(layer: Any, diff: Any, args: argparse.Namespace, is_new: bool) -> dict[str, Any]:
    return {
        "library": layer.library.name,
        "source": args.source,
        "dry_run": bool(args.dry_run),
        "new_library": is_new,
        "added": list(diff.added),
        "changed": [uid for uid in diff.changed if uid not in set(diff.moved)],
        "moved": list(diff.moved),
        "removed": list(diff.removed),
        "unchanged": len(diff.unchanged),
        "warnings": list(diff.warnings),
        "forbidden_words": len(layer.forbidden),
        "subscribed": bool(args.subscribe and not args.dry_run),
    }


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from palette.core.model import PERSONAL_LIBRARY
    from palette.core.team_library import export_library

    path = Path(args.path)
    with _open_store() as store:
        try:
            data, written = export_library(store, args.library or PERSONAL_LIBRARY, path, force=args.force)
        except OSError as e:
            raise UsageError(f"{path}: cannot write ({e.strerror or e})") from None
    files = " and ".join(str(p) for p in written)
    print(_safe(f"exported {data.name}: {len(data.phrases)} phrases, {len(data.forbidden)} forbidden words → {files}"))
    return EXIT_OK


def cmd_forbidden(args: argparse.Namespace) -> int:
    """The agent's own 禁语 join the standard and team lists in every check (paste, save, import, lint)."""
    from palette.core.model import PERSONAL_LIBRARY

    with _open_store() as store:
        if args.action == "add":
            store.add_forbidden_word(args.word, args.suggest.strip())
            return EXIT_OK
        if args.action == "remove":
            mine = {w.word for w in store.forbidden_words() if w.source == PERSONAL_LIBRARY}
            if args.word.strip() not in mine:
                raise UsageError(f"{args.word!r} is not one of your own forbidden words (see palette forbidden list)")
            store.remove_forbidden_word(args.word.strip())
            return EXIT_OK
        words = store.forbidden_words()
    if args.json:
        _print_json([{"word": w.word, "suggestion": w.suggestion, "source": w.source} for w in words])
    else:
        for w in words:
            print("\t".join(_safe(t) for t in (w.word, w.suggestion, w.source)))
    return EXIT_OK


def cmd_library(args: argparse.Namespace) -> int:
    from palette.core.model import LibraryKind
    from palette.core.subscribe import NoticeKind, SubscriptionChecker, unsubscribe

    with _open_store() as store:
        if args.action == "list":
            rows = [
                {
                    "name": lib.name,
                    "kind": lib.kind.value,
                    "phrases": len(store.phrases(library=lib.name)),
                    "version": lib.version,
                    "source": lib.source,
                    "imported_at": lib.imported_at,
                    "enabled": lib.enabled,
                }
                for lib in store.libraries()
            ]
            if args.json:
                _print_json(rows)
            for r in [] if args.json else rows:
                source = f"  ← {r['source']}" if r["source"] else ""
                state = "" if r["enabled"] else "  (disabled)"
                print(_safe(f"{r['name']}  {r['kind']}  {r['phrases']} phrases  {r['version']}{source}{state}"))
            return EXIT_OK
        if args.action in ("disable", "enable"):
            enable = args.action == "enable"
            store.set_library_enabled(args.name, enable)
            if enable:
                print(_safe(f"{args.name}: enabled; its phrases are back in the search and the palette"))
            else:
                print(_safe(
                    f"{args.name}: disabled; out of the search and the palette, nothing deleted (enable brings it back)"
                ))  # fmt: skip
            return EXIT_OK
        if args.action == "check":
            checker = SubscriptionChecker(store, timeout=args.timeout, confirmed=args.yes)
            if args.name is not None and args.name not in [sub.library for sub, _ in checker.pending()]:
                raise UsageError(f"{args.name!r} is not subscribed to a source (see palette library list)")
            notices = checker.check_all(only=args.name)
            for n in notices:
                if n.kind is NoticeKind.UPDATED:
                    print(_safe(f"{n.library}: updated: {_counts(n.diff)}"))
                elif n.pending is not None:
                    print(
                        _safe(
                            f"palette: {n.library}: pending, the last good copy stays: the new version would remove"
                            f" {n.pending.removed} of {n.pending.total} phrases; apply it with"
                            f" palette library check {n.library} --yes"
                        ),
                        file=sys.stderr,
                    )
                else:
                    print(
                        _safe(f"palette: error: {n.library}: {n.kind.value}, the last good copy stays: {n.message}"),
                        file=sys.stderr,
                    )
            if not notices:
                print("every subscription is up to date" if checker.pending() else "no subscriptions")
            kinds = {n.kind for n in notices}
            if kinds & {NoticeKind.UNREACHABLE, NoticeKind.INVALID}:
                return EXIT_BAD_INPUT
            return EXIT_PENDING if NoticeKind.PENDING in kinds else EXIT_OK
        lib = store.library(args.name)
        if lib is None or lib.kind is not LibraryKind.TEAM:
            raise UsageError(f"{args.name!r} is not a team library (see palette library list)")
        if args.action == "unsubscribe":
            unsubscribe(store, args.name)
            print(_safe(f"{args.name}: no longer follows {lib.source or 'any source'}; its phrases stay"))
        else:
            store.remove_library(args.name)
            print(_safe(f"removed {args.name}; your own phrases, pins and statistics stay"))
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from palette.app import main as run_app

    return run_app(args.command)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "show": cmd_gui,
    "manage": cmd_gui,
    "settings": cmd_gui,
    "search": cmd_search,
    "add": cmd_add,
    "profile": cmd_profile,
    "config": cmd_config,
    "render": cmd_render,
    "lint": cmd_lint,
    "import": cmd_import,
    "export": cmd_export,
    "library": cmd_library,
    "forbidden": cmd_forbidden,
}


# -- entry point ----------------------------------------------------------------------------------


def _print_json(value: Any) -> None:
    """JSON escapes C0 controls itself; C1, bidi and zero-width characters become \\u escapes too."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(json_text(text))


def _safe(text: str, *, keep: str = "") -> str:
    return escaped(text, keep=keep)


def _expected_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from palette.core.config import ConfigError
    from palette.core.library_io import LibraryFileError
    from palette.core.store import StoreError

    return (UsageError, StoreError, ConfigError, LibraryFileError, sqlite3.DatabaseError)


def _undecodable_argument(argv: Sequence[str]) -> str | None:
    """The first argument that is not UTF-8 (the OS hands Python bytes as lone surrogates), escaped."""
    for n, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return f"argument {n} is not valid UTF-8 text: {one_line(arg)}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
    argv = sys.argv[1:] if argv is None else list(argv)
    problem = _undecodable_argument(argv)
    if problem:
        print(f"palette: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except _expected_errors() as e:
        print(f"palette: error: {one_line(str(e), 0)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: one line for the user, the traceback only when asked for
        if os.environ.get("PALETTE_DEBUG"):
            raise
        print(f"palette: internal error: {type(e).__name__}: {one_line(str(e), 0)} (PALETTE_DEBUG=1 shows details)",
              file=sys.stderr)  # fmt: skip
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

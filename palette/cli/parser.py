"""The argparse tree of every command: one-line mistakes with exit 2, bounded --timeout values."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from palette import __version__
from palette.cli.common import EXIT_BAD_INPUT
from palette.cli.selftest import SelfTest
from palette.core.escaping import one_line


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"palette: error: {one_line(message)} (see palette --help)\n")


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
    p.add_argument(
        "--image", action="append", default=[], metavar="PATH", help="a PNG, JPEG or GIF pasted before the text"
    )
    p.add_argument(
        "--send",
        choices=["never", "enter", "ctrl+enter"],
        help="press a chat's send key after pasting (default: the library's)",
    )

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
    parser.add_argument("--self-test", action=SelfTest, nargs=0, help="check the installation and exit (0: all ok)")
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
    q = lsub.add_parser("send", help="the send mode of a library's phrases that name none (default never)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("mode", choices=["never", "enter", "ctrl+enter"])
    q.add_argument(
        "--each",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a phrase with pictures: a send after each picture and the text (default: one after all)",
    )

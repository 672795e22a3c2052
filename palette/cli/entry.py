"""`main`: every command honours `$PALETTE_HOME`, exits 0 on success and 2 with one line on stderr.

Only `palette` (no command) and `palette show` touch Qt, and they import it lazily. Bad input becomes
one line; a bug becomes one line too, with the traceback only under PALETTE_DEBUG=1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from palette.cli.common import EXIT_BAD_INPUT, EXIT_OK, UsageError
from palette.cli.guard import cmd_forbidden, cmd_lint, cmd_render
from palette.cli.gui import cmd_gui
from palette.cli.library import cmd_export, cmd_import, cmd_library
from palette.cli.parser import build_parser
from palette.cli.phrases import cmd_add, cmd_config, cmd_profile, cmd_search, cmd_suggest, cmd_usage
from palette.cli.report import cmd_report
from palette.core.escaping import one_line

COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "show": cmd_gui,
    "manage": cmd_gui,
    "settings": cmd_gui,
    "search": cmd_search,
    "suggest": cmd_suggest,
    "usage": cmd_usage,
    "add": cmd_add,
    "profile": cmd_profile,
    "config": cmd_config,
    "render": cmd_render,
    "lint": cmd_lint,
    "import": cmd_import,
    "export": cmd_export,
    "library": cmd_library,
    "forbidden": cmd_forbidden,
    "report": cmd_report,
}


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

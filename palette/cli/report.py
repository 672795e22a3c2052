"""`palette report` (this agent's usage report, now) and `palette report merge` (the lead's workbook)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from palette.cli.common import EXIT_BAD_INPUT, EXIT_OK, UsageError, open_store
from palette.core.escaping import escaped, one_line


def _check_out(path: Path, suffixes: tuple[str, ...], force: bool) -> None:
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{one_line(str(path))}: --out must end in {' or '.join(suffixes)}")
    if not force and os.path.lexists(path):
        raise UsageError(f"{one_line(str(path))}: already exists; use --force to replace it")


def cmd_report(args: argparse.Namespace) -> int:
    if args.action == "merge":
        return _merge(args)
    from palette.core.atomic import TargetExistsError
    from palette.core.config import Settings
    from palette.core.report import ReportError, render_report, report_target, save_report
    from palette.core.team_library import is_store_file

    with open_store() as store:
        config = Settings(store).config()
        name, data = render_report(store, anonymous=config.report_anonymous)
        try:
            if args.out is None:
                path = save_report(report_target(config.report_dir) / name, data)
            else:
                out = Path(args.out)
                _check_out(out, (".json",), args.force)
                if is_store_file(store, out):
                    raise UsageError(f"{one_line(str(out))}: this is Palette's own database; write elsewhere")
                path = save_report(out, data, overwrite=args.force)
        except ReportError as e:
            raise UsageError(str(e)) from None
        except TargetExistsError:
            raise UsageError(f"{one_line(str(args.out))}: already exists; use --force to replace it") from None
    print(escaped(f"report written: {path}"))
    return EXIT_OK


def _merge(args: argparse.Namespace) -> int:
    import json

    from palette.core.atomic import TargetExistsError, write_atomic
    from palette.core.model import LibraryKind
    from palette.core.report_merge import ReportFileError, read_reports, summarise, summary_json
    from palette.core.report_workbook import write_workbook
    from palette.core.team_library import is_store_file

    out = Path(args.merge_out)
    _check_out(out, (".xlsx", ".json"), args.force)

    def warn(line: str) -> None:
        print(escaped(f"palette: warning: {line}"), file=sys.stderr)

    inputs = [Path(p) for p in args.inputs]
    for p in inputs:
        if not os.path.lexists(p):
            raise UsageError(f"{one_line(str(p))}: no such file or folder")
    try:
        merged = read_reports(inputs, warn)
    except ReportFileError as e:
        raise UsageError(str(e)) from None
    if not merged.reports:
        print(f"palette: error: no usable report among the inputs ({merged.bad} skipped)", file=sys.stderr)
        return EXIT_BAD_INPUT
    with open_store() as store:
        if is_store_file(store, out):
            raise UsageError(f"{one_line(str(out))}: this is Palette's own database; write elsewhere")
        kinds = {lib.name: lib.kind for lib in store.libraries() if lib.kind is not LibraryKind.PERSONAL}
        summary = summarise(
            merged,
            lambda name: store.phrases(library=name) if name in kinds else [],
            lambda name: kinds.get(name) is LibraryKind.TEAM,
        )
    try:
        if out.suffix.lower() == ".json":
            data = json.dumps(summary_json(summary), ensure_ascii=False, indent=1).encode("utf-8")
            write_atomic(out, data, overwrite=args.force)
        else:
            write_workbook(summary, out, overwrite=args.force)
    except TargetExistsError:
        raise UsageError(f"{one_line(str(out))}: already exists; use --force to replace it") from None
    except OSError as e:
        raise UsageError(f"{one_line(str(out))}: cannot write ({e.strerror or e})") from None
    skipped = f", {merged.bad} bad files skipped" if merged.bad else ""
    period = f"{summary.period[0]} to {summary.period[1]}"
    print(escaped(f"merged {summary.reports} reports of {summary.agents} agents ({period}{skipped}) → {out}"))
    return EXIT_OK

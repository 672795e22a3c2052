"""import, export, library: team libraries (see the README's team lead section)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from palette.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_PENDING, UsageError, open_store, print_json
from palette.core.escaping import escaped, one_line

if TYPE_CHECKING:
    from palette.core.model import LayerDiff
    from palette.core.store import Store
    from palette.core.team_library import ImportPlan, TeamLayer

_DETAIL_LIMIT = 20  # phrases listed per kind of change; the counts are always complete


def cmd_import(args: argparse.Namespace) -> int:
    from palette.core.library_io import LibraryFileError, ReadOptions, parse_library, parse_map
    from palette.core.sources import NO_VALIDATORS, canonical, fetch_if_changed
    from palette.core.subscribe import is_mass_removal, removal_count, subscribe
    from palette.core.team_library import apply_layer, import_digest, review, team_layer, unchanged_import

    options = ReadOptions(sheet=args.sheet, mapping=parse_map(args.map))
    got = fetch_if_changed(args.source, NO_VALIDATORS, timeout=args.timeout)
    raw = got.raw
    if raw is None:  # a server answering 304 to a request that asked nothing
        raise LibraryFileError(f"{one_line(args.source.strip())}: the server answered 304 without being asked")
    digest = import_digest(raw, options, args.library)
    interactive = not args.yes and sys.stdin.isatty() and sys.stdout.isatty()
    with open_store() as store:
        same = None if args.dry_run or args.subscribe else unchanged_import(store, digest)
        if same is not None:  # the very bytes this layer came from: nothing to parse, nothing to write
            return _print_unchanged(store, same.name, args)
        data = parse_library(raw, options, library=args.library)
        layer = team_layer(store, data, source=canonical(args.source) if args.subscribe else None)
        if args.dry_run or interactive:  # a review costs a second pass over the layer: only when shown
            plan = review(store, layer)
            if args.json:
                print_json(_import_json(layer, plan.diff, args, plan.is_new))
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
        diff = apply_layer(store, layer, source_digest=digest, origin=args.source)
        if args.subscribe:
            subscribe(store, layer.library.name, args.source, options, got.validators)
    if args.json:
        print_json(_import_json(layer, diff, args, is_new))
    else:
        for w in [] if interactive else diff.warnings:
            print(escaped(f"warning: {w}"), file=sys.stderr)
        print(escaped(f"imported {layer.library.name}: {_counts(diff)}" + (", subscribed" if args.subscribe else "")))
    return EXIT_OK


def _print_unchanged(store: Store, name: str, args: argparse.Namespace) -> int:
    count = store.phrase_count(name)
    if args.json:
        keys = ("added", "changed", "moved", "removed", "warnings")
        print_json(
            {"library": name, "source": args.source, "dry_run": False, "new_library": False}
            | {key: [] for key in keys}
            | {"unchanged": count, "subscribed": False, "same_source": True}
        )
    else:
        print(escaped(f"imported {name}: unchanged, the same source as last time ({count} phrases); nothing written"))
    return EXIT_OK


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip().lower()
    except EOFError:
        return ""


def _counts(diff: LayerDiff) -> str:
    moved = f" ({len(diff.moved)} only moved)" if diff.moved else ""
    return (
        f"{len(diff.added)} added, {len(diff.changed) - len(diff.moved)} changed, {len(diff.removed)} removed,"
        f" {len(diff.unchanged)} unchanged{moved}, {len(diff.warnings)} warning(s)"
    )


def _print_plan(plan: ImportPlan, args: argparse.Namespace) -> None:
    lib = plan.layer.library
    state = "new library" if plan.is_new else "replaces the current layer"
    print(escaped(f"{lib.name} ← {args.source} ({state}{'; dry run, nothing written' if args.dry_run else ''})"))
    print(f"  {_counts(plan.diff)}")
    if plan.forbidden_changed:
        print(f"  禁语: {len(plan.forbidden_added)} added, {len(plan.forbidden_removed)} removed")
    for mark, phrases in (("+", plan.added), ("~", [after for _, after in plan.changed]), ("-", plan.removed)):
        for p in phrases[:_DETAIL_LIMIT]:
            print(escaped(f"{mark} {p.category} › {p.title}"))
        if len(phrases) > _DETAIL_LIMIT:
            print(f"{mark} … and {len(phrases) - _DETAIL_LIMIT} more")
    for w in plan.diff.warnings:
        print(escaped(f"warning: {w}"), file=sys.stderr)


def _import_json(layer: TeamLayer, diff: LayerDiff, args: argparse.Namespace, is_new: bool) -> dict[str, Any]:
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
    with open_store() as store:
        try:
            data, written = export_library(store, args.library or PERSONAL_LIBRARY, path, force=args.force)
        except OSError as e:
            raise UsageError(f"{path}: cannot write ({e.strerror or e})") from None
    files = " and ".join(str(p) for p in written)
    counts = f"{len(data.phrases)} phrases, {len(data.forbidden)} forbidden words"
    print(escaped(f"exported {data.name}: {counts} → {files}"))
    return EXIT_OK


def _set_send(store: Store, args: argparse.Namespace) -> int:
    from palette.core.model import SendMode

    store.set_library_send(args.name, SendMode(args.mode), send_each=args.each)
    lib = store.library(args.name)
    assert lib is not None  # set_library_send refused an unknown name
    each = "; with pictures, a send after each part" if lib.send_each else ""
    print(escaped(f"{args.name}: phrases without their own send mode: {lib.send.value}{each}"))
    return EXIT_OK


def cmd_library(args: argparse.Namespace) -> int:
    from palette.core.model import LibraryKind
    from palette.core.subscribe import NoticeKind, SubscriptionChecker, unsubscribe

    if args.action in ("log", "rollback"):
        return _log(args) if args.action == "log" else _rollback(args)
    with open_store() as store:
        if args.action == "list":
            return _list(store, args)
        if args.action in ("disable", "enable"):
            enable = args.action == "enable"
            store.set_library_enabled(args.name, enable)
            if enable:
                print(escaped(f"{args.name}: enabled; its phrases are back in the search and the palette"))
            else:
                print(escaped(
                    f"{args.name}: disabled; out of the search and the palette, nothing deleted (enable brings it back)"
                ))  # fmt: skip
            return EXIT_OK
        if args.action == "send":
            return _set_send(store, args)
        if args.action == "check":
            checker = SubscriptionChecker(store, timeout=args.timeout, confirmed=args.yes)
            if args.name is not None and args.name not in [sub.library for sub, _ in checker.pending()]:
                raise UsageError(f"{args.name!r} is not subscribed to a source (see palette library list)")
            notices = checker.check_all(only=args.name)
            for n in notices:
                if n.kind is NoticeKind.UPDATED and n.diff is not None:
                    print(escaped(f"{n.library}: updated: {_counts(n.diff)}"))
                elif n.pending is not None:
                    print(
                        escaped(
                            f"palette: {n.library}: pending, the last good copy stays: the new version would remove"
                            f" {n.pending.removed} of {n.pending.total} phrases; apply it with"
                            f" palette library check {n.library} --yes"
                        ),
                        file=sys.stderr,
                    )
                else:
                    print(
                        escaped(f"palette: error: {n.library}: {n.kind.value}, the last good copy stays: {n.message}"),
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
            print(escaped(f"{args.name}: no longer follows {lib.source or 'any source'}; its phrases stay"))
        else:
            store.remove_library(args.name)
            print(escaped(f"removed {args.name}; your own phrases, pins and statistics stay"))
    return EXIT_OK


def _list(store: Store, args: argparse.Namespace) -> int:
    """Each library with its counts: phrases, those out of their dates today, overrides 团队已更新."""
    from palette.core.validity import today, window_state

    day = today()
    marked = store.team_updates()
    rows = []
    for lib in store.libraries():
        phrases = store.phrases(library=lib.name)
        states = [window_state(p, day) for p in phrases]
        rows.append(
            {
                "name": lib.name,
                "kind": lib.kind.value,
                "phrases": len(phrases),
                "version": lib.version,
                "source": lib.source,
                "imported_at": lib.imported_at,
                "enabled": lib.enabled,
                "send": lib.send.value,
                "send_each": lib.send_each,
                "expired": states.count("expired"),
                "upcoming": states.count("upcoming"),
                "team_updated": sum(1 for p in phrases if p.uid in marked),
            }
        )
    if args.json:
        print_json(rows)
    for r in [] if args.json else rows:
        source = f"  ← {r['source']}" if r["source"] else ""
        state = "" if r["enabled"] else "  (disabled)"
        extra = "".join(
            f"  {r[key]} {words}"
            for key, words in (("expired", "expired"), ("upcoming", "upcoming"), ("team_updated", "团队已更新"))
            if r[key]
        )
        print(escaped(f"{r['name']}  {r['kind']}  {r['phrases']} phrases  {r['version']}{source}{state}{extra}"))
    return EXIT_OK


def _team_library(store: Store, name: str) -> None:
    from palette.core.model import LibraryKind

    lib = store.library(name)
    if lib is None or lib.kind is not LibraryKind.TEAM:
        raise UsageError(f"{name!r} is not a team library (see palette library list)")


def _log(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with open_store() as store:
        _team_library(store, args.name)
        versions = store.library_versions(args.name)
    if args.json:
        print_json([asdict(v) for v in reversed(versions)])
        return EXIT_OK
    for v in reversed(versions):  # newest first, like git log
        label = f" {v.label}" if v.label else ""
        kept = "" if v.restorable else "  (too big to restore)"
        print(escaped(
            f"{v.version:3}  {v.applied_at}  {v.who or '?'}  +{v.added} ~{v.changed} -{v.removed}"
            f" ({v.phrases} phrases){label}  ← {v.source or '?'}{kept}"
        ))  # fmt: skip
    if not versions:
        print(f"{args.name}: no versions kept yet", file=sys.stderr)
    return EXIT_OK


def _rollback(args: argparse.Namespace) -> int:
    from palette.core.history import rollback

    with open_store() as store:
        _team_library(store, args.name)
        target, diff = rollback(store, args.name, args.to)
        now = store.library_versions(args.name)[-1].version
    print(escaped(f"{args.name}: rolled back to version {target.version} (now version {now}): {_counts(diff)}"))
    return EXIT_OK

"""render, lint, forbidden: placeholders and the 禁语 guard (also the checks in add and search)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from palette.cli.common import EXIT_BAD_INPUT, EXIT_OK, UsageError, open_store, print_json
from palette.core.escaping import escaped

if TYPE_CHECKING:
    from palette.core.guard import Guard
    from palette.core.model import Phrase
    from palette.core.placeholders import Context
    from palette.core.store import Store


def render_context(store: Store) -> Context:
    """Profile, aliases and the clock; no conversation and no clipboard outside the palette."""
    from palette.core.config import Settings
    from palette.core.placeholders import Context

    return Context(profile=store.profile(), aliases=Settings(store).config().placeholder_aliases)


def _guard(store: Store) -> Guard:
    from palette.core.guard import Guard

    return Guard(store.forbidden_words())


def check_new_body(store: Store, body: str) -> list[str]:
    """Warnings for a phrase about to be saved; a 禁语 refuses it when guard_mode is block."""
    from palette.core.config import Settings
    from palette.core.guard import GuardMode, Kind

    config = Settings(store).config()
    mode = config.guard_mode
    findings = _guard(store).lint(body, profile_keys=store.profile().keys(), aliases=config.placeholder_aliases)
    if mode is GuardMode.OFF:
        findings = [f for f in findings if f.kind is not Kind.FORBIDDEN]
    forbidden = [f for f in findings if f.kind is Kind.FORBIDDEN]
    if mode is GuardMode.BLOCK and forbidden:
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
    from palette.core.sending import joined, split_parts

    with open_store() as store:
        phrase = store.get(args.uid)
        if phrase is None:
            raise UsageError(f"no phrase with uid {args.uid!r}")
        # What the palette would paste: the agent's own version of it, when there is one.
        original = phrase
        phrase = next((p for p in store.phrases(PERSONAL_LIBRARY) if p.override_of == phrase.uid), phrase)
        _check_dates(args.uid, original, phrase)
        context = render_context(store)
        guard = _guard(store)
        config = Settings(store).config()
        mode = config.guard_mode
        punctuate = to_full_width if config.normalize_punctuation else str
    rendered = render(phrase.body, context, typed=_parse_sets(args.set, dict(context.aliases)))
    if args.json:
        final = punctuate(rendered.text)
        parts = list(split_parts(final))
        print_json({"uid": args.uid, "rendered": joined(final), "parts": parts, "missing": list(rendered.missing)})
    if rendered.missing:
        if not args.json:
            print(escaped("\n".join(rendered.missing), keep="\n"))
        names = ", ".join(rendered.missing)
        print(escaped(f"palette: error: {args.uid} needs a value for {names} (use --set NAME=VALUE)"), file=sys.stderr)
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
            print(escaped(f"palette: warning: {f.describe()}"), file=sys.stderr)
    if not args.json:
        shown = joined(punctuate(text))  # what the palette would paste without sending (`---` parts joined)
        print(escaped(shown, keep="\n\t") if sys.stdout.isatty() else shown)
    return EXIT_OK


def _check_dates(uid: str, original: Phrase, shown: Phrase) -> None:
    """Refuse what the palette would not offer today: outside its (or its original's) validity dates."""
    from palette.core.validity import today, window_state

    day = today()
    for p in (original, shown):
        state = window_state(p, day)
        if state == "expired":
            raise UsageError(f"{uid}: expired on {p.valid_until} (失效日期); it is no longer offered")
        if state == "upcoming":
            raise UsageError(f"{uid}: valid from {p.valid_from} (生效日期); not offered yet")


EXIT_LINT_FOUND = 1


def cmd_lint(args: argparse.Namespace) -> int:
    """Every phrase with a malformed bracket, a likely mistyped placeholder or a 禁语: exit 1 if any."""
    from palette.core.collisions import shortcut_collisions
    from palette.core.config import Settings

    with open_store() as store:
        if args.library is not None and store.library(args.library) is None:
            raise UsageError(f"--library: no library named {args.library!r}")
        phrases = store.phrases(library=args.library)
        collisions = shortcut_collisions(phrases, store.coded_phrases(exclude_library=args.library))
        guard = _guard(store)
        profile_keys = list(store.profile())
        aliases = Settings(store).config().placeholder_aliases
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
    rows += _expiring_rows(phrases)
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print("\t".join(escaped(str(row[k])) for k in ("uid", "title", "problem")))
    flagged = len({row["uid"] for row in rows})
    print(f"palette lint: {len(phrases)} phrases, {flagged} with problems", file=sys.stderr)
    return EXIT_LINT_FOUND if rows else EXIT_OK


def _expiring_rows(phrases: Sequence[Phrase]) -> list[dict[str, Any]]:
    """Phrases on the shelf today that leave it within `EXPIRY_WARNING_DAYS`: renew or retire them."""
    from palette.core.validity import EXPIRY_WARNING_DAYS, expires_within, today

    day = today()
    return [
        {
            "uid": p.uid,
            "library": p.library,
            "title": p.title,
            "kind": "expiring",
            "word": p.valid_until,
            "span": [],
            "suggestion": "",
            "problem": f"expires after {p.valid_until} (失效日期, within {EXPIRY_WARNING_DAYS} days)",
        }
        for p in phrases
        if expires_within(p, day)
    ]


def cmd_forbidden(args: argparse.Namespace) -> int:
    """The agent's own 禁语 join the standard and team lists in every check (paste, save, import, lint)."""
    from palette.core.model import PERSONAL_LIBRARY

    with open_store() as store:
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
        print_json([{"word": w.word, "suggestion": w.suggestion, "source": w.source} for w in words])
    else:
        for w in words:
            print("\t".join(escaped(t) for t in (w.word, w.suggestion, w.source)))
    return EXIT_OK

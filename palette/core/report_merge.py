"""`palette report merge`: many agents' daily reports read, checked and summed into the lead's tables.

Reports come from a share anyone can write to, so each one is read as hostile: at most
`MAX_REPORT_BYTES`, no symlinks, the schema and every field checked; a bad one is one warning line
naming the file (or, named on the command line, an error). Which phrases were never used needs the
library's uid list, and the lead has it: the libraries the reports name are read from the lead's own
store (with titles, so the tables say which phrase a uid is); a report stays small and uid-only.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from palette.core.escaping import one_line
from palette.core.model import Phrase, UsageKind
from palette.core.report import REPORT_SCHEMA, REPORT_SCHEMA_VERSION
from palette.core.store.usage import MISS_MAX_CHARS

MAX_REPORT_BYTES = 1 << 20  # a day of one agent is a few KB; more is not a report
MAX_REPORTS = 20_000  # files one merge reads (500 agents × 40 days)
MAX_ENTRIES = 20_000  # list entries in one report
MAX_TOTAL_ENTRIES = 2_000_000  # in one merge (a month of 500 agents is well under 1 million): bounded memory
MAX_COUNT = 1_000_000  # one count in one day
MAX_DEPTH = 2  # report_dir/TEAM/file.json
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AGENT = re.compile(r"^[\w-]{1,32}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
USE_KINDS = (UsageKind.PASTED, UsageKind.COPIED, UsageKind.SENT)


class ReportFileError(ValueError):
    """A file that is not a usable report; the message names it and what is wrong."""


@dataclass(frozen=True)
class AgentDay:
    """One checked report: who, which day, which team, and its counts."""

    agent: str
    day: str
    team: str
    written_at: str
    libraries: tuple[tuple[str, str], ...]  # name, version: what the agent had that day
    phrases: tuple[tuple[str, str, str, dict[str, int]], ...]  # uid, library, version, kind → n
    words: tuple[tuple[str, str, int], ...]  # word, list, n
    misses: tuple[tuple[str, int], ...]


def _text(value: object, where: str, limit: int, *, empty: bool = True) -> str:
    if not isinstance(value, str) or len(value) > limit or (not empty and not value) or _CONTROL.search(value):
        raise ReportFileError(f"{where}: expected text of at most {limit} characters")
    return value


def _count(value: object, where: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        raise ReportFileError(f"{where}: expected a count from 0 to {MAX_COUNT}")
    return value


def _valid_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(_DAY.match(text))


def _entries(report: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = report.get(key, [])
    if not isinstance(value, list) or len(value) > MAX_ENTRIES or not all(isinstance(e, dict) for e in value):
        raise ReportFileError(f"field {key}: expected a list of at most {MAX_ENTRIES} objects")
    return value


def check_report(report: object, team_from_folder: str = "") -> AgentDay:
    """The report as `AgentDay`, or ReportFileError naming the field that is wrong."""
    if not isinstance(report, dict) or report.get("schema") != REPORT_SCHEMA:
        raise ReportFileError(f'not a Palette usage report (no "schema": "{REPORT_SCHEMA}")')
    version = report.get("schema_version")
    if version != REPORT_SCHEMA_VERSION or type(version) is not int:
        raise ReportFileError(f"schema_version {one_line(str(version))}: this Palette reads {REPORT_SCHEMA_VERSION}")
    agent = _text(report.get("agent"), "field agent", 32, empty=False)
    day = _text(report.get("day"), "field day", 10)
    if not _AGENT.match(agent):
        raise ReportFileError("field agent: expected letters, digits, _ or -")
    if not _valid_day(day):
        raise ReportFileError("field day: expected YYYY-MM-DD")
    phrases = []
    for n, e in enumerate(_entries(report, "phrases")):
        where = f"phrases[{n}]"
        counts = {k.value: _count(e.get(k.value, 0), f"{where}.{k.value}") for k in UsageKind}
        phrases.append(
            (
                _text(e.get("uid"), f"{where}.uid", 128, empty=False),
                _text(e.get("library"), f"{where}.library", 128),
                _text(e.get("version"), f"{where}.version", 64),
                counts,
            )
        )
    words = tuple(
        (
            _text(e.get("word"), f"guard_words[{n}].word", 64, empty=False),
            _text(e.get("list"), f"guard_words[{n}].list", 128),
            _count(e.get("n"), f"guard_words[{n}].n"),
        )
        for n, e in enumerate(_entries(report, "guard_words"))
    )
    misses = tuple(
        (_text(e.get("query"), f"misses[{n}].query", MISS_MAX_CHARS, empty=False), _count(e.get("n"), f"misses[{n}].n"))
        for n, e in enumerate(_entries(report, "misses"))
    )
    team = _text(report.get("team", ""), "field team", 64) or team_from_folder
    written = _text(report.get("written_at", ""), "field written_at", 40)
    libraries = tuple(
        (
            _text(e.get("name"), f"libraries[{n}].name", 128, empty=False),
            _text(e.get("version"), f"libraries[{n}].version", 64),
        )
        for n, e in enumerate(_entries(report, "libraries"))
    )
    return AgentDay(agent, day, team, written, libraries, tuple(phrases), words, misses)


def read_report(path: Path, team_from_folder: str = "") -> AgentDay:
    """Read one report file: a regular file (not a link), at most `MAX_REPORT_BYTES`, valid JSON, checked."""
    label = one_line(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        what = "a symbolic link, not read" if os.path.islink(path) else f"cannot read ({e.strerror or e})"
        raise ReportFileError(f"{label}: {what}") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ReportFileError(f"{label}: not a regular file")
        data = f.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        raise ReportFileError(f"{label}: larger than {MAX_REPORT_BYTES // 1024} KB, not a daily report")
    try:
        raw = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ReportFileError(f"{label}: not valid JSON ({one_line(str(e))[:80]})") from None
    try:
        return check_report(raw, team_from_folder)
    except ReportFileError as e:
        raise ReportFileError(f"{label}: {e}") from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def report_files(folder: Path, warn: Callable[[str], None]) -> Iterator[tuple[Path, str]]:
    """Every `*.json` in `folder` and its team subfolders (MAX_DEPTH), with the subfolder's name; links
    to folders are not followed (each one is a warning)."""

    def walk(at: Path, team: str, depth: int) -> Iterator[tuple[Path, str]]:
        try:
            entries = sorted(os.scandir(at), key=lambda e: e.name)
        except OSError as e:
            warn(f"{one_line(str(at))}: cannot list the folder ({e.strerror or e}); skipped")
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink() and entry.is_dir():
                warn(f"{one_line(str(path))}: a symbolic link to a folder, skipped")
            elif entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    yield from walk(path, team or entry.name, depth + 1)
            elif entry.name.endswith(".json") and not entry.name.startswith("."):
                yield path, team  # a link to a file is yielded to be refused (and counted) by `read_report`

    yield from walk(folder, "", 1)


@dataclass
class Merged:
    """The reports read, summed; `bad` counts the files skipped."""

    reports: list[AgentDay] = field(default_factory=list)
    bad: int = 0

    @property
    def period(self) -> tuple[str, str]:
        days = [r.day for r in self.reports]
        return (min(days), max(days)) if days else ("", "")


def read_reports(inputs: Iterable[Path], warn: Callable[[str], None]) -> Merged:
    """Read files and folders. A bad file in a folder is a warning and counted; a bad file named
    directly raises (the lead asked for that file). Two reports of one agent and day (a copied file)
    count once: the one written last."""
    latest: dict[tuple[str, str], AgentDay] = {}
    merged = Merged()
    seen = entries = 0
    for item in inputs:
        direct = not item.is_dir() or item.is_symlink()
        for path, team in [(item, "")] if direct else report_files(item, warn):
            seen += 1
            if seen > MAX_REPORTS:
                raise ReportFileError(f"{one_line(str(path))}: more than {MAX_REPORTS} reports; merge fewer")
            try:
                report = read_report(path, team)
            except ReportFileError as e:
                if direct:
                    raise
                warn(f"{e}; skipped")
                merged.bad += 1
                continue
            entries += len(report.phrases) + len(report.words) + len(report.misses) + len(report.libraries)
            if entries > MAX_TOTAL_ENTRIES:
                raise ReportFileError(f"{one_line(str(path))}: over {MAX_TOTAL_ENTRIES} counts in all; merge fewer")
            key = (report.agent, report.day)
            if key not in latest or latest[key].written_at <= report.written_at:
                latest[key] = report
    merged.reports = sorted(latest.values(), key=lambda r: (r.day, r.agent))
    return merged


Table = list[dict[str, Any]]
_KINDS = [k.value for k in UsageKind]
_PHRASE = ["library", "uid", "category", "title"]
COLUMNS: dict[str, list[str]] = {  # every table's keys, in order: an empty table still has its header
    "most_used": [*_PHRASE, "uses", *_KINDS, "agents"],
    "never_used": _PHRASE,
    "most_customised": [*_PHRASE, "customised", "abandoned", "uses"],
    "guard_overridden": ["word", "list", "overridden", "agents"],
    "searches_not_found": ["query", "searches", "agents"],
    "by_version": ["library", "version", "agents", *_KINDS],
    "by_team": ["team", "agents", *_KINDS, "misses"],
}


@dataclass
class Summary:
    """The lead's tables, each a list of rows with the same keys (JSON output and workbook sheets)."""

    period: tuple[str, str]
    agents: int
    reports: int
    skipped: int
    tables: dict[str, Table]


def summarise(
    merged: Merged, library_phrases: Callable[[str], list[Phrase]], retirable: Callable[[str], bool]
) -> Summary:
    """Sum the reports; `library_phrases(name)` gives the lead's current phrases of a library the reports
    name (empty when the lead does not have it), for titles; the never-used list takes the phrases of
    the `retirable` ones (team libraries, not the bundled 标准话术)."""
    uses: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    agents_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    versions: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    version_agents: dict[tuple[str, str], set[str]] = defaultdict(set)
    teams: dict[str, Counter[str]] = defaultdict(Counter)
    team_agents: dict[str, set[str]] = defaultdict(set)
    words: Counter[tuple[str, str]] = Counter()
    word_agents: dict[tuple[str, str], set[str]] = defaultdict(set)
    misses: Counter[str] = Counter()
    miss_agents: dict[str, set[str]] = defaultdict(set)
    for r in merged.reports:
        team = r.team or "-"
        team_agents[team].add(r.agent)
        for library, version in r.libraries:
            version_agents[(library, version)].add(r.agent)
            versions.setdefault((library, version), Counter())
        for uid, library, version, counts in r.phrases:
            uses[(library, uid)].update(counts)
            versions[(library, version)].update(counts)
            teams[team].update(counts)
            if any(counts[k.value] for k in USE_KINDS):
                agents_of[(library, uid)].add(r.agent)
        for word, listed, n in r.words:
            words[(word, listed)] += n
            word_agents[(word, listed)].add(r.agent)
        for query, n in r.misses:
            misses[query] += n
            miss_agents[query].add(r.agent)
            teams[team]["misses"] += n
    named = sorted(({lib for lib, _ in uses} | {lib for lib, _ in versions}) - {""})
    known = {(lib, p.uid): p for lib in named for p in library_phrases(lib)}

    def phrase_cols(key: tuple[str, str]) -> dict[str, Any]:
        p = known.get(key)
        return {"library": key[0], "uid": key[1], "category": p.category if p else "", "title": p.title if p else ""}

    def used(c: Counter[str]) -> int:
        return sum(c[k.value] for k in USE_KINDS)

    kinds = _KINDS
    most_used = sorted(
        (
            {**phrase_cols(k), "uses": used(c), **{x: c[x] for x in kinds}, "agents": len(agents_of[k])}
            for k, c in uses.items()
            if used(c)
        ),
        key=lambda row: (-row["uses"], row["library"], row["uid"]),
    )
    never = [phrase_cols(k) for k in sorted(known) if retirable(k[0]) and not used(uses.get(k, Counter()))]
    customised = sorted(
        (
            {**phrase_cols(k), "customised": c["customised"], "abandoned": c["abandoned"], "uses": used(c)}
            for k, c in uses.items()
            if c["customised"] or c["abandoned"]
        ),
        key=lambda row: (-row["customised"], -row["abandoned"], row["uid"]),
    )
    tables: dict[str, Table] = {
        "most_used": most_used,
        "never_used": never,
        "most_customised": customised,
        "guard_overridden": [
            {"word": w, "list": listed, "overridden": n, "agents": len(word_agents[(w, listed)])}
            for (w, listed), n in sorted(words.items(), key=lambda i: (-i[1], i[0]))
        ],
        "searches_not_found": [
            {"query": q, "searches": n, "agents": len(miss_agents[q])}
            for q, n in sorted(misses.items(), key=lambda i: (-i[1], i[0]))
        ],
        "by_version": [
            {"library": lib, "version": v, "agents": len(version_agents[(lib, v)]), **{x: c[x] for x in kinds}}
            for (lib, v), c in sorted(versions.items())
        ],
        "by_team": [
            {"team": t, "agents": len(team_agents[t]), **{x: teams[t][x] for x in kinds}, "misses": teams[t]["misses"]}
            for t in sorted(team_agents)
        ],
    }
    every_agent = {r.agent for r in merged.reports}
    return Summary(merged.period, len(every_agent), len(merged.reports), merged.bad, tables)


def summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "period": {"from": summary.period[0], "to": summary.period[1]},
        "agents": summary.agents,
        "reports": summary.reports,
        "skipped": summary.skipped,
        **summary.tables,
    }

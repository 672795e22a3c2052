"""The agent's daily usage report: one small JSON file per agent and day, for the lead to merge.

It names phrase uids, library versions, counts, listed 禁语 and normalised misses (`normalise_miss`)
and nothing else: no phrase text, no fill-in value, no clipboard, no customer message. The agent is
named by the profile's 工号, or by a random id stored once (no 工号, or `report_anonymous`).
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from palette import __version__
from palette.core.atomic import TargetExistsError, write_atomic
from palette.core.model import LibraryKind, UsageKind
from palette.core.store import Store
from palette.core.store.usage import MISS_KIND, WORD_KIND

REPORT_SCHEMA = "palette.usage-report"
REPORT_SCHEMA_VERSION = 1
AGENT_ID_SETTING = "report_agent_id"  # the random id, once chosen
AGENT_PROFILE_KEY = "工号"
TEAM_PROFILE_KEY = "团队"  # optional: the lead's merge groups by it (else by the report's subfolder)
_SAFE_ID = re.compile(r"^[\w-]{1,32}$")
PHRASE_KINDS = tuple(k.value for k in UsageKind)


class ReportError(Exception):
    """The report cannot be written where it should go; the message names the folder or file."""


def agent_id(store: Store, *, anonymous: bool) -> str:
    """The 工号 when it can name a file and the agent agreed to be named; else the stored random id."""
    if not anonymous:
        number = store.profile().get(AGENT_PROFILE_KEY, "").strip()
        if _SAFE_ID.match(number):
            return number
    stored = store.settings().get(AGENT_ID_SETTING)
    if isinstance(stored, str) and _SAFE_ID.match(stored):
        return stored
    new = f"anon-{secrets.token_hex(6)}"
    store.set_setting(AGENT_ID_SETTING, new)
    return new


def build_report(store: Store, day: date, *, anonymous: bool = False) -> dict[str, Any]:
    """Today's counts as the report's JSON object (see the README's lead section for the fields)."""
    phrases: dict[tuple[str, str, str], dict[str, Any]] = {}
    words: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    for kind, key, library, version, n in store.daily_counts(day):
        if kind == MISS_KIND:
            misses.append({"query": key, "n": n})
        elif kind == WORD_KIND:
            words.append({"word": key, "list": library, "n": n})
        elif kind in PHRASE_KINDS:
            entry = phrases.setdefault((key, library, version), {"uid": key, "library": library, "version": version})
            entry[kind] = n
    libraries = [
        {"name": lib.name, "kind": lib.kind.value, "version": lib.version or lib.checksum[:12]}
        for lib in store.libraries()
        if lib.kind is not LibraryKind.PERSONAL
    ]
    return {
        "schema": REPORT_SCHEMA,
        "schema_version": REPORT_SCHEMA_VERSION,
        "agent": agent_id(store, anonymous=anonymous),
        "team": store.profile().get(TEAM_PROFILE_KEY, "").strip(),
        "day": day.isoformat(),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app_version": __version__,
        "libraries": libraries,
        "phrases": list(phrases.values()),
        "guard_words": words,
        "misses": misses,
    }


def report_name(agent: str, day: date) -> str:
    return f"{agent}-{day.isoformat()}.json"


def render_report(store: Store, day: date | None = None, *, anonymous: bool = False) -> tuple[str, bytes]:
    """The report of `day` (today): its file name and its bytes; reads the store, writes nothing."""
    day = day or date.today()
    report = build_report(store, day, anonymous=anonymous)
    data = json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return report_name(report["agent"], day), data


def report_target(folder: str) -> Path:
    """The `report_dir` folder, which must exist: an unmounted share is an error, not a new local folder."""
    if not folder:
        raise ReportError("no report_dir set (palette config set report_dir FOLDER) and no --out given")
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise ReportError(f"{path}: report_dir is not a folder that exists")
    return path


def save_report(path: Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write atomically, replacing the one written earlier that day; any thread (no store involved)."""
    try:
        write_atomic(path, data, overwrite=overwrite)
    except TargetExistsError:
        raise
    except OSError as e:
        raise ReportError(f"{path}: cannot write the report ({e.strerror or e})") from None
    return path

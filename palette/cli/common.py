"""What every command shares: exit codes, the one error a user's mistake raises, the store, JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from palette.core.escaping import json_text

if TYPE_CHECKING:
    from palette.core.store import Store

EXIT_OK = 0
EXIT_PENDING = 1  # `library check`: an update waits for a confirmation (--yes)
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def open_store() -> Store:
    """The agent's database with 标准话术 in it; the store module loads when a command runs, not for `--help`."""
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


def print_json(value: Any) -> None:
    """JSON escapes C0 controls itself; C1, bidi and zero-width characters become \\u escapes too."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(json_text(text))

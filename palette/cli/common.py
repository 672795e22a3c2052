"""What every command shares: the exit codes, the one error a user's mistake raises, the store."""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_PENDING = 1  # `library check`: an update waits for a confirmation (--yes)
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def open_store() -> Any:
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

"""The app's suggester is built in a child process: rjieba's dictionary (~33 MB) and the build's
garbage die with the child, and the build's 13 s at 100,000 phrases never hold the app's GIL. The
child reads the pickled `SuggestSource` from one file and writes the pickled `Suggester` to another
(files, not pipes: a windowed frozen executable may have no usable standard streams). Messages are
then segmented without rjieba (`text.message_tokens`), so the app never imports it.

Started as `python -m palette.core.suggest.child IN OUT`, or, frozen, as the bundle's own executable
with `CHILD_ARG` first (packaging/launch_*.py hand it to `main`).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from palette.core.suggest.engine import Suggester, SuggestSource

CHILD_ARG = "--palette-suggest-build"
TIMEOUT_S = 600  # a build of the store's largest library takes ~15 s; past this it is stuck


class ChildBuildError(RuntimeError):
    """The child process failed (its exit code; its stderr is not read: it may hold phrase text)."""


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_ARG]
    return [sys.executable, "-m", "palette.core.suggest.child"]


def build_in_child(source: SuggestSource) -> Suggester:
    """Build in a child process and load its result (safe on a worker thread: the wait holds no GIL)."""
    package_root = str(Path(__file__).resolve().parents[3])
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    with tempfile.TemporaryDirectory(prefix="palette-suggest-") as tmp:
        given, built = Path(tmp, "source.pickle"), Path(tmp, "suggester.pickle")
        given.write_bytes(pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL))
        done = subprocess.run(
            [*child_command(), str(given), str(built)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
            timeout=TIMEOUT_S,
            check=False,
            creationflags=flags,
        )
        if done.returncode != 0 or not built.exists():
            raise ChildBuildError(f"suggestion build exited with {done.returncode}")
        suggester = pickle.loads(built.read_bytes())
    if not isinstance(suggester, Suggester):
        raise ChildBuildError("suggestion build returned no suggester")
    return suggester


def build_apart(source: SuggestSource) -> Suggester:
    """`build_in_child`, or the build here when no child can be run (suggestions still work; the
    event says why the app is bigger)."""
    from palette.core import events

    try:
        return build_in_child(source)
    except (ChildBuildError, OSError, subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError) as e:
        events.emit("suggest.child_failed", error=type(e).__name__)
        return Suggester.build(source)


def main(argv: list[str] | None = None) -> int:
    """The child: build from the source file into the result file."""
    given, built = (argv if argv is not None else sys.argv[1:])[-2:]
    source = pickle.loads(Path(given).read_bytes())
    Path(built).write_bytes(pickle.dumps(Suggester.build(source), protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

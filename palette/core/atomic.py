"""Every file Palette writes goes through `write_atomic`: the old file or the new one, never half.

The data goes to a fresh `tempfile.mkstemp` file in the target's own folder (same file system, a
name nobody can predict or plant a symlink at), is fsynced, then renamed over the target and the
folder fsynced. A symlink at the target itself is never written through: the rename replaces the
link, not the file it points to. With `overwrite=False` the rename is a hard link, which fails
when the name exists, so two writers cannot both create the same file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


class TargetExistsError(FileExistsError):
    """The target exists and the caller asked not to replace it."""


Writer = Callable[[Path], None]
NEW_FILE_MODE = 0o644


def write_atomic(path: Path, data: bytes | Writer, *, overwrite: bool = True) -> None:
    """Write `data` (bytes, or a function that writes a file at the path it is given) to `path`."""
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, _mode_for(path))
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        else:
            os.close(fd)
            data(tmp)
            _fsync_file(tmp)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def _mode_for(path: Path) -> int:
    """An existing file keeps its permissions; a new one is readable by all (mkstemp's are 0600)."""
    try:
        st = os.lstat(path)
    except OSError:
        return NEW_FILE_MODE
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else NEW_FILE_MODE


def _link_new(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path` only if nothing has that name (atomic where hard links exist)."""
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise TargetExistsError(errno.EEXIST, "already exists", str(path)) from None
    except OSError:  # no hard links here (some network or FAT file systems): check, then rename
        if os.path.lexists(path):
            raise TargetExistsError(errno.EEXIST, "already exists", str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows flushes only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; folders cannot be opened for fsync on Windows."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""Where a library file's pictures come from and go to: xlsx drawings anchored in a row, or image files
named in a CSV/JSON `图片` column relative to the library file.

A path in a `图片` cell must stay inside the library file's folder: no absolute paths, no `..`, and no
link leading out. A team file comes from a share or a colleague; it must not make Palette read (and
then store, show and re-export) the agent's own files, or a device that never ends.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from palette.core.atomic import write_atomic
from palette.core.images import EXTENSIONS, MAX_IMAGE_BYTES
from palette.core.model import ImageRef, Phrase

IMAGES_FOLDER_SUFFIX = ".图片"  # team.csv → team.图片/ beside it
PATH_SEPARATORS = re.compile(r"[;；\n]")

Warn = Callable[[str, str], None]  # (where, message)
Picture = tuple[str, bytes]  # (how to name it in a message, its bytes)


def cell_paths(text: str) -> list[str]:
    """The paths a `图片` cell names, `;` (or `；`, or a line break) between them."""
    return [p.strip() for p in PATH_SEPARATORS.split(text) if p.strip()]


def read_relative(folder: Path, name: str) -> bytes:
    """The bytes of image file `name` inside `folder`, or `OSError`/`ValueError` saying why not."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        raise ValueError("an absolute path; name it relative to the library file")
    parts = PureWindowsPath(name).parts  # takes both / and \\
    if ".." in parts:
        raise ValueError("a path leading out of the library file's folder (..)")
    base = folder.resolve()
    target = (base / Path(*parts)).resolve()
    if not target.is_relative_to(base):
        raise ValueError("a link leading out of the library file's folder")
    return read_image_file(target)


def read_image_file(target: Path) -> bytes:
    """A picture file's bytes (a library's, or `palette add --image`): regular files only, opened so
    that a FIFO never blocks, at most the size cap + 1 read; `OSError`/`ValueError` saying why not."""
    st = os.stat(target)
    if not stat.S_ISREG(st.st_mode):
        raise ValueError("not a regular file")
    if st.st_size > MAX_IMAGE_BYTES:
        raise ValueError(f"{st.st_size / 1048576:.1f} MB, more than the {MAX_IMAGE_BYTES // 1048576} MB allowed")
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        chunks, total = [], 0
        while total <= MAX_IMAGE_BYTES and (chunk := os.read(fd, min(1 << 20, MAX_IMAGE_BYTES + 1 - total))):
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > MAX_IMAGE_BYTES:  # it grew after the stat
        raise ValueError(f"more than the {MAX_IMAGE_BYTES // 1048576} MB allowed")
    return b"".join(chunks)


def cell_pictures(text: str, folder: Path | None, where: str, warn: Warn) -> list[Picture]:
    """The pictures a `图片` cell names; each one that cannot be read is a warning on its row."""
    names = cell_paths(text)
    if names and folder is None:
        warn(where, "pictures are named by paths beside the library file, and this one is a URL; left out")
        return []
    out: list[Picture] = []
    for name in names:
        assert folder is not None
        try:
            out.append((name, read_relative(folder, name)))
        except FileNotFoundError:
            warn(where, f"image {name!r}: no such file; left out")
        except (OSError, ValueError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            warn(where, f"image {name!r}: {reason}; left out")
    return out


# -- xlsx ----------------------------------------------------------------------------------------


def sheet_pictures(archive: zipfile.ZipFile, sheet_path: str, where: str, warn: Warn) -> dict[int, list[Picture]]:
    """Sheet row (as Excel numbers it) → the pictures anchored in its cells, left to right.

    openpyxl's read-only sheets drop drawings, so they are read here from the package: the sheet's
    relationships name its drawing, the drawing's anchors (one-cell and two-cell, as Excel and WPS
    write them) give each picture's top-left cell and the media part it shows. A picture placed at an
    absolute position belongs to no row (a warning).
    """
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.xml.functions import fromstring

    names = set(archive.namelist())
    rels_path = get_rels_path(sheet_path)
    if rels_path not in names:
        return {}
    found: dict[int, list[tuple[int, Picture]]] = {}
    for rel in get_dependents(archive, rels_path).find(SpreadsheetDrawing._rel_type):
        if rel.target not in names:
            continue
        drawing = SpreadsheetDrawing.from_tree(fromstring(archive.read(rel.target)))
        deps_path = get_rels_path(rel.target)
        deps = get_dependents(archive, deps_path) if deps_path in names else None
        for anchor in drawing.absoluteAnchor:
            if anchor.pic is not None:
                warn(where, "a picture placed at a fixed position, not in a cell; left out (anchor it to a row)")
        for anchor in [*drawing.oneCellAnchor, *drawing.twoCellAnchor]:
            media = _anchored_media(anchor, deps)
            if media is None or media not in names:
                continue
            row, col = anchor._from.row + 1, anchor._from.col
            found.setdefault(row, []).append((col, (f"picture {posixpath.basename(media)}", archive.read(media))))
    return {row: [pic for _, pic in sorted(pics, key=lambda t: t[0])] for row, pics in found.items()}


def _anchored_media(anchor: Any, deps: Any) -> str | None:
    """The media part an anchor's picture shows, or None (a chart, a shape, a broken link)."""
    pic = anchor.pic or (anchor.groupShape.pic if anchor.groupShape is not None else None)
    if pic is None or deps is None:
        return None
    blip = pic.blipFill.blip if pic.blipFill is not None else None
    if blip is None or not blip.embed:
        return None
    dep = deps.get(blip.embed)
    return str(dep.target) if dep is not None and dep.target else None


def place_pictures(ws: Any, rows: Iterable[tuple[int, Phrase]], column: int, image: Callable[[str], bytes]) -> None:
    """Anchor each phrase's pictures in its row (sheet row number), from `column` (0-based) rightwards."""
    import io

    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    for row, p in rows:
        for i, ref in enumerate(p.images):
            img = Image(io.BytesIO(image(ref.sha256)))
            scale = min(1.0, 80 / max(ref.height, 1))  # a thumbnail in the sheet, the full picture inside
            size = XDRPositiveSize2D(pixels_to_EMU(int(ref.width * scale)), pixels_to_EMU(int(ref.height * scale)))
            img.anchor = OneCellAnchor(_from=AnchorMarker(col=column + i, row=row - 1), ext=size)
            ws.add_image(img)


# -- CSV and JSON ---------------------------------------------------------------------------------


def images_folder(path: Path) -> Path:
    """Where an export of `path` (CSV or JSON) keeps its pictures: `team.csv` → `team.图片/`."""
    return path.with_name(path.stem + IMAGES_FOLDER_SUFFIX)


def relative_name(folder: Path, ref: ImageRef) -> str:
    """A picture's path in an export's images folder, relative to the library file: named by its digest,
    so a picture two phrases share is written once."""
    return f"{folder.name}/{ref.sha256[:16]}{EXTENSIONS[ref.mime]}"


def write_images_folder(
    images: Mapping[str, bytes], phrases: Iterable[Phrase], path: Path, *, overwrite: bool
) -> dict[str, str]:
    """Write every picture of `phrases` into `images_folder(path)`, each file atomically; returns
    sha256 → the name a `图片` cell gives it. Pictures are written before the library file that names
    them, so a reader never finds a name without its file."""
    folder = images_folder(path)
    names: dict[str, str] = {}
    for p in phrases:
        for ref in p.images:
            if ref.sha256 in names:
                continue
            name = names[ref.sha256] = relative_name(folder, ref)
            folder.mkdir(exist_ok=True)
            write_atomic(path.parent / name, images[ref.sha256], overwrite=overwrite)
    return names


def export_targets(data_phrases: Iterable[Phrase], path: Path) -> list[Path]:
    """The picture files an export of `path` (CSV or JSON) writes: what `--force` must allow replacing."""
    folder = images_folder(path)
    refs = {r.sha256: r for p in data_phrases for r in p.images}
    return [path.parent / relative_name(folder, r) for r in refs.values()]

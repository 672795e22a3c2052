"""Real picture bytes for tests: PNG/JPEG/GIF drawn with Pillow, and hand-made bombs and damaged files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any


def png(width: int = 8, height: int = 6, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def picture(fmt: str, width: int = 8, height: int = 6, color: tuple[int, int, int] = (20, 120, 220)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG of a few hundred bytes claiming `width` × `height` pixels (10 gigapixels)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 4096, 9)  # a real bomb would go on; the header alone must be refused
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def damaged_png() -> bytes:
    """A PNG whose image data fails its checksum."""
    data = bytearray(png(16, 16))
    data[-20] ^= 0xFF  # inside IDAT / before IEND: the CRC no longer matches
    return bytes(data)


def _picture(data: bytes, anchor: object) -> Any:
    from openpyxl.drawing.image import Image

    img = Image(io.BytesIO(data))
    img.anchor = anchor
    return img


def workbook(path: Path, pictures: list[tuple[bytes, object]], rows: list[list[str]] | None = None) -> Path:
    """A workbook of phrases (sheet 话术) with pictures at the given anchors ("E2" or an anchor object)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "话术"
    default = [["分类", "标题", "内容", "发送"], ["指引", "扫码", "请扫码", "回车"], ["指引", "截图", "看图", ""]]
    for row in rows or default:
        ws.append(row)
    for data, anchor in pictures:
        ws.add_image(_picture(data, anchor))
    wb.save(path)
    return path


def swap_media(path: Path, media: dict[str, bytes]) -> Path:
    """Replace pictures inside a saved workbook (openpyxl itself opens every picture it adds with
    Pillow, so a bomb goes in afterwards, as a hostile file would carry it)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert set(media) <= set(parts), sorted(parts)
    parts.update(media)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path

"""Real picture bytes for tests: PNG/JPEG/GIF drawn with Pillow, and hand-made bombs and damaged files."""

from __future__ import annotations

import io
import struct
import zlib


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

"""Checking the pictures a phrase may carry: PNG, JPEG or GIF by content, bounded in bytes and pixels.

Pillow reads the header only (and PNG's chunk checksums): it is imported on the first image, not at
start-up, and nothing is decoded here, so a picture bomb (a small file that claims 100,000 × 100,000
pixels) is refused before anything allocates its pixels.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from palette.core.model import ImageRef

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 24_000_000  # a 4K screenshot is 8.3 MP, a long phone capture 1080 × 20,000 = 21.6 MP
MAX_IMAGE_SIDE = 30_000
MAX_PHRASE_IMAGES = 9  # what a chat client sends at once

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"GIF87a", "image/gif", "GIF"),
    (b"GIF89a", "image/gif", "GIF"),
)
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}


class InvalidImageError(ValueError):
    """Bytes that are not a picture a phrase may carry; the message is one line for the user."""


def sniff(data: bytes) -> str:
    """The mime type by the file's first bytes, or "" when it is none of PNG, JPEG, GIF."""
    return next((mime for magic, mime, _ in _MAGIC if data.startswith(magic)), "")


def probe(data: bytes) -> ImageRef:
    """The `ImageRef` of `data`, or `InvalidImageError` saying why it cannot be a phrase's picture."""
    if len(data) > MAX_IMAGE_BYTES:
        mb = len(data) / 1048576
        raise InvalidImageError(f"image is {mb:.1f} MB, more than the {MAX_IMAGE_BYTES // 1048576} MB allowed")
    fmt = next((f for magic, _, f in _MAGIC if data.startswith(magic)), "")
    if not fmt:
        raise InvalidImageError("not a PNG, JPEG or GIF image")
    from PIL import Image  # lazily: ~30 ms and several MB that a palette without pictures never needs

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own bomb warning: the limits below say it in one line
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                width, height = img.size
                _check_size(width, height)
                img.verify()  # PNG chunk checksums; reads no pixels
    except InvalidImageError:
        raise
    except Image.DecompressionBombError:  # past Pillow's own limit, far past ours
        raise InvalidImageError(f"image is more than the {MAX_IMAGE_PIXELS // 1_000_000} megapixels allowed") from None
    except Exception:  # Pillow raises many kinds for a damaged file; each is "unreadable" to the user
        raise InvalidImageError(f"unreadable {fmt} image (damaged or cut short)") from None
    mime = next(m for _, m, f in _MAGIC if f == fmt)
    return ImageRef(hashlib.sha256(data).hexdigest(), mime, width, height)


def _check_size(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise InvalidImageError(f"image has no pixels ({width} × {height})")
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise InvalidImageError(
            f"image is {width} × {height} pixels, more than the {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
            f" (or {MAX_IMAGE_SIDE} a side) allowed"
        )

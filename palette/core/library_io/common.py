"""What every library format shares: the data classes, the limits, header synonyms and text decoding.

Kept apart from the formats so each of them (and `tables`, `collector`) imports it without a cycle.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from palette.core.escaping import one_line
from palette.core.model import ForbiddenWord, Phrase, SendMode

LIBRARY_FORMAT = "palette-library"
LIBRARY_FORMAT_VERSION = 1

MAX_ROWS = 100_000  # phrases in one library; more is a mistake (a log, a whole CRM export)
MAX_FIELD_CHARS = 200  # id (category and title: `phrase_rules`, the same 200)
DEFAULT_CATEGORY = "未分类"
FORMATS = (".xlsx", ".csv", ".json", ".db")

# Header synonyms, compared after `header_key` (NFKC, lower case, no spaces, no "(必填)" suffix).
FIELD_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "id": ("编号", "id", "uid", "话术编号", "话术id"),
    "category": ("分类", "类别", "场景", "category", "分组", "类型", "话术分类", "场景分类", "业务分类"),
    "title": ("标题", "名称", "title", "话术标题", "话术名称", "name", "主题"),
    "body": ("内容", "话术", "话术内容", "正文", "回复内容", "body", "text", "回复", "content", "话术正文"),
    "shortcut": ("快捷码", "快捷键", "缩写", "code", "shortcut", "快捷词", "简码", "短码"),
    "tags": ("标签", "tags", "tag", "关键词", "关键字"),
    "send": ("发送", "send", "发送方式", "发送模式"),
    "images": ("图片", "images", "image", "配图", "截图"),
}
FORBIDDEN_SHEETS = ("禁语", "服务禁语", "禁用语", "敏感词", "forbidden", "forbiddenwords")
FORBIDDEN_FIELDS: Mapping[str, tuple[str, ...]] = {
    "word": ("禁语", "服务禁语", "禁用语", "敏感词", "词语", "word", "forbidden"),
    "suggestion": ("建议", "建议用语", "建议话术", "推荐用语", "替换", "替代用语", "suggestion"),
}
IGNORE = "ignore"  # `--map 备注=ignore` leaves a column out
EXPORT_HEADER = ("编号", "分类", "标题", "内容", "快捷码", "标签")
EXPORT_FIELDS = ("id", "category", "title", "body", "shortcut", "tags")
SEND_HEADER, IMAGES_HEADER = "发送", "图片"  # export columns, written only when some phrase uses them
# What a 发送 cell may say (after `header_key`); an empty cell is the library's default.
SEND_WORDS: Mapping[str, SendMode] = {
    "不发送": SendMode.NEVER,
    "never": SendMode.NEVER,
    "否": SendMode.NEVER,
    "回车": SendMode.ENTER,
    "enter": SendMode.ENTER,
    "回车发送": SendMode.ENTER,
    "ctrl+enter": SendMode.CTRL_ENTER,
    "ctrl+回车": SendMode.CTRL_ENTER,
    "ctrlenter": SendMode.CTRL_ENTER,
    "ctrl+回车发送": SendMode.CTRL_ENTER,
}
SEND_LABELS: Mapping[SendMode, str] = {
    SendMode.NEVER: "不发送",
    SendMode.ENTER: "回车",
    SendMode.CTRL_ENTER: "ctrl+enter",
}
MAX_LIBRARY_IMAGE_BYTES = 200 * 1024 * 1024  # the distinct pictures of one library, held while it imports
FORBIDDEN_HEADER = ("禁语", "建议")


class LibraryFileError(Exception):
    """A library file that cannot be used; the message starts with the file's name and is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True)
class LibraryData:
    """One library's content, as read from or written to a file."""

    name: str
    version: str
    phrases: tuple[Phrase, ...]
    forbidden: tuple[ForbiddenWord, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    images: Mapping[str, bytes] = field(default_factory=dict)  # sha256 → bytes of the phrases' pictures
    send: SendMode | None = None  # the library's default send mode; None: the file does not say
    send_each: bool | None = None
    from_files: bool = False  # some pictures came from files beside it: the same bytes may import differently

    def checksum(self) -> str:
        """sha256 of the content (not of file bytes), so the same library always sums the same.

        Fields are joined by control characters, which stored text never holds (`phrase_rules`):
        four times faster than a canonical JSON at 100,000 phrases.
        """
        phrases = "\x01".join(
            "\x00".join(
                (p.uid, p.category, p.title, p.body, p.shortcut, "\x02".join(p.tags), str(p.sort_order))
                + ((p.send or "", *(r.sha256 for r in p.images)) if p.send or p.images else ())
            )
            for p in self.phrases
        )
        words = "\x01".join(f"{w.word}\x00{w.suggestion}" for w in self.forbidden)
        defaults = f"\x03{self.send}\x00{self.send_each}" if self.send or self.send_each else ""
        return hashlib.sha256(f"{phrases}\x03{words}{defaults}".encode()).hexdigest()


@dataclass(frozen=True)
class ReadOptions:
    """How to read a spreadsheet: one sheet or all, and columns the synonyms do not cover."""

    sheet: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()  # (header as written, field)


DEFAULT_OPTIONS = ReadOptions()


@dataclass(frozen=True)
class LibraryBytes:
    """A library file's bytes and how to name it in messages; `companion` is a CSV's 禁语 file."""

    label: str  # the path or URL as the user gave it
    suffix: str  # ".xlsx", ".csv" … from the name; the content decides when they disagree
    stem: str  # the default library name
    data: bytes
    companion: bytes | None = None
    folder: Path | None = None  # a local file's folder: where its 图片 paths are read from (None: a URL)

    def digest(self) -> str:
        h = hashlib.sha256(self.data)
        if self.companion is not None:
            h.update(b"\0companion\0" + self.companion)
        return h.hexdigest()


def parse_map(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """`话术=body` (or `话术=内容`): a column header and the field it holds."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise LibraryFileError(f"--map {item!r}: expected HEADER=FIELD, e.g. 话术=body")
        key = header_key(target)
        if key == IGNORE:
            pairs.append((header.strip(), IGNORE))
            continue
        fld = next((f for f, names in FIELD_SYNONYMS.items() if key == f or key in names), None)
        if fld is None:
            known = ", ".join([*FIELD_SYNONYMS, IGNORE])
            raise LibraryFileError(f"--map {item!r}: unknown field {target.strip()!r} (use {known})")
        pairs.append((header.strip(), fld))
    return tuple(pairs)


def header_key(text: object) -> str:
    t = unicodedata.normalize("NFKC", cell_text(text)).replace("\ufeff", "").strip().lower()
    t = re.sub(r"\(.*?\)$|\[.*?\]$|【.*?】$", "", t)  # 内容(必填)
    return re.sub(r"[\s_\-*::]+", "", t)


SYNONYM_INDEX = {name: fld for fld, names in FIELD_SYNONYMS.items() for name in names}
FORBIDDEN_INDEX = {name: fld for fld, names in FORBIDDEN_FIELDS.items() for name in names}


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole numbers without '.0', dates as ISO."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 as Chinese Excel writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise LibraryFileError(f"{label}: damaged UTF-16 text at byte {e.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise LibraryFileError(
            f"{label}: not text in UTF-8 or GBK/GB18030 (byte {e.start}); save it as CSV UTF-8 or .xlsx"
        ) from None


def check_format_version(path: str, value: object) -> None:
    """Refuse a library written in a format this Palette does not know (`format_version` ≠ 1)."""
    if value is None:
        return  # written before the field existed
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not text.isdigit() or len(text) > 9:
        shown = repr(value)[:30] if isinstance(value, str | int | float) else type(value).__name__
        raise LibraryFileError(f"{path}: field format_version is {shown}, not a whole number")
    if int(text) > LIBRARY_FORMAT_VERSION:
        raise LibraryFileError(f"{path}: made by a newer Palette (library format {text})")
    if int(text) < 1:
        raise LibraryFileError(f"{path}: field format_version is {text}; no Palette wrote that")


def export_header(data: LibraryData) -> list[str]:
    """The export columns: the six of every library, then 发送 when a phrase names a send mode."""
    header = list(EXPORT_HEADER)
    if any(p.send for p in data.phrases):
        header.append(SEND_HEADER)
    return header


def phrase_rows(data: LibraryData) -> Iterator[list[str]]:
    """The rows under `export_header(data)`, in the library's order."""
    with_send = any(p.send for p in data.phrases)
    for p in sorted(data.phrases, key=lambda p: p.sort_order):
        row = [p.uid, p.category, p.title, p.body, p.shortcut, ", ".join(p.tags)]
        if with_send:
            row.append(SEND_LABELS[p.send] if p.send else "")
        yield row

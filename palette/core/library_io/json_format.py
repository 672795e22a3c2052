"""JSON libraries (the format the README documents): typed field checks, then the shared collector."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from palette.core.atomic import write_atomic
from palette.core.library_io.collector import Collector
from palette.core.library_io.common import (
    DEFAULT_CATEGORY,
    EXPORT_FIELDS,
    IGNORE,
    LIBRARY_FORMAT,
    LIBRARY_FORMAT_VERSION,
    SEND_WORDS,
    SYNONYM_INDEX,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    ReadOptions,
    check_format_version,
    decode_text,
    header_key,
)
from palette.core.library_io.pictures import write_images_folder
from palette.core.model import Phrase, SendMode


def parse_json(source: LibraryBytes, options: ReadOptions, library: str | None) -> LibraryData:
    label = source.label
    try:
        doc = json.loads(decode_text(source.data, label))
    except json.JSONDecodeError as e:
        raise LibraryFileError(f"{label}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise LibraryFileError(f"{label}: JSON nested too deeply to be a library") from None
    except ValueError as e:  # a number of more than 4,300 digits
        raise LibraryFileError(f"{label}: not a usable JSON library ({e})") from None
    meta: Mapping[str, Any] = {k.replace("\ufeff", ""): v for k, v in doc.items()} if isinstance(doc, dict) else {}
    check_format_version(label, meta.get("format_version"))
    items = doc if isinstance(doc, list) else _json_key(meta, ("phrases", "话术"))
    if not isinstance(items, list):
        raise LibraryFileError(f'{label}: expected a list of phrases under "phrases", found {_json_type(items)}')
    collector = Collector(label, library or _json_text(meta.get("name")) or source.stem, source.folder)
    mapping = {header_key(h): f for h, f in options.mapping}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise LibraryFileError(f"{label}: phrase {n}: expected an object, found {_json_type(item)}")
        cells: dict[str, tuple[str, object]] = {}
        bad = ""
        for key, value in item.items():
            k = header_key(key)
            fld = mapping.get(k) or (k if k in EXPORT_FIELDS else SYNONYM_INDEX.get(k))
            if fld is None or fld == IGNORE or fld in cells:
                continue
            if fld in ("tags", "images") and isinstance(value, list) and all(type(v) in (str, int) for v in value):
                value = (";" if fld == "images" else ",").join(map(str, value))
            elif not (value is None or type(value) is str or (fld in ("id", "shortcut") and type(value) is int)):
                bad = bad or f"field {key!r}: expected text, found {_json_type(value)}; row skipped"
            cells[fld] = (str(key), value)
        if "body" not in cells:
            raise LibraryFileError(f'{label}: phrase {n}: no body (use "body" or map a key with --map KEY=body)')
        if bad:
            collector.warn(f"phrase {n}", bad)
            continue
        collector.add(f"phrase {n}", cells, DEFAULT_CATEGORY)
    words = _json_key(meta, ("forbidden", "forbidden_words", "禁语"))
    if words is not None:
        if not isinstance(words, list):
            raise LibraryFileError(f'{label}: "forbidden" should be a list')
        for n, w in enumerate(words, start=1):
            if isinstance(w, str):
                collector.add_forbidden(f"forbidden word {n}", w, "")
            elif isinstance(w, dict) and all(v is None or type(v) is str for v in (w.get("word"), w.get("suggestion"))):
                collector.add_forbidden(f"forbidden word {n}", w.get("word"), w.get("suggestion"))
            else:
                raise LibraryFileError(f"{label}: forbidden word {n}: expected text or an object of text")
    send, send_each = _json_send(label, meta)
    return collector.result(_json_text(meta.get("version")), send, send_each)


def _json_send(label: str, meta: Mapping[str, Any]) -> tuple[SendMode | None, bool | None]:
    """The library's default send mode and send_each, when the file says them."""
    send = meta.get("send")
    mode = SEND_WORDS.get(header_key(send)) if isinstance(send, str) and send.strip() else None
    if send is not None and mode is None and send != "":
        raise LibraryFileError(f'{label}: "send" is {str(send)[:20]!r}; use "never", "enter" or "ctrl+enter"')
    each = meta.get("send_each")
    if each is not None and not isinstance(each, bool):
        raise LibraryFileError(f'{label}: "send_each" should be true or false')
    return mode, each


def _json_key(meta: Mapping[str, Any], keys: Sequence[str]) -> Any:
    return next((meta[k] for k in keys if k in meta), None)


def _json_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _json_type(value: object) -> str:
    """A JSON value's kind as JSON names it, for messages (never the value: it may be huge)."""
    kinds = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def write_json(data: LibraryData, path: Path, *, overwrite: bool) -> list[Path]:
    """The library at `path`, its pictures first in the images folder beside it."""
    names = write_images_folder(data.images, data.phrases, path, overwrite=overwrite)
    write_atomic(path, json_bytes(data, names), overwrite=overwrite)
    return [path, *(path.parent / n for n in dict.fromkeys(names.values()))]


def json_bytes(data: LibraryData, image_names: Mapping[str, str] | None = None) -> bytes:
    """The JSON document; `image_names` (sha256 → path beside the file) when the phrases have pictures."""
    doc: dict[str, object] = {
        "format": LIBRARY_FORMAT,
        "format_version": LIBRARY_FORMAT_VERSION,
        "name": data.name,
        "version": data.version,
    }
    if data.send is not None:
        doc["send"] = data.send.value
    if data.send_each is not None:
        doc["send_each"] = data.send_each
    doc["phrases"] = [_json_phrase(p, image_names or {}) for p in sorted(data.phrases, key=lambda p: p.sort_order)]
    doc["forbidden"] = [{"word": w.word, "suggestion": w.suggestion} for w in data.forbidden]
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _json_phrase(p: Phrase, image_names: Mapping[str, str]) -> dict[str, object]:
    item: dict[str, object] = {
        "id": p.uid,
        "category": p.category,
        "title": p.title,
        "body": p.body,
        "shortcut": p.shortcut,
        "tags": list(p.tags),
    }
    if p.send is not None:
        item["send"] = p.send.value
    if p.images:
        item["images"] = [image_names[r.sha256] for r in p.images]
    return item

"""Builders for library files, good and bad, shared by the library import tests."""

from __future__ import annotations

import contextlib
import http.server
import io
import re
import sqlite3
import threading
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import openpyxl

from palette.core.library_io import LibraryData, ReadOptions, parse_library
from palette.core.sources import fetch

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["编号", "分类", "标题", "话术内容", "快捷码", "标签"]
ROWS = [
    ["1001", "投诉处理", "安抚", "您好,非常抱歉给您带来不便。", "ts1", "投诉,安抚"],
    ["1002", "投诉处理", "升级", "已为您升级处理,[工号]会在24小时内回复。", "ts2", ""],
    ["1003", "业务咨询", "套餐", "您当前的套餐是[套餐名称=畅享套餐]。", "", "套餐"],
]


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8-sig") -> Path:
    import csv

    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def read(path: Path, *, library: str | None = None, sheet: str | None = None, **mapping: str) -> LibraryData:
    options = ReadOptions(sheet=sheet, mapping=tuple(mapping.items()))
    return parse_library(fetch(str(path)), options, library=library)


def with_cached_formula(path: Path, cell: str, formula: str, cached: str, kind: str = "str") -> Path:
    """Make `cell` of the first sheet a formula whose cached value is `cached`, as Excel saves it.

    `kind` is the cell type Excel writes: "str" for a text result, "e" for an error such as #DIV/0!.
    """
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    pattern = re.compile(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)')
    replacement = f'<c r="{cell}" t="{kind}"><f>{formula}</f><v>{cached}</v></c>'
    xml, n = pattern.subn(replacement, xml)
    assert n == 1, f"no cell {cell} in {name}"
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n_, data in parts.items():
            z.writestr(n_, data)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """A real password-protected workbook (Excel's agile encryption), made with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(path.with_name("plain-" + path.name), {"话术": [HEADER, *ROWS]})
    out = io.BytesIO()
    with plain.open("rb") as f:
        OOXMLFile(f).encrypt("secret", out)
    path.write_bytes(out.getvalue())
    return path


def foreign_sqlite(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT, phone TEXT)")
    conn.commit()
    conn.close()
    return path


# name → (file name, builder, what the one-line error must mention besides the file name)
BadFile = tuple[str, Callable[[Path], Path], str]


def _bytes(data: bytes) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return build


def _csv(rows: Sequence[Sequence[str]]) -> Callable[[Path], Path]:
    return lambda path: write_csv(path, rows)


def _truncated_xlsx(path: Path) -> Path:
    whole = write_xlsx(path.with_name("whole.xlsx"), {"话术": [HEADER, *ROWS]}).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _damaged_sheet_xlsx(path: Path) -> Path:
    write_xlsx(path, {"话术": [HEADER, *ROWS]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c"
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


def _too_many_rows(path: Path) -> Path:
    lines = ["标题,内容"] + [f"t{i},正文{i}" for i in range(100_001)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


BAD_FILES: dict[str, BadFile] = {
    "empty file": ("empty.csv", _bytes(b""), "empty"),
    "blank file": ("blank.xlsx", _bytes(b" \r\n\t"), "empty"),
    "png named xlsx": ("picture.xlsx", _bytes(b"\x89PNG\r\n\x1a\n" + bytes(200)), "not a spreadsheet"),
    "text named xlsx": ("notes.xlsx", _bytes("随便写的一些字".encode()), "not an Excel workbook"),
    "binary csv": ("program.csv", _bytes(b"\x7fELF\x02\x01\x01" + bytes(1000)), "binary"),
    "random bytes csv": ("random.csv", _bytes(bytes(range(256)) * 8), "not text in UTF-8 or GBK"),
    "truncated xlsx": ("cut.xlsx", _truncated_xlsx, "xlsx"),
    "damaged sheet": ("damaged.xlsx", _damaged_sheet_xlsx, "damaged"),
    "password-protected xlsx": ("locked.xlsx", encrypted_xlsx, "password"),
    "legacy xls": ("old.xlsx", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)), ".xls"),
    "foreign sqlite": ("crm.db", foreign_sqlite, "tables: customers"),
    "not sqlite": ("fake.db", _bytes(b"just text, not a database"), "not a SQLite database"),
    "no body column": ("nobody.csv", _csv([["编号", "标题"], ["1", "问候"]]), "no body column"),
    "duplicate ids": ("dup.csv", _csv([HEADER, ROWS[0], ROWS[1], ROWS[0]]), "row 4"),
    "too many rows": ("huge.csv", _too_many_rows, "100,000"),
    "html page": ("page.csv", _bytes(b"<!DOCTYPE html><html><body>login</body></html>"), "HTML"),
    "broken json": ("lib.json", _bytes(b'{"phrases": [{"body": "x"'), "line 1"),
    "not gbk either": ("weird.csv", _bytes(b"\xff\xff\xff\xfe\x81\x30" * 10), "UTF-8"),
    "only a header": ("header.csv", _csv([HEADER]), "no phrases"),
}


class Server:
    """A local web server: path → (status, content type, body, delay in seconds)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, float]] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, ctype, body, delay = routes.get(self.path, (404, "text/plain", b"missing", 0.0))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                time.sleep(delay)  # the server being slow, not the test waiting
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = False  # close() joins the handlers, so no socket outlives a test
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

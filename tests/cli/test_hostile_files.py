"""Hostile library files through `python -m palette import`: clean data or one line and exit 2.

One group per class of trouble: wrong types and stray headers in the data, cells a spreadsheet
would run as formulas, workbooks that inflate or never end, and names that would break the line.
A refusal leaves the user database byte for byte as it was (`Store.dump()` before and after).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import openpyxl
import pytest

from palette.core.library_io import LibraryData, write_library_db
from palette.core.model import Phrase
from palette.core.store import Store
from tests import hostile_xlsx, pictures
from tests.cli.test_import_cli import dump, run
from tests.library_files import HEADER, ROWS, write_csv, write_xlsx

MAX_RSS_MB = 300


@pytest.fixture
def before(home: Path, tmp_path: Path) -> list[str]:
    """A user database holding one imported team library; what it dumps to."""
    assert run("import", str(write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])), home=home).returncode == 0
    return dump(home)


def refused(out: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and out.stderr.endswith("\n"), out.stderr
    assert "Traceback" not in out.stderr
    for needle in needles:
        assert needle in out.stderr, out.stderr


def bodies(home: Path, library: str) -> dict[str, Phrase]:
    with Store(home / "palette.db") as s:
        return {p.body: p for p in s.phrases(library=library)}


# -- 1. clean data or a clear refusal -------------------------------------------------------------


def _hostile_db(path: Path, meta: Mapping[str, object], rows: list[tuple[object, ...]]) -> Path:
    """A library database as anyone could write it: no NOT NULL, no types enforced."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key, value)")
    conn.execute("CREATE TABLE phrases (uid, category, title, body, shortcut, tags, sort_order INTEGER)")
    conn.execute("CREATE TABLE forbidden_words (word, suggestion)")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.executemany("INSERT INTO phrases VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("INSERT INTO forbidden_words VALUES (NULL, '建议')")
    conn.commit()
    conn.close()
    return path


META = {"format": "palette-library", "format_version": "1", "name": "库", "version": None}


def test_db_nulls_and_wrong_types_are_row_warnings_never_the_text_none(home: Path, tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [
        ("a", "类", "好的", "正常的一条", "ok", '["标签"]', 0),
        ("b", "类", "空的", None, "", "[]", 1),  # NULL body: skipped
        ("c", None, None, "没有标题也没有分类", None, None, 2),  # NULL title, category: emptied
        ("d", "类", "整数列里是字", "排序列写了字", 123, "[]", "第三"),  # text in the INTEGER column
        ("e", "类", "二进制", b"\x00\x01", "", "[]", 4),  # a BLOB body: skipped
        ("f", "类", "坏标签", "标签不是列表", "", "{not json", 5),  # tags emptied
    ]
    path = _hostile_db(tmp_path / "hostile.db", META, rows)
    out = run("import", str(path), home=home)
    assert out.returncode == 0, out.stderr
    warnings = file_warnings(out)
    assert len(warnings) == 4, warnings
    assert "table phrases, row 2: column body is NULL; row skipped" in warnings[0]
    assert "column body holds binary data (a BLOB), not text; row skipped" in out.stderr
    assert "column tags is not a JSON list of text; tags emptied" in out.stderr
    assert "table forbidden_words, row 1: column word is NULL; row skipped" in out.stderr
    got = bodies(home, "库")
    assert set(got) == {"正常的一条", "没有标题也没有分类", "排序列写了字", "标签不是列表"}
    assert (got["没有标题也没有分类"].title, got["没有标题也没有分类"].category) == ("没有标题也没有分类", "未分类")
    assert got["排序列写了字"].shortcut == "123" and got["标签不是列表"].tags == ()
    with Store(home / "palette.db") as s:
        assert not any("None" in line for line in s.dump())


@pytest.mark.parametrize("version", ["abc", "2", "0", "1.5", b"\x01"])
def test_db_with_an_unknown_format_version_is_refused(
    home: Path, tmp_path: Path, before: list[str], version: object
) -> None:
    path = _hostile_db(tmp_path / "v.db", {**META, "format_version": version}, [("a", "c", "t", "b", "", "[]", 0)])
    refused(run("import", str(path), home=home), str(path), "format_version" if version != "2" else "newer")
    assert dump(home) == before


def test_db_with_a_null_library_name_falls_back_to_the_file_name(home: Path, tmp_path: Path) -> None:
    path = _hostile_db(tmp_path / "无名.db", {**META, "name": None}, [("a", "c", "t", "正文", "", "[]", 0)])
    out = run("import", str(path), home=home)
    assert out.returncode == 0, out.stderr
    assert set(bodies(home, "无名")) == {"正文"}


def file_warnings(out: subprocess.CompletedProcess[str]) -> list[str]:
    """The import's stderr lines about the file itself: the sample rows reuse 标准话术's codes ts1/ts2, and
    those collisions are warned about too (tests/cli/test_layers.py covers them)."""
    return [line for line in out.stderr.splitlines() if "is also the code of" not in line]


def _joined_exports(path: Path) -> Path:
    """Two CSV exports (UTF-8 with BOM) glued together with `cat`: a BOM mid-file, the header twice."""
    second = [HEADER, ["2001", "二组", "问候", "二组的问候", "", ""]]
    first = io.StringIO(newline="")
    csv.writer(first).writerows([HEADER, *ROWS])
    again = io.StringIO(newline="")
    csv.writer(again).writerows(second)
    path.write_bytes(first.getvalue().encode("utf-8-sig") + again.getvalue().encode("utf-8-sig"))
    return path


def _repeated_header_xlsx(path: Path) -> Path:
    header_with_bom = ["\ufeff" + HEADER[0], *HEADER[1:]]
    return write_xlsx(path, {"话术": [HEADER, *ROWS, header_with_bom, ["2001", "二组", "问候", "二组的问候", "", ""]]})


@pytest.mark.parametrize("build", [_joined_exports, _repeated_header_xlsx], ids=["csv", "xlsx"])
def test_a_repeated_header_row_is_skipped_with_a_warning(
    home: Path, tmp_path: Path, build: Callable[[Path], Path]
) -> None:
    path = build(tmp_path / ("joined.csv" if build is _joined_exports else "joined.xlsx"))
    out = run("import", str(path), "--library", "合并", home=home)
    assert out.returncode == 0, out.stderr
    [warning] = file_warnings(out)
    assert "row 5: the header again (two files joined?); row skipped" in warning
    assert set(bodies(home, "合并")) == {r[3] for r in ROWS} | {"二组的问候"}


def test_a_bom_anywhere_is_removed(home: Path, tmp_path: Path) -> None:
    doc = {
        "\ufeffphrases": [
            {"\ufeffbody": "您好\ufeff,请稍等", "category": "\ufeff问候", "tags": ["\ufeff标签"], "title": "等\ufeff"}
        ]
    }
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = run("import", str(path), home=home)
    assert out.returncode == 0 and out.stderr == "", out
    [p] = bodies(home, "bom").values()
    assert (p.body, p.category, p.title, p.tags) == ("您好,请稍等", "问候", "等", ("标签",))


def test_deeply_nested_json_is_one_line(home: Path, tmp_path: Path, before: list[str]) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"phrases": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    refused(run("import", str(path), home=home), str(path), "nested too deeply")
    assert dump(home) == before


@pytest.mark.parametrize("version", ['"one"', "2", "true", "[1]", "null", "1e400"])
def test_json_with_an_unknown_format_version_is_refused(
    home: Path, tmp_path: Path, before: list[str], version: str
) -> None:
    path = tmp_path / "v.json"
    path.write_text(f'{{"format_version": {version}, "phrases": [{{"body": "x"}}]}}', encoding="utf-8")
    out = run("import", str(path), home=home)
    if version == "null":  # a missing value is a file from before the field: read
        assert out.returncode == 0, out.stderr
        return
    refused(out, str(path), "newer" if version == "2" else "format_version")
    assert dump(home) == before


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ({"phrases": {"body": "x"}}, 'expected a list of phrases under "phrases", found an object'),
        ({"phrases": "x"}, "found text"),
        ({"phrases": [5]}, "phrase 1: expected an object, found a number"),
        ({"phrases": [{"body": "x"}], "forbidden": [{"word": 5}]}, "forbidden word 1"),
    ],
)
def test_json_of_the_wrong_shape_is_refused_naming_the_field(
    home: Path, tmp_path: Path, before: list[str], doc: object, needle: str
) -> None:
    path = tmp_path / "shape.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    refused(run("import", str(path), home=home), str(path), needle)
    assert dump(home) == before


def test_json_fields_of_the_wrong_type_are_row_warnings(home: Path, tmp_path: Path) -> None:
    doc = {
        "phrases": [
            {"id": 1, "body": "编号可以是数字"},
            {"id": 2, "body": 42},
            {"id": 3, "body": {"text": "对象"}},
            {"id": 4, "body": "标题是列表", "title": ["a"]},
            {"id": 5, "body": None},
        ]
    }
    path = tmp_path / "types.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = run("import", str(path), home=home)
    assert out.returncode == 0, out.stderr
    lines = file_warnings(out)
    assert len(lines) == 4, lines
    assert "phrase 2: field 'body': expected text, found a number; row skipped" in lines[0]
    assert "phrase 3: field 'body': expected text, found an object" in lines[1]
    assert "phrase 4: field 'title': expected text, found a list" in lines[2]
    assert "phrase 5: no body" in lines[3]
    assert set(bodies(home, "types")) == {"编号可以是数字"}


# -- 2. spreadsheet-safe CSV export ---------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+2", "-3", "@SUM(A1)", "'=已带引号", "''+两个引号"]


def test_csv_export_writes_formulas_as_text_and_reads_them_back(home: Path, tmp_path: Path) -> None:
    doc = {
        "phrases": [{"id": f"f{i}", "title": f, "body": f, "tags": [f]} for i, f in enumerate(FORMULAS)],
        "forbidden": [{"word": "=禁", "suggestion": "-建议"}],
    }
    src = tmp_path / "公式.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run("import", str(src), home=home).returncode == 0
    out = tmp_path / "out.csv"
    assert run("export", str(out), "--library", "公式", home=home).returncode == 0
    cells = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))[1:]
    assert [row[3] for row in cells] == ["'" + f for f in FORMULAS]  # what a spreadsheet shows as text
    assert not any(c.startswith(("=", "+", "-", "@")) for row in cells for c in row)
    words = list(csv.reader(io.StringIO((tmp_path / "out.禁语.csv").read_text(encoding="utf-8-sig"))))
    assert words[1] == ["'=禁", "'-建议"]
    before = dump(home)
    again = run("import", str(out), "--library", "公式", "--dry-run", home=home)
    assert f"0 added, 0 changed, 0 removed, {len(FORMULAS)} unchanged" in again.stdout, again
    assert dump(home) == before


def test_xlsx_export_stores_formula_like_cells_as_text(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "公式.json"
    src.write_text(json.dumps({"phrases": [{"body": f} for f in FORMULAS]}, ensure_ascii=False), encoding="utf-8")
    assert run("import", str(src), home=home).returncode == 0
    out = tmp_path / "out.xlsx"
    assert run("export", str(out), "--library", "公式", home=home).returncode == 0
    with zipfile.ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist())
    ws = openpyxl.load_workbook(out)["话术"]
    assert [(c.value, c.data_type) for c in ws["D"][1:]] == [(f, "s") for f in FORMULAS]


# -- 3. workbooks with bounded memory -------------------------------------------------------------


def _many_parts(path: Path) -> Path:
    hostile_xlsx.workbook(path, [])
    with zipfile.ZipFile(path, "a") as z:
        for i in range(1_001):
            z.writestr(f"xl/media/p{i}.bin", b"")
    return path


def _deflates_too_well(path: Path) -> Path:
    hostile_xlsx.workbook(path, [])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/styles.xml", b" " * (12 << 20))  # under the size limit, 1,000x deflated
    return path


@pytest.mark.parametrize(
    ("build", "needle"),
    [
        (lambda p: hostile_xlsx.bomb(p, inflated=150 << 20), "part xl/worksheets/sheet1.xml inflates to"),
        (lambda p: hostile_xlsx.lying_bomb(p, inflated=40 << 20), "xlsx"),
        (hostile_xlsx.spaced_rows, "more than 300,000 rows read (empty ones count)"),
        (_many_parts, "parts in the workbook"),
        (_deflates_too_well, "part xl/styles.xml inflates 1,"),
        (lambda p: hostile_xlsx.many_strings(p, 1_000_001), "xl/sharedStrings.xml holds more than 1,000,000 strings"),
        (hostile_xlsx.giant_row, "MB of XML in one row or around the rows (limit 4 MB)"),
        (hostile_xlsx.merged_cells, "MB of XML in one row or around the rows (limit 4 MB)"),
    ],
    ids=["bomb", "lying directory", "row budget", "many parts", "ratio", "shared strings", "giant row", "merges"],
)
def test_hostile_workbooks_are_refused_in_bounded_memory(
    home: Path, tmp_path: Path, before: list[str], build: Callable[[Path], Path], needle: str
) -> None:
    path = build(tmp_path / "hostile.xlsx")
    out, rss = hostile_xlsx.measured_import(path, home)
    refused(out, str(path), needle)
    assert rss < MAX_RSS_MB
    assert dump(home) == before


def test_a_sheet_of_empty_rows_ends_after_a_run_of_them(home: Path, tmp_path: Path) -> None:
    path = hostile_xlsx.empty_rows(tmp_path / "空行.xlsx", rows=500_000)
    out, rss = hostile_xlsx.measured_import(path, home)
    assert out.returncode == 0, out.stderr
    [warning] = file_warnings(out)
    assert "rows 3-10,002: 10,000 empty rows; the rest of the sheet is not read" in warning
    assert set(bodies(home, "空行")) == {"您好,请问有什么可以帮您?"}  # not the one after the empty rows
    assert rss < MAX_RSS_MB


def test_cells_far_to_the_right_are_not_read(home: Path, tmp_path: Path) -> None:
    path = hostile_xlsx.wide_rows(tmp_path / "宽.xlsx", rows=2_000)
    out, rss = hostile_xlsx.measured_import(path, home)
    assert out.returncode == 0, out.stderr
    assert len(bodies(home, "宽")) == 2_001 and rss < MAX_RSS_MB


# -- 4. one line, whatever the file is called -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("两\n行.csv", "两\\n行.csv"),
        ("色\x1b[31m彩.csv", "色\\x1b[31m彩.csv"),
        ("回车\r.csv", "回车\\r.csv"),
        ("分隔\u2028.csv", "分隔\\u2028.csv"),
    ],
)
def test_file_names_with_control_characters_print_on_one_line(
    home: Path, tmp_path: Path, before: list[str], name: str, escaped: str
) -> None:
    path = write_csv(tmp_path / name, [["编号", "标题"], ["1", "问候"]])  # no body column
    out = run("import", str(path), home=home)
    refused(out, escaped, "no body column")
    assert dump(home) == before
    warned = write_csv(tmp_path / ("w" + name), [HEADER, ["9", "类", "空", "", "", ""], ROWS[0]])
    out = run("import", str(warned), "--library", "警告", home=home)
    assert out.returncode == 0 and len(file_warnings(out)) == 1 and "w" + escaped in out.stderr, out


def test_a_db_error_names_the_row_and_column(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    write_library_db(LibraryData("库", "", (Phrase("a", "库", "c", "t", "b"),)), db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = x'00ff' WHERE key = 'name'")
    conn.commit()
    conn.close()
    refused(run("import", str(db), home=home), str(db), "table meta: column name holds binary data")


# -- 5. pictures: bombs and oversized files are row warnings, the rows stay -------------------------


def _picture_bombs_xlsx(path: Path) -> Path:
    """A workbook whose three pictures claim 10 gigapixels, 30 megapixels, and one a PNG of 6 MB."""
    pictures.workbook(
        path,
        [(pictures.png(2, 2), "E2"), (pictures.png(3, 3), "E3"), (pictures.png(4, 4), "F3")],
        [["标题", "内容"], ["扫码", "请扫码"], ["截图", "看截图"]],
    )
    huge = pictures.png_bomb(2, 2)[:-12] + b"\0" * (6 << 20)  # a PNG header, then 6 MB
    media = {"xl/media/image1.png": pictures.png_bomb(), "xl/media/image2.png": pictures.png_bomb(6000, 5000)}
    return pictures.swap_media(path, {**media, "xl/media/image3.png": huge})


def test_picture_bombs_in_a_workbook_are_row_warnings_in_bounded_memory(home: Path, tmp_path: Path) -> None:
    path = _picture_bombs_xlsx(tmp_path / "图.xlsx")
    out, rss = hostile_xlsx.measured_import(path, home)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    lines = file_warnings(out)
    assert any("row 2: picture image1.png: image is more than the 24 megapixels allowed" in w for w in lines), lines
    assert any("row 3: picture image2.png: image is 6000 × 5000 pixels" in w for w in lines), lines
    assert any("row 3: picture image3.png: image is 6.0 MB, more than the 5 MB allowed" in w for w in lines), lines
    assert rss < MAX_RSS_MB
    with Store(home / "palette.db") as s:
        assert {p.body: p.images for p in s.phrases(library="图")} == {"请扫码": (), "看截图": ()}
        assert s.image_count() == 0


def test_oversized_and_fake_image_files_beside_a_csv_are_row_warnings(home: Path, tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(pictures.png(2, 2) + b"\0" * (6 << 20))
    (tmp_path / "fake.jpg").write_bytes(b"MZ\x90\0 an executable")
    (tmp_path / "ok.png").write_bytes(pictures.png(5, 5))
    os.mkfifo(tmp_path / "pipe.png")  # would block a plain open() for ever
    path = tmp_path / "图.csv"
    path.write_text("内容,图片\n一,big.png\n二,fake.jpg;pipe.png\n三,ok.png\n", encoding="utf-8")
    out = run("import", str(path), "--yes", home=home)
    assert out.returncode == 0, out.stderr
    lines = file_warnings(out)
    assert any("row 2: image 'big.png': 6.0 MB, more than the 5 MB allowed; left out" in w for w in lines), lines
    assert any("row 3: fake.jpg: not a PNG, JPEG or GIF image; left out" in w for w in lines), lines
    assert any("row 3: image 'pipe.png': not a regular file; left out" in w for w in lines), lines
    with Store(home / "palette.db") as s:
        assert [len(p.images) for p in s.phrases(library="图")] == [0, 0, 1]

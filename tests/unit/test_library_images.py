"""Pictures and send modes in library files: xlsx drawings anchored in rows, 图片 paths beside CSV/JSON,
blobs in a library .db; what cannot be used is a row warning, and export writes it all back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl.drawing.spreadsheet_drawing import AbsoluteAnchor, AnchorMarker, OneCellAnchor, TwoCellAnchor
from openpyxl.drawing.xdr import XDRPoint2D, XDRPositiveSize2D

from palette.core.images import MAX_PHRASE_IMAGES, probe
from palette.core.library_io import DEFAULT_OPTIONS as DEFAULT
from palette.core.library_io import LibraryBytes, images_folder, parse_library, write_library
from palette.core.model import PERSONAL_LIBRARY, SendMode
from palette.core.sources import fetch
from palette.core.store import Store
from palette.core.team_library import ExportRefusedError, apply_layer, export_library, team_layer
from tests.pictures import damaged_png, picture, png, png_bomb, swap_media, workbook

RED, GREEN, BLUE = png(10, 8, (255, 0, 0)), png(12, 8, (0, 255, 0)), picture("JPEG", 14, 9, (0, 0, 255))


def _two_cell(col: int, row: int) -> TwoCellAnchor:
    """How Excel and WPS anchor a picture dropped on a cell: from its top-left cell to another cell."""
    start, end = AnchorMarker(col=col, row=row), AnchorMarker(col=col + 1, row=row + 1)
    return TwoCellAnchor(editAs="oneCell", _from=start, to=end)


def _one_cell(col: int, row: int) -> OneCellAnchor:
    return OneCellAnchor(_from=AnchorMarker(col=col, row=row), ext=XDRPositiveSize2D(400000, 300000))


def test_xlsx_pictures_belong_to_the_row_they_are_anchored_in(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "组.xlsx",
        [(GREEN, _two_cell(5, 1)), (RED, _one_cell(4, 1)), (BLUE, "E3"), (RED, _two_cell(6, 0))],
    )
    data = parse_library(fetch(str(path)))
    (scan, shot) = data.phrases
    assert [r.sha256 for r in scan.images] == [probe(RED).sha256, probe(GREEN).sha256]  # left to right
    assert scan.images[0].width == 10 and shot.images[0].mime == "image/jpeg"
    assert (scan.send, shot.send) == (SendMode.ENTER, None)
    assert data.warnings == (f"{path}: sheet 话术, row 1: a picture in a row that holds no phrase; left out",)
    assert set(data.images) == {probe(RED).sha256, probe(GREEN).sha256, probe(BLUE).sha256}


def test_xlsx_picture_at_a_fixed_position_bombs_and_damage_are_row_warnings(tmp_path: Path) -> None:
    fixed = AbsoluteAnchor(pos=XDRPoint2D(0, 0), ext=XDRPositiveSize2D(400000, 300000))
    path = workbook(tmp_path / "组.xlsx", [(RED, fixed), (GREEN, "E2"), (png(3, 3), "E3")])
    swap_media(path, {"xl/media/image2.png": png_bomb(), "xl/media/image3.png": damaged_png()})
    data = parse_library(fetch(str(path)))
    assert [p.images for p in data.phrases] == [(), ()] and data.images == {}
    text = "\n".join(data.warnings)
    assert "a picture placed at a fixed position" in text
    assert "row 2: picture image2.png: image is more than the 24 megapixels allowed; left out" in text
    assert "row 3: picture image3.png: unreadable PNG image" in text


def test_send_column_words_and_a_bad_one(tmp_path: Path) -> None:
    rows = [["标题", "内容", "发送方式"], ["a", "1", "不发送"], ["b", "2", "Ctrl + Enter"], ["c", "3", "enter"]]
    rows.append(["d", "4", "大声"])
    data = parse_library(fetch(str(workbook(tmp_path / "组.xlsx", [], rows))))
    assert [p.send for p in data.phrases] == [SendMode.NEVER, SendMode.CTRL_ENTER, SendMode.ENTER, None]
    assert data.warnings == (
        f"{tmp_path / '组.xlsx'}: sheet 话术, row 5, column 发送方式: '大声' is no send mode"
        " (不发送, 回车 or ctrl+enter); the library's default is used",
    )


def test_csv_image_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "图").mkdir()
    (tmp_path / "图" / "qr.png").write_bytes(RED)
    (tmp_path / "b.jpg").write_bytes(BLUE)
    (tmp_path / "bomb.png").write_bytes(png_bomb())
    (tmp_path / "notes.txt").write_text("hello")
    outside = tmp_path.parent / "outside.png"
    outside.write_bytes(GREEN)
    os.symlink(outside, tmp_path / "link.png")
    lines = [
        "标题,内容,图片",
        "甲,一,图/qr.png; b.jpg",
        "乙,二,missing.png",
        f"丙,三,{outside}",
        "丁,四,../outside.png",
        "戊,五,link.png",
        "己,六,bomb.png;notes.txt",
        "庚,七,图\\qr.png",
    ]
    path = tmp_path / "组.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = parse_library(fetch(str(path)))
    images = {p.title: [r.sha256 for r in p.images] for p in data.phrases}
    assert images == {
        "甲": [probe(RED).sha256, probe(BLUE).sha256],
        "乙": [],
        "丙": [],
        "丁": [],
        "戊": [],
        "己": [],
        "庚": [probe(RED).sha256],
    }
    text = "\n".join(data.warnings)
    for needle in (
        "row 3: image 'missing.png': no such file; left out",
        "row 4: image",
        "an absolute path; name it relative to the library file",
        "row 5: image '../outside.png': a path leading out of the library file's folder (..)",
        "row 6: image 'link.png': a link leading out of the library file's folder",
        "row 7: bomb.png: image is more than the 24 megapixels allowed; left out",
        "row 7: notes.txt: not a PNG, JPEG or GIF image; left out",
    ):
        assert needle in text, text
    assert data.from_files


def test_image_paths_of_a_library_from_a_url_are_a_row_warning() -> None:
    raw = LibraryBytes("https://x/lib.csv", ".csv", "lib", "内容,图片\n您好,qr.png\n".encode())
    data = parse_library(raw)
    assert data.phrases[0].images == ()
    assert data.warnings == (
        "https://x/lib.csv: row 2: pictures are named by paths beside the library file, and this one is a URL;"
        " left out",
    )


def test_too_many_pictures_in_a_row_keep_the_first_ones(tmp_path: Path) -> None:
    names = []
    for i in range(MAX_PHRASE_IMAGES + 2):
        (tmp_path / f"{i}.png").write_bytes(png(2, 2, (i, 0, 0)))
        names.append(f"{i}.png")
    (tmp_path / "组.csv").write_text("内容,图片\n您好," + ";".join(names) + "\n", encoding="utf-8")
    data = parse_library(fetch(str(tmp_path / "组.csv")))
    assert len(data.phrases[0].images) == MAX_PHRASE_IMAGES
    assert f"more than {MAX_PHRASE_IMAGES} pictures; {MAX_PHRASE_IMAGES}.png and the rest left out" in data.warnings[0]


def test_json_images_send_and_the_library_default(tmp_path: Path) -> None:
    (tmp_path / "qr.png").write_bytes(RED)
    phrase = {"body": "扫码", "images": ["qr.png"], "send": "never"}
    doc = {"send": "ctrl+enter", "send_each": True, "phrases": [phrase]}
    (tmp_path / "组.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    data = parse_library(fetch(str(tmp_path / "组.json")))
    assert (data.send, data.send_each) == (SendMode.CTRL_ENTER, True)
    assert data.phrases[0].send is SendMode.NEVER and data.phrases[0].images == (probe(RED),)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json", ".db"])
def test_export_writes_pictures_back_and_import_reads_them(tmp_path: Path, suffix: str) -> None:
    source = workbook(tmp_path / "组.xlsx", [(RED, "E2"), (GREEN, "F2"), (RED, "E3")])
    data = parse_library(fetch(str(source)))
    out = tmp_path / "out" / f"组{suffix}"
    out.parent.mkdir()
    written = write_library(data, out)
    back = parse_library(fetch(str(out)))
    assert back.phrases == data.phrases and back.warnings == ()
    assert back.images == data.images
    if suffix in (".csv", ".json"):
        assert sorted(written[1:]) == sorted(images_folder(out).iterdir())  # one file per distinct picture
        assert len(written) == 3


def test_team_import_stores_pictures_export_refuses_to_overwrite_them(home: Path, store: Store, tmp_path: Path) -> None:
    data = parse_library(fetch(str(workbook(tmp_path / "组.xlsx", [(RED, "E2"), (BLUE, "E3")]))))
    apply_layer(store, team_layer(store, data))
    stored = store.phrases("组")
    assert [len(p.images) for p in stored] == [1, 1] and store.image_bytes(probe(BLUE).sha256) == BLUE
    lib = store.library("组")
    assert lib is not None and lib.send is SendMode.NEVER

    target = tmp_path / "导出.csv"
    images_folder(target).mkdir()
    taken = images_folder(target) / f"{probe(RED).sha256[:16]}.png"
    taken.write_bytes(b"the agent's own file")
    with pytest.raises(ExportRefusedError, match="already exists; use --force"):
        export_library(store, "组", target)
    assert taken.read_bytes() == b"the agent's own file" and not target.exists()
    export_library(store, "组", target, force=True)
    assert taken.read_bytes() == RED

    store.set_library_send("组", SendMode.ENTER)
    apply_layer(store, team_layer(store, data))  # the file says nothing: the library keeps its default
    lib = store.library("组")
    assert lib is not None and lib.send is SendMode.ENTER
    store.remove_library("组")
    assert store.image_count() == 0
    assert store.library(PERSONAL_LIBRARY) is not None


def test_a_changed_picture_beside_an_unchanged_csv_is_seen_by_import_and_subscription(
    store: Store, tmp_path: Path
) -> None:
    from palette.core.subscribe import SubscriptionChecker, subscribe
    from palette.core.team_library import import_digest, load_library, unchanged_import

    (tmp_path / "qr.png").write_bytes(RED)
    path = tmp_path / "组.csv"
    path.write_text("编号,内容,图片\n1,请扫码,qr.png\n", encoding="utf-8")
    raw = fetch(str(path))
    apply_layer(store, team_layer(store, load_library(str(path))), source_digest=import_digest(raw, DEFAULT, None))
    assert unchanged_import(store, import_digest(raw, DEFAULT, None)) is None  # never skipped unread
    subscribe(store, "组", str(path), DEFAULT)
    checker = SubscriptionChecker(store)
    assert checker.check_all() == []  # the same content: nothing to apply
    (tmp_path / "qr.png").write_bytes(BLUE)  # the CSV's bytes stay the same
    notices = checker.check_all()
    assert [n.library for n in notices] == ["组"]
    assert [r.sha256 for r in store.phrases("组")[0].images] == [probe(BLUE).sha256]
    assert store.image_count() == 1

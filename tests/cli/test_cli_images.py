"""`palette add --image/--send` and what `search --json` tells of a phrase's pictures and send mode."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from palette.core.images import probe
from palette.core.model import PERSONAL_LIBRARY, SendMode
from palette.core.store import Store
from tests.cli.test_import_cli import dump, run
from tests.pictures import picture, png, png_bomb


def _hit(home: Path, query: str) -> dict[str, object]:
    out = run("search", query, "--json", home=home)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert len(hits) >= 1
    hit: dict[str, object] = hits[0]
    return hit


def test_add_with_images_and_send_then_search_json(home: Path, tmp_path: Path) -> None:
    qr, shot = tmp_path / "qr.png", tmp_path / "shot.jpg"
    qr.write_bytes(png(20, 10))
    shot.write_bytes(picture("JPEG", 30, 40))
    out = run(
        "add", "--category", "指引", "--title", "扫码关注", "--body", "请扫码关注",
        "--image", str(shot), "--image", str(qr), "--send", "ctrl+enter", home=home,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    hit = _hit(home, "扫码关注")
    assert hit["uid"] == out.stdout.strip()
    assert hit["images"] == [
        {"sha256": probe(shot.read_bytes()).sha256, "mime": "image/jpeg", "width": 30, "height": 40},
        {"sha256": probe(qr.read_bytes()).sha256, "mime": "image/png", "width": 20, "height": 10},
    ]
    assert hit["send"] == "ctrl+enter"
    with Store(home / "palette.db") as s:
        assert s.image_bytes(probe(qr.read_bytes()).sha256) == qr.read_bytes()


def test_send_in_search_json_is_the_effective_mode(home: Path) -> None:
    assert run("add", "--category", "指引", "--title", "问候语", "--body", "您好", home=home).returncode == 0
    hit = _hit(home, "问候语")
    assert hit["send"] == "never" and hit["images"] == []
    with Store(home / "palette.db") as s:
        s.set_library_send(PERSONAL_LIBRARY, SendMode.ENTER)
    assert _hit(home, "问候语")["send"] == "enter"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (png_bomb(), "image is more than the 24 megapixels allowed"),
        (b"not a picture", "not a PNG, JPEG or GIF image"),
        (png(2, 2) + b"\0" * (6 << 20), "more than the 5 MB allowed"),
        (None, "cannot read (No such file or directory)"),
        ("fifo", "not a regular file"),
    ],
    ids=["bomb", "not a picture", "too big", "missing", "fifo"],
)
def test_a_bad_image_is_one_line_and_nothing_is_stored(
    home: Path, tmp_path: Path, content: bytes | str | None, needle: str
) -> None:
    assert run("add", "--category", "c", "--title", "t", "--body", "先有一条", home=home).returncode == 0
    before = dump(home)
    good, bad = tmp_path / "good.png", tmp_path / "bad.png"
    good.write_bytes(png())
    if content == "fifo":
        os.mkfifo(bad)
    elif isinstance(content, bytes):
        bad.write_bytes(content)
    args = ["add", "--category", "c", "--title", "t2", "--body", "b", "--image", str(good), "--image", str(bad)]
    out = run(*args, home=home, timeout=30)
    assert out.returncode == 2, out
    assert out.stderr == f"palette: error: --image {bad}: {needle}\n" or (
        out.stderr.count("\n") == 1 and needle in out.stderr and str(bad) in out.stderr
    ), out.stderr
    assert dump(home) == before  # not even the good picture was kept


def test_library_send_sets_the_default_and_list_shows_it(home: Path) -> None:
    out = run("library", "send", PERSONAL_LIBRARY, "enter", "--each", home=home)
    assert out.returncode == 0, out.stderr
    assert "enter; with pictures, a send after each part" in out.stdout
    rows = {r["name"]: r for r in json.loads(run("library", "list", "--json", home=home).stdout)}
    assert (rows[PERSONAL_LIBRARY]["send"], rows[PERSONAL_LIBRARY]["send_each"]) == ("enter", True)
    assert (rows["标准话术"]["send"], rows["标准话术"]["send_each"]) == ("never", False)
    out = run("library", "send", "没有这个", "enter", home=home)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "no library named" in out.stderr

"""Image phrases and send modes in the store: checked pictures stored once, linked in order, dropped unlinked."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

from palette.core.images import MAX_IMAGE_BYTES, MAX_PHRASE_IMAGES, probe
from palette.core.model import PERSONAL_LIBRARY, Library, LibraryKind, Phrase, SendMode
from palette.core.store import MIGRATIONS, InvalidImageStoreError, Store, StoreError
from tests.pictures import damaged_png, picture, png, png_bomb
from tests.stored import stored

TEAM = Library("客服一组", LibraryKind.TEAM, send=SendMode.ENTER, send_each=True)


def team_phrase(uid: str, **kw: object) -> Phrase:
    return Phrase(uid=uid, library=TEAM.name, category="操作指引", title="扫码", body="请扫码", **kw)  # type: ignore[arg-type]


def test_add_image_reads_kind_and_size_and_stores_once(store: Store) -> None:
    for fmt, mime in (("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif")):
        data = picture(fmt, 31, 17)
        ref = store.add_image(data)
        assert (ref.mime, ref.width, ref.height) == (mime, 31, 17)
        assert store.add_image(data) == ref
        assert store.image_bytes(ref.sha256) == data
    assert store.image_count() == 3


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF8 not really", "not a PNG, JPEG or GIF"),
        (b"%PDF-1.7", "not a PNG, JPEG or GIF"),
        (png_bomb(), "megapixels"),
        (png_bomb(6000, 5000), "6000 × 5000 pixels"),
        (png_bomb(40_000, 10), "40000 × 10 pixels"),
        (damaged_png(), "unreadable PNG"),
        (png(20, 20)[:40], "unreadable PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_IMAGE_BYTES, "MB allowed"),
    ],
)
def test_add_image_refuses_with_one_line(store: Store, data: bytes, words: str) -> None:
    before = store.dump()
    with pytest.raises(InvalidImageStoreError) as e:
        store.add_image(data)
    assert words in str(e.value) and "\n" not in str(e.value)
    assert store.dump() == before


def test_phrase_images_in_order_shared_and_dropped_when_unlinked(store: Store) -> None:
    red, blue = store.add_image(png(color=(255, 0, 0))), store.add_image(png(color=(0, 0, 255)))
    a = store.add_phrase(category="指引", title="甲", body="看图", images=[blue, red], send=SendMode.ENTER)
    b = store.add_phrase(category="指引", title="乙", body="看图", images=[red])
    got = store.get(a.uid)
    assert got is not None and got.images == (blue, red) and got.send is SendMode.ENTER
    assert [p.images for p in store.phrases(PERSONAL_LIBRARY)] == [(blue, red), (red,)]
    assert {p.uid: p.images for p in store.visible_phrases()}[b.uid] == (red,)

    store.delete_phrase(a.uid)
    assert store.image_count() == 1  # blue went with its only phrase; red is still b's
    store.update_phrase(b.uid, images=())
    assert store.image_count() == 0
    with pytest.raises(StoreError, match="no stored image"):
        store.image_bytes(red.sha256)


def test_undo_of_a_deleted_image_phrase_stores_its_pictures_again(store: Store) -> None:
    data = png(3, 3)
    p = store.add_phrase(category="指引", title="甲", body="看图", images=[store.add_image(data)])
    gone = store.delete_phrase(p.uid)
    assert store.image_count() == 0
    store.restore_phrase(gone, {p.images[0].sha256: data})
    assert store.get(p.uid) == gone and store.image_bytes(p.images[0].sha256) == data


def test_link_to_an_image_not_stored_is_refused_and_nothing_written(store: Store) -> None:
    ref = probe(png())  # checked, never stored
    before = store.dump()
    with pytest.raises(StoreError, match="no longer stored"):
        store.add_phrase(category="指引", title="甲", body="看图", images=[ref])
    assert store.dump() == before


def test_too_many_images_refused(store: Store) -> None:
    refs = [store.add_image(png(2, 2, (i, 0, 0))) for i in range(MAX_PHRASE_IMAGES + 1)]
    with pytest.raises(StoreError, match=f"at most {MAX_PHRASE_IMAGES}"):
        store.add_phrase(category="指引", title="甲", body="看图", images=refs)


def test_send_mode_edit_and_library_default(store: Store) -> None:
    p = store.add_phrase(category="指引", title="甲", body="你好")
    assert p.send is None
    lib = store.library(PERSONAL_LIBRARY)
    assert lib is not None and lib.send is SendMode.NEVER and lib.send_of(p) is SendMode.NEVER
    store.set_library_send(PERSONAL_LIBRARY, SendMode.CTRL_ENTER, send_each=True)
    lib = store.library(PERSONAL_LIBRARY)
    assert lib is not None and lib.send_of(p) is SendMode.CTRL_ENTER and lib.send_each
    store.update_phrase(p.uid, send="enter")
    got = store.get(p.uid)
    assert got is not None and got.send is SendMode.ENTER and lib.send_of(got) is SendMode.ENTER
    with pytest.raises(ValueError):
        store.update_phrase(p.uid, send="shift+enter")


def test_team_layer_carries_images_send_and_library_default(store: Store) -> None:
    qr, shot = png(5, 5, (0, 0, 0)), picture("JPEG", 9, 4)
    qr_ref, shot_ref = probe(qr), probe(shot)
    layer = [
        team_phrase("t-1", images=(qr_ref, shot_ref)),
        team_phrase("t-2", images=(qr_ref,), send=SendMode.NEVER),
        team_phrase("t-3"),
    ]
    diff = store.replace_layer(TEAM, layer, images={qr_ref.sha256: qr, shot_ref.sha256: shot})
    assert set(diff.added) == {"t-1", "t-2", "t-3"}
    assert store.phrases(TEAM.name) == layer
    lib = store.library(TEAM.name)
    assert lib is not None and (lib.send, lib.send_each) == (SendMode.ENTER, True)
    assert store.diff_layer(TEAM.name, layer).is_empty

    changed = [replace(layer[0], images=(shot_ref, qr_ref)), replace(layer[1], send=SendMode.ENTER), layer[2]]
    assert set(store.diff_layer(TEAM.name, changed).changed) == {"t-1", "t-2"}
    store.replace_layer(replace(TEAM, send=SendMode.NEVER), changed[:1])
    assert store.phrases(TEAM.name) == changed[:1] and store.image_count() == 2
    store.replace_layer(TEAM, [team_phrase("t-1")])
    assert store.image_count() == 2  # kept while the versions that show them are kept (a rollback)
    store.replace_layer(TEAM, layer, images={qr_ref.sha256: qr, shot_ref.sha256: shot})
    store.remove_library(TEAM.name)
    assert store.image_count() == 0


def test_layer_with_an_image_missing_its_bytes_is_refused_whole(store: Store) -> None:
    before = store.dump()
    with pytest.raises(StoreError, match="no longer stored"):
        store.replace_layer(TEAM, [team_phrase("t-1", images=(probe(png()),))])
    assert store.dump() == before


def test_bad_picture_in_a_layer_is_refused_whole(store: Store) -> None:
    before = store.dump()
    bomb = png_bomb()
    with pytest.raises(InvalidImageStoreError):
        store.replace_layer(TEAM, [team_phrase("t-1")], images={"x": bomb})
    assert store.dump() == before


def test_a_schema_2_database_upgrades_with_its_phrases_kept(tmp_path: Path) -> None:
    """A palette.db written before pictures and send modes: step 2→3 adds them, nothing is lost."""
    path = tmp_path / "palette.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    for step in MIGRATIONS[:2]:
        step(db)
    conn.execute(
        "INSERT INTO phrases (uid, library, category, title, body) VALUES ('p-1', ?, '指引', '旧的', '以前的话术')",
        [PERSONAL_LIBRARY],
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store(path) as s:
        old = s.get("p-1")
        assert old is not None and (old.body, old.images, old.send) == ("以前的话术", (), None)
        lib = s.library(PERSONAL_LIBRARY)
        assert lib is not None and (lib.send, lib.send_each) == (SendMode.NEVER, False)
        s.update_phrase("p-1", images=[s.add_image(png())], send=SendMode.CTRL_ENTER)
        assert stored(s, "p-1").send is SendMode.CTRL_ENTER

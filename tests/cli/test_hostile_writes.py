"""Writes that cannot destroy, races the store closes, text that cannot steer a terminal.

Every refusal is exit 2 with one stderr line, and the user database is byte-for-byte what it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from palette.core.atomic import TargetExistsError, write_atomic
from palette.core.model import Library, LibraryKind, Phrase
from palette.core.phrase_rules import clean_line, clean_text
from palette.core.store import ShortcutTakenError, Store, StoreChange
from tests.cli.test_import_cli import dump, run
from tests.library_files import HEADER, ROWS, write_csv


def refused(out: subprocess.CompletedProcess[str]) -> str:
    """The one stderr line of a refusal (exit 2)."""
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


@pytest.fixture
def filled(home: Path) -> Path:
    """A home with a personal phrase, a profile entry and a setting: what an export must never destroy."""
    assert run("add", "--category", "我的", "--title", "自己的", "--body", "我的话术内容", home=home).returncode == 0
    assert run("profile", "set", "工号", "1234", home=home).returncode == 0
    return home


# -- export cannot destroy ------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["itself", "symlink", "hardlink", "wal", "shm", "via-folder-link"])
@pytest.mark.parametrize("force", [False, True])
def test_export_never_writes_onto_the_live_database(filled: Path, tmp_path: Path, how: str, force: bool) -> None:
    db = filled / "palette.db"
    target = {
        "itself": db,
        "symlink": tmp_path / "link.db",
        "hardlink": tmp_path / "hard.db",
        "wal": filled / "palette.db-wal",
        "shm": filled / "palette.db-shm",
        "via-folder-link": tmp_path / "folder" / "palette.db",
    }[how]
    if how == "symlink":
        target.symlink_to(db)
    elif how == "hardlink":
        os.link(db, target)
    elif how == "via-folder-link":
        target.parent.symlink_to(filled, target_is_directory=True)
    before = dump(filled)
    line = refused(run("export", str(target), *(["--force"] if force else []), home=filled))
    assert "Palette's own database" in line
    assert dump(filled) == before


@pytest.mark.parametrize("suffix", [".db", ".csv", ".json", ".xlsx"])
def test_export_refuses_an_existing_file_unless_forced(filled: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    target.write_bytes(b"someone's work")
    line = refused(run("export", str(target), home=filled))
    assert str(target) in line and "--force" in line
    assert target.read_bytes() == b"someone's work"
    assert run("export", str(target), "--force", home=filled).returncode == 0
    assert target.read_bytes() != b"someone's work"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_refuses_an_existing_companion_unless_forced(filled: Path, tmp_path: Path) -> None:
    companion = tmp_path / "out.禁语.csv"
    companion.write_text("禁语,建议\n不知道,我帮您查一下\n", encoding="utf-8")
    line = refused(run("export", str(tmp_path / "out.csv"), home=filled))
    assert str(companion) in line
    assert not (tmp_path / "out.csv").exists()
    assert run("export", str(tmp_path / "out.csv"), "--force", home=filled).returncode == 0
    assert "不知道" not in companion.read_text(encoding="utf-8-sig")  # the stale words are gone


def test_forced_export_replaces_a_planted_symlink_not_its_target(filled: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "out.json"
    target.symlink_to(victim)
    refused(run("export", str(target), home=filled))
    assert run("export", str(target), "--force", home=filled).returncode == 0
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not target.is_symlink() and "自己的" in target.read_text(encoding="utf-8")


def test_a_symlink_at_the_old_predictable_temp_name_is_not_followed(filled: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / "out.db.tmp").symlink_to(victim)
    assert run("export", str(tmp_path / "out.db"), home=filled).returncode == 0
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_write_atomic_leaves_nothing_behind_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")

    def boom(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomic(target, boom)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin"]
    with pytest.raises(TargetExistsError):
        write_atomic(target, b"new", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin"]
    write_atomic(tmp_path / "g.bin", b"new", overwrite=False)
    assert (tmp_path / "g.bin").read_bytes() == b"new"
    assert (tmp_path / "g.bin").stat().st_mode & 0o777 == 0o644


# -- races closed in the store --------------------------------------------------------------------

_OPEN = "import sys; from pathlib import Path; from palette.core.store import Store; Store(Path(sys.argv[1])).close()"


def test_two_processes_creating_a_fresh_database_never_fail(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for n in range(20):
        db = tmp_path / f"h{n}" / "palette.db"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN, str(db)], env=env, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
            )
            for _ in range(2)
        ]
        errors = [p.communicate(timeout=60)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
        with Store(db) as s:
            assert [lib.name for lib in s.libraries()] == ["我的话术"]


def test_two_first_runs_import_the_standard_library_once(home: Path) -> None:
    with ThreadPoolExecutor(2) as pool:  # two processes, each a whole first run
        outs = list(pool.map(lambda _: run("search", "nh", home=home), range(2)))
    assert [o.returncode for o in outs] == [0, 0], [o.stderr for o in outs]


def test_fifty_concurrent_adds_of_one_shortcut_one_wins(home: Path) -> None:
    assert run("library", "list", home=home).returncode == 0  # the database exists before the race
    before = dump(home)
    args = ("add", "--category", "我的", "--title", "抢", "--body", "内容", "--shortcut", "race1")
    with ThreadPoolExecutor(8) as pool:
        outs = list(pool.map(lambda _: run(*args, home=home), range(50)))
    assert sum(o.returncode == 0 for o in outs) == 1, [o.stderr for o in outs if o.returncode not in (0, 2)]
    for o in outs:
        if o.returncode != 0:
            assert "race1" in refused(o) and "already used" in o.stderr
    with Store(home / "palette.db") as s:
        assert [p.shortcut for p in s.phrases("我的话术")] == ["race1"]
    added = [line for line in dump(home) if line not in before]
    assert [line for line in added if 'INTO "phrases"' in line] == [next(x for x in added if "race1" in x)]
    assert all("INTO \"phrases\"" in line or "INTO \"changes\"" in line or "sqlite_sequence" in line
               for line in added), added  # the phrase and its change-log row, nothing else  # fmt: skip


def test_an_edit_cannot_take_a_shortcut_in_use(store: Store) -> None:
    a = store.add_phrase(category="c", title="a", body="b", shortcut="aa")
    b = store.add_phrase(category="c", title="b", body="b", shortcut="bb")
    before = store.dump()
    with pytest.raises(ShortcutTakenError, match="'AA'"):
        store.update_phrase(b.uid, shortcut="AA")
    with pytest.raises(ShortcutTakenError):
        store.add_phrase(category="c", title="c", body="b", shortcut="bb")
    assert store.dump() == before
    store.update_phrase(a.uid, title="still aa", shortcut="aa")  # keeping its own shortcut is fine


# -- control and escape characters ------------------------------------------------------------------

HOSTILE = "\x1b[2J\x1b]0;pwned\x07红\u202e字\u200b\ufeff\x01\x9b31m"  # argv cannot hold a NUL


def test_clean_text_strips_whole_sequences_and_keeps_layout() -> None:
    assert clean_text(HOSTILE + "\x00") == "红字31m"  # a C1 CSI is one character: what follows it is text
    assert clean_text("第一行\r\n第二行\t缩进\r末行") == "第一行\n第二行\t缩进\n末行"
    assert clean_line("标题\n\t续") == "标题 续"
    assert clean_text("普通文字 plain") == "普通文字 plain"


def test_add_stores_no_escape_sequences_and_search_prints_none(home: Path) -> None:
    out = run(
        "add",
        *("--category", f"类{HOSTILE}", "--title", f"题{HOSTILE}", "--body", f"正文{HOSTILE}\n第二行"),
        *("--tags", f"签{HOSTILE}"),
        home=home,
    )
    assert out.returncode == 0, out.stderr
    with Store(home / "palette.db") as s:
        (p,) = s.phrases("我的话术")
    assert (p.category, p.title, p.body, p.tags) == ("类红字31m", "题红字31m", "正文红字31m\n第二行", ("签红字31m",))
    shown = run("search", "正文", home=home)
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout


def test_profile_and_forbidden_words_are_cleaned(home: Path) -> None:
    assert run("profile", "set", "工号\x1b[31m", "12\u202e34", home=home).returncode == 0
    assert run("forbidden", "add", "不\u200b知道", "--suggest", "\x1b]0;x\x07我查", home=home).returncode == 0
    with Store(home / "palette.db") as s:
        assert s.profile() == {"工号": "1234"}
        assert ("不知道", "我查") in [(w.word, w.suggestion) for w in s.forbidden_words()]


def test_a_field_of_only_control_characters_is_refused_in_one_line(home: Path) -> None:
    assert run("library", "list", home=home).returncode == 0
    before = dump(home)
    line = refused(run("add", "--category", "c", "--title", "\x1b[2J\u200b", "--body", "b", home=home))
    assert "title" in line and "\x1b" not in line
    assert dump(home) == before


def test_error_lines_escape_control_characters(home: Path, tmp_path: Path) -> None:
    line = refused(run("import", str(tmp_path / "no\nsuch\x1b[31m.csv"), home=home))
    assert "\x1b" not in line and "\\x1b" in line


# -- imports that follow the change ---------------------------------------------------------------


def test_the_same_source_again_writes_nothing(home: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])
    assert run("import", str(src), home=home).returncode == 0
    before = dump(home)
    again = run("import", str(src), home=home)
    assert again.returncode == 0, again.stderr
    assert "unchanged, the same source" in again.stdout
    assert dump(home) == before
    src.write_text(src.read_text(encoding="utf-8-sig").replace("安抚", "致歉", 1), encoding="utf-8-sig")
    changed = run("import", str(src), home=home)
    assert "0 added, 1 changed, 0 removed, 2 unchanged" in changed.stdout, changed.stdout
    assert run("import", str(src), "--library", "二组", home=home).stdout.startswith("imported 二组: 3 added")


def test_a_removed_library_is_imported_again_from_the_same_bytes(home: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])
    assert run("import", str(src), home=home).returncode == 0
    assert run("library", "remove", "一组", home=home).returncode == 0
    assert run("import", str(src), home=home).stdout.startswith("imported 一组: 3 added")


def test_a_reimport_writes_and_announces_only_what_changed(store: Store) -> None:
    lib = Library("一组", LibraryKind.TEAM)
    old = [Phrase(f"一组#{n}", "一组", "类", f"题{n}", f"正文{n}", sort_order=n) for n in range(50)]
    store.replace_layer(lib, old)
    stamps = dict(store.db.execute("SELECT uid, updated_at FROM phrases WHERE library = '一组'").fetchall())
    new = [replace(p, body=p.body + "改") if n % 10 == 0 else p for n, p in enumerate(old[:-1])]
    changes: list[StoreChange] = []
    store.listen(changes.append)
    diff = store.replace_layer(lib, new)
    assert (len(diff.changed), len(diff.removed), len(diff.unchanged)) == (5, 1, 44)
    assert changes[0].uids == {f"一组#{n}" for n in range(0, 50, 10)} | {"一组#49"}
    after = dict(store.db.execute("SELECT uid, updated_at FROM phrases WHERE library = '一组'").fetchall())
    assert {u for u in after if after[u] != stamps[u]} == {f"一组#{n}" for n in range(0, 50, 10)}

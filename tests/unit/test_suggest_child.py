"""palette.core.suggest.child: the app's build in a child process, and messages segmented by the
index's own words (so the app never imports rjieba)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from palette.core.store import Store
from palette.core.suggest import Suggester, SuggestSource
from palette.core.suggest.child import CHILD_ARG, ChildBuildError, build_apart, build_in_child
from palette.core.suggest.text import message_tokens

REPO = Path(__file__).resolve().parents[2]
MESSAGES = (
    "你好，我家宽带从昨天晚上开始就一直掉线，你们到底什么时候能派人来修？",
    "这个月怎么多扣了我30块钱",
    "太过分了，我要投诉你们",
    "谢谢，没事了",
)


def answers(s: Suggester) -> list[list[tuple[str, tuple[str, ...], bool]]]:
    return [[(x.uid, x.why, x.confident) for x in s.suggest(m, 5)] for m in MESSAGES]


def test_the_child_builds_what_a_build_here_builds(store: Store) -> None:
    source = SuggestSource.from_store(store)
    assert answers(build_in_child(source)) == answers(Suggester.build(source))


def test_a_failing_child_is_an_error_and_the_app_then_builds_itself(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("palette.core.suggest.child.child_command", lambda: [sys.executable, "-c", "exit(3)"])
    source = SuggestSource.from_store(store)
    with pytest.raises(ChildBuildError, match="exited with 3"):
        build_in_child(source)
    assert answers(build_apart(source)) == answers(Suggester.build(source))


@pytest.mark.parametrize("launcher", ["launch_cli.py", "launch_gui.py"])
def test_the_bundle_launchers_run_the_child(store: Store, tmp_path: Path, launcher: str) -> None:
    """What the frozen app runs (its executable with `CHILD_ARG`), without building the bundle."""
    source = SuggestSource.from_store(store)
    given, built = tmp_path / "in", tmp_path / "out"
    given.write_bytes(pickle.dumps(source))
    script = REPO / "packaging" / launcher
    assert f'"{CHILD_ARG}"' in script.read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), CHILD_ARG, str(given), str(built)], timeout=120, check=False)
    assert done.returncode == 0
    assert answers(pickle.loads(built.read_bytes())) == answers(Suggester.build(source))


def test_the_child_leaves_the_segmenter_out_of_the_parent(store: Store) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from palette.core.store import Store\n"
        "from palette.core.suggest import SuggestSource\n"
        "from palette.core.suggest.child import build_in_child\n"
        f"s = build_in_child(SuggestSource.from_store(Store(Path({str(store.path)!r}))))\n"
        "print(s.suggest('宽带一直掉线')[0].uid, 'rjieba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[1] == "False"


def test_a_message_is_cut_into_the_longest_known_words() -> None:
    known = {"宽带", "宽带故障", "掉线", "故障", "wifi"}.__contains__
    found = message_tokens("我家宽带故障了，ＷｉＦｉ也掉线！5G", known, 4)
    assert [(t.word, t.start, t.end) for t in found] == [
        ("宽带故障", 2, 6),
        ("wifi", 8, 12),
        ("掉线", 13, 15),
        ("5g", 16, 18),
    ]

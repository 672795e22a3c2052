"""How the phrase manager copes with big team libraries: open, an edit, the filter box.

For the standard library alone (127 phrases) and with a team library of 10,000 and 100,000 phrases,
on Qt's offscreen platform in a fresh PALETTE_HOME:
- open_ms: build the window and show it (`PhraseManager(store).present()`), first time: filled, or
  with the tree and a first page above `loading.BIG` phrases;
- ready_ms: until every phrase is listed (the same as open_ms for a small store);
- action_ms: customise a team phrase (Ctrl+E): the store write, then the window re-read and redrawn;
- filter_first_ms: the first filter keystroke in the whole-store view (builds the search index);
- filter_next_ms: the next keystrokes (median);
Baselines in the same run: `read_ms` is `store.phrases()` alone (every refresh reads it), and
`index_ms` is `SearchIndex.from_phrases` over the same phrases (the filter's first build).

    .venv/bin/python bench/manager_bench.py        prints JSON
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = (0, 10_000, 100_000)
TEAM = "客服一组"
CATEGORIES = ["问候与开场", "身份核验", "业务咨询", "套餐推荐", "话费与流量查询", "故障报修", "投诉处理", "感谢与道别"]


def ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def team_phrases(n: int) -> list[object]:
    from palette.core.model import Phrase

    return [
        Phrase(
            f"t-{i}",
            TEAM,
            CATEGORIES[i % len(CATEGORIES)],
            f"业务说明{i}",
            f"您好,[客户姓名],关于您咨询的第{i}号业务,[公司名称]已为您核实,客服[工号]竭诚为您服务。",
            shortcut=f"b{i}",
            sort_order=i,
        )
        for i in range(n)
    ]


def measure(n: int) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from palette.core import paths
    from palette.core.model import Library, LibraryKind
    from palette.core.search import SearchIndex
    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store
    from palette.ui.manager import PhraseManager

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as home:
        os.environ["PALETTE_HOME"] = home
        store = Store(paths.database_path())
        ensure_standard_library(store)
        if n:
            store.replace_layer(Library(TEAM, LibraryKind.TEAM), team_phrases(n))  # type: ignore[arg-type]
        t = time.perf_counter()
        everything = store.phrases()
        read = ms(t)
        t = time.perf_counter()
        SearchIndex.from_phrases(everything)
        index = ms(t)

        t = time.perf_counter()
        m = PhraseManager(store)
        m.present()
        opened = ms(t)
        while not m.up_to_date:
            app.processEvents()
        ready = ms(t)

        key = f"t-{n // 2}" if n else "std-open-phone"
        m.select_entry(key)
        t = time.perf_counter()
        m.customise()
        app.processEvents()
        action = ms(t)

        m.select_node(None)
        t = time.perf_counter()
        m.filter.setText("y")
        first = ms(t)
        nexts = []
        for text in ("yw", "ywsm", "业务说明1", "b12"):
            t = time.perf_counter()
            m.filter.setText(text)
            nexts.append(ms(t))
        rows = m.model.rowCount()
        m.editor.load(None)
        m.close()
        m.deleteLater()
        app.processEvents()
        store.close()
    return {
        "phrases": len(everything),
        "read_ms": read,
        "index_ms": index,
        "open_ms": opened,
        "ready_ms": ready,
        "action_ms": action,
        "filter_first_ms": first,
        "filter_next_ms": statistics.median(nexts),
        "filter_rows": rows,
    }


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(json.dumps({f"team_{n}": measure(n) for n in SIZES}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

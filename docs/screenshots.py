"""Take the README's screenshots of the palette, the phrase manager and the settings window, under a real X server.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb .venv/bin/python docs/screenshots.py

A throw-away PALETTE_HOME gets the standard library, a small team library, the agent's profile, one
customised and one hidden team phrase and two phrases of the agent's own; each window is grabbed with
QWidget.grab() (no window manager needed) into docs/*.png; the palette beside a chat window is grabbed
from the screen, placed by the app's own rule (`palette.ui.placement.place`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
TEAM = "客服一组"


def demo_store() -> object:
    from palette.core import paths
    from palette.core.model import Library, LibraryKind, Phrase
    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store

    store = Store(paths.database_path())
    ensure_standard_library(store)
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [
            Phrase("t-refund", TEAM, "售后", "退款说明", "您好,退款将在3个工作日内原路退回。", "tk1", ("退款",)),
            Phrase("t-wait", TEAM, "售后", "请稍候", "请您稍等,我马上为您查询。", "", (), 1),
            Phrase(
                "t-5g",
                TEAM,
                "套餐推荐",
                "5G 套餐介绍",
                "[客户姓名]您好,[套餐名称=畅享套餐]每月含 30G 流量。",
                "tc5",
                (),
                2,
            ),
        ],
    )
    for key, value in (("公司名称", "中国电信"), ("工号", "1024"), ("坐席姓名", "王芳"), ("部门", "政企服务部"),
                       ("热线", "10000"), ("分机号", "8001")):  # fmt: skip
        store.set_profile(key, value)
    store.add_phrase(
        category="售后",
        title="退款说明",
        body="您好，退款将在1个工作日内原路退回，请留意[公司名称]的短信通知。",
        shortcut="tk1",
        override_of="t-refund",
    )
    store.set_flags("t-wait", hidden=True)
    store.add_phrase(
        category="宽带", title="宽带报修登记", body="[问候语]，已为您登记宽带报修，工号[工号]为您跟进。", shortcut="bx"
    )
    mine = store.add_phrase(
        category="宽带",
        title="上门时间确认",
        body="[客户姓名]您好，工程师[上门时间]上门，具体几点我也不知道，请保持电话畅通。",
        shortcut="smsj",
        tags=("宽带", "上门"),
    )
    store.set_flags(mine.uid, pinned=True)
    return store


def dark(app: object) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    p = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#2f65ca"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.Link, "#6ea8fe"),
        (QPalette.ColorRole.PlaceholderText, "#8a8a8a"),
    ):  # fmt: skip
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f6f6f"))
    app.setPalette(p)


def palette_shot(app: object, store: object) -> None:
    """The palette over a chat window that fills the left of the screen: it opens beside it."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextBrowser, QVBoxLayout, QWidget

    from palette.core.search import SearchIndex
    from palette.platform.clipboard import ClipboardKeeper
    from palette.platform.paster import Paster
    from palette.ui.controller import PaletteController
    from palette.ui.palette_window import FULL_HEIGHT, PaletteWindow
    from palette.ui.placement import place

    assert isinstance(app, QApplication)
    chat = QWidget()
    chat.setWindowTitle("客户会话")
    log = QTextBrowser(chat)
    log.setHtml(
        "<p><b>客户</b> 10:02<br>你好,我上周投诉的宽带问题到现在还没人处理,工单号是 GD20261124。</p>"
        "<p><b>客户</b> 10:03<br>能不能帮我查一下进度?</p>"
    )
    reply = QPlainTextEdit(chat)
    reply.setPlaceholderText("输入回复…")
    lay = QVBoxLayout(chat)
    lay.addWidget(log, 3)
    lay.addWidget(reply, 1)
    chat.setGeometry(0, 0, 760, 700)
    chat.show()

    window = PaletteWindow()
    controller = PaletteController(
        store,  # type: ignore[arg-type]
        window,
        Paster(None, ClipboardKeeper(app)),
        None,
        SearchIndex.from_store(store).query,  # type: ignore[arg-type]
    )
    screen = app.primaryScreen().availableGeometry()
    g = chat.frameGeometry()
    x, y = place(
        (screen.x(), screen.y(), screen.width(), screen.height()),
        (window.width(), FULL_HEIGHT),
        (g.x(), g.y(), g.width(), g.height()),
    )
    window.present(position=QPoint(x, y))
    window.search.setText("tousu")
    for _ in range(20):
        app.processEvents()
    shot = app.primaryScreen().grabWindow(0, 0, 0, x + window.width() + 10, max(g.height(), FULL_HEIGHT) + 10)
    shot.save(str(DOCS / "palette.png"))
    window.hide()
    chat.hide()
    del controller


def main() -> None:
    os.environ["PALETTE_HOME"] = tempfile.mkdtemp(prefix="palette-shots-")
    from PySide6.QtWidgets import QApplication

    from palette.core.config import Settings
    from palette.core.model import PERSONAL_LIBRARY
    from palette.ui.i18n import Translations
    from palette.ui.manager import PhraseManager
    from palette.ui.settings_window import SettingsWindow

    app = QApplication(sys.argv[:1])
    store = demo_store()
    translations = Translations(app, store)  # type: ignore[arg-type]

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    palette_shot(app, store)

    manager = PhraseManager(store)  # type: ignore[arg-type]
    manager.present()
    manager.select_node(PERSONAL_LIBRARY, "宽带")
    key = next(e.key for e in manager.model.rows if e.shown.title == "上门时间确认")
    manager.select_entry(key)
    manager.table.setFocus()
    settle()
    manager.grab().save(str(DOCS / "manager.png"))

    manager.select_node(TEAM)
    manager.select_entry("t-refund")
    manager.filter.setText("tk")
    settle()
    manager.grab().save(str(DOCS / "manager-customised.png"))
    manager.filter.clear()

    settings = SettingsWindow(store)  # type: ignore[arg-type]
    settings.present()
    settle()
    settings.grab().save(str(DOCS / "settings-profile.png"))
    settings.tabs.setCurrentIndex(1)
    settings.hotkey_status.setText("已保存,现在按 Ctrl+Alt+Space 呼出话术板。")
    settle()
    settings.grab().save(str(DOCS / "settings-hotkey.png"))
    settings.tabs.setCurrentIndex(2)
    settle()
    settings.grab().save(str(DOCS / "settings-general.png"))

    Settings(store).set("language", "en")  # type: ignore[arg-type]
    dark(app)
    manager.select_node(PERSONAL_LIBRARY, "宽带")
    manager.select_entry(key)
    settle()
    manager.grab().save(str(DOCS / "manager-en-dark.png"))
    del translations


if __name__ == "__main__":
    sys.path.insert(0, str(DOCS.parent))
    main()

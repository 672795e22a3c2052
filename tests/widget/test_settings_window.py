"""The settings window and the hotkey field on Qt's offscreen platform, against a real store.

The OS side of the hotkey is a stand-in backend here (which combinations "another program" owns);
tests/e2e/test_hotkey_switch.py does the same against a real X server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from palette.core.config import DEFAULT_PASTE_RULES, GuardMode, Language, Settings, bounds
from palette.core.model import PERSONAL_LIBRARY
from palette.core.store import Store
from palette.platform.autostart import Autostart
from palette.platform.base import HotkeyError, KeyStroke
from palette.ui.hotkey_edit import HotkeyEdit, HotkeySwitch, combo_for, display
from palette.ui.i18n import Translations
from palette.ui.manager import PhraseManager
from palette.ui.settings_window import SettingsWindow

CTRL, ALT, SHIFT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ShiftModifier,
)


class Desk:
    """Stands in for the OS hotkey registry: `taken` belongs to other programs."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.armed = ""

    def start(self, combo: str, on_activate: Callable[[], None]) -> None:
        self.armed = ""  # like X11Hotkey: the old grab is released first
        if combo in self.taken:
            raise HotkeyError(f"{combo} is already used by another program")
        self.armed = combo

    def palette_ready(self) -> list[KeyStroke]:
        return []

    def stop(self) -> None:
        self.armed = ""


@pytest.fixture
def desk() -> Desk:
    d = Desk({"ctrl+alt+k"})
    d.armed = "ctrl+alt+space"
    return d


@pytest.fixture
def autostart(tmp_path: Path) -> Autostart:
    return Autostart(system="linux", env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, home=tmp_path, command=["palette"])


@pytest.fixture
def window(qtbot: QtBot, store: Store, desk: Desk, autostart: Autostart) -> Iterator[SettingsWindow]:
    armed: list[object] = []
    w = SettingsWindow(store, hotkey_switch=HotkeySwitch(desk, lambda: None, armed.append), autostart=autostart)
    qtbot.addWidget(w)
    w.present()
    qtbot.waitExposed(w)
    yield w


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None, f"no cell at {row}, {column}"
    return item


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setText(text)  # Chinese through setText: keyClicks with CJK aborts Qt
    qtbot.keyClick(field, Qt.Key.Key_Return)


def pick(qtbot: QtBot, combo: QComboBox, index: int) -> None:
    combo.setFocus()
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)


def test_settings_round_trip_through_the_store(qtbot: QtBot, window: SettingsWindow, store: Store) -> None:
    type_into(qtbot, window.profile_edits["公司名称"], "中国电信")
    type_into(qtbot, window.profile_edits["工号"], "1024")
    window.custom_add.click()
    cell(window.custom, 0, 0).setText("分机号")
    cell(window.custom, 0, 1).setText("8001")
    cell(window.custom, 0, 0).setText("座席分机")  # a rename moves the value
    assert store.profile() == {"公司名称": "中国电信", "工号": "1024", "座席分机": "8001"}

    window.restore.click()
    window.restore_delay.setValue(400)  # disabled while restoring is off: set it after turning it back on
    window.restore.click()
    window.restore_delay.setValue(400)
    qtbot.keyClick(window.restore_delay, Qt.Key.Key_Return)
    pick(qtbot, window.guard_mode, 1)
    assert window.punctuation_box.isChecked()  # on by default
    window.punctuation_box.click()
    window.idle.setValue(45)
    qtbot.keyClick(window.idle, Qt.Key.Key_Return)
    cell(window.rules, 0, 1).setText("ctrl + shift + v")
    qtbot.keyClick(window.paste_key, Qt.Key.Key_Insert, SHIFT)

    s = Settings(store)
    assert s.config().restore_clipboard is True
    assert s.config().restore_delay_ms == 400
    assert s.config().guard_mode is GuardMode.BLOCK
    assert s.config().normalize_punctuation is False
    assert s.config().idle_minutes == 45
    assert s.config().paste_rules[0] == (DEFAULT_PASTE_RULES[0][0], "ctrl+shift+v")
    assert s.config().paste_key == "shift+insert"

    again = SettingsWindow(store, autostart=window.autostart)  # what a restart would show
    qtbot.addWidget(again)
    assert again.profile_edits["公司名称"].text() == "中国电信"
    assert [cell(again.custom, 0, c).text() for c in (0, 1)] == ["座席分机", "8001"]
    assert (again.restore.isChecked(), again.restore_delay.value()) == (True, 400)
    assert (again.guard_mode.currentIndex(), again.idle.value()) == (1, 45)
    assert not again.punctuation_box.isChecked()
    assert cell(again.rules, 0, 1).text() == "Ctrl+Shift+V"
    assert again.paste_key.text() == "Shift+Insert"


def test_own_forbidden_words_are_edited_in_settings(qtbot: QtBot, window: SettingsWindow, store: Store) -> None:
    standard = [w for w in store.forbidden_words() if w.source != PERSONAL_LIBRARY]
    assert window.words.rowCount() == 0 and str(len(standard)) in window.words_note.text()  # counted, not listed
    window.words_add.click()
    cell(window.words, 0, 0).setText("没空")
    cell(window.words, 0, 1).setText("请稍等")
    cell(window.words, 0, 0).setText("没时间")  # a rename moves the suggestion
    window.words_add.click()
    cell(window.words, 1, 0).setText("没时间")
    assert not window.words_error.isHidden()  # already there: not saved twice
    window.words.setCurrentCell(1, 0)
    window.words_remove.click()  # an unsaved row goes without touching the store
    own = [(w.word, w.suggestion) for w in store.forbidden_words() if w.source == PERSONAL_LIBRARY]
    assert own == [("没时间", "请稍等")]
    assert [w for w in store.forbidden_words() if w.source != PERSONAL_LIBRARY] == standard

    store.add_forbidden_word("随便", "")  # `palette forbidden add` elsewhere shows up
    assert [cell(window.words, r, 0).text() for r in range(2)] == ["没时间", "随便"]
    window.words.setCurrentCell(0, 1)
    window.words_remove.click()
    assert [w.word for w in store.forbidden_words() if w.source == PERSONAL_LIBRARY] == ["随便"]


def test_profile_changes_reach_the_managers_preview(qtbot: QtBot, window: SettingsWindow, store: Store) -> None:
    manager = PhraseManager(store)
    qtbot.addWidget(manager)
    manager.present()
    manager.new_phrase()
    manager.editor.body.setPlainText("[部门]为您服务")
    type_into(qtbot, window.profile_edits["部门"], "政企服务部")
    qtbot.waitUntil(lambda: "政企服务部为您服务" in manager.editor.preview.text())
    manager.editor.load(None)


def test_spin_boxes_offer_what_the_settings_accept(window: SettingsWindow) -> None:
    for box, key in ((window.idle, "idle_minutes"), (window.restore_delay, "restore_delay_ms")):
        assert (box.minimum(), box.maximum()) == (bounds(key).lo, bounds(key).hi)
    assert [window.guard_mode.itemText(i) != "" for i in range(window.guard_mode.count())] == [True] * len(GuardMode)
    assert [window.language.itemData(i) for i in range(window.language.count())] == list(Language)


def test_bad_values_are_refused_with_a_message(qtbot: QtBot, window: SettingsWindow, store: Store) -> None:
    window.custom_add.click()
    cell(window.custom, 0, 0).setText("工 号!")
    assert not window.custom_error.isHidden() and "不能作占位符名称" in window.custom_error.text()
    cell(window.custom, 0, 0).setText("工号")
    assert "已经有了" in window.custom_error.text()
    cell(window.rules, 1, 1).setText("ctrl+shfit+v")
    assert not window.rules_error.isHidden() and "第 2 行" in window.rules_error.text()
    assert Settings(store).config().paste_rules == DEFAULT_PASTE_RULES
    assert store.profile() == {}


def test_hotkey_capture_widget_records_a_combination(qtbot: QtBot) -> None:
    edit = HotkeyEdit()
    qtbot.addWidget(edit)
    edit.set_combo("ctrl+alt+space")
    edit.show()
    qtbot.waitExposed(edit)
    edit.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    assert edit.text() == ""  # waiting for keys
    qtbot.keyPress(edit, Qt.Key.Key_Control, CTRL | ALT)
    assert edit.text() == "Ctrl+Alt+…"
    with qtbot.waitSignal(edit.captured, timeout=1000) as got:
        qtbot.keyClick(edit, Qt.Key.Key_K, CTRL | ALT)
    assert got.args == ["ctrl+alt+k"]
    assert edit.text() == "Ctrl+Alt+K"
    with qtbot.waitSignal(edit.captured, timeout=1000) as got:
        qtbot.keyClick(edit, Qt.Key.Key_F12, Qt.KeyboardModifier.MetaModifier)
    assert got.args == ["super+f12"]
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # gives up: the saved combination shows again
    assert edit.text() == "Ctrl+Alt+Space" and not edit.hasFocus()


@pytest.mark.parametrize(
    ("key", "mods", "combo"),
    [
        (Qt.Key.Key_Space, CTRL | ALT, "ctrl+alt+space"),
        (Qt.Key.Key_V, CTRL | SHIFT, "ctrl+shift+v"),
        (Qt.Key.Key_Exclam, CTRL | SHIFT, "ctrl+shift+1"),  # Qt reports the shifted symbol
        (Qt.Key.Key_QuoteLeft, ALT, "alt+grave"),
        (Qt.Key.Key_Insert, SHIFT, "shift+insert"),
        (Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier, "f5"),
        (Qt.Key.Key_PageDown, CTRL | Qt.KeyboardModifier.MetaModifier, "ctrl+super+pagedown"),
        (Qt.Key.Key_Eacute, CTRL, None),
    ],
)
def test_combo_for_keys(key: Qt.Key, mods: Qt.KeyboardModifier, combo: str | None) -> None:
    assert combo_for(key, mods) == combo


def test_display() -> None:
    assert [display(c) for c in ("ctrl+alt+space", "shift+insert", "ctrl+shift+1")] == [
        "Ctrl+Alt+Space",
        "Shift+Insert",
        "Ctrl+Shift+1",
    ]


def press(qtbot: QtBot, window: SettingsWindow, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    window.hotkey.setFocus()
    qtbot.keyClick(window.hotkey, key, mods)


def test_a_taken_hotkey_is_refused_and_the_old_one_kept(
    qtbot: QtBot, window: SettingsWindow, store: Store, desk: Desk
) -> None:
    press(qtbot, window, Qt.Key.Key_K, CTRL | ALT)
    assert "Ctrl+Alt+K 无法使用,可能已被其他程序占用" in window.hotkey_status.text()
    assert Settings(store).config().hotkey == "ctrl+alt+space"
    assert desk.armed == "ctrl+alt+space"
    assert window.hotkey.combo == "ctrl+alt+space"

    press(qtbot, window, Qt.Key.Key_J, CTRL | ALT)
    assert Settings(store).config().hotkey == "ctrl+alt+j" and desk.armed == "ctrl+alt+j"
    assert "已保存,现在按 Ctrl+Alt+J 呼出话术板" in window.hotkey_status.text()

    press(qtbot, window, Qt.Key.Key_A, SHIFT)  # would swallow typing: config refuses it
    assert "不能用作全局快捷键" in window.hotkey_status.text()
    assert Settings(store).config().hotkey == "ctrl+alt+j" and desk.armed == "ctrl+alt+j"


def test_without_global_hotkeys_the_hotkey_is_saved_with_advice(qtbot: QtBot, store: Store) -> None:
    w = SettingsWindow(store)
    qtbot.addWidget(w)
    w.show()
    w.hotkey.setFocus()
    qtbot.keyClick(w.hotkey, Qt.Key.Key_P, CTRL | ALT)
    assert Settings(store).config().hotkey == "ctrl+alt+p"
    assert "palette show" in w.hotkey_status.text()


def test_autostart_box_writes_and_removes_the_entry(
    qtbot: QtBot, window: SettingsWindow, store: Store, tmp_path: Path
) -> None:
    entry = tmp_path / "xdg" / "autostart" / "palette.desktop"
    window.autostart_box.click()
    assert entry.is_file() and Settings(store).config().autostart is True
    assert window.autostart_status.text() == str(entry)
    window.autostart_box.click()
    assert not entry.exists() and Settings(store).config().autostart is False


def test_autostart_failure_leaves_the_box_unticked(qtbot: QtBot, window: SettingsWindow, tmp_path: Path) -> None:
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "autostart").write_text("a file where the folder should be")
    window.autostart_box.click()
    assert not window.autostart_box.isChecked()
    assert "cannot write the autostart entry" in window.autostart_status.text()


@pytest.fixture
def translations(qapp: QApplication, store: Store) -> Iterator[Translations]:
    t = Translations(qapp, store)
    yield t
    for translator in t._installed:  # leave the shared application untranslated for the next test
        qapp.removeTranslator(translator)


def test_language_switch_changes_visible_strings(
    qtbot: QtBot, window: SettingsWindow, store: Store, translations: Translations
) -> None:
    from PySide6.QtGui import QIcon

    from palette.ui.palette_window import PaletteWindow
    from palette.ui.tray import Tray

    manager = PhraseManager(store)
    qtbot.addWidget(manager)
    manager.present()
    palette = PaletteWindow()
    qtbot.addWidget(palette)
    tray = Tray(QIcon(), autostart=False)
    assert (window.windowTitle(), window.tabs.tabText(0), manager.windowTitle()) == ("设置", "个人资料", "管理话术")
    assert palette.search.placeholderText().startswith("输入拼音") and tray.menu.actions()[0].text() == "打开话术板"
    assert manager.act_new.text() == "新建"

    pick(qtbot, window.language, 1)
    assert Settings(store).config().language is Language.EN
    qtbot.waitUntil(lambda: window.windowTitle() == "Settings")  # LanguageChange events are posted
    assert (window.windowTitle(), window.tabs.tabText(0), window.autostart_box.text()) == (
        "Settings",
        "Profile",
        "Start when I log in",
    )
    assert manager.windowTitle() == "Manage phrases"
    assert manager.act_new.text() == "New"
    assert manager.act_hide.text() == "Hide"
    assert manager.model.headerData(0, Qt.Orientation.Horizontal) == "Title"
    assert manager.editor.banner.text().startswith("Pick a phrase")
    qtbot.waitUntil(lambda: tray.menu.actions()[0].text() != "打开话术板")
    assert not palette.search.placeholderText().startswith("输入拼音")
    assert palette.hint.text().startswith("Enter ") and "粘贴" not in palette.hint.text()

    pick(qtbot, window.language, 0)
    qtbot.waitUntil(lambda: (window.windowTitle(), manager.act_new.text()) == ("设置", "新建"))

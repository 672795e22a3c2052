"""The settings window (tray → 设置): the agent's profile, the hotkey, pasting, the guard, language, autostart.

The agent's own 服务禁语 are edited here (word and suggested wording); the standard and team lists come
with their libraries and are only counted, not listed: they are long, and not the agent's to change.

Every field is saved as soon as it is changed (a text field when it loses focus or on Enter), through
the store and `config.Settings`, which validate it; the running app reads the settings at each use,
and the hotkey is re-armed at once. Nothing here knows SQL or the OS: the hotkey goes through a
`HotkeySwitch`, 开机启动 through `platform.autostart`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from palette.core.config import (
    DEFAULT_PASTE_RULES,
    ConfigError,
    GuardMode,
    Language,
    Settings,
    bounds,
    parse_hotkey,
    parse_key_combo,
)
from palette.core.editing import valid_profile_key
from palette.core.model import PERSONAL_LIBRARY
from palette.core.placeholders import PROFILE_KEYS
from palette.core.store import Store, StoreChange
from palette.platform.autostart import Autostart, AutostartError
from palette.platform.base import HotkeyError
from palette.ui.hotkey_edit import HotkeyEdit, HotkeySwitch, display
from palette.ui.icons import icon

LANGUAGES = ((Language.ZH, "中文"), (Language.EN, "English"))  # each in its own language: not translated
GUARD_MODES = tuple(GuardMode)
_ERROR = "#c0392b"


def apply_autostart(store: Store, autostart: Autostart, enabled: bool) -> None:
    """Write or remove the login entry, then remember the choice; AutostartError leaves both as they were."""
    autostart.set_enabled(enabled)
    Settings(store).set("autostart", enabled)


class SettingsWindow(QWidget):
    """Built on first use and kept; closing hides it."""

    def __init__(
        self,
        store: Store,
        *,
        hotkey_switch: HotkeySwitch | None = None,
        autostart: Autostart | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = Settings(store)
        self.hotkey_switch = hotkey_switch
        self.autostart = autostart or Autostart()
        self._writing = False  # our own saves need no reload
        self._other_words = 0  # 禁语 from the standard and team lists, as of the last load()

        self.tabs = QTabWidget()
        self.profile_page, self.keys_page, self.general_page = QWidget(), QWidget(), QWidget()
        self.tabs.addTab(self.profile_page, "")
        self.tabs.addTab(self.keys_page, "")
        self.tabs.addTab(self.general_page, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        # -- profile
        self.profile_note = QLabel()
        self.profile_note.setWordWrap(True)
        self.profile_form = QFormLayout()
        self.profile_edits: dict[str, QLineEdit] = {}
        self.profile_labels: dict[str, QLabel] = {}
        for name in PROFILE_KEYS:
            edit = QLineEdit()
            edit.editingFinished.connect(lambda n=name, e=edit: self._save_profile(n, e.text()))
            label = QLabel()
            label.setBuddy(edit)
            self.profile_form.addRow(label, edit)
            self.profile_edits[name], self.profile_labels[name] = edit, label
        self.custom_box = QGroupBox()
        self.custom = QTableWidget(0, 2)
        self.custom.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.custom.verticalHeader().hide()
        self.custom.itemChanged.connect(self._custom_changed)
        self.custom_add, self.custom_remove = QPushButton(), QPushButton()
        self.custom_add.clicked.connect(self._add_custom)
        self.custom_remove.clicked.connect(self._remove_custom)
        self.custom_error = self._error_label()
        box = QVBoxLayout(self.custom_box)
        box.addWidget(self.custom)
        box.addLayout(_row(self.custom_add, self.custom_remove))
        box.addWidget(self.custom_error)
        page = QVBoxLayout(self.profile_page)
        page.addWidget(self.profile_note)
        page.addLayout(self.profile_form)
        page.addWidget(self.custom_box, 1)

        # -- hotkey and pasting
        self.hotkey = HotkeyEdit()
        self.hotkey.captured.connect(self._hotkey_captured)
        self.hotkey_status = QLabel()
        self.hotkey_status.setWordWrap(True)
        self.paste_key = HotkeyEdit()
        self.paste_key.captured.connect(self._paste_key_captured)
        self.rules = QTableWidget(0, 2)
        self.rules.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rules.verticalHeader().hide()
        self.rules.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rules.itemChanged.connect(self._rules_changed)
        self.rules_add, self.rules_remove, self.rules_reset = QPushButton(), QPushButton(), QPushButton()
        self.rules_add.clicked.connect(self._add_rule)
        self.rules_remove.clicked.connect(self._remove_rule)
        self.rules_reset.clicked.connect(lambda: self._save_rules(DEFAULT_PASTE_RULES, reload=True))
        self.rules_error = self._error_label()
        self.restore = QCheckBox()
        self.restore.toggled.connect(self._restore_toggled)
        self.restore_delay = QSpinBox()
        self.restore_delay.setRange(bounds("restore_delay_ms").lo, bounds("restore_delay_ms").hi)
        self.restore_delay.setSingleStep(50)
        self.restore_delay.editingFinished.connect(
            lambda: self._set_text("restore_delay_ms", str(self.restore_delay.value()))
        )
        self.keys_form = QFormLayout()
        self.hotkey_label, self.paste_key_label, self.delay_label = QLabel(), QLabel(), QLabel()
        self.hotkey_label.setBuddy(self.hotkey)
        self.keys_form.addRow(self.hotkey_label, self.hotkey)
        self.keys_form.addRow("", self.hotkey_status)
        self.keys_form.addRow(self.paste_key_label, self.paste_key)
        self.rules_box = QGroupBox()
        rules_layout = QVBoxLayout(self.rules_box)
        self.rules_note = QLabel()
        self.rules_note.setWordWrap(True)
        rules_layout.addWidget(self.rules_note)
        rules_layout.addWidget(self.rules)
        rules_layout.addLayout(_row(self.rules_add, self.rules_remove, self.rules_reset))
        rules_layout.addWidget(self.rules_error)
        restore_row = QFormLayout()
        restore_row.addRow(self.restore)
        restore_row.addRow(self.delay_label, self.restore_delay)
        page = QVBoxLayout(self.keys_page)
        page.addLayout(self.keys_form)
        page.addWidget(self.rules_box, 1)
        page.addLayout(restore_row)

        # -- general
        self.guard_mode = QComboBox()
        for _ in GUARD_MODES:
            self.guard_mode.addItem("")
        self.guard_mode.activated.connect(lambda i: self._set("guard_mode", GUARD_MODES[i]))
        self.punctuation_box = QCheckBox()
        self.punctuation_box.toggled.connect(lambda on: self._set("normalize_punctuation", on))
        self.idle = QSpinBox()
        self.idle.setRange(bounds("idle_minutes").lo, bounds("idle_minutes").hi)
        self.idle.editingFinished.connect(lambda: self._set_text("idle_minutes", str(self.idle.value())))
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.activated.connect(lambda i: self._set("language", LANGUAGES[i][0]))
        self.autostart_box = QCheckBox()
        self.autostart_box.toggled.connect(self._autostart_toggled)
        self.autostart_status = QLabel()
        self.autostart_status.setWordWrap(True)
        self.general_form = QFormLayout()
        self.guard_label, self.idle_label, self.language_label = QLabel(), QLabel(), QLabel()
        self.general_form.addRow(self.guard_label, self.guard_mode)
        self.general_form.addRow(self.punctuation_box)
        self.general_form.addRow(self.idle_label, self.idle)
        self.general_form.addRow(self.language_label, self.language)
        self.general_form.addRow(self.autostart_box)
        self.general_form.addRow(self.autostart_status)
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        self.words_box = QGroupBox()
        self.words_note = QLabel()
        self.words_note.setWordWrap(True)
        self.words = QTableWidget(0, 2)
        self.words.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.words.verticalHeader().hide()
        self.words.itemChanged.connect(self._word_changed)
        self.words_add, self.words_remove = QPushButton(), QPushButton()
        self.words_add.clicked.connect(self._add_word)
        self.words_remove.clicked.connect(self._remove_word)
        self.words_error = self._error_label()
        box = QVBoxLayout(self.words_box)
        box.addWidget(self.words_note)
        box.addWidget(self.words)
        box.addLayout(_row(self.words_add, self.words_remove))
        box.addWidget(self.words_error)
        page = QVBoxLayout(self.general_page)
        page.addLayout(self.general_form)
        page.addWidget(self.language_note)
        page.addWidget(self.words_box, 1)

        self.retranslate()
        self.apply_icons()
        em = self.fontMetrics().horizontalAdvance("国")
        self.resize(em * 44, self.fontMetrics().height() * 34)
        self.load()
        self.destroyed.connect(store.listen(self._on_store_change))  # not called once the C++ side is gone

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {_ERROR}")
        label.hide()
        return label

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("设置"))
        self.tabs.setTabText(0, self.tr("个人资料"))
        self.tabs.setTabText(1, self.tr("快捷键与粘贴"))
        self.tabs.setTabText(2, self.tr("常规"))
        self.profile_note.setText(
            self.tr("这些信息会自动填入话术中同名的占位符,例如 [公司名称]、[工号]。只保存在本机。")
        )
        names = {
            "公司名称": self.tr("公司名称"),
            "工号": self.tr("工号"),
            "坐席姓名": self.tr("坐席姓名"),
            "部门": self.tr("部门"),
            "热线": self.tr("热线"),
        }
        for name, label in self.profile_labels.items():
            label.setText(names.get(name, name))
            self.profile_edits[name].setToolTip(self.tr("填入占位符 [{0}]").format(name))
        self.custom_box.setTitle(self.tr("其他字段"))
        self.custom.setHorizontalHeaderLabels([self.tr("占位符名称"), self.tr("值")])
        self.custom_add.setText(self.tr("添加"))
        self.custom_remove.setText(self.tr("删除"))
        self.hotkey_label.setText(self.tr("呼出话术板(&H)"))
        self.paste_key_label.setText(self.tr("粘贴键"))
        self.paste_key.setToolTip(self.tr("粘贴到大多数窗口时按的键;终端等窗口在下面单独设置"))
        self.rules_box.setTitle(self.tr("按窗口设置粘贴键"))
        self.rules_note.setText(self.tr("窗口类名包含左列文字时,用右列的键粘贴(例如终端用 Ctrl+Shift+V)。"))
        self.rules.setHorizontalHeaderLabels([self.tr("窗口类名"), self.tr("粘贴键")])
        self.rules_add.setText(self.tr("添加"))
        self.rules_remove.setText(self.tr("删除"))
        self.rules_reset.setText(self.tr("恢复默认"))
        self.restore.setText(self.tr("粘贴后恢复原来的剪贴板内容"))
        self.delay_label.setText(self.tr("恢复前等待"))
        self.restore_delay.setSuffix(self.tr(" 毫秒"))
        self.guard_label.setText(self.tr("遇到服务禁语"))
        for i, text in enumerate((self.tr("提醒,确认后粘贴"), self.tr("阻止粘贴"), self.tr("不检查"))):
            self.guard_mode.setItemText(i, text)
        self.punctuation_box.setText(self.tr("粘贴时把中文里的半角标点改为全角（，？！：；）"))
        self.punctuation_box.setToolTip(
            self.tr("例如“您好,请问”粘贴为“您好，请问”；数字、网址、英文和占位符里的标点不变")
        )
        self.idle_label.setText(self.tr("会话空闲"))
        self.idle.setSuffix(self.tr(" 分钟后开始新会话"))
        self.idle.setToolTip(self.tr("超过这段时间没有使用,就忘记本次会话里填写的客户信息"))
        self.language_label.setText(self.tr("界面语言"))
        self.language_note.setText(self.tr("托盘菜单和话术板在下次启动时换成新的语言。"))
        self.autostart_box.setText(self.tr("开机时自动启动"))
        self.words_box.setTitle(self.tr("我的服务禁语"))
        self.words.setHorizontalHeaderLabels([self.tr("禁语"), self.tr("建议用语")])
        self.words_add.setText(self.tr("添加"))
        self.words_remove.setText(self.tr("删除"))
        self._count_words()
        self.hotkey.retranslate()
        self.paste_key.retranslate()

    def apply_icons(self) -> None:
        pal = self.palette()
        self.setWindowIcon(icon("settings", pal))
        for i, name in enumerate(("person", "keyboard", "general")):
            self.tabs.setTabIcon(i, icon(name, pal))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self.apply_icons()
        super().changeEvent(event)

    # -- showing the stored values ------------------------------------------------------------------

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def showEvent(self, event: QShowEvent) -> None:
        self.load()  # `palette config set` in a terminal changes the database without telling us
        super().showEvent(event)

    def _on_store_change(self, change: StoreChange) -> None:
        if change.settings and not self._writing:
            self.load()

    def load(self) -> None:
        config = self.settings.config()
        profile = self.store.profile()
        for name, edit in self.profile_edits.items():
            edit.setText(profile.get(name, ""))
        with QSignalBlocker(self.custom):
            self.custom.setRowCount(0)
            for name, value in profile.items():
                if name not in PROFILE_KEYS:
                    self._append(self.custom, name, value)
        self.hotkey.set_combo(config.hotkey)
        self.paste_key.set_combo(config.paste_key)
        with QSignalBlocker(self.rules):
            self.rules.setRowCount(0)
            for pattern, combo in config.paste_rules:
                self._append(self.rules, pattern, display(combo))
        with QSignalBlocker(self.restore):
            self.restore.setChecked(config.restore_clipboard)
        self.restore_delay.setValue(config.restore_delay_ms)
        self.restore_delay.setEnabled(self.restore.isChecked())
        self.guard_mode.setCurrentIndex(GUARD_MODES.index(config.guard_mode))
        with QSignalBlocker(self.punctuation_box):
            self.punctuation_box.setChecked(config.normalize_punctuation)
        self.idle.setValue(config.idle_minutes)
        self.language.setCurrentIndex(max(0, self.language.findData(str(config.language))))
        words = self.store.forbidden_words()
        self._other_words = sum(w.source != PERSONAL_LIBRARY for w in words)  # standard and team: counted
        with QSignalBlocker(self.words):
            self.words.setRowCount(0)
            for w in words:
                if w.source == PERSONAL_LIBRARY:
                    self._append(self.words, w.word, w.suggestion)
        self._count_words()
        with QSignalBlocker(self.autostart_box):
            self.autostart_box.setChecked(self.autostart.is_enabled())
        self.autostart_status.setText(self.autostart.location if self.autostart_box.isChecked() else "")

    @staticmethod
    def _append(table: QTableWidget, first: str, second: str) -> QTableWidgetItem:
        row = table.rowCount()
        table.insertRow(row)
        name = QTableWidgetItem(first)
        name.setData(Qt.ItemDataRole.UserRole, first)  # what is stored under, to rename
        table.setItem(row, 0, name)
        table.setItem(row, 1, QTableWidgetItem(second))
        return name

    # -- saving -------------------------------------------------------------------------------------

    def _write(self, change: Callable[[], object]) -> None:
        self._writing = True
        try:
            change()
        finally:
            self._writing = False

    def _set(self, key: str, value: object) -> None:
        self._write(lambda: self.settings.set(key, value))

    def _set_text(self, key: str, text: str) -> None:
        self._write(lambda: self.settings.set_text(key, text))

    def _save_profile(self, name: str, value: str) -> None:
        if value.strip() != self.store.profile().get(name, ""):
            self._write(lambda: self.store.set_profile(name, value.strip()))

    def _custom_changed(self, item: QTableWidgetItem) -> None:
        row = item.row()
        name_item, value_item = self.custom.item(row, 0), self.custom.item(row, 1)
        name = name_item.text().strip() if name_item else ""
        value = value_item.text().strip() if value_item else ""
        stored = name_item.data(Qt.ItemDataRole.UserRole) if name_item else None
        others = {t.text().strip() for r in range(self.custom.rowCount()) if r != row and (t := self.custom.item(r, 0))}
        problem = ""
        if name and not valid_profile_key(name):
            problem = self.tr("“{0}”不能作占位符名称:只能用中文、字母、数字或下划线,最多 20 个字").format(name)
        elif name in PROFILE_KEYS or name in others:
            problem = self.tr("“{0}”已经有了").format(name)
        self.custom_error.setText(problem)
        self.custom_error.setVisible(bool(problem))
        if problem or not name:
            return

        def save() -> None:
            with self.store.transaction():
                if stored and stored != name:
                    self.store.set_profile(stored, "")
                self.store.set_profile(name, value)

        self._write(save)
        if name_item is not None:
            with QSignalBlocker(self.custom):
                name_item.setData(Qt.ItemDataRole.UserRole, name)

    def _add_custom(self) -> None:
        with QSignalBlocker(self.custom):
            item = self._append(self.custom, "", "")
            item.setData(Qt.ItemDataRole.UserRole, None)
        self.custom.setCurrentItem(item)
        self.custom.editItem(item)

    def _remove_custom(self) -> None:
        row = self.custom.currentRow()
        if row < 0:
            return
        item = self.custom.item(row, 0)
        stored = item.data(Qt.ItemDataRole.UserRole) if item else None
        if stored:
            self._write(lambda: self.store.set_profile(stored, ""))
        self.custom.removeRow(row)

    def _count_words(self) -> None:
        others = self._other_words
        self.words_note.setText(
            self.tr("粘贴前会提醒这些词,并可换成建议用语。另有 {0} 条来自标准和团队话术库。").format(others)
        )

    def _word_changed(self, item: QTableWidgetItem) -> None:
        row = item.row()
        word_item, suggestion_item = self.words.item(row, 0), self.words.item(row, 1)
        word = word_item.text().strip() if word_item else ""
        suggestion = suggestion_item.text().strip() if suggestion_item else ""
        stored = word_item.data(Qt.ItemDataRole.UserRole) if word_item else None
        others = {t.text().strip() for r in range(self.words.rowCount()) if r != row and (t := self.words.item(r, 0))}
        problem = self.tr("“{0}”已经有了").format(word) if word in others else ""
        if not word and suggestion:
            problem = self.tr("第 {0} 行:请填写禁语").format(row + 1)
        self.words_error.setText(problem)
        self.words_error.setVisible(bool(problem))
        if problem or not word:
            return

        def save() -> None:
            with self.store.transaction():
                if stored and stored != word:
                    self.store.remove_forbidden_word(stored)
                self.store.add_forbidden_word(word, suggestion)

        self._write(save)
        if word_item is not None:
            with QSignalBlocker(self.words):
                word_item.setData(Qt.ItemDataRole.UserRole, word)

    def _add_word(self) -> None:
        with QSignalBlocker(self.words):
            item = self._append(self.words, "", "")
            item.setData(Qt.ItemDataRole.UserRole, None)
        self.words.setCurrentItem(item)
        self.words.editItem(item)

    def _remove_word(self) -> None:
        row = self.words.currentRow()
        if row < 0:
            return
        item = self.words.item(row, 0)
        stored = item.data(Qt.ItemDataRole.UserRole) if item else None
        if stored:
            self._write(lambda: self.store.remove_forbidden_word(stored))
        self.words.removeRow(row)
        self.words_error.hide()

    def _hotkey_captured(self, combo: str) -> None:
        old = self.settings.config().hotkey
        try:
            combo = parse_hotkey(combo)
        except ConfigError as e:
            self._hotkey_says(self.tr("{0} 不能用作全局快捷键:{1}").format(display(combo), e), error=True)
            self.hotkey.set_combo(old)
            return
        if combo == old:
            self._hotkey_says(self.tr("快捷键没有变化"))
            return
        if self.hotkey_switch is None:
            self._set("hotkey", combo)
            self._hotkey_says(
                self.tr("已保存。此桌面不支持全局快捷键,请在系统设置里把 {0} 绑定到命令 “palette show”。").format(
                    display(combo)
                )
            )
            return
        try:
            self.hotkey_switch.switch(combo, old)
        except HotkeyError as e:
            taken = self.tr("{0} 无法使用,可能已被其他程序占用({1})。请换一个组合。")
            self._hotkey_says(taken.format(display(combo), e), error=True)
            self.hotkey.set_combo(old)
            return
        self._set("hotkey", combo)
        self._hotkey_says(self.tr("已保存,现在按 {0} 呼出话术板。").format(display(combo)))

    def _hotkey_says(self, text: str, *, error: bool = False) -> None:
        self.hotkey_status.setText(text)
        self.hotkey_status.setStyleSheet(f"color: {_ERROR}" if error else "")

    def _paste_key_captured(self, combo: str) -> None:
        self._set_text("paste_key", combo)
        self.paste_key.set_combo(self.settings.config().paste_key)
        self.paste_key.clearFocus()

    def _rules_changed(self, _item: QTableWidgetItem) -> None:
        rules: list[tuple[str, str]] = []
        for row in range(self.rules.rowCount()):
            cells = [self.rules.item(row, c) for c in (0, 1)]
            pattern, keys = (c.text().strip() if c is not None else "" for c in cells)
            if not pattern and not keys:
                continue  # a row just added, not filled in yet
            if not pattern or not keys:
                self._rules_say(self.tr("第 {0} 行:请同时填写窗口类名和粘贴键").format(row + 1))
                return
            try:
                rules.append((pattern.lower(), parse_key_combo(keys)))
            except ConfigError as e:
                self._rules_say(self.tr("第 {0} 行:“{1}”不是有效的按键组合({2})").format(row + 1, keys, e))
                return
        self._save_rules(rules, reload=False)

    def _save_rules(self, rules: Sequence[tuple[str, str]], *, reload: bool) -> None:
        self._rules_say("")
        self._set("paste_rules", rules)
        if reload:
            self.load()

    def _rules_say(self, text: str) -> None:
        self.rules_error.setText(text)
        self.rules_error.setVisible(bool(text))

    def _add_rule(self) -> None:
        with QSignalBlocker(self.rules):
            item = self._append(self.rules, "", "")
        self.rules.setCurrentItem(item)
        self.rules.editItem(item)

    def _remove_rule(self) -> None:
        row = self.rules.currentRow()
        if row >= 0:
            self.rules.removeRow(row)
            self._rules_changed(QTableWidgetItem())

    def _restore_toggled(self, on: bool) -> None:
        self.restore_delay.setEnabled(on)
        self._set("restore_clipboard", on)

    def _autostart_toggled(self, on: bool) -> None:
        try:
            self._write(lambda: apply_autostart(self.store, self.autostart, on))
        except AutostartError as e:
            with QSignalBlocker(self.autostart_box):
                self.autostart_box.setChecked(not on)
            self.autostart_status.setText(str(e))
            self.autostart_status.setStyleSheet(f"color: {_ERROR}")
            return
        self.autostart_status.setStyleSheet("")
        self.autostart_status.setText(self.autostart.location if on else "")


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row

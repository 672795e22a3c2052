"""The first-run step: on the first start with an empty profile, ask for 公司名称, 工号 and 坐席姓名.

Those three fill the greeting and most phrases; without them the first paste of every phrase opens
the fill-in form. The step is skippable and shown once: saving or skipping (or closing the window)
sets `first_run_done`, and an agent who already has a profile (set on the command line, or by an
installer) never sees it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from palette.core.config import Settings
from palette.core.store import Store

FIELDS = ("公司名称", "工号", "坐席姓名")


def needs_first_run(store: Store) -> bool:
    """Not done or skipped before, and none of the three is in the profile yet."""
    profile = store.profile()
    return not Settings(store).config().first_run_done and not any(profile.get(name) for name in FIELDS)


class FirstRunDialog(QWidget):
    """A small window, not modal: the hotkey already works while it is open."""

    finished = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("firstRun")
        self.setWindowFlag(Qt.WindowType.Dialog)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for name in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"field:{name}")
            label = QLabel()
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.edits[name], self.labels[name] = edit, label
        self.save_button, self.skip_button = QPushButton(), QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.skip_button.clicked.connect(self.skip)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self._done = False
        self.retranslate()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("国") * 28)  # the intro in two lines, not five

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("欢迎使用快捷话术板"))
        self.intro.setText(
            self.tr("填写这几项后,话术里的 [公司名称]、[工号]、[坐席姓名] 会自动填好。以后可在“设置”里修改。")
        )
        names = {"公司名称": self.tr("公司名称"), "工号": self.tr("工号"), "坐席姓名": self.tr("坐席姓名")}
        for name, label in self.labels.items():
            label.setText(names[name])
        self.save_button.setText(self.tr("保存"))
        self.skip_button.setText(self.tr("跳过"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        self.edits[FIELDS[0]].setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def save(self) -> None:
        """Save what was typed (blank fields stay unset) and never ask again."""
        with self.store.transaction():
            for name, edit in self.edits.items():
                if edit.text().strip():
                    self.store.set_profile(name, edit.text().strip())
            self._mark_done()
        self.close()

    def skip(self) -> None:
        self._mark_done()
        self.close()

    def _mark_done(self) -> None:
        if not self._done:
            self._done = True
            Settings(self.store).set("first_run_done", True)
            self.finished.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._mark_done()  # closing the window counts as skipping: it is not asked again
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
        elif event.key() == Qt.Key.Key_Escape:
            self.skip()
        else:
            super().keyPressEvent(event)

"""The tray icon and its menu, and notifications that still reach the agent where there is no tray."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QLabel, QMenu, QSystemTrayIcon

TOAST_MS = 4000


class Toast(QLabel):
    """A small always-on-top note in the screen corner: the notification where no tray exists."""

    def __init__(self) -> None:
        super().__init__(None)
        self.setWindowFlags(
            Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWordWrap(True)
        self.setMargin(12)
        self.setMaximumWidth(360)
        self.setStyleSheet("QLabel { background: palette(tool-tip-base); border: 1px solid palette(mid); }")
        self._timer = QTimer(self, singleShot=True, interval=TOAST_MS)
        self._timer.timeout.connect(self.hide)

    def say(self, title: str, message: str) -> None:
        self.setText(f"<b>{title}</b><br>{message}")
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        geo: QRect = screen.availableGeometry() if screen else QRect(0, 0, 800, 600)
        self.move(geo.right() - self.width() - 16, geo.bottom() - self.height() - 16)
        self.show()
        self._timer.start()


class Tray(QObject):
    """Tray icon and menu; each item is a signal the composition root connects."""

    open_palette = Signal()
    new_conversation = Signal()
    manage = Signal()
    settings = Signal()
    import_library = Signal()
    autostart_toggled = Signal(bool)
    quit = Signal()

    def __init__(self, icon: QIcon, *, autostart: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.menu = QMenu()
        self._actions = [self._add(self.open_palette), self._add(self.new_conversation)]
        self.menu.addSeparator()
        self._actions += [self._add(self.manage), self._add(self.settings), self._add(self.import_library)]
        self.autostart_action = QAction(self.menu, checkable=True, checked=autostart)
        self.autostart_action.toggled.connect(self.autostart_toggled)
        self.menu.addAction(self.autostart_action)
        self.menu.addSeparator()
        self._actions.append(self._add(self.quit))
        self.menu.installEventFilter(self)  # the menu, a widget, hears about language switches
        self.icon = QSystemTrayIcon(icon, self)
        self.retranslate()
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self._toast: Toast | None = None
        if self.available:
            self.icon.show()

    def _add(self, signal: SignalInstance) -> QAction:
        action = self.menu.addAction("")
        action.triggered.connect(lambda _checked=False: signal.emit())
        return action

    def retranslate(self) -> None:
        texts = [self.tr("打开话术板"), self.tr("新会话"), self.tr("管理话术"), self.tr("设置"),
                 self.tr("导入团队话术库"), self.tr("退出")]  # fmt: skip
        for action, text in zip(self._actions, texts, strict=True):
            action.setText(text)
        self.autostart_action.setText(self.tr("开机启动"))
        self.icon.setToolTip(self.tr("快捷话术板"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.menu and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().eventFilter(watched, event)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_palette.emit()

    def notify(self, title: str, message: str, *, warning: bool = False) -> None:
        """A tray balloon, or a corner toast on desktops without a tray."""
        if self.available and self.icon.supportsMessages():
            kind = QSystemTrayIcon.MessageIcon.Warning if warning else QSystemTrayIcon.MessageIcon.Information
            self.icon.showMessage(title, message, kind, TOAST_MS)
            return
        if self._toast is None:
            self._toast = Toast()
        self._toast.say(title, message)

    def hide(self) -> None:
        self.icon.hide()


def app_icon(path: str) -> QIcon:
    icon = QIcon(path)
    return icon if not icon.isNull() else QIcon.fromTheme("edit-paste")

"""Borrowing the clipboard for one paste and giving the agent's own content back, in every format.

The snapshot is taken when the palette opens (reading a clipboard whose owner hangs can block, so not
on the paste path). After the paste key is sent, the old content returns only once the target has
finished reading ours: on X11 every request for the data restarts a short quiet timer; elsewhere, or
when no request is seen, a longer fallback delay applies. A TARGETS request is not a read: a program
asks for the list of formats first and for the text afterwards, and a loaded machine can put more
than the quiet time between the two (restoring in between pasted nothing, 1 run in 50). Nothing is
restored if the clipboard changed meanwhile (the agent copied something new). Clipboard contents are
never logged.

The same snapshot says where the customer's message is (`message_at_open`): the X11 PRIMARY selection
when it changed since the last paste (the agent just selected the customer's line), else the clipboard
when it did (they copied it). Changed: another program took it since (Qt's `changed` signal, so the same
line selected again counts), or it holds other text than at the last paste. Content Palette put there
itself, or still owns, never counts. Windows and macOS have no PRIMARY selection (Qt says so through
`supportsSelection`): the clipboard only.

The same requests confirm a paste before a chat's send key is pressed: `read` fires for every data
request while our content is on the clipboard (`watches_reads` says whether this platform can tell).
A picture goes on the clipboard as `image/png`, with a `text/html` `<img>` of it as a data URL for
web pages that take the HTML.
"""

from __future__ import annotations

import base64
import ctypes
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QBuffer,
    QByteArray,
    QIODevice,
    QMimeData,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtGui import QClipboard, QGuiApplication, QImage, QImageWriter

from palette.core import events

_XCB_SELECTION_REQUEST = 30
NO_READ_FALLBACK_MS = 1500


_REQUEST_TARGET_OFFSET = 20  # xcb_selection_request_event_t: type, pad, sequence, time, owner, requestor, selection


def _format_list_atoms() -> frozenset[int]:
    """The atoms of requests that ask which formats there are, not for the data (server-wide numbers)."""
    try:
        from Xlib import display, error

        d = display.Display()
    except (ImportError, OSError, error.DisplayError):
        return frozenset()
    try:
        return frozenset(d.intern_atom(name) for name in ("TARGETS", "TIMESTAMP"))
    finally:
        d.close()


class _SelectionRequestFilter(QAbstractNativeEventFilter):
    """Sees X11 SelectionRequest events, i.e. another program reading a selection we own."""

    def __init__(self, on_request: Callable[[bool], None]) -> None:
        super().__init__()
        self._on_request = on_request  # called with True for a data read, False for a format-list query
        self._format_list = _format_list_atoms()

    def nativeEventFilter(
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> tuple[bool, int]:
        address = int(message)  # a shiboken VoidPtr at run time: falsy even when set, so compare its int
        if address and QByteArray(event_type).data() == b"xcb_generic_event_t":
            response_type = ctypes.c_uint8.from_address(address).value & 0x7F
            if response_type == _XCB_SELECTION_REQUEST:
                target = ctypes.c_uint32.from_address(address + _REQUEST_TARGET_OFFSET).value
                self._on_request(target not in self._format_list)
        return False, 0


def _copy(mime: QMimeData | None) -> QMimeData | None:
    if mime is None or not mime.formats():
        return None
    copy = QMimeData()
    for fmt in mime.formats():
        copy.setData(fmt, mime.data(fmt))
    return copy


PNG = "image/png"


def as_png(data: bytes) -> bytes:
    """A stored picture (PNG, JPEG or GIF) as PNG bytes, the format targets ask the clipboard for."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data
    image = QImage.fromData(data)
    if image.isNull():
        raise ValueError("not a picture Qt can read")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not QImageWriter(buffer, QByteArray(b"png")).write(image):
        raise ValueError("cannot write the picture as PNG")
    return bytes(buffer.data().data())


class ClipboardKeeper(QObject):
    """Snapshot, put text or a picture, restore: one paste's worth of clipboard borrowing."""

    restored = Signal(bool)  # True when the old content was put back, False when it was left alone
    read = Signal()  # a target asked for the data we put there (X11 only: see `watches_reads`)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cb = QGuiApplication.clipboard()
        self._saved: dict[QClipboard.Mode, QMimeData | None] = {}
        self._snapshot_taken = False
        self._text_at_open = ""
        self._candidates: tuple[tuple[QClipboard.Mode, str], ...] = ()  # (mode, text) others put there
        self._at_last_paste: dict[QClipboard.Mode, str] = {}
        self._taken: set[QClipboard.Mode] = set()  # another program took the selection since the last paste
        self._taken_at_open: set[QClipboard.Mode] = set()
        self._writing = False  # our own put or restore: its `changed` is not the agent's doing
        self._own = ""  # the last text Palette put on the clipboard
        self._ours = ""  # non-empty while a restore is pending
        self._ours_png = b""  # or this, when the pending content is a picture
        self._modes: list[QClipboard.Mode] = []
        self._armed = False
        self._quiet = QTimer(self, singleShot=True)
        self._quiet.timeout.connect(self._restore)
        self._fallback = QTimer(self, singleShot=True, interval=NO_READ_FALLBACK_MS)
        self._fallback.timeout.connect(self._restore)
        self._filter: _SelectionRequestFilter | None = None
        self._cb.changed.connect(self._on_changed)
        app = QGuiApplication.instance()
        if QGuiApplication.platformName() == "xcb" and app is not None:
            self._filter = _SelectionRequestFilter(self._on_read_request)
            app.installNativeEventFilter(self._filter)

    def _on_changed(self, mode: QClipboard.Mode) -> None:
        """Someone else put something on the clipboard or a selection (its content is not read here)."""
        if not self._writing and not self._owns(mode):
            self._taken.add(mode)

    @property
    def watches_reads(self) -> bool:
        """Whether `read` fires here (X11); elsewhere a paste can only be assumed read after a while."""
        return self._filter is not None

    @property
    def _pending(self) -> bool:
        return bool(self._ours or self._ours_png)

    def _on_read_request(self, data: bool) -> None:
        if data and self._pending:
            self.read.emit()
        if not self._armed:
            return
        if data or self._quiet.isActive():
            self._fallback.stop()
            self._quiet.start()  # restart the quiet period on each read
        else:
            self._fallback.start()  # the formats were asked for: the data request is on its way

    def snapshot(self) -> None:
        """Remember what the agent has on the clipboard (and the X11 primary selection) right now."""
        if self._pending:
            return  # a restore is still pending: what is there now is our text, not the agent's
        self._saved = {QClipboard.Mode.Clipboard: _copy(self._cb.mimeData(QClipboard.Mode.Clipboard))}
        if self._cb.supportsSelection():
            self._saved[QClipboard.Mode.Selection] = _copy(self._cb.mimeData(QClipboard.Mode.Selection))
        saved = self._saved[QClipboard.Mode.Clipboard]
        self._text_at_open = saved.text() if saved is not None and saved.hasText() else ""
        candidates = []
        for mode in (QClipboard.Mode.Selection, QClipboard.Mode.Clipboard):
            mime = self._saved.get(mode)
            if mime is not None and mime.hasText() and not self._owns(mode):
                candidates.append((mode, mime.text()))
        self._candidates = tuple(candidates)
        self._taken_at_open = set(self._taken)
        self._snapshot_taken = True

    def _owns(self, mode: QClipboard.Mode) -> bool:
        return self._cb.ownsSelection() if mode == QClipboard.Mode.Selection else self._cb.ownsClipboard()

    def message_at_open(self) -> str:
        """Text another program put on PRIMARY (first) or the clipboard since the last paste, as the
        snapshot saw it; "" when neither changed. Customer data: never logged."""
        for mode, text in self._candidates:
            changed = mode in self._taken_at_open or text != self._at_last_paste.get(mode)
            if changed and text != self._own:
                return text
        return ""

    def ensure_snapshot(self) -> None:
        if not self._snapshot_taken:
            self.snapshot()

    def forget_snapshot(self) -> None:
        """Drop the copy when the palette closes without pasting: it may hold customer data."""
        if not self._pending:
            self._saved = {}
            self._snapshot_taken = False
            self._text_at_open = ""
            self._candidates = ()

    @property
    def text_at_open(self) -> str:
        """The clipboard text when the palette opened: the value of the [剪贴板] placeholder."""
        return self._text_at_open

    @property
    def pending_text(self) -> str:
        """Our text while it is on the clipboard waiting to be read (never logged)."""
        return self._ours

    def put(self, text: str, *, selection_too: bool = False) -> None:
        """Put `text` on the clipboard (and on PRIMARY for terminals that paste it with Shift+Insert)."""
        self._claim(text, b"")
        self._modes = [QClipboard.Mode.Clipboard]
        if selection_too and self._cb.supportsSelection():
            self._modes.append(QClipboard.Mode.Selection)
        self._writing = True
        try:
            for mode in self._modes:
                self._cb.setText(text, mode)
        finally:
            self._writing = False

    def put_image(self, png: bytes) -> None:
        """Put a picture on the clipboard: `image/png`, and an HTML `<img>` of it for web pages."""
        self._claim("", png)
        self._modes = [QClipboard.Mode.Clipboard]
        mime = QMimeData()
        mime.setData(PNG, QByteArray(png))
        mime.setHtml(f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">')
        self._writing = True
        try:
            self._cb.setMimeData(mime, QClipboard.Mode.Clipboard)
        finally:
            self._writing = False

    def _claim(self, text: str, png: bytes) -> None:
        self.ensure_snapshot()
        self._armed = False
        self._quiet.stop()
        self._fallback.stop()
        if self._candidates:  # what the agent had selected is answered now (a second put keeps that)
            self._at_last_paste = dict(self._candidates)
        self._candidates = ()
        self._taken.clear()
        if text:
            self._own = text
        self._ours, self._ours_png = text, png

    def restore_later(self, quiet_ms: int, *, read_seen: bool = False) -> None:
        """Restore once reads have stopped for `quiet_ms`, or after a fallback delay if none is seen
        (`read_seen`: the target has read it already, so only the quiet time is left)."""
        self._quiet.setInterval(quiet_ms)
        self._fallback.setInterval(max(quiet_ms, NO_READ_FALLBACK_MS))
        self._armed = True
        (self._quiet if read_seen else self._fallback).start()

    def keep(self) -> None:
        """Leave our text on the clipboard (copy only, or the paste could not be sent)."""
        self._armed = False
        self._quiet.stop()
        self._fallback.stop()
        self._ours, self._ours_png = "", b""
        self._saved = {}
        self._snapshot_taken = False

    def _still_ours(self, mode: QClipboard.Mode) -> bool:
        current = self._cb.mimeData(mode)
        if current is None:
            return False
        if self._ours_png:
            same = current.hasFormat(PNG) and bytes(current.data(PNG).data()) == self._ours_png
        else:
            same = current.text() == self._ours
        return same and (mode != QClipboard.Mode.Clipboard or self._cb.ownsClipboard())

    def _restore(self) -> None:
        self._armed = False
        self._quiet.stop()
        self._fallback.stop()
        put_back = False
        for mode in self._modes:
            if not self._still_ours(mode):
                continue  # the agent copied something new meanwhile: theirs wins
            copy = _copy(self._saved.get(mode))
            self._writing = True
            try:
                if copy is None:
                    self._cb.clear(mode)
                else:
                    self._cb.setMimeData(copy, mode)
            finally:
                self._writing = False
            put_back = True
        self._ours, self._ours_png = "", b""
        self._saved = {}
        self._snapshot_taken = False
        events.emit("clipboard.restored", restored=put_back)
        self.restored.emit(put_back)

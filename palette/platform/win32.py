"""Windows: RegisterHotKey read through a Qt native event filter, SetForegroundWindow and SendInput.

RegisterHotKey swallows the combination system-wide (the focused program never sees it) and fails
when another program registered it first, which is reported. WM_HOTKEY arrives in the GUI thread's
message queue; Qt's event dispatcher hands every message to native event filters, so no extra
thread or window is needed (CopyQ does the same). Windows will not let a normal process send keys
to an elevated one (UIPI): such a target gets "copied, press Ctrl+V" instead of a paste that
silently goes nowhere. The pure parts (key codes, the input sequence) are tested on every OS.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from ctypes import wintypes
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication

from palette.platform.base import HotkeyError, KeyStroke, WindowRef

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WM_HOTKEY = 0x0312
HOTKEY_ID = 0x5041  # "PA"
VK_MODIFIERS = {"ctrl": 0x11, "alt": 0x12, "shift": 0x10, "super": 0x5B}
_MOD_FLAGS = {"ctrl": MOD_CONTROL, "alt": MOD_ALT, "shift": MOD_SHIFT, "super": MOD_WIN}
_VK_NAMED = {
    "space": 0x20, "enter": 0x0D, "escape": 0x1B, "insert": 0x2D, "tab": 0x09, "backspace": 0x08,
    "home": 0x24, "end": 0x23, "pageup": 0x21, "pagedown": 0x22, "left": 0x25, "up": 0x26, "right": 0x27,
    "down": 0x28, "grave": 0xC0, "minus": 0xBD, "equal": 0xBB, "semicolon": 0xBA, "comma": 0xBC,
    "period": 0xBE, "slash": 0xBF, "backslash": 0xDC, "apostrophe": 0xDE, "bracketleft": 0xDB,
    "bracketright": 0xDD,
}  # fmt: skip
_HELD_CHECK = (0x10, 0x11, 0x12, 0x5B, 0x5C, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5)
INPUT_KEYBOARD, KEYEVENTF_KEYUP, KEYEVENTF_EXTENDEDKEY = 1, 0x2, 0x1
_EXTENDED = {0x2D, 0x24, 0x23, 0x21, 0x22, 0x25, 0x26, 0x27, 0x28, 0x5B, 0x5C}


def virtual_key(name: str) -> int:
    """The Windows virtual-key code for a key name as `config.parse_key_combo` writes it."""
    if len(name) == 1 and name.isalnum():
        return ord(name.upper())
    if name.startswith("f") and name[1:].isdigit():
        return 0x70 + int(name[1:]) - 1  # VK_F1 …
    try:
        return _VK_NAMED[name]
    except KeyError:
        raise HotkeyError(f"no Windows key for {name!r}") from None


def hotkey_args(combo: str) -> tuple[int, int]:
    """(modifiers, virtual key) for RegisterHotKey; MOD_NOREPEAT so a held hotkey fires once."""
    *mods, key = combo.split("+")
    flags = MOD_NOREPEAT
    for m in mods:
        flags |= _MOD_FLAGS[m]
    return flags, virtual_key(key)


def key_sequence(combo: str) -> list[tuple[int, bool]]:
    """(virtual key, key-up?) in order: modifiers down, key down, key up, modifiers up."""
    *mods, key = combo.split("+")
    down = [VK_MODIFIERS[m] for m in mods] + [virtual_key(key)]
    return [(vk, False) for vk in down] + [(vk, True) for vk in reversed(down)]


class _KeyboardInput(ctypes.Structure):
    _fields_ = (
        ("wVk", wintypes.WORD),
        ("wScan", wintypes.WORD),
        ("dwFlags", wintypes.DWORD),
        ("time", wintypes.DWORD),
        ("dwExtraInfo", ctypes.c_size_t),
    )


class _InputUnion(ctypes.Union):
    _fields_ = (("ki", _KeyboardInput), ("padding", ctypes.c_ubyte * 32))


class _Input(ctypes.Structure):
    _fields_ = (("type", wintypes.DWORD), ("u", _InputUnion))


def _user32() -> Any:
    return ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]


def _kernel32() -> Any:
    return ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]


class _HotkeyFilter(QAbstractNativeEventFilter):
    def __init__(self, on_activate: Callable[[], None]) -> None:
        super().__init__()
        self._on_activate = on_activate

    def nativeEventFilter(
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> tuple[bool, int]:
        if QByteArray(event_type).data() == b"windows_generic_MSG":
            msg = wintypes.MSG.from_address(int(message))
            if msg.message == WM_HOTKEY and msg.wParam == HOTKEY_ID:
                self._on_activate()
                return True, 0
        return False, 0


class Win32Hotkey:
    """RegisterHotKey on the GUI thread's message queue (hwnd NULL)."""

    def __init__(self) -> None:
        self._filter: _HotkeyFilter | None = None

    def start(self, combo: str, on_activate: Callable[[], None]) -> None:
        self.stop()
        mods, vk = hotkey_args(combo)
        if not _user32().RegisterHotKey(None, HOTKEY_ID, mods, vk):
            raise HotkeyError(f"{combo} is already used by another program")
        self._filter = _HotkeyFilter(on_activate)
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._filter)

    def palette_ready(self) -> list[KeyStroke]:
        return []  # focus moves at once on Windows: nothing typed in between to replay

    def stop(self) -> None:
        if self._filter is not None:
            _user32().UnregisterHotKey(None, HOTKEY_ID)
            app = QCoreApplication.instance()
            if app is not None:
                app.removeNativeEventFilter(self._filter)
            self._filter = None


class Win32Desktop:
    name = "win32"

    def __init__(self) -> None:
        self.user32: Any = _user32()
        self.kernel32: Any = _kernel32()

    def _process_name(self, hwnd: int) -> str:
        pid = wintypes.DWORD()
        self.user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        handle = self.kernel32.OpenProcess(0x1000, False, pid.value)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ""
        try:
            size = wintypes.DWORD(1024)
            buf = ctypes.create_unicode_buffer(size.value)
            if self.kernel32.QueryFullProcessImageNameW(handle, 0, buf, ctypes.byref(size)):
                return str(buf.value).rsplit("\\", 1)[-1].lower()
            return ""
        finally:
            self.kernel32.CloseHandle(handle)

    def active_window(self) -> WindowRef | None:
        hwnd = self.user32.GetForegroundWindow()
        if not hwnd:
            return None
        cls = ctypes.create_unicode_buffer(256)
        self.user32.GetClassNameW(hwnd, cls, 256)
        return WindowRef(hwnd, hwnd, f"{self._process_name(hwnd)} {cls.value}".strip().lower())

    def activate(self, window: WindowRef) -> None:
        """SetForegroundWindow, with the input of the current foreground thread attached so it is allowed."""
        fg = self.user32.GetForegroundWindow()
        ours = self.kernel32.GetCurrentThreadId()
        theirs = self.user32.GetWindowThreadProcessId(fg, None) if fg else 0
        attached = bool(theirs and theirs != ours and self.user32.AttachThreadInput(ours, theirs, True))
        try:
            self.user32.SetForegroundWindow(window.handle)
        finally:
            if attached:
                self.user32.AttachThreadInput(ours, theirs, False)

    def is_active(self, window: WindowRef) -> bool:
        return bool(self.user32.GetForegroundWindow() == window.handle)

    def geometry(self, window: WindowRef) -> tuple[int, int, int, int] | None:
        rect = wintypes.RECT()
        if not self.user32.GetWindowRect(window.handle, ctypes.byref(rect)):
            return None
        return (rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top)

    def _held(self) -> list[int]:
        return [vk for vk in _HELD_CHECK if self.user32.GetAsyncKeyState(vk) & 0x8000]

    def modifiers_held(self) -> bool:
        return bool(self._held())

    def release_modifiers(self) -> None:
        self._send([(vk, True) for vk in self._held()])

    def send_combo(self, combo: str) -> None:
        self._send(key_sequence(combo))

    def _send(self, keys: list[tuple[int, bool]]) -> None:
        if not keys:
            return
        inputs = (_Input * len(keys))()
        for i, (vk, up) in enumerate(keys):
            flags = (KEYEVENTF_KEYUP if up else 0) | (KEYEVENTF_EXTENDEDKEY if vk in _EXTENDED else 0)
            inputs[i].type = INPUT_KEYBOARD
            inputs[i].u.ki = _KeyboardInput(vk, 0, flags, 0, 0)
        self.user32.SendInput(len(keys), inputs, ctypes.sizeof(_Input))

    def can_paste_into(self, window: WindowRef) -> bool:
        """False for an elevated target when Palette is not elevated: Windows drops our keys (UIPI)."""
        pid = wintypes.DWORD()
        self.user32.GetWindowThreadProcessId(window.handle, ctypes.byref(pid))
        return self._elevated(pid.value) is not True or self._elevated(self.kernel32.GetCurrentProcessId()) is True

    def _elevated(self, pid: int) -> bool | None:
        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
        process = self.kernel32.OpenProcess(0x1000, False, pid)
        if not process:
            return True  # we may not even query it: treat as elevated
        token = wintypes.HANDLE()
        try:
            if not advapi32.OpenProcessToken(process, 0x0008, ctypes.byref(token)):  # TOKEN_QUERY
                return None
            elevation = wintypes.DWORD()
            size = wintypes.DWORD()
            ok = advapi32.GetTokenInformation(token, 20, ctypes.byref(elevation), 4, ctypes.byref(size))
            self.kernel32.CloseHandle(token)
            return bool(elevation.value) if ok else None
        finally:
            self.kernel32.CloseHandle(process)

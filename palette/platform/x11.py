"""X11: a swallowed global hotkey (XGrabKey), focus hand-back and XTEST key injection (python-xlib).

The hotkey runs on its own thread and X connection. When it fires, it grabs the whole keyboard until
the palette has focus, so keys typed right after the hotkey reach the search box instead of the
window the agent came from. The desktop half (focus, keys) uses a second connection on the GUI thread.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from Xlib import XK, X, display, error
from Xlib.ext import xtest
from Xlib.protocol import event as xevent

from palette.platform.base import HotkeyError, KeyStroke, WindowRef

_MOD_MASKS = {"ctrl": X.ControlMask, "alt": X.Mod1Mask, "shift": X.ShiftMask, "super": X.Mod4Mask}
_MOD_KEYSYMS = {"ctrl": "Control_L", "alt": "Alt_L", "shift": "Shift_L", "super": "Super_L"}
_LOCK_INDEXES = {1, 4}  # Lock and Mod2 (NumLock) in the modifier mapping
_RELEVANT = X.ShiftMask | X.ControlMask | X.Mod1Mask | X.Mod4Mask
_KEY_NAMES = {
    "enter": "Return", "escape": "Escape", "insert": "Insert", "backspace": "BackSpace", "tab": "Tab",
    "home": "Home", "end": "End", "pageup": "Prior", "pagedown": "Next", "up": "Up", "down": "Down",
    "left": "Left", "right": "Right",
}  # fmt: skip
EARLY_KEYS_TIMEOUT_S = 1.0  # never hold the keyboard longer than this if the palette fails to show

# X keysym → Qt key for the keys worth replaying into the search box (values of Qt.Key).
_QT_SPECIAL = {
    0xFF0D: 0x01000004, 0xFF8D: 0x01000005, 0xFF1B: 0x01000000, 0xFF08: 0x01000003, 0xFF09: 0x01000001,
    0xFF52: 0x01000013, 0xFF54: 0x01000015, 0xFF51: 0x01000012, 0xFF53: 0x01000014, 0xFFFF: 0x01000007,
}  # fmt: skip


def keysym_for(name: str) -> int:
    keysym: int = XK.string_to_keysym(_KEY_NAMES.get(name, name.upper() if len(name) > 1 else name))
    if keysym == X.NoSymbol and len(name) > 1:
        keysym = XK.string_to_keysym(name)
    return keysym


def split_combo(combo: str) -> tuple[list[str], str]:
    *mods, key = combo.split("+")
    return mods, key


def keystroke_for(keysym: int) -> KeyStroke | None:
    """The Qt key (and text) for an X keysym typed while the palette opens; None for modifiers."""
    if keysym in _QT_SPECIAL:
        return KeyStroke(_QT_SPECIAL[keysym], "")
    if 0x20 <= keysym <= 0x7E or 0xA0 <= keysym <= 0xFF:
        ch = chr(keysym)
    elif keysym & 0xFF000000 == 0x01000000:
        ch = chr(keysym & 0x00FFFFFF)
    else:
        return None
    return KeyStroke(ord(ch.upper()) if ch.isascii() else 0, ch)


class X11Hotkey:
    """XGrabKey on the root window, with the Lock and NumLock variants, read on a background thread.

    The thread and `palette_ready` (GUI thread) share the hotkey's X connection under a lock: the GUI
    drains the caught keys and releases the keyboard in one step, then replays them before Qt sees any
    key typed after the release, so the order of what the agent typed is kept.
    """

    def __init__(self, display_name: str | None = None) -> None:
        self._display_name = display_name
        self._disp: Any = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = -1, -1
        self._keycode = 0
        self._mods = 0
        self._catching = False
        self._deadline = 0.0
        self._early: list[KeyStroke] = []
        self._on_activate: Callable[[], None] = lambda: None

    def start(self, combo: str, on_activate: Callable[[], None]) -> None:
        self.stop()
        try:
            disp = display.Display(self._display_name)
        except (error.DisplayError, OSError) as e:
            raise HotkeyError(f"cannot open the X display: {e}") from None
        mods, key = split_combo(combo)
        keycode = disp.keysym_to_keycode(keysym_for(key))
        if not keycode:
            disp.close()
            raise HotkeyError(f"{combo}: this keyboard has no {key!r} key")
        mask = 0
        for m in mods:
            mask |= _MOD_MASKS[m]
        root = disp.screen().root
        catch = error.CatchError(error.BadAccess)
        for extra in _lock_variants(disp):
            root.grab_key(keycode, mask | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catch)
        disp.sync()
        if catch.get_error():
            root.ungrab_key(keycode, X.AnyModifier)
            disp.close()
            raise HotkeyError(f"{combo} is already used by another program")
        self._disp, self._keycode, self._mods = disp, keycode, mask
        self._on_activate = on_activate
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="palette-hotkey", daemon=True)
        self._thread.start()

    def palette_ready(self) -> list[KeyStroke]:
        """Called on the GUI thread once the palette has focus: the keys caught so far, keyboard released."""
        if self._thread is None:
            return []
        with self._lock:
            if not self._catching:
                return []
            self._drain()
            return self._release()

    def stop(self) -> None:
        if self._thread is None:
            return
        os.write(self._wake_w, b"q")
        self._thread.join(timeout=2)
        self._thread = None
        os.close(self._wake_r)
        os.close(self._wake_w)

    # -- the hotkey thread ------------------------------------------------------------------------

    def _run(self) -> None:
        disp = self._disp
        try:
            while True:
                with self._lock:
                    self._drain()
                    if self._catching and time.monotonic() >= self._deadline:
                        self._release()  # the palette never took focus: give the keyboard back
                    timeout = max(0.0, self._deadline - time.monotonic()) if self._catching else None
                ready, _, _ = select.select([disp.fileno(), self._wake_r], [], [], timeout)
                if self._wake_r in ready and b"q" in os.read(self._wake_r, 64):
                    break
        finally:
            with self._lock:
                if self._catching:
                    disp.ungrab_keyboard(X.CurrentTime)
                disp.screen().root.ungrab_key(self._keycode, X.AnyModifier)
                disp.close()

    def _drain(self) -> None:
        """Handle every event already received (call with the lock held)."""
        disp = self._disp
        while disp.pending_events():
            ev = disp.next_event()
            if ev.type != X.KeyPress:
                continue
            if ev.detail == self._keycode and ev.state & _RELEVANT == self._mods:
                if not self._catching:
                    status = disp.screen().root.grab_keyboard(False, X.GrabModeAsync, X.GrabModeAsync, ev.time)
                    self._catching = status == X.GrabSuccess
                    self._deadline = time.monotonic() + EARLY_KEYS_TIMEOUT_S
                    self._early = []
                    self._on_activate()
                continue
            if self._catching and not ev.state & (X.ControlMask | X.Mod1Mask | X.Mod4Mask):
                shifted = 1 if ev.state & X.ShiftMask else 0
                stroke = keystroke_for(disp.keycode_to_keysym(ev.detail, shifted))
                if stroke is not None:
                    self._early.append(stroke)

    def _release(self) -> list[KeyStroke]:
        """Ungrab the keyboard and hand back what was caught (call with the lock held)."""
        self._disp.ungrab_keyboard(X.CurrentTime)
        self._disp.flush()
        self._catching = False
        early, self._early = self._early, []
        return early


def _lock_variants(disp: Any) -> list[int]:
    """A grab matches exact modifiers, so also grab with CapsLock and NumLock on."""
    numlock = 0
    nl_code = disp.keysym_to_keycode(XK.string_to_keysym("Num_Lock"))
    for index, keycodes in enumerate(disp.get_modifier_mapping()):
        if nl_code and nl_code in keycodes:
            numlock = 1 << index
    variants = [0, X.LockMask]
    if numlock:
        variants += [numlock, numlock | X.LockMask]
    return variants


class X11Desktop:
    """Focus and XTEST key injection on the GUI thread's own X connection."""

    name = "x11"

    def __init__(self, display_name: str | None = None) -> None:
        self.d = display.Display(display_name)
        if not self.d.has_extension("XTEST"):
            raise HotkeyError("the X server has no XTEST extension: cannot send the paste key")
        self.root = self.d.screen().root
        self._atom = self.d.intern_atom
        self._net_active = self._atom("_NET_ACTIVE_WINDOW")
        self._mod_codes = {m: self.d.keysym_to_keycode(XK.string_to_keysym(k)) for m, k in _MOD_KEYSYMS.items()}

    def _wm_active_window(self) -> int | None:
        """The window manager's idea of the active window, or None where there is no EWMH manager."""
        check = self.root.get_full_property(self._atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType)
        if not check or not check.value:
            return None
        prop = self.root.get_full_property(self._net_active, X.AnyPropertyType)
        if not prop or not prop.value or not prop.value[0]:
            return None
        return int(prop.value[0])

    def _toplevel(self, window: Any) -> Any:
        while True:
            tree = window.query_tree()
            if tree.parent == 0 or tree.parent.id == self.root.id:
                return window
            window = tree.parent

    def _wm_class(self, window: Any) -> str:
        """WM_CLASS of the window or, under a reparenting manager's frame, of its client child."""
        stack = [window]
        for _ in range(64):
            if not stack:
                break
            w = stack.pop(0)
            try:
                cls = w.get_wm_class()
                if cls:
                    return str(cls[1] or cls[0]).lower()
                stack.extend(w.query_tree().children)
            except error.XError:
                continue
        return ""

    def active_window(self) -> WindowRef | None:
        try:
            focus = self.d.get_input_focus().focus
            wm = self._wm_active_window()
            if isinstance(focus, int) or focus.id == self.root.id:  # None or PointerRoot
                if wm is None:
                    return None
                focus = self.d.create_resource_object("window", wm)
            top = self.d.create_resource_object("window", wm) if wm else self._toplevel(focus)
            return WindowRef(focus.id, top.id, self._wm_class(top))
        except error.XError:
            return None

    def activate(self, window: WindowRef) -> None:
        if self._wm_active_window() is not None:
            msg = xevent.ClientMessage(
                window=self.d.create_resource_object("window", window.toplevel),
                client_type=self._net_active,
                data=(32, [2, X.CurrentTime, 0, 0, 0]),  # source 2: a pager/tool acting for the user
            )
            self.root.send_event(msg, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        else:
            target = self.d.create_resource_object("window", window.handle)
            target.set_input_focus(X.RevertToParent, X.CurrentTime, onerror=error.CatchError())
        self.d.sync()

    def geometry(self, window: WindowRef) -> tuple[int, int, int, int] | None:
        try:
            win = self.d.create_resource_object("window", window.toplevel)
            geo = win.get_geometry()
            pos = win.translate_coords(self.root, 0, 0)
            return (-pos.x, -pos.y, geo.width, geo.height)
        except error.XError:
            return None

    def is_active(self, window: WindowRef) -> bool:
        focus = self.d.get_input_focus().focus
        if isinstance(focus, int):
            return False
        if focus.id in (window.handle, window.toplevel):
            return True
        try:
            return bool(self._toplevel(focus).id == window.toplevel)
        except error.XError:
            return False

    def _held_modifier_codes(self) -> list[int]:
        keymap = self.d.query_keymap()
        held: list[int] = []
        for index, keycodes in enumerate(self.d.get_modifier_mapping()):
            if index in _LOCK_INDEXES:
                continue  # CapsLock and NumLock are toggles, not keys held from the hotkey
            held.extend(code for code in keycodes if code and keymap[code // 8] & (1 << (code % 8)))
        return held

    def modifiers_held(self) -> bool:
        return bool(self._held_modifier_codes())

    def release_modifiers(self) -> None:
        for code in self._held_modifier_codes():
            xtest.fake_input(self.d, X.KeyRelease, code)
        self.d.sync()

    def send_combo(self, combo: str) -> None:
        mods, key = split_combo(combo)
        codes = [self._mod_codes[m] for m in mods]
        keycode = self.d.keysym_to_keycode(keysym_for(key))
        for code in codes:
            xtest.fake_input(self.d, X.KeyPress, code)
        xtest.fake_input(self.d, X.KeyPress, keycode)
        xtest.fake_input(self.d, X.KeyRelease, keycode)
        for code in reversed(codes):
            xtest.fake_input(self.d, X.KeyRelease, code)
        self.d.sync()

    def can_paste_into(self, window: WindowRef) -> bool:
        return True

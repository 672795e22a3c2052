"""Known settings: their defaults, bounds and parsing, and the typed `Config` every reader gets.

Settings are stored as JSON in the user database; everything that reads one goes through
`Settings.config()`, so a missing or unusable stored value always falls back to the same default and
no caller converts a value by hand. Each key declares its parser and bounds once, in `KEYS`; the
settings window takes its ranges from there.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Generic, TypeVar

from palette.core.guard import GuardMode
from palette.core.model import SendMode
from palette.core.sending import SendRules
from palette.core.store import Store

__all__ = [
    "DEFAULT_PASTE_RULES",
    "DEFAULT_SEND_RULES",
    "DEFAULT_TEXT_ONLY",
    "KEYS",
    "Config",
    "ConfigError",
    "GuardMode",
    "IntRange",
    "Key",
    "Language",
    "Settings",
    "bounds",
    "parse_hotkey",
    "parse_key_combo",
    "paste_key_for",
]


class Language(StrEnum):
    """The interface languages there are translations for."""

    ZH = "zh"
    EN = "en"


class ConfigError(ValueError):
    """A setting value that cannot be used; the message names the key and what is wrong."""


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in {"1", "true", "yes", "on", "是", "开"}:
        return True
    if t in {"0", "false", "no", "off", "否", "关"}:
        return False
    raise ConfigError("expected on or off")


@dataclass(frozen=True)
class IntRange:
    """The whole numbers a setting accepts: its parser, and the range a spin box offers."""

    lo: int
    hi: int

    def parse(self, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ConfigError(f"expected a whole number from {self.lo} to {self.hi}") from None
        return self.check(value)

    def check(self, value: int) -> int:
        if not self.lo <= value <= self.hi:
            raise ConfigError(f"expected a whole number from {self.lo} to {self.hi}")
        return value


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E]) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return enum(text.strip().lower())
        except ValueError:
            raise ConfigError(f"expected one of {', '.join(enum)}") from None

    return parse


_MODIFIERS = {"ctrl", "alt", "shift", "super"}
_KEY = re.compile(
    r"^(?:[a-z0-9]|f(?:[1-9]|1[0-9]|2[0-4])|space|tab|enter|return|insert|backspace|"
    r"escape|home|end|pageup|pagedown|up|down|left|right|grave|minus|equal|"
    r"semicolon|comma|period|slash|backslash|apostrophe|bracketleft|bracketright)$"
)


def parse_key_combo(text: str) -> str:
    """Normalise `Ctrl + Alt + Space` to `ctrl+alt+space`: modifiers in a fixed order, then one key."""
    parts = [p.strip().lower() for p in text.replace(" ", "").split("+")]
    if not parts or not all(parts):
        raise ConfigError("expected a combination such as ctrl+alt+space")
    aliases = {
        "control": "ctrl",
        "meta": "super",
        "win": "super",
        "cmd": "super",
        "option": "alt",
        "esc": "escape",
        "ins": "insert",
        "return": "enter",
    }
    parts = [aliases.get(p, p) for p in parts]
    *mods, key = parts
    bad = [m for m in mods if m not in _MODIFIERS]
    if bad:
        raise ConfigError(f"unknown modifier {bad[0]!r} (use ctrl, alt, shift, super)")
    if key in _MODIFIERS or not _KEY.match(key):
        raise ConfigError(f"unknown key {key!r}")
    order = ["ctrl", "alt", "shift", "super"]
    return "+".join([m for m in order if m in mods] + [key])


def parse_hotkey(text: str) -> str:
    """A key combination that can serve as the global hotkey."""
    combo = parse_key_combo(text)
    mods = combo.split("+")[:-1]
    if not mods or mods == ["shift"]:
        raise ConfigError("a global hotkey needs ctrl, alt or super, or it would swallow normal typing")
    if combo in {"ctrl+space", "ctrl+shift", "shift+space"}:
        raise ConfigError(f"{combo} is taken by Chinese input methods; try ctrl+alt+space")
    return combo


PasteRules = tuple[tuple[str, str], ...]


def _paste_rules(text: str) -> PasteRules:
    """`xterm=shift+insert;konsole=ctrl+shift+v`: window-class substring → paste key."""
    rules: list[tuple[str, str]] = []
    for item in filter(None, (s.strip() for s in text.split(";"))):
        if "=" not in item:
            raise ConfigError(f"rule {item!r} should be WINDOW_CLASS=KEYS")
        cls, keys = item.split("=", 1)
        if not cls.strip():
            raise ConfigError(f"rule {item!r} has an empty window class")
        rules.append((cls.strip().lower(), parse_key_combo(keys)))
    return tuple(rules)


def _send_rules(text: str) -> SendRules:
    """`wechat=ctrl+enter;xterm=never`: window-class substring → send mode."""
    rules: list[tuple[str, SendMode]] = []
    send = _choice(SendMode)
    for item in filter(None, (s.strip() for s in text.split(";"))):
        cls, eq, mode = item.partition("=")
        if not eq or not cls.strip():
            raise ConfigError(f"rule {item!r} should be WINDOW_CLASS=never|enter|ctrl+enter")
        try:
            rules.append((cls.strip().lower(), send(mode.replace(" ", ""))))
        except ConfigError as e:
            raise ConfigError(f"rule {item!r}: {e}") from None
    return tuple(rules)


def _classes(text: str) -> tuple[str, ...]:
    """`xterm;konsole`: window-class substrings."""
    return tuple(c.strip().lower() for c in text.split(";") if c.strip())


def _aliases(text: str) -> Mapping[str, str]:
    """`员工号=工号;姓名=客户姓名`: names a team library uses → the names Palette knows."""
    table: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        if "=" not in item:
            raise ConfigError(f"alias {item!r} should be NAME=KNOWN_NAME")
        a, b = (x.strip() for x in item.split("=", 1))
        if not a or not b:
            raise ConfigError(f"alias {item!r} has an empty side")
        table[a] = b
    return table


def _positions(text: str) -> Mapping[str, tuple[int, int]]:
    """`DP-1=1200,80;HDMI-1=40,40`: screen name → where the agent dragged the palette on it, relative to
    the screen's top-left."""
    table: dict[str, tuple[int, int]] = {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        name, _, xy = item.rpartition("=")
        parts = xy.split(",")
        if not name.strip() or len(parts) != 2 or not all(p.strip().lstrip("-").isdigit() for p in parts):
            raise ConfigError(f"position {item!r} should be SCREEN=X,Y")
        table[name.strip()] = (int(parts[0]), int(parts[1]))
    return table


T = TypeVar("T", covariant=True)
U = TypeVar("U")


@dataclass(frozen=True)
class Key(Generic[T]):
    """One setting: its default, the parser for what a user types, the check of what is stored."""

    name: str
    default: T
    parse: Callable[[str], T]  # `palette config set` and the settings window's text
    load: Callable[[object], T]  # a stored JSON value; ConfigError if it cannot be used
    help: str
    bounds: IntRange | None = None


def _text_loader(parse: Callable[[str], T]) -> Callable[[object], T]:
    def load(value: object) -> T:
        if not isinstance(value, str):
            raise ConfigError("expected text")
        return parse(value)

    return load


def _load_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError("expected true or false")
    return value


def _int_key(name: str, default: int, bounds: IntRange, help: str) -> Key[int]:
    def load(value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError("expected a whole number")
        return bounds.check(value)

    return Key(name, default, bounds.parse, load, help, bounds)


def _load_rules(value: object) -> PasteRules:
    if not isinstance(value, list) or not all(
        isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r) for r in value
    ):
        raise ConfigError("expected a list of [WINDOW_CLASS, KEYS]")
    return tuple((str(cls), str(keys)) for cls, keys in value)


def _load_send_rules(value: object) -> SendRules:
    if not isinstance(value, list) or not all(
        isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r) for r in value
    ):
        raise ConfigError("expected a list of [WINDOW_CLASS, MODE]")
    return _send_rules(";".join(f"{cls}={mode}" for cls, mode in value))


def _load_classes(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(c, str) and ";" not in c for c in value):
        raise ConfigError("expected a list of window classes")
    return _classes(";".join(value))


def _load_aliases(value: object) -> Mapping[str, str]:
    if not isinstance(value, dict) or not all(isinstance(a, str) and isinstance(b, str) for a, b in value.items()):
        raise ConfigError("expected an object of NAME: KNOWN_NAME")
    return {str(a): str(b) for a, b in value.items()}


def _load_positions(value: object) -> Mapping[str, tuple[int, int]]:
    table: dict[str, tuple[int, int]] = {}
    if not isinstance(value, dict):
        raise ConfigError("expected an object of SCREEN: [X, Y]")
    for name, xy in value.items():
        if not isinstance(xy, list) or len(xy) != 2 or not all(type(c) is int for c in xy):
            raise ConfigError(f"position of {name!r} should be [X, Y]")
        table[str(name)] = (int(xy[0]), int(xy[1]))
    return table


DEFAULT_PASTE_RULES: PasteRules = (
    ("xterm", "shift+insert"),
    ("urxvt", "shift+insert"),
    ("gnome-terminal", "ctrl+shift+v"),
    ("konsole", "ctrl+shift+v"),
    ("xfce4-terminal", "ctrl+shift+v"),
    ("tilix", "ctrl+shift+v"),
    ("alacritty", "ctrl+shift+v"),
    ("kitty", "ctrl+shift+v"),
    ("terminator", "ctrl+shift+v"),
)

_TERMINALS = tuple(cls for cls, _ in DEFAULT_PASTE_RULES)
DEFAULT_SEND_RULES: SendRules = tuple((cls, SendMode.NEVER) for cls in _TERMINALS)  # Enter would run it
DEFAULT_TEXT_ONLY: tuple[str, ...] = _TERMINALS

_HOTKEY = Key(
    "hotkey", "ctrl+alt+space", parse_hotkey, _text_loader(parse_hotkey), "global hotkey that opens the palette"
)
_PASTE_KEY = Key(
    "paste_key",
    "super+v" if sys.platform == "darwin" else "ctrl+v",
    parse_key_combo,
    _text_loader(parse_key_combo),
    "key sent to paste into the previous window",
)
_PASTE_RULES = Key(
    "paste_rules", DEFAULT_PASTE_RULES, _paste_rules, _load_rules, "per window class paste keys: CLASS=KEYS;..."
)
_RESTORE_CLIPBOARD = Key(
    "restore_clipboard", True, _bool, _load_bool, "put the agent's own clipboard back after pasting"
)
_RESTORE_DELAY_MS = _int_key("restore_delay_ms", 200, IntRange(50, 5000), "quiet time after the last clipboard read")
_SEND_RULES = Key(
    "send_rules",
    DEFAULT_SEND_RULES,
    _send_rules,
    _load_send_rules,
    "per window class send modes, after the phrase's own: CLASS=never|enter|ctrl+enter;...",
)
_SEND_GAP_MS = _int_key("send_gap_ms", 300, IntRange(50, 5000), "pause between the messages of one phrase")
_TEXT_ONLY_WINDOWS = Key(
    "text_only_windows",
    DEFAULT_TEXT_ONLY,
    _classes,
    _load_classes,
    "window classes that take no pictures (they get the text and a notice): CLASS;...",
)
_GUARD_MODE = Key(
    "guard_mode",
    GuardMode.WARN,
    _choice(GuardMode),
    _text_loader(_choice(GuardMode)),
    "what a 禁语 in the final text does",
)
_NORMALIZE_PUNCTUATION = Key(
    "normalize_punctuation",
    True,
    _bool,
    _load_bool,
    "paste full-width ，？！：；（）…… where half-width ones stand in Chinese text",
)
_IDLE_MINUTES = _int_key("idle_minutes", 30, IntRange(1, 24 * 60), "forget conversation values after this idle time")
_LANGUAGE = Key("language", Language.ZH, _choice(Language), _text_loader(_choice(Language)), "interface language")
_AUTOSTART = Key("autostart", False, _bool, _load_bool, "start Palette when the agent logs in")
_PLACEHOLDER_ALIASES: Key[Mapping[str, str]] = Key(
    "placeholder_aliases",
    {
        "员工号": "工号",
        "工作号": "工号",
        "客服工号": "工号",
        "公司": "公司名称",
        "公司名": "公司名称",
        "姓名": "坐席姓名",
        "客服姓名": "坐席姓名",
        "热线号码": "热线",
        "服务热线": "热线",
    },
    _aliases,
    _load_aliases,
    "other names for placeholders: NAME=KNOWN;...",
)
_PALETTE_POSITIONS: Key[Mapping[str, tuple[int, int]]] = Key(
    "palette_positions",
    {},
    _positions,
    _load_positions,
    "palette position per screen when not beside the window: SCREEN=X,Y;...",
)
_SUBSCRIBE_MINUTES = _int_key(
    "subscribe_minutes", 15, IntRange(1, 24 * 60), "how often subscribed team libraries are checked"
)
_FIRST_RUN_DONE = Key(
    "first_run_done", False, _bool, _load_bool, "the first-start step (公司名称, 工号, 坐席姓名) was done or skipped"
)


def _folder(text: str) -> str:
    """A folder path as typed (a share such as //server/team/reports or a local path); "" for none."""
    folder = text.strip()
    if "\0" in folder or "\n" in folder:
        raise ConfigError("expected a folder path on one line")
    return folder


_REPORT_DIR = Key(
    "report_dir", "", _folder, _text_loader(_folder), "folder for the daily usage report the lead merges (empty: none)"
)
_REPORT_MINUTES = _int_key(
    "report_minutes", 30, IntRange(5, 24 * 60), "how often the running app rewrites today's usage report"
)
_REPORT_ANONYMOUS = Key(
    "report_anonymous", False, _bool, _load_bool, "name the usage report by a random id instead of the 工号"
)

KEYS: Mapping[str, Key[object]] = {
    k.name: k
    for k in (
        _HOTKEY,
        _PASTE_KEY,
        _PASTE_RULES,
        _RESTORE_CLIPBOARD,
        _RESTORE_DELAY_MS,
        _SEND_RULES,
        _SEND_GAP_MS,
        _TEXT_ONLY_WINDOWS,
        _GUARD_MODE,
        _NORMALIZE_PUNCTUATION,
        _IDLE_MINUTES,
        _LANGUAGE,
        _AUTOSTART,
        _PLACEHOLDER_ALIASES,
        _PALETTE_POSITIONS,
        _SUBSCRIBE_MINUTES,
        _FIRST_RUN_DONE,
        _REPORT_DIR,
        _REPORT_MINUTES,
        _REPORT_ANONYMOUS,
    )
}


@dataclass(frozen=True)
class Config:
    """Every setting, typed, with the default wherever nothing usable is stored; same names as KEYS."""

    hotkey: str
    paste_key: str
    paste_rules: PasteRules
    restore_clipboard: bool
    restore_delay_ms: int
    send_rules: SendRules
    send_gap_ms: int
    text_only_windows: tuple[str, ...]
    guard_mode: GuardMode
    normalize_punctuation: bool
    idle_minutes: int
    language: Language
    autostart: bool
    placeholder_aliases: Mapping[str, str]
    palette_positions: Mapping[str, tuple[int, int]]
    subscribe_minutes: int
    first_run_done: bool
    report_dir: str
    report_minutes: int
    report_anonymous: bool

    def as_json(self) -> dict[str, object]:
        """Key → value as stored and as `palette config show` prints it, in KEYS order."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value: object) -> object:
    """The JSON shape of a value: tuples and sequences as lists, mappings as objects."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def bounds(key: str) -> IntRange:
    """The range a whole-number setting accepts, for the widget that edits it."""
    found = KEYS[key].bounds
    if found is None:
        raise KeyError(f"{key} is not a whole-number setting")
    return found


class Settings:
    """Typed access to the stored settings, with defaults for anything never set."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def config(self) -> Config:
        """The current settings; a stored value that no longer parses reads as its default."""
        stored = self._store.settings()

        def read(key: Key[U]) -> U:
            if key.name not in stored:
                return key.default
            try:
                return key.load(stored[key.name])
            except ConfigError:
                return key.default

        return Config(
            hotkey=read(_HOTKEY),
            paste_key=read(_PASTE_KEY),
            paste_rules=read(_PASTE_RULES),
            restore_clipboard=read(_RESTORE_CLIPBOARD),
            restore_delay_ms=read(_RESTORE_DELAY_MS),
            send_rules=read(_SEND_RULES),
            send_gap_ms=read(_SEND_GAP_MS),
            text_only_windows=read(_TEXT_ONLY_WINDOWS),
            guard_mode=read(_GUARD_MODE),
            normalize_punctuation=read(_NORMALIZE_PUNCTUATION),
            idle_minutes=read(_IDLE_MINUTES),
            language=read(_LANGUAGE),
            autostart=read(_AUTOSTART),
            placeholder_aliases=read(_PLACEHOLDER_ALIASES),
            palette_positions=read(_PALETTE_POSITIONS),
            subscribe_minutes=read(_SUBSCRIBE_MINUTES),
            first_run_done=read(_FIRST_RUN_DONE),
            report_dir=read(_REPORT_DIR),
            report_minutes=read(_REPORT_MINUTES),
            report_anonymous=read(_REPORT_ANONYMOUS),
        )

    def set_text(self, key: str, text: str) -> None:
        """Parse the user's text for `key` and store it."""
        spec = self._key(key)
        try:
            value = spec.parse(text)
        except ConfigError as e:
            raise ConfigError(f"{key}: {e}") from None
        self._store.set_setting(key, _plain(value))

    def set(self, key: str, value: object) -> None:
        """Store a value the program chose (a checkbox, a dragged position); it must be one `key` accepts."""
        spec = self._key(key)
        plain = _plain(value)
        try:
            spec.load(plain)
        except ConfigError as e:
            raise ConfigError(f"{key}: {e}") from None
        self._store.set_setting(key, plain)

    @staticmethod
    def _key(key: str) -> Key[object]:
        if key not in KEYS:
            raise ConfigError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
        return KEYS[key]


def paste_key_for(wm_class: str, rules: Sequence[tuple[str, str]], default: str) -> str:
    """The paste key for a window: the first rule whose class appears in the window's class wins."""
    cls = wm_class.lower()
    for pattern, combo in rules:
        if pattern and pattern in cls:
            return combo
    return default

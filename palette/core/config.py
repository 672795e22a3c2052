"""Known settings: their defaults, and parsing of the text a user types on `palette config set`.

Settings are stored as JSON in the user database; everything that reads one goes through
`Settings`, so a missing key always falls back to the same default.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from palette.core.store import Store


class ConfigError(ValueError):
    """A setting value that cannot be used; the message names the key and what is wrong."""


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in {"1", "true", "yes", "on", "是", "开"}:
        return True
    if t in {"0", "false", "no", "off", "否", "关"}:
        return False
    raise ConfigError("expected on or off")


def _int_between(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ConfigError(f"expected a whole number from {lo} to {hi}") from None
        if not lo <= value <= hi:
            raise ConfigError(f"expected a whole number from {lo} to {hi}")
        return value

    return parse


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        t = text.strip().lower()
        if t not in choices:
            raise ConfigError(f"expected one of {', '.join(choices)}")
        return t

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


def _hotkey(text: str) -> str:
    combo = parse_key_combo(text)
    mods = combo.split("+")[:-1]
    if not mods or mods == ["shift"]:
        raise ConfigError("a global hotkey needs ctrl, alt or super, or it would swallow normal typing")
    if combo in {"ctrl+space", "ctrl+shift", "shift+space"}:
        raise ConfigError(f"{combo} is taken by Chinese input methods; try ctrl+alt+space")
    return combo


def _paste_rules(text: str) -> list[list[str]]:
    """`xterm=shift+insert;konsole=ctrl+shift+v`: window-class substring → paste key."""
    rules: list[list[str]] = []
    for item in filter(None, (s.strip() for s in text.split(";"))):
        if "=" not in item:
            raise ConfigError(f"rule {item!r} should be WINDOW_CLASS=KEYS")
        cls, keys = item.split("=", 1)
        if not cls.strip():
            raise ConfigError(f"rule {item!r} has an empty window class")
        rules.append([cls.strip().lower(), parse_key_combo(keys)])
    return rules


def _aliases(text: str) -> dict[str, str]:
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


def _positions(text: str) -> dict[str, list[int]]:
    """`DP-1=1200,80;HDMI-1=40,40`: screen name → where the agent dragged the palette on it, relative to
    the screen's top-left."""
    table: dict[str, list[int]] = {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        name, _, xy = item.rpartition("=")
        parts = xy.split(",")
        if not name.strip() or len(parts) != 2 or not all(p.strip().lstrip("-").isdigit() for p in parts):
            raise ConfigError(f"position {item!r} should be SCREEN=X,Y")
        table[name.strip()] = [int(p) for p in parts]
    return table


@dataclass(frozen=True)
class Key:
    default: Any
    parse: Callable[[str], Any]
    help: str


DEFAULT_PASTE_RULES = [
    ["xterm", "shift+insert"],
    ["urxvt", "shift+insert"],
    ["gnome-terminal", "ctrl+shift+v"],
    ["konsole", "ctrl+shift+v"],
    ["xfce4-terminal", "ctrl+shift+v"],
    ["tilix", "ctrl+shift+v"],
    ["alacritty", "ctrl+shift+v"],
    ["kitty", "ctrl+shift+v"],
    ["terminator", "ctrl+shift+v"],
]

KEYS: Mapping[str, Key] = {
    "hotkey": Key("ctrl+alt+space", _hotkey, "global hotkey that opens the palette"),
    "paste_key": Key(
        "super+v" if sys.platform == "darwin" else "ctrl+v",
        parse_key_combo,
        "key sent to paste into the previous window",
    ),
    "paste_rules": Key(DEFAULT_PASTE_RULES, _paste_rules, "per window class paste keys: CLASS=KEYS;..."),
    "restore_clipboard": Key(True, _bool, "put the agent's own clipboard back after pasting"),
    "restore_delay_ms": Key(200, _int_between(50, 5000), "quiet time after the last clipboard read"),
    "guard_mode": Key("warn", _choice("warn", "block", "off"), "what a 禁语 in the final text does"),
    "normalize_punctuation": Key(
        True, _bool, "paste full-width ，？！：；（）…… where half-width ones stand in Chinese text"
    ),
    "idle_minutes": Key(30, _int_between(1, 24 * 60), "forget conversation values after this idle time"),
    "language": Key("zh", _choice("zh", "en"), "interface language"),
    "autostart": Key(False, _bool, "start Palette when the agent logs in"),
    "placeholder_aliases": Key(
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
        "other names for placeholders: NAME=KNOWN;...",
    ),
    "palette_positions": Key({}, _positions, "palette position per screen when not beside the window: SCREEN=X,Y;..."),
    "subscribe_minutes": Key(15, _int_between(1, 24 * 60), "how often subscribed team libraries are checked"),
    "first_run_done": Key(False, _bool, "the first-start step (公司名称, 工号, 坐席姓名) was done or skipped"),
}


class Settings:
    """Typed access to the stored settings, with defaults for anything never set."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> Any:
        if key not in KEYS:
            raise ConfigError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
        return self._store.settings().get(key, KEYS[key].default)

    def all(self) -> dict[str, Any]:
        stored = self._store.settings()
        return {k: stored.get(k, spec.default) for k, spec in KEYS.items()}

    def set_text(self, key: str, text: str) -> Any:
        """Parse the user's text for `key` and store it; returns the stored value."""
        if key not in KEYS:
            raise ConfigError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
        try:
            value = KEYS[key].parse(text)
        except ConfigError as e:
            raise ConfigError(f"{key}: {e}") from None
        self._store.set_setting(key, value)
        return value

    def set(self, key: str, value: Any) -> None:
        if key not in KEYS:
            raise ConfigError(f"unknown setting {key!r}")
        self._store.set_setting(key, value)


def paste_key_for(wm_class: str, rules: list[list[str]], default: str) -> str:
    """The paste key for a window: the first rule whose class appears in the window's class wins."""
    cls = wm_class.lower()
    for pattern, combo in rules:
        if pattern and pattern in cls:
            return combo
    return default

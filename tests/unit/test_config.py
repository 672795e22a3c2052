"""What each setting accepts, from typed text and from the database, and what `Config` reads back."""

from __future__ import annotations

import dataclasses

import pytest

from palette.core.config import (
    DEFAULT_PASTE_RULES,
    KEYS,
    Config,
    ConfigError,
    GuardMode,
    IntRange,
    Language,
    Settings,
    bounds,
)
from palette.core.model import SendMode
from palette.core.store import Store

# key, text typed on `palette config set`, the Config value it gives
ACCEPTED: list[tuple[str, str, object]] = [
    ("hotkey", "Ctrl + Alt + J", "ctrl+alt+j"),
    ("hotkey", "super+f12", "super+f12"),
    ("paste_key", "shift+insert", "shift+insert"),
    ("paste_key", "Cmd+V", "super+v"),
    ("paste_rules", "XTerm=shift+insert;", (("xterm", "shift+insert"),)),
    ("paste_rules", "", ()),
    ("restore_clipboard", "是", True),
    ("restore_clipboard", "OFF", False),
    ("restore_delay_ms", "50", 50),
    ("restore_delay_ms", " 5000 ", 5000),
    ("send_rules", "WeChat = Ctrl + Enter; crm=enter", (("wechat", SendMode.CTRL_ENTER), ("crm", SendMode.ENTER))),
    ("send_rules", "", ()),
    ("send_gap_ms", "50", 50),
    ("send_gap_ms", "5000", 5000),
    ("text_only_windows", "XTerm; konsole;", ("xterm", "konsole")),
    ("guard_mode", "Block", GuardMode.BLOCK),
    ("guard_mode", "off", GuardMode.OFF),
    ("normalize_punctuation", "no", False),
    ("idle_minutes", "1", 1),
    ("idle_minutes", "1440", 1440),
    ("language", "EN", Language.EN),
    ("autostart", "yes", True),
    ("placeholder_aliases", "员工号=工号; 姓名 = 坐席姓名", {"员工号": "工号", "姓名": "坐席姓名"}),
    ("palette_positions", "DP-1=1200,80;HDMI-1=-40,40", {"DP-1": (1200, 80), "HDMI-1": (-40, 40)}),
    ("subscribe_minutes", "60", 60),
    ("first_run_done", "true", True),
    ("report_dir", " //fs01/客服/reports ", "//fs01/客服/reports"),
    ("report_minutes", "5", 5),
    ("report_anonymous", "on", True),
]

# key, text, words the refusal names
REFUSED: list[tuple[str, str, str]] = [
    ("hotkey", "j", "needs ctrl, alt or super"),
    ("hotkey", "ctrl+space", "Chinese input methods"),
    ("hotkey", "hyper+j", "unknown modifier"),
    ("paste_key", "ctrl+", "expected a combination"),
    ("paste_rules", "xterm", "WINDOW_CLASS=KEYS"),
    ("paste_rules", "=ctrl+v", "empty window class"),
    ("restore_clipboard", "maybe", "on or off"),
    ("restore_delay_ms", "49", "from 50 to 5000"),
    ("restore_delay_ms", "5001", "from 50 to 5000"),
    ("restore_delay_ms", "2.5", "whole number"),
    ("send_rules", "crm", "WINDOW_CLASS=never"),
    ("send_rules", "crm=space", "never, enter, ctrl\\+enter"),
    ("send_rules", "=enter", "WINDOW_CLASS=never"),
    ("send_gap_ms", "49", "from 50 to 5000"),
    ("send_gap_ms", "5001", "from 50 to 5000"),
    ("guard_mode", "loud", "warn, block, off"),
    ("idle_minutes", "0", "from 1 to 1440"),
    ("idle_minutes", "1441", "from 1 to 1440"),
    ("language", "fr", "zh, en"),
    ("placeholder_aliases", "员工号=", "empty side"),
    ("palette_positions", "DP-1=12", "SCREEN=X,Y"),
    ("subscribe_minutes", "0", "from 1 to 1440"),
    ("report_dir", "a\nb", "one line"),
    ("report_minutes", "4", "from 5 to 1440"),
]

# key, a stored JSON value no key accepts: it reads as the default
UNUSABLE: list[tuple[str, object]] = [
    ("hotkey", 5),
    ("hotkey", "j"),
    ("paste_rules", [["xterm"]]),
    ("restore_clipboard", "yes"),
    ("restore_delay_ms", 10),
    ("restore_delay_ms", True),
    ("send_rules", [["crm", "space"]]),
    ("send_rules", [["crm"]]),
    ("send_gap_ms", 10),
    ("text_only_windows", "xterm"),
    ("text_only_windows", ["a;b"]),
    ("guard_mode", "loud"),
    ("idle_minutes", "30"),
    ("language", "fr"),
    ("placeholder_aliases", {"员工号": 1}),
    ("palette_positions", {"DP-1": [1, 2, 3]}),
    ("first_run_done", 1),
    ("report_dir", ["x"]),
    ("report_minutes", 0),
]


@pytest.mark.parametrize(("key", "text", "value"), ACCEPTED)
def test_typed_text_is_stored_and_read_back_typed(store: Store, key: str, text: str, value: object) -> None:
    settings = Settings(store)
    settings.set_text(key, text)
    assert getattr(settings.config(), key) == value
    assert type(getattr(settings.config(), key)) is type(value)


@pytest.mark.parametrize(("key", "text", "words"), REFUSED)
def test_bad_text_is_refused_naming_the_key_and_nothing_is_stored(
    store: Store, key: str, text: str, words: str
) -> None:
    with pytest.raises(ConfigError, match=rf"^{key}: .*{words}"):
        Settings(store).set_text(key, text)
    assert key not in store.settings()


@pytest.mark.parametrize(("key", "stored"), UNUSABLE)
def test_an_unusable_stored_value_reads_as_the_default(store: Store, key: str, stored: object) -> None:
    store.set_setting(key, stored)
    assert getattr(Settings(store).config(), key) == KEYS[key].default


@pytest.mark.parametrize(("key", "stored"), UNUSABLE)
def test_a_program_cannot_store_what_the_key_refuses(store: Store, key: str, stored: object) -> None:
    with pytest.raises(ConfigError, match=rf"^{key}: "):
        Settings(store).set(key, stored)
    assert key not in store.settings()


def test_every_key_is_a_config_field_in_the_same_order() -> None:
    assert [f.name for f in dataclasses.fields(Config)] == list(KEYS)


def test_nothing_stored_reads_as_the_defaults_and_shows_as_json(store: Store) -> None:
    config = Settings(store).config()
    assert config.guard_mode is GuardMode.WARN and config.language is Language.ZH
    assert config.paste_rules == DEFAULT_PASTE_RULES
    shown = config.as_json()
    assert list(shown) == list(KEYS)
    assert shown["paste_rules"] == [list(r) for r in DEFAULT_PASTE_RULES]
    assert shown["guard_mode"] == "warn" and shown["palette_positions"] == {}
    assert config.send_gap_ms == 300
    assert ("xterm", SendMode.NEVER) in config.send_rules  # Enter in a terminal would run the text
    assert shown["send_rules"] == [[cls, "never"] for cls, _ in DEFAULT_PASTE_RULES]


def test_a_set_value_is_stored_in_its_json_shape(store: Store) -> None:
    Settings(store).set("palette_positions", {"DP-1": (3, 4)})
    Settings(store).set_text("paste_rules", "kitty=ctrl+shift+v")
    assert store.settings()["palette_positions"] == {"DP-1": [3, 4]}
    assert store.settings()["paste_rules"] == [["kitty", "ctrl+shift+v"]]


@pytest.mark.parametrize(
    ("key", "lo", "hi"),
    [
        ("restore_delay_ms", 50, 5000),
        ("send_gap_ms", 50, 5000),
        ("idle_minutes", 1, 24 * 60),
        ("subscribe_minutes", 1, 24 * 60),
        ("report_minutes", 5, 24 * 60),
    ],
)
def test_whole_number_keys_declare_their_bounds(key: str, lo: int, hi: int) -> None:
    assert bounds(key) == IntRange(lo, hi)
    assert KEYS[key].parse(str(lo)) == lo and KEYS[key].parse(str(hi)) == hi
    for outside in (lo - 1, hi + 1):
        with pytest.raises(ConfigError):
            KEYS[key].parse(str(outside))


def test_only_whole_number_keys_have_bounds() -> None:
    whole = {"restore_delay_ms", "send_gap_ms", "idle_minutes", "subscribe_minutes", "report_minutes"}
    assert {k for k, spec in KEYS.items() if spec.bounds} == whole
    with pytest.raises(KeyError):
        bounds("hotkey")


def test_an_unknown_key_is_refused_naming_the_known_ones(store: Store) -> None:
    with pytest.raises(ConfigError, match=r"unknown setting 'colour'.*hotkey"):
        Settings(store).set_text("colour", "red")

"""开机启动: the XDG autostart file for real in a temporary HOME; the LaunchAgent file and the Windows Run
key by their logic (the plist is written to a temporary HOME too; the registry is a stand-in)."""

from __future__ import annotations

import configparser
import plistlib
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from palette.platform.autostart import (
    LAUNCH_AGENT_LABEL,
    RUN_KEY,
    RUN_VALUE,
    Autostart,
    AutostartError,
    desktop_exec,
    launch_command,
)


class CaseSensitiveParser(configparser.ConfigParser):
    """A .desktop file's keys are case-sensitive; ConfigParser lower-cases them by default."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def read_desktop(path: Path) -> dict[str, str]:
    parser = CaseSensitiveParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def exec_args(value: str) -> list[str]:
    """Undo the string-value escape, then split as a desktop does (POSIX-shell-like double quotes)."""
    return shlex.split(value.replace("\\\\", "\\"))


def test_linux_entry_is_written_in_xdg_config_home_and_removed(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    command = ["/opt/palette/venv/bin/python", "-m", "palette"]
    auto = Autostart(system="linux", env=env, home=tmp_path, command=command)
    entry = tmp_path / "config" / "autostart" / "palette.desktop"
    assert not auto.is_enabled()

    auto.set_enabled(True)
    assert auto.is_enabled() and auto.location == str(entry)
    fields = read_desktop(entry)
    assert fields["Type"] == "Application" and fields["Terminal"] == "false"
    assert fields["Name[zh_CN]"] == "快捷话术板"
    assert exec_args(fields["Exec"]) == command
    assert Path(fields["Icon"]).is_file()
    assert list(entry.parent.iterdir()) == [entry]  # no temporary file left behind

    auto.set_enabled(False)
    assert not entry.exists() and not auto.is_enabled()
    auto.set_enabled(False)  # already off: nothing to do, no error


def test_linux_default_is_dot_config_and_carries_palette_home(tmp_path: Path) -> None:
    home = tmp_path / "agent"
    env = {"XDG_CONFIG_HOME": "relative/ignored", "PALETTE_HOME": str(tmp_path / "portable data")}
    auto = Autostart(system="linux", env=env, home=home, command=["/usr/bin/palette"])
    auto.set_enabled(True)
    fields = read_desktop(home / ".config" / "autostart" / "palette.desktop")
    assert exec_args(fields["Exec"]) == ["env", f"PALETTE_HOME={tmp_path / 'portable data'}", "/usr/bin/palette"]


def test_the_written_exec_line_starts_the_command(tmp_path: Path) -> None:
    """What a desktop would run: the Exec line, unescaped and split, runs this Python with its arguments."""
    marker = tmp_path / "it ran"
    script = f"open({str(marker)!r}, 'w').write('yes')"
    auto = Autostart(system="linux", env={}, home=tmp_path, command=["python3", "-c", script])
    auto.set_enabled(True)
    args = exec_args(read_desktop(tmp_path / ".config" / "autostart" / "palette.desktop")["Exec"])
    subprocess.run(args, check=True, timeout=30)
    assert marker.read_text() == "yes"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["/usr/bin/palette"], "/usr/bin/palette"),
        (["/opt/my apps/python", "-m", "palette"], '"/opt/my apps/python" -m palette'),
        (["/home/a/$HOME/py"], '"/home/a/\\\\$HOME/py"'),
        (["C:\\py"], '"C:\\\\\\\\py"'),
        (["/tmp/100%/py"], "/tmp/100%%/py"),
        ([""], '""'),
    ],
)
def test_desktop_exec_quoting(args: list[str], line: str) -> None:
    assert desktop_exec(args) == line


def test_unwritable_place_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "autostart").write_text("not a folder")
    auto = Autostart(system="linux", env={"XDG_CONFIG_HOME": str(tmp_path / "config")}, home=tmp_path)
    with pytest.raises(AutostartError, match=r"autostart/palette\.desktop: cannot write the autostart entry"):
        auto.set_enabled(True)


def test_macos_launch_agent(tmp_path: Path) -> None:
    command = ["/Applications/Palette.app/Contents/MacOS/Palette"]
    auto = Autostart(system="darwin", env={"PALETTE_HOME": "/Users/a/p"}, home=tmp_path, command=command)
    auto.set_enabled(True)
    path = tmp_path / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
    plist = plistlib.loads(path.read_bytes())
    assert plist["Label"] == LAUNCH_AGENT_LABEL and plist["ProgramArguments"] == command
    assert plist["RunAtLoad"] is True and plist["EnvironmentVariables"] == {"PALETTE_HOME": "/Users/a/p"}
    assert auto.is_enabled()
    auto.set_enabled(False)
    assert not path.exists() and not auto.is_enabled()


class Registry:
    """Stands in for `winreg`: one hive, keys as dicts, the same errors winreg raises."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE, KEY_READ, REG_SZ = 2, 0x20019, 1

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, tuple[Any, int]]] = {RUN_KEY: {"OneDrive": ("C:\\od.exe", 1)}}

    class Handle:
        def __init__(self, values: dict[str, tuple[Any, int]]) -> None:
            self.values = values

        def __enter__(self) -> Registry.Handle:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    def OpenKey(self, key: Any, sub_key: str, reserved: int = 0, access: int = 0) -> Registry.Handle:
        assert key == self.HKEY_CURRENT_USER
        if sub_key not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return Registry.Handle(self.keys[sub_key])

    def SetValueEx(self, key: Registry.Handle, name: str, reserved: int, type: int, value: str) -> None:
        key.values[name] = (value, type)

    def QueryValueEx(self, key: Registry.Handle, name: str) -> tuple[Any, int]:
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name]

    def DeleteValue(self, key: Registry.Handle, name: str) -> None:
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]


def test_windows_run_key() -> None:
    reg = Registry()
    command = ["C:\\Program Files\\Python311\\pythonw.exe", "-m", "palette"]
    auto = Autostart(system="win32", env={}, command=command, registry=reg)
    assert not auto.is_enabled()
    auto.set_enabled(True)
    assert reg.keys[RUN_KEY][RUN_VALUE] == ('"C:\\Program Files\\Python311\\pythonw.exe" -m palette', reg.REG_SZ)
    assert auto.is_enabled() and auto.location.endswith("CurrentVersion\\Run\\Palette")
    auto.set_enabled(False)
    assert RUN_VALUE not in reg.keys[RUN_KEY] and "OneDrive" in reg.keys[RUN_KEY]  # others' entries stay
    auto.set_enabled(False)


def test_windows_missing_run_key_is_a_clear_error() -> None:
    reg = Registry()
    del reg.keys[RUN_KEY]
    auto = Autostart(system="win32", env={}, command=["palette.exe"], registry=reg)
    assert not auto.is_enabled()
    with pytest.raises(AutostartError, match=r"HKEY_CURRENT_USER\\Software.*cannot write"):
        auto.set_enabled(True)


def test_launch_command(tmp_path: Path) -> None:
    assert launch_command("/opt/Palette/palette", frozen=True) == ["/opt/Palette/palette"]
    assert launch_command("/venv/bin/python", frozen=False, system="linux") == ["/venv/bin/python", "-m", "palette"]
    python = tmp_path / "python.exe"
    assert launch_command(str(python), frozen=False, system="win32") == [str(python), "-m", "palette"]
    (tmp_path / "pythonw.exe").write_text("")  # a windowed Python next to it: no console at login
    assert launch_command(str(python), frozen=False, system="win32")[0] == str(tmp_path / "pythonw.exe")

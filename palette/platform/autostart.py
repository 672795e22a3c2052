"""开机启动: start Palette when the agent logs in, the way each desktop expects it.

- Linux (and other XDG desktops): `$XDG_CONFIG_HOME/autostart/palette.desktop` (default `~/.config`),
  per the XDG Autostart spec; GNOME, KDE, Xfce and LXQt all read it.
- Windows: a value `Palette` under `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`, which
  needs no shortcut (.lnk) file and no COM.
- macOS: a LaunchAgent `~/Library/LaunchAgents/<LABEL>.plist` with RunAtLoad, loaded at the next login.

The command started is this same Palette: the frozen executable, or this Python with `-m palette`
(`pythonw` on Windows, so no console window opens). A portable install's `$PALETTE_HOME` is passed on
where the mechanism can carry it (the Linux Exec line, the LaunchAgent environment); the Run key holds
a command line only.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

from palette.core import paths
from palette.core.atomic import write_atomic

DESKTOP_FILE = "palette.desktop"
LAUNCH_AGENT_LABEL = "io.github.palette.tray"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Palette"


class AutostartError(Exception):
    """The autostart entry could not be written or removed (one line, naming the file or key)."""


def launch_command(executable: str | None = None, frozen: bool | None = None, system: str = sys.platform) -> list[str]:
    """How to start this Palette again at login."""
    executable = executable or sys.executable
    if frozen if frozen is not None else getattr(sys, "frozen", False):
        return [executable]
    if system == "win32":
        exe = Path(executable)
        windowed = exe.with_name("pythonw.exe")
        if exe.name.lower() == "python.exe" and windowed.exists():
            executable = str(windowed)
    return [executable, "-m", "palette"]


def _carried_env(env: Mapping[str, str]) -> dict[str, str]:
    return {k: env[k] for k in ("PALETTE_HOME",) if env.get(k)}


# -- Linux: XDG autostart -------------------------------------------------------------------------------

_EXEC_RESERVED = re.compile(r"""[\s"'\\><~|&;$*?#()`]""")


def desktop_exec(args: Sequence[str]) -> str:
    """An Exec value per the Desktop Entry spec: arguments with reserved characters double-quoted
    (with `"`, `` ` ``, `$` and `\\` escaped inside), `%` doubled, then backslashes escaped once more
    because the value is itself a string value."""
    quoted = []
    for arg in args:
        arg = arg.replace("%", "%%")
        if not arg or _EXEC_RESERVED.search(arg):
            arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        quoted.append(arg)
    return " ".join(quoted).replace("\\", "\\\\")


def desktop_entry(command: Sequence[str], env: Mapping[str, str]) -> str:
    carried = _carried_env(env)
    args = (["env", *(f"{k}={v}" for k, v in carried.items())] if carried else []) + list(command)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=Palette",
        "Name[zh_CN]=快捷话术板",
        "Comment=Approved customer-service phrases on a hotkey",
        "Comment[zh_CN]=快捷键调出规范话术,一键粘贴",
        f"Exec={desktop_exec(args)}",
        f"Icon={paths.resource('icons', 'palette.svg')}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
    ]
    return "\n".join(lines) + "\n"


def xdg_autostart_dir(env: Mapping[str, str], home: Path) -> Path:
    base = env.get("XDG_CONFIG_HOME", "")
    config = Path(base) if base and Path(base).is_absolute() else home / ".config"  # the spec ignores relative ones
    return config / "autostart"


# -- macOS: LaunchAgent ----------------------------------------------------------------------------------


def launch_agent(command: Sequence[str], env: Mapping[str, str]) -> bytes:
    plist: dict[str, Any] = {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    carried = _carried_env(env)
    if carried:
        plist["EnvironmentVariables"] = carried
    return plistlib.dumps(plist)


# -- Windows: the Run key ------------------------------------------------------------------------------


class Registry(Protocol):
    """The part of `winreg` used here (a stand-in replaces it off Windows)."""

    HKEY_CURRENT_USER: Any
    KEY_SET_VALUE: int
    KEY_READ: int
    REG_SZ: int

    def OpenKey(self, key: Any, sub_key: str, reserved: int = 0, access: int = ...) -> Any: ...

    def SetValueEx(self, key: Any, name: str, reserved: int, type: int, value: str) -> None: ...

    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]: ...

    def DeleteValue(self, key: Any, name: str) -> None: ...


def _winreg() -> Registry:
    import winreg  # only on Windows

    return cast(Registry, winreg)


# -- the entry point ------------------------------------------------------------------------------------


class Autostart:
    """The autostart entry of one desktop. Defaults are this machine's; tests pass their own."""

    def __init__(
        self,
        system: str = sys.platform,
        env: Mapping[str, str] | None = None,
        home: Path | None = None,
        command: Sequence[str] | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.system = system
        self.env = dict(os.environ if env is None else env)
        self.home = home or Path.home()
        self.command = list(command or launch_command(system=system))
        self._registry = registry

    @property
    def location(self) -> str:
        """Where the entry lives, for messages: a file path or the registry value."""
        if self.system == "win32":
            return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{RUN_VALUE}"
        return str(self._path())

    def _path(self) -> Path:
        if self.system == "darwin":
            return self.home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        return xdg_autostart_dir(self.env, self.home) / DESKTOP_FILE

    def _reg(self) -> Registry:
        if self._registry is None:
            self._registry = _winreg()
        return self._registry

    def is_enabled(self) -> bool:
        if self.system == "win32":
            reg = self._reg()
            try:
                with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_READ) as key:
                    reg.QueryValueEx(key, RUN_VALUE)
            except OSError:
                return False
            return True
        return self._path().is_file()

    def set_enabled(self, enabled: bool) -> None:
        try:
            if self.system == "win32":
                self._set_run_key(enabled)
            elif enabled:
                self._write(self._path())
            else:
                self._path().unlink(missing_ok=True)
        except OSError as e:
            what = "write" if enabled else "remove"
            raise AutostartError(f"{self.location}: cannot {what} the autostart entry ({e.strerror or e})") from None

    def _write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = (
            launch_agent(self.command, self.env)
            if self.system == "darwin"
            else desktop_entry(self.command, self.env).encode("utf-8")
        )
        write_atomic(path, data)  # a desktop reading the folder never sees half a file

    def _set_run_key(self, enabled: bool) -> None:
        reg = self._reg()
        with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            if enabled:
                reg.SetValueEx(key, RUN_VALUE, 0, reg.REG_SZ, subprocess.list2cmdline(self.command))
            else:
                with contextlib.suppress(FileNotFoundError):
                    reg.DeleteValue(key, RUN_VALUE)

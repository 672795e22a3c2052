"""The installable Linux bundle and the non-editable install, built the way the README says.

A clean copy of the source (what git tracks or would track: no .venv, build/ or dist/) runs
`bash packaging/build.sh`; the bundled binary then has to work from elsewhere in a fresh PALETTE_HOME,
and its tarball's install.sh has to install, check and uninstall it. Slow (a couple of minutes):
`pytest -m "not slow"` leaves these out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from palette import __version__

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle"),
]


def _env(**extra: str) -> dict[str, str]:
    """This environment without our venv, display or Qt platform: like a fresh terminal on a headless machine."""
    venv = str(REPO / ".venv")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DISPLAY", "WAYLAND_DISPLAY")}
    env = {k: v for k, v in env.items() if not k.startswith(("QT_", "PALETTE_", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(venv))
    return {**env, **extra}


def _run(args: list[str | Path], cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def clean_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    dest = tmp_path_factory.mktemp("clean") / "palette"
    for name in filter(None, listed.split("\0")):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    yield dest
    shutil.rmtree(dest)  # its .venv, build/ and dist/: about 1 GB


@pytest.fixture(scope="module")
def dist(clean_source: Path) -> Path:
    """`bash packaging/build.sh`, the README's one command for the Linux bundle."""
    out = _run(["bash", "packaging/build.sh"], clean_source, timeout=1500)
    log = clean_source / "build" / "pyinstaller.log"
    assert out.returncode == 0, out.stderr[-3000:] + (log.read_text()[-3000:] if log.exists() else "")
    return clean_source / "dist"


def test_bundled_binary_reports_its_version(dist: Path, tmp_path: Path) -> None:
    out = _run([dist / "palette" / "palette", "--version"], tmp_path, PALETTE_HOME=str(tmp_path / "home"))
    assert (out.returncode, out.stdout.strip()) == (0, f"palette {__version__}"), out.stderr


def test_bundled_self_test_passes_in_a_fresh_home(dist: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = _run([dist / "palette" / "palette", "--self-test"], tmp_path, PALETTE_HOME=str(home))
    assert out.returncode == 0, out.stdout + out.stderr
    checks = {line.split()[1]: line.split()[0] for line in out.stdout.splitlines()[:-1]}
    assert checks == {"database": "ok", "standard": "ok", "search": "ok", "qt": "ok"}, out.stdout
    assert "platform offscreen" in out.stdout  # no display here: the self-test picks offscreen itself
    assert (home / "palette.db").is_file()


def test_bundled_search_finds_the_standard_greeting(dist: Path, tmp_path: Path) -> None:
    out = _run([dist / "palette" / "palette", "search", "您好", "--json"], tmp_path, PALETTE_HOME=str(tmp_path / "h"))
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits and all(h["library"] == "标准话术" for h in hits)
    assert "您好" in hits[0]["title"] + hits[0]["body"]


def test_bundled_binary_builds_suggestions_as_the_apps_child(dist: Path, tmp_path: Path) -> None:
    """What the frozen tray app runs for its suggestion build (`child_command` when frozen)."""
    import pickle

    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store
    from palette.core.suggest import Suggester, SuggestSource
    from palette.core.suggest.child import CHILD_ARG

    store = Store(tmp_path / "p.db")
    ensure_standard_library(store)
    given, built = tmp_path / "source", tmp_path / "built"
    given.write_bytes(pickle.dumps(SuggestSource.from_store(store)))
    out = _run([dist / "palette" / "palette", CHILD_ARG, given, built], tmp_path, PALETTE_HOME=str(tmp_path / "h"))
    assert out.returncode == 0, out.stderr
    suggester = pickle.loads(built.read_bytes())
    assert isinstance(suggester, Suggester)
    assert suggester.suggest("宽带一直掉线什么时候能修好")[0].uid.startswith("std-fault")


def test_bundle_leaves_out_unused_qt(dist: Path) -> None:
    files = [p.relative_to(dist / "palette").as_posix() for p in (dist / "palette").rglob("*")]
    unwanted = ("QtQml", "Qt6Qml", "QtQuick", "Qt6Quick", "Qt6Pdf", "QtDesigner", "VirtualKeyboard", "libgtk-3")
    assert [f for f in files if any(u in f for u in unwanted)] == []
    assert any(f.endswith("platforms/libqxcb.so") for f in files)
    assert any(f.endswith("platforminputcontexts/libibusplatforminputcontextplugin.so") for f in files)


def test_tarball_installs_for_the_user_and_uninstalls_keeping_the_database(dist: Path, tmp_path: Path) -> None:
    (tarball,) = dist.glob(f"palette-{__version__}-linux-*.tar.gz")
    (tmp_path / "unpacked").mkdir()
    assert _run(["tar", "-xzf", tarball, "-C", "unpacked"], tmp_path).returncode == 0  # as the README says
    (folder,) = (tmp_path / "unpacked").iterdir()
    home = tmp_path / "user"

    out = _run(["sh", folder / "install.sh", "--autostart"], tmp_path, HOME=str(home))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test: all ok" in out.stdout
    binary = home / ".local" / "bin" / "palette"
    desktop_file = home / ".local/share/applications/palette.desktop"
    valid = _run(["desktop-file-validate", desktop_file], tmp_path)
    assert (valid.returncode, valid.stdout) == (0, ""), valid.stdout + valid.stderr
    desktop = desktop_file.read_text()
    assert f"Exec={home}/.local/opt/palette/palette\n" in desktop
    assert (home / ".config/autostart/palette.desktop").read_text() == desktop
    assert (home / ".local/share/icons/hicolor/scalable/apps/palette.svg").is_file()
    shutil.rmtree(folder)  # the installed copy must not need the unpacked one

    assert _run([binary, "profile", "set", "工号", "1024"], tmp_path, HOME=str(home)).returncode == 0
    database = home / ".local/share/Palette/palette.db"
    assert database.is_file()

    out = _run(["sh", home / ".local/opt/palette/install.sh", "--uninstall"], tmp_path, HOME=str(home))
    assert out.returncode == 0, out.stderr
    assert not binary.exists() and not (home / ".local/opt/palette").exists()
    assert not (home / ".config/autostart/palette.desktop").exists()
    assert database.is_file()


def test_uninstall_purge_deletes_the_database(dist: Path, tmp_path: Path) -> None:
    home = tmp_path / "user"
    data = home / ".local/share/Palette"
    data.mkdir(parents=True)
    (data / "palette.db").write_bytes(b"")
    out = _run(["sh", dist / "palette" / "install.sh", "--uninstall", "--purge"], tmp_path, HOME=str(home))
    assert out.returncode == 0, out.stderr
    assert not data.exists()


def test_deb_is_lintian_clean(dist: Path, tmp_path: Path) -> None:
    """What lintian flags for a self-contained bundle in /opt is overridden, with the reasons, in
    packaging/linux/lintian-overrides; anything else is a finding."""
    if shutil.which("lintian") is None or shutil.which("dpkg-deb") is None:
        pytest.skip("not a Debian-family system with lintian")
    (deb,) = dist.glob(f"palette_{__version__}_*.deb")
    out = _run(["lintian", "--tag-display-limit", "0", deb], tmp_path, timeout=600)
    findings = [line for line in out.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert (out.returncode, findings) == (0, []), out.stdout + out.stderr
    listing = _run(["dpkg-deb", "--contents", deb], tmp_path).stdout
    wanted = ["./opt/palette/palette", "./usr/bin/palette ->", "./usr/bin/palette-gui", "./usr/share/applications/"
              "palette.desktop", "./usr/share/icons/hicolor/scalable/apps/palette.svg"]  # fmt: skip
    assert [p for p in wanted if p not in listing] == []
    assert "root/root" in listing and "install.sh" not in listing
    control = _run(["dpkg-deb", "--field", deb, "Depends"], tmp_path).stdout
    assert "libxcb-cursor0" in control and "fonts-noto-cjk | " in control
    info = _run(["dpkg-deb", "--info", deb], tmp_path).stdout
    assert not any(script in info for script in ("preinst", "postinst", "prerm", "postrm"))


@pytest.mark.skipif(
    not (hasattr(os, "geteuid") and os.geteuid() == 0 and os.environ.get("CI") and shutil.which("apt-get")),
    reason="installs into this system with apt: CI (as root) only",
)
def test_deb_installs_self_tests_and_removes_leaving_the_users_data(dist: Path, tmp_path: Path) -> None:
    (deb,) = dist.glob(f"palette_{__version__}_*.deb")
    apt = {"DEBIAN_FRONTEND": "noninteractive"}
    out = _run(["apt-get", "install", "-y", "--no-install-recommends", deb], tmp_path, timeout=900, **apt)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr
    home = tmp_path / "user"
    out = _run(["palette", "--self-test"], tmp_path, HOME=str(home))
    assert out.returncode == 0 and "self-test: all ok" in out.stdout, out.stdout + out.stderr
    qt = Path("/opt/palette/_internal/PySide6/Qt/plugins")  # the self-test runs offscreen: check what X needs
    for plugin in ("platforms/libqxcb.so", "platforminputcontexts/libibusplatforminputcontextplugin.so"):
        linked = _run(["ldd", qt / plugin], tmp_path).stdout
        assert "not found" not in linked, f"{plugin}: the .deb's Depends miss\n{linked}"
    valid = _run(["desktop-file-validate", "/usr/share/applications/palette.desktop"], tmp_path)
    assert (valid.returncode, valid.stdout) == (0, ""), valid.stdout + valid.stderr
    assert "Exec=palette-gui\n" in Path("/usr/share/applications/palette.desktop").read_text()
    assert _run(["palette", "profile", "set", "工号", "1024"], tmp_path, HOME=str(home)).returncode == 0
    database = home / ".local/share/Palette/palette.db"
    assert database.is_file()

    out = _run(["apt-get", "purge", "-y", "palette"], tmp_path, timeout=300, **apt)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr
    assert not Path("/opt/palette").exists() and not Path("/usr/bin/palette").exists()
    assert not Path("/usr/share/applications/palette.desktop").exists()
    assert database.is_file()
    out = _run([sys.executable, "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
                "'select count(*) from profile').fetchone()[0])", database], tmp_path)  # fmt: skip
    assert out.stdout.strip() == "1", out.stderr


def test_non_editable_install_finds_the_bundled_library(clean_source: Path, tmp_path: Path) -> None:
    """`pip install .` (not -e): phrases.db and resources/ travel inside the wheel."""
    wheels = tmp_path / "wheels"
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(clean_source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    site = tmp_path / "site"
    (wheel,) = wheels.glob("palette-*.whl")
    zipfile.ZipFile(wheel).extractall(site)

    def installed(*args: str) -> subprocess.CompletedProcess[str]:
        return _run([sys.executable, *args], tmp_path, PYTHONPATH=str(site), PALETTE_HOME=str(tmp_path / "home"))

    where = installed("-c", "from palette.core import paths; print(paths.bundle_root())")
    assert where.stdout.strip() == str(site / "palette" / "bundled"), where.stderr
    out = installed("-m", "palette", "--self-test")
    assert out.returncode == 0, out.stdout + out.stderr
    out = installed("-m", "palette", "search", "nh", "--json")
    assert out.returncode == 0 and json.loads(out.stdout), out.stderr

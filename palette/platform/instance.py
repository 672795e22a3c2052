"""One Palette per user and data directory: a second start, or `palette show`, asks the running one.

A lock file in the data directory decides who is first (QLockFile notices a lock left by a crash);
the first then listens with a QLocalServer on a name derived from the user and the data directory
(so test runs with their own PALETTE_HOME never meet the agent's real instance). Listening alone
cannot decide it: Qt binds a private socket and renames it over the name, silently taking it from a
running instance. The protocol is one line each way.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 2000
COMMANDS = {b"show", b"manage", b"settings", b"new-conversation", b"quit"}


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.expanduser().resolve()).encode()).hexdigest()[:12]
    user = "".join(c for c in getpass.getuser() if c.isalnum()) or "user"
    return f"palette-{user}-{digest}"


def ask_running(name: str, command: bytes = b"show") -> bool:
    """Send `command` to the running instance; False when none answers."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(TIMEOUT_MS):
        return False
    sock.write(command + b"\n")
    sock.flush()
    answered = sock.waitForReadyRead(TIMEOUT_MS) and bytes(sock.readLine().data()).strip() == b"ok"
    sock.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for `show` (and friends) from later starts; emits `command` on the GUI thread."""

    command = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(data_dir / "palette.lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner's lock is stale, however old
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Become the instance; False when another live one already is."""
        if not self._lock.tryLock(100):
            return False
        QLocalServer.removeServer(self.name)  # a socket left by a crash
        if not self._server.listen(self.name):
            self._lock.unlock()
            return False
        return True

    def close(self) -> None:
        self._server.close()
        self._lock.unlock()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)

    def _read(self, sock: QLocalSocket) -> None:
        while sock.canReadLine():
            line = bytes(sock.readLine().data()).strip()
            sock.write(b"ok\n" if line in COMMANDS | {b"ping"} else b"unknown\n")
            sock.flush()
            if line in COMMANDS:
                self.command.emit(line.decode())

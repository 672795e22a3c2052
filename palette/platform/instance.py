"""One Palette per user and data directory: a second start, or `palette show`, asks the running one.

A QLocalServer listens on a name derived from the user and the data directory (so test runs with
their own PALETTE_HOME never meet the agent's real instance). The protocol is one line each way.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 2000
COMMANDS = {b"show", b"new-conversation", b"quit"}


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

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening; False when another live instance already owns the name."""
        if self._server.listen(self.name):
            return True
        if ask_running(self.name, b"ping"):
            return False
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

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

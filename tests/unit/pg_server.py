"""A throwaway PostgreSQL server for one test session: initdb in a temp dir, a unix socket only, stopped at the end.

    server = PostgresServer.start()   # raises ServerUnavailable saying why (not installed, would not start)
    connection = server.connect()     # psycopg, autocommit
    server.stop()

The server listens on no TCP address (``listen_addresses=''``), only on a
socket in its own temp dir, and runs with ``fsync=off``: nothing it holds
outlives the session. PostgreSQL refuses to run as root, so as root it runs
as Debian's ``postgres`` user, who owns the temp dirs.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = (
    "install it with `apt-get install -y postgresql` (python3 test.py does) and `pip install psycopg[binary]`"
)


class ServerUnavailable(Exception):
    """PostgreSQL is not installed here, or its server would not start; the message says which."""


class PostgresServer:
    def __init__(self, bin_dir: Path, root: Path, port: int, run_as: list) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.port = port
        self.run_as = run_as

    @classmethod
    def start(cls) -> PostgresServer:
        """A running server in a new temp dir (initdb, then ``pg_ctl start``)."""
        bin_dir = newest_bin_dir()
        if bin_dir is None:
            raise ServerUnavailable(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): " + INSTALL_HINT
            )
        root = Path(tempfile.mkdtemp(prefix="loupe-pg-"))
        server = cls(bin_dir, root, _free_port(), _run_as())
        try:
            server._initdb()
            server._pg_ctl("start", "-w", "-t", "30", "-l", str(root / "log"), "-o", server._options())
        except (OSError, subprocess.CalledProcessError) as failure:
            log = root / "log"
            detail = log.read_text(errors="replace")[-500:] if log.exists() else str(failure)
            shutil.rmtree(root, ignore_errors=True)
            raise ServerUnavailable("PostgreSQL would not start (" + detail.strip() + ")") from failure
        return server

    def connect(self):
        """A new autocommit psycopg connection to the server's ``postgres`` database."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its temp dir."""
        try:
            self._pg_ctl("stop", "-m", "fast", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def _initdb(self) -> None:
        data = self.root / "data"
        for folder in (data, self.socket_dir):
            folder.mkdir()
        _give_to_server_user(self.root, self.run_as)
        command = [str(self.bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync"]
        subprocess.run([*self.run_as, *command], check=True, capture_output=True)

    def _options(self) -> str:
        settings = {"listen_addresses": "''", "port": str(self.port), "unix_socket_directories": str(self.socket_dir)}
        settings.update({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"})
        return " ".join("-c " + key + "=" + value for key, value in settings.items())

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), *args]
        subprocess.run([*self.run_as, *command], check=True, capture_output=True, timeout=60)


def newest_bin_dir() -> Path | None:
    """The newest installed /usr/lib/postgresql/<version>/bin holding pg_ctl, or None."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    return max(found, key=lambda p: _version(p.parent.name), default=None)


def _version(name: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in name.split("."))


def _run_as() -> list:
    """The prefix that runs a command as an unprivileged user: none unless root, then ``runuser -u postgres --``."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as missing:
        raise ServerUnavailable("running as root and there is no `postgres` user to run the server as") from missing
    return ["runuser", "-u", "postgres", "--"]


def _give_to_server_user(root: Path, run_as: list) -> None:
    if not run_as:
        return
    user = pwd.getpwnam("postgres")
    for folder in (root, *root.iterdir()):
        os.chown(folder, user.pw_uid, user.pw_gid)


def _free_port() -> int:
    """A port number nothing listens on (the socket's file name is ``.s.PGSQL.<port>``)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

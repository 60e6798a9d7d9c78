"""A real CardDAV server for the sync tests and the sync benchmark: Radicale (PyPI; GPL, a
dev dependency only), run as a child process on 127.0.0.1 at a free port, with its storage
in a folder of the caller's and a plain htpasswd file, its storage's fsync off
(``bench/radicale_run.py`` says why); ``stop()`` ends it."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

USER, PASSWORD = "jordan", "s3cret-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Radicale:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        storage = folder / "storage"
        book = storage / "collection-root" / USER / "contacts"
        book.mkdir(parents=True)
        (book / ".Radicale.props").write_text(json.dumps({"tag": "VADDRESSBOOK"}))
        users = folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("radicale_run.py")),
             "--server-hosts", f"127.0.0.1:{self.port}",
             "--storage-filesystem-folder", str(storage), "--auth-type", "htpasswd",
             "--auth-htpasswd-filename", str(users), "--auth-htpasswd-encryption", "plain",
             "--logging-level", "warning", "--rights-type", "owner_only"],
            stdout=subprocess.DEVNULL, stderr=(folder / "radicale.log").open("w"))
        self.url = f"http://127.0.0.1:{self.port}/{USER}/contacts/"
        self.path = f"/{USER}/contacts/"
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("radicale did not start: "
                                       + (folder / "radicale.log").read_text()) from None
                time.sleep(0.1)

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        hdrs = {"Authorization": f"Basic {auth}", **(headers or {})}
        conn.request(method, path, body=body.encode() if body is not None else None,
                     headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data, {k.lower(): v for k, v in resp.getheaders()}

    def cpu_seconds(self) -> float | None:
        """The CPU time the server has used so far (user + system), where /proc tells it."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        import os

        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

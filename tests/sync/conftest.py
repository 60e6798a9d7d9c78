"""The other side of a sync, for tests: a vdir folder, or a real Radicale CardDAV server.

Radicale (a dev dependency only: GPL) runs as a child process on 127.0.0.1 at a free port
with its storage in the test's temporary folder and a plain htpasswd file, and is stopped
after the test. ``Side`` edits, adds and deletes cards there the way khard or a phone would,
behind crm's back.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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
            [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{self.port}",
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

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Side:
    """The other side of the sync, edited behind crm's back."""

    kind: str

    def args(self) -> list[str]:
        raise NotImplementedError

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> str:
        raise NotImplementedError

    def put(self, name: str, text: str) -> None:
        raise NotImplementedError

    def remove(self, name: str) -> None:
        raise NotImplementedError

    def put_many(self, cards: dict[str, str]) -> None:
        for name, text in cards.items():
            self.put(name, text)

    def touch(self, name: str) -> None:
        """A new ETag, the same content."""
        raise NotImplementedError

    def edit(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert old in text, (old, text)
        self.put(name, text.replace(old, new))

    def find(self, needle: str) -> str:
        found = [n for n in self.names() if needle in self.read(n)]
        assert len(found) == 1, (needle, found)
        return found[0]


class VdirSide(Side):
    kind = "vdir"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()

    def args(self) -> list[str]:
        return ["sync", "vdir", str(self.folder)]

    def names(self) -> list[str]:
        return sorted(p.name for p in self.folder.glob("*.vcf"))

    def read(self, name: str) -> str:
        return (self.folder / name).read_text("utf-8")

    def put(self, name: str, text: str) -> None:
        path = self.folder / name
        before = path.stat().st_mtime_ns if path.exists() else 0
        path.write_text(text, "utf-8", newline="")
        if path.stat().st_mtime_ns == before:  # a coarse clock: make the change visible
            os.utime(path, ns=(before + 1000, before + 1000))

    def remove(self, name: str) -> None:
        (self.folder / name).unlink()

    def touch(self, name: str) -> None:
        st = (self.folder / name).stat()
        os.utime(self.folder / name, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


class CardDavSide(Side):
    kind = "carddav"

    def __init__(self, server: Radicale) -> None:
        self.server = server

    def args(self) -> list[str]:
        return ["sync", "carddav", self.server.url, "--user", USER]

    def names(self) -> list[str]:
        status, body, _ = self.server.request(
            "PROPFIND", self.server.path, "<?xml version='1.0'?><propfind xmlns='DAV:'>"
            "<prop><getetag/></prop></propfind>", {"Depth": "1"})
        assert status == 207, status
        import re

        hrefs = re.findall(r"<(?:\w+:)?href>([^<]+)</(?:\w+:)?href>", body.decode())
        return sorted(h.rsplit("/", 1)[1] for h in hrefs if h.endswith(".vcf"))

    def read(self, name: str) -> str:
        status, body, _ = self.server.request("GET", self.server.path + name)
        assert status == 200, status
        return body.decode()

    def put(self, name: str, text: str) -> None:
        status, _, _ = self.server.request("PUT", self.server.path + name, text,
                                           {"Content-Type": "text/vcard"})
        assert status in (201, 204), status

    def remove(self, name: str) -> None:
        status, _, _ = self.server.request("DELETE", self.server.path + name)
        assert status in (200, 204), status

    def put_many(self, cards: dict[str, str]) -> None:
        """Many cards at once, written into Radicale's storage folder as it keeps them
        (one PUT each costs Radicale ~0.1 s), then listed once so that it has read them."""
        book = self.server.folder / "storage" / "collection-root" / USER / "contacts"
        for name, text in cards.items():
            (book / name).write_text(text, "utf-8", newline="")
        self.names()

    def touch(self, name: str) -> None:
        # Radicale's ETag is a hash of the stored item: rewriting the same card with its
        # lines in another order (the same content to a reader) gives a new ETag.
        text = self.read(name)
        lines = text.replace("\r\n", "\n").strip("\n").split("\n")
        head, body, tail = lines[:2], lines[2:-1], lines[-1:]
        self.put(name, "\r\n".join(head + body[::-1] + tail) + "\r\n")


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "radicale")
    yield server
    server.stop()


@pytest.fixture(params=["vdir", "carddav"])
def side(request: pytest.FixtureRequest, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Side]:
    if request.param == "vdir":
        yield VdirSide(tmp_path / "vdir")
        return
    monkeypatch.setenv("CRM_CARDDAV_PASSWORD", PASSWORD)
    server = Radicale(tmp_path / "radicale")
    try:
        yield CardDavSide(server)
    finally:
        server.stop()


def card(uid: str, name: str, *, email: str | None = None, phone: str | None = None,
         title: str | None = None, org: str | None = None, note: str | None = None) -> str:
    given, _, family = name.partition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}",
             f"N:{family};{given};;;"]
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    if phone:
        lines.append(f"TEL;TYPE=CELL:{phone}")
    if org:
        lines.append(f"ORG:{org}")
    if title:
        lines.append(f"TITLE:{title}")
    if note:
        lines.append(f"NOTE:{note}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"

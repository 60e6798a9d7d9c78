"""The other side of a sync, for tests: a vdir folder, or a real Radicale CardDAV server.

Radicale (a dev dependency only: GPL) runs as a child process on 127.0.0.1 at a free port
with its storage in the test's temporary folder and a plain htpasswd file, and is stopped
after the test. ``Side`` edits, adds and deletes cards there the way khard or a phone would,
behind crm's back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.carddav_server import PASSWORD, USER, Radicale

__all__ = ["PASSWORD", "USER", "Radicale", "Side", "card"]


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

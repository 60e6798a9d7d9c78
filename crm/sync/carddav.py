"""A CardDAV address book, through vdirsyncer's CardDAV storage (the one module that knows it).

vdirsyncer (pinned in pyproject) does the HTTP side: PROPFIND for the listing (href and
ETag of every card), REPORT addressbook-multiget to fetch cards, PUT with
``If-None-Match: *`` to create and ``If-Match`` to update, DELETE with ``If-Match``. Its
storage is asynchronous (aiohttp); this module runs it on one event loop of its own so that
the sync loop stays plain code. A 412 (Precondition Failed) becomes ``Changed``; anything
else that goes wrong on the way is one ``StoreError`` line naming the server, never the
password.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from crm.sync.store import Changed, StoreError

T = TypeVar("T")
_MULTIGET = 250  # hrefs per REPORT
_CTAG_QUERY = (b'<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:" '
               b'xmlns:CS="http://calendarserver.org/ns/"><prop><CS:getctag/></prop></propfind>')


class CardDavStore:
    kind = "carddav"

    def __init__(self, url: str, username: str, password: str) -> None:
        import aiohttp
        from vdirsyncer.storage.dav import CardDAVStorage

        if not url.startswith(("http://", "https://")):
            raise StoreError(f"{url}: not an http:// or https:// address")
        self.location = url.rstrip("/") + "/"
        self._loop = asyncio.new_event_loop()

        async def connector() -> Any:
            return aiohttp.TCPConnector(limit=4)

        self._connector = self._loop.run_until_complete(connector())
        self._storage = CardDAVStorage(url=self.location, username=username,
                                       password=password, connector=self._connector)

    def _run(self, what: Awaitable[T]) -> T:
        from vdirsyncer import exceptions

        try:
            return self._loop.run_until_complete(what)
        except exceptions.PreconditionFailed as err:
            raise Changed(str(err)) from None
        except Exception as err:  # aiohttp, XML, HTTP status: one line, no traceback
            raise StoreError(f"CardDAV server {self.location}: {_why(err)}") from None

    def listing(self) -> dict[str, str]:
        async def listing() -> dict[str, str]:
            return {href: etag async for href, etag in self._storage.list()}
        return self._run(listing())

    def version(self) -> str | None:
        """The address book's CTag (``CS:getctag``: Radicale, Nextcloud, iCloud, Fastmail
        keep one), one small PROPFIND; None when the server has none or did not answer
        (the listing that follows then says what is wrong)."""
        from vdirsyncer.storage.dav import _parse_xml

        async def ask() -> str | None:
            session = self._storage.session
            headers = session.get_default_headers()
            headers["Depth"] = "0"
            response = await session.request("PROPFIND", "", data=_CTAG_QUERY,
                                             headers=headers)
            root = _parse_xml(await response.content.read())
            for prop in root.findall(".//{http://calendarserver.org/ns/}getctag"):
                if prop.text and prop.text.strip():
                    return str(prop.text.strip())
            return None

        try:
            return self._run(ask())
        except StoreError:
            return None

    def get(self, names: list[str]) -> dict[str, tuple[str, str]]:
        from vdirsyncer import exceptions

        async def fetch(batch: list[str]) -> dict[str, tuple[str, str]]:
            out = {}
            async for href, item, etag in self._storage.get_multi(batch):
                out[href] = (item.raw, etag)
            return out

        out: dict[str, tuple[str, str]] = {}
        for i in range(0, len(names), _MULTIGET):
            batch = names[i:i + _MULTIGET]
            try:
                out.update(self._loop.run_until_complete(fetch(batch)))
            except exceptions.NotFoundError:
                # One went away meanwhile: fetch the rest one by one.
                for href in batch:
                    try:
                        out.update(self._loop.run_until_complete(fetch([href])))
                    except exceptions.NotFoundError:
                        continue
            except Exception as err:
                raise StoreError(f"CardDAV server {self.location}: {_why(err)}") from None
        return out

    def create(self, uid: str, raw: str) -> tuple[str, str]:
        from vdirsyncer.vobject import Item

        href, etag = self._run(self._storage.upload(Item(raw)))
        return str(href), str(etag or "")

    def update(self, name: str, raw: str, etag: str) -> str:
        from vdirsyncer.vobject import Item

        return str(self._run(self._storage.update(name, Item(raw), etag)) or "")

    def delete(self, name: str, etag: str) -> None:
        self._run(self._storage.delete(name, etag))

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.run_until_complete(self._connector.close())
            self._loop.close()


def _why(err: Exception) -> str:
    status = getattr(err, "status", None)
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    if status == 401:
        return "the user name or password was refused (401)"
    return f"{status} {text}" if status else text

"""What the sync loop needs of the other side: a folder of cards (a vdir) or a CardDAV
address book. Each card has a name (its file name or href) and an ETag that changes when
it does; writes are conditional on the ETag, so that a card changed meanwhile is never
overwritten (it is fetched and merged again instead).
"""

from __future__ import annotations

from typing import Protocol

from crm.core.errors import Failure


class StoreError(Failure):
    """The other side could not be read or written (server gone, folder unreadable)."""


class Changed(Exception):
    """A conditional write found the card changed (HTTP 412): fetch and merge again."""


class Store(Protocol):
    kind: str  # "vdir" or "carddav"
    location: str  # the folder or URL, as stored in sync_target

    def listing(self) -> dict[str, str]:
        """Every card's name and ETag; a listing that fails raises StoreError (never a
        partial listing)."""
        ...

    def version(self) -> str | None:
        """A tag that changes whenever any card does (a CardDAV CTag), or None when the
        other side has none; asked before the listing."""
        ...

    def get(self, names: list[str]) -> dict[str, tuple[str, str]]:
        """The raw text and ETag of each named card (a card gone meanwhile is left out)."""
        ...

    def create(self, uid: str, raw: str) -> tuple[str, str]:
        """A new card (If-None-Match: *): its name and ETag; Changed when it exists."""
        ...

    def update(self, name: str, raw: str, etag: str) -> str:
        """Replace a card (If-Match: etag): its new ETag; Changed when it changed."""
        ...

    def delete(self, name: str, etag: str) -> None:
        """Delete a card (If-Match: etag); Changed when it changed."""
        ...

    def close(self) -> None: ...

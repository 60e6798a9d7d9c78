"""A contact card as the importer sees it, independent of any vCard library.

``crm.vcard`` reads files into these; ``crm.core.importing`` matches and merges them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol


class CardRejected(Exception):
    """A card that cannot be read: the line of the problem and what is wrong."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class PendingCard(Protocol):
    """A card split out of a file but not read yet (reading is skipped when its raw text
    was imported before)."""

    file: str
    line: int
    raw: str

    @property
    def raw_hash(self) -> str: ...

    def parse(self) -> Card: ...


@dataclass(frozen=True)
class CardProblem:
    """A line of a card that was read with a doubt or not read (the card itself is kept).

    ``damaged``: text was altered or left out (a byte that is not valid in the card's
    charset, a line that is no property…), so the import must not claim full success.
    Otherwise it is a notice, such as the charset crm detected for a file that declares none.
    """

    line: int
    message: str
    damaged: bool = True


@dataclass
class CardContact:
    """One email, phone, URL, social profile, IM handle or address of a card."""

    kind: str  # a ContactPoint kind: email, phone, url, social, address, other
    value: str
    label: str | None = None
    preferred: bool = False
    # ADR only: post office box, extended address, street, locality, region, postal code,
    # country (``value`` joins the non-empty ones).
    parts: tuple[str, ...] | None = field(default=None, compare=False)
    # Read from a property the card keeps verbatim in ``extra_lines`` (X-JABBER…): an
    # export writes that line, not this contact a second time.
    kept: bool = field(default=False, compare=False)


@dataclass
class CardRelation:
    """``X-ABRELATEDNAMES`` / ``RELATED``: a name (or uid) and the label the phone gave it."""

    name: str
    label: str | None = None
    uid: str | None = None


@dataclass
class CardPosition:
    """One ORG with the TITLE (and ROLE) written after it, in card order."""

    org: str | None
    department: str | None = None
    title: str | None = None
    role: str | None = None


@dataclass
class CardDate:
    """An anniversary or another labelled date (X-ABDATE); any part may be unknown."""

    label: str
    year: int | None
    month: int | None
    day: int | None


@dataclass
class Card:
    """Everything crm takes from one vCard, with whole (unescaped) text values."""

    file: str
    line: int
    raw: str
    uid: str | None = None
    display_name: str = ""
    given_name: str | None = None
    family_name: str | None = None
    additional_names: str | None = None
    name_prefix: str | None = None
    name_suffix: str | None = None
    nickname: str | None = None
    org: str | None = None
    department: str | None = None
    title: str | None = None
    note: str | None = None
    birthday_year: int | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    photo: bytes | None = None
    photo_type: str | None = None
    is_company: bool = False
    contacts: list[CardContact] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    relations: list[CardRelation] = field(default_factory=list)
    # Every ORG/TITLE pair in card order (``org``/``title`` above are the last of them).
    positions: list[CardPosition] = field(default_factory=list)
    dates: list[CardDate] = field(default_factory=list)
    role: str | None = None
    # LABEL: a formatted address as the phone prints it (with its TYPE words).
    address_labels: list[CardContact] = field(default_factory=list)
    problems: list[CardProblem] = field(default_factory=list)
    # Raw unfolded lines of properties crm does not map (kept for export).
    extra_lines: list[str] = field(default_factory=list)

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)


@dataclass
class RejectedCard:
    """A card (or stray text) that could not be read: where, why, and its raw text."""

    file: str
    line: int
    message: str
    raw: str

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)


def raw_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

"""A contact card as the importer sees it, independent of any vCard library or source.

Readers (``crm.vcard``, and any other import source) turn their records into these;
``crm.core.importing`` matches and merges them (see ``crm.core.importing.sources``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class CardRejected(Exception):
    """A card that cannot be read: the line of the problem and what is wrong."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class PendingCard(Protocol):
    """One record split out of a source but not read yet (reading is skipped when its raw
    text was imported before): what every reader yields; see crm.core.importing.sources.

    ``file`` is where it came from as the user would name it (a path, a URL), ``line`` where
    in it (the first line of the record, or the row of a CSV).
    """

    file: str
    line: int
    raw: str  # the record's own text, whole

    @property
    def raw_format(self) -> str:
        """What ``raw`` is: "vcard", "linkedin-csv", "google-csv", ..."""
        ...

    @property
    def raw_hash(self) -> str: ...

    def parse(self) -> Card:
        """The mapping: the record as a Card (whose ``file``, ``line`` and ``raw`` are the
        record's), or ``CardRejected(line, message)``."""
        ...

    def may_relate(self) -> bool:
        """False when the card cannot name any relation, so that the survey (which
        collects the names relations refer to) need not parse it; True when unsure."""
        ...


# Properties a relation can come from: X-ABRELATEDNAMES, RELATED, Android's .../relation,
# a CSV's "Relation 1 - Type" column.
# X-MS-MANAGER, X-ASSISTANT, X-EVOLUTION-SPOUSE…, AGENT, as property names only (a TITLE of
# "Engineering Manager" names nobody: its card need not be read twice).
_MAY_RELATE = re.compile(r"relat|^(?:[A-Za-z0-9-]+\.)?(?:X-[A-Za-z0-9-]*(?:MANAGER|ASSISTANT"
                         r"|SPOUSE)[A-Za-z0-9-]*|AGENT)[;:]", re.IGNORECASE | re.MULTILINE)


def may_name_relations(raw: str) -> bool:
    """False when no record in ``raw`` can hold a relation (looked for unfolded: a vCard
    property name may be folded anywhere)."""
    unfolded = raw.replace("\r", "").replace("\n ", "").replace("\n\t", "")
    return _MAY_RELATE.search(unfolded) is not None


@dataclass(frozen=True)
class CardProblem:
    """A line of a card that was read with a doubt or not read (the card itself is kept).

    ``damaged``: text was altered or left out (a byte that is not valid in the card's
    charset, a line that is no property, a CSV cell crm cannot read kept only in the row),
    so the import must not claim full success.
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
    # ADR only: the address as the phone prints it (the LABEL of the same type).
    formatted: str | None = field(default=None, compare=False)
    # Read from a property the card keeps verbatim in ``extra_lines`` (X-JABBER…): an
    # export writes that line, not this contact a second time.
    kept: bool = field(default=False, compare=False)


@dataclass
class CardRelation:
    """``X-ABRELATEDNAMES`` / ``RELATED``: a name (or uid) and the label the phone gave it."""

    name: str
    label: str | None = None
    uid: str | None = None
    preferred: bool = False  # TYPE=pref / PREF=1


@dataclass
class CardPosition:
    """One ORG with the TITLE (and ROLE) written after it, in card order."""

    org: str | None
    department: str | None = None
    title: str | None = None
    role: str | None = None
    # What crm's own export says of it (X-CRM-POSITION): kind, start, end, and whether it
    # is current (a position the card names with ORG is).
    kind: str | None = None
    start: str | None = None
    end: str | None = None
    current: bool = True


@dataclass
class CardDate:
    """An anniversary or another labelled date (X-ABDATE); any part may be unknown."""

    label: str
    year: int | None
    month: int | None
    day: int | None
    preferred: bool = False  # TYPE=pref / PREF=1


@dataclass
class Card:
    """Everything crm takes from one contact record (a vCard, a CSV row), with whole
    (unescaped) text values; ``raw`` is the record's own text (its format is the
    record's ``raw_format``)."""

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
    # Marked as the user by crm's own export (X-CRM-ME).
    is_me: bool = False
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
    # Raw lines of what crm stores and exports from its own rows ("date", "relation",
    # "role", "label"), each with its family: written as they came only for a person
    # stored before crm kept that family (an export never loses them).
    stored_lines: list[tuple[str, str]] = field(default_factory=list)
    # When the card's facts were true: its REV date (YYYY-MM-DD), if it has one.
    known_on: str | None = None
    # A company card of crm's export: the other spellings of the company's name
    # (X-CRM-ALIAS) and its mail domains with how crm learned each, None when a company card
    # or the user gave it (X-CRM-DOMAIN:domain;how).
    aliases: list[str] = field(default_factory=list)
    domains: list[tuple[str, str | None]] = field(default_factory=list)
    # What the record says happened with the person, as the interactions it made: (ISO day,
    # summary), a LinkedIn row's "connected on LinkedIn". The import writes these through
    # its source's extras; a split (crm.core.upkeep.split) moves them with the card.
    touches: list[tuple[str, str]] = field(default_factory=list)

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)

    def employments(self) -> list[CardPosition]:
        """Every position at a company the card names, in card order (ORG/TITLE pairs, then
        past ones); a record read without positions (a CSV row) gives its one ORG."""
        jobs = [p for p in self.positions if p.org]
        if not jobs and self.org:
            jobs = [CardPosition(self.org, self.department, self.title)]
        return jobs


@dataclass
class RejectedCard:
    """A record (or stray text) that could not be read: where, why, and its raw text."""

    file: str
    line: int
    message: str
    raw: str
    raw_format: str = "vcard"  # what ``raw`` is (see PendingCard.raw_format)

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)


# Reads a stored record again: (file, line, raw text) -> the card and its source kind
# ("vcard", "google-csv", ...), or None when the text cannot be read as a card
# (crm.sources.records.read_record; crm.vcard.reader.read_stored for vCards alone).
RecordParser = Callable[[str, int, str], "tuple[Card, str] | None"]


def raw_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

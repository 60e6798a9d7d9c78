"""The lines crm does not map (X-… properties, Apple's item groups, RFC properties crm has
no column for), of a person who is several cards.

A vCard's unmapped lines are kept with its import record and written back by the export
(crm.vcard.writer), so a round trip loses nothing. A person can be several cards merged
(Marcus's card, then Marc's matched by the same phone): each card's lines are theirs. A
card imported again (the same UID, or without one the same name) speaks for itself alone:
its latest version counts, so a line deleted on the phone does not come back. crm's own
card of the person (this database's export or sync: crm's PRODID and the person's UID)
holds every card's lines of its day: it speaks only for the lines it adds to them (another
app's, on the way back).

The export reads which lines to write here (``speaking`` then ``Lines``), and the import
asks the same (``adds_to_export``) about a card that changes nothing crm stores: if it
changes what the export writes, it is recorded, not dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import groupby
from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardRejected, RecordParser
from crm.core.contacts.provenance import a_card
from crm.core.content_line import parse_prop
from crm.core.models import ImportRecord

# crm's own vCard export's PRODID (the sync writes the same cards).
EXPORT_PRODID = "-//crm//crm vCard export//EN"
_OUR_PRODID = re.compile(r"^PRODID:" + re.escape(EXPORT_PRODID) + r"\r?$",
                         re.IGNORECASE | re.MULTILINE)
# An item group's name before a property (``item1.X-ABLabel``).
ITEM_GROUP = re.compile(r"^([A-Za-z0-9_-]+)\.", re.ASCII)
_OURS = "crm"  # (the key of crm's own card among a person's cards)


def _units(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """A card's unmapped lines as the units they go in: a line alone (no group), or an item
    group's lines together, without their group's name (``item1.X-ABLabel`` labels its own
    group's line, whatever the group is called)."""
    units: list[tuple[str | None, list[str]]] = []
    groups: dict[str, list[str]] = {}
    for line in lines:
        if (m := ITEM_GROUP.match(line)) is None:
            units.append((None, [line]))
        elif (body := groups.get(m.group(1).lower())) is not None:
            body.append(line[m.end():])
        else:
            groups[m.group(1).lower()] = body = [line[m.end():]]
            units.append((m.group(1), body))
    return units


def _unit_key(name: str | None, body: list[str]) -> tuple[object, ...]:
    """What tells one unit from another: its lines in any order (the export writes a
    group's lines sorted), each as ``_said`` reads it."""
    return (name is not None, *sorted(_said(x) for x in body))


def _said(line: str) -> tuple[object, ...]:
    """A line as what it says, not how it is written, read as the vCard reader reads it
    (crm.core.content_line): its property's name in capitals (a 3.0 export's ``X-CRM-KIND``
    as ``KIND``), its parameters in any order with their values in small letters and
    unquoted (``TYPE=HOME,WORK`` as ``TYPE=home;TYPE=work``), then its value as it is."""
    try:
        p = parse_prop(0, line)
    except CardRejected:  # (kept as it came: compared as it is)
        return (line,)
    return (p.name, tuple(sorted((k, v.lower()) for k, vs in p.params.items() for v in vs)),
            p.value)


# Properties a card has once (RFC 6350's cardinality *1, and vCard 3.0's like them): of
# several cards', the latest card's line is written.
_ONCE = {"REV", "BDAY", "ANNIVERSARY", "GENDER", "KIND", "SORT-STRING", "CLASS"}


class Lines:
    """The unmapped lines of several cards of one person, added oldest card first: a line
    or a group another card has already is not written twice, a group whose name another
    card's group has is renamed, and of a property a card has once (REV…) the latest
    card's line is written. A card's own lines are all written, even one twice. One card
    (nearly everyone) is taken as it is: its lines are read only when another comes."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._indexed = False
        self._seen: set[tuple[object, ...]] = set()
        self._used: set[str] = set()  # group names
        self._once: dict[str, tuple[str, tuple[object, ...]]] = {}

    @property
    def seen(self) -> set[tuple[object, ...]]:
        """Each unit's key (``_unit_key``)."""
        self._index()
        return self._seen

    def _index(self) -> None:
        if self._indexed:
            return
        self._indexed = True
        for name, body in _units(self.lines):
            key = _unit_key(name, body)
            self._seen.add(key)
            if name is not None:
                self._used.add(name.lower())
            elif (prop := _said(body[0])[0]) in _ONCE:
                self._once[prop] = (body[0], key)

    def add(self, more: list[str]) -> None:
        if not self.lines:  # (nothing seen yet: indexed when another card comes)
            self.lines, self._indexed = list(more), False
            return
        self._index()
        seen, once = set(self._seen), dict(self._once)  # (the earlier cards')
        for name, body in _units(more):
            key = _unit_key(name, body)
            if key in seen:
                continue
            self._seen.add(key)
            if name is None:
                prop = _said(body[0])[0]
                if prop in _ONCE:
                    if (earlier := once.pop(prop, None)) is not None:
                        self.lines.remove(earlier[0])
                        self._seen.discard(earlier[1])
                    self._once[prop] = (body[0], key)
                self.lines += body
                continue
            counter = 0
            while name.lower() in self._used:
                counter += 1
                name = f"item{counter}"
            self._used.add(name.lower())
            self.lines += [f"{name}.{x}" for x in body]


def is_ours(card: Card, person_uid: str | None) -> bool:
    """Whether ``card`` is crm's own card of the person whose UID is ``person_uid``."""
    return (card.uid is not None and card.uid == person_uid
            and _OUR_PRODID.search(card.raw) is not None)


def speaking(cards: Iterable[Card], person_uid: str | None) -> list[Card]:
    """Of a person's vCards, oldest first, those whose unmapped lines the export writes
    (crm's own card cut down to what it adds), in the order their latest versions came."""
    out: dict[str, Card] = {}
    for card in cards:
        if is_ours(card, person_uid):
            key = _OURS
            card = _what_it_adds(card, [c for k, c in out.items() if k != _OURS])
        elif card.uid:
            key = f"uid:{card.uid}"
        else:
            key = f"fn:{card.display_name.casefold()}"
        out.pop(key, None)  # (its place: among the latest)
        out[key] = card
    return list(out.values())


def _what_it_adds(ours: Card, cards: list[Card]) -> Card:
    """crm's own card of a person with only the unmapped lines that ``cards`` (the
    person's other cards, as they were when it came) do not have. (Its dates, relations
    and role crm wrote from what it stores: none of them is a line kept as it came.)"""
    known = Lines()
    for card in cards:
        known.add(card.extra_lines)
    lines = [f"{name}.{x}" if name is not None else x
             for name, body in _units(ours.extra_lines)
             if _unit_key(name, body) not in known.seen for x in body]
    return replace(ours, extra_lines=lines, stored_lines=[])


def _written(cards: list[Card]) -> set[tuple[object, ...]]:
    """The unmapped lines the export writes of ``cards`` (each unit's key). A card's
    dates, relations and role are stored: a change of theirs is a change crm stores."""
    lines = Lines()
    for card in cards:
        lines.add(card.extra_lines)
    return lines.seen


def adds_to_export(card: Card, cards: list[Card], person_uid: str | None) -> bool:
    """Whether recording ``card`` (a vCard) after ``cards`` (the person's vCards, oldest
    first) changes the unmapped lines their export writes: a line added, changed or
    deleted on the phone in a card that changes nothing else crm stores."""
    return (_written(speaking([*cards, card], person_uid))
            != _written(speaking(cards, person_uid)))


def stored_vcards(session: Session, ids: Iterable[int], parse: RecordParser, *,
                  companies: bool = False) -> Iterator[tuple[int, list[Card]]]:
    """Each person's (with ``companies``, each company's) imported cards that ``parse``
    reads as vCards, oldest first: one person's at a time (read by owner, then by age), so
    that a whole database's are never all in memory."""
    owner = ImportRecord.company_id if companies else ImportRecord.person_id
    wanted = sorted(set(ids))
    for part in (wanted[i: i + 500] for i in range(0, len(wanted), 500)):
        rows = session.execute(
            select(owner, ImportRecord.source_file, ImportRecord.line, ImportRecord.raw)
            .where(owner.in_(part), ImportRecord.status == "imported",
                   a_card(ImportRecord.matched_by))
            .order_by(owner, ImportRecord.id))
        for oid, records in groupby(rows, key=itemgetter(0)):
            cards = [got[0] for _, file, line, raw in records
                     if (got := parse(file, line, raw)) is not None and got[1] == "vcard"]
            if cards:
                yield oid, cards

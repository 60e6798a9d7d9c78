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
from collections.abc import Iterable
from dataclasses import replace

from crm.core.cards import Card

# crm's own vCard export's PRODID (the sync writes the same cards).
EXPORT_PRODID = "-//crm//crm vCard export//EN"
_OUR_PRODID = re.compile(r"^PRODID:" + re.escape(EXPORT_PRODID) + r"\r?$",
                         re.IGNORECASE | re.MULTILINE)
# An item group's name before a property (``item1.X-ABLabel``).
ITEM_GROUP = re.compile(r"^([A-Za-z0-9_-]+)\.", re.ASCII)
_SEPARATOR = re.compile(r"[;:]")
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
    group's lines sorted), each as ``_canonical`` has it."""
    return (name is not None, *sorted(_canonical(x) for x in body))


def _canonical(line: str) -> str:
    """A line as what it says, not how it is written: its property's name (``_prop``),
    its parameters in any order, their names in capitals and their values in small letters
    and unquoted (``TYPE=HOME,WORK`` as ``TYPE=home;TYPE=work``, as the export may write
    them), then its value as it is."""
    head, value = _head_and_value(line)
    name, *params = _outside_quotes(head, ";")
    words: set[str] = set()
    for param in params:
        key, _, values = param.partition("=")
        for one in _outside_quotes(values, ",") if values else [""]:
            words.add(key.strip().upper() + "=" + one.strip().strip('"').lower())
    return ";".join([_prop(name), *sorted(words)]) + ":" + value


def _head_and_value(line: str) -> tuple[str, str]:
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i], line[i + 1:]
    return line, ""


def _outside_quotes(text: str, sep: str) -> list[str]:
    parts, start, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _prop(line: str) -> str:
    """A line's property name in capitals (its case means nothing, and the export writes
    capitals), a 4.0 property a 3.0 export wrote as ``X-CRM-KIND`` by its own name."""
    name = _SEPARATOR.split(line, maxsplit=1)[0].upper()
    if name.startswith("X-CRM-") and not name.startswith("X-CRM-X-"):
        return name[6:]
    return name


# Properties a card has once (RFC 6350's cardinality *1, and vCard 3.0's like them): of
# several cards', the latest card's line is written.
_ONCE = {"REV", "BDAY", "ANNIVERSARY", "GENDER", "KIND", "SORT-STRING", "CLASS"}


class Lines:
    """The unmapped lines of several cards of one person, added oldest card first: a line
    or a group another card has already is not written twice, a group whose name another
    card's group has is renamed, and of a property a card has once (REV…) the latest
    card's line is written."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.seen: set[tuple[object, ...]] = set()
        self._used: set[str] = set()
        self._once: dict[str, tuple[str, tuple[object, ...]]] = {}

    def add(self, more: list[str]) -> None:
        """One more card's lines (a card's own lines are all written, even one twice)."""
        seen, once = set(self.seen), dict(self._once)  # (the earlier cards')
        for name, body in _units(more):
            key = _unit_key(name, body)
            if key in seen:
                continue
            self.seen.add(key)
            if name is None:
                prop = _prop(body[0])
                if prop in _ONCE:
                    if (earlier := once.pop(prop, None)) is not None:
                        self.lines.remove(earlier[0])
                        self.seen.discard(earlier[1])
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

"""Cards imported before crm stored what a card says beyond names and contact points (ROLE,
dated events, named relations, an address's parts and printed form: migration 0009_truth)
kept those lines only in their raw text, which crm keeps with each import's provenance: an
export writes them as they came, so nothing was lost, but they were neither shown nor
searchable. Re-importing the same file fills them in: its cards are the ones crm read then,
and they are read again only when they hold such a line and their person has none of it.
Only those gaps are filled (never a contact point, a name or a position the user changed
since), and the card counts as "updated".
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardRejected
from crm.core.importing.common import chunks
from crm.core.importing.merge import Merges, fill_addresses, merge_dates_and_relations
from crm.core.importing.sources import PendingRecord
from crm.core.models import ContactPoint, Person, PersonDate, PersonRelation

# A line of a family crm stores since 0009 (a false hit only costs a look at the person).
# Anchored on the newline before it, not with MULTILINE's ^, and not unfolded first: 7 us
# a card instead of 14 (a re-import of 10k unchanged cards looks at each); a property name
# folded before its colon is missed, which no phone writes (a name is far shorter than a
# line).
_FAMILIES = re.compile(
    r"\n(?:[A-Za-z0-9_-]+\.)?(?:ROLE|ADR|LABEL|X-ABDATE|[A-Z-]*ANNIVERSARY|RELATED"
    r"|X-ABRELATEDNAMES|X-[A-Za-z0-9-]*(?:MANAGER|ASSISTANT|SPOUSE)[A-Za-z0-9-]*"
    r"|X-ANDROID-CUSTOM|AGENT)[;:]", re.IGNORECASE)

MESSAGE = ("filled from this card, imported before crm kept its role, dates, relations "
           "and address parts")


def _may_hold(raw: str) -> bool:
    return _FAMILIES.search(raw) is not None


def _without(session: Session, pids: list[int]) -> set[int]:
    """Of ``pids``, the people with no role, dated event, named relation or address parts
    stored: as a person imported before 0009 is."""
    have: set[int] = set()
    for part in chunks(pids):
        have.update(session.scalars(select(Person.id).where(Person.id.in_(part),
                                                            Person.role.is_not(None))))
        have.update(session.scalars(select(PersonDate.person_id)
                                    .where(PersonDate.person_id.in_(part))))
        have.update(session.scalars(select(PersonRelation.person_id)
                                    .where(PersonRelation.person_id.in_(part))))
        have.update(session.scalars(select(ContactPoint.person_id).where(
            ContactPoint.person_id.in_(part), ContactPoint.address_parts.is_not(None))))
    return set(pids) - have


def refill(session: Session, unchanged: list[tuple[PendingRecord, int]]
           ) -> list[tuple[PendingRecord, Card]]:
    """Fill, from cards imported before unchanged (each with its person), what crm did not
    keep of them then; the records that filled anything, with their cards."""
    maybe = [(item, pid) for item, pid in unchanged if _may_hold(item.raw)]
    if not maybe:
        return []
    wanted = _without(session, sorted({pid for _, pid in maybe}))
    todo: list[tuple[PendingRecord, int, Card]] = []
    for item, pid in maybe:
        if pid not in wanted:
            continue
        try:
            card = item.parse()
        except (CardRejected, Exception):  # (it was read once; an unreadable one stays so)
            continue
        todo.append((item, pid, card))
    if not todo:
        return []
    people = Merges(session, wanted)
    filled: list[tuple[PendingRecord, Card]] = []
    for item, pid, card in todo:
        held = people[pid]
        changed = False
        if card.role and not held.row["role"]:
            held.set("role", card.role)
            changed = True
        changed |= merge_dates_and_relations(held, card)
        changed |= fill_addresses(held, card.contacts)
        if changed:
            held.dirty = True
            filled.append((item, card))
    people.write()
    return filled

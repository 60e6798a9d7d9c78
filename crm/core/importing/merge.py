"""Updating who already exists from a card: gaps are filled and contact points added;
nothing already there is deleted or overwritten."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.core.cards import Card, CardPosition
from crm.core.contacts.companies import add_alias
from crm.core.contacts.people import refresh_search_text
from crm.core.contacts.positions import end_position
from crm.core.importing.common import card_domains, employer_domains
from crm.core.importing.index import Index
from crm.core.importing.write import (
    add_contacts,
    card_dates,
    card_relations,
    contact_point,
    date_key,
    known_on,
    relation_key,
)
from crm.core.models import (
    Company,
    CompanyContact,
    CompanyDomain,
    Person,
    PersonDate,
    PersonRelation,
    Position,
    utcnow,
)
from crm.core.normalize import company_key

_NAME_FIELDS = ("given_name", "family_name", "additional_names", "name_prefix",
                "name_suffix", "nickname", "uid")


def merge(session: Session, index: Index, person: Person, card: Card, source: str) -> bool:
    """Fill the gaps of ``person`` from ``card``; True when anything changed."""
    changed = False
    for attr in _NAME_FIELDS:
        value = getattr(card, attr)
        if value and not getattr(person, attr):
            setattr(person, attr, value)
            changed = True
    changed |= _merge_birthday(person, card)
    if card.photo is not None and person.photo_type is None:
        person.photo, person.photo_type = card.photo, card.photo_type
        changed = True
    if card.note:
        if not person.note:
            person.note = card.note
            changed = True
        elif card.note not in person.note:
            # Both texts are kept: the user's note is never overwritten.
            person.note = f"{person.note}\n\n{card.note}"
            changed = True
    if add_contacts(person, card):
        changed = True
    if card.role and not person.role:
        person.role = card.role
        changed = True
    changed |= _merge_dates_and_relations(person, card)
    have_tags = {t.name for t in person.tags}
    for name in card.categories:
        if name not in have_tags:
            person.tags.append(index.tag(name))
            have_tags.add(name)
            changed = True
    if card.employments():
        changed |= update_position(session, index, person, card, source)
    elif card.title and not person.headline and not person.positions:
        person.headline = card.title
        changed = True
    if changed:
        refresh_search_text(person)
    return changed


def _merge_dates_and_relations(person: Person, card: Card) -> bool:
    """The card's dated events and named relations that ``person`` has not got yet."""
    changed = False
    have_dates: set[tuple[str, int | None, int | None, int | None]] = {
        (d.label, d.year, d.month, d.day) for d in person.dates}
    for d in card_dates(card):
        if date_key(d) not in have_dates:
            have_dates.add(date_key(d))
            person.dates.append(PersonDate(label=d.label, year=d.year, month=d.month,
                                           day=d.day))
            changed = True
    have = {(r.name, r.label, r.uid) for r in person.relations}
    for r in card_relations(card):
        if relation_key(r) not in have:
            have.add(relation_key(r))
            person.relations.append(PersonRelation(name=r.name, label=r.label, uid=r.uid))
            changed = True
    return changed


def _merge_birthday(person: Person, card: Card) -> bool:
    if card.birthday_month is None and card.birthday_year is None:
        return False
    if person.birthday_month is None and person.birthday_year is None:
        person.birthday_year = card.birthday_year
        person.birthday_month = card.birthday_month
        person.birthday_day = card.birthday_day
        return True
    if (person.birthday_year is None and card.birthday_year is not None
            and (person.birthday_month, person.birthday_day)
            == (card.birthday_month, card.birthday_day)):
        person.birthday_year = card.birthday_year
        return True
    return False


def update_position(session: Session, index: Index, person: Person, card: Card,
                    source: str) -> bool:
    """The card's positions, each in turn: a known one is kept (gaps filled; an older
    export does not reopen a past one); a new current one closes the current positions
    the card no longer names and opens beside the others, so history is kept; a past one
    (from crm's own export) is added as history."""
    changed = False
    named: set[int] = set()  # positions the card names (by object id: some are unsaved)
    new: list[CardPosition] = []
    for job in card.employments():
        assert job.org
        key = company_key(job.org)
        found = index.companies.find(job.org, employer_domains(card, job.org))
        for pos in person.positions:
            same_company = (pos.company is found if found is not None
                            else company_key(pos.company.name) == key)
            if same_company and (pos.title or None) == (job.title or None):
                named.add(id(pos))
                changed |= _fill_position(pos, job)
                break
        else:
            new.append(job)
    if any(job.current for job in new):
        for pos in person.positions:
            if pos.is_current and id(pos) not in named:
                end_position(pos, None)
    for job in reversed(new):  # the card's first ORG last: the current one (see write)
        with session.no_autoflush:
            company = index.companies.employer(card, source, job)
        # Not positions.add_position: its flush per card made a later export of 10k
        # changed cards take seconds; the chunk is flushed once (and the reader checked
        # the kind and the dates), and merge() refreshes the search text.
        pos = Position(person=person, company=company, title=job.title,
                       department=job.department, kind=job.kind, start=job.start,
                       end=job.end, is_current=job.current, source=source,
                       known_on=known_on(card, utcnow().date()))
        session.add(pos)
        named.add(id(pos))
        changed = True
    return changed


def _fill_position(pos: Position, job: CardPosition) -> bool:
    """Gaps of a known position that the card fills (never a value it has)."""
    changed = False
    if pos.is_current and job.department and not pos.department:
        pos.department = job.department
        changed = True
    for attr in ("kind", "start", "end"):
        value = getattr(job, attr)
        if value and not getattr(pos, attr) and (attr != "end" or not pos.is_current):
            setattr(pos, attr, value)
            changed = True
    return changed


def company_card(index: Index, card: Card, source: str) -> Company:
    """The company a company card is about (found or created), its gaps filled."""
    assert card.org
    domains = card_domains(card)
    company = index.companies.get_or_create(card.org, domains, source)
    if card.display_name and card.display_name != card.org:
        add_alias(index.session, company, card.display_name)
    taken = set(index.companies.by_domain)
    for dom in domains:
        if dom not in taken and all(d.domain != dom for d in company.domains):
            company.domains.append(CompanyDomain(domain=dom))
            index.companies.by_domain[dom] = company
            index.companies.trusted.add(dom)
    urls = [c.value for c in card.contacts if c.kind == "url"]
    if urls and not company.website:
        company.website = urls[0]
    if card.note and not company.note:
        company.note = card.note
    # Its own phones, emails, URLs and addresses, tags and photo (gaps filled).
    have = {(c.kind, c.normalized) for c in company.contact_points}
    for cp in card.contacts:
        p = contact_point(cp)
        if (p.kind, p.normalized) not in have:
            have.add((p.kind, p.normalized))
            company.contact_points.append(CompanyContact(
                kind=p.kind, label=p.label, value=p.value, normalized=p.normalized,
                preferred=p.preferred, address_parts=p.parts, address_label=p.formatted))
    have_tags = {t.name for t in company.tags}
    for name in card.categories:
        if name not in have_tags:
            have_tags.add(name)
            company.tags.append(index.tag(name))
    if card.photo is not None and company.photo_type is None:
        company.photo, company.photo_type = card.photo, card.photo_type
    return company

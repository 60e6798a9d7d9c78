"""Updating who already exists from a card: gaps are filled and contact points added;
nothing already there is deleted or overwritten."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.core.cards import Card
from crm.core.contacts.companies import add_alias
from crm.core.contacts.people import current_position, refresh_search_text
from crm.core.contacts.positions import add_position, end_position
from crm.core.importing.common import card_domains
from crm.core.importing.index import Index
from crm.core.importing.write import add_contacts, known_on
from crm.core.models import Company, CompanyDomain, Person, utcnow
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
    have_tags = {t.name for t in person.tags}
    for name in card.categories:
        if name not in have_tags:
            person.tags.append(index.tag(name))
            have_tags.add(name)
            changed = True
    if card.org:
        changed |= update_position(session, index, person, card, source)
    elif card.title and not person.headline and not person.positions:
        person.headline = card.title
        changed = True
    if changed:
        refresh_search_text(person)
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
    """A new ORG/TITLE closes the current position and opens a new one; a known one is kept."""
    assert card.org
    key = company_key(card.org)
    domains = card_domains(card)
    found = index.companies.find(card.org, domains)
    for pos in person.positions:
        same_company = (pos.company is found if found is not None
                        else company_key(pos.company.name) == key)
        if same_company and (pos.title or None) == (card.title or None):
            if pos.is_current and card.department and not pos.department:
                pos.department = card.department
                return True
            # Known already, current or as history: an older export does not reopen it.
            return False
    current = current_position(person)
    with session.no_autoflush:
        if current is not None:
            end_position(current, None)
        company = index.companies.employer(card, source)
    pos = add_position(session, person, company, title=card.title, department=card.department,
                       current=True, source=source)
    pos.known_on = known_on(card, utcnow().date())
    return True


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
    return company

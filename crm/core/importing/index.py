"""The matching keys of one chunk, looked up in a few batched queries before any change:
UIDs, emails and phones of people, same-name candidates, companies by name, alias and mail
domain, and tags. Earlier chunks' people and companies are seen (they are flushed)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardPosition
from crm.core.contacts.companies import add_alias
from crm.core.importing.common import (
    Holder,
    card_domains,
    chunks,
    employer_domains,
    is_profile,
    match_keys,
    normalized,
)
from crm.core.importing.state import Run
from crm.core.models import (
    Company,
    CompanyAlias,
    CompanyDomain,
    ContactPoint,
    ImportRecord,
    Person,
    PersonAlias,
    Tag,
)
from crm.core.normalize import company_key, fold
from crm.core.upkeep.tombstones import deleted_matches, has_tombstones


class Index:
    """Everything matching a chunk needs, looked up in a few batched queries before any
    change; it sees the people and companies earlier chunks created (they are flushed)."""

    def __init__(self, session: Session, cards: list[Card], run: Run) -> None:
        self.session = session
        uids = sorted({c.uid for c in cards if c.uid})
        emails: set[str] = set()
        phones: set[str] = set()
        profiles: set[str] = set()
        for card in cards:
            for cp in card.contacts:
                norm = normalized(cp)
                if cp.kind == "email":
                    emails.add(norm)
                elif cp.kind == "phone" and norm:
                    phones.add(norm)
                elif cp.kind == "social" and is_profile(norm):
                    profiles.add(norm)
        self.by_uid: dict[str, int] = {}
        for chunk in chunks(uids):
            for pid, uid in session.execute(
                    select(Person.id, Person.uid).where(Person.uid.in_(chunk))):
                if uid is not None:
                    self.by_uid[uid] = pid
            # Someone merged into another person: their old UID leads to the survivor.
            for uid, pid in session.execute(select(PersonAlias.uid, PersonAlias.person_id)
                                            .where(PersonAlias.uid.in_(chunk))):
                if uid is not None:
                    self.by_uid.setdefault(uid, pid)
        # People the user deleted (crm.core.upkeep.tombstones): a card that would bring one back
        # is skipped, by its UID, an email or phone they had, or its exact text.
        self.deleted: dict[tuple[str, str], tuple[int, str]] = {}
        if has_tombstones(session):
            stone_keys = [("card", c.raw_hash) for c in cards]
            stone_keys += [("uid", c.uid) for c in cards if c.uid]
            stone_keys += [k for c in cards for k in match_keys(c)
                           if k[0] in ("email", "phone")]
            self.deleted = deleted_matches(session, stone_keys)
        # Everyone with the value, oldest first: the first is the match (see match).
        self.by_email: dict[str, list[int]] = {}
        self.by_phone: dict[str, list[int]] = {}
        self.by_profile: dict[str, list[int]] = {}
        for kinds, values, target in ((("email",), emails, self.by_email),
                                      (("phone",), phones, self.by_phone),
                                      (("social", "url"), profiles, self.by_profile)):
            for chunk in chunks(sorted(values)):
                rows = session.execute(
                    select(ContactPoint.normalized, ContactPoint.person_id)
                    .where(ContactPoint.kind.in_(kinds), ContactPoint.normalized.in_(chunk))
                    .order_by(ContactPoint.id))
                for norm, pid in rows:
                    pids = target.setdefault(norm, [])
                    if pid not in pids:
                        pids.append(pid)
        keys = sorted({fold(c.display_name).strip() for c in cards if c.display_name})
        # Same-name suggestions name people who were there before the import, as when the
        # file was read whole.
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        for chunk in chunks(keys):
            for pid, key, name in session.execute(
                    select(Person.id, Person.sort_key, Person.display_name)
                    .where(Person.sort_key.in_(chunk), Person.id <= run.people_before)
                    .order_by(Person.id)):
                self.by_name.setdefault(key, []).append((pid, name))
        self.companies = CompanyIndex(session, cards)
        names = sorted({t for c in cards for t in c.categories})
        self.tags: dict[str, Tag] = {}
        for chunk in chunks(names):
            for tag in session.scalars(select(Tag).where(Tag.name.in_(chunk))):
                self.tags[tag.name] = tag
        self.imported_people: set[int] = set()  # imported before this import
        ids = sorted(set(self.by_uid.values())
                     | {p for pids in self.by_profile.values() for p in pids}
                     | {p for pids in self.by_email.values() for p in pids}
                     | {p for pids in self.by_phone.values() for p in pids})
        # Whom a shared email or phone may be about: their names and UID (see identity).
        self.holders: dict[int, Holder] = {}
        for chunk in chunks(ids):
            for pid, name, nickname, uid in session.execute(
                    select(Person.id, Person.display_name, Person.nickname, Person.uid)
                    .where(Person.id.in_(chunk))):
                self.holders[pid] = Holder(name, nickname, uid)
        for chunk in chunks(ids):
            self.imported_people.update(session.scalars(
                select(ImportRecord.person_id).where(ImportRecord.person_id.in_(chunk),
                                                     ImportRecord.status == "imported",
                                                     ImportRecord.id <= run.records_before)))

    def tag(self, name: str) -> Tag:
        tag = self.tags.get(name)
        if tag is None:
            tag = Tag(name=name)
            self.session.add(tag)
            self.tags[name] = tag
        return tag

    def is_deleted(self, card: Card) -> bool:
        """Whether the card is about someone the user deleted."""
        if not self.deleted:
            return False
        keys = [("card", card.raw_hash)] + ([("uid", card.uid)] if card.uid else [])
        keys += [k for k in match_keys(card) if k[0] in ("email", "phone")]
        return any(k in self.deleted for k in keys)

    def by_uid_match(self, card: Card) -> int | None:
        """The person already in the database with the card's UID."""
        return self.by_uid.get(card.uid) if card.uid else None

    def contact_holders(self, kind: str, norm: str) -> list[int]:
        """Who in the database has this profile URL, email or phone, oldest first."""
        table = {"profile": self.by_profile, "email": self.by_email,
                 "phone": self.by_phone}[kind]
        return table.get(norm, [])


class CompanyIndex:
    """Companies by name key, alias key and email domain, loaded once per chunk."""

    def __init__(self, session: Session, cards: list[Card]) -> None:
        self.session = session
        keys = sorted({company_key(job.org) for c in cards for job in c.employments()
                       if job.org} - {""})
        # (and the domains crm's export wrote on a company card: X-CRM-DOMAIN)
        domains = sorted({d for c in cards for d in card_domains(c)}
                         | {d for c in cards for d, _ in c.domains})
        self.by_key: dict[str, Company] = {}
        self.by_domain: dict[str, Company] = {}
        for chunk in chunks(keys):
            for company in session.scalars(select(Company).where(Company.name_key.in_(chunk))
                                           .order_by(Company.id)):
                self.by_key.setdefault(company.name_key, company)
            for alias_key, company in session.execute(
                    select(CompanyAlias.alias_key, Company).join(Company)
                    .where(CompanyAlias.alias_key.in_(chunk)).order_by(Company.id)):
                self.by_key.setdefault(alias_key, company)
        # Domains the user gave (or a company card): an ORG of another name with such a mail
        # domain is that company. Learned ones (``source`` set) only resolve lookups: one
        # person's work address must not fold another company into theirs.
        self.trusted: set[str] = set()
        for chunk in chunks(domains):
            for domain, source, company in session.execute(
                    select(CompanyDomain.domain, CompanyDomain.source, Company).join(Company)
                    .where(CompanyDomain.domain.in_(chunk))):
                self.by_domain[domain] = company
                if source is None:
                    self.trusted.add(domain)
        self.created: list[Company] = []

    def find(self, name: str, domains: Iterable[str]) -> Company | None:
        company = self.by_key.get(company_key(name))
        if company is not None:
            return company
        for dom in domains:
            if dom in self.trusted:
                return self.by_domain[dom]
        return None

    def employer(self, card: Card, source: str, job: CardPosition | None = None) -> Company:
        """The company a person card's ORG (or its position ``job``) names (found by name,
        alias or work domain, or created); the card's spelling is kept as an alias when it
        is another name, and its work mail domains are learned for the company when nobody
        has them yet (see ``employer_domains`` for a card naming several companies)."""
        org = job.org if job is not None else card.org
        assert org
        domains = employer_domains(card, org)
        company = self.get_or_create(org, domains, source)
        key = company_key(org)
        if key and key != company.name_key and key not in self.by_key:
            add_alias(self.session, company, org)
            self.by_key[key] = company
        for dom in domains:
            if dom not in self.by_domain:
                company.domains.append(CompanyDomain(
                    domain=dom, source=f"work email of {card.display_name} ({source})"))
                self.by_domain[dom] = company
        return company

    def get_or_create(self, name: str, domains: Iterable[str], source: str) -> Company:
        company = self.find(name, domains)
        if company is None:
            company = Company(name=name, name_key=company_key(name), source=source)
            self.session.add(company)
            self.by_key[company.name_key] = company
            self.created.append(company)
        return company

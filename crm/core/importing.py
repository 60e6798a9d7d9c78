"""Importing contact cards: match each to a person (or company), then create or merge.

Matching follows SPEC.md: UID, then normalized email, then normalized phone. A card that
matches only by name is created and reported as a suggestion, never merged. Merging fills
gaps and adds contact points; it never deletes or overwrites what is already there. A card
whose exact raw text was imported before is skipped without being read, so re-importing an
export changes nothing and costs little.

The caller wraps ``import_cards`` in one ``Database.write()`` unit: the whole import is one
transaction, so that an interrupted import leaves the database as it was (SPEC.md). Inside
that transaction the cards are taken a chunk at a time (``CARDS_PER_CHUNK``): a chunk is read,
matched against the database, written in a few batched statements and flushed, and then its
cards and ORM objects are let go, so that memory is bounded by a chunk rather than by the
file (a million-line export is 111k cards). Flushing before the next chunk's lookups is what
makes a card's relations find people created by an earlier chunk; the little that must span
the whole file (the UIDs, emails and phones its cards carried and whom each was about, the
names that relations refer to) is kept as text and ids, so that a card matches an earlier one
whatever chunk boundary falls between them, and relations are linked in a last pass, once
everyone they may name exists. A first pass
(``survey_cards``) counts the cards for progress and collects the names relations refer to.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session, selectinload

from crm.core.cards import (
    Card,
    CardContact,
    CardRejected,
    CardRelation,
    PendingCard,
    RejectedCard,
)
from crm.core.companies import add_alias
from crm.core.import_extras import ExtrasReport
from crm.core.limits import check_rows
from crm.core.models import (
    Base,
    Company,
    CompanyAlias,
    CompanyDomain,
    Connection,
    ContactPoint,
    ImportRecord,
    Person,
    PersonAlias,
    PersonTag,
    Position,
    Tag,
    utcnow,
)
from crm.core.network import link
from crm.core.normalize import company_key, email_domain, fold, is_email
from crm.core.people import contact_normalized, current_position, refresh_search_text
from crm.core.positions import add_position, end_position
from crm.core.tombstones import deleted_matches, has_tombstones

Progress = Callable[[int, int], None]
CHUNK = 500  # values in one IN (...) clause
# Cards read, written and let go at a time: bounds memory; thousands keep statements few.
CARDS_PER_CHUNK = 2000
# Mail domains that say nothing about someone's employer.
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com",
    "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "gmx.de", "gmx.net", "web.de", "yandex.ru", "mail.ru", "qq.com",
    "163.com", "126.com", "fastmail.com", "hey.com", "zoho.com", "orange.fr", "free.fr",
}
# Labels of X-ABRELATEDNAMES / RELATED / Android relations that name a connection kind.
RELATION_KINDS = {
    "manager": "manager", "boss": "manager", "supervisor": "manager",
    "assistant": "report", "report": "report", "direct report": "report",
    "colleague": "co-worker", "co-worker": "co-worker", "coworker": "co-worker",
    "friend": "friend", "mentor": "mentor", "mentee": "mentee", "recruiter": "recruiter",
    "classmate": "classmate", "professor": "professor", "acquaintance": "acquaintance",
    "referred by": "introduced-by", "referred_by": "introduced-by",
    "introduced by": "introduced-by",
    "spouse": "family", "partner": "family", "domestic partner": "family", "mother": "family",
    "father": "family", "parent": "family", "brother": "family", "sister": "family",
    "sibling": "family", "child": "family", "son": "family", "daughter": "family",
    "relative": "family", "kin": "family",
}


@dataclass(slots=True)
class CardOutcome:
    """What one card did (or would do, in a dry run)."""

    file: str
    line: int
    name: str
    action: str  # created, updated, merged, unchanged, company, rejected
    person_id: int | None = None
    company_id: int | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "line": self.line, "name": self.name,
                                "action": self.action}
        for key in ("person_id", "company_id", "message"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Suggestion:
    """A new person whose name equals someone already there: maybe the same, for review."""

    file: str
    line: int
    name: str
    person_id: int | None
    candidates: list[tuple[int, str]]

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "name": self.name,
                "person_id": self.person_id,
                "candidates": [{"id": i, "name": n} for i, n in self.candidates]}


@dataclass
class CardWarning:
    """A line of an imported card that was read with a doubt or left out (the card itself is
    imported; the line stays in its raw text). ``damaged``: text may differ from the file."""

    file: str
    line: int
    message: str
    damaged: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message,
                "damaged": self.damaged}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    companies_created: int = 0
    connections: int = 0
    # Cards about someone the user deleted (a tombstone): not brought back.
    skipped_deleted: int = 0
    dry_run: bool = False
    rejected: list[RejectedCard] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    outcomes: list[CardOutcome] = field(default_factory=list)
    warnings: list[CardWarning] = field(default_factory=list)
    # What an export carried besides cards (LinkedIn: interactions, job changes…).
    extras: ExtrasReport | None = None

    @property
    def damaged(self) -> bool:
        """Some imported text may differ from the file (or a line of it was left out)."""
        return any(w.damaged for w in self.warnings)

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "companies_created": self.companies_created,
            "rejected": [{"file": r.file, "line": r.line, "message": r.message}
                         for r in self.rejected],
            "suggestions": [s.to_json() for s in self.suggestions],
            "skipped_deleted": self.skipped_deleted,
            "warnings": [w.to_json() for w in self.warnings],
            **(self.extras.to_json() if self.extras is not None else {}),
        }

    def add(self, other: ImportReport) -> None:
        """Count ``other`` (another source of the same import) in this report."""
        for name in ("created", "updated", "unchanged", "merged", "companies_created",
                     "connections", "skipped_deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected += other.rejected
        self.suggestions += other.suggestions
        self.outcomes += other.outcomes
        self.warnings += other.warnings

    def names(self, action: str) -> list[str]:
        return [o.name for o in self.outcomes if o.action == action]


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i: i + CHUNK]


class _Index:
    """Everything matching a chunk needs, looked up in a few batched queries before any
    change; it sees the people and companies earlier chunks created (they are flushed)."""

    def __init__(self, session: Session, cards: list[Card], run: _Run) -> None:
        self.session = session
        uids = sorted({c.uid for c in cards if c.uid})
        emails: set[str] = set()
        phones: set[str] = set()
        profiles: set[str] = set()
        for card in cards:
            for cp in card.contacts:
                norm = _normalized(cp)
                if cp.kind == "email":
                    emails.add(norm)
                elif cp.kind == "phone" and norm:
                    phones.add(norm)
                elif cp.kind == "social" and is_profile(norm):
                    profiles.add(norm)
        self.by_uid: dict[str, int] = {}
        for chunk in _chunks(uids):
            for pid, uid in session.execute(
                    select(Person.id, Person.uid).where(Person.uid.in_(chunk))):
                if uid is not None:
                    self.by_uid[uid] = pid
            # Someone merged into another person: their old UID leads to the survivor.
            for uid, pid in session.execute(select(PersonAlias.uid, PersonAlias.person_id)
                                            .where(PersonAlias.uid.in_(chunk))):
                if uid is not None:
                    self.by_uid.setdefault(uid, pid)
        # People the user deleted (crm.core.tombstones): a card that would bring one back
        # is skipped, by its UID, an email or phone they had, or its exact text.
        self.deleted: dict[tuple[str, str], tuple[int, str]] = {}
        if has_tombstones(session):
            stone_keys = [("card", c.raw_hash) for c in cards]
            stone_keys += [("uid", c.uid) for c in cards if c.uid]
            stone_keys += [k for c in cards for k in _match_keys(c)
                           if k[0] in ("email", "phone")]
            self.deleted = deleted_matches(session, stone_keys)
        # Everyone with the value, oldest first: the first is the match (see _match).
        self.by_email: dict[str, list[int]] = {}
        self.by_phone: dict[str, list[int]] = {}
        self.by_profile: dict[str, list[int]] = {}
        for kinds, values, target in ((("email",), emails, self.by_email),
                                      (("phone",), phones, self.by_phone),
                                      (("social", "url"), profiles, self.by_profile)):
            for chunk in _chunks(sorted(values)):
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
        for chunk in _chunks(keys):
            for pid, key, name in session.execute(
                    select(Person.id, Person.sort_key, Person.display_name)
                    .where(Person.sort_key.in_(chunk), Person.id <= run.people_before)
                    .order_by(Person.id)):
                self.by_name.setdefault(key, []).append((pid, name))
        self.companies = _CompanyIndex(session, cards)
        names = sorted({t for c in cards for t in c.categories})
        self.tags: dict[str, Tag] = {}
        for chunk in _chunks(names):
            for tag in session.scalars(select(Tag).where(Tag.name.in_(chunk))):
                self.tags[tag.name] = tag
        self.imported_people: set[int] = set()  # imported before this import
        ids = sorted(set(self.by_uid.values())
                     | {p for pids in self.by_profile.values() for p in pids}
                     | {p for pids in self.by_email.values() for p in pids}
                     | {p for pids in self.by_phone.values() for p in pids})
        for chunk in _chunks(ids):
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


class _CompanyIndex:
    """Companies by name key, alias key and email domain, loaded once per import."""

    def __init__(self, session: Session, cards: list[Card]) -> None:
        self.session = session
        keys = sorted({company_key(c.org) for c in cards if c.org} - {""})
        domains = sorted({d for c in cards for d in _card_domains(c)})
        self.by_key: dict[str, Company] = {}
        self.by_domain: dict[str, Company] = {}
        for chunk in _chunks(keys):
            for company in session.scalars(select(Company).where(Company.name_key.in_(chunk))
                                           .order_by(Company.id)):
                self.by_key.setdefault(company.name_key, company)
            for alias_key, company in session.execute(
                    select(CompanyAlias.alias_key, Company).join(Company)
                    .where(CompanyAlias.alias_key.in_(chunk)).order_by(Company.id)):
                self.by_key.setdefault(alias_key, company)
        for chunk in _chunks(domains):
            for domain, company in session.execute(
                    select(CompanyDomain.domain, Company).join(Company)
                    .where(CompanyDomain.domain.in_(chunk))):
                self.by_domain[domain] = company
        self.created: list[Company] = []

    def find(self, name: str, domains: Iterable[str]) -> Company | None:
        company = self.by_key.get(company_key(name))
        if company is not None:
            return company
        for dom in domains:
            if dom in self.by_domain:
                return self.by_domain[dom]
        return None

    def get_or_create(self, name: str, domains: Iterable[str], source: str) -> Company:
        company = self.find(name, domains)
        if company is None:
            company = Company(name=name, name_key=company_key(name), source=source)
            self.session.add(company)
            self.by_key[company.name_key] = company
            self.created.append(company)
        return company


# Normalizing a phone number takes tens of microseconds and a card's values are normalized
# several times; the values of a 10k-card export fit, so that importing it again is cheap.
# Emptied when full: memory stays bounded whatever the size of the file.
_norm_cache: dict[tuple[str, str], str] = {}
_NORM_CACHE_SIZE = 50_000


def _normalized(cp: CardContact) -> str:
    key = (cp.kind, cp.value)
    norm = _norm_cache.get(key)
    if norm is None:
        norm = contact_normalized(cp.kind, cp.value)
        if len(_norm_cache) >= _NORM_CACHE_SIZE:
            _norm_cache.clear()
        _norm_cache[key] = norm
    return norm


def _card_domains(card: Card) -> list[str]:
    out = []
    for cp in card.contacts:
        if cp.kind == "email":
            dom = email_domain(cp.value)
            if dom and dom not in FREE_MAIL:
                out.append(dom)
    return out


@dataclass
class Survey:
    """A first pass over the cards: how many there are (for progress), and the names and
    uids their relations refer to (so that only those are remembered across chunks)."""

    total: int = 0
    names: set[str] = field(default_factory=set)
    uids: set[str] = field(default_factory=set)

    def add(self, other: Survey) -> None:
        self.total += other.total
        self.names |= other.names
        self.uids |= other.uids


# Properties a relation can come from: X-ABRELATEDNAMES, RELATED, Android's .../relation.
_MAY_RELATE = re.compile("relat", re.IGNORECASE)


def may_relate(text: str) -> bool:
    """False when no card in ``text`` can hold a relation (looked for unfolded: a property
    name may be folded anywhere)."""
    unfolded = text.replace("\r", "").replace("\n ", "").replace("\n\t", "")
    return _MAY_RELATE.search(unfolded) is not None


def survey_cards(items: Iterable[PendingCard | RejectedCard]) -> Survey:
    survey = Survey()
    for item in items:
        survey.total += 1
        if isinstance(item, RejectedCard) or not may_relate(item.raw):
            continue
        try:
            card = item.parse()
        except Exception:  # reported when the card is imported
            continue
        for rel in card.relations:
            if RELATION_KINDS.get((rel.label or "").strip().lower()) is None:
                continue
            if rel.uid:
                survey.uids.add(rel.uid.removeprefix("urn:uuid:"))
            else:
                survey.names.add(fold(rel.name).strip())
    return survey


class _Run:
    """What one import carries from chunk to chunk: ids and names, never cards."""

    def __init__(self, session: Session, survey: Survey) -> None:
        self.survey = survey
        # Ids above these were created by this import.
        self.people_before: int = session.scalar(select(func.max(Person.id))) or 0
        self.records_before: int = session.scalar(select(func.max(ImportRecord.id))) or 0
        # The UIDs and email/phone keys earlier chunks' cards carried, and whom each card
        # was about (the first card wins): a later card matches them before the database,
        # as it matches an earlier card of its own chunk (_planned_match). Keys only, as
        # text, so a card is matched whatever chunk boundary falls between the two.
        self.by_uid: dict[str, int] = {}
        self.by_contact: dict[str, int] = {}
        self.merged: set[int] = set()  # people a card was merged into
        # For relations, linked at the end: who names whom, and the named (by folded name
        # and by uid) among the cards of this import and the people of unchanged cards.
        self.relating: list[tuple[int, list[CardRelation]]] = []
        self.named: dict[str, list[int]] = {}
        self.uids: dict[str, int] = {}
        self.unchanged_uids: dict[str, int] = {}

    def remember(self, card: Card, pid: int) -> None:
        if card.uid:
            self.by_uid.setdefault(card.uid, pid)
        for kind, norm in _match_keys(card):
            self.by_contact.setdefault(_contact_key(kind, norm), pid)

    def name(self, name: str, uid: str | None, pid: int, unchanged: bool = False) -> None:
        key = fold(name).strip()
        if key in self.survey.names:
            bucket = self.named.setdefault(key, [])
            if pid not in bucket:
                bucket.append(pid)
        if uid:
            uid = uid.removeprefix("urn:uuid:")
            if uid in self.survey.uids:
                (self.unchanged_uids if unchanged else self.uids)[uid] = pid


class _Bar:
    """Progress in steps: reading a card and writing it are one step each."""

    def __init__(self, progress: Progress | None, cards: int) -> None:
        self.progress, self.total = progress, 2 * cards
        self.step = max(1, self.total // 100)
        self.shown = -1

    def at(self, done: int, always: bool = False) -> None:
        if self.progress is None or (not always and done - self.shown < self.step):
            return
        self.shown = done = min(done, self.total)
        self.progress(done, self.total)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_cards(session: Session, items: Iterable[PendingCard | RejectedCard], *,
                 source: str = "vcard", progress: Progress | None = None,
                 survey: Survey | None = None) -> ImportReport:
    """Import cards into the database inside the caller's transaction.

    ``items`` is consumed once, a chunk at a time, when ``survey`` (``survey_cards`` over
    the same cards) is given; without it, ``items`` is read into a list and surveyed here.
    ``progress(done, total)`` counts reading each card and then writing it as steps, so
    ``total`` is twice the number of cards and a bar moves through the whole import.
    """
    if survey is None:
        items = list(items)
        survey = survey_cards(items)
    report = ImportReport()
    run = _Run(session, survey)
    bar = _Bar(progress, survey.total)
    before = 0  # cards of the chunks before this one
    for chunk in _batches(items, CARDS_PER_CHUNK):
        start, size = 2 * before, len(chunk)

        def read(done: int, start: int = start) -> None:
            bar.at(start + done)

        def written(fraction: float, start: int = start, size: int = size) -> None:
            bar.at(start + size + int(size * fraction), always=True)

        cards = _read(session, report, run, chunk, read)
        del chunk
        _apply(session, report, run, cards, source, written)
        del cards
        session.flush()
        session.expunge_all()  # nothing of this chunk stays in the identity map
        before += size
        written(1.0)
    report.connections = _link_relations(session, run, source)
    if bar.shown != bar.total:
        bar.at(bar.total, always=True)
    return report


def _read(session: Session, report: ImportReport, run: _Run,
          items: list[PendingCard | RejectedCard],
          read: Callable[[int], None]) -> list[Card]:
    """The chunk's cards to import; cards imported before unchanged are skipped without
    being read, rejected ones stored."""
    digests = [item.raw_hash for item in items]
    known: dict[str, tuple[int | None, int | None]] = {}
    rejected_before: set[str] = set()  # stored before, or by an earlier chunk
    for chunk in _chunks(sorted(set(digests))):
        for rid, status, digest, pid, cid in session.execute(
                select(ImportRecord.id, ImportRecord.status, ImportRecord.raw_hash,
                       ImportRecord.person_id, ImportRecord.company_id)
                .where(ImportRecord.raw_hash.in_(chunk)).order_by(ImportRecord.id)):
            if status == "imported" and (pid is not None or cid is not None):
                if rid <= run.records_before:
                    known[digest] = (pid, cid)
            elif status == "rejected":
                rejected_before.add(digest)
    cards: list[Card] = []
    unchanged: set[int] = set()
    for done, (item, digest) in enumerate(zip(items, digests, strict=True), start=1):
        read(done)
        if isinstance(item, RejectedCard):
            _reject(session, report, item, rejected_before)
            continue
        if digest in known:
            report.unchanged += 1
            pid, cid = known[digest]
            if pid is not None:
                unchanged.add(pid)
            report.outcomes.append(CardOutcome(item.file, item.line, "", "unchanged", pid, cid))
            continue
        try:
            card = item.parse()
            _check_lengths(card)
        except CardRejected as err:
            where = f" (in the card from line {item.line})" if err.line != item.line else ""
            _reject(session, report,
                    RejectedCard(item.file, err.line, err.message + where, item.raw),
                    rejected_before)
            continue
        except Exception as err:  # a card we fail to read is reported, never the whole file
            _reject(session, report,
                    RejectedCard(item.file, item.line,
                                 # (bounded: an exception may quote the card's text)
                                 f"cannot read this card ({type(err).__name__}: "
                                 f"{str(err)[:100]})",
                                 item.raw), rejected_before)
            continue
        report.warnings.extend(CardWarning(card.file, p.line, p.message, p.damaged)
                               for p in card.problems)
        cards.append(card)
    if unchanged and (run.survey.names or run.survey.uids):
        for chunk in _chunks(sorted(unchanged)):
            for pid, name, uid in session.execute(
                    select(Person.id, Person.display_name, Person.uid)
                    .where(Person.id.in_(chunk))):
                run.name(name, uid, pid, unchanged=True)
    return cards


def _limit(column: Any) -> int:
    return int(column.type.length)


# Card fields and the columns that hold them: a longer value is refused, never cut (the
# same limits as crm.core.limits, which checks every write; here a card is refused alone).
_LIMITS = [
    ("FN", "display_name", _limit(Person.display_name)),
    ("N (given)", "given_name", _limit(Person.given_name)),
    ("N (family)", "family_name", _limit(Person.family_name)),
    ("N (additional)", "additional_names", _limit(Person.additional_names)),
    ("N (prefix)", "name_prefix", _limit(Person.name_prefix)),
    ("N (suffix)", "name_suffix", _limit(Person.name_suffix)),
    ("NICKNAME", "nickname", _limit(Person.nickname)),
    ("ORG", "org", _limit(Company.name)),
    ("ORG (department)", "department", _limit(Position.department)),
    ("TITLE", "title", _limit(Position.title)),
    ("UID", "uid", _limit(Person.uid)),
    ("PHOTO type", "photo_type", _limit(Person.photo_type)),
]
# Read once: a column's type through the mapped attribute costs microseconds per card field.
_TAG_LIMIT = _limit(Tag.name)
_LABEL_LIMIT = _limit(ContactPoint.label)
_NORMALIZED_LIMIT = _limit(ContactPoint.normalized)
_SORT_KEY_LIMIT = _limit(Person.sort_key)
_COMPANY_KEY_LIMIT = _limit(Company.name_key)
_ALIAS_LIMIT = min(_limit(CompanyAlias.alias), _limit(CompanyAlias.alias_key))
_DOMAIN_LIMIT = _limit(CompanyDomain.domain)
_WEBSITE_LIMIT = _limit(Company.website)


def _check_lengths(card: Card) -> None:
    for prop, attr, limit in _LIMITS:
        value = getattr(card, attr)
        if value is not None and len(value) > limit:
            raise CardRejected(card.line, f"{prop} is longer than {limit} characters")
    # What crm derives from the card must fit as well: folding can lengthen a name.
    if len(fold(card.display_name).strip()) > _SORT_KEY_LIMIT:
        raise CardRejected(card.line, f"FN is longer than {_SORT_KEY_LIMIT} characters once "
                                      "folded for sorting")
    if card.org and len(company_key(card.org)) > _COMPANY_KEY_LIMIT:
        raise CardRejected(card.line, f"ORG is longer than {_COMPANY_KEY_LIMIT} characters "
                                      "once folded for matching")
    if card.is_company:
        if card.display_name != card.org and (
                len(card.display_name) > _ALIAS_LIMIT
                or len(company_key(card.display_name)) > _ALIAS_LIMIT):
            raise CardRejected(card.line, f"FN of a company card is longer than "
                                          f"{_ALIAS_LIMIT} characters")
        urls = [c.value for c in card.contacts if c.kind == "url"]
        if urls and len(urls[0]) > _WEBSITE_LIMIT:
            raise CardRejected(card.line, f"URL of a company card is longer than "
                                          f"{_WEBSITE_LIMIT} characters")
    for tag in card.categories:
        if len(tag) > _TAG_LIMIT:
            raise CardRejected(card.line, f"CATEGORIES has a tag longer than "
                                          f"{_TAG_LIMIT} characters")
    for cp in card.contacts:
        if cp.label and len(cp.label) > _LABEL_LIMIT:
            raise CardRejected(card.line, f"a label of {cp.kind.upper()} is longer than "
                                          f"{_LABEL_LIMIT} characters")
    for dom in _card_domains(card):
        if len(dom) > _DOMAIN_LIMIT:
            raise CardRejected(card.line, f"EMAIL has a domain longer than {_DOMAIN_LIMIT} "
                                          "characters")


def _reject(session: Session, report: ImportReport, item: RejectedCard,
            rejected_before: set[str]) -> None:
    report.rejected.append(item)
    report.outcomes.append(CardOutcome(item.file, item.line, "", "rejected",
                                       message=item.message))
    digest = item.raw_hash
    if digest not in rejected_before:
        rejected_before.add(digest)
        session.add(ImportRecord(source_file=item.file, line=item.line, raw=item.raw,
                                 raw_hash=digest, status="rejected", error=item.message))


@dataclass
class _Target:
    """Who a card is about: a person already in the database, or one this import creates."""

    person_id: int | None = None  # an existing person
    new_index: int | None = None  # position in the list of people to create


@dataclass
class _NewPosition:
    title: str | None
    department: str | None
    company: Company


@dataclass
class _NewPerson:
    """A person to insert in bulk; quacks like Person for refresh_search_text."""

    display_name: str
    given_name: str | None
    family_name: str | None
    nickname: str | None
    note: str | None
    headline: str | None
    location: str | None = None
    contact_points: list[_Point] = field(default_factory=list)
    positions: list[_NewPosition] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    search_text: str = ""
    sort_key: str = ""


def _apply(session: Session, report: ImportReport, run: _Run, cards: list[Card], source: str,
           written: Callable[[float], None]) -> None:
    """Write one chunk's cards: match, create, merge, record; flushed at the end."""
    if not cards:
        return
    index = _Index(session, cards, run)
    written(0.2)
    # 1. Decide, card by card and without writing, whom each card is about.
    by_uid: dict[str, _Target] = {}
    by_contact: dict[tuple[str, str], _Target] = {}
    plan: list[tuple[Card, _Target, bool]] = []  # card, target, creates the target
    new_cards: list[Card] = []
    for card in cards:
        if card.is_company:
            continue
        target = _planned_match(by_uid, by_contact, card, run)
        creates = False
        if target is None:
            pid = _match(index, card)
            if pid is not None:
                target = _Target(person_id=pid)
            elif _deleted(index, card):
                report.skipped_deleted += 1
                report.outcomes.append(CardOutcome(card.file, card.line, card.display_name,
                                                   "skipped_deleted",
                                                   message="skipped: you deleted them"))
                continue
            else:
                target = _Target(new_index=len(new_cards))
                new_cards.append(card)
                creates = True
        if card.uid:
            by_uid.setdefault(card.uid, target)
        for kind, norm in _match_keys(card):
            by_contact.setdefault((kind, norm), target)
        plan.append((card, target, creates))
    # 2. Companies (from company cards and ORG lines), then new people in bulk.
    company_records: list[tuple[Card, Company]] = []
    with session.no_autoflush:
        for card in cards:
            if card.is_company:
                company, _created = _company_card(index, card, _source(source, card))
                company_records.append((card, company))
        new_ids = _insert_people(session, index, new_cards, source)
    written(0.7)
    # 3. Merges into people already there (or created by an earlier card of this file).
    ids = sorted({t.person_id for _, t, _ in plan if t.person_id is not None}
                 | {new_ids[t.new_index] for _, t, c in plan
                    if t.new_index is not None and not c})
    existing: dict[int, Person] = {}
    for chunk in _chunks(ids):
        for person in session.scalars(
                select(Person).where(Person.id.in_(chunk)).options(
                    selectinload(Person.contact_points),
                    selectinload(Person.positions).selectinload(Position.company)
                    .selectinload(Company.aliases),
                    selectinload(Person.tags))):
            existing[person.id] = person
    records: list[tuple[Card, int | None, int | None]] = []  # card, person id, company id
    card_people: list[tuple[Card, int]] = []
    company_outcomes: list[CardOutcome] = []
    for card, _company in company_records:
        company_outcomes.append(CardOutcome(card.file, card.line, card.org or "", "company"))
        records.append((card, None, None))
    report.outcomes += company_outcomes
    with session.no_autoflush:
        for card, target, creates in plan:
            if creates:
                assert target.new_index is not None
                pid = new_ids[target.new_index]
                report.created += 1
                action = "created"
                key = fold(card.display_name).strip()
                if key in index.by_name:
                    report.suggestions.append(Suggestion(card.file, card.line,
                                                         card.display_name, pid,
                                                         index.by_name[key]))
            else:
                pid = (target.person_id if target.person_id is not None
                       else new_ids[target.new_index or 0])
                person = existing[pid]
                if not _merge(session, index, person, card, _source(source, card)):
                    report.unchanged += 1
                    card_people.append((card, pid))
                    report.outcomes.append(CardOutcome(card.file, card.line,
                                                       person.display_name, "unchanged", pid))
                    continue
                # A person an earlier chunk created counts as created by this file.
                if (target.person_id is not None and pid <= run.people_before
                        and pid not in run.merged
                        and (pid in index.imported_people
                             or (card.uid is not None and card.uid == person.uid))):
                    report.updated += 1
                    action = "updated"
                else:
                    report.merged += 1
                    action = "merged"
                run.merged.add(pid)
            report.outcomes.append(CardOutcome(card.file, card.line, card.display_name, action,
                                               pid))
            records.append((card, pid, None))
            card_people.append((card, pid))
    session.flush()
    company_ids = iter([c.id for _, c in company_records])
    rows = []
    for card, pid, _ in records:
        cid = next(company_ids) if card.is_company else None
        rows.append({"source_file": card.file, "line": card.line, "raw": card.raw,
                     "raw_hash": card.raw_hash, "status": "imported", "person_id": pid,
                     "company_id": cid})
    for outcome, (_, company) in zip(company_outcomes, company_records, strict=True):
        outcome.company_id = company.id
    if rows:
        _insert_rows(session, ImportRecord, rows)
    for card, pid in card_people:
        run.remember(card, pid)
        if card.relations:
            run.relating.append((pid, card.relations))
        run.name(card.display_name, card.uid, pid)
    report.companies_created += len(index.companies.created)
    session.flush()


def _deleted(index: _Index, card: Card) -> bool:
    """Whether the card is about someone the user deleted."""
    if not index.deleted:
        return False
    keys = [("card", card.raw_hash)] + ([("uid", card.uid)] if card.uid else [])
    keys += [k for k in _match_keys(card) if k[0] in ("email", "phone")]
    return any(k in index.deleted for k in keys)


def _planned_match(by_uid: dict[str, _Target], by_contact: dict[tuple[str, str], _Target],
                   card: Card, run: _Run) -> _Target | None:
    """The person an earlier card of this file was about, by UID, then email, then phone
    (earlier chunks' cards come before this chunk's: the first card with a key wins)."""
    if card.uid:
        pid = run.by_uid.get(card.uid)
        if pid is not None:
            return _Target(person_id=pid)
        if card.uid in by_uid:
            return by_uid[card.uid]
    for kind, norm in _match_keys(card):
        pid = run.by_contact.get(_contact_key(kind, norm))
        if pid is not None:
            return _Target(person_id=pid)
        target = by_contact.get((kind, norm))
        if target is not None:
            return target
    return None


def is_profile(normalized: str) -> bool:
    """A normalized URL that names one person (a LinkedIn profile): a matching key."""
    return normalized.startswith("linkedin.com/in/")


def _match_keys(card: Card) -> Iterator[tuple[str, str]]:
    """A card's matching keys after its UID, in order: profile URL, email, phone."""
    for cp in card.contacts:
        if cp.kind == "social":
            norm = _normalized(cp)
            if is_profile(norm):
                yield "profile", norm
    for kind in ("email", "phone"):
        for cp in card.contacts:
            if cp.kind == kind:
                yield kind, _normalized(cp)


def _contact_key(kind: str, normalized: str) -> str:
    return f"{kind}:{normalized}"


def _insert_people(session: Session, index: _Index, cards: list[Card],
                   source: str) -> list[int]:
    """Create the people of ``cards`` with a handful of multi-row INSERTs; their ids."""
    if not cards:
        return []
    people: list[_NewPerson] = []
    for card in cards:
        new = _NewPerson(display_name=card.display_name, given_name=card.given_name,
                         family_name=card.family_name, nickname=card.nickname, note=card.note,
                         headline=None if card.org else card.title)
        have: set[tuple[str, str]] = set()
        for cp in card.contacts:
            point = _contact_point(cp)
            if (point.kind, point.normalized) not in have:
                have.add((point.kind, point.normalized))
                new.contact_points.append(point)
        seen_tags: set[str] = set()
        for name in card.categories:
            if name not in seen_tags:
                seen_tags.add(name)
                new.tags.append(index.tag(name))
        if card.org:
            company = index.companies.get_or_create(card.org, _card_domains(card),
                                                    _source(source, card))
            new.positions.append(_NewPosition(card.title, card.department, company))
        refresh_search_text(cast(Person, new))
        people.append(new)
    session.flush()  # new companies and tags get their ids
    now = utcnow()
    rows = [{
        "display_name": card.display_name, "given_name": card.given_name,
        "family_name": card.family_name, "additional_names": card.additional_names,
        "name_prefix": card.name_prefix, "name_suffix": card.name_suffix,
        "nickname": card.nickname, "headline": new.headline, "note": card.note,
        "birthday_year": card.birthday_year, "birthday_month": card.birthday_month,
        "birthday_day": card.birthday_day, "photo": card.photo, "photo_type": card.photo_type,
        "uid": card.uid, "source": _source(source, card), "sort_key": new.sort_key,
        "search_text": new.search_text, "is_me": False, "created_at": now, "updated_at": now,
    } for card, new in zip(cards, people, strict=True)]
    ids: list[int] = []
    conn, person = session.connection(), _table(Person)
    check_rows(person, rows)
    # Small batches: SQLAlchemy splices RETURNING rows of every internal batch into one
    # result, which grows quadratically with the rows of a single call.
    for i in range(0, len(rows), 200):
        ids += conn.scalars(insert(person).returning(person.c.id, sort_by_parameter_order=True),
                            rows[i: i + 200])
    points, positions, tags = [], [], []
    for pid, card, new in zip(ids, cards, people, strict=True):
        for point in new.contact_points:
            points.append({"person_id": pid, "kind": point.kind, "label": point.label,
                           "value": point.value, "normalized": point.normalized,
                           "preferred": point.preferred})
        for pos in new.positions:
            positions.append({"person_id": pid, "company_id": pos.company.id,
                              "title": pos.title, "department": pos.department,
                              "is_current": True, "source": _source(source, card),
                              "created_at": now, "updated_at": now})
        for tag in new.tags:
            tags.append({"person_id": pid, "tag_id": tag.id})
    if points:
        _insert_rows(session, ContactPoint, points)
    if positions:
        _insert_rows(session, Position, positions)
    if tags:
        _insert_rows(session, PersonTag, tags)
    return ids


def _insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """A Core INSERT of many rows (keys are column names): the ORM's bulk INSERT path costs
    more per row than SQLite does (import of 10k cards: -0.5 s)."""
    table = _table(model)
    check_rows(table, rows)  # (the ORM's flush checks itself; these rows bypass it)
    session.connection().execute(insert(table), rows)


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _source(prefix: str, card: Card) -> str:
    return f"{prefix}:{os.path.basename(card.file)}"[:300]


def _record(card: Card) -> ImportRecord:
    return ImportRecord(source_file=card.file, line=card.line, raw=card.raw,
                        raw_hash=card.raw_hash, status="imported")


def _match(index: _Index, card: Card) -> int | None:
    """The person already in the database a card is about: UID, then profile URL, then
    email, then phone (the oldest holder of a value first)."""
    if card.uid:
        pid = index.by_uid.get(card.uid)
        if pid is not None:
            return pid
    tables = {"profile": index.by_profile, "email": index.by_email, "phone": index.by_phone}
    for kind, norm in _match_keys(card):
        holders = tables[kind].get(norm)
        if holders:
            return holders[0]
    return None


def _new_match(by_uid: dict[str, Person], by_contact: dict[tuple[str, str], Person],
               card: Card) -> Person | None:
    if card.uid and card.uid in by_uid:
        return by_uid[card.uid]
    for kind in ("email", "phone"):
        for cp in card.contacts:
            if cp.kind == kind:
                person = by_contact.get((kind, _normalized(cp)))
                if person is not None:
                    return person
    return None


@dataclass
class _Point:
    kind: str
    label: str | None
    value: str
    normalized: str
    preferred: bool


def _contact_point(cp: CardContact) -> _Point:
    kind, label = cp.kind, cp.label
    if kind == "email" and not is_email(cp.value):
        # Kept, not dropped: an address we cannot use for matching is still the user's data.
        kind, label = "other", label or "email"
    if kind == "phone" and not any(ch.isdigit() for ch in cp.value):
        kind, label = "other", label or "phone"
    norm = contact_normalized(kind, cp.value) if kind == "other" else _normalized(cp)
    # Only the matching key is shortened (a very long URL); the value is kept whole.
    return _Point(kind, label, cp.value, norm[:_NORMALIZED_LIMIT], cp.preferred)


def _add_contacts(person: Person, card: Card) -> bool:
    have = {(c.kind, c.normalized) for c in person.contact_points}
    added = False
    for cp in card.contacts:
        p = _contact_point(cp)
        if (p.kind, p.normalized) in have:
            continue
        have.add((p.kind, p.normalized))
        person.contact_points.append(ContactPoint(kind=p.kind, value=p.value, label=p.label,
                                                  normalized=p.normalized,
                                                  preferred=p.preferred))
        added = True
    return added


def _merge(session: Session, index: _Index, person: Person, card: Card, source: str) -> bool:
    """Fill the gaps of ``person`` from ``card``; True when anything changed."""
    changed = False
    for attr in ("given_name", "family_name", "additional_names", "name_prefix",
                 "name_suffix", "nickname", "uid"):
        value = getattr(card, attr)
        if value and not getattr(person, attr):
            setattr(person, attr, value)
            changed = True
    if card.birthday_month is not None or card.birthday_year is not None:
        if person.birthday_month is None and person.birthday_year is None:
            person.birthday_year = card.birthday_year
            person.birthday_month = card.birthday_month
            person.birthday_day = card.birthday_day
            changed = True
        elif (person.birthday_year is None and card.birthday_year is not None
              and (person.birthday_month, person.birthday_day)
              == (card.birthday_month, card.birthday_day)):
            person.birthday_year = card.birthday_year
            changed = True
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
    if _add_contacts(person, card):
        changed = True
    have_tags = {t.name for t in person.tags}
    for name in card.categories:
        if name not in have_tags:
            person.tags.append(index.tag(name))
            have_tags.add(name)
            changed = True
    if card.org:
        changed |= _update_position(session, index, person, card, source)
    elif card.title and not person.headline and not person.positions:
        person.headline = card.title
        changed = True
    if changed:
        refresh_search_text(person)
    return changed


def _update_position(session: Session, index: _Index, person: Person, card: Card,
                     source: str) -> bool:
    """A new ORG/TITLE closes the current position and opens a new one; a known one is kept."""
    assert card.org
    key = company_key(card.org)
    domains = _card_domains(card)
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
        company = index.companies.get_or_create(card.org, domains, source)
    add_position(session, person, company, title=card.title, department=card.department,
                 current=True, source=source)
    return True


def _company_card(index: _Index, card: Card, source: str) -> tuple[Company, bool]:
    assert card.org
    domains = _card_domains(card)
    before = len(index.companies.created)
    company = index.companies.get_or_create(card.org, domains, source)
    created = len(index.companies.created) > before
    if card.display_name and card.display_name != card.org:
        add_alias(index.session, company, card.display_name)
    taken = set(index.companies.by_domain)
    for dom in domains:
        if dom not in taken and all(d.domain != dom for d in company.domains):
            company.domains.append(CompanyDomain(domain=dom))
            index.companies.by_domain[dom] = company
    urls = [c.value for c in card.contacts if c.kind == "url"]
    if urls and not company.website:
        company.website = urls[0]
    if card.note and not company.note:
        company.note = card.note
    return company, created


def _link_relations(session: Session, run: _Run, source: str) -> int:
    """X-ABRELATEDNAMES / RELATED naming someone in the same import become connections.

    People of the import whose cards were skipped as already imported count too. Linked
    once every chunk is written, so that a card can name someone from a later chunk.
    """
    if not run.relating:
        return 0
    by_uid = {**run.uids, **run.unchanged_uids}
    count = 0
    for pid, relations in run.relating:
        for rel in relations:
            kind = RELATION_KINDS.get((rel.label or "").strip().lower())
            if kind is None:
                continue
            if rel.uid:
                other = by_uid.get(rel.uid.removeprefix("urn:uuid:"))
            else:
                found = run.named.get(fold(rel.name).strip(), [])
                other = found[0] if len(found) == 1 else None
            if other is None or other == pid:
                continue
            exists = session.scalar(select(Connection.id).where(
                Connection.person_id == pid, Connection.other_id == other,
                Connection.kind == kind))
            if exists is None:
                person, target = session.get(Person, pid), session.get(Person, other)
                assert person is not None and target is not None
                link(session, person, target, kind, source=source)
                count += 1
    return count


@dataclass(frozen=True)
class RejectedRecord:
    """A card kept because it could not be imported, so that it can be fixed and retried."""

    id: int
    file: str
    line: int
    message: str
    raw: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "line": self.line, "message": self.message}


def list_rejected(session: Session) -> list[RejectedRecord]:
    rows = session.scalars(select(ImportRecord).where(ImportRecord.status == "rejected")
                           .order_by(ImportRecord.id))
    return [RejectedRecord(r.id, r.source_file, r.line, r.error or "", r.raw) for r in rows]


def forget_rejected(session: Session) -> int:
    """Drop the kept rejected cards (after they were fixed and imported again)."""
    rows = list(session.scalars(select(ImportRecord).where(ImportRecord.status == "rejected")))
    for row in rows:
        session.delete(row)
    return len(rows)

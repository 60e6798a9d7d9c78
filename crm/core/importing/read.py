"""Reading one chunk of records: those imported before unchanged are skipped without being
parsed, the rest are parsed (the source's mapping) and checked against the column limits;
a record that fails either is rejected and kept, never the whole import."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardRejected, RejectedCard
from crm.core.importing.common import (
    ALIAS_LIMIT,
    COMPANY_KEY_LIMIT,
    DATE_LABEL_LIMIT,
    DOMAIN_LIMIT,
    LABEL_LIMIT,
    LIMITS,
    RELATION_LIMITS,
    SORT_KEY_LIMIT,
    TAG_LIMIT,
    WEBSITE_LIMIT,
    card_domains,
    chunks,
)
from crm.core.importing.refill import MESSAGE, refill
from crm.core.importing.rejected import store_rejected
from crm.core.importing.report import CardOutcome, CardWarning, ImportReport
from crm.core.importing.sources import PendingRecord, SourceItem
from crm.core.importing.state import Run
from crm.core.models import ImportRecord, Person
from crm.core.normalize import company_key, fold


def check_lengths(card: Card) -> None:
    """Refuse (never cut) a value longer than the column that would hold it."""
    for prop, attr, limit in LIMITS:
        value = getattr(card, attr)
        if value is not None and len(value) > limit:
            raise CardRejected(card.line, f"{prop} is longer than {limit} characters")
    # What crm derives from the card must fit as well: folding can lengthen a name.
    if len(fold(card.display_name).strip()) > SORT_KEY_LIMIT:
        raise CardRejected(card.line, f"FN is longer than {SORT_KEY_LIMIT} characters once "
                                      "folded for sorting")
    for job in card.positions:
        for prop, value, attr in (("ORG", job.org, "org"),
                                  ("ORG (department)", job.department, "department"),
                                  ("TITLE", job.title, "title")):
            limit = next(lim for _, a, lim in LIMITS if a == attr)
            if value is not None and len(value) > limit:
                raise CardRejected(card.line, f"{prop} is longer than {limit} characters")
    for org in {card.org, *(job.org for job in card.positions)}:
        if org and len(company_key(org)) > COMPANY_KEY_LIMIT:
            raise CardRejected(card.line, f"ORG is longer than {COMPANY_KEY_LIMIT} "
                                          "characters once folded for matching")
    if card.is_company:
        if card.display_name != card.org and (
                len(card.display_name) > ALIAS_LIMIT
                or len(company_key(card.display_name)) > ALIAS_LIMIT):
            raise CardRejected(card.line, f"FN of a company card is longer than "
                                          f"{ALIAS_LIMIT} characters")
        for alias in card.aliases:
            if len(alias) > ALIAS_LIMIT or len(company_key(alias)) > ALIAS_LIMIT:
                raise CardRejected(card.line, f"X-CRM-ALIAS of a company card is longer "
                                              f"than {ALIAS_LIMIT} characters")
        for domain, _how in card.domains:
            if len(domain) > DOMAIN_LIMIT:
                raise CardRejected(card.line, f"X-CRM-DOMAIN of a company card is longer "
                                              f"than {DOMAIN_LIMIT} characters")
        urls = [c.value for c in card.contacts if c.kind == "url"]
        if urls and len(urls[0]) > WEBSITE_LIMIT:
            raise CardRejected(card.line, f"URL of a company card is longer than "
                                          f"{WEBSITE_LIMIT} characters")
    for tag in card.categories:
        if len(tag) > TAG_LIMIT:
            raise CardRejected(card.line, f"CATEGORIES has a tag longer than "
                                          f"{TAG_LIMIT} characters")
    for cp in card.contacts:
        if cp.label and len(cp.label) > LABEL_LIMIT:
            raise CardRejected(card.line, f"a label of {cp.kind.upper()} is longer than "
                                          f"{LABEL_LIMIT} characters")
    for rel in card.relations:
        for part, limit in RELATION_LIMITS:
            value = getattr(rel, part)
            if value is not None and len(value) > limit:
                raise CardRejected(card.line, f"a related name's {part} is longer than "
                                              f"{limit} characters")
    for event in card.dates:
        if len(event.label) > DATE_LABEL_LIMIT:
            raise CardRejected(card.line, f"a date's label is longer than {DATE_LABEL_LIMIT} "
                                          "characters")
    for dom in card_domains(card):
        if len(dom) > DOMAIN_LIMIT:
            raise CardRejected(card.line, f"EMAIL has a domain longer than {DOMAIN_LIMIT} "
                                          "characters")


def _parse(item: PendingRecord) -> Card | RejectedCard:
    try:
        card = item.parse()
        check_lengths(card)
    except CardRejected as err:
        where = f" (in the card from line {item.line})" if err.line != item.line else ""
        return RejectedCard(item.file, err.line, err.message + where, item.raw,
                            item.raw_format)
    except Exception as err:  # a card we fail to read is reported, never the whole file
        return RejectedCard(item.file, item.line,
                            # (the exception's kind only: its text may quote the card's)
                            f"cannot read this card ({type(err).__name__})", item.raw,
                            item.raw_format)
    return card


def read_chunk(session: Session, report: ImportReport, run: Run, items: list[SourceItem],
               read: Callable[[int], None]) -> list[Card]:
    """The chunk's cards to import; cards imported before unchanged are skipped without
    being read, rejected ones stored."""
    digests = [item.raw_hash for item in items]
    known: dict[str, tuple[int | None, int | None]] = {}
    rejected_before: set[str] = set()  # stored before, or by an earlier chunk
    for chunk in chunks(sorted(set(digests))):
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
    again: list[tuple[PendingRecord, int]] = []  # unchanged person cards
    outcomes: dict[int, CardOutcome] = {}  # theirs, by id of the record
    for done, (item, digest) in enumerate(zip(items, digests, strict=True), start=1):
        read(done)
        if isinstance(item, RejectedCard):
            store_rejected(session, report, item, rejected_before)
            continue
        if digest in known:
            pid, cid = known[digest]
            outcome = CardOutcome(item.file, item.line, "", "unchanged", pid, cid)
            if pid is not None:
                unchanged.add(pid)
                again.append((item, pid))
                outcomes[id(item)] = outcome
            report.add_outcome(outcome)
            continue
        parsed = _parse(item)
        if isinstance(parsed, RejectedCard):
            store_rejected(session, report, parsed, rejected_before)
        else:
            report.warnings.extend(CardWarning(parsed.file, p.line, p.message, p.damaged)
                                   for p in parsed.problems)
            cards.append(parsed)
            if digest in rejected_before:  # rejected before, read now: no longer to fix
                rejected_before.discard(digest)
                session.execute(delete(ImportRecord).where(ImportRecord.raw_hash == digest,
                                                           ImportRecord.status == "rejected"))
    for item, card in refill(session, again):
        outcome = outcomes[id(item)]
        outcome.action, outcome.name, outcome.message = "updated", card.display_name, MESSAGE
    if unchanged and (run.survey.names or run.survey.uids):
        for chunk in chunks(sorted(unchanged)):
            for pid, name, uid in session.execute(
                    select(Person.id, Person.display_name, Person.uid)
                    .where(Person.id.in_(chunk))):
                run.name(name, uid, pid, unchanged=True)
    return cards

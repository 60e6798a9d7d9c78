"""One chunk, written: decide whom each card is about (create, merge, or a company), then
create in bulk, merge in memory and write the merges in bulk, record the provenance and
report each card's outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.core.cards import Card
from crm.core.contacts.identity import names_agree, same_name
from crm.core.importing.common import (
    Holder,
    contact_key,
    insert_rows,
    match_keys,
    next_ids,
    normalized,
    source_label,
)
from crm.core.importing.index import Index
from crm.core.importing.merge import Held, Merges, company_card, merge
from crm.core.importing.report import CardOutcome, ImportReport, Suggestion
from crm.core.importing.state import Run
from crm.core.importing.write import insert_people
from crm.core.models import Company, ImportRecord
from crm.core.normalize import fold
from crm.core.unmapped import adds_to_export, stored_vcards
from crm.core.vocabulary import INFERRED_MATCHES

# How a card was matched (crm.core.vocabulary.MATCHED_BY) and the value that matched.
How = tuple[str, str | None]
CREATED: How = ("created", None)


@dataclass
class Target:
    """Who a card is about: a person already in the database, or one this import creates."""

    person_id: int | None = None  # an existing person
    new_index: int | None = None  # position in the list of people to create
    holder: Holder | None = None  # their names and UID, to check a shared email or phone


@dataclass
class _Step:
    """A person card and whom it is about; ``creates`` when the card makes that person.
    ``shares`` names who else has one of its emails or phones when their names disagree."""

    card: Card
    target: Target
    creates: bool
    shares: tuple[str, Target] | None = None
    how: How = CREATED


def _may_be(card: Card, holder: Holder | None) -> bool:
    """Whether a card sharing an email or phone with ``holder`` can be about them: not when
    the names clearly disagree (a switchboard, a family landline, a team inbox)."""
    if holder is None:
        return True
    return (names_agree(card.display_name, holder.name)
            or (holder.nickname is not None and names_agree(card.display_name,
                                                            holder.nickname)))


class _Matcher:
    """Whom a card is about, by UID, then profile URL, email, phone: earlier cards of this import
    first (earlier chunks, then this chunk), then the database; a shared email or phone
    whose names disagree is kept as evidence for review, never followed."""

    def __init__(self, index: Index, run: Run) -> None:
        self.index, self.run = index, run
        self.by_uid: dict[str, Target] = {}
        self.by_contact: dict[tuple[str, str], Target] = {}

    def _run_target(self, pid: int) -> Target:
        return Target(person_id=pid, holder=self.run.holders.get(pid)
                      or self.index.holders.get(pid))

    def match(self, card: Card) -> tuple[Target | None, tuple[str, Target] | None, How]:
        if card.uid:
            how: How = ("uid", card.uid)
            pid = self.run.by_uid.get(card.uid)
            if pid is not None:
                return self._run_target(pid), None, how
            if card.uid in self.by_uid:
                return self.by_uid[card.uid], None, how
            pid = self.index.by_uid_match(card)
            if pid is not None:
                return Target(person_id=pid, holder=self.index.holders.get(pid)), None, how
        shares: tuple[str, Target] | None = None
        for kind, norm in match_keys(card):
            if not norm:
                continue
            candidates: list[Target] = []
            pid = self.run.by_contact.get(contact_key(kind, norm))
            if pid is not None:
                candidates.append(self._run_target(pid))
            planned = self.by_contact.get((kind, norm))
            if planned is not None:
                candidates.append(planned)
            candidates += [Target(person_id=h, holder=self.index.holders.get(h))
                           for h in self.index.contact_holders(kind, norm)]
            for candidate in candidates:
                # A profile URL names one person; an email or phone may be shared.
                if kind == "profile" or _may_be(card, candidate.holder):
                    return (self._split_off(card, candidate), None,
                            (kind, _evidence(card, kind, norm)))
                shares = shares or (kind, candidate)
        return None, shares, CREATED

    def _split_off(self, card: Card, chosen: Target) -> Target:
        """Someone the user split off from ``chosen`` (crm.core.upkeep.split: "not the same
        person") who also holds one of the card's values and has the card's name: the
        card is about them, not ``chosen``."""
        partners = self.run.distinct.get(chosen.person_id or 0)
        if not partners:
            return chosen
        if chosen.holder is not None and same_name(chosen.holder.name, card.display_name):
            return chosen
        for kind, norm in match_keys(card):
            for pid in self.index.contact_holders(kind, norm):
                holder = self.index.holders.get(pid)
                if (pid in partners and holder is not None
                        and same_name(holder.name, card.display_name)):
                    return Target(person_id=pid, holder=holder)
        return chosen

    def note(self, card: Card, target: Target) -> None:
        """Later cards of this chunk may be about the same person."""
        if card.uid:
            self.by_uid.setdefault(card.uid, target)
        for kind, norm in match_keys(card):
            self.by_contact.setdefault((kind, norm), target)


def _evidence(card: Card, kind: str, norm: str) -> str:
    """The value of the card that matched, as the card wrote it."""
    wanted = "social" if kind == "profile" else kind
    for cp in card.contacts:
        if cp.kind == wanted and normalized(cp) == norm:
            return cp.value
    return norm


def _decide(index: Index, run: Run,
            cards: list[Card]) -> tuple[list[_Step], list[Card], list[Card]]:
    """Card by card and without writing, whom each person card is about; the cards whose
    people are to be created, in order; and those about someone the user deleted."""
    matcher = _Matcher(index, run)
    skipped: list[Card] = []
    steps: list[_Step] = []
    new_cards: list[Card] = []
    for card in cards:
        if card.is_company:
            continue
        target, shares, how = matcher.match(card)
        creates = target is None
        if target is None and index.is_deleted(card):
            skipped.append(card)
            continue
        if target is None:
            target = Target(new_index=len(new_cards),
                            holder=Holder(card.display_name, card.nickname, card.uid))
            new_cards.append(card)
        matcher.note(card, target)
        steps.append(_Step(card, target, creates, shares, how))
    return steps, new_cards, skipped


def _merged_ids(steps: list[_Step], new_ids: list[int]) -> set[int]:
    """The people the cards merge into (already there, or created by an earlier card of
    this chunk)."""
    return ({s.target.person_id for s in steps if s.target.person_id is not None}
            | {new_ids[s.target.new_index] for s in steps
               if s.target.new_index is not None and not s.creates})


def _merge_action(run: Run, index: Index, target: Target, pid: int, person: Held,
                  card: Card, how: How) -> str:
    """"updated" when the card is a contact imported before and changed since (by UID or
    an earlier import's record), else "merged" into someone already there. A card matched
    by email or phone whose name is not the person's is another card: "merged"."""
    if how[0] in INFERRED_MATCHES and not same_name(card.display_name, person.display_name):
        return "merged"
    # A person an earlier chunk created counts as created by this file.
    if (target.person_id is not None and pid <= run.people_before
            and pid not in run.merged
            and (pid in index.imported_people
                 or (card.uid is not None and card.uid == person.row["uid"]))):
        return "updated"
    return "merged"


class _StoredCards:
    """The vCards stored for the people a chunk's cards are about, read at the first card
    that needs them: does a card that changes nothing crm stores change the lines crm keeps
    of the person's cards for the export (one added, changed or deleted on the phone since
    the card's last version: crm.core.unmapped)? Rare: a card imported before as it is was
    skipped unread."""

    def __init__(self, session: Session, run: Run, pids: set[int]) -> None:
        self._session, self._pids, self._parse = session, pids, run.read_stored
        self._cards: dict[int, list[Card]] | None = None

    def changes_the_export(self, card: Card, pid: int, person: Held) -> bool:
        if self._parse is None:
            return False
        if self._cards is None:
            self._cards = dict(stored_vcards(self._session, self._pids, self._parse))
        cards = self._cards.setdefault(pid, [])
        if adds_to_export(card, cards, person.row["uid"]):
            cards.append(card)  # (recorded: the next card of the chunk about them sees it)
            return True
        return False


def _merge_people(session: Session, report: ImportReport, run: Run, index: Index,
                  steps: list[_Step], new_ids: list[int], source: str
                  ) -> tuple[list[tuple[Card, int, How]], list[tuple[Card, int]], Merges]:
    """Each person card's outcome, merging where it is about someone who exists (in
    memory: the merges are written by the caller, once the cards are recorded); the cards
    to record with their person and how they matched, and every card with its person (to
    remember)."""
    merged = _merged_ids(steps, new_ids)
    existing = Merges(session, merged)
    stored = _StoredCards(session, run, merged)
    recorded: list[tuple[Card, int, How]] = []
    card_people: list[tuple[Card, int]] = []
    with session.no_autoflush:
        for step in steps:
            card, target = step.card, step.target
            if step.creates:
                assert target.new_index is not None
                pid = new_ids[target.new_index]
                action = "created"
                key = fold(card.display_name).strip()
                if key in index.by_name:
                    report.suggestions.append(Suggestion(card.file, card.line,
                                                         card.display_name, pid,
                                                         index.by_name[key]))
                if step.shares is not None:
                    report.suggestions.append(_sharing(card, pid, step.shares, new_ids))
            else:
                pid = (target.person_id if target.person_id is not None
                       else new_ids[target.new_index or 0])
                person = existing[pid]
                changed = merge(session, index, person, card, source_label(source, card))
                # A card of another name matched by a shared value is recorded even when it
                # brought nothing new: its name is shown, and it can be split off.
                other_name = (step.how[0] in INFERRED_MATCHES
                              and not same_name(card.display_name, person.display_name))
                if (not changed and not other_name
                        and not stored.changes_the_export(card, pid, person)):
                    card_people.append((card, pid))
                    report.add_outcome(CardOutcome(card.file, card.line, person.display_name,
                                           "unchanged", pid))
                    continue
                action = _merge_action(run, index, target, pid, person, card, step.how)
                run.merged.add(pid)
                report.add_outcome(CardOutcome(
                    card.file, card.line, card.display_name, action, pid,
                    matched_by=step.how[0], evidence=step.how[1],
                    person_name=person.display_name))
                recorded.append((card, pid, step.how))
                card_people.append((card, pid))
                continue
            report.add_outcome(CardOutcome(card.file, card.line, card.display_name, action, pid))
            recorded.append((card, pid, step.how))
            card_people.append((card, pid))
    return recorded, card_people, existing


def _sharing(card: Card, pid: int, shares: tuple[str, Target],
             new_ids: list[int]) -> Suggestion:
    """A new person who shares an email or phone with someone whose name disagrees."""
    kind, other = shares
    other_id = (other.person_id if other.person_id is not None
                else new_ids[other.new_index or 0])
    name = other.holder.name if other.holder is not None else ""
    return Suggestion(card.file, card.line, card.display_name, pid, [(other_id, name)],
                      reason=f"same {kind}")


def _record(session: Session, companies: list[tuple[Card, Company]],
            people: list[tuple[Card, int, How]], wanted: set[int]) -> dict[int, int]:
    """Provenance: each card's file, line and raw text, what it became and how it was
    matched to them. The record ids of the cards in ``wanted`` (by ``id()``: those whose
    merge ended a position), given to the rows before they go in (a COPY returns none)."""
    cards = [*((c, None, co.id, CREATED) for c, co in companies),
             *((c, p, None, h) for c, p, h in people)]
    rows = [{"source_file": card.file, "line": card.line, "raw": card.raw,
             "raw_hash": card.raw_hash, "status": "imported", "person_id": pid,
             "company_id": cid, "matched_by": how[0], "match_evidence": how[1],
             "card_name": card.display_name}
            for card, pid, cid, how in cards]
    ids: dict[int, int] = {}
    if rows and wanted:
        for row, (card, *_), rid in zip(rows, cards, next_ids(session, ImportRecord,
                                                              len(rows)), strict=True):
            row["id"] = rid
            if id(card) in wanted:
                ids[id(card)] = rid
    if rows:
        insert_rows(session, ImportRecord, rows)
    return ids


def apply_chunk(session: Session, report: ImportReport, run: Run, cards: list[Card],
                source: str, written: Callable[[float], None]) -> None:
    """Write one chunk's cards: match, create, merge, record; flushed at the end."""
    if not cards:
        return
    index = Index(session, cards, run)
    written(0.2)
    steps, new_cards, skipped = _decide(index, run, cards)
    for card in skipped:
        report.add_outcome(CardOutcome(card.file, card.line, card.display_name,
                                       "skipped_deleted", message="skipped: you deleted them"))
    # Companies (from company cards and ORG lines), then new people in bulk.
    with session.no_autoflush:
        companies = [(card, company_card(index, card, source_label(source, card)))
                     for card in cards if card.is_company]
        new_ids = insert_people(session, index, new_cards, source)
    written(0.7)
    company_outcomes = [CardOutcome(card.file, card.line, card.org or "", "company")
                        for card, _ in companies]
    for outcome in company_outcomes:
        report.add_outcome(outcome)
    recorded, card_people, merges = _merge_people(session, report, run, index, steps,
                                                  new_ids, source)
    session.flush()
    for outcome, (_, company) in zip(company_outcomes, companies, strict=True):
        outcome.company_id = company.id
    # The records first: a position a card's merge ended names its record.
    merges.write(_record(session, companies, recorded, merges.ended_by()))
    for card, pid in card_people:
        if card.is_me and run.me is None:
            run.me = pid
        run.remember(card, pid)
        if card.relations:
            run.relating.append((pid, card.relations))
        run.name(card.display_name, card.uid, pid)
    report.new_companies += [company.name for company in index.companies.created]
    session.flush()

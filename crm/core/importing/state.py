"""One import's memory from chunk to chunk (ids and names, never cards), and its progress."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardRelation, RecordParser
from crm.core.importing.common import Holder, Progress, contact_key, match_keys
from crm.core.importing.survey import Survey
from crm.core.models import ImportRecord, Person, Suggestion
from crm.core.normalize import fold


class Run:
    """What one import carries from chunk to chunk: ids and names, never cards."""

    def __init__(self, session: Session, survey: Survey,
                 read_stored: RecordParser | None = None) -> None:
        self.survey = survey
        # Ids above these were created by this import.
        self.people_before: int = session.scalar(select(func.max(Person.id))) or 0
        self.records_before: int = session.scalar(select(func.max(ImportRecord.id))) or 0
        # The UIDs and email/phone keys earlier chunks' cards carried, and whom each card
        # was about (the first card wins): a later card matches them before the database,
        # as it matches an earlier card of its own chunk (plan.planned_match). Keys only, as
        # text, so a card is matched whatever chunk boundary falls between the two.
        self.by_uid: dict[str, int] = {}
        self.by_contact: dict[str, int] = {}
        self.merged: set[int] = set()  # people a card was merged into
        self.holders: dict[int, Holder] = {}  # whom those keys are about (first card wins)
        # For relations, linked at the end: who names whom, and the named (by folded name
        # and by uid) among the cards of this import and the people of unchanged cards.
        self.relating: list[tuple[int, list[CardRelation]]] = []
        self.named: dict[str, list[int]] = {}
        self.uids: dict[str, int] = {}
        self.unchanged_uids: dict[str, int] = {}
        # The person a card marked as the user (X-CRM-ME, crm's own export), if any.
        self.me: int | None = None
        # Reads a stored vCard again (sources.RecordParser), when the import is of vCards:
        # then a card that changes only the lines kept for the export is recorded.
        self.read_stored = read_stored
        # Pairs the user said are not the same person (a dismissed same-person suggestion,
        # a card split off: crm.core.upkeep.split), both ways: a card about one is not
        # matched to the other (plan._Matcher). Few: read once.
        self.distinct: dict[int, set[int]] = {}
        for a, b in session.execute(select(Suggestion.person_id, Suggestion.other_id)
                                    .where(Suggestion.kind == "same-person",
                                           Suggestion.status == "dismissed")):
            self.distinct.setdefault(a, set()).add(b)
            self.distinct.setdefault(b, set()).add(a)

    def remember(self, card: Card, pid: int) -> None:
        self.holders.setdefault(pid, Holder(card.display_name, card.nickname, card.uid))
        if card.uid:
            self.by_uid.setdefault(card.uid, pid)
        for kind, norm in match_keys(card):
            self.by_contact.setdefault(contact_key(kind, norm), pid)

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


class Bar:
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

"""Losing touch: the people I have not talked to for a while, best connections first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.core.contacts.people import PersonSummary, summaries_by_id
from crm.core.errors import InvalidInput
from crm.core.models import Interaction
from crm.core.network.ties import UNLINKED_STRENGTH, Tie, better, explicit_ties, iso, me_id


@dataclass(frozen=True)
class StaleContact:
    person: PersonSummary
    tie: Tie
    last_contacted: date | None
    days_since: int | None  # None: never, per the log

    def to_json(self) -> dict[str, Any]:
        data = self.person.to_json()
        data.update({"connection": self.tie.to_json(), "strength": self.tie.strength,
                     "last_contacted": iso(self.last_contacted),
                     "days_since": self.days_since})
        return data


def losing_touch(session: Session, days: int = 90, today: date | None = None, *,
                 limit: int | None = None) -> list[StaleContact]:
    """People I have not talked to for ``days`` days (or ever), best connections first.

    Candidates are the people explicitly connected to me plus anyone with an interaction in
    the log (derived co-workers alone are not "my people" to keep in touch with). Within a
    strength, the longest silence comes first, and never-contacted before anyone.
    """
    if days < 0:
        raise InvalidInput("days must be 0 or more")
    today = today or date.today()
    me = me_id(session)
    ties: dict[int, Tie] = {}
    if me is not None:
        for (a, b), tie in explicit_ties(session, [me]).items():
            if a == me:
                ties[b] = better(ties.get(b), tie)
    last = dict(session.connection().execute(
        select(Interaction.person_id, func.max(Interaction.occurred_on))
        .group_by(Interaction.person_id)).all())
    unlinked = Tie(None, UNLINKED_STRENGTH, source="contacts")
    for pid in last:
        ties.setdefault(pid, unlinked)
    ties.pop(me, None)  # type: ignore[arg-type]
    cutoff = today.toordinal() - days
    stale = [pid for pid in ties if pid not in last or last[pid].toordinal() <= cutoff]

    def rank(pid: int) -> tuple[int, int]:
        seen = last.get(pid)
        return (-ties[pid].strength, seen.toordinal() if seen else 0)

    stale.sort(key=rank)
    summaries = summaries_by_id(session, stale)
    out = [StaleContact(summaries[pid], ties[pid], last.get(pid),
                        (today - last[pid]).days if pid in last else None) for pid in stale]
    out.sort(key=lambda s: (*rank(s.person.id), s.person.name, s.person.id))
    return out[:limit] if limit is not None else out

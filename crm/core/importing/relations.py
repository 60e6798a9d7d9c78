"""Connections named by the records of one import (X-ABRELATEDNAMES, RELATED), linked in a
last pass once everyone they may name exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.importing.common import relation_kind
from crm.core.importing.state import Run
from crm.core.models import Connection, Person
from crm.core.network import link
from crm.core.normalize import fold


def link_relations(session: Session, run: Run, source: str) -> list[tuple[int, int, str]]:
    """X-ABRELATEDNAMES / RELATED naming someone in the same import become connections;
    (person, other, kind) of each one made.

    People of the import whose cards were skipped as already imported count too. Linked
    once every chunk is written, so that a card can name someone from a later chunk.
    """
    if not run.relating:
        return []
    by_uid = {**run.uids, **run.unchanged_uids}
    made: list[tuple[int, int, str]] = []
    for pid, relations in run.relating:
        for rel in relations:
            kind = relation_kind(rel.label)
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
                made.append((pid, other, kind))
    return made

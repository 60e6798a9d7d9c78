"""Named relations (X-ABRELATEDNAMES, RELATED, X-MS-MANAGER…) are stored with the person
who names them; once every chunk is written, each that names nobody yet is linked to the
person it names, if crm knows exactly one: a connection when its label names a kind."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.importing.common import chunks, relation_kind
from crm.core.importing.state import Run
from crm.core.models import Connection, Person, PersonRelation
from crm.core.network import link
from crm.core.normalize import fold


def link_relations(session: Session, run: Run, source: str) -> list[tuple[int, int, str]]:
    """Link the stored relations that name nobody yet: by UID, else by name (the people
    of this import first, then anyone of that name when there is exactly one); (person,
    other, kind) of each connection made.

    Linked once every chunk is written, so that a card can name someone from a later
    chunk; a relation naming someone who comes in a later import is linked then.
    """
    open_rows = list(session.scalars(select(PersonRelation)
                                     .where(PersonRelation.other_id.is_(None))
                                     .order_by(PersonRelation.id)))
    if not open_rows:
        return []
    by_uid = {**run.uids, **run.unchanged_uids}
    uids = sorted({r.uid.removeprefix("urn:uuid:") for r in open_rows if r.uid} - set(by_uid))
    for chunk in chunks(uids):
        for pid, uid in session.execute(select(Person.id, Person.uid)
                                        .where(Person.uid.in_(chunk))):
            if uid is not None:
                by_uid.setdefault(uid, pid)
    keys = sorted({fold(r.name).strip() for r in open_rows if not r.uid and r.name})
    by_name: dict[str, list[int]] = {}
    for chunk in chunks(keys):
        for pid, key in session.execute(select(Person.id, Person.sort_key)
                                        .where(Person.sort_key.in_(chunk))):
            by_name.setdefault(key, []).append(pid)
    made: list[tuple[int, int, str]] = []
    for rel in open_rows:
        if rel.uid:
            other = by_uid.get(rel.uid.removeprefix("urn:uuid:"))
        else:
            key = fold(rel.name).strip()
            found = run.named.get(key) or by_name.get(key, [])
            other = found[0] if len(found) == 1 else None
        if other is None or other == rel.person_id:
            continue
        rel.other_id = other
        kind = relation_kind(rel.label)
        if kind is None:
            continue
        exists = session.scalar(select(Connection.id).where(
            Connection.person_id == rel.person_id, Connection.other_id == other,
            Connection.kind == kind))
        if exists is None:
            person, target = session.get(Person, rel.person_id), session.get(Person, other)
            assert person is not None and target is not None
            link(session, person, target, kind, source=source)
            made.append((rel.person_id, other, kind))
    session.flush()
    return made

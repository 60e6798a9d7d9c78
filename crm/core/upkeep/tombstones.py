"""Deletions that stick: a deleted person leaves a tombstone.

The tombstone holds what matched the person on import (their UID, normalized emails and
phones, the hashes of their imported cards), so that a re-import of the same phone export
skips them ("you deleted them") instead of bringing them back, and a snapshot of every row
that went with them (and the ids of rows that only lost their link to them), so that
``undelete`` can put them back as they were.

Run inside one ``Database.write()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from crm.core.errors import Ambiguous, InvalidInput, NotFound
from crm.core.models import (
    Base,
    Company,
    Connection,
    ContactPoint,
    ImportRecord,
    Interaction,
    Person,
    PersonAlias,
    Position,
    Reference,
    ReferenceUse,
    Referral,
    Tag,
    Tombstone,
    TombstoneKey,
)
from crm.core.normalize import fold

KEY_KINDS = ("uid", "email", "phone", "card")


@dataclass(frozen=True)
class DeletionImpact:
    """Everything that goes with a person when they are deleted (for the confirmation)."""

    person_id: int
    name: str
    contact_points: int
    positions: int
    connections: int
    interactions: int
    reference: bool
    reference_uses: int
    referrals: int
    cards: int

    def items(self) -> list[str]:
        """What goes, as phrases ("2 positions", "the reference and its 1 use")."""
        def n(count: int, one: str, many: str | None = None) -> str:
            return f"{count} {one if count == 1 else (many or one + 's')}"

        out = []
        for count, one in ((self.contact_points, "contact point"),
                           (self.positions, "position"), (self.connections, "connection"),
                           (self.interactions, "interaction"), (self.referrals, "referral")):
            if count:
                out.append(n(count, one))
        if self.reference:
            out.append("their reference entry" + (
                f" and {n(self.reference_uses, 'use')} of it" if self.reference_uses else ""))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"id": self.person_id, "name": self.name,
                "contact_points": self.contact_points, "positions": self.positions,
                "connections": self.connections, "interactions": self.interactions,
                "reference": self.reference, "reference_uses": self.reference_uses,
                "referrals": self.referrals, "cards_kept": self.cards}


def _count(session: Session, model: Any, *conds: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*conds)) or 0)


def deletion_impact(session: Session, person_id: int) -> DeletionImpact:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    ref_id = session.scalar(select(Reference.id).where(Reference.person_id == person_id))
    return DeletionImpact(
        person_id=person_id, name=person.display_name,
        contact_points=_count(session, ContactPoint, ContactPoint.person_id == person_id),
        positions=_count(session, Position, Position.person_id == person_id),
        connections=_count(session, Connection, or_(Connection.person_id == person_id,
                                                    Connection.other_id == person_id)),
        interactions=_count(session, Interaction, Interaction.person_id == person_id),
        reference=ref_id is not None,
        reference_uses=(_count(session, ReferenceUse, ReferenceUse.reference_id == ref_id)
                        if ref_id is not None else 0),
        referrals=_count(session, Referral, or_(Referral.referrer_id == person_id,
                                                Referral.referred_id == person_id,
                                                Referral.to_person_id == person_id)),
        cards=_count(session, ImportRecord, ImportRecord.person_id == person_id))


# -- snapshot ------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    from crm.core.backup import _encode as encode

    return encode(value)


def _decode(column: Any, value: Any) -> Any:
    from crm.core.backup import _decode as decode

    return decode(column, value)


def _pk(table: Table) -> str:
    (col,) = table.primary_key.columns  # every table that cascades from a person has one
    return str(col.name)


def _dependents(table: Table) -> list[tuple[Table, str, str | None]]:
    """(table, column, ondelete) of every foreign key pointing at ``table``'s primary key."""
    out = []
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                out.append((other, fk.parent.name, (fk.ondelete or "").upper() or None))
    return out


def _snapshot(session: Session, person_id: int) -> dict[str, Any]:
    """The person's row, every row deleted with it (by cascade), and the rows that only
    lose their link (SET NULL), as JSON-ready data."""
    person_table = Person.__table__
    assert isinstance(person_table, Table)
    rows: dict[str, list[dict[str, Any]]] = {}
    unlinked: dict[str, list[int]] = {}
    seen: set[tuple[str, Any]] = set()

    def walk(table: Table, ids: list[Any]) -> None:
        if not ids:
            return
        for dep, column, ondelete in _dependents(table):
            if ondelete == "CASCADE":
                found = [dict(r) for r in session.execute(
                    select(dep).where(dep.c[column].in_(ids))).mappings()]
                fresh = []
                for r in found:
                    key = (dep.name, tuple(r[c.name] for c in dep.primary_key.columns))
                    if key not in seen:
                        seen.add(key)
                        fresh.append(r)
                rows.setdefault(dep.name, []).extend(
                    {k: _encode(v) for k, v in r.items()} for r in fresh)
                if len(dep.primary_key.columns) == 1:
                    walk(dep, [r[_pk(dep)] for r in fresh])
            elif ondelete == "SET NULL" and len(dep.primary_key.columns) == 1:
                pk = _pk(dep)
                hit = list(session.scalars(select(dep.c[pk]).where(dep.c[column].in_(ids))))
                if hit:
                    unlinked.setdefault(f"{dep.name}.{column}", []).extend(hit)

    person_row = session.execute(select(person_table).where(
        person_table.c.id == person_id)).mappings().one()
    walk(person_table, [person_id])
    companies = {cid: name for cid, name in session.execute(
        select(Company.id, Company.name).join(Position, Position.company_id == Company.id)
        .where(Position.person_id == person_id))}
    tags = {tid: name for tid, name in session.execute(select(Tag.id, Tag.name))
            if any(r.get("tag_id") == tid for r in rows.get("person_tag", []))}
    return {"person": {k: _encode(v) for k, v in person_row.items()}, "rows": rows,
            "unlinked": unlinked, "companies": companies, "tags": tags}


def _keys(session: Session, person: Person) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    if person.uid:
        keys.add(("uid", person.uid))
    for (uid,) in session.execute(select(PersonAlias.uid).where(
            PersonAlias.person_id == person.id, PersonAlias.uid.is_not(None))):
        keys.add(("uid", str(uid)))
    for kind, norm in session.execute(select(ContactPoint.kind, ContactPoint.normalized).where(
            ContactPoint.person_id == person.id, ContactPoint.kind.in_(("email", "phone")),
            ContactPoint.normalized != "")):
        keys.add((kind, norm[:500]))
    for (digest,) in session.execute(select(ImportRecord.raw_hash).where(
            ImportRecord.person_id == person.id, ImportRecord.status == "imported")):
        keys.add(("card", digest))
    return keys


def bury(session: Session, person_id: int) -> Tombstone:
    """Delete a person, leaving a tombstone; returns it."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    snapshot = _snapshot(session, person_id)
    stone = Tombstone(person_id=person_id, name=person.display_name,
                      snapshot=json.dumps(snapshot, ensure_ascii=False, default=str))
    stone.keys = [TombstoneKey(kind=k, value=v) for k, v in sorted(_keys(session, person))]
    session.add(stone)
    session.flush()
    session.expunge(person)
    session.execute(delete(Person).where(Person.id == person_id))
    session.expire_all()
    return stone


# -- listing and matching ------------------------------------------------------------------


@dataclass(frozen=True)
class TombstoneView:
    id: int
    person_id: int
    name: str
    deleted_at: datetime
    keys: tuple[tuple[str, str], ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "person_id": self.person_id, "name": self.name,
                "deleted_at": self.deleted_at.isoformat(),
                "uids": [v for k, v in self.keys if k == "uid"],
                "emails": [v for k, v in self.keys if k == "email"],
                "phones": [v for k, v in self.keys if k == "phone"],
                "cards": sum(1 for k, _ in self.keys if k == "card")}


def list_tombstones(session: Session) -> list[TombstoneView]:
    stones = session.scalars(select(Tombstone).order_by(Tombstone.deleted_at.desc(),
                                                        Tombstone.id.desc()))
    out = []
    for t in stones:
        out.append(TombstoneView(t.id, t.person_id, t.name, t.deleted_at,
                                 tuple((k.kind, k.value) for k in t.keys)))
    return out


def deleted_matches(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str],
                                                                              tuple[int, str]]:
    """Which of these (kind, value) keys belong to a deleted person: key -> (tombstone id,
    name). Kinds: uid, email (normalized), phone (normalized), card (raw hash)."""
    wanted: dict[str, list[str]] = {}
    for kind, value in keys:
        if value:
            wanted.setdefault(kind, []).append(value)
    out: dict[tuple[str, str], tuple[int, str]] = {}
    for kind, values in wanted.items():
        values = sorted(set(values))
        for i in range(0, len(values), 5000):
            for k, v, tid, name in session.execute(
                    select(TombstoneKey.kind, TombstoneKey.value, Tombstone.id, Tombstone.name)
                    .join(Tombstone).where(TombstoneKey.kind == kind,
                                           TombstoneKey.value.in_(values[i:i + 5000]))
                    .order_by(Tombstone.id)):
                out.setdefault((k, v), (tid, name))
    return out


def has_tombstones(session: Session) -> bool:
    return session.scalar(select(Tombstone.id).limit(1)) is not None


def resolve_tombstone(session: Session, text: str) -> Tombstone:
    """The tombstone meant by ``#ID`` (the id the person had), or by their name."""
    query = text.strip()
    if not query:
        raise InvalidInput("say whom to restore")
    if query.lstrip("#").isdigit():
        pid = int(query.lstrip("#"))
        stone = session.scalar(select(Tombstone).where(Tombstone.person_id == pid)
                               .order_by(Tombstone.id.desc()).limit(1))
        if stone is None:
            raise NotFound(f"nobody with id {pid} was deleted")
        return stone
    key = fold(query).strip()
    stones = list(session.scalars(select(Tombstone).order_by(Tombstone.id)))
    exact = [t for t in stones if fold(t.name).strip() == key]
    found = exact or [t for t in stones if fold(t.name).strip().startswith(key)]
    if not found:
        raise NotFound(f"no deleted person matches {query!r}")
    if len(found) > 1:
        raise Ambiguous("deleted person", query, [f"{t.name} (#{t.person_id})" for t in found])
    return found[0]


# -- undelete ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    person_id: int
    name: str
    rows: int
    not_restored: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.person_id, "name": self.name, "rows": self.rows,
                "not_restored": list(self.not_restored)}


def _exists(session: Session, table: Table, pk: str, value: Any) -> bool:
    return session.execute(select(table.c[pk]).where(table.c[pk] == value)).first() is not None


def _park(session: Session, table: Table, raw: dict[str, Any],
          ids: dict[tuple[str, Any], Any], target: str, value: Any) -> str:
    """A row that links to someone deleted since waits in their tombstone (it comes back
    with them); returns what to tell the user."""
    what = f"{table.name} #{raw.get('id', '?')}"
    other = (session.scalar(select(Tombstone).where(Tombstone.person_id == value)
                            .order_by(Tombstone.id.desc()).limit(1))
             if target == "person" else None)
    if other is None:
        return f"{what} ({target} #{value} is gone)"
    row = dict(raw)
    for fk in table.foreign_keys:  # the links to the person restored now: their new id
        v = row.get(fk.parent.name)
        if (fk.column.table.name, v) in ids:
            row[fk.parent.name] = ids[(fk.column.table.name, v)]
    data = json.loads(other.snapshot)
    data["rows"].setdefault(table.name, []).append(row)
    other.snapshot = json.dumps(data, ensure_ascii=False, default=str)
    return f"{what} (with {other.name}, deleted: it comes back with them)"


def undelete(session: Session, stone: Tombstone) -> Restored:
    """Put a deleted person back from their tombstone, with every row that went with them;
    the tombstone goes. Links to records deleted since are left out and named."""
    data = json.loads(stone.snapshot)
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    person_table = tables["person"]
    person = {c.name: _decode(c, data["person"].get(c.name)) for c in person_table.columns
              if c.name in data["person"]}
    ids: dict[tuple[str, Any], Any] = {}
    old_id = person["id"]
    if _exists(session, person_table, "id", old_id):
        del person["id"]
    if person.get("uid") and session.scalar(select(Person.id).where(Person.uid == person["uid"])):
        person["uid"] = None  # someone else has the UID now (imported or merged since)
    if person.get("is_me") and session.scalar(select(Person.id).where(Person.is_me.is_(True))):
        person["is_me"] = False
    if person.get("known_via_id") is not None and not _exists(
            session, person_table, "id", person["known_via_id"]):
        person["known_via_id"] = None
    new_id = session.execute(insert(person_table).values(**person)
                             .returning(person_table.c.id)).scalar_one()
    ids[("person", old_id)] = new_id
    missing: list[str] = []
    restored = 1
    companies = {int(k): v for k, v in data.get("companies", {}).items()}
    tag_names = {int(k): v for k, v in data.get("tags", {}).items()}
    for table in Base.metadata.sorted_tables:  # parents before children
        for raw in data["rows"].get(table.name, []):
            row = {c.name: _decode(c, raw.get(c.name)) for c in table.columns if c.name in raw}
            keep = True
            for fk in table.foreign_keys:
                col, target = fk.parent.name, fk.column.table
                value = row.get(col)
                if value is None:
                    continue
                if (target.name, value) in ids:
                    row[col] = ids[(target.name, value)]
                    continue
                if _exists(session, target, fk.column.name, value):
                    continue
                if target.name == "company" and value in companies:
                    from crm.core.contacts.companies import get_or_create_company

                    row[col] = get_or_create_company(session, companies[value]).id
                    ids[("company", value)] = row[col]
                elif target.name == "tag" and value in tag_names:
                    tag = session.scalar(select(Tag).where(Tag.name == tag_names[value]))
                    if tag is None:
                        tag = Tag(name=tag_names[value])
                        session.add(tag)
                        session.flush()
                    row[col] = ids[("tag", value)] = tag.id
                elif fk.parent.nullable:
                    row[col] = None
                else:
                    keep = False
                    missing.append(_park(session, table, raw, ids, target.name, value))
                    break
            if not keep:
                continue
            pk_cols = list(table.primary_key.columns)
            if len(pk_cols) == 1:
                pk = pk_cols[0].name
                old = row.get(pk)
                if old is not None and _exists(session, table, pk, old):
                    del row[pk]
                new = session.execute(insert(table).values(**row)
                                      .returning(table.c[pk])).scalar_one()
                ids[(table.name, old)] = new
            else:
                session.execute(insert(table).values(**row))
            restored += 1
    # Rows that only lost their link to the person (SET NULL) get it back.
    for where, row_ids in data.get("unlinked", {}).items():
        table_name, column = where.split(".", 1)
        linked = tables.get(table_name)
        if linked is None or column not in linked.c:
            continue
        if not any(fk.parent.name == column and fk.column.table.name == "person"
                   for fk in linked.foreign_keys):
            continue
        session.execute(update(linked).where(linked.c[_pk(linked)].in_(row_ids),
                                             linked.c[column].is_(None))
                        .values({column: new_id}))
    session.delete(stone)
    session.flush()
    from crm.core.contacts.people import refresh_search_text, summary_loader

    back = session.scalars(select(Person).where(Person.id == new_id)
                           .options(*summary_loader())).one()
    refresh_search_text(back)
    session.flush()
    return Restored(new_id, back.display_name, restored, tuple(missing))

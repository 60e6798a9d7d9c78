"""Merging two people (or two companies) into one, with nothing lost.

The survivor (KEEP) takes the union of everything the other had: contact points,
positions, connections (never a link to itself, never the same link twice), interactions,
the reference and its uses, referrals, tags, notes, every raw imported card and anything
else that points at a person. Fields both have are the survivor's unless the caller picks
the other's; a value not taken is written into the survivor's note ("merged from …"), so
no text the user entered or imported disappears. The merged-away id stays in
``person_alias`` (its UID too), so ``crm show '#OLDID'`` and later imports land on the
survivor.

``plan_merge`` says what a merge would do without writing (``--dry-run``, the TUI merge
screen); ``merge_people`` does it and returns the same plan. Run inside one
``Database.write()``. Companies merge the same way (``crm.core.upkeep.company_merge``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from crm.core.agenda.intervals import describe_days
from crm.core.errors import InvalidInput, NotFound
from crm.core.models import (
    Base,
    Connection,
    Person,
    PersonAlias,
    PersonTag,
    Position,
    Reference,
)
from crm.core.vocabulary import REFERENCE_STATUSES

Side = Literal["keep", "other"]

# The person's own fields a merge chooses between, in the order a merge screen shows them.
PERSON_FIELDS = ("display_name", "given_name", "family_name", "additional_names",
                 "name_prefix", "name_suffix", "nickname", "pronouns", "headline",
                 "location", "birthday", "role", "keep_in_touch")
_LABELS = {"display_name": "name", "given_name": "given name", "family_name": "family name",
           "additional_names": "middle names", "name_prefix": "prefix",
           "name_suffix": "suffix", "keep_in_touch": "keep in touch"}
_REFERENCE_TEXT = ("relationship_text", "speaks_to", "since", "asked_on", "agreed_on",
                   "declined_on", "preferred_contact")


@dataclass(frozen=True)
class FieldChoice:
    """One field of the merged record: both values and which one the survivor gets."""

    field: str
    keep: str | None
    other: str | None
    taken: Side

    @property
    def value(self) -> str | None:
        return self.other if self.taken == "other" else self.keep

    @property
    def conflict(self) -> bool:
        return bool(self.keep) and bool(self.other) and self.keep != self.other

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "keep": self.keep, "other": self.other,
                "taken": self.taken, "value": self.value}


@dataclass(frozen=True)
class MergePlan:
    """What merging OTHER into KEEP does (or did): the fields chosen and what moves.

    ``moved`` counts the other's rows the survivor takes over; ``same`` counts the other's
    rows that were already the survivor's (the same email, the same position, the same
    link) and so are folded into them; ``self_links`` counts links between the two, which
    a person cannot have with themselves.
    """

    kind: Literal["person", "company"]
    keep_id: int
    keep_name: str
    other_id: int
    other_name: str
    fields: tuple[FieldChoice, ...]
    moved: tuple[tuple[str, int], ...]
    same: tuple[tuple[str, int], ...]
    self_links: int = 0
    note_added: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind,
                "keep": {"id": self.keep_id, "name": self.keep_name},
                "other": {"id": self.other_id, "name": self.other_name},
                "fields": [f.to_json() for f in self.fields],
                "moved": dict(self.moved), "same": dict(self.same),
                "self_links": self.self_links, "note_added": self.note_added}


# -- people --------------------------------------------------------------------------------


def _birthday(p: Person) -> str | None:
    if p.birthday_month is None or p.birthday_day is None:
        return str(p.birthday_year) if p.birthday_year else None
    md = f"{p.birthday_month:02d}-{p.birthday_day:02d}"
    return f"{p.birthday_year:04d}-{md}" if p.birthday_year else f"--{md}"


def _keep_in_touch(p: Person) -> str | None:
    """The keep-in-touch intervals as typed (``every 2m, at most 4m``); None: not set."""
    parts = []
    if p.keep_every_days is not None:
        parts.append(f"every {describe_days(p.keep_every_days)}")
    if p.keep_at_most_days is not None:
        parts.append(f"at most {describe_days(p.keep_at_most_days)}")
    return ", ".join(parts) or None


def _field_value(p: Person, name: str) -> str | None:
    if name == "birthday":
        return _birthday(p)
    if name == "keep_in_touch":
        return _keep_in_touch(p)
    value = getattr(p, name)
    return value if value else None


M = TypeVar("M")


def merge_pair(session: Session, model: type[M], keep_id: int, other_id: int,
               what: str, itself: str) -> tuple[M, M]:
    """The two rows a merge of ``what`` (a person, a company) takes, or why there are none."""
    if keep_id == other_id:
        raise InvalidInput(f"cannot merge a {what} with {itself}")
    keep, other = session.get(model, keep_id), session.get(model, other_id)
    if keep is None:
        raise NotFound(f"no {what} with id {keep_id}")
    if other is None:
        raise NotFound(f"no {what} with id {other_id}")
    return keep, other


def _pair(session: Session, keep_id: int, other_id: int) -> tuple[Person, Person]:
    return merge_pair(session, Person, keep_id, other_id, "person", "themselves")


def choose_field(name: str, keep: str | None, other: str | None,
            choices: Mapping[str, Side]) -> FieldChoice:
    taken: Side = "keep"
    if not keep and other:
        taken = "other"  # a gap is filled
    elif keep and other and keep != other and choices.get(name) == "other":
        taken = "other"
    return FieldChoice(name, keep, other, taken)


def check_choices(choices: Mapping[str, Side], allowed: tuple[str, ...]) -> None:
    unknown = set(choices) - set(allowed) - {"note"}
    if unknown:
        raise InvalidInput(f"cannot choose {', '.join(sorted(unknown))}: the fields are "
                           f"{', '.join(allowed)}")
    bad = {v for v in choices.values()} - {"keep", "other"}
    if bad:
        raise InvalidInput(f"pick 'keep' or 'other', not {', '.join(sorted(map(str, bad)))}")


def count_rows(session: Session, stmt: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _person_fk_columns() -> list[tuple[Table, str]]:
    """Every (table, column) that points at person.id, whatever table added it."""
    out = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "person" and fk.column.name == "id":
                out.append((table, fk.parent.name))
    return out


# Columns the merge moves itself (duplicates folded); every other column that points at a
# person is simply re-pointed at the survivor.
_PERSON_SPECIAL = {("contact_point", "person_id"), ("position", "person_id"),
                   ("connection", "person_id"), ("connection", "other_id"),
                   ("person_tag", "person_id"), ("reference", "person_id"),
                   ("person", "known_via_id")}


def _position_key(p: Position) -> tuple[Any, ...]:
    return (p.company_id, p.title, p.department, p.kind, p.start, p.end, p.is_current)


def _connection_moves(session: Session, keep: int, other: int
                      ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]], list[int]]:
    """The other's links as (id, new person, new other) moves, (id, into id) folds, and
    ids of links between the two."""
    have: dict[tuple[int, int, str], int] = {}
    for cid, a, b, kind in session.execute(
            select(Connection.id, Connection.person_id, Connection.other_id, Connection.kind)
            .where((Connection.person_id == keep) | (Connection.other_id == keep))):
        if other not in (a, b):
            have[(a, b, kind)] = cid
    moves, folds, selfs = [], [], []
    for cid, a, b, kind in session.execute(
            select(Connection.id, Connection.person_id, Connection.other_id, Connection.kind)
            .where((Connection.person_id == other) | (Connection.other_id == other))
            .order_by(Connection.id)):
        na, nb = (keep if a == other else a), (keep if b == other else b)
        if na == nb:
            selfs.append(cid)
        elif (na, nb, kind) in have:
            folds.append((cid, have[(na, nb, kind)]))
        else:
            moves.append((cid, na, nb))
            have[(na, nb, kind)] = cid
    return moves, folds, selfs


def plan_merge(session: Session, keep_id: int, other_id: int,
               choices: Mapping[str, Side] | None = None) -> MergePlan:
    """What ``merge_people`` would do, without writing anything."""
    return _merge_people(session, keep_id, other_id, choices or {}, apply=False)


def merge_people(session: Session, keep_id: int, other_id: int,
                 choices: Mapping[str, Side] | None = None) -> MergePlan:
    """Merge person ``other_id`` into ``keep_id``; ``choices`` picks the other's value of a
    field both have (``{"headline": "other"}``)."""
    return _merge_people(session, keep_id, other_id, choices or {}, apply=True)


def _merge_people(session: Session, keep_id: int, other_id: int,
                  choices: Mapping[str, Side], *, apply: bool) -> MergePlan:
    check_choices(choices, PERSON_FIELDS)
    keep, other = _pair(session, keep_id, other_id)
    fields = tuple(choose_field(f, _field_value(keep, f), _field_value(other, f), choices)
                   for f in PERSON_FIELDS)
    # What the survivor does not take is kept as text in its note.
    lost = [f"{_LABELS.get(c.field, c.field)}: {c.other if c.taken == 'keep' else c.keep}"
            for c in fields if c.conflict and c.field != "display_name"]
    name_field = fields[0]
    if name_field.conflict and name_field.taken == "other":
        lost.insert(0, f"name: {name_field.keep}")

    keep_points = {(cp.kind, cp.normalized) for cp in keep.contact_points}
    points_moved = [cp for cp in other.contact_points
                    if (cp.kind, cp.normalized) not in keep_points]
    points_same = len(other.contact_points) - len(points_moved)
    keep_positions = {_position_key(p) for p in keep.positions}
    pos_moved = [p for p in other.positions if _position_key(p) not in keep_positions]
    pos_same = [p for p in other.positions if _position_key(p) in keep_positions]
    conn_moves, conn_folds, conn_selfs = _connection_moves(session, keep.id, other.id)
    keep_tags = {t.id for t in keep.tags}
    tags_moved = [t for t in other.tags if t.id not in keep_tags]
    ref_keep, ref_other = keep.reference, other.reference
    ref_lost: list[str] = []
    if ref_keep is not None and ref_other is not None:
        for attr in _REFERENCE_TEXT:
            a, b = getattr(ref_keep, attr), getattr(ref_other, attr)
            if a and b and a != b:
                ref_lost.append(f"reference {attr.replace('_text', '').replace('_', ' ')}: {b}")
        if ref_other.status != ref_keep.status and ref_keep.status != "not-asked":
            ref_lost.append(f"reference status: {ref_other.status}")
        if ref_other.note and ref_other.note != ref_keep.note:
            ref_lost.append(f"reference note: {ref_other.note}")
    lost += ref_lost
    note_added = None
    if lost:
        note_added = f"merged from #{other.id} {other.display_name}: " + "; ".join(lost)

    generic: list[tuple[str, int]] = []
    for table, column in _person_fk_columns():
        if (table.name, column) in _PERSON_SPECIAL:
            continue
        stmt = select(table).where(table.c[column] == other.id)
        if table.name == "suggestion":  # (one between the two is settled, not moved)
            stmt = stmt.where(table.c["other_id" if column == "person_id" else "person_id"]
                              != keep.id)
        n = count_rows(session, stmt)
        if n:
            generic.append((f"{table.name}.{column}", n))
    ref_uses = len(ref_other.uses) if ref_other is not None else 0
    moved = [("contact_points", len(points_moved)), ("positions", len(pos_moved)),
             ("connections", len(conn_moves)), ("tags", len(tags_moved)),
             ("reference", int(ref_other is not None and ref_keep is None)),
             ("reference_uses", ref_uses)]
    moved += _readable(generic)
    plan = MergePlan(
        kind="person", keep_id=keep.id, keep_name=keep.display_name, other_id=other.id,
        other_name=other.display_name, fields=fields,
        moved=tuple((k, v) for k, v in moved if v),
        same=tuple((k, v) for k, v in (("contact_points", points_same),
                                       ("positions", len(pos_same)),
                                       ("connections", len(conn_folds)),
                                       ("reference", int(ref_other is not None
                                                         and ref_keep is not None))) if v),
        self_links=len(conn_selfs), note_added=note_added)
    if not apply:
        return plan

    # -- write ----------------------------------------------------------------------------
    session.flush()
    other_uid, other_name, other_id_, was_me = (other.uid, other.display_name, other.id,
                                                 other.is_me)
    survivor_id = keep.id
    notes = [n for n in (keep.note, other.note) if n]
    if keep.note and other.note and keep.note == other.note:
        notes = [keep.note]
    if note_added:
        notes.append(note_added)
    # Fields.
    for choice in fields:
        if choice.taken != "other":
            continue
        if choice.field == "birthday":
            keep.birthday_year, keep.birthday_month, keep.birthday_day = (
                other.birthday_year, other.birthday_month, other.birthday_day)
        elif choice.field == "keep_in_touch":
            keep.keep_every_days, keep.keep_at_most_days = (other.keep_every_days,
                                                             other.keep_at_most_days)
        else:
            setattr(keep, choice.field, getattr(other, choice.field))
    keep.note = "\n\n".join(notes) if notes else None
    if keep.photo_type is None and other.photo_type is not None:
        keep.photo, keep.photo_type = other.photo, other.photo_type
    if keep.known_via_id is None and other.known_via_id not in (None, keep.id):
        keep.known_via_id = other.known_via_id
    if keep.known_via_id == other.id:
        keep.known_via_id = None
    if other.uid is not None:
        other.uid = None  # (unique) the alias row keeps it for matching
        session.flush()
        if keep.uid is None:
            keep.uid = other_uid
    if was_me:
        other.is_me = False
        session.flush()
        keep.is_me = True
    session.flush()
    # Children the merge folds itself.
    for cp in points_moved:
        cp.person_id = survivor_id
    for cp in other.contact_points:
        if cp not in points_moved:
            for mine in keep.contact_points:
                if (mine.kind, mine.normalized) == (cp.kind, cp.normalized):
                    mine.preferred = mine.preferred or cp.preferred
                    mine.label = mine.label or cp.label
    for p in pos_moved:
        p.person_id = survivor_id
    session.flush()
    for p in pos_same:
        twin = next(k for k in keep.positions if _position_key(k) == _position_key(p))
        session.execute(update(Connection).where(Connection.context_position_id == p.id)
                        .values(context_position_id=twin.id))
        if p.note and p.note != twin.note:
            twin.note = "\n\n".join(n for n in (twin.note, p.note) if n)
    for cid, into in conn_folds:
        mine_c, theirs = session.get(Connection, into), session.get(Connection, cid)
        assert mine_c is not None and theirs is not None
        mine_c.strength = max(mine_c.strength, theirs.strength)
        for attr in ("how_met", "since", "note", "context_company_id", "context_position_id",
                     "context_event"):
            if getattr(mine_c, attr) is None and getattr(theirs, attr) is not None:
                setattr(mine_c, attr, getattr(theirs, attr))
        if theirs.note and mine_c.note and theirs.note != mine_c.note:
            mine_c.note = f"{mine_c.note}\n\n{theirs.note}"
    session.flush()
    for cid in [c for c, _ in conn_folds] + conn_selfs:
        session.execute(delete(Connection).where(Connection.id == cid))
    for cid, na, nb in conn_moves:
        session.execute(update(Connection).where(Connection.id == cid)
                        .values(person_id=na, other_id=nb))
    for tag in tags_moved:
        session.add(PersonTag(person_id=survivor_id, tag_id=tag.id))
    if ref_other is not None:
        if ref_keep is None:
            ref_other.person_id = survivor_id
        else:
            for use in list(ref_other.uses):
                use.reference_id = ref_keep.id
            session.flush()
            for attr in (*_REFERENCE_TEXT, "note"):
                if not getattr(ref_keep, attr) and getattr(ref_other, attr):
                    setattr(ref_keep, attr, getattr(ref_other, attr))
            if ref_keep.status == "not-asked" and ref_other.status in REFERENCE_STATUSES:
                ref_keep.status = ref_other.status
            ref_keep.strength = max(ref_keep.strength, ref_other.strength)
            session.flush()
            session.execute(delete(Reference).where(Reference.id == ref_other.id))
    session.flush()
    _settle_suggestions(session, survivor_id, other_id_)
    # Everything else that points at the other person now points at the survivor.
    for table, column in _person_fk_columns():
        if (table.name, column) in _PERSON_SPECIAL:
            continue
        session.execute(update(table).where(table.c[column] == other_id_)
                        .values({column: survivor_id}))
    session.execute(update(Person).where(Person.known_via_id == other_id_,
                                         Person.id != survivor_id)
                    .values(known_via_id=survivor_id))
    # (SQLite may give a deleted person's id to a newer one: the older alias gives way)
    session.execute(delete(PersonAlias).where(PersonAlias.old_id == other_id_))
    session.add(PersonAlias(old_id=other_id_, person_id=survivor_id, uid=other_uid,
                            name=other_name))
    session.flush()
    session.expunge(other)
    session.execute(delete(Person).where(Person.id == other_id_))
    session.expire_all()
    from crm.core.contacts.people import refresh_search_text, summary_loader

    survivor = session.scalars(select(Person).where(Person.id == survivor_id)
                               .options(*summary_loader())).one()
    refresh_search_text(survivor)
    session.flush()
    return plan


def _settle_suggestions(session: Session, survivor_id: int, other_id: int) -> None:
    """Before the other person's rows point at the survivor: a suggestion between the two
    (the same name, the same phone) is settled by the merge itself, and one of the other's
    that the survivor has too (the same kind, pair and connection) is the survivor's already.
    Left alone they would pair the survivor with themselves, or twice with someone."""
    from crm.core.models import Suggestion

    pair = {survivor_id, other_id}
    rows = session.scalars(select(Suggestion).where(
        (Suggestion.person_id == other_id) | (Suggestion.other_id == other_id))).all()
    taken = {tuple(r) for r in session.execute(select(
        Suggestion.kind, Suggestion.person_id, Suggestion.other_id, Suggestion.connection_kind)
        .where((Suggestion.person_id == survivor_id) | (Suggestion.other_id == survivor_id)))}
    for row in rows:
        if {row.person_id, row.other_id} == pair:
            session.delete(row)
            continue
        moved = (row.kind, survivor_id if row.person_id == other_id else row.person_id,
                 survivor_id if row.other_id == other_id else row.other_id, row.connection_kind)
        if moved in taken:
            session.delete(row)
        else:
            taken.add(moved)
    session.flush()


_READABLE = {"interaction.person_id": "interactions", "import_record.person_id": "cards",
             "referral.referrer_id": "referrals", "referral.referred_id": "referrals",
             "referral.to_person_id": "referrals", "person_alias.person_id": "aliases"}


def _readable(generic: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for name, n in generic:
        key = _READABLE.get(name, name)
        out[key] = out.get(key, 0) + n
    return list(out.items())


def merged_into(session: Session, person_id: int) -> int | None:
    """The survivor a merged-away person id now leads to (None: not merged)."""
    return session.scalar(select(PersonAlias.person_id).where(PersonAlias.old_id == person_id))


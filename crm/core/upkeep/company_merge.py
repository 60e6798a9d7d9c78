"""Merging two companies into one, with nothing lost (the same plan as for people:
``crm.core.upkeep.merge``).

Both names become names of the survivor (the one not shown becomes an alias), domains and
aliases are united, and positions, applications, referrals and reference uses move. The
merged-away id stays in ``company_merged``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from crm.core.models import (
    Base,
    Company,
    CompanyAlias,
    CompanyDomain,
    CompanyMerged,
    CompanyTag,
)
from crm.core.normalize import company_key
from crm.core.upkeep.merge import (
    MergePlan,
    Side,
    check_choices,
    choose_field,
    count_rows,
    merge_pair,
)

COMPANY_FIELDS = ("name", "website", "industry", "location")


def _company_pair(session: Session, keep_id: int, other_id: int) -> tuple[Company, Company]:
    return merge_pair(session, Company, keep_id, other_id, "company", "itself")


def _company_fk_columns() -> list[tuple[Table, str]]:
    out = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "company" and fk.column.name == "id":
                out.append((table, fk.parent.name))
    return out


_COMPANY_SPECIAL = {("company_alias", "company_id"), ("company_domain", "company_id")}
_COMPANY_READABLE = {"position.company_id": "positions", "application.company_id":
                     "applications", "import_record.company_id": "cards",
                     "company_merged.company_id": "merged ids",
                     "company_contact.company_id": "contact points",
                     "company_tag.company_id": "tags",
                     "connection.context_company_id": "connection contexts",
                     "referral.to_company_id": "referrals",
                     "reference_use.company_id": "reference uses"}


def plan_company_merge(session: Session, keep_id: int, other_id: int,
                       choices: Mapping[str, Side] | None = None) -> MergePlan:
    return _merge_companies(session, keep_id, other_id, choices or {}, apply=False)


def merge_companies(session: Session, keep_id: int, other_id: int,
                    choices: Mapping[str, Side] | None = None) -> MergePlan:
    """Merge company ``other_id`` into ``keep_id``: both names become names of the
    survivor (the one not shown becomes an alias), domains and aliases are united, and
    positions, applications, referrals and reference uses move."""
    return _merge_companies(session, keep_id, other_id, choices or {}, apply=True)


def _merge_companies(session: Session, keep_id: int, other_id: int,
                     choices: Mapping[str, Side], *, apply: bool) -> MergePlan:
    check_choices(choices, COMPANY_FIELDS)
    keep, other = _company_pair(session, keep_id, other_id)
    fields = tuple(choose_field(f, getattr(keep, f) or None, getattr(other, f) or None, choices)
                   for f in COMPANY_FIELDS)
    name = fields[0]
    new_name = name.value or keep.name
    new_key = company_key(new_name)
    # Every name either had becomes the survivor's name or one of its aliases.
    names = [keep.name, other.name] + [a.alias for a in keep.aliases + other.aliases]
    alias_keys: dict[str, str] = {}
    for each in names:
        k = company_key(each)
        if k and k != new_key:
            alias_keys.setdefault(k, each)
    had = {a.alias_key for a in keep.aliases}
    aliases_added = [k for k in alias_keys if k not in had]
    lost = [f"{c.field}: {c.other if c.taken == 'keep' else c.keep}"
            for c in fields[1:] if c.conflict]
    note_added = (f"merged from #{other.id} {other.name}: " + "; ".join(lost)) if lost else None
    generic: list[tuple[str, int]] = []
    for table, column in _company_fk_columns():
        if (table.name, column) in _COMPANY_SPECIAL:
            continue
        n = count_rows(session, select(table).where(table.c[column] == other.id))
        if n:
            generic.append((_COMPANY_READABLE.get(f"{table.name}.{column}",
                                                  f"{table.name}.{column}"), n))
    moved: list[tuple[str, int]] = [("aliases", len(aliases_added)),
                                    ("domains", len(other.domains)), *generic]
    plan = MergePlan(kind="company", keep_id=keep.id, keep_name=keep.name,
                     other_id=other.id, other_name=other.name, fields=fields,
                     moved=tuple((k, v) for k, v in moved if v), same=(),
                     note_added=note_added)
    if not apply:
        return plan
    session.flush()
    other_id_, other_name = other.id, other.name
    for d in list(other.domains):
        d.company_id = keep.id
    session.flush()
    session.execute(delete(CompanyAlias).where(CompanyAlias.company_id == other.id))
    session.flush()
    session.expire(keep, ["aliases", "domains"])
    for choice in fields:
        if choice.taken == "other":
            setattr(keep, choice.field, getattr(other, choice.field))
    keep.name_key = new_key
    notes = [n for n in dict.fromkeys((keep.note, other.note)) if n]
    if note_added:
        notes.append(note_added)
    keep.note = "\n\n".join(notes) if notes else None
    wanted = dict(alias_keys)
    for a in list(keep.aliases):
        if a.alias_key == new_key:
            keep.aliases.remove(a)
        wanted.pop(a.alias_key, None)
    for k, alias in wanted.items():
        keep.aliases.append(CompanyAlias(alias=alias, alias_key=k))
    session.flush()
    # A tag both companies have is kept once (the tag rows' key is the pair).
    session.execute(delete(CompanyTag).where(
        CompanyTag.company_id == other_id_,
        CompanyTag.tag_id.in_(select(CompanyTag.tag_id).where(CompanyTag.company_id
                                                             == keep.id))))
    if keep.photo_type is None and other.photo_type is not None:
        keep.photo, keep.photo_type = other.photo, other.photo_type
    session.flush()
    for table, column in _company_fk_columns():
        if (table.name, column) in _COMPANY_SPECIAL:
            continue
        session.execute(update(table).where(table.c[column] == other_id_)
                        .values({column: keep.id}))
    session.execute(delete(CompanyMerged).where(CompanyMerged.old_id == other_id_))
    session.add(CompanyMerged(old_id=other_id_, company_id=keep.id, name=other_name))
    session.flush()
    session.expunge(other)
    session.execute(delete(CompanyDomain).where(CompanyDomain.company_id == other_id_))
    session.execute(delete(Company).where(Company.id == other_id_))
    session.expire_all()
    from crm.core.contacts.companies import refresh_people_at

    survivor = session.get(Company, keep_id)
    assert survivor is not None
    refresh_people_at(session, survivor)
    return plan

"""Employment history: positions of a person at companies over time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.core.contacts.companies import company_for_record
from crm.core.contacts.people import refresh_search_text
from crm.core.errors import InvalidInput
from crm.core.models import Company, Person, Position
from crm.core.normalize import parse_partial_date
from crm.core.vocabulary import POSITION_KINDS


def add_position(
    session: Session,
    person: Person,
    company: Company | str,
    *,
    title: str | None = None,
    kind: str | None = None,
    department: str | None = None,
    start: str | None = None,
    end: str | None = None,
    current: bool | None = None,
    source: str = "manual",
) -> Position:
    """Record a position; without an end date (and unless told otherwise) it is current.

    A company given by name is the one with that name, alias, domain or ``#id``, else a new
    one. Text a user typed goes through ``company_for_record`` first, which refuses a name
    close to a known company's rather than guess.
    """
    if kind is not None and kind not in POSITION_KINDS:
        raise InvalidInput(f"bad position kind {kind!r}: use one of {', '.join(POSITION_KINDS)}")
    start_v = parse_partial_date(start) if start else None
    end_v = parse_partial_date(end) if end else None
    if start_v and end_v and end_v < start_v[: len(end_v)]:
        raise InvalidInput(f"position ends ({end_v}) before it starts ({start_v})")
    if isinstance(company, str):
        company = company_for_record(session, company, new_company=True,
                                     source=source).company
    is_current = (end_v is None) if current is None else current
    with session.no_autoflush:
        # (spaces around typed text are typing, not data: " Engineer" sorts and reads wrong)
        position = Position(person=person, company=company, title=(title or "").strip() or None,
                            kind=kind, department=(department or "").strip() or None,
                            start=start_v, end=end_v,
                            is_current=is_current, source=source)
        session.add(position)
    session.flush()
    refresh_search_text(person)
    return position


@dataclass(frozen=True)
class PositionAdded:
    position: Position
    company_created: bool  # the text named no company: one was made


def add_position_at(
    session: Session,
    person: Person,
    company_text: str,
    *,
    new_company: bool = False,
    title: str | None = None,
    kind: str | None = None,
    department: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> PositionAdded:
    """A position at the company a user typed (``#id``, name, alias or domain).

    A name close to a known company's is refused (NotSureWhichCompany lists them) unless
    ``new_company``; a name like none is created. Both faces add positions this way.
    """
    at = company_for_record(session, company_text, new_company=new_company)
    position = add_position(session, person, at.company, title=title, kind=kind,
                            department=department, start=start, end=end)
    return PositionAdded(position, at.created)


def end_position(position: Position, end: str | None) -> None:
    position.end = parse_partial_date(end) if end else position.end
    position.is_current = False

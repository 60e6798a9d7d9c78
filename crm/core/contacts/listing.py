"""Pages of rows for lists that show a window of a large result (the TUI's people list).

A page is a handful of small indexed queries, so its cost does not grow with the number of
people: the TUI asks for the rows it is about to show and nothing else.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.core.contacts.people import search_ids
from crm.core.contacts.rows import PEOPLE_SORTS, PersonRow, read_person_rows
from crm.core.contacts.search import count_matching, ordered_person_ids
from crm.core.errors import InvalidInput
from crm.core.models import Person


def count_matching_people(session: Session, query: str | None, *,
                          cap: int | None = None) -> int:
    """How many people the search ``query`` finds (everyone for an empty query). With
    ``cap``, a search stops counting past ``cap`` and answers ``cap + 1`` ("more than")."""
    return count_matching(session, query, cap=cap)


def page_ids(session: Session, query: str | None, offset: int, limit: int | None,
             sort: str = "name") -> list[int]:
    """Ids of one page of the people matching ``query``, in the order of ``sort``.

    In name order a search lists the best matches first (crm.core.contacts.ranking: the
    people it names, then by company or title, then the rest; closer and more recently
    contacted people first within each), everyone else by name. Every order walks an index
    to its page (name: ``sort_key``; company and last contacted: the sort keys of migration
    0008, people without one last, by name), so a page costs the same at any size and
    nothing is sorted whole.
    """
    if sort == "name":
        return search_ids(session, query, limit=limit, offset=offset)
    if sort == "company":
        return ordered_person_ids(session, query, Person.company_key, descending=False,
                                  limit=limit, offset=offset)
    if sort == "last-contacted":
        return ordered_person_ids(session, query, Person.last_contacted, descending=True,
                                  limit=limit, offset=offset)
    raise InvalidInput(f"bad sort {sort!r}: use one of {', '.join(PEOPLE_SORTS)}")


def people_rows(session: Session, ids: list[int]) -> list[PersonRow]:
    """Rows for ``ids``, in that order: name, current company and title, last contacted
    (two statements run by the driver: ``crm.core.contacts.rows.read_person_rows``)."""
    conn = session.connection()
    return read_person_rows(lambda sql, params: conn.exec_driver_sql(sql, tuple(params)),
                            conn.dialect.name, ids)


def people_page(session: Session, query: str | None, offset: int, limit: int,
                sort: str = "name") -> list[PersonRow]:
    """One page of the people list: the rows from ``offset``, at most ``limit`` of them."""
    return people_rows(session, page_ids(session, query, offset, limit, sort))

"""The records an export carries besides contact cards, source-neutral: my own positions and
studies, dated interactions, reference candidates, applications; and what an import of them
reports (job changes, suggestions). ``crm.core.importing.extras`` writes them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from crm.core.cards import raw_hash
from crm.core.network.suggestions import SuggestionView


@dataclass(frozen=True)
class Provenance:
    file: str
    line: int
    raw: str

    @cached_property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)


@dataclass(frozen=True)
class Me(Provenance):
    """Who I am, when no person is marked me yet."""

    given_name: str | None
    family_name: str | None
    headline: str | None
    location: str | None
    summary: str | None
    urls: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


@dataclass(frozen=True)
class MyRole(Provenance):
    """One of my positions, or a study (kind ``student``, the school as the company)."""

    company: str
    title: str | None
    kind: str | None
    start: str | None
    end: str | None
    note: str | None


@dataclass(frozen=True)
class Touch(Provenance):
    """A dated interaction with whoever of ``profile_urls`` the database knows."""

    profile_urls: list[str]
    on: date
    kind: str
    summary: str
    # One a person, date and summary (a connection or an invitation: a later export repeats
    # it in a row that changed for other reasons).
    once: bool = False
    # False when the row is kept already (as the card it came with).
    keep: bool = True


@dataclass(frozen=True)
class DeferredTouch(Provenance):
    """A touch whose row is read (``read()``) only when it was not imported before: a
    re-import of years of messages reads none of them."""

    read: Callable[[], Touch] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Vouch(Provenance):
    """Someone who recommended me: a reference candidate, never "agreed" on its own."""

    name: str
    company: str | None
    title: str | None
    speaks_to: str
    on: date | None


@dataclass(frozen=True)
class Applied(Provenance):
    company: str
    role: str
    applied_on: date | None
    url: str | None
    note: str | None


@dataclass(frozen=True)
class Employment:
    """A position a card says is current as of ``as_of`` (the export's date)."""

    profile_url: str
    company: str | None
    title: str | None
    connected_on: date | None = None


@dataclass
class Extras:
    as_of: date
    me: Me | None = None
    roles: list[MyRole] = field(default_factory=list)
    touches: list[Touch] = field(default_factory=list)
    # Read after ``touches``, in order, when not imported before (see DeferredTouch).
    deferred_touches: list[DeferredTouch] = field(default_factory=list)
    vouches: list[Vouch] = field(default_factory=list)
    applications: list[Applied] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)
    # Files of the export crm does not take (listed, so that nothing is skipped unsaid).
    skipped_files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobChange:
    """Someone whose current position differs from the last import's, as of a date."""

    person_id: int
    name: str
    old_company: str | None
    old_title: str | None
    new_company: str | None
    new_title: str | None
    as_of: date

    def to_json(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name,
                "from": {"company": self.old_company, "title": self.old_title},
                "to": {"company": self.new_company, "title": self.new_title},
                "as_of": self.as_of.isoformat()}


@dataclass
class ExtrasReport:
    me_created: bool = False
    my_positions: int = 0
    interactions: int = 0
    interactions_unmatched: int = 0
    references: int = 0
    applications: int = 0
    unchanged: int = 0
    job_changes: list[JobChange] = field(default_factory=list)
    tie_suggestions: list[SuggestionView] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    # (file, line, message, raw) of records that could not be written (kept as rejected)
    rejected: list[tuple[str, int, str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"me_created": self.me_created, "my_positions": self.my_positions,
                "interactions": self.interactions,
                "interactions_without_person": self.interactions_unmatched,
                "references": self.references, "applications": self.applications,
                "job_changes": [j.to_json() for j in self.job_changes],
                "tie_suggestions": [s.to_json() for s in self.tie_suggestions],
                "skipped_files": self.skipped_files}

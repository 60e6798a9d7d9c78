"""What an import tells the user: one outcome per record, and the counts derived from them.

The counts are never kept beside the outcomes: ``created`` is the number of outcomes whose
action is "created", and so on, so that the summary line, the JSON report and the list of
names a dry run shows cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm.core.cards import RejectedCard
from crm.core.contacts.identity import same_name
from crm.core.importing.extra_records import ExtrasReport
from crm.core.vocabulary import INFERRED_MATCHES

# What a record did: a person created, updated (the same contact imported again, changed),
# merged (into someone already there), unchanged, a company card, rejected, or skipped as
# someone the user deleted.
ACTIONS = ("created", "updated", "merged", "unchanged", "company", "rejected",
           "skipped_deleted")


@dataclass(slots=True)
class CardOutcome:
    """What one card did (or would do, in a dry run)."""

    file: str
    line: int
    name: str
    action: str  # one of ACTIONS
    person_id: int | None = None
    company_id: int | None = None
    message: str | None = None
    # A card matched to someone already there: by what (crm.core.vocabulary.MATCHED_BY),
    # the value that matched, and the name of the person it was matched to.
    matched_by: str | None = None
    evidence: str | None = None
    person_name: str | None = None

    @property
    def inferred(self) -> bool:
        """Merged into someone of another name by a shared email or phone: crm's inference,
        shown with its evidence (and undone by splitting the card off)."""
        return (self.action == "merged" and self.matched_by in INFERRED_MATCHES
                and self.person_name is not None
                and not same_name(self.person_name, self.name))

    def match_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "name": self.name,
                "person_id": self.person_id, "person": self.person_name,
                "matched_by": self.matched_by, "evidence": self.evidence}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "line": self.line, "name": self.name,
                                "action": self.action}
        for key in ("person_id", "company_id", "message", "matched_by", "evidence",
                    "person_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Suggestion:
    """A new person who may be someone already there, for review, never merged: the same
    name ("same name"), or an email or phone shared with someone whose name disagrees
    ("same phone", "same email": a switchboard, a family landline, a team inbox)."""

    file: str
    line: int
    name: str
    person_id: int | None
    candidates: list[tuple[int, str]]
    reason: str = "same name"

    @property
    def evidence(self) -> str:
        """What the two have in common, as a phrase: "has the same name as" and so on."""
        return {"same phone": "shares a phone number with",
                "same email": "shares an email address with"}.get(self.reason,
                                                                   "has the same name as")

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "name": self.name,
                "person_id": self.person_id, "reason": self.reason,
                "candidates": [{"id": i, "name": n} for i, n in self.candidates]}


@dataclass
class CardWarning:
    """A line of an imported card that was read with a doubt or left out (the card itself is
    imported; the line stays in its raw text). ``damaged``: what crm holds of the card may
    differ from the file (text altered, or a value not taken)."""

    file: str
    line: int
    message: str
    damaged: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message,
                "damaged": self.damaged}


@dataclass
class ImportReport:
    """Everything one import did (or, with ``dry_run``, would do)."""

    dry_run: bool = False
    outcomes: list[CardOutcome] = field(default_factory=list)
    # The records that could not be imported, with their raw text (stored to be fixed).
    rejected: list[RejectedCard] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    # Names of the companies this import created (from company cards and ORG lines).
    new_companies: list[str] = field(default_factory=list)
    # (person id, other id, kind) of each connection linked from the records' relations.
    new_connections: list[tuple[int, int, str]] = field(default_factory=list)
    warnings: list[CardWarning] = field(default_factory=list)
    # What an export carried besides cards (LinkedIn: interactions, job changes…).
    extras: ExtrasReport | None = None

    @property
    def damaged(self) -> bool:
        """Some imported text may differ from the file (or a line of it was left out)."""
        return any(w.damaged for w in self.warnings)

    def add_outcome(self, outcome: CardOutcome) -> None:
        self.outcomes.append(outcome)

    def add(self, other: ImportReport) -> None:
        """Count ``other`` (another source of the same import) in this report."""
        self.outcomes += other.outcomes
        self.rejected += other.rejected
        self.suggestions += other.suggestions
        self.new_companies += other.new_companies
        self.new_connections += other.new_connections
        self.warnings += other.warnings

    def reject(self, item: RejectedCard) -> None:
        self.rejected.append(item)
        self.outcomes.append(CardOutcome(item.file, item.line, "", "rejected",
                                         message=item.message))

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def merged(self) -> int:
        return self.count("merged")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def skipped_deleted(self) -> int:
        """Cards about someone the user deleted (a tombstone): not brought back."""
        return self.count("skipped_deleted")

    @property
    def companies_created(self) -> int:
        return len(self.new_companies)

    @property
    def connections(self) -> int:
        return len(self.new_connections)

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "companies_created": self.companies_created,
            "rejected": [{"file": r.file, "line": r.line, "message": r.message}
                         for r in self.rejected],
            "suggestions": [s.to_json() for s in self.suggestions],
            "skipped_deleted": self.skipped_deleted,
            "warnings": [w.to_json() for w in self.warnings],
            **(self.extras.to_json() if self.extras is not None else {}),
            # Cards merged into someone of another name by a shared email or phone, with
            # the evidence (added after the keys SPEC.md lists: they keep their order).
            "matches": [o.match_json() for o in self.inferred_matches],
        }

    @property
    def inferred_matches(self) -> list[CardOutcome]:
        return [o for o in self.outcomes if o.inferred]

    def names(self, action: str) -> list[str]:
        return [o.name for o in self.outcomes if o.action == action]

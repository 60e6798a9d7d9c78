"""The domain of crm as typed SQLAlchemy models, by what they hold: ``base`` (the declarative
base), ``network`` (people, companies, positions, ties and the job hunt) and ``tracking``
(provenance, merges and deletions, suggestions, sync state, follow-ups). Import them from
here.

The ``tracking`` models are mapped when one of them is first used (PEP 562): mapping and
configuring them is a quarter of the models' cost at start-up, and ``crm who`` or the people
list need none of them (no ``network`` model refers to them); ``Todo`` (in ``todo``), the
one the agenda needs, is mapped alone. ``Base`` from here always has every table in its
metadata, as the code walking ``Base.metadata.sorted_tables`` needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crm.core.models.base import NAMING_CONVENTION, Timestamped, utcnow
from crm.core.models.network import (
    Application,
    Company,
    CompanyAlias,
    CompanyContact,
    CompanyDomain,
    CompanyTag,
    Connection,
    ContactPoint,
    Interaction,
    Person,
    PersonDate,
    PersonRelation,
    PersonTag,
    Position,
    Reference,
    ReferenceUse,
    Referral,
    Tag,
)

if TYPE_CHECKING:
    from crm.core.models.base import Base
    from crm.core.models.todo import Todo
    from crm.core.models.tracking import (
        CompanyMerged,
        ImportRecord,
        PersonAlias,
        Suggestion,
        SyncCard,
        SyncTarget,
        Tombstone,
        TombstoneKey,
    )

_TRACKING = frozenset({"CompanyMerged", "ImportRecord", "PersonAlias", "Suggestion", "SyncCard",
                       "SyncTarget", "Todo", "Tombstone", "TombstoneKey"})


def __getattr__(name: str) -> Any:
    if name not in _TRACKING and name != "Base":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name == "Todo":  # the agenda's one tracking model: mapped alone
        value = importlib.import_module("crm.core.models.todo").Todo
        globals()[name] = value
        return value
    tracking = importlib.import_module("crm.core.models.tracking")  # maps them all
    value = tracking.Base if name == "Base" else getattr(tracking, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

__all__ = [
    "NAMING_CONVENTION",
    "Application",
    "Base",
    "Company",
    "CompanyAlias",
    "CompanyContact",
    "CompanyDomain",
    "CompanyMerged",
    "CompanyTag",
    "Connection",
    "ContactPoint",
    "ImportRecord",
    "Interaction",
    "Person",
    "PersonAlias",
    "PersonDate",
    "PersonRelation",
    "PersonTag",
    "Position",
    "Reference",
    "ReferenceUse",
    "Referral",
    "Suggestion",
    "SyncCard",
    "SyncTarget",
    "Tag",
    "Timestamped",
    "Todo",
    "Tombstone",
    "TombstoneKey",
    "utcnow",
]

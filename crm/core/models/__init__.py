"""The domain of crm as typed SQLAlchemy models, by what they hold: ``base`` (the declarative
base), ``network`` (people, companies, positions, connections, interactions), ``details``
(a person's dates and relations, a company's contact points, tags, aliases and domains, and
the job hunt) and ``tracking`` (provenance, merges and deletions, suggestions, sync state,
follow-ups). Import them from here.

Only ``network`` is mapped at import. The ``details`` and ``tracking`` models are mapped
when one of them is first used (PEP 562; ``Person.dates`` and the like map ``details`` too,
see ``crm.core.models.network``): mapping and configuring them is most of the models' cost
at start-up, and ``crm who`` or the people list need none of them. ``Todo`` (in ``todo``),
the one tracking model the agenda needs, is mapped without the rest of ``tracking``.
``Base`` from here always has every table in its metadata, as the code walking
``Base.metadata.sorted_tables`` needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crm.core.models.base import NAMING_CONVENTION, Timestamped, utcnow
from crm.core.models.network import (
    Company,
    Connection,
    ContactPoint,
    Interaction,
    Person,
    PersonTag,
    Position,
    Tag,
    map_details,
)

if TYPE_CHECKING:
    from crm.core.models.base import Base
    from crm.core.models.details import (
        Application,
        CompanyAlias,
        CompanyContact,
        CompanyDomain,
        CompanyTag,
        PersonDate,
        PersonRelation,
        Reference,
        ReferenceUse,
        Referral,
    )
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

_DETAILS = frozenset({"Application", "CompanyAlias", "CompanyContact", "CompanyDomain",
                      "CompanyTag", "PersonDate", "PersonRelation", "Reference", "ReferenceUse",
                      "Referral"})
_TRACKING = frozenset({"CompanyMerged", "ImportRecord", "PersonAlias", "Suggestion", "SyncCard",
                       "SyncTarget", "Todo", "Tombstone", "TombstoneKey"})


def __getattr__(name: str) -> Any:
    if name in _DETAILS:
        value = getattr(importlib.import_module("crm.core.models.details"), name)
        globals()[name] = value
        return value
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
    "map_details",
    "utcnow",
]

"""The domain of crm as typed SQLAlchemy models, by what they hold: ``base`` (the declarative
base), ``network`` (people, companies, positions, ties and the job hunt) and ``tracking``
(provenance, merges and deletions, suggestions, sync state, follow-ups). Import them from
here.
"""

from crm.core.models.base import NAMING_CONVENTION, Base, Timestamped, utcnow
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
from crm.core.models.tracking import (
    CompanyMerged,
    ImportRecord,
    PersonAlias,
    Suggestion,
    SyncCard,
    SyncTarget,
    Todo,
    Tombstone,
    TombstoneKey,
)

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

"""The network as lists and who-knows-whom see it: people, their contact points and tags,
companies, positions, connections and interactions.

What only a person's or a company's page, an import or the job hunt needs (a person's dates
and relations, a company's own contact points, tags, aliases and domains, applications,
referrals, references) is in ``crm.core.models.details``, mapped when first used: mapping and
configuring those ten models is half the models' cost at start-up, and ``crm who`` needs
none of them. Their relationships on ``Person`` (``dates``, ``relations``, ``reference``) and
``Company`` (``contact_points``, ``tags``, ``aliases``, ``domains``) are added to the mapped
classes when that module is imported, which touching any of those attributes does
(``_MapDetailsFirst``), so that every model behaves as if it had always been mapped.

Partial dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) are stored as text: they sort
correctly and keep exactly the precision the user gave.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.decl_api import DeclarativeAttributeIntercept

from crm.core.models.base import Base, Timestamped

if TYPE_CHECKING:
    from crm.core.models.details import (
        CompanyAlias,
        CompanyContact,
        CompanyDomain,
        PersonDate,
        PersonRelation,
        Reference,
    )

# The relationships ``crm.core.models.details`` adds to these classes when it is imported.
_DETAILS = {"Person": frozenset({"dates", "relations", "reference"}),
            "Company": frozenset({"contact_points", "tags", "aliases", "domains"})}


def map_details() -> None:
    """Map the models of ``crm.core.models.details`` and configure them, which adds their
    relationships to ``Person`` and ``Company`` (once; a no-op afterwards)."""
    from sqlalchemy.orm import configure_mappers

    importlib.import_module("crm.core.models.details")
    configure_mappers()


class _MapDetailsFirst(DeclarativeAttributeIntercept):
    """``Person.dates``, ``Company.aliases``…: the class attribute, once the details are
    mapped (a class attribute is looked up here only when the class does not have it)."""

    def __getattr__(cls, name: str) -> Any:
        if name in _DETAILS.get(cls.__name__, ()):
            map_details()
            return type.__getattribute__(cls, name)
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")


class _DetailsOnDemand:
    """``person.dates``…: the same on an instance (looked up here only when missing)."""

    if not TYPE_CHECKING:  # (mypy: every other attribute stays checked)
        def __getattr__(self, name: str) -> Any:
            if name in _DETAILS.get(type(self).__name__, ()):
                map_details()
                return object.__getattribute__(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class Person(_DetailsOnDemand, Timestamped, Base, metaclass=_MapDetailsFirst):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(400))
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    additional_names: Mapped[str | None] = mapped_column(String(200))
    name_prefix: Mapped[str | None] = mapped_column(String(100))
    name_suffix: Mapped[str | None] = mapped_column(String(100))
    nickname: Mapped[str | None] = mapped_column(String(200))
    pronouns: Mapped[str | None] = mapped_column(String(50))
    headline: Mapped[str | None] = mapped_column(String(500))
    # A card's ROLE: the part they play ("Executive sponsor"), beside their titles.
    role: Mapped[str | None] = mapped_column(String(300))
    location: Mapped[str | None] = mapped_column(String(300))
    birthday_year: Mapped[int | None] = mapped_column(Integer)
    birthday_month: Mapped[int | None] = mapped_column(Integer)
    birthday_day: Mapped[int | None] = mapped_column(Integer)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)
    is_me: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Someone I know only through another person (``crm add person --via``).
    known_via_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    uid: Mapped[str | None] = mapped_column(String(300), unique=True)
    source: Mapped[str] = mapped_column(String(300), default="manual")
    # Folded display name, for sorting and prefix lookups.
    sort_key: Mapped[str] = mapped_column(String(400), index=True, default="")
    # Folded words of everything searchable (names, company, title, tags, notes, emails,
    # phones); maintained by crm.core.contacts.people.refresh_search_text.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Keep in touch: talk at least every N days (ideal), and never let it go past M (at
    # most); None: the person's tags decide, else the default of ``crm stale``.
    keep_every_days: Mapped[int | None] = mapped_column(Integer)
    keep_at_most_days: Mapped[int | None] = mapped_column(Integer)
    # Sort keys of the people list, kept by database triggers (migration 0008): the name key
    # of the current company, and the date of the latest interaction. Read-only here.
    company_key: Mapped[str | None] = mapped_column(String(400))
    last_contacted: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_person_company_order", "company_key", "sort_key", "id"),
        Index("ix_person_contacted_order", "last_contacted", "sort_key", "id"),
    )

    contact_points: Mapped[list[ContactPoint]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ContactPoint.id"
    )
    positions: Mapped[list[Position]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Position.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary="person_tag", order_by="Tag.name")
    interactions: Mapped[list[Interaction]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Interaction.occurred_on"
    )
    known_via: Mapped[Person | None] = relationship(remote_side=[id])
    if TYPE_CHECKING:  # added by crm.core.models.details
        reference: Mapped[Reference | None]
        dates: Mapped[list[PersonDate]]
        relations: Mapped[list[PersonRelation]]

    # At most one person is "me": the partial unique index ``uq_person_me`` (is_me = 1 /
    # WHERE is_me) is created by migration 0001 and not declared here, because declaring
    # ``postgresql_where`` makes every command import SQLAlchemy's PostgreSQL dialect (30 ms,
    # asyncio included) even on SQLite; crm.core.contacts.search.UNMODELLED_NAMES lists it.


class ContactFields:
    """The columns a person's and a company's contact points share (a row of either kind:
    ``ContactPoint`` here, ``CompanyContact`` in ``details``)."""

    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    # Lowercased email, E.164 phone, bare domain+path URL: used to match people on import.
    normalized: Mapped[str] = mapped_column(String(500), default="")
    preferred: Mapped[bool] = mapped_column(Boolean, default=False,
                                            server_default=text("false"))
    # An address's parts as a JSON list of seven strings (PO box, extended address,
    # street, locality, region, postal code, country): crm.core.addresses.
    address_parts: Mapped[str | None] = mapped_column(Text)
    # An address as the phone prints it (a vCard LABEL), when the card gave one.
    address_label: Mapped[str | None] = mapped_column(Text)


class ContactPoint(ContactFields, Base):
    __tablename__ = "contact_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    person: Mapped[Person] = relationship(back_populates="contact_points")

    __table_args__ = (
        Index("ix_contact_point_kind_normalized", "kind", "normalized"),
        CheckConstraint("kind in ('email','phone','url','social','address','other')", name="kind"),
    )


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Keep in touch with everyone tagged so (a person's own interval wins).
    keep_every_days: Mapped[int | None] = mapped_column(Integer)
    keep_at_most_days: Mapped[int | None] = mapped_column(Integer)


class PersonTag(Base):
    __tablename__ = "person_tag"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"),
                                        primary_key=True, index=True)


class Company(_DetailsOnDemand, Timestamped, Base, metaclass=_MapDetailsFirst):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # crm.core.normalize.company_key(name): "Acme Robotics, Inc." -> "acme robotics".
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    website: Mapped[str | None] = mapped_column(String(500))
    industry: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), default="manual")
    # From a company card (X-ABShowAs:COMPANY): its logo or photo.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(50))

    positions: Mapped[list[Position]] = relationship(back_populates="company")
    if TYPE_CHECKING:  # added by crm.core.models.details
        contact_points: Mapped[list[CompanyContact]]
        tags: Mapped[list[Tag]]
        aliases: Mapped[list[CompanyAlias]]
        domains: Mapped[list[CompanyDomain]]


class Position(Timestamped, Base):
    __tablename__ = "position"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="RESTRICT"))
    title: Mapped[str | None] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(30))
    start: Mapped[str | None] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True,
                                             server_default=text("true"))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), default="manual")
    # The day a source said this position held (a LinkedIn export's date, a card's REV,
    # else the import's day): what "current" meant when it was imported, and where an
    # undated position starts to count for derived co-workers (crm.core.network.ties).
    known_on: Mapped[date | None] = mapped_column(Date)
    # The imported card (import_record) whose merge ended this position, its end left
    # unknown (crm.core.importing.merge.update_position): splitting that card off
    # (crm.core.upkeep.split) makes it current again. Cleared by any later change to
    # ``is_current`` or ``end`` (``_ended_otherwise``): then it is not the merge's doing.
    # Its foreign key (to import_record, ON DELETE SET NULL) is added to the table by
    # ``crm.core.models.tracking`` when it maps ImportRecord: declared here, a flush of a
    # position would look for a table that is not mapped yet. Its partial index (only the
    # rows that have one) is migration 0017's, not declared here (a ``postgresql_where``
    # would load the PostgreSQL dialect on every command).
    ended_by_import_id: Mapped[int | None] = mapped_column(Integer)

    person: Mapped[Person] = relationship(back_populates="positions")
    company: Mapped[Company] = relationship(back_populates="positions")

    __table_args__ = (
        # who_at(company): all positions at a company, current first.
        Index("ix_position_company_current", "company_id", "is_current", "person_id"),
    )


def _ended_otherwise(target: Position, value: Any, oldvalue: Any, initiator: Any) -> None:
    """A position made current again, given an end or edited (the ORM's paths: the editor,
    ``end_position``, a sync, a split's reopening) is no longer as a merge ended it; the
    importer's merge writes its rows with Core and sets the column itself."""
    target.ended_by_import_id = None


event.listen(Position.is_current, "set", _ended_otherwise)
event.listen(Position.end, "set", _ended_otherwise)


class Connection(Timestamped, Base):
    """A relationship between two people; reads "other is person's KIND"."""

    __tablename__ = "connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    strength: Mapped[int] = mapped_column(Integer, default=3, server_default=text("3"))
    how_met: Mapped[str | None] = mapped_column(Text)
    since: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    context_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"))
    context_position_id: Mapped[int | None] = mapped_column(
        ForeignKey("position.id", ondelete="SET NULL"))
    context_event: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300), default="manual")

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    other: Mapped[Person] = relationship(foreign_keys=[other_id])
    context_company: Mapped[Company | None] = relationship()

    __table_args__ = (
        CheckConstraint("strength BETWEEN 1 AND 5", name="strength"),
        CheckConstraint("person_id <> other_id", name="not_self"),
        UniqueConstraint("person_id", "other_id", "kind", name="uq_connection_pair_kind"),
        Index("ix_connection_person", "person_id", "other_id"),
        Index("ix_connection_other", "other_id", "person_id"),
    )


class Interaction(Timestamped, Base):
    """A dated entry in a person's log: call, coffee, email, event, note…"""

    __tablename__ = "interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30), default="note")
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="interactions")

    __table_args__ = (Index("ix_interaction_person_date", "person_id", "occurred_on"),)

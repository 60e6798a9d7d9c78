"""The network: people, their contact points, companies, positions, connections, and the
job hunt around them (applications, referrals, references, interactions).

Partial dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) are stored as text: they sort
correctly and keep exactly the precision the user gave.
"""

from __future__ import annotations

from datetime import date

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.models.base import Base, Timestamped


class Person(Timestamped, Base):
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
    reference: Mapped[Reference | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", uselist=False
    )
    known_via: Mapped[Person | None] = relationship(remote_side=[id])
    dates: Mapped[list[PersonDate]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonDate.id"
    )
    relations: Mapped[list[PersonRelation]] = relationship(
        back_populates="person", cascade="all, delete-orphan",
        order_by="PersonRelation.id", foreign_keys="PersonRelation.person_id"
    )

    # At most one person is "me": the partial unique index ``uq_person_me`` (is_me = 1 /
    # WHERE is_me) is created by migration 0001 and not declared here, because declaring
    # ``postgresql_where`` makes every command import SQLAlchemy's PostgreSQL dialect (30 ms,
    # asyncio included) even on SQLite; crm.core.contacts.search.UNMODELLED_NAMES lists it.


class ContactPoint(Base):
    __tablename__ = "contact_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
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

    person: Mapped[Person] = relationship(back_populates="contact_points")

    __table_args__ = (
        Index("ix_contact_point_kind_normalized", "kind", "normalized"),
        CheckConstraint("kind in ('email','phone','url','social','address','other')", name="kind"),
    )


class PersonDate(Base):
    """A dated event of a person other than the birthday (an anniversary, an X-ABDATE with
    its label); the year may be unknown."""

    __tablename__ = "person_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    label: Mapped[str] = mapped_column(String(100))
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    # The card marked it preferred (TYPE=pref / PREF=1): written back on export.
    preferred: Mapped[bool] = mapped_column(Boolean, default=False,
                                            server_default=text("false"))

    person: Mapped[Person] = relationship(back_populates="dates")


class PersonRelation(Base):
    """Someone a card names beside the person (a manager, an assistant, a spouse…) by name
    or UID; ``other_id`` is that person once crm knows who they are."""

    __tablename__ = "person_relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(400))
    label: Mapped[str | None] = mapped_column(String(100))
    uid: Mapped[str | None] = mapped_column(String(300))
    other_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                 index=True)
    # The card marked it preferred (TYPE=pref / PREF=1): written back on export.
    preferred: Mapped[bool] = mapped_column(Boolean, default=False,
                                            server_default=text("false"))

    person: Mapped[Person] = relationship(back_populates="relations", foreign_keys=[person_id])
    other: Mapped[Person | None] = relationship(foreign_keys=[other_id])


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


class Company(Timestamped, Base):
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

    contact_points: Mapped[list[CompanyContact]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyContact.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary="company_tag", order_by="Tag.name")
    aliases: Mapped[list[CompanyAlias]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyAlias.id"
    )
    domains: Mapped[list[CompanyDomain]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyDomain.id"
    )
    positions: Mapped[list[Position]] = relationship(back_populates="company")


class CompanyContact(Base):
    """A company's own phone, email, URL or address (from a company card)."""

    __tablename__ = "company_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(String(500), default="")
    preferred: Mapped[bool] = mapped_column(Boolean, default=False,
                                            server_default=text("false"))
    address_parts: Mapped[str | None] = mapped_column(Text)
    address_label: Mapped[str | None] = mapped_column(Text)

    company: Mapped[Company] = relationship(back_populates="contact_points")


class CompanyTag(Base):
    __tablename__ = "company_tag"

    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"),
                                            primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"),
                                        primary_key=True, index=True)


class CompanyAlias(Base):
    __tablename__ = "company_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"),
                                            index=True)
    alias: Mapped[str] = mapped_column(String(300))
    alias_key: Mapped[str] = mapped_column(String(300), index=True)

    company: Mapped[Company] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("company_id", "alias_key", name="uq_company_alias_key"),)


class CompanyDomain(Base):
    __tablename__ = "company_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"),
                                            index=True)
    domain: Mapped[str] = mapped_column(String(300), unique=True)
    # None: the user added it; else how crm learned it ("work email of Jo Park, vcard:x.vcf"),
    # an inference shown as such and removable like any domain.
    source: Mapped[str | None] = mapped_column(Text)

    company: Mapped[Company] = relationship(back_populates="domains")


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

    person: Mapped[Person] = relationship(back_populates="positions")
    company: Mapped[Company] = relationship(back_populates="positions")

    __table_args__ = (
        # who_at(company): all positions at a company, current first.
        Index("ix_position_company_current", "company_id", "is_current", "person_id"),
    )


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


class Application(Timestamped, Base):
    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="RESTRICT"),
                                            index=True)
    role: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(30), default="applied")
    applied_on: Mapped[date | None] = mapped_column(Date)
    interview_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(1000))
    note: Mapped[str | None] = mapped_column(Text)

    company: Mapped[Company] = relationship()
    referrals: Mapped[list[Referral]] = relationship(back_populates="application")
    reference_uses: Mapped[list[ReferenceUse]] = relationship(back_populates="application")


class Referral(Timestamped, Base):
    """Who introduced or referred whom, to whom or to which company/application."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                             index=True)
    # The person being referred or introduced; NULL means me.
    referred_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True)
    to_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True)
    to_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="asked")
    asked_on: Mapped[date | None] = mapped_column(Date)
    status_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    referrer: Mapped[Person] = relationship(foreign_keys=[referrer_id])
    referred: Mapped[Person | None] = relationship(foreign_keys=[referred_id])
    to_person: Mapped[Person | None] = relationship(foreign_keys=[to_person_id])
    to_company: Mapped[Company | None] = relationship()
    application: Mapped[Application | None] = relationship(back_populates="referrals")


class Reference(Timestamped, Base):
    """A person who can vouch for me."""

    __tablename__ = "reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           unique=True)
    status: Mapped[str] = mapped_column(String(20), default="not-asked")
    relationship_text: Mapped[str | None] = mapped_column("relationship", Text)
    speaks_to: Mapped[str | None] = mapped_column(Text)
    since: Mapped[str | None] = mapped_column(String(10))
    asked_on: Mapped[date | None] = mapped_column(Date)
    agreed_on: Mapped[date | None] = mapped_column(Date)
    declined_on: Mapped[date | None] = mapped_column(Date)
    preferred_contact: Mapped[str | None] = mapped_column(String(300))
    strength: Mapped[int] = mapped_column(Integer, default=3, server_default=text("3"))
    note: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(back_populates="reference")
    uses: Mapped[list[ReferenceUse]] = relationship(
        back_populates="reference", cascade="all, delete-orphan", order_by="ReferenceUse.used_on"
    )

    __table_args__ = (
        CheckConstraint("status in ('not-asked','asked','agreed','declined')", name="status"),
        CheckConstraint("strength BETWEEN 1 AND 5", name="strength"),
    )


class ReferenceUse(Base):
    """One time a reference was given (for an application or a company)."""

    __tablename__ = "reference_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_id: Mapped[int] = mapped_column(ForeignKey("reference.id", ondelete="CASCADE"),
                                              index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="SET NULL"), index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True)
    used_on: Mapped[date] = mapped_column(Date)
    notified: Mapped[bool] = mapped_column(Boolean, default=False,
                                           server_default=text("false"))
    notified_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    reference: Mapped[Reference] = relationship(back_populates="uses")
    application: Mapped[Application | None] = relationship(back_populates="reference_uses")
    company: Mapped[Company | None] = relationship()


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

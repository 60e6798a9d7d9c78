"""The rest of the network, mapped when first used (see ``crm.core.models.network``): a
person's dates and relations, a company's own contact points, tags, aliases and domains, and
the job hunt (applications, referrals, references and their uses).

Importing this module maps these models and adds their relationships to ``Person`` and
``Company`` (as backrefs, which configuring the mappers adds to those classes, already
configured or not: ``back_populates`` would need them declared there first);
``crm.core.models`` imports it when one of these names is asked for, and the two classes
when one of those relationships is.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from crm.core.models.base import Base, Timestamped
from crm.core.models.network import Company, ContactFields, Person, Tag


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

    person: Mapped[Person] = relationship(backref=backref(
        "dates", cascade="all, delete-orphan", order_by="PersonDate.id"))


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

    person: Mapped[Person] = relationship(foreign_keys=[person_id], backref=backref(
        "relations", cascade="all, delete-orphan", order_by="PersonRelation.id"))
    other: Mapped[Person | None] = relationship(foreign_keys=[other_id])


class CompanyContact(ContactFields, Base):
    """A company's own phone, email, URL or address (from a company card)."""

    __tablename__ = "company_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"),
                                            index=True)

    company: Mapped[Company] = relationship(backref=backref(
        "contact_points", cascade="all, delete-orphan", order_by="CompanyContact.id"))


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

    company: Mapped[Company] = relationship(backref=backref(
        "aliases", cascade="all, delete-orphan", order_by="CompanyAlias.id"))

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

    company: Mapped[Company] = relationship(backref=backref(
        "domains", cascade="all, delete-orphan", order_by="CompanyDomain.id"))


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

    person: Mapped[Person] = relationship(backref=backref(
        "reference", cascade="all, delete-orphan", uselist=False))
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



# A company's tags (one way: a tag does not list its companies). Person's and Company's other
# relationships to the models above are the backrefs declared on them ("dates",
# "contact_points"…), added to those classes when the mappers are configured.
Company.tags = relationship(Tag, secondary="company_tag", order_by=Tag.name)

"""What crm keeps track of beside the network: where each imported card came from, merged
and deleted people (aliases, tombstones), inferred ties awaiting review, sync state, and
follow-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.models.base import Base, Timestamped, utcnow
from crm.core.models.network import Company, Person, Position
from crm.core.models.todo import Todo as Todo  # mapped on its own (the agenda)


class ImportRecord(Base):
    """Provenance of one imported card: its file, line and raw text, good or rejected."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                  index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), index=True)
    source_file: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer, default=1)
    raw: Mapped[str] = mapped_column(Text)
    raw_hash: Mapped[str] = mapped_column(String(64), index=True)
    # "imported" or "rejected" (kept so that it can be fixed and retried).
    status: Mapped[str] = mapped_column(String(20), default="imported")
    error: Mapped[str | None] = mapped_column(Text)
    # How the card was matched to its person (crm.core.vocabulary.MATCHED_BY): "created"
    # it, or matched by "uid", "profile", "email", "phone" or "same card"; NULL when
    # imported before crm kept it. ``match_evidence``: the value that matched.
    matched_by: Mapped[str | None] = mapped_column(String(20))
    match_evidence: Mapped[str | None] = mapped_column(Text)
    card_name: Mapped[str | None] = mapped_column(Text)  # the name on the card (FN)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# position.ended_by_import_id names the import record whose card's merge ended it
# (crm.core.models.network.Position): its foreign key, once import_record is mapped.
Base.metadata.tables[Position.__tablename__].append_constraint(ForeignKeyConstraint(
    ["ended_by_import_id"], [ImportRecord.id], ondelete="SET NULL"))


class PersonAlias(Base):
    """A person merged into another: their old id (and UID) still lead to the survivor.

    ``crm show '#OLDID'`` and an import of a card with the old UID land on ``person_id``.
    """

    __tablename__ = "person_alias"

    old_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    uid: Mapped[str | None] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(String(400))
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CompanyMerged(Base):
    """A company merged into another: ``#OLDID`` still resolves to ``company_id``."""

    __tablename__ = "company_merged"

    old_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(300))
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Tombstone(Base):
    """A person the user deleted: what matched them, so an import does not bring them back,
    and what they were, so ``crm undelete`` can restore them."""

    __tablename__ = "tombstone"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer)  # the id they had (not a foreign key)
    name: Mapped[str] = mapped_column(String(400))
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # JSON of the person's rows (crm.core.upkeep.tombstones), enough to restore them.
    snapshot: Mapped[str] = mapped_column(Text)

    keys: Mapped[list[TombstoneKey]] = relationship(
        back_populates="tombstone", cascade="all, delete-orphan", order_by="TombstoneKey.id")


class TombstoneKey(Base):
    """One thing that matched a deleted person: ``uid``, ``email``, ``phone`` or ``card``
    (the hash of a raw imported card)."""

    __tablename__ = "tombstone_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    tombstone_id: Mapped[int] = mapped_column(ForeignKey("tombstone.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(500))

    tombstone: Mapped[Tombstone] = relationship(back_populates="keys")

    __table_args__ = (Index("ix_tombstone_key_kind_value", "kind", "value"),)
class Suggestion(Timestamped, Base):
    """Something crm inferred and the user has not decided on: a tie ("other is person's
    co-worker", from dates) or two people who may be one (the same name on import). Shown
    with its evidence; accepted, it becomes what it suggests; dismissed, it is not made
    again."""

    __tablename__ = "suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # one of SUGGESTION_KINDS
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    # For a connection: the Connection kind it would make (co-worker, fellow-intern…).
    connection_kind: Mapped[str | None] = mapped_column(String(30))
    since: Mapped[str | None] = mapped_column(String(10))
    context_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"))
    evidence: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    source: Mapped[str] = mapped_column(String(300), default="inferred")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    other: Mapped[Person] = relationship(foreign_keys=[other_id])
    context_company: Mapped[Company | None] = relationship()

    __table_args__ = (
        CheckConstraint("status in ('open','accepted','dismissed')", name="status"),
        CheckConstraint("person_id <> other_id", name="not_self"),
        UniqueConstraint("kind", "person_id", "other_id", "connection_kind",
                         name="uq_suggestion_pair"),
        Index("ix_suggestion_status", "status", "id"),
        Index("ix_suggestion_other", "other_id"),
    )


class SyncTarget(Base):
    """A vdir folder or a CardDAV address book crm syncs with (``crm sync``); the user name
    is kept, a password never."""

    __tablename__ = "sync_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "vdir" or "carddav"
    location: Mapped[str] = mapped_column(String(1000))  # absolute folder or URL
    username: Mapped[str | None] = mapped_column(String(300))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_report: Mapped[str | None] = mapped_column(Text)  # that sync's JSON report
    # The address book's CTag after a sync that changed nothing either way: the same CTag
    # next time means nothing changed there (the listing is skipped). NULL: list.
    remote_version: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "location", name="uq_sync_target_kind_location"),)


class SyncCard(Base):
    """One card of a sync target as it was last synced: the merge base of the next sync."""

    __tablename__ = "sync_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("sync_target.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(1000))  # file name in the vdir, or href
    # Whom the card is about; NULL once that person was deleted in crm.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                  index=True)
    # "linked" (about person_id, or whom crm deleted when that is NULL) or "ignored" (a
    # company card, a rejected or deleted-person card: looked at again when it changes).
    status: Mapped[str] = mapped_column(String(20), default="linked")
    etag: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))  # of ``base``
    crm_hash: Mapped[str] = mapped_column(String(64))  # of crm's fields after that sync
    base: Mapped[str] = mapped_column(Text)  # the card's raw text as last synced
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("target_id", "name", name="uq_sync_card_target_name"),)

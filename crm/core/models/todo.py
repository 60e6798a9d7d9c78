"""Follow-ups (``todo``): mapped on their own, so that ``crm agenda`` and the Today screen
map and configure this one model and not every one of ``tracking`` (which imports it, so
that ``Base`` from ``crm.core.models`` still has every table)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.models.base import Base, Timestamped
from crm.core.models.details import Application
from crm.core.models.network import Person


class Todo(Timestamped, Base):
    """A dated follow-up on a person or an application: typed by the user (``origin`` None)
    or proposed by crm from what happened (a thank-you after an interview, telling a
    reference, chasing an intro request), shown as such and dismissable."""

    __tablename__ = "todo"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    # Snoozed: out of the agenda until this day (the due date stays as it was).
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    done_on: Mapped[date | None] = mapped_column(Date)
    origin: Mapped[str | None] = mapped_column(String(30))  # TODO_ORIGINS; None: manual
    # What proposed it ("use:7", "app:3:2026-06-10", "referral:5"): never proposed twice.
    origin_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    reference_use_id: Mapped[int | None] = mapped_column(
        ForeignKey("reference_use.id", ondelete="SET NULL"))
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="SET NULL"))

    person: Mapped[Person | None] = relationship()
    application: Mapped[Application | None] = relationship()

    __table_args__ = (
        CheckConstraint("status in ('open','done','dismissed')", name="status"),
        Index("ix_todo_status_due", "status", "due_on"),
    )

"""The rejected-record store: records that could not be imported are kept, raw text and
all, so that they can be listed, fixed and imported again (``crm import --rejected``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.cards import RejectedCard
from crm.core.importing.report import ImportReport
from crm.core.models import ImportRecord


@dataclass(frozen=True)
class RejectedRecord:
    """A card kept because it could not be imported, so that it can be fixed and retried."""

    id: int
    file: str
    line: int
    message: str
    raw: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "line": self.line, "message": self.message}


def store_rejected(session: Session, report: ImportReport, item: RejectedCard,
                   rejected_before: set[str]) -> None:
    """Report ``item`` as rejected and keep it, once: ``rejected_before`` holds the raw
    hashes kept already (by an earlier import or an earlier chunk)."""
    report.reject(item)
    digest = item.raw_hash
    if digest not in rejected_before:
        rejected_before.add(digest)
        session.add(ImportRecord(source_file=item.file, line=item.line, raw=item.raw,
                                 raw_hash=digest, status="rejected", error=item.message))


def list_rejected(session: Session) -> list[RejectedRecord]:
    rows = session.scalars(select(ImportRecord).where(ImportRecord.status == "rejected")
                           .order_by(ImportRecord.id))
    return [RejectedRecord(r.id, r.source_file, r.line, r.error or "", r.raw) for r in rows]


def forget_rejected(session: Session) -> int:
    """Drop the kept rejected cards (after they were fixed and imported again)."""
    rows = list(session.scalars(select(ImportRecord).where(ImportRecord.status == "rejected")))
    for row in rows:
        session.delete(row)
    return len(rows)

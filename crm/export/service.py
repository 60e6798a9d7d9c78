"""Export a reference list: build it (core), render it, write it, record the uses (core).

This lives in ``crm.export`` rather than ``crm.core.jobhunt.references`` because core may not import
the renderers (export sits above core). The caller owns the transaction: the file is written
to a temporary file beside the target (``crm.core.files``), the uses are recorded and
flushed, and only then is the file renamed into place, so a failed write records nothing
and a failed flush leaves no file (the caller's ``Database.write()`` rolls the uses back on
any error).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crm.core.files import discard, publish, stage
from crm.core.jobhunt.applications import target_label
from crm.core.jobhunt.reference_list import NotifyItem, build_reference_list, record_uses
from crm.core.models import Application, Company, Person
from crm.export import check_format, render


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    target: str
    references: list[str]
    notify: list[NotifyItem]
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "for": self.target,
            "references": self.references,
            "notify": [n.to_json() for n in self.notify],
            "warnings": self.warnings,
        }


def export_references(
    session: Session,
    target: Company | Application,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    include: Sequence[Person] | None = None,
    include_all: bool = False,
    today: date | None = None,
) -> ExportResult:
    """Write the reference list for ``target`` to ``path`` and log a use of each reference.

    Returns what was written and the checklist of whom to notify. Raises ``CrmError`` (one
    line) for an unknown format, no "me" person, no agreed references or an unwritable path.
    """
    today = today or date.today()
    f = check_format(fmt)
    out = Path(path)
    data, refs = build_reference_list(session, target, include=include,
                                      include_all=include_all, today=today)
    warnings = []
    if f == "pdf":
        from crm.export.pdf import unprintable

        missing = unprintable(data)
        if missing:
            warnings.append("the PDF font cannot show " + " ".join(sorted(missing))
                            + "; those characters print as blanks (md, txt or html keep them)")
    content = render(data, f)
    tmp = stage(out, content)
    try:
        notify = record_uses(session, refs, target, today=today)
        publish(tmp, out)
    except BaseException:
        discard(tmp)
        raise
    return ExportResult(path=out, format=f, target=target_label(target),
                        references=[e.name for e in data.entries], notify=notify,
                        warnings=warnings)

"""Export a reference list: build it (core), render it, write it, record the uses (core).

This lives in ``crm.export`` rather than ``crm.core.references`` because core may not import
the renderers (export sits above core). The caller owns the transaction: the file is written
to a temporary file beside the target, the uses are recorded and flushed, and only then is
the file renamed into place, so a failed write records nothing and a failed flush leaves no
file (the caller's ``Database.write()`` rolls the uses back on any error).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crm.core.applications import target_label
from crm.core.errors import CrmError
from crm.core.models import Application, Company, Person
from crm.core.references import NotifyItem, build_reference_list, record_uses
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


def stage_private(path: Path, content: bytes) -> Path:
    """Write ``content`` to a temporary file beside ``path``; ``publish`` renames it in.

    The file is mode 0600, or narrower when it replaces a narrower file. Being in the same
    directory makes the final rename atomic: readers see the old file or the whole new one.
    """
    directory = path.parent
    if path.is_dir():
        raise CrmError(f"cannot write {path}: it is a directory")
    if not directory.is_dir():
        raise CrmError(f"cannot write {path}: no directory {directory}")
    mode = 0o600
    with contextlib.suppress(FileNotFoundError):
        mode &= stat.S_IMODE(path.stat().st_mode)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise CrmError(f"cannot write {path}: {err.strerror}") from None
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, mode)  # mkstemp made it 0600; narrower when the old file was
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    except OSError as err:
        discard(tmp)
        raise CrmError(f"cannot write {path}: {err.strerror}") from None
    except BaseException:
        discard(tmp)
        raise
    return tmp


def publish(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as err:
        discard(tmp)
        raise CrmError(f"cannot write {path}: {err.strerror}") from None


def discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


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
    tmp = stage_private(out, content)
    try:
        notify = record_uses(session, refs, target, today=today)
        publish(tmp, out)
    except BaseException:
        discard(tmp)
        raise
    return ExportResult(path=out, format=f, target=target_label(target),
                        references=[e.name for e in data.entries], notify=notify,
                        warnings=warnings)

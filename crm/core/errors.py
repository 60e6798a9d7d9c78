"""Errors meant for the user: each carries one clear line of text."""

from __future__ import annotations


class CrmError(Exception):
    """A problem the user can fix; the CLI prints ``str(err)`` on one line and exits non-zero."""

    exit_code = 2


class NotFound(CrmError):
    """A person, company or application named by the user does not exist."""


class Ambiguous(CrmError):
    """A name matches several records; the message lists the candidates."""

    def __init__(self, what: str, query: str, candidates: list[str]) -> None:
        self.candidates = candidates
        shown = ", ".join(candidates[:8])
        more = f" (and {len(candidates) - 8} more)" if len(candidates) > 8 else ""
        super().__init__(f"{what} {query!r} is ambiguous: {shown}{more}")


class InvalidInput(CrmError):
    """A value typed by the user is malformed (date, email, URL, strength…)."""


class SchemaTooNew(CrmError):
    """The database was written by a newer crm; it is left untouched."""

"""Errors meant for the user: each carries one clear line of text.

The exit codes, the same for every command: 0 done; 1 done in part (some records rejected,
the rest saved); 2 bad input or usage, nothing written; 3 an unexpected failure (disk full,
database server gone, damaged database file, a bug), nothing written.
"""

from __future__ import annotations

EXIT_DONE = 0
EXIT_PARTLY = 1
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3


class CrmError(Exception):
    """A problem the user can fix; the CLI prints ``str(err)`` on one line and exits non-zero."""

    exit_code = EXIT_BAD_INPUT
    kind = "bad-input"


class Failure(CrmError):
    """Not the user's input: the disk, the database server or the database file failed."""

    exit_code = EXIT_FAILURE
    kind = "failure"


class DatabaseDamaged(Failure):
    """The SQLite file has damaged pages: crm refuses to write to it (see ``crm db recover``)."""

    kind = "damaged-database"

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path  # the damaged SQLite file, when known


class NotFound(CrmError):
    """A person, company or application named by the user does not exist."""


class Ambiguous(CrmError):
    """A name matches several records; the message lists the candidates."""

    def __init__(self, what: str, query: str, candidates: list[str]) -> None:
        self.candidates = candidates
        shown = ", ".join(candidates[:8])
        more = f" (and {len(candidates) - 8} more)" if len(candidates) > 8 else ""
        super().__init__(f"{what} {query!r} is ambiguous: {shown}{more}")


class NotSureWhichCompany(NotFound):
    """No company has this name, but some are close: the user must pick one or confirm new.

    ``companies`` holds (id, name) of the close ones, best first.
    """

    def __init__(self, query: str, companies: list[tuple[int, str]]) -> None:
        self.query = query
        self.companies = companies
        # The ids keep names with commas ("Stripe, Inc.") apart and can be typed as "#4".
        names = [f"{name} (#{cid})" for cid, name in companies]
        shown = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        super().__init__(f"no company named {query!r}; did you mean {shown}?")


class InvalidInput(CrmError):
    """A value typed by the user is malformed (date, email, URL, strength…)."""


class SchemaTooNew(CrmError):
    """The database was written by a newer crm; it is left untouched."""


# -- errors that each face words for its own users ------------------------------------------
# Their own text says what is wrong and nothing about how to fix it: the CLI adds the command
# to run (crm/cli/wording.py), the TUI the key or screen to use (crm/tui/wording.py).


class NoMe(InvalidInput):
    """Nobody is marked as the user, and ``needed_for`` needs them: ``"paths"`` (introductions
    start from me) or ``"reference-list"`` (my name and contacts head the document)."""

    def __init__(self, needed_for: str) -> None:
        self.needed_for = needed_for
        super().__init__("nobody is marked as you (the list is headed by your own name and "
                         "contact details)"
                         if needed_for == "reference-list" else "nobody is marked as you yet")


class NotAReference(NotFound):
    """This person has no reference record."""

    def __init__(self, person_id: int, name: str) -> None:
        self.person_id = person_id
        self.name = name
        super().__init__(f"{name} is not a reference")


class NoReferencesToList(CrmError):
    """A reference list would be empty: none agreed (or, with ``include_all``, none at all)."""

    def __init__(self, include_all: bool) -> None:
        self.include_all = include_all
        super().__init__("no references yet" if include_all else "no references have agreed yet")


class NoTarget(InvalidInput):
    """A reference list or ranking was asked for without an application or a company."""

    def __init__(self) -> None:
        super().__init__("an application or a company is needed")


class DatabaseNotEmpty(CrmError):
    """Sample data (``what``: ``"demo"`` or ``"generated"``) goes only into an empty database."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__("this database already has people; load the demo into an empty one"
                         if what == "demo" else
                         "this database already has people; generate into an empty one")

"""Errors as the TUI words them: what is wrong, then the key or screen that fixes it.

A TUI user is never told to run a command: core errors carry no CLI syntax
(crm.core.errors), and the CLI adds its own commands to the same errors (crm/cli/wording.py).
"""

from __future__ import annotations

from crm.core.errors import (
    CrmError,
    DatabaseNotEmpty,
    NoMe,
    NoReferencesToList,
    NotAReference,
    NoTarget,
)


def say(err: CrmError) -> str:
    """The one line a toast shows for ``err``."""
    if isinstance(err, NoMe):
        if err.needed_for == "reference-list":
            return str(err)
        return f"{err}: introductions start from you"
    if isinstance(err, NotAReference):
        return f"{err}: open them on People (F2) and press r to make them one"
    if isinstance(err, NoReferencesToList):
        if err.include_all:
            return f"{err}: open a person on People (F2) and press r to make them one"
        return (f"{err}: select a reference on References (F4) and press s to record "
                "that they agreed")
    if isinstance(err, NoTarget):
        return "Choose an application or name a company"
    if isinstance(err, DatabaseNotEmpty):
        return "This database already has people; sample data goes only into an empty one"
    return str(err)

"""Core errors as the CLI words them: what is wrong, then the command that fixes it.

Core errors say what is wrong and nothing about any face (crm.core.errors); the TUI words
the same errors with its keys and screens (crm/tui/wording.py).
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
    """The one line ``crm`` prints for ``err`` (and puts in its --json error)."""
    if isinstance(err, NoMe):
        if err.needed_for == "reference-list":
            return (f"{err}: nothing written; mark yourself with "
                    "crm add person 'Your Name' --me --email ... --phone ...")
        return f"{err} (crm add person NAME --me)"
    if isinstance(err, NotAReference):
        return f"{err} (add them with crm refs add {err.name!r})"
    if isinstance(err, NoReferencesToList):
        if err.include_all:
            return f"{err} (crm refs add PERSON)"
        return (f"{err} (record consent with crm refs add PERSON --status agreed, "
                "or choose people with --include)")
    if isinstance(err, NoTarget):
        return "--for needs an application or a company"
    if isinstance(err, DatabaseNotEmpty):
        example = ("crm --db /tmp/demo.sqlite3 demo" if err.what == "demo"
                   else "crm --db /tmp/big.sqlite3 demo --people 10000")
        return f"{err} (e.g. {example})"
    return str(err)

"""Core errors say what is wrong; each face says how to fix it in its own terms: the CLI a
command, the TUI a key or a screen (never a command)."""

from __future__ import annotations

import pytest

from crm.cli.wording import say as cli_says
from crm.core.errors import (
    CrmError,
    DatabaseNotEmpty,
    NoMe,
    NoReferencesToList,
    NotAReference,
    NoTarget,
)
from crm.tui.wording import say as tui_says

ERRORS: list[tuple[CrmError, str]] = [
    (NoMe("paths"), "crm add person NAME --me"),
    (NoMe("reference-list"), "crm add person 'Your Name' --me"),
    (NotAReference(7, "Ada Lovelace"), "crm refs add 'Ada Lovelace'"),
    (NoReferencesToList(include_all=False), "crm refs add PERSON --status agreed"),
    (NoReferencesToList(include_all=True), "crm refs add PERSON"),
    (NoTarget(), "--for"),
    (DatabaseNotEmpty("demo"), "crm --db /tmp/demo.sqlite3 demo"),
    (DatabaseNotEmpty("generated"), "demo --people 10000"),
]


@pytest.mark.parametrize(("err", "command"), ERRORS)
def test_each_face_words_core_errors_its_own_way(err: CrmError, command: str) -> None:
    core = str(err)
    assert "crm " not in core and "--" not in core  # core knows no face
    cli = cli_says(err)
    assert command in cli and (cli.startswith(core) or isinstance(err, NoTarget))
    tui = tui_says(err)
    assert "crm " not in tui and "--" not in tui and len(tui) > len("x: y")


def test_other_errors_read_the_same_everywhere() -> None:
    err = CrmError("bad birthday '1990-13-01': use YYYY-MM-DD, --MM-DD or YYYY")
    assert cli_says(err) == tui_says(err) == str(err)

"""Naming a person: the lookups a miss goes through (exact, prefix, words, fuzzy) answer as
before when the prefix step reads the name index as a range."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import create_person, resolve_person
from crm.core.db import Database
from crm.core.errors import Ambiguous, NotFound


@pytest.fixture
def named(db: Database) -> Database:
    with db.write() as s:
        for name in ("Zoë Müller", "Zoe Meier-Smith", "Ada Lovelace", "Adam Zürich",
                     "Łukasz Dvořák", "Ann_Percent%"):
            create_person(s, name)
    return db


def resolved(db: Database, text: str) -> str:
    with db.read() as s:
        return resolve_person(s, text).display_name


def test_prefixes_words_substrings_and_typos(named: Database) -> None:
    assert resolved(named, "zoë müller") == "Zoë Müller"  # exact, folded
    assert resolved(named, "ZOE MUL") == "Zoë Müller"  # prefix
    assert resolved(named, "lukasz") == "Łukasz Dvořák"
    assert resolved(named, "ann_") == "Ann_Percent%"  # LIKE's wildcards are literal
    assert resolved(named, "ada lov") == "Ada Lovelace"  # words
    assert resolved(named, "zurich") == "Adam Zürich"
    assert resolved(named, "ller") == "Zoë Müller"  # a substring of one name only
    assert resolved(named, "ada lovelcae") == "Ada Lovelace"  # a typo
    with pytest.raises(Ambiguous):
        resolved(named, "zoe m")
    with pytest.raises(Ambiguous):
        resolved(named, "ada")
    with pytest.raises(NotFound):
        resolved(named, "Nobody Like This")

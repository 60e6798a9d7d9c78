"""``crm people --json`` is written as a stream, byte for byte what the whole-list encoder
wrote before (``json.dumps(..., ensure_ascii=False, indent=2)`` and the terminal-safe
escapes), whatever the people hold."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from crm.core import people as people_module
from crm.core.db import Database
from crm.core.editing import add_interaction
from crm.core.generate import generate_network
from crm.core.people import create_person, search_people
from crm.core.positions import add_position

UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def whole_list(db: Database, query: str | None, limit: int | None) -> str:
    """The output as the command wrote it before streaming: the whole list in one dumps."""
    with db.read() as s:
        found = [p.to_json() for p in search_people(s, query, limit=limit)]
    text = json.dumps(found, ensure_ascii=False, indent=2, default=str)
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


@pytest.fixture
def odd_people(db: Database) -> Database:
    with db.write() as s:
        generate_network(s, 120, seed=4)
        zoe = create_person(s, "Zoë \"Z\" Müller\u2028\x85", emails=["zoe@acme.example"],
                            phones=["(415) 555-0100"], tags=["mentor", "b\\slash"],
                            note="line one\nline\ttwo \x1b[31mred\u202e ☃ 𝄞")
        add_position(s, zoe, "Acme Robotics, Inc.", title="Staff Engineer, Payments")
        add_interaction(s, zoe.id, "call", "2026-01-02", "hi")
        create_person(s, "Nobody Atall", via=zoe)
        create_person(s, "Empty", emails=[], phones=[])
    return db


@pytest.mark.parametrize(("query", "limit"), [(None, None), ("a", None), ("zoe", None),
                                               (None, 7), ("nobody matches this", None)])
def test_streamed_json_is_byte_for_byte_the_whole_list(
        crm: Any, odd_people: Database, query: str | None, limit: int | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = whole_list(odd_people, query, limit)
    args = ["people", "--json"] + ([query] if query else []) + (
        ["--limit", str(limit)] if limit else [])
    assert crm(*args).stdout == expected
    # Written in chunks: several chunks give the same bytes as one.
    monkeypatch.setattr(people_module, "STREAM_CHUNK", 5)
    result = crm(*args)
    assert result.exit_code == 0 and result.stdout == expected
    if query is None and limit is None:
        assert len(json.loads(result.stdout)) == 123

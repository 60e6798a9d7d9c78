"""``crm people --json`` is written as a stream, byte for byte what the whole-list encoder
wrote before (``json.dumps(..., ensure_ascii=False, indent=2)`` and the terminal-safe
escapes), whatever the people hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crm.cli.output import emit_json, emit_json_stream
from crm.core.contacts import people as people_module
from crm.core.contacts.people import create_person, search_people
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.samples.generate import generate_network
from crm.core.terminal_text import json_for_terminal
from crm.core.upkeep.editing import add_interaction


def whole_list(db: Database, query: str | None, limit: int | None) -> str:
    """The output as ``emit_json`` writes the whole list: one dumps, then the terminal-safe
    escapes of crm.core.terminal_text."""
    with db.read() as s:
        found = [p.to_json() for p in search_people(s, query, limit=limit)]
    text = json.dumps(found, ensure_ascii=False, indent=2, default=str)
    return json_for_terminal(text) + "\n"


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


HOSTILE: list[dict[str, Any]] = [
    {"name": "a\x1b]0;title\x07", "tags": ["\u200b", "\u202e", "\U000e0041"], "n": 1},
    {"name": "\u00adsoft", "note": None, "emails": [], "x": {"y": "\ufeff\x85\u2028"}},
    {"name": "plain", "ok": True, "f": 1.5},
]


@pytest.mark.parametrize("size", [1, 2, 3])
def test_emit_json_stream_writes_what_emit_json_writes(
        capsys: pytest.CaptureFixture[str], size: int) -> None:
    emit_json(HOSTILE)
    whole = capsys.readouterr().out
    emit_json_stream(HOSTILE[i:i + size] for i in range(0, len(HOSTILE), size))
    assert capsys.readouterr().out == whole
    emit_json([])
    empty = capsys.readouterr().out
    emit_json_stream(iter([[], []]))
    assert capsys.readouterr().out == empty


ODD_TEXTS = ["", "plain", 'q"uote', "back\\slash", "line\nbreak\ttab", "\x1b[31m", "\x00",
             "\u2028\u2029", "é☃𝄞", "\x7f\x85"]


def test_the_fast_encoders_write_what_the_general_one_writes() -> None:
    import random

    from crm.cli.output import _nested, person_item
    from crm.core.contacts.people import PersonSummary

    rnd = random.Random(7)

    def texts() -> list[str]:
        return [rnd.choice(ODD_TEXTS) for _ in range(rnd.randint(0, 3))]

    def maybe() -> str | None:
        return rnd.choice([None, *ODD_TEXTS])

    for i in range(500):
        extra = rnd.choice([{}, {}, {"score": 1.5, "why": ["x", 2]}, {"n": i}])
        person = PersonSummary(
            id=rnd.randint(1, 10**12), name=rnd.choice(ODD_TEXTS), emails=texts(),
            phones=texts(), urls=texts(), company=maybe(), title=maybe(), tags=texts(),
            note=maybe(), is_me=rnd.random() < 0.5, known_via=maybe(), extra=extra)
        general = json.dumps([person.to_json()], ensure_ascii=False, indent=2)
        assert "[\n  " + person_item(person) + "\n]" == general
        assert "[\n  " + _nested(person.to_json()) + "\n]" == general
    # Dicts of other shapes (nested, floats, non-string keys) take the general way.
    for item in [{}, {"a": {"b": [1]}}, {1: "x", None: True}, {"f": 2.5, "l": [1, "a"]},
                 {"l": []}, {"s": "\x1b", "n": None, "t": False}]:
        assert "[\n  " + _nested(item) + "\n]" == json.dumps([item], ensure_ascii=False,
                                                               indent=2)

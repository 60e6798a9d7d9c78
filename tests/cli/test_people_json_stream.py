"""``crm people --json`` is written as a stream, byte for byte what the whole-list encoder
wrote before (``json.dumps(..., ensure_ascii=False, indent=2)`` and the terminal-safe
escapes), whatever the people hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crm.cli.output import emit_json, emit_json_stream
from crm.core.contacts import everyone
from crm.core.contacts import people as people_module
from crm.core.contacts.people import add_contact_point, create_person, search_people, set_me
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
    # Written in chunks: several chunks give the same bytes as one (a query's batches, and
    # everyone's batches and PostgreSQL's server-side fetches).
    monkeypatch.setattr(people_module, "STREAM_CHUNK", 5)
    monkeypatch.setattr(everyone, "BATCH", 5)
    monkeypatch.setattr(everyone, "PG_FETCH", 3)
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


def _awkward(db: Database) -> None:
    """People whose details take every branch of the merged stream: two current positions
    (and a former one that started later), no position, several emails, phones, URLs and
    social profiles with a preferred one, tags, names with characters a terminal acts on,
    two people of the same name, someone known via another, and me."""
    with db.write() as s:
        me = create_person(s, "Me Myself", emails=["me@example.com"])
        set_me(s, me)
        two = create_person(s, "Zed Twojobs", via=me, tags=["zeta", "alpha", "Mid"])
        add_position(s, two, "Older Corp", title="Engineer", start="2019-03")
        add_position(s, two, "Newer Corp", title="Lead \x1b[1m", start="2023")
        add_position(s, two, "Undated Corp", title="Advisor")
        add_position(s, two, "Gone Corp", title="Intern", start="2024", end="2024-06")
        many = create_person(s, "\u202eAnna \x7fMa\u2028n\x85y", note="a\nb\t\"c\" \\ ☃ 𝄞",
                             emails=["b@example.com", "a@example.com"],
                             phones=["+1 415 555 0100", "+1 415 555 0101"])
        for kind, value, preferred in [("url", "https://a.example", False),
                                       ("social", "https://social.example/anna", False),
                                       ("url", "https://b.example", False),
                                       ("email", "pref@example.com", True),
                                       ("phone", "+1 415 555 0199", True),
                                       ("address", "1 Main St", False)]:
            add_contact_point(many, kind, value, preferred=preferred)
        add_position(s, many, "Ünïcode GmbH", title=None, start="2022-01-15")
        create_person(s, "Same Name", emails=["one@example.com"])
        create_person(s, "Same Name", phones=["+1 415 555 0102"], via=many)
        create_person(s, "Nothing Else")
        create_person(s, "Ærøskøbing Ølsen", tags=["ø"])
        for i in range(30):
            create_person(s, f"Filler {i:02d}", emails=[f"f{i}@example.com"])


@pytest.mark.parametrize("batch", [1, 4, 2000])
def test_everyone_streamed_keeps_every_detail_of_awkward_people(
        crm: Any, db: Database, batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``crm people --json`` of everyone (the merged stream) writes exactly what the list
    of summaries writes, and the documented shape: each person's keys in order, the
    current position that started last, contact points preferred first, tags by name."""
    _awkward(db)
    monkeypatch.setattr(everyone, "BATCH", batch)
    monkeypatch.setattr(everyone, "PG_FETCH", max(1, batch - 1))
    result = crm("people", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == whole_list(db, None, None)
    people = json.loads(result.stdout)
    assert len(people) == 37
    keys = ["id", "name", "emails", "phones", "urls", "company", "title", "tags", "note", "me"]
    for person in people:
        assert list(person)[:10] == keys
        assert list(person)[10:] in ([], ["known_via"])
    by_name = {p["name"]: p for p in people}
    two = by_name["Zed Twojobs"]
    assert (two["company"], two["title"]) == ("Newer Corp", "Lead \x1b[1m")
    assert two["tags"] == sorted(["zeta", "alpha", "Mid"]) and two["known_via"] == "Me Myself"
    many = by_name["\u202eAnna \x7fMa\u2028n\x85y"]
    assert many["emails"] == ["pref@example.com", "b@example.com", "a@example.com"]
    assert many["phones"] == ["+1 415 555 0199", "+1 415 555 0100", "+1 415 555 0101"]
    assert many["urls"] == ["https://a.example", "https://b.example",
                            "https://social.example/anna"]
    assert (many["company"], many["title"]) == ("Ünïcode GmbH", None)
    assert many["note"] == "a\nb\t\"c\" \\ ☃ 𝄞"
    assert [p["me"] for p in people].count(True) == 1 and by_name["Me Myself"]["me"]
    assert by_name["Nothing Else"]["company"] is None and "known_via" not in by_name[
        "Nothing Else"]
    # Nothing a terminal acts on is written as itself.
    assert not any(ch in result.stdout for ch in "\x1b\x7f\x85\u2028\u202e")
    same = [p for p in people if p["name"] == "Same Name"]
    assert [p["id"] for p in same] == sorted(p["id"] for p in same)


def test_everyone_stream_refuses_details_read_in_another_order() -> None:
    """Details that do not follow the people's order are an error, never a silent loss."""
    people = iter([(1, "A", None, 0, None), (2, "B", None, 0, None)])
    points = iter([(2, "email", "b@example.com"), (1, "email", "a@example.com")])
    with pytest.raises(RuntimeError, match="different orders"):
        list(everyone._merged(people, points, iter([]), iter([])))


def test_the_batch_encoder_writes_what_person_item_writes() -> None:
    """``people_rows_text`` (everyone's batches) against ``person_item`` one person at a
    time, and its escaping flag against the escaping itself."""
    import random

    from crm.cli.output import people_rows_text, person_item
    from crm.core.contacts.people import PersonSummary

    rnd = random.Random(11)

    def texts() -> list[str]:
        return [rnd.choice(ODD_TEXTS) for _ in range(rnd.choice([0, 0, 1, 1, 2, 3]))]

    def maybe() -> str | None:
        return rnd.choice([None, *ODD_TEXTS])

    for _ in range(300):
        rows = [(rnd.randint(1, 10**12), rnd.choice(ODD_TEXTS), texts(), texts(), texts(),
                 maybe(), maybe(), texts(), maybe(), rnd.random() < 0.5, maybe())
                for _ in range(rnd.randint(1, 4))]
        text, unprintable = people_rows_text(rows)
        assert text == ",\n".join("  " + person_item(PersonSummary(*row)) for row in rows)
        if not unprintable:
            assert json_for_terminal(text) == text
        whole = json.dumps([PersonSummary(*row).to_json() for row in rows],
                           ensure_ascii=False, indent=2)
        assert "[\n" + text + "\n]" == whole

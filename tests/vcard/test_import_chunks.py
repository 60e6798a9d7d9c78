"""An import taken a chunk at a time does what one over the whole file does (SQLite and
PostgreSQL): with three cards a chunk, duplicates, companies, tags, relations and rejected
cards meet across chunks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import crm.core.importing as importing
import crm.core.importing.pipeline as pipeline
from crm.core.contacts.people import create_person
from crm.core.db import Database
from crm.core.models import Company, Connection, ImportRecord, Person, PersonTag, Position, Tag
from crm.vcard.importer import import_paths
from tests.vcard.conftest import fixture, person
from tests.vcard.test_import import ALL, count, write


def card(*lines: str) -> str:
    return "BEGIN:VCARD\nVERSION:3.0\n" + "".join(f"{x}\n" for x in lines) + "END:VCARD\n"


NAMELESS = card("NOTE:no name at all")
FILE = "".join([
    # chunk 1
    card("FN:Ada Lovelace", "UID:ada-1", "EMAIL:ada@example.com", "ORG:Analytical Engines",
         "CATEGORIES:vip"),
    card("FN:Filler One", "EMAIL:one@example.com"),
    NAMELESS,
    # chunk 2
    card("FN:Cara Report", "EMAIL:cara@example.com", "item1.X-ABRELATEDNAMES:Dan Later",
         "item1.X-ABLabel:_$!<Manager>!$_"),
    card("FN:Ada King", "UID:ada-1", "EMAIL:ADA@example.com", "TEL:+1 415 555 0100"),
    card("FN:Grace Hopper", "EMAIL:grace@example.com"),
    # chunk 3
    card("FN:Dan Later", "EMAIL:dan@example.com", "ORG:Analytical Engines",
         "CATEGORIES:vip"),
    card("FN:Eve Mentee", "EMAIL:eve@example.com", "item1.X-ABRELATEDNAMES:Ada Lovelace",
         "item1.X-ABLabel:mentor"),
    NAMELESS,
    # chunk 4
    card("FN:Ada L.", "TEL:(415) 555-0100", "NOTE:met at the conference"),
    card("FN:Filler One", "EMAIL:another-one@example.com"),
])


def test_duplicates_companies_tags_and_relations_meet_across_chunks(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CARDS_PER_CHUNK", 3)
    with db.write() as s:
        create_person(s, "Grace Hopper", emails=["admiral@example.com"])
    path = write(tmp_path, "chunks.vcf", FILE)

    preview = import_paths(db, [path], dry_run=True)
    assert count(db, Person) == 1
    for model in (Company, Tag, PersonTag, Position, ImportRecord, Connection):
        assert count(db, model) == 0

    seen: list[tuple[int, int]] = []
    report = import_paths(db, [path], progress=lambda d, t: seen.append((d, t)))
    assert by_card(report) == by_card(preview)
    outcomes = sorted(report.outcomes, key=lambda o: o.line)
    assert [o.action for o in outcomes] == [
        "created", "created", "rejected", "created", "merged", "created", "created",
        "created", "rejected", "merged", "created"]
    assert (report.created, report.merged, report.companies_created, report.connections) == (
        7, 2, 1, 2)
    ada = person(db, "Ada Lovelace")
    # The cards of chunks 2 and 4 found her (by UID, by the phone chunk 2 added); merged
    # into someone this file created, never "updated".
    assert outcomes[0].person_id == outcomes[4].person_id == outcomes[9].person_id == ada["id"]
    assert sorted(c["value"] for c in ada["contact_points"]) == [
        "+1 415 555 0100", "ada@example.com"]
    assert ada["note"] == "met at the conference"
    with db.read() as s:
        assert s.scalars(select(Company.name)).all() == ["Analytical Engines"]
        assert s.scalar(select(func.count()).select_from(Position)) == 2
        assert s.scalars(select(Tag.name)).all() == ["vip"]
        assert s.scalar(select(func.count()).select_from(PersonTag)) == 2
        # The nameless card came twice and is kept once.
        assert s.scalar(select(func.count()).select_from(ImportRecord)
                        .where(ImportRecord.status == "rejected")) == 1
    # Chunk 2 names someone of chunk 3; chunk 3 names someone of chunk 1.
    assert [(c["person"], c["kind"]) for c in person(db, "Cara Report")["connections"]] == [
        ("Dan Later", "manager")]
    assert [(c["person"], c["kind"]) for c in person(db, "Eve Mentee")["connections"]] == [
        ("Ada Lovelace", "mentor")]
    # Only the Grace who was there before is a same-name suggestion, not the Filler One
    # of chunk 1.
    assert [(s.name, [n for _, n in s.candidates]) for s in report.suggestions] == [
        ("Grace Hopper", ["Grace Hopper"])]
    assert seen[-1] == (22, 22)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len({d for d, _ in seen}) >= 10  # it moves through every chunk

    again = import_paths(db, [path])
    assert (again.created, again.merged, again.unchanged, len(again.rejected)) == (0, 0, 9, 2)


@pytest.mark.parametrize("size", [1, 2, 5])
def test_chunk_size_does_not_change_what_an_import_does(
        db: Database, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    files = [fixture(n) for n in ALL]
    whole = import_paths(db, files, dry_run=True)
    monkeypatch.setattr(pipeline, "CARDS_PER_CHUNK", size)
    chunked = import_paths(db, files, dry_run=True)
    assert chunked.to_json() == whole.to_json()
    # The same outcome for every card (listed by chunk rather than by action), about the
    # same person or company (the ids differ: a rolled-back PostgreSQL sequence moves on).
    assert by_card(chunked) == by_card(whole)
    for action in ("created", "merged", "updated", "unchanged", "company", "rejected"):
        assert chunked.names(action) == whole.names(action)
    assert chunked.connections == whole.connections > 0


def by_card(report: importing.ImportReport) -> list[tuple[object, ...]]:
    """Outcomes in file order, each id replaced by the number of the first card it is in."""
    outcomes = sorted(report.outcomes, key=lambda o: (o.file, o.line))
    first: dict[tuple[str, int | None], int] = {}
    out: list[tuple[object, ...]] = []
    for n, o in enumerate(outcomes):
        ids = [first.setdefault((kind, i), n) if i is not None else None
               for kind, i in (("person", o.person_id), ("company", o.company_id))]
        out.append((o.file, o.line, o.name, o.action, *ids, o.message))
    return out


def test_a_card_goes_to_whom_an_earlier_chunk_found_first(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its first email is someone's who was there; its second, a person an earlier card of
    # the file created: like an earlier card of the same chunk, the earlier chunk wins.
    with db.write() as s:
        create_person(s, "Old Friend", emails=["shared@example.com"])
    path = write(tmp_path, "order.vcf", "".join([
        card("FN:Nia New", "EMAIL:nia@example.com"),
        card("FN:Nia N.", "EMAIL:shared@example.com", "EMAIL:nia@example.com"),
    ]))
    whole = import_paths(db, [path], dry_run=True)
    monkeypatch.setattr(pipeline, "CARDS_PER_CHUNK", 1)
    report = import_paths(db, [path])
    assert by_card(report) == by_card(whole)
    assert [o.action for o in report.outcomes] == ["created", "merged"]
    assert sorted(c["value"] for c in person(db, "Nia New")["contact_points"]) == [
        "nia@example.com", "shared@example.com"]


# People already there, and a file whose second card an earlier chunk must not steal.
SHAPES = {
    # Alice and Bob share a landline; Alice's card merges into her, then Bob's card (his
    # email, the landline) is Bob's, not Alice's because her stored phone matches too.
    "shared landline": (
        [("Alice Old", "a@x.com", "+1 415 555 0100", None),
         ("Bob Old", "b@y.com", "+1 415 555 0100", None)],
        card("FN:Alice", "EMAIL:a@x.com")
        + card("FN:Bob", "EMAIL:b@y.com", "TEL:+1 415 555 0100", "NOTE:Bob's")),
    # Alice's card merges into her by email though her stored UID differs; a later card
    # with the card's UID only is Alice again, not a new person.
    "the same UID twice": (
        [("Alice Old", "a@x.com", None, "old-uid")],
        card("FN:Alice", "UID:new-uid", "EMAIL:a@x.com", "NOTE:n1")
        + card("FN:Alice A", "UID:new-uid", "TEL:+1 415 555 0199")),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_later_chunk_matches_as_the_whole_file_does(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    people, text = SHAPES[shape]
    names = {}
    with db.write() as s:
        for name, email, phone, uid in people:
            p = create_person(s, name, emails=[email], phones=[phone] if phone else [])
            p.uid = uid
            names[p.id] = name
    path = write(tmp_path, "shape.vcf", text)
    whole = import_paths(db, [path], dry_run=True)
    monkeypatch.setattr(pipeline, "CARDS_PER_CHUNK", 1)
    chunked = import_paths(db, [path])
    about = [(o.line, o.action, names.get(o.person_id or 0, "someone new"))
             for o in chunked.outcomes]
    assert about == [(o.line, o.action, names.get(o.person_id or 0, "someone new"))
                     for o in whole.outcomes]
    assert "someone new" not in {who for _, _, who in about}
    assert about[-1][2] == people[-1][0]  # the last card is about the last person


@pytest.mark.parametrize("block", [None, 50])
def test_a_relation_whose_name_is_folded_is_still_linked(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        block: int | None) -> None:
    import functools

    import crm.vcard.importer as importer
    from crm.vcard.reader import blocks

    path = write(tmp_path, "folded.vcf", "".join([
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cara Report\nitem1.X-ABRELA\n TEDNAMES:Dan Later\n"
        "item1.X-ABLabel:_$!<Manager>!$_\nEND:VCARD\n",
        card("FN:Dan Later", "EMAIL:dan@example.com"),
    ]))
    if block:  # read in blocks that part right at the fold
        text = path.read_text(encoding="utf-8")
        assert [b[:9] for b in blocks(text, size=block)][1] == " TEDNAMES"
        monkeypatch.setattr(importer, "blocks", functools.partial(blocks, size=block))
    monkeypatch.setattr(pipeline, "CARDS_PER_CHUNK", 1)
    report = import_paths(db, [path])
    assert report.connections == 1
    assert [(c["person"], c["kind"]) for c in person(db, "Cara Report")["connections"]] == [
        ("Dan Later", "manager")]

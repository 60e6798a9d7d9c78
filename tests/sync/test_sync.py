"""Two-way sync as a user sees it, against a vdir and against a real Radicale server.

Every test runs on both sides (``side``: a vdir folder, a CardDAV address book) and on both
database backends.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from tests.sync.conftest import Side, card


class Killed(BaseException):
    """The process dying where it stands (nothing catches it)."""


def _sync(crm: Any, side: Side, *extra: str) -> dict[str, Any]:
    result = crm(*side.args(), "--json", *extra)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    data: dict[str, Any] = result.json()
    return data


def _people(crm: Any) -> dict[str, dict[str, Any]]:
    result = crm("people", "--json")
    return {p["name"]: p for p in result.json()}


def _nothing_changed(data: dict[str, Any]) -> bool:
    return (all(v == 0 for v in data["crm"].values())
            and all(v == 0 for v in data["remote"].values())
            and not data["conflicts"] and not data["deletion_proposals"])


def test_crm_people_are_written_there_and_a_second_sync_does_nothing(crm: Any,
                                                                      side: Side) -> None:
    crm("add", "person", "Priya Natarajan", "--email", "priya@northwind.com")
    crm("add", "position", "Priya Natarajan", "Northwind", "--title", "Data Lead")
    crm("add", "person", "Marcus Chen", "--phone", "+1 415 555 0100")
    first = _sync(crm, side)
    assert first["remote"]["created"] == 2
    names = side.names()
    assert len(names) == 2
    priya = side.read(side.find("priya@northwind.com"))
    assert "FN:Priya Natarajan" in priya and "TITLE:Data Lead" in priya
    uid = next(line[4:] for line in priya.splitlines() if line.startswith("UID:"))
    assert side.find("priya@northwind.com") == f"{uid}.vcf"
    if side.kind == "vdir":
        for name in names:
            mode = (side.folder / name).stat().st_mode  # type: ignore[attr-defined]
            assert stat.S_IMODE(mode) == 0o600
    before = {n: side.read(n) for n in names}
    second = _sync(crm, side)
    assert _nothing_changed(second) and second["unchanged"] == 2
    assert {n: side.read(n) for n in side.names()} == before


def test_first_sync_into_an_empty_crm_then_nothing(crm: Any, side: Side, db_url: str) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com", org="Acme",
                           title="Engineer"))
    side.put("b.vcf", card("uid-b", "Ben Ode", phone="+1 212 555 0199"))
    first = _sync(crm, side)
    assert first["crm"]["created"] == 2
    if db_url.startswith("sqlite"):  # a copy of the database before the first sync
        assert first["backup"] and Path(first["backup"]).exists()
    people = _people(crm)
    assert people["Ana Lima"]["company"] == "Acme" and people["Ana Lima"]["title"] == "Engineer"
    assert people["Ben Ode"]["phones"] == ["+1 212 555 0199"]
    assert first["remote"] == {"created": 0, "updated": 0, "deleted": 0}
    second = _sync(crm, side)
    assert _nothing_changed(second) and second["backup"] is None  # only before the first
    assert sorted(side.names()) == ["a.vcf", "b.vcf"]


def test_edits_on_both_sides_are_merged(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
    _sync(crm, side)
    # crm: a nickname for Ana; there: a new phone and a title for Ben, and Ana's new email.
    assert crm("edit", "person", "Ana Lima", "--nickname", "Aninha").exit_code == 0
    side.edit("b.vcf", "END:VCARD",
              "TEL;TYPE=CELL:+1 212 555 0123\r\nORG:Bistro\r\nTITLE:Chef\r\nEND:VCARD")
    side.edit("a.vcf", "ana@acme.com", "ana@lima.dev")
    data = _sync(crm, side)
    people = _people(crm)
    assert people["Ben Ode"]["phones"] == ["+1 212 555 0123"]
    assert (people["Ben Ode"]["company"], people["Ben Ode"]["title"]) == ("Bistro", "Chef")
    assert people["Ana Lima"]["emails"] == ["ana@lima.dev"]  # changed there: replaced
    ana = side.read("a.vcf")
    assert "NICKNAME:Aninha" in ana and "ana@lima.dev" in ana and "ana@acme.com" not in ana
    assert data["conflicts"] == []
    assert _nothing_changed(_sync(crm, side))


def test_a_conflicting_edit_keeps_crm_and_notes_theirs(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com", title="Engineer",
                           org="Acme"))
    _sync(crm, side)
    show = crm("show", "Ana Lima", "--json").json()
    position = next(p for p in show["positions"] if p["current"])
    assert crm("edit", "position", str(position["id"]), "--title",
               "Staff Engineer").exit_code == 0
    side.edit("a.vcf", "TITLE:Engineer", "TITLE:Principal Engineer")
    data = _sync(crm, side)
    assert [(c["field"], c["kept"], c["other"]) for c in data["conflicts"]] == [
        ("title", "Staff Engineer", "Principal Engineer")]
    ana = crm("show", "Ana Lima", "--json").json()
    assert ana["title"] == "Staff Engineer"  # the documented rule: crm wins
    assert "Principal Engineer" in ana["note"]  # the loser is kept, in the note
    there = side.read("a.vcf")
    assert "TITLE:Staff Engineer" in there and "Principal Engineer" in there  # (note)
    assert _nothing_changed(_sync(crm, side))


def test_deleted_there_is_a_proposal_until_applied(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
    _sync(crm, side)
    side.remove("a.vcf")
    dry = _sync(crm, side, "--dry-run")
    assert [p["person"] for p in dry["deletion_proposals"]] == ["Ana Lima"]
    data = _sync(crm, side)
    assert [p["person"] for p in data["deletion_proposals"]] == ["Ana Lima"]
    assert "Ana Lima" in _people(crm)  # listed, not applied
    assert side.names() == ["b.vcf"]  # and not written back either
    applied = _sync(crm, side, "--apply-deletions")
    assert applied["crm"]["deleted"] == 1
    assert set(_people(crm)) == {"Ben Ode"}
    assert crm("deleted", "--json").json()[0]["name"] == "Ana Lima"  # a tombstone: undoable
    assert _nothing_changed(_sync(crm, side))


def test_a_refused_deletion_keeps_the_person_and_writes_the_card_back(crm: Any,
                                                                       side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
    side.put("c.vcf", card("uid-c", "Cleo Park", email="cleo@park.io"))
    _sync(crm, side)
    side.remove("a.vcf")
    side.remove("c.vcf")
    ids = {p["person"]: p["person_id"] for p in _sync(crm, side)["deletion_proposals"]}
    assert set(ids) == {"Ana Lima", "Cleo Park"}
    dry = _sync(crm, side, "--dry-run", "--refuse", f"#{ids['Ana Lima']}")
    assert {(a["side"], a["action"], a["person"]) for a in dry["actions"]} == {
        ("crm", "kept", "Ana Lima"), ("remote", "created", "Ana Lima")}
    assert sorted(side.names()) == ["b.vcf"]  # a dry run writes nothing there
    data = _sync(crm, side, "--refuse", str(ids["Ana Lima"]))
    assert data["crm"]["kept"] == 1 and data["remote"]["created"] == 1
    assert [p["person"] for p in data["deletion_proposals"]] == ["Cleo Park"]  # still asked
    assert set(_people(crm)) == {"Ana Lima", "Ben Ode", "Cleo Park"}
    assert "ana@acme.com" in side.read(side.find("FN:Ana Lima"))  # written back there
    again = _sync(crm, side)  # refused: not proposed again, written back once only
    assert [p["person"] for p in again["deletion_proposals"]] == ["Cleo Park"]
    assert again["remote"] == {"created": 0, "updated": 0, "deleted": 0}
    assert len(side.names()) == 2
    # Refusing them all: every proposal at once.
    assert _sync(crm, side, "--refuse-deletions")["crm"]["kept"] == 1
    assert len(side.names()) == 3
    assert _nothing_changed(_sync(crm, side))


def test_refusing_and_applying_one_proposal_contradict(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
    _sync(crm, side)
    side.remove("a.vcf")
    result = crm(*side.args(), "--refuse", "1", "--apply", "#1")
    assert result.exit_code == 2 and "choose one" in result.stderr
    result = crm(*side.args(), "--refuse", "999")  # nobody proposed: told, exit 1
    assert result.exit_code == 1 and "#999" in result.stderr
    assert "Ana Lima" in _people(crm)


def test_deleted_in_crm_is_deleted_there(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
    _sync(crm, side)
    assert crm("rm", "person", "Ana Lima", "--yes").exit_code == 0
    dry = _sync(crm, side, "--dry-run")
    assert [(a["side"], a["action"]) for a in dry["actions"]] == [("remote", "deleted")]
    assert sorted(side.names()) == ["a.vcf", "b.vcf"]
    data = _sync(crm, side)
    assert data["remote"]["deleted"] == 1
    assert side.names() == ["b.vcf"]
    assert _nothing_changed(_sync(crm, side))


def test_an_empty_listing_deletes_nothing(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    _sync(crm, side)
    side.remove("a.vcf")
    data = _sync(crm, side, "--apply-deletions")
    assert data["deletions_withheld"] and data["crm"]["deleted"] == 0
    assert "Ana Lima" in _people(crm)


def test_a_new_etag_without_new_content_changes_nothing(crm: Any, side: Side) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    _sync(crm, side)
    side.touch("a.vcf")
    data = _sync(crm, side)
    assert all(v == 0 for v in data["crm"].values())
    assert all(v == 0 for v in data["remote"].values())
    assert data["conflicts"] == []
    assert _nothing_changed(_sync(crm, side))


def test_dry_run_lists_both_ways_and_writes_nothing(crm: Any, side: Side,
                                                    db_url: str) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    crm("add", "person", "Marcus Chen", "--email", "marcus@chen.io")
    data = _sync(crm, side, "--dry-run")
    assert data["dry_run"] is True
    assert {(a["side"], a["action"], a["person"]) for a in data["actions"]} == {
        ("crm", "created", "Ana Lima"), ("remote", "created", "Marcus Chen")}
    assert side.names() == ["a.vcf"]
    assert set(_people(crm)) == {"Marcus Chen"}


def test_an_interrupted_sync_leaves_no_duplicates_and_loses_nothing(
        crm: Any, side: Side, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        crm("add", "person", f"Person {i:02d}", "--email", f"p{i}@example.com")
    side.put("x.vcf", card("uid-x", "Xena There", email="xena@there.org"))
    from crm.sync import engine

    real = engine._record
    calls = {"n": 0}

    def killed_after_first_write(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        raise Killed  # the process dies after pushing, before recording

    monkeypatch.setattr(engine, "_CHUNK", 5)
    monkeypatch.setattr(engine, "_record", killed_after_first_write)
    with pytest.raises(Killed):
        from crm.cli.main import cli

        cli.main([*side.args(), "--db", db_url], standalone_mode=False)
    assert calls["n"] == 1
    monkeypatch.setattr(engine, "_record", real)
    assert len(side.names()) >= 5  # some cards were written there before the "kill"
    _sync(crm, side)
    people = _people(crm)
    assert len(people) == 13 and "Xena There" in people  # no duplicates, nothing lost
    assert len(side.names()) == 13
    assert _nothing_changed(_sync(crm, side))


@pytest.mark.slow
def test_a_thousand_contacts(crm: Any, side: Side) -> None:
    side.put_many({f"c{i}.vcf": card(f"uid-{i}", f"Person {i:04d}", email=f"p{i}@example.com",
                                     org="Acme", title="Engineer") for i in range(1000)})
    first = _sync(crm, side)
    assert first["crm"]["created"] == 1000
    assert first["remote"] == {"created": 0, "updated": 0, "deleted": 0}
    assert _nothing_changed(_sync(crm, side))
    assert len(side.names()) == 1000


def test_a_card_changed_while_crm_writes_it_is_merged_again(
        crm: Any, side: Side, monkeypatch: pytest.MonkeyPatch) -> None:
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    _sync(crm, side)
    assert crm("edit", "person", "Ana Lima", "--nickname", "Aninha").exit_code == 0
    if side.kind == "vdir":
        from crm.sync.vdir import VdirStore as StoreClass
    else:
        from crm.sync.carddav import CardDavStore as StoreClass  # type: ignore[assignment]
    real = StoreClass.update
    raced = []

    def update(self: Any, name: str, raw: str, etag: str) -> str:
        if not raced:  # the phone saves a new email just before crm's write lands
            raced.append(name.rsplit("/", 1)[-1])  # (a CardDAV href is a path)
            side.edit(raced[0], "ana@acme.com", "ana@lima.dev")
        return real(self, name, raw, etag)

    monkeypatch.setattr(StoreClass, "update", update)
    data = _sync(crm, side)
    assert raced == ["a.vcf"]
    assert data["crm"]["updated"] == 1 and data["remote"]["updated"] == 1
    there = side.read("a.vcf")
    assert "NICKNAME:Aninha" in there and "ana@lima.dev" in there  # neither write lost
    assert "ana@acme.com" not in there
    assert _people(crm)["Ana Lima"]["emails"] == ["ana@lima.dev"]
    assert _nothing_changed(_sync(crm, side))


@pytest.mark.slow
def test_a_sync_killed_mid_way_then_run_again(crm: Any, side: Side, db_url: str,
                                              tmp_path: Path) -> None:
    """A real SIGKILL while crm writes cards there; the next sync finishes the job."""
    import os
    import signal
    import subprocess
    import sys
    import time

    n = 300
    for i in range(n):
        assert crm("add", "person", f"Person {i:03d}", "--email",
                   f"p{i}@example.com").exit_code == 0
    proc = subprocess.Popen([sys.executable, "-m", "crm", *side.args(), "--db", db_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ})
    deadline = time.monotonic() + 120
    while len(side.names()) < 20:
        assert proc.poll() is None, "the sync finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = len(side.names())
    assert 20 <= written < n  # killed mid-way
    _sync(crm, side)
    assert len(_people(crm)) == n  # nothing duplicated in crm
    assert len(side.names()) == n  # nor there, and nothing missing
    assert _nothing_changed(_sync(crm, side))


def test_a_resync_with_an_unchanged_ctag_lists_nothing(crm: Any, radicale: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.sync.carddav import CardDavStore
    from tests.sync.conftest import PASSWORD, CardDavSide

    monkeypatch.setenv("CRM_CARDDAV_PASSWORD", PASSWORD)
    side = CardDavSide(radicale)
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
    _sync(crm, side)  # imports
    _sync(crm, side)  # lists everything, changes nothing: the address book's CTag is kept
    listed: list[int] = []
    real = CardDavStore.listing

    def listing(self: CardDavStore) -> dict[str, str]:
        listed.append(1)
        return real(self)

    monkeypatch.setattr(CardDavStore, "listing", listing)
    quiet = _sync(crm, side)
    assert _nothing_changed(quiet) and quiet["unchanged"] == 2 and listed == []
    # A change in crm still goes there, without listing the address book.
    assert crm("edit", "person", "Ana Lima", "--nickname", "Aninha").exit_code == 0
    assert _sync(crm, side)["remote"]["updated"] == 1 and listed == []
    assert "NICKNAME:Aninha" in side.read("a.vcf")
    # A change there moves the CTag: listed, and merged.
    side.edit("b.vcf", "ben@ode.org", "ben@ode.dev")
    data = _sync(crm, side)
    assert listed == [1] and data["crm"]["updated"] == 1
    assert _people(crm)["Ben Ode"]["emails"] == ["ben@ode.dev"]
    # A card deleted there too: the proposal is made (and made again while it stands).
    _sync(crm, side)
    side.remove("b.vcf")
    assert [p["person"] for p in _sync(crm, side)["deletion_proposals"]] == ["Ben Ode"]
    assert [p["person"] for p in _sync(crm, side)["deletion_proposals"]] == ["Ben Ode"]


def test_a_card_there_that_adds_only_an_unmapped_line_keeps_it_on_both_sides(
        crm: Any, side: Side, tmp_path: Path) -> None:
    """The address book already holds a person's card crm imported from the phone, with one
    line more that crm does not map (another app's): the first sync took it as "unchanged"
    and wrote crm's card back there without the line."""
    phone = card("uid-a", "Ana Lima", email="ana@acme.com", org="Acme")
    (tmp_path / "phone.vcf").write_text(phone)
    assert crm("import", str(tmp_path / "phone.vcf")).exit_code == 0
    side.put("a.vcf", phone.replace("END:VCARD", "X-OTHER-APP:kept\r\nEND:VCARD"))
    _sync(crm, side)
    assert len(_people(crm)) == 1
    assert "X-OTHER-APP:kept" in crm("export", "vcard").stdout
    assert all("X-OTHER-APP:kept" in side.read(n) for n in side.names()), \
        [side.read(n) for n in side.names()]
    assert _nothing_changed(_sync(crm, side))

"""Exporting real-world cards (issue 14, "Export"): groups together, Apple's labels as the
phone wrote them, every contact point back as the property it came from, yearless birthdays
the Apple way, and a round trip that changes nothing and loses nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crm.core.db import Database, open_database
from crm.vcard.importer import import_paths
from crm.vcard.writer import export_vcards
from tests.vcard.conftest import snapshot
from tests.vcard.test_real_world import REAL

_GROUP = re.compile(r"^([A-Za-z0-9_-]+)\.", re.I)
# Every real fixture but the one with text outside any card (rejected, so not exported).
FILES = sorted(p for p in REAL.glob("*.vcf") if p.name != "comment-lines.vcf")


def cards(text: str) -> list[list[str]]:
    """Each exported card as its unfolded lines."""
    unfolded = text.replace("\r\n ", "")
    out: list[list[str]] = []
    for line in unfolded.split("\r\n"):
        if line.upper() == "BEGIN:VCARD":
            out.append([])
        if out and line:
            out[-1].append(line)
    return out


def export(db: Database, version: str = "3.0", *names: str) -> str:
    import_paths(db, [REAL / n for n in names] if names else FILES)
    return export_vcards(db, version)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_item_groups_stay_together(db: Database, version: str) -> None:
    text = export(db, version)
    seen = 0
    for card in cards(text):
        groups = [m.group(1).lower() if (m := _GROUP.match(x)) else None for x in card]
        for name in {g for g in groups if g}:
            where = [i for i, g in enumerate(groups) if g == name]
            assert where == list(range(where[0], where[0] + len(where))), (name, card)
            seen += 1
    assert seen >= 5


def test_apple_built_in_labels_go_back_as_the_phone_wrote_them(db: Database) -> None:
    text = export(db, "3.0", "ez-vcard-mac-address-book.vcf", "iphone-dates-im-related.vcf")
    (john,) = [c for c in cards(text) if "FN:Mr. John Richter\\,James Doe Sr." in c]
    url = next(i for i, x in enumerate(john) if ".URL" in x)
    # (vobject writes names upper-case: they are case-insensitive; values are as they were)
    assert john[url].split(".", 1)[1] == "URL;TYPE=pref:http://www.ibm.com"
    assert john[url + 1].split(".", 1)[1] == "X-ABLABEL:_$!<HomePage>!$_"
    # A label the user typed stays as typed.
    assert any(x.endswith("X-ABLABEL:AssistantPhone") for x in john)


def test_no_ungrouped_url_has_parameters(db: Database) -> None:
    """RFC 2426 gives URL no parameters: a label or "pref" goes in an item group."""
    text = export(db, "3.0")
    assert not [x for c in cards(text) for x in c if x.upper().startswith("URL;")]


def test_sip_tel_stays_tel_and_odd_values_are_not_dropped(db: Database,
                                                          tmp_path: Path) -> None:
    odd = tmp_path / "odd.vcf"
    odd.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Odd Values\r\nN:Values;Odd;;;\r\n"
                    b"TEL;TYPE=CELL:ask reception\r\nEMAIL;TYPE=WORK:odd at example dot com\r\n"
                    b"EMAIL:odd@example.com\r\nEND:VCARD\r\n")
    import_paths(db, [odd])
    text = export(db, "3.0", "outlook-relations-and-im.vcf")
    (priya,) = [c for c in cards(text) if "FN:Priya Raman" in c]
    assert "TEL;TYPE=work:sip:priya@contoso.com" in priya
    assert not [x for x in priya if x.startswith("EMAIL") and "sip:" in x]
    (values,) = [c for c in cards(text) if "FN:Odd Values" in c]
    assert "TEL;TYPE=cell:ask reception" in values
    assert "EMAIL;TYPE=work:odd at example dot com" in values


def test_im_lines_are_written_once(db: Database) -> None:
    text = export(db, "3.0", "iphone-dates-im-related.vcf")
    (noa,) = cards(text)
    assert [x.upper() for x in noa if "noa@jabber.example.org" in x] == [
        "X-JABBER;TYPE=HOME:NOA@JABBER.EXAMPLE.ORG"]


def test_yearless_birthday_is_apples_form(db: Database) -> None:
    (john,) = [c for c in cards(export(db, "3.0", "ez-vcard-evolution.vcf"))]
    assert "BDAY:1980-03-22" in john
    text = export(db, "3.0", "iphone-dates-im-related.vcf")
    assert "BDAY;X-APPLE-OMIT-YEAR=1604" not in text  # (Noa has no birthday)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_real_cards_round_trip_unchanged_and_whole(db: Database, tmp_path: Path,
                                                   version: str) -> None:
    out = tmp_path / "out.vcf"
    out.write_text(export(db, version), encoding="utf-8", newline="")
    before = snapshot(db)
    again = import_paths(db, [out])
    # Into the same database: nothing changed.
    assert (again.created, again.updated, again.merged, again.rejected) == (0, 0, 0, [])
    assert not again.damaged
    assert snapshot(db) == before
    # Into an empty one: nothing lost.
    other = open_database(str(tmp_path / "other.sqlite3"))
    try:
        import_paths(other, [out])

        def essentials(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
            # (IM lines kept as the phone wrote them follow the other contact points, so
            # the order of a person's handles may differ; none is missing)
            return sorted((r["name"], sorted(r["emails"]), sorted(r["phones"]),
                           sorted(r["urls"]), r["company"],
                           r["title"], r["tags"], r["note"], r["birthday"], r["photo"],
                           sorted((c["kind"], c["value"], c["label"], c["preferred"])
                                  for c in r["contact_points"]))
                          for r in rows)

        assert essentials(snapshot(other)) == essentials(before)
    finally:
        other.dispose()

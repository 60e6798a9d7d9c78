"""Export: valid vCards, nothing lost, and our own export re-imports with nothing changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from vcard.vcard_errors import VCardError
from vcard.vcard_validator import VCard

from crm.core.cards import Card
from crm.core.contacts.people import create_person
from crm.core.db import Database
from crm.core.models import Company, Person, Position
from crm.vcard.importer import import_paths
from crm.vcard.reader import RawCard, split_cards
from crm.vcard.writer import card_text, export_vcards
from tests.vcard.conftest import JPEG, fixture, snapshot

FILES = ["iphone.vcf", "android.vcf", "google.vcf", "outlook.vcf", "vcard4.vcf", "messy.vcf"]
GROUPED = re.compile(r"^[A-Za-z0-9-]+\.", re.M)


def split(text: str) -> list[str]:
    return [c + "END:VCARD\r\n" for c in text.split("END:VCARD\r\n") if c.strip()]


def parse_all(text: str) -> list[Card]:
    out = []
    for item in split_cards(text, "export.vcf"):
        assert isinstance(item, RawCard), item
        out.append(item.parse())
    return out


def ungrouped(card: str) -> str:
    return "".join(line for line in card.splitlines(True) if not GROUPED.match(line))


def test_every_exported_card_passes_the_validator(db: Database) -> None:
    import_paths(db, [fixture(n) for n in FILES])
    with db.write() as s:
        create_person(s, "Plain Manual", emails=["plain@example.com"], phones=["+1 212 555 0199"])
    cards = split(export_vcards(db, "3.0"))
    # 16 people and the 2 company cards (companies are exported too).
    assert len(cards) == 18
    assert len([c for c in cards if "X-ABShowAs:COMPANY" in c]) == 2
    beyond_latin1 = 0
    for card in cards:
        # The validator wrongly refuses Apple's item groups (checked separately below), and
        # any parameter on BDAY, where RFC 2425's grammar allows x-params on every property:
        # Apple's X-APPLE-OMIT-YEAR, which says "no year", is taken out for it.
        assert all(line.startswith("BDAY;") for line in card.split("\r\n")
                   if "X-APPLE-OMIT-YEAR" in line)
        try:
            VCard(ungrouped(card).replace(";X-APPLE-OMIT-YEAR=1604:", ":"))
        except VCardError as err:
            # Its other false alarm: it allows only Latin-1 text (RFC 2426 allows any).
            assert "Invalid sub-value" in str(err), str(err)
            assert any(ord(ch) > 0xFF for ch in str(err).split("\n")[0]), str(err)
            beyond_latin1 += 1
    assert beyond_latin1 == 1  # Zoë's title has an en dash
    for card in cards:
        for line in card.split("\r\n"):
            assert len(line.encode()) <= 75


def test_grouped_properties_are_well_formed_and_survive(db: Database) -> None:
    import_paths(db, [fixture("iphone.vcf")])
    text = export_vcards(db, "3.0")
    chidi = next(c for c in split(text) if "FN:Dr. Chidi" in c)
    grouped = [line for line in chidi.split("\r\n") if GROUPED.match(line)]
    # vobject writes property and parameter names upper-case (they are case-insensitive);
    # Apple's built-in labels go back as the phone wrote them.
    groups: dict[str, list[str]] = {}
    for line in grouped:
        name, rest = line.split(".", 1)
        groups.setdefault(name, []).append(rest)
    assert groups == {
        "item1": ["EMAIL;TYPE=pref:chidi@stripe.com", "X-ABLABEL:_$!<Other>!$_"],
        "item2": ["TEL:+44 20 7946 0958", "X-ABLABEL:London desk"],
        "item3": ["URL;TYPE=pref:https://chidi.dev/blog", "X-ABLABEL:_$!<HomePage>!$_"],
        # Dates and relations are stored, and written from what is stored, Apple's way
        # (with the phone's type=pref).
        "item4": ["X-ABDATE;TYPE=pref:2015-06-01", "X-ABLabel:_$!<Anniversary>!$_"],
        "item5": ["X-ABRELATEDNAMES;TYPE=pref:Amara Nwosu", "X-ABLabel:_$!<Manager>!$_"],
    }


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_our_export_reimports_with_nothing_changed(db: Database, tmp_path: Path,
                                                   version: str) -> None:
    import_paths(db, [fixture(n) for n in FILES])
    with db.write() as s:
        create_person(s, "Manual Person", emails=["manual@example.com"], note="typed, by me")
    out = tmp_path / "out.vcf"
    out.write_text(export_vcards(db, version), encoding="utf-8", newline="")
    before = snapshot(db)
    report = import_paths(db, [out])
    assert report.to_json() == {"created": 0, "updated": 0, "unchanged": 16, "merged": 0,
                                "companies_created": 0, "rejected": [], "suggestions": [],
                                "skipped_deleted": 0, "warnings": [], "matches": []}
    assert snapshot(db) == before


def test_export_keeps_unknown_properties_and_always_uid_n_fn(db: Database) -> None:
    import_paths(db, [fixture(n) for n in FILES])
    v3 = export_vcards(db, "3.0")
    v4 = export_vcards(db, "4.0")
    for text, version in ((v3, "3.0"), (v4, "4.0")):
        for card in split(text):
            lines = card.split("\r\n")
            assert f"VERSION:{version}" in lines
            assert any(x.startswith("UID:") for x in lines)
            assert any(x.startswith("N:") for x in lines)
            assert any(x.startswith("FN:") for x in lines)
    unfolded = v3.replace("\r\n ", "")
    for kept in ("X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Lena Schmidt;7;;;;;;;;;;;;;",
                 "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2", "X-CRM-KIND:individual"):
        assert kept in unfolded
    # What crm stores (dates, named relations) is written from what is stored.
    for written in ("X-ABDATE;TYPE=pref:2015-06-01\r\nitem4.X-ABLabel:_$!<Anniversary>!$_",
                    "X-ABRELATEDNAMES:Sam Ortiz\r\nitem1.X-ABLabel:mentor"):
        assert written in unfolded
    # 4.0-only properties are themselves again in a 4.0 export.
    assert "\r\nKIND:individual\r\n" in v4
    assert "PHOTO:data:image/png;base64,iVBORw0KGgo" in v4.replace("\r\n ", "")
    assert "BDAY:--0704" in v4 and "BDAY;X-APPLE-OMIT-YEAR=1604:1604-07-04" in v3


def test_export_into_a_fresh_database_gives_the_same_people(db: Database,
                                                            tmp_path: Path) -> None:
    from crm.core.db import open_database

    import_paths(db, [fixture(n) for n in FILES])
    out = tmp_path / "out.vcf"
    out.write_text(export_vcards(db, "4.0"), encoding="utf-8", newline="")
    other = open_database(str(tmp_path / "other.sqlite3"))
    try:
        import_paths(other, [out])

        def essentials(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
            return sorted((r["name"], r["emails"], r["phones"], r["urls"], r["company"],
                           r["title"], r["tags"], r["note"], r["birthday"], r["photo"])
                          for r in rows)

        assert essentials(snapshot(other)) == essentials(snapshot(db))
    finally:
        other.dispose()


_TRICKY = list(",;\\\n:\"'.- ") + list("aZé漢字Жжאب🙂ß")
text_values = st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(
    whitelist_categories=("L", "N", "P", "Zs")), min_size=1, max_size=40).map(
    lambda s: s.replace("\r", "").strip()).filter(bool)


@settings(max_examples=150, deadline=None)
@given(name=text_values, note=text_values, org=text_values, title=text_values,
       dept=st.none() | text_values, version=st.sampled_from(["3.0", "4.0"]))
def test_text_survives_export_and_import(name: str, note: str, org: str, title: str,
                                         dept: str | None, version: str) -> None:
    person = Person(display_name=name, given_name=name, family_name=note, uid="u-1", note=note,
                    contact_points=[], tags=[], positions=[])
    person.positions.append(Position(company=Company(name=org), title=title, department=dept,
                                     is_current=True))
    text = card_text(person, version)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (card,) = parse_all(text)
    assert (card.display_name, card.given_name, card.family_name) == (name, name, note)
    assert (card.note, card.org, card.title, card.department) == (note, org, title, dept)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text_values, note=text_values, org=text_values, title=text_values)
def test_text_survives_a_database_round_trip(db: Database, tmp_path: Path, name: str,
                                             note: str, org: str, title: str) -> None:
    from crm.core.contacts.positions import add_position

    with db.write() as s:
        p = create_person(s, name, note=note)
        add_position(s, p, org, title=title)
    out = tmp_path / "round.vcf"
    out.write_text(export_vcards(db), encoding="utf-8", newline="")
    before = snapshot(db)
    report = import_paths(db, [out])
    assert report.created == report.updated == report.merged == 0
    assert snapshot(db) == before


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_photo_and_long_non_latin_lines_are_folded_at_75_octets(version: str) -> None:
    # vobject folds only lines of 75+ characters (60 CJK characters are 180 octets) and
    # never folds PHOTO; the writer refolds those lines.
    name = "漢字" * 30
    person = Person(display_name=name, family_name=name, uid="u-1", note="é" * 70,
                    photo=JPEG, photo_type="image/jpeg", contact_points=[], tags=[],
                    positions=[])
    text = card_text(person, version)
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75
    (card,) = parse_all(text)
    assert (card.display_name, card.family_name, card.note) == (name, name, "é" * 70)
    assert (card.photo, card.photo_type) == (JPEG, "image/jpeg")
    photo = next(x for x in text.replace("\r\n ", "").split("\r\n") if x.startswith("PHOTO"))
    if version == "3.0":
        assert photo.startswith("PHOTO;ENCODING=b;TYPE=JPEG:/9j/")
    else:
        assert photo.startswith("PHOTO:data:image/jpeg;base64,/9j/")


def test_vobject_photo_trap_that_the_writer_avoids() -> None:
    """vobject 0.9.9 cannot serialize a photo marked ENCODING=BASE64 (what 2.1 and Apple
    write); the writer gives it bytes with ENCODING=b, which it encodes itself."""
    import vobject

    card = vobject.vCard()
    card.add("fn").value = "A"
    photo = card.add("photo")
    photo.value, photo.encoding_param = JPEG, "BASE64"
    with pytest.raises(TypeError):
        card.serialize()
    photo.encoding_param = "b"
    assert "PHOTO;ENCODING=b:/9j/" in card.serialize().replace("\r\n ", "")


def test_kept_lines_vobject_cannot_write_come_out_as_they_came() -> None:
    vobject_writes = [
        # vobject would cut these values at the comma and escape the semicolons if it
        # decoded them: kept lines are handed to it already in their written form.
        "X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;Ann, Bo;7;;",
        'X-PET;X-KIND="dog, cat":Rex, Tom',
    ]
    as_they_came = [
        "X-FLAG;BARE:on",  # vobject drops bare (2.1) parameters
        'X-QUOTE;X-SAID="say ""hi""":v',  # vobject refuses a quote in a parameter
        "item9.GENDER;BARE:F",  # 4.0-only: X-CRM-GENDER in 3.0
    ]
    person = Person(display_name="Ann", uid="u-1", contact_points=[], tags=[], positions=[])
    for version in ("3.0", "4.0"):
        text = card_text(person, version, vobject_writes + as_they_came)
        lines = text.replace("\r\n ", "").split("\r\n")
        gender = "item9.GENDER;BARE:F" if version == "4.0" else "item9.X-CRM-GENDER;BARE:F"
        for line in vobject_writes + as_they_came[:2] + [gender]:
            assert line in lines
        (card,) = parse_all(text)
        assert sorted(card.extra_lines) == sorted(vobject_writes
                                                  + kept_as_read(version, as_they_came))


def kept_as_read(version: str, lines: list[str]) -> list[str]:
    # The reader turns X-CRM-GENDER back into GENDER but keeps the line it read.
    return [x.replace("GENDER", "X-CRM-GENDER") if version == "3.0" else x for x in lines]


def test_other_tools_read_our_export(db: Database) -> None:
    """vobject (what many Python tools use) reads every card of a 3.0 export."""
    import vobject

    import_paths(db, [fixture(n) for n in FILES])
    text = export_vcards(db, "3.0")
    read = list(vobject.readComponents(text))
    assert len(read) == 15 + 2  # (and the 2 company cards)
    names = sorted(c.fn.value for c in read)
    assert names[:4] == ["Amara Nwosu", "Broken Photo", "Dr. Chidi Emeka Okafor Jr.",
                         "Garbage Inside"]
    chidi = next(c for c in read if c.fn.value.startswith("Dr. Chidi"))
    assert chidi.n.value.family == "Okafor"
    assert chidi.photo.value[:4] == b"\xff\xd8\xff\xe0"
    assert [e.value for e in chidi.contents["email"]] == ["chidi@stripe.com",
                                                         "chidi.okafor@gmail.com"]


@pytest.mark.parametrize(("typed", "v3_line", "v4_line"), [
    ("1990", "X-CRM-BDAY:1990", "BDAY:1990"),
    ("--04-15", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15", "BDAY:--0415"),
    ("1985-04-15", "BDAY:1985-04-15", "BDAY:19850415"),
])
@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_every_kind_of_birthday_survives_export_and_reimport(
        db: Database, tmp_path: Path, typed: str, v3_line: str, v4_line: str,
        version: str) -> None:
    """A year alone, a day without a year, a full date: each is written and read back."""
    from crm.core.db import open_database
    from crm.core.upkeep.editing import update_person

    with db.write() as s:
        pid = create_person(s, "Birthday Person", emails=["bday@example.com"]).id
        update_person(s, pid, {"birthday": typed})
    text = export_vcards(db, version)
    assert (v3_line if version == "3.0" else v4_line) + "\r\n" in text
    if version == "3.0":
        # The strict validator takes the year-only form too (and the yearless one but for
        # its false alarm on BDAY's parameter, see above).
        VCard(text.replace(";X-APPLE-OMIT-YEAR=1604:", ":"))
    out = tmp_path / "out.vcf"
    out.write_text(text, encoding="utf-8", newline="")
    before = snapshot(db)
    report = import_paths(db, [out])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert snapshot(db) == before
    other = open_database(str(tmp_path / "other.sqlite3"))
    try:
        import_paths(other, [out])
        with db.read() as s, other.read() as o:
            def birthday(session: Any) -> tuple[int | None, ...]:
                p = session.scalars(select(Person)).one()
                return (p.birthday_year, p.birthday_month, p.birthday_day)
            assert birthday(o) == birthday(s)
            assert birthday(s) != (None, None, None)
    finally:
        other.dispose()


@pytest.mark.parametrize("bday", ["BDAY:--0415", "BDAY:--04-15",
                                  "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15"])
def test_a_phone_birthday_without_a_year_round_trips_through_3_0(
        db: Database, tmp_path: Path, bday: str) -> None:
    phone = tmp_path / "phone.vcf"
    phone.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Year\r\nN:Year;No;;;\r\n"
                     f"EMAIL:noyear@example.com\r\n{bday}\r\nEND:VCARD\r\n", newline="")
    import_paths(db, [phone])
    with db.read() as s:
        p = s.scalars(select(Person)).one()
        assert (p.birthday_year, p.birthday_month, p.birthday_day) == (None, 4, 15)
    text = export_vcards(db, "3.0")
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r\n" in text
    out = tmp_path / "out.vcf"
    out.write_text(text, encoding="utf-8", newline="")
    before = snapshot(db)
    report = import_paths(db, [out])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert snapshot(db) == before

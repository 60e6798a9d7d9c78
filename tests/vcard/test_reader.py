"""Reading each export family: every field, whole text values, broken cards isolated."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from crm.core.cards import Card, CardContact, CardDate, CardRejected, CardRelation, RejectedCard
from crm.core.errors import CrmError
from crm.vcard.reader import RawCard, decode_bytes, read_path, split_cards
from tests.vcard.conftest import JPEG, PNG, fixture


def read(name: str) -> list[Card | RejectedCard]:
    out: list[Card | RejectedCard] = []
    for item in read_path(fixture(name)):
        if isinstance(item, RawCard):
            try:
                out.append(item.parse())
            except CardRejected as err:
                out.append(RejectedCard(item.file, err.line, err.message, item.raw))
        else:
            out.append(item)
    return out


def cards(name: str) -> list[Card]:
    found = read(name)
    assert all(isinstance(c, Card) for c in found), found
    return [c for c in found if isinstance(c, Card)]


def test_iphone_export() -> None:
    chidi, amara, stripe = cards("iphone.vcf")
    assert (chidi.line, amara.line, stripe.line) == (1, 37, 46)
    assert chidi.display_name == "Dr. Chidi Emeka Okafor Jr."
    assert (chidi.family_name, chidi.given_name, chidi.additional_names, chidi.name_prefix,
            chidi.name_suffix) == ("Okafor", "Chidi", "Emeka", "Dr.", "Jr.")
    assert chidi.nickname == "Chi"
    assert chidi.org == "Stripe, Inc."
    assert chidi.department == "Payments Infrastructure"
    assert chidi.title == "Staff Engineer, Payments"
    assert chidi.note == ("Met at PyCon 2023, talked about payments, ledgers; wants intros to"
                          "\nfintech folks.")
    assert chidi.contacts == [
        CardContact("email", "chidi@stripe.com", "other", True),
        CardContact("email", "chidi.okafor@gmail.com", "home", False),
        CardContact("phone", "(415) 555-0134", "cell", True),
        CardContact("phone", "+44 20 7946 0958", "London desk", False),
        CardContact("url", "https://chidi.dev/blog", "homepage", True),
        CardContact("social", "http://www.linkedin.com/in/chidiokafor", "linkedin", False),
    ]
    assert (chidi.birthday_year, chidi.birthday_month, chidi.birthday_day) == (None, 4, 15)
    assert chidi.categories == ["pycon", "fintech"]
    assert chidi.photo == JPEG and chidi.photo_type == "image/jpeg"
    # (both marked type=pref by the phone)
    assert chidi.relations == [CardRelation("Amara Nwosu", "manager", preferred=True)]
    assert chidi.uid is None and not chidi.is_company
    assert chidi.dates == [CardDate("anniversary", 2015, 6, 1, preferred=True)]
    # What crm stores (relations, dates) is not kept as a raw line to export; its lines are
    # remembered, with their group labels, for a person stored before crm kept them.
    assert chidi.extra_lines == []
    assert chidi.stored_lines == [
        ("relation", "item4.X-ABRELATEDNAMES;type=pref:Amara Nwosu"),
        ("relation", "item4.X-ABLabel:_$!<Manager>!$_"),
        ("date", "item5.X-ABDATE;type=pref:2015-06-01"),
        ("date", "item5.X-ABLabel:_$!<Anniversary>!$_"),
    ]
    assert (amara.org, amara.department, amara.title) == ("Stripe", None, "Engineering Manager")
    assert amara.contacts == [CardContact("email", "amara@stripe.com", "work", True)]
    assert stripe.is_company and stripe.org == "Stripe" and stripe.display_name == "Stripe"
    assert stripe.contacts == [CardContact("email", "press@stripe.com", "work", False),
                               CardContact("url", "https://stripe.com", "homepage", False)]


def test_android_21_quoted_printable_export() -> None:
    juergen, lena = cards("android.vcf")
    assert juergen.display_name == "Jürgen Müller"
    assert (juergen.given_name, juergen.family_name) == ("Jürgen", "Müller")
    assert juergen.nickname == "Jürgi"  # from X-ANDROID-CUSTOM (quoted-printable)
    assert juergen.org == "Deutsche Bahn, Fernverkehr Köln"
    assert juergen.department == "Digital"
    assert juergen.title == "Product Owner, Ticketing"
    # A soft line break in the middle of a UTF-8 sequence, continuation not indented.
    assert juergen.note == ("Erste Zeile, mit Komma\nZweite Zeile: Grüße aus Berlin; "
                            "und mehr")
    assert juergen.contacts == [
        CardContact("phone", "+49 151 23456789", "cell", True),
        CardContact("phone", "+49 30 1234567", "work", False),
        CardContact("email", "juergen.mueller@example.de", "home", False),
    ]
    assert (juergen.birthday_year, juergen.birthday_month, juergen.birthday_day) == (1980, 3, 22)
    assert juergen.photo == JPEG and juergen.photo_type == "image/jpeg"
    assert juergen.relations == [CardRelation("Lena Schmidt", "manager")]
    assert juergen.extra_lines[0] == ("X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;"
                                      "Lena Schmidt;7;;;;;;;;;;;;;")
    # Quoted-printable is undone in kept lines so that a 3.0 export stays valid.
    assert juergen.extra_lines[1] == ("X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;"
                                      "Jürgi;1;;;;;;;;;;;;;")
    assert lena.line == 28
    assert lena.display_name == "Lena Schmidt"
    assert lena.contacts == [CardContact("phone", "+49 160 9876543", "cell", False),
                             CardContact("email", "lena.schmidt@deutschebahn.com", "work",
                                         False)]


def test_google_export() -> None:
    priya, yuki = cards("google.vcf")
    assert priya.display_name == "Priya Raman"
    assert (priya.org, priya.title) == ("Acme Robotics, Inc.", "Senior Recruiter")
    assert priya.note == ("Recruiter, reached out on LinkedIn. Follow up in March; "
                          "she prefers email.")
    assert priya.contacts == [
        CardContact("email", "priya.raman@acme-robotics.com", "work", False),
        CardContact("email", "priya.r@gmail.com", None, False),
        CardContact("phone", "+1 650-555-0199", "cell", False),
        CardContact("address", "1 Market St, Suite 300, San Francisco, CA, 94105, US", "work",
                    False),
        CardContact("url", "https://acme-robotics.com/careers", None, False),
        CardContact("url", "https://github.com/priyar", "GitHub", False),
    ]
    assert priya.categories == ["recruiters", "myContacts"]
    assert (priya.birthday_year, priya.birthday_month, priya.birthday_day) == (1990, 11, 5)
    # No FN: the name is built from N.
    assert yuki.display_name == "Yuki Tanaka"
    assert (yuki.org, yuki.title) == ("Acme Robotics", "Intern, Perception")


def test_outlook_21_windows_1252_export() -> None:
    data = fixture("outlook.vcf").read_bytes()
    assert decode_bytes(data)[1] == "8bit"  # not UTF-8: decoded per property
    (zoe,) = cards("outlook.vcf")
    # The charset was detected, and the import says which (a notice, not damage).
    assert [(p.message, p.damaged) for p in zoe.problems] == [
        ("file is not UTF-8 and declares no charset; read as windows-1252 (detected)", False)]
    assert zoe.display_name == "Zoë Lefèvre"
    assert (zoe.family_name, zoe.given_name) == ("Lefèvre", "Zoë")
    assert (zoe.org, zoe.department) == ("Café Société, Ltd.", "Ventes")
    assert zoe.title == "Directrice commerciale – EMEA"
    assert zoe.note == "Rencontrée au salon, très sympa.\nParle français; anglais."
    assert zoe.contacts == [
        CardContact("phone", "+33 1 23 45 67 89", "work", False),
        CardContact("phone", "+33 6 12 34 56 78", "cell", False),
        CardContact("email", "zoe.lefevre@cafe-societe.fr", None, True),
    ]
    assert zoe.extra_lines == ["X-MS-OL-DEFAULT-POSTAL-ADDRESS:2", "REV:20240101T120000Z"]


def test_vcard4_export() -> None:
    mei, sam = cards("vcard4.vcf")
    assert mei.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (mei.org, mei.department, mei.title) == ("Datadog", "Platform",
                                                    "Site Reliability Engineer")
    assert mei.contacts == [
        CardContact("email", "mei.chen@datadog.com", "work", True),
        CardContact("email", "mei@example.net", "home", False),
        CardContact("phone", "+1-212-555-0147", "cell", True),  # tel: URI, quoted TYPE list
    ]
    assert (mei.birthday_year, mei.birthday_month, mei.birthday_day) == (None, 7, 4)
    assert mei.photo == PNG and mei.photo_type == "image/png"  # data: URI, comma included
    assert mei.note == "Great at incident reviews, runs the SRE book club."
    assert mei.relations == [
        CardRelation("", "colleague", uid="0c7a2a1e-7c64-4c43-9a36-6a1e5fb2b8c1"),
        CardRelation("Sam Ortiz", "mentor"),
    ]
    assert sam.uid == "urn:uuid:0c7a2a1e-7c64-4c43-9a36-6a1e5fb2b8c1"
    assert sam.extra_lines == ["KIND:individual"]


def test_messy_file_keeps_every_good_card_and_reports_each_broken_one() -> None:
    found = read("messy.vcf")
    good = [c for c in found if isinstance(c, Card)]
    bad = [c for c in found if isinstance(c, RejectedCard)]
    assert [c.display_name for c in good] == ["Good One", "Broken Photo", "Garbage Inside",
                                              "No End", "nofn@example.com",
                                              "Globex Corporation", "Good Two"]
    assert good[4].contacts == [CardContact("email", "nofn@example.com", None, False)]
    assert good[5].is_company and good[5].org == "Globex Corporation"
    assert good[6].contacts == [CardContact("phone", "+1 415 555 0111", None, False)]
    # One bad line costs that line, not the card: each is reported with its line.
    assert [(p.line, p.message) for c in good for p in c.problems] == [
        (12, "PHOTO is not valid base64 (damaged or cut short): left out, kept in the raw "
             "card"),
        (17, "not a vCard property (no NAME: before a value): left out, kept in the raw "
             "card"),
        (19, "card has no END:VCARD; read up to line 22"),
    ]
    assert good[1].photo is None and good[3].contacts == [
        CardContact("email", "noend@example.com", None, False)]
    assert [(r.line, r.message) for r in bad] == [
        (7, "text outside any card (1 line, not between BEGIN:VCARD and END:VCARD)"),
    ]
    # The raw text of a card is kept whole, its bad lines included.
    assert good[3].raw == ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\n"
                           "EMAIL:noend@example.com\r\n")
    assert "!!!not*base64***" in good[1].raw
    assert "garbage line without colon" in good[2].raw


def test_bom_and_line_endings() -> None:
    body = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nNOTE:a\n  b\nEND:VCARD\n"
    for ending in ("\r\n", "\n", "\r\r\n", "\r"):
        for bom in (b"", codecs.BOM_UTF8):
            text, _ = decode_bytes(bom + body.replace("\n", ending).encode())
            (raw,) = list(split_cards(text, "f.vcf"))
            assert isinstance(raw, RawCard)
            card = raw.parse()
            assert (card.display_name, card.note) == ("Ann Lee", "a b")


def test_legacy_charset_declared_by_the_file_is_used() -> None:
    data = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=SHIFT_JIS:山田太郎\r\nEND:VCARD\r\n"
    text, _ = decode_bytes(data.encode("shift_jis"))
    (raw,) = list(split_cards(text, "f.vcf"))
    assert isinstance(raw, RawCard) and "山田太郎" in raw.raw
    card = raw.parse()
    assert card.display_name == "山田太郎" and card.problems == []


def test_quoted_printable_in_a_legacy_charset() -> None:
    text = ("BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:"
            "=8E=52=93=63;=91=BE=98=59\nEND:VCARD\n")
    (raw,) = list(split_cards(text, "f.vcf"))
    assert isinstance(raw, RawCard)
    card = raw.parse()
    assert (card.family_name, card.given_name, card.display_name) == ("山田", "太郎",
                                                                      "太郎 山田")


def test_vobject_traps_are_avoided() -> None:
    """The values vobject 0.9.9 gets wrong come out whole here."""
    text = ("BEGIN:VCARD\nVERSION:3.0\nFN:A B\nNOTE:one, two\nTITLE:CEO, Founder\n"
            "ORG:Smith, Jones & Co;R&D, Labs\nCATEGORIES:a\\,b,c\nEND:VCARD\n")
    (raw,) = list(split_cards(text, "f.vcf"))
    assert isinstance(raw, RawCard)
    card = raw.parse()
    assert (card.note, card.title) == ("one, two", "CEO, Founder")
    assert (card.org, card.department) == ("Smith, Jones & Co", "R&D, Labs")
    assert card.categories == ["a,b", "c"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    (b"", "file is empty"),
    (b"\x00\x01\x02binary\x00", "binary file"),
    (b"name,email\nAda,ada@example.com\n", "not a vCard file"),
])
def test_files_that_are_not_vcards(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "contacts.vcf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CrmError, match=message):
        read_path(path)
    with pytest.raises(CrmError, match="is a directory"):
        read_path(tmp_path)


def test_dangling_quoted_printable_soft_break_does_not_eat_the_end() -> None:
    for tail in ("=\n", "=\n\n"):
        text = ("BEGIN:VCARD\nVERSION:2.1\nFN:Ann\nNOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9"
                + tail + "END:VCARD\n")
        (raw,) = list(split_cards(text, "f.vcf"))
        assert isinstance(raw, RawCard)
        assert raw.parse().note == "café"


def test_unindented_21_base64_continuation_until_blank_line() -> None:
    import base64

    data = base64.b64encode(JPEG).decode()
    text = ("BEGIN:VCARD\nVERSION:2.1\nFN:Ann\nPHOTO;BASE64;TYPE=JPEG:" + data[:60] + "\n"
            + "\n".join(data[i: i + 60] for i in range(60, len(data), 60))
            + "\n\nTEL;CELL:+1 212 555 0100\nEND:VCARD\n")
    (raw,) = list(split_cards(text, "f.vcf"))
    assert isinstance(raw, RawCard)
    card = raw.parse()
    assert card.photo == JPEG
    assert card.contacts == [CardContact("phone", "+1 212 555 0100", "cell", False)]

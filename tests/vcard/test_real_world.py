"""Real-world cards (tests/vcard/fixtures/real, see its README): every class of issue 14's
"Text corrupted", "Cards rejected over one line" and "Values kept only in the raw card"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm.core.cards import (
    Card,
    CardContact,
    CardDate,
    CardPosition,
    CardRejected,
    CardRelation,
    RejectedCard,
)
from crm.vcard.reader import RawCard, decode_bytes, read_path, split_cards
from tests.vcard.conftest import JPEG

REAL = Path(__file__).parent / "fixtures" / "real"


def real(name: str) -> Path:
    return REAL / name


def read(name: str) -> list[Card | RejectedCard]:
    out: list[Card | RejectedCard] = []
    for item in read_path(real(name)):
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


def problems(card: Card) -> list[tuple[int, str, bool]]:
    return [(p.line, p.message, p.damaged) for p in card.problems]


# -- text corrupted ---------------------------------------------------------------------------


def test_one_bad_byte_stays_in_its_value_and_is_reported() -> None:
    jurgen, zoe, cagri = cards("utf8-one-bad-byte.vcf")
    # Every other accented name of the file is read as the UTF-8 it is.
    assert (jurgen.display_name, jurgen.org, jurgen.note) == (
        "Jürgen Müller", "Bäckerei Müller GmbH", "Kennt Zoë aus Köln")
    assert cagri.display_name == "Çağrı Şahin"
    assert zoe.display_name == "Zoë Lefèvre"
    # The one bad byte: read in the likeliest legacy charset, and said so, with its line.
    assert zoe.note == "Rencontré au salon"
    assert problems(zoe) == [(13, "NOTE has bytes that are not UTF-8 (the rest of the file is); "
                                  "they were read as windows-1252", True)]
    assert jurgen.problems == [] and cagri.problems == []


def test_a_stray_byte_on_a_fold_leaves_the_rest_of_its_value_as_written() -> None:
    # Found by the slow fuzz run: one stray byte on a continuation line of N read the whole
    # value, valid UTF-8 included, as windows-1252 ("MÃ¼ller").
    data = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Zoë;;;\r\n ;\r\nFN:Zoë Müller\r\n"
            "NOTE:Met at the 日本 office\r\n and again\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen\r\nEND:VCARD\r\n").encode()
    data = data.replace(b" ;\r\n", b" ;\xe4\r\n").replace(b" and again", b" and \xe9 again")
    text, how = decode_bytes(data)
    assert how == "8bit"
    zoe, jurgen = (c for c in split_cards(text, "f.vcf") if isinstance(c, RawCard))
    assert "N:Müller;Zoë;;;" in zoe.lines and "NOTE:Met at the 日本 office" in zoe.lines
    assert " ;ä" in zoe.lines and " and é again" in zoe.lines
    assert [(p.line, p.damaged) for p in zoe.problems] == [(3, True), (6, True)]
    assert jurgen.lines[2] == "FN:Jürgen" and jurgen.problems == []


def test_a_charset_no_line_can_be_in_is_not_used_to_read_one() -> None:
    # Found by the slow fuzz run: a damaged line declaring CHARSET=UTF-16 was read as UTF-16,
    # its name and value turned into other characters (and lost as what they were).
    data = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jürgen\r\n"
            "NOTE;CHARSET=UTF-16;ENCODING=QUOTED-PRINTABLE:Gr=C3=BC=C3=9Fe\r\n"
            "END:VCARD\r\n").encode().replace(b"QUOTED-P", b"QUOTED-P\xa4[\xcb")
    text, _how = decode_bytes(data)
    (card,) = (c for c in split_cards(text, "f.vcf") if isinstance(c, RawCard))
    assert card.lines[3] == "NOTE;CHARSET=UTF-16;ENCODING=QUOTED-P¤[ËRINTABLE:Gr=C3=BC=C3=9Fe"
    assert [(p.line, p.damaged) for p in card.problems] == [(4, True)]


def test_a_character_split_by_a_fold_is_whole_again() -> None:
    (petr,) = cards("owncloud-fold-inside-character.vcf")
    assert petr.display_name == "Пётр Иванов"
    assert petr.note == "Познакомились на конференции в Новосибирске, обсуждали работу"
    assert petr.problems == []
    # The stored raw text is the same card: the character moved whole before the fold.
    assert "\ufffd" not in petr.raw and "\r\n " in petr.raw


def test_a_charset_on_one_property_does_not_spread() -> None:
    francois, minh = cards("android-charset-on-one-property.vcf")
    assert (francois.display_name, francois.family_name, francois.given_name) == (
        "Dupont François", "François", "Dupont")
    assert francois.problems == []
    assert minh.display_name == "Nguyễn Thị Minh" and minh.problems == []


@pytest.mark.parametrize("name", ["utf16le-bom.vcf", "utf16be-no-bom.vcf"])
def test_utf16_with_or_without_bom(name: str) -> None:
    (lukasz,) = cards(name)
    assert lukasz.display_name == "Łukasz Kowalski"
    assert [c.value for c in lukasz.contacts] == ["+48 22 123 45 67", "lukasz@example.pl"]
    assert lukasz.problems == []


def test_undeclared_hebrew_is_detected_not_read_as_windows_1252() -> None:
    david, sarah = cards("outlook-cp1255-hebrew.vcf")
    assert david.display_name == "דוד כהן"
    assert (david.org, david.department, david.title) == ("בנק לאומי", "מחלקת השקעות",
                                                          "מנהל סניף")
    assert david.note == "חבר מהצבא, גר בתל אביב"
    assert sarah.contacts[0].value == "רחוב הרצל 5, ירושלים, ישראל"
    # A detected charset is a notice (said once for the file), not damage.
    assert problems(david) == [(3, "file is not UTF-8 and declares no charset; read as "
                                   "windows-1255 (detected)", False)]
    assert sarah.problems == []


def test_mac_and_gmail_escaped_quotes_are_unescaped() -> None:
    (john,) = cards("ez-vcard-mac-address-book.vcf")
    assert john.note is not None
    assert 'CONTRIBUTORS "AS IS" AND' in john.note and "\\" not in john.note
    assert john.note.endswith("\nFavotire Color: Blue")


# -- cards rejected over one line -------------------------------------------------------------


def test_kde_property_name_with_a_slash() -> None:
    (marta,) = cards("kde-messaging-slash.vcf")
    assert marta.display_name == "Marta Nowak"
    # The KDE messaging lines are IM handles, not a reason to drop the card.
    assert CardContact("social", "4815162", "gadu") in marta.contacts
    assert CardContact("social", "marta@jabber.example.pl", "xmpp") in marta.contacts
    assert marta.problems == []


def test_bare_cr_inside_a_value_is_a_line_break() -> None:
    (henrik,) = cards("thunderbird-bare-cr.vcf")
    assert henrik.note == "Met at FOSDEM.\nLikes Rust.\nCall after 5pm."
    assert [c.value for c in henrik.contacts] == ["henrik@example.dk", "+45 20 12 34 56"]


def test_a_line_with_no_colon_costs_that_line_only() -> None:
    (gabriela,) = cards("evolution-no-colon.vcf")
    assert gabriela.display_name == "Gabriela Souza"
    assert gabriela.note == "Escritório em São Paulo"
    assert [c.value for c in gabriela.contacts] == ["gabriela@example.com.br",
                                                    "+55 11 91234-5678"]
    assert problems(gabriela) == [(8, "not a vCard property (no NAME: before a value): "
                                      "left out, kept in the raw card", True)]
    assert "segundo andar, sala 204" in gabriela.raw


def test_a_truncated_photo_costs_the_photo_only() -> None:
    (aiko,) = cards("truncated-photo.vcf")
    assert aiko.photo is None
    assert [c.value for c in aiko.contacts] == ["aiko.sato@example.jp", "+81 90-1234-5678"]
    assert problems(aiko) == [(5, "PHOTO is not valid base64 (damaged or cut short): left "
                                  "out, kept in the raw card", True)]


def test_v21_line_continued_by_a_trailing_backslash() -> None:
    (ngozi,) = cards("v21-backslash-continuation.vcf")
    assert ngozi.note == "Board member since 2019\nchairs the audit committee"
    assert ngozi.problems == []
    assert [c.value for c in ngozi.contacts] == ["+234 803 123 4567"]


def test_comment_lines() -> None:
    stray, lars = read("comment-lines.vcf")
    assert isinstance(stray, RejectedCard) and stray.line == 1
    assert isinstance(lars, Card)
    assert lars.contacts == [CardContact("phone", "+46 8 123 456 78", "work")]
    assert problems(lars) == [(6, "a comment line (no vCard property); left out, kept in the "
                                  "raw card", True)]


def test_missing_end_at_end_of_file() -> None:
    olu, fatima = cards("missing-end-at-eof.vcf")
    assert olu.problems == []
    assert fatima.display_name == "Fatima Al-Sayed"
    assert [c.value for c in fatima.contacts] == ["fatima@example.ae", "+971 50 123 4567"]
    assert problems(fatima) == [(7, "card has no END:VCARD; read up to line 12", True)]


def test_agent_cards_nested_or_escaped() -> None:
    fred, jane = cards("agent-nested.vcf")
    # The nested card is Fred's agent, not the end of Fred's card.
    assert [c.value for c in fred.contacts] == ["+1-213-555-1234", "fred@host.com"]
    assert fred.relations == [CardRelation("Susan Thomas", "agent")]
    assert jane.relations == [CardRelation("Susan Thomas", "agent")]
    assert fred.problems == [] and jane.problems == []
    # Kept (as 3.0 writes it) so that an export carries it.
    assert fred.extra_lines[0].startswith("AGENT:BEGIN:VCARD\\nVERSION:2.1\\nN:Thomas\\;Susan")


def test_a_card_is_rejected_only_without_name_and_contact_point(tmp_path: Path) -> None:
    path = tmp_path / "f.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nbroken line\r\nNOTE:x\r\nEND:VCARD\r\n"
                     b"BEGIN:VCARD\r\nVERSION:3.0\r\nbroken line\r\nTEL:+1 212 555 0100\r\n"
                     b"END:VCARD\r\n")
    (nobody, phone) = [item for item in read_path(path) if isinstance(item, RawCard)]
    with pytest.raises(CardRejected):
        nobody.parse()
    assert phone.parse().display_name == "+1 212 555 0100"


# -- values kept only in the raw card ---------------------------------------------------------


def test_evolution_relations_im_anniversary_and_address_parts() -> None:
    (john,) = cards("ez-vcard-evolution.vcf")
    assert john.display_name == "Mr. John Richter, James Doe Sr."
    assert CardContact("social", "johnny5@aol.com", "aim") in john.contacts
    assert john.relations == [CardRelation("Maria", "spouse"),
                              CardRelation("Big Blue", "manager"),
                              CardRelation("Little Red", "assistant")]
    assert john.dates == [CardDate("anniversary", 1980, 3, 22)]
    (adr,) = [c for c in john.contacts if c.kind == "address"]
    assert adr.parts == ("ASB-123", "", "15 Crescent moon drive", "Albaney", "New York",
                         "12345", "United States of America")


def test_outlook_positions_im_relations_role_label() -> None:
    (priya,) = cards("outlook-relations-and-im.vcf")
    assert priya.positions == [
        CardPosition("Contoso Ltd.", "Finance", "CFO", "Executive sponsor"),
        CardPosition("Fabrikam Inc.", None, "Board member"),
    ]
    assert priya.role == "Executive sponsor"
    assert CardContact("social", "priya@contoso.com", "im") in priya.contacts
    assert CardContact("phone", "sip:priya@contoso.com", "work") in priya.contacts
    assert priya.relations == [CardRelation("Satya Iyer", "manager"),
                               CardRelation("Tom Becker", "assistant")]
    assert priya.dates == [CardDate("anniversary", 2015, 6, 12)]
    assert priya.address_labels == [CardContact(
        "address", "One Microsoft Way\nRedmond, WA 98052\nUnited States of America", "work",
        True)]


def test_iphone_dates_im_and_related_names() -> None:
    (noa,) = cards("iphone-dates-im-related.vcf")
    socials = [(c.value, c.label) for c in noa.contacts if c.kind == "social"]
    assert socials == [("skype:noa.cohen", "skype"), ("noa@jabber.example.org", "jabber"),
                       ("noa.cohen", "skype"), ("sip:noa@voip.example.org", "sip")]
    assert noa.dates == [CardDate("anniversary", 2012, 9, 1, preferred=True),  # type=pref
                         CardDate("first day at work", None, 3, 8)]
    assert noa.relations == [CardRelation("Avi Cohen", "brother")]


def test_mac_address_book_sample_reads_whole() -> None:
    (john,) = cards("ez-vcard-mac-address-book.vcf")
    assert john.photo == JPEG
    assert CardContact("phone", "905-222-1234", "AssistantPhone") in john.contacts
    assert CardContact("url", "http://www.ibm.com", "homepage", True) in john.contacts
    assert john.relations == [CardRelation("Jenny", "Spouse", preferred=True)]  # type=pref
    assert john.problems == []


# -- through the command ----------------------------------------------------------------------


def test_import_of_damaged_text_never_exits_0(crm: Any) -> None:
    result = crm("import", str(real("utf8-one-bad-byte.vcf")), "--json")
    assert result.exit_code == 1
    data = result.json()
    assert (data["created"], data["rejected"]) == (3, [])
    assert data["warnings"] == [{"file": str(real("utf8-one-bad-byte.vcf")), "line": 13,
                                 "message": "NOTE has bytes that are not UTF-8 (the rest of "
                                            "the file is); they were read as windows-1252",
                                 "damaged": True}]
    names = sorted(p["name"] for p in crm("people", "--json").json())
    assert names == ["Jürgen Müller", "Zoë Lefèvre", "Çağrı Şahin"]


def test_import_of_a_detected_charset_says_so_and_succeeds(crm: Any) -> None:
    path = real("outlook-cp1255-hebrew.vcf")
    result = crm("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert (f"crm: {path}:3: file is not UTF-8 and declares no charset; read as "
            "windows-1255 (detected)") in result.stderr.splitlines()
    assert sorted(p["name"] for p in crm("people", "--json").json()) == ["דוד כהן", "שרה לוי"]


def test_every_real_fixture_imports(crm: Any) -> None:
    """No real-world file loses a card: every card with a name or contact point is kept."""
    files = sorted(REAL.glob("*.vcf"))
    result = crm("import", *map(str, files), "--json")
    data = result.json()
    # The one rejection is the comment line before the first card of comment-lines.vcf.
    assert [(Path(r["file"]).name, r["line"]) for r in data["rejected"]] == [
        ("comment-lines.vcf", 1)]
    # 26 people's cards: the two UTF-16 files hold the same text (so one is "unchanged"),
    # and the two ez-vcard samples are one John Doe (one email); (and a company card).
    assert data["created"] + data["merged"] + data["unchanged"] == 26
    assert data["unchanged"] == 1

"""Google Contacts CSV (new and old layouts) and Outlook CSV read into cards, every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.core.cards import (
    Card,
    CardContact,
    CardProblem,
    CardRejected,
    CardRelation,
    RejectedCard,
)
from crm.sources.contacts_csv import PendingRow, pending_cards
from crm.sources.table import decode
from tests.sources.conftest import FIXTURES


def _cards(name: str) -> list[Card | str]:
    path = FIXTURES / name
    out: list[Card | str] = []
    for item in pending_cards(decode(path.read_bytes()), name):
        if isinstance(item, RejectedCard):
            out.append(f"rejected {item.line}: {item.message}")
            continue
        assert isinstance(item, PendingRow)
        try:
            out.append(item.parse())
        except CardRejected as err:
            out.append(f"rejected {err.line}: {err.message}")
    return out


def _fields(card: Card | str) -> dict | str:
    if isinstance(card, str):
        return card
    return {k: v for k, v in card.__dict__.items() if k not in ("file", "raw")}


BLANK = {"uid": None, "display_name": "", "given_name": None, "family_name": None,
         "additional_names": None, "name_prefix": None, "name_suffix": None, "nickname": None,
         "org": None, "department": None, "title": None, "note": None, "birthday_year": None,
         "birthday_month": None, "birthday_day": None, "photo": None, "photo_type": None,
         "is_company": False, "is_me": False, "contacts": [], "categories": [], "relations": [],
         "positions": [], "dates": [], "role": None, "address_labels": [], "problems": [],
         "extra_lines": [], "stored_lines": [],
         "known_on": None,  # a CSV row has no REV: the import dates it
         "aliases": [], "domains": [],  # (a company card of crm's own export only)
         "touches": []}  # (a LinkedIn row's "connected on")


def test_google_new_layout() -> None:
    cards = _cards("google_new.csv")
    assert [_fields(c) for c in cards] == [
        {**BLANK, "line": 2, "display_name": "Ana Maria Lima", "given_name": "Ana",
         "additional_names": "Maria", "family_name": "Lima", "name_prefix": "Dr.",
         "nickname": "Aninha", "org": "Stripe", "title": "Software Engineer",
         "department": "Payments", "birthday_year": 1999, "birthday_month": 4,
         "birthday_day": 15, "note": "Met at the Lisbon meetup.\nLikes Rust.",
         # " ::: " splits a cell; "* " marks the preferred value; myContacts is no label
         "contacts": [CardContact("email", "ana@stripe.com", "work", True),
                      CardContact("email", "ana.lima@gmail.com", "home", False),
                      CardContact("phone", "+351 912 000 111", "mobile", False),
                      CardContact("address", "Rua Augusta 1\n1100-048 Lisboa\nPortugal",
                                  "home", False),
                      CardContact("social", "https://www.linkedin.com/in/ana-lima",
                                  "linkedin", False)],
         "categories": ["Mentors", "Lisbon"],
         "relations": [CardRelation("Bo Chen", "Manager")]},
        {**BLANK, "line": 6, "display_name": "明 王", "given_name": "明", "family_name": "王",
         "birthday_month": 2, "birthday_day": 29,
         "contacts": [CardContact("email", "wang.ming@example.cn", None, False)]},
        {**BLANK, "line": 7, "display_name": "Globex", "org": "Globex", "is_company": True,
         "contacts": [CardContact("email", "info@globex.com", "work", False),
                      CardContact("phone", "+1 555 0100", "work", False),
                      CardContact("url", "https://globex.example", "website", False)]},
        # A birthday crm cannot read: the contact is kept, the date is not taken, and said.
        {**BLANK, "line": 8, "display_name": "Carl Berg", "given_name": "Carl",
         "family_name": "Berg",
         "contacts": [CardContact("email", "carl@example.se", None, False)],
         "problems": [CardProblem(8, "Birthday is not a date crm reads (like 1990-04-15, "
                                     "--04-15 or 4/15/1990): not taken as a birthday, kept "
                                     "in the row as written")]},
    ]
    assert isinstance(cards[0], Card)
    # The raw row (with its header, a CSV file by itself) is the card's provenance.
    header = (FIXTURES / "google_new.csv").read_bytes().decode().split("\r\n")[0] + "\r\n"
    assert cards[0].raw.startswith(header) and "Likes Rust." in cards[0].raw
    assert "\r\n1100-048 Lisboa\r\n" in cards[0].raw


def test_google_old_layout() -> None:
    assert [_fields(c) for c in _cards("google_old.csv")] == [
        {**BLANK, "line": 2, "display_name": "Bo Chen", "given_name": "Bo", "family_name": "Chen",
         "org": "Acme Robotics, Inc.", "title": "Senior Engineer", "department": "Platform",
         "birthday_year": 1988, "birthday_month": 11, "birthday_day": 2,
         "note": "Referred me to Acme.",
         "contacts": [CardContact("email", "bo.chen@acme.example", "work", True),
                      CardContact("phone", "+1 415 555 0199", "mobile", False),
                      CardContact("phone", "+1 415 555 0100", "work", False),
                      CardContact("url", "https://bo.example", "blog", False)],
         "categories": ["Coworkers"]},
    ]


def test_outlook_in_windows_1252() -> None:
    assert [_fields(c) for c in _cards("outlook.csv")] == [
        {**BLANK, "line": 2, "display_name": "José Müller", "given_name": "José",
         "family_name": "Müller", "name_prefix": "Mr.", "org": "Contoso GmbH",
         "title": "Hiring Manager", "department": "Engineering", "birthday_year": 1985,
         "birthday_month": 4, "birthday_day": 15,
         "note": 'Interviewed me in May.\nSaid to follow up, "soon".',
         "contacts": [CardContact("email", "jose@contoso.com", None, False),
                      CardContact("email", "jose.m@hotmail.com", None, False),
                      CardContact("phone", "+49 30 1234567", "work", False),
                      CardContact("phone", "+49 151 2345678", "cell", False),
                      CardContact("address", "Unter den Linden 5, Berlin, 10117, Germany",
                                  "work", False),
                      CardContact("url", "https://contoso.example", "work", False)],
         "relations": [CardRelation("Erika Schmidt", "manager")]},
        # Outlook writes 0/0/00 for "no birthday"
        {**BLANK, "line": 4, "display_name": "Lee", "given_name": "Lee"},
    ]


def test_outlook_columns_in_another_order_some_missing() -> None:
    assert [_fields(c) for c in _cards("outlook_short.csv")] == [
        {**BLANK, "line": 2, "display_name": "Michael Bolton", "given_name": "Michael",
         "family_name": "Bolton", "org": "Initech", "title": "Engineer",
         "contacts": [CardContact("email", "michael@initech.example", None, False)]},
        "rejected 3: this row has 6 fields, the header 5",
    ]


def test_a_row_with_nothing_to_name_it_is_rejected_not_dropped(tmp_path: Path) -> None:
    text = "First Name,Last Name,E-mail Address,Job Title,Notes\n,,,,just a note\n"
    [item] = list(pending_cards(text, "x.csv"))
    assert isinstance(item, PendingRow)
    with pytest.raises(CardRejected, match="no name, company or email"):
        item.parse()

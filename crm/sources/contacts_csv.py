"""Google Contacts CSV (both layouts) and Outlook CSV, read into the importer's ``Card``.

Both are header-driven: columns may come in any order, be missing, or be numbered as far as
the export needed (``E-mail 3 - Value``). Google writes several values in one cell joined by
`` ::: `` and marks the preferred one's type with ``* ``; its older layout says ``Type``
and ``Group Membership`` where the newer one says ``Label`` and ``Labels``, and
``Organization 1 - Name`` where the newer says ``Organization Name``. Outlook (Outlook.com,
Outlook for Windows, and Google's "Outlook CSV") names each field in full: ``E-mail 2 Address``,
``Business Phone``, ``Job Title``, ``Manager's Name``.

A column crm does not map (Hobby, Gender, a custom field) is not lost: the raw row is kept
as the card's provenance, like a raw vCard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from crm.core.cards import (
    Card,
    CardContact,
    CardProblem,
    CardRejected,
    CardRelation,
    PendingCard,
    RejectedCard,
    may_name_relations,
    raw_hash,
)
from crm.sources.dates import BadDate, read_birthday
from crm.sources.table import BadRow, Row, Table, read_table

MULTI = " ::: "
# Google's system groups: every contact is in myContacts; it says nothing about anyone.
_SYSTEM_GROUPS = {"mycontacts", "my contacts"}
_NUMBERED = re.compile(r"^(E-mail|Phone|Address|Website|Relation|IM|Organization) (\d+) - (.+)$")
_OUTLOOK_EMAIL = re.compile(r"^E-mail(?: (\d))? Address$")
_OUTLOOK_PHONES = {
    "Mobile Phone": "cell", "Home Phone": "home", "Home Phone 2": "home",
    "Business Phone": "work", "Business Phone 2": "work", "Company Main Phone": "work",
    "Primary Phone": "main", "Other Phone": "other", "Car Phone": "car", "Pager": "pager",
    "Business Fax": "work fax", "Home Fax": "home fax", "Other Fax": "fax",
    "Callback": "callback", "Radio Phone": "radio", "Telex": "telex",
    "TTY/TDD Phone": "tty", "Assistant's Phone": "assistant", "ISDN": "isdn",
}
_OUTLOOK_ADDRESS_PARTS = ("Street", "Street 2", "Street 3", "PO Box", "City", "State",
                          "Postal Code", "Country/Region", "Country")
_OUTLOOK_RELATIONS = {"Manager's Name": "manager", "Assistant's Name": "assistant",
                      "Spouse": "spouse", "Children": "child", "Referred By": "referred by"}


def is_google_header(header: list[str]) -> bool:
    have = set(header)
    if {"Group Membership", "Labels"} & have and ({"Given Name", "First Name"} & have):
        return True
    return any(_NUMBERED.match(h) and h.endswith((" - Value", " - Name")) for h in header) and (
        {"Given Name", "First Name", "Name", "Last Name", "Family Name"} & have != set())


def is_outlook_header(header: list[str]) -> bool:
    have = set(header)
    return bool({"First Name", "Last Name"} & have) and bool(
        {"E-mail Address", "Business Phone", "Mobile Phone", "Job Title", "Home Phone"} & have)


def _cells(value: str) -> list[str]:
    """The values of a cell, several joined by ``:::`` (Google), empty ones left out."""
    return [v.strip() for v in value.split(":::") if v.strip()]


def _note(value: str) -> str | None:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else None


def _name_parts(card: Card) -> str:
    # (a prefix like "Dr." or Outlook's "Mr." is kept in its own field, not in the name)
    parts = [card.given_name, card.additional_names, card.family_name, card.name_suffix]
    return " ".join(p for p in parts if p)


def _finish(card: Card) -> Card:
    if not card.display_name:
        card.display_name = _name_parts(card) or card.nickname or ""
    if not card.display_name:
        if card.org:
            card.is_company = True
            card.display_name = card.org
        else:
            emails = [c.value for c in card.contacts if c.kind == "email"]
            if not emails:
                raise CardRejected(card.line, "this row has no name, company or email")
            card.display_name = emails[0]
    return card


def _opt(row: Row, *names: str) -> str | None:
    for name in names:
        value = row.get(name).strip()
        if value:
            return value
    return None


def _birthday(card: Card, row: Row, name: str) -> None:
    value = row.get(name).strip()
    if not value or value in ("0/0/00", "0/0/0000"):  # Outlook's "no date"
        return
    try:
        card.birthday_year, card.birthday_month, card.birthday_day = read_birthday(value)
    except BadDate:
        # The contact is kept (its name, emails and phones are good); the birthday is not
        # taken, said in one line, and stays in the row kept with the import.
        card.problems.append(CardProblem(
            card.line, f"{name} is not a date crm reads (like 1990-04-15, --04-15 or "
                       "4/15/1990): not taken as a birthday, kept in the row as written"))


def google_card(row: Row) -> Card:
    card = Card(file=row.file, line=row.line, raw=row.raw)
    card.display_name = _opt(row, "Name") or ""
    card.given_name = _opt(row, "Given Name", "First Name")
    card.additional_names = _opt(row, "Additional Name", "Middle Name")
    card.family_name = _opt(row, "Family Name", "Last Name")
    card.name_prefix = _opt(row, "Name Prefix")
    card.name_suffix = _opt(row, "Name Suffix")
    card.nickname = _opt(row, "Nickname")
    card.note = _note(row.get("Notes"))
    _birthday(card, row, "Birthday")
    card.org = _opt(row, "Organization Name", "Organization 1 - Name")
    card.title = _opt(row, "Organization Title", "Organization 1 - Title")
    card.department = _opt(row, "Organization Department", "Organization 1 - Department")
    groups = row.get("Labels") or row.get("Group Membership")
    for group in _cells(groups):
        name = group.removeprefix("* ").strip()
        if name and name.lower() not in _SYSTEM_GROUPS and name not in card.categories:
            card.categories.append(name)
    numbered: dict[tuple[str, int], dict[str, str]] = {}
    for header, value in row.fields.items():
        m = _NUMBERED.match(header)
        if m:
            numbered.setdefault((m[1], int(m[2])), {})[m[3]] = value
    order = {"E-mail": 0, "Phone": 1, "Address": 2, "Website": 3, "IM": 4, "Relation": 5,
             "Organization": 6}
    for (what, _n), cells in sorted(numbered.items(), key=lambda kv: (order[kv[0][0]],
                                                                      kv[0][1])):
        label_cell = cells.get("Label", cells.get("Type", ""))
        labels = _cells(label_cell)
        if what == "Address":
            value = _note(cells.get("Formatted", "")) or ", ".join(
                v.strip() for k in ("Street", "PO Box", "City", "Region", "Postal Code",
                                    "Country") if (v := cells.get(k, "")).strip())
            values = [value.strip()] if value and value.strip() else []
        elif what == "IM":
            values = _cells(cells.get("Value", ""))
            labels = _cells(cells.get("Service", "")) or labels
        elif what == "Organization":
            continue  # the first is mapped above; later ones are kept in the raw row
        else:
            values = _cells(cells.get("Value", ""))
        for i, value in enumerate(values):
            cell = labels[i] if i < len(labels) else (labels[0] if labels else "")
            preferred = cell.startswith("* ")
            label = cell.removeprefix("* ").strip() or None
            if what == "Relation":
                card.relations.append(CardRelation(value, label))
                continue
            kind = {"E-mail": "email", "Phone": "phone", "Address": "address",
                    "Website": "url", "IM": "social"}[what]
            if kind == "url" and label and "linkedin" in value.lower():
                kind = "social"
            card.contacts.append(CardContact(kind, value, label.lower() if label else None,
                                             preferred))
    return _finish(card)


def outlook_card(row: Row) -> Card:
    card = Card(file=row.file, line=row.line, raw=row.raw)
    card.given_name = _opt(row, "First Name")
    card.additional_names = _opt(row, "Middle Name")
    card.family_name = _opt(row, "Last Name")
    card.name_prefix = _opt(row, "Title")
    card.name_suffix = _opt(row, "Suffix")
    card.nickname = _opt(row, "Nickname")
    card.org = _opt(row, "Company")
    card.title = _opt(row, "Job Title")
    card.department = _opt(row, "Department")
    card.note = _note(row.get("Notes"))
    _birthday(card, row, "Birthday")
    emails = sorted((int(m[1] or 1), h) for h in row.fields if (m := _OUTLOOK_EMAIL.match(h)))
    for _n, header in emails:
        for value in _cells(row.get(header)):
            card.contacts.append(CardContact("email", value, None))
    for header in row.fields:
        label = _OUTLOOK_PHONES.get(header)
        if label is not None:
            for value in _cells(row.get(header)):
                card.contacts.append(CardContact("phone", value, label))
    for where in ("Business", "Home", "Other"):
        parts = [v for p in _OUTLOOK_ADDRESS_PARTS if (v := row.get(f"{where} {p}").strip())]
        if parts:
            label = {"Business": "work"}.get(where, where.lower())
            card.contacts.append(CardContact("address", ", ".join(parts), label))
    for header, label in (("Web Page", "work"), ("Personal Web Page", "home")):
        for value in _cells(row.get(header)):
            card.contacts.append(CardContact("url", value, label))
    for value in _cells(row.get("IMAddress")):
        card.contacts.append(CardContact("social", value, "im"))
    for header, label in _OUTLOOK_RELATIONS.items():
        for value in _cells(row.get(header).replace(";", MULTI)):
            card.relations.append(CardRelation(value, label))
    for value in _cells(row.get("Categories").replace(";", MULTI)):
        if value not in card.categories:
            card.categories.append(value)
    return _finish(card)


@dataclass
class PendingRow:
    """A CSV row not read into a card yet (the pipeline skips rows imported before)."""

    file: str
    line: int
    raw: str
    row: Row
    google: bool

    @property
    def raw_format(self) -> str:
        return "google-csv" if self.google else "outlook-csv"

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)

    def parse(self) -> Card:
        return google_card(self.row) if self.google else outlook_card(self.row)

    def may_relate(self) -> bool:
        return may_name_relations(self.raw)


def read_contacts(text: str, file: str) -> tuple[str, Table]:
    """("google" or "outlook", the table) for a contacts CSV; NotATable otherwise."""
    kind: list[str] = []

    def is_header(header: list[str]) -> bool:
        if is_google_header(header):
            kind.append("google")
            return True
        if is_outlook_header(header):
            kind.append("outlook")
            return True
        return False

    table = read_table(text, file, is_header)
    return kind[-1], table


def pending_cards(text: str, file: str) -> Iterator[PendingCard | RejectedCard]:
    """The rows of a Google or Outlook CSV as cards to import, or rejected rows."""
    kind, table = read_contacts(text, file)
    google: dict[str, bool] = {}  # by header: kept rows of several files may follow
    for row in table.rows:
        if isinstance(row, BadRow):
            yield RejectedCard(row.file, row.line, row.message, row.raw, f"{kind}-csv")
            continue
        if row.header_text not in google:
            google[row.header_text] = is_google_header(list(row.fields))
        yield PendingRow(row.file, row.line, row.raw, row, google=google[row.header_text])

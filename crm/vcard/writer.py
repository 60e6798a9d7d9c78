"""Writing people as vCard 3.0 or 4.0.

Each card is built as a vobject component and vobject serializes it (escaping, structured
N/ADR/ORG values, parameters, groups, folding); ``_refold`` repairs the lines vobject 0.9.9
leaves longer than 75 octets. Every card has UID, N and FN; properties crm does not model
(X-ANDROID-CUSTOM, X-ABDATE, RELATED…) are copied from the person's imported cards (the
latest version of each: crm.core.unmapped), so a round trip loses nothing. Re-importing
the output changes nothing: people without a UID get one on export, and each value is
written so that ``crm.vcard.reader`` reads back exactly what is stored.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain

import vobject
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer
from vobject.base import Component, ContentLine, ParseError, textLineToContentLine
from vobject.vcard import Address, Name

from crm.core.addresses import decode_parts
from crm.core.cards import Card
from crm.core.contacts.people import current_position
from crm.core.db import Database
from crm.core.models import (
    Company,
    CompanyContact,
    ContactPoint,
    Person,
    Position,
)
from crm.core.unmapped import EXPORT_PRODID, ITEM_GROUP, Lines, speaking, stored_vcards
from crm.vcard.reader import NO_YEAR, read_stored

VERSIONS = ("3.0", "4.0")
# RFC 2426 properties; any other non-X property (KIND, RELATED, GENDER… from a 4.0 card)
# is written as X-CRM-NAME in 3.0, which the reader turns back into NAME.
_VCARD3_PROPERTIES = {
    "ADR", "AGENT", "BDAY", "CATEGORIES", "CLASS", "EMAIL", "FN", "GEO", "KEY", "LABEL", "LOGO",
    "MAILER", "N", "NAME", "NICKNAME", "NOTE", "ORG", "PHOTO", "PRODID", "PROFILE", "REV",
    "ROLE", "SORT-STRING", "SOUND", "SOURCE", "TEL", "TITLE", "TZ", "UID", "URL", "VERSION",
}
# Labels written as TYPE= values (lowercase: strict validators refuse `TYPE=WORK` on ADR);
# any other label goes in an Apple-style item group.
_TYPE_WORDS = {
    "email": {"home", "work", "internet"},
    "phone": {"home", "work", "cell", "voice", "fax", "pager", "text", "video", "msg",
              "textphone"},
    # (none for URL: RFC 2426 gives URL no parameters, so its label goes in an item group)
    "url": set(),
    "address": {"home", "work", "dom", "intl", "postal", "parcel"},
}
_PROPERTY = {"email": "EMAIL", "phone": "TEL", "url": "URL", "social": "X-SOCIALPROFILE",
             "address": "ADR"}
# Apple's built-in labels, which the reader stores lower-cased: written back as the phone
# wrote them (``_$!<HomePage>!$_``), so the phone shows its own localized label again.
_APPLE_LABELS = {x.lower(): x for x in (
    "HomePage", "Home", "Work", "Other", "Mobile", "Main", "HomeFAX", "WorkFAX", "OtherFAX",
    "Pager", "iPhone", "School", "Anniversary", "Father", "Mother", "Parent", "Brother",
    "Sister", "Child", "Friend", "Spouse", "Partner", "Assistant", "Manager")}
# 2.1 bare parameter words that are no type (an encoding, a charset: undone when kept).
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_LOGICAL_LINE_END = re.compile(r"\r\n(?! )")
_PROP_NAME = re.compile(r"^([A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)(.*)$", re.S)


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    chunk: list[str] = []
    size, limit = 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(chunk))
            chunk, size, limit = [], 0, 74
        chunk.append(ch)
        size += n
    out.append("".join(chunk))
    return "\r\n ".join(out) + "\r\n"


def _refold(text: str) -> str:
    """vobject's folding, except for the lines it leaves over 75 octets: it skips folding a
    line shorter than 75 *characters* (so non-ASCII text runs to 200+ octets) and never
    folds PHOTO (a workaround for old Apple Address Book). Those are folded here."""
    out = []
    for logical in _LOGICAL_LINE_END.split(text)[:-1]:
        if any(len(piece.encode("utf-8")) > 75 for piece in logical.split("\r\n")):
            out.append(fold(logical.replace("\r\n ", "")))
        else:
            out.append(logical + "\r\n")
    return "".join(out)


def _regroup(text: str) -> str:
    """One card's lines with each item group's lines together, where its first line is
    (vobject writes properties sorted by name: ``item1.TEL`` far from ``item1.X-ABLabel``)."""
    lines = _LOGICAL_LINE_END.split(text)[:-1]
    groups: dict[str, list[str]] = {}
    for line in lines:
        m = ITEM_GROUP.match(line)
        if m:
            groups.setdefault(m.group(1).lower(), []).append(line)
    out: list[str] = []
    for line in lines:
        m = ITEM_GROUP.match(line)
        if m is None:
            out.append(line)
        elif (members := groups.pop(m.group(1).lower(), None)) is not None:
            out.extend(members)
    return "".join(x + "\r\n" for x in out)


@dataclass
class _LastCard:
    """What a person's imported cards (the latest version of each) tell the export."""

    extra_lines: list[str] = field(default_factory=list)
    # The property each contact value came from (a SIP URI or "ext. 12" read from TEL is
    # stored as "other": it goes back as TEL, not as an email or nothing).
    kinds: dict[str, str] = field(default_factory=dict)
    # Contacts that a kept line carries (X-JABBER…): not written a second time.
    kept: set[tuple[str, str]] = field(default_factory=set)
    # Lines of what crm now stores itself (see Card.stored_lines).
    stored_lines: list[tuple[str, str]] = field(default_factory=list)
    uid: str | None = None  # (a company card's: a company has no UID of its own)


def _last_cards(session: Session, ids: list[int], companies: bool = False
                ) -> dict[int, _LastCard]:
    """What each person's imported cards (each company's most recent one, with
    ``companies``) tell the export."""
    out: dict[int, _LastCard] = {}
    for pid, cards in _parsed_cards(session, ids, companies):
        last = out[pid] = _LastCard()
        lines = Lines()
        for card in cards:  # the latest last: what it says of a value wins
            lines.add(card.extra_lines)
            last.kinds.update({c.value: c.kind for c in card.contacts})
            last.kept |= {(c.kind, c.value) for c in card.contacts if c.kept}
            last.stored_lines += [x for x in card.stored_lines if x not in last.stored_lines]
            last.uid = card.uid
        last.extra_lines = lines.lines
    return out


def _parsed_cards(session: Session, ids: list[int],
                  companies: bool = False) -> Iterator[tuple[int, list[Card]]]:
    """The imported vCards each person's export speaks for, read again
    (crm.core.unmapped.speaking); for a company, its most recent one. A CSV or LinkedIn row
    has none of a vCard's unmapped lines and is not read."""
    found = stored_vcards(session, ids, read_stored, companies=companies)
    if companies:
        yield from ((cid, cards[-1:]) for cid, cards in found)
        return
    batch: list[tuple[int, list[Card]]] = []
    for item in chain(found, [None]):
        if item is not None:
            batch.append(item)
        if len(batch) == 500 or (item is None and batch):
            yield from _spoken(session, batch)
            batch = []


def _spoken(session: Session, batch: list[tuple[int, list[Card]]]
            ) -> Iterator[tuple[int, list[Card]]]:
    """``speaking`` of each person's cards; crm's own card is told by the person's UID,
    read for the few people of several cards."""
    several = [pid for pid, cards in batch if len(cards) > 1]
    uids: dict[int, str | None] = {}
    if several:
        uids.update((row.id, row.uid) for row in session.execute(
            select(Person.id, Person.uid).where(Person.id.in_(several))))
    for pid, cards in batch:
        yield pid, speaking(cards, uids.get(pid))


def _add(card: Component, name: str, value: object, group: str | None = None,
         verbatim: bool = False, **params: str | list[str]) -> ContentLine:
    line: ContentLine = card.add(name, group)
    line.value = value
    for key, val in params.items():
        line.params[key.upper()] = [val] if isinstance(val, str) else list(val)
    if verbatim:
        # Already in its written form (a URI, a kept line): vobject must not text-escape it.
        line.encoded = True
    return line


def card_text(person: Person, version: str = "3.0", extra_lines: list[str] | None = None,
              last: _LastCard | None = None) -> str:
    """One person as a vCard (CRLF line ends, folded, item groups together)."""
    v4 = version == "4.0"
    last = last or _LastCard(list(extra_lines or []))
    extras = list(last.extra_lines)
    used_groups = {m.group(1).lower() for x in extras if (m := ITEM_GROUP.match(x))}
    counter = 0

    def group() -> str:
        nonlocal counter
        while True:
            counter += 1
            name = f"item{counter}"
            if name not in used_groups:
                return name

    card = vobject.vCard()
    _add(card, "VERSION", version)
    _add(card, "PRODID", EXPORT_PRODID)
    _add(card, "UID", person.uid or "")
    _add(card, "N", Name(family=person.family_name or "", given=person.given_name or "",
                         additional=person.additional_names or "",
                         prefix=person.name_prefix or "", suffix=person.name_suffix or ""))
    _add(card, "FN", person.display_name)
    if person.nickname:
        _add(card, "NICKNAME", person.nickname)
    own: list[str] = []  # lines written here, in this order (vobject sorts its own)
    own += _position_lines(person)
    if person.is_me:
        own.append("X-CRM-ME:1")
    if person.role:
        own.append(f"ROLE:{escape(person.role)}")
    for cp in person.contact_points:
        if (cp.kind, cp.value) in last.kept:
            continue  # written by the kept line it came from
        own += _add_contact(card, cp, v4, group, last.kinds.get(cp.value))
    own += _date_lines(person, v4, group)
    has_agent = any(x.upper().startswith("AGENT") for x in extras)
    own += _relation_lines(person, v4, group, skip_agent=has_agent)
    # Lines of a card imported before crm stored these (kept as they came).
    stored = {"date": bool(person.dates), "relation": bool(person.relations),
              "role": person.role is not None,
              "label": any(cp.address_label for cp in person.contact_points)}
    extras += [line for family, line in last.stored_lines if not stored.get(family, True)]
    bday = _birthday(person, v4)
    if bday and not v4 and person.birthday_year is None:
        # Apple's form of a birthday without a year; the reader takes 1604 as "no year".
        _add(card, "BDAY", bday).params["X-APPLE-OMIT-YEAR"] = [str(NO_YEAR)]
    elif bday:
        _add(card, "BDAY", bday)
    elif person.birthday_year is not None and not v4:
        # A year alone has no 3.0 BDAY form; written the 4.0 way under crm's own X- name,
        # which the reader turns back into BDAY, so the year is neither lost nor invented.
        _add(card, "X-CRM-BDAY", f"{person.birthday_year:04d}")
    if person.note:
        _add(card, "NOTE", person.note)
    tags = [t.name for t in person.tags]
    if tags:
        _add(card, "CATEGORIES", tags)
    if person.photo is not None and person.photo_type:
        if v4:
            data = base64.b64encode(person.photo).decode("ascii")
            _add(card, "PHOTO", f"data:{person.photo_type};base64,{data}", verbatim=True)
        else:
            # Bytes with ENCODING=b: vobject base64-encodes them. (With the 2.1-style
            # ENCODING=BASE64, or a str value, vobject 0.9.9 raises TypeError.)
            _add(card, "PHOTO", person.photo, ENCODING="b",
                 TYPE=person.photo_type.split("/")[-1].upper())
    own_lines = own + [line for x in extras if (line := _add_kept(card, x, v4)) is not None]
    text = _refold(card.serialize())
    if own_lines:
        end = text.rindex("END:VCARD")
        text = text[:end] + "".join(fold(line) for line in own_lines) + text[end:]
    return _regroup(text)


def escape(text: str) -> str:
    """A text value as vCard writes it (backslash, comma, semicolon, line breaks)."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _structured(*parts: str | None) -> str:
    return ";".join(escape(p or "") for p in parts)


def _position_lines(person: Person) -> list[str]:
    """ORG/TITLE of each current position, the latest first (what a phone shows); each
    position's dates and kind, and the past ones, in crm's own X-CRM-POSITION, which a
    phone keeps and ignores and crm reads back."""
    first = current_position(person)
    # (An import creates a card's ORGs last to first: read back, the order is the same.)
    held = [p for p in person.positions if p.is_current]  # (in id order)
    current = [p for _, p in sorted(enumerate(held),
                                    key=lambda ip: (ip[1] is not first, -ip[0]))]
    out: list[str] = []
    for pos in current:
        out.append("ORG:" + _structured(pos.company.name, *([pos.department]
                                                            if pos.department else [])))
        if pos.title:
            out.append(f"TITLE:{escape(pos.title)}")
    if not current and person.headline:
        out.append(f"TITLE:{escape(person.headline)}")
    for pos in [*current, *(p for p in person.positions if not p.is_current)]:
        if pos.is_current and not (pos.kind or pos.start or pos.end):
            continue
        out.append("X-CRM-POSITION:" + _structured(
            pos.company.name, pos.department, pos.title, pos.kind, pos.start, pos.end,
            "1" if pos.is_current else "0"))
    return out


def _date_lines(person: Person, v4: bool, group: Callable[[], str]) -> list[str]:
    """Anniversaries and other dates the way Apple writes them (X-ABDATE with its label in
    an item group; a date without a year is 1604 with X-APPLE-OMIT-YEAR, --MMDD in 4.0)."""
    out: list[str] = []
    for d in person.dates:
        if d.year is not None:
            value, params = f"{d.year:04d}-{d.month:02d}-{d.day:02d}", ""
        elif v4:
            value, params = f"--{d.month:02d}{d.day:02d}", ""
        else:
            value = f"{NO_YEAR}-{d.month:02d}-{d.day:02d}"
            params = f";X-APPLE-OMIT-YEAR={NO_YEAR}"
        params += _pref(d.preferred, v4)
        if d.label == "date":  # (an X-ABDATE the phone gave no label)
            out.append(f"X-ABDATE{params}:{value}")
            continue
        item = group()
        out.append(f"{item}.X-ABDATE{params}:{value}")
        out.append(f"{item}.X-ABLabel:{escape(_apple_label(d.label))}")
    return out


def _relation_lines(person: Person, v4: bool, group: Callable[[], str],
                    skip_agent: bool) -> list[str]:
    """Named relations: a name as Apple writes it (X-ABRELATEDNAMES with its label in an
    item group), a UID as RELATED (X-CRM-RELATED in 3.0)."""
    out: list[str] = []
    for r in person.relations:
        if skip_agent and r.label == "agent":
            continue  # the AGENT line kept from the card says it
        pref = _pref(r.preferred, v4)
        if r.uid:
            words = (r.label or "").split()
            types = [words[0]] if len(words) == 1 and words[0].isalnum() else []
            if r.preferred and not v4:
                types.append("pref")
            params = f";TYPE={','.join(types)}" if types else ""
            params += pref if v4 else ""
            uid = r.uid if ":" in r.uid else f"urn:uuid:{r.uid}"
            out.append(f"{'RELATED' if v4 else 'X-CRM-RELATED'}{params}:{uid}")
        elif r.label:
            item = group()
            out.append(f"{item}.X-ABRELATEDNAMES{pref}:{escape(r.name)}")
            out.append(f"{item}.X-ABLabel:{escape(_apple_label(r.label))}")
        else:
            out.append(f"X-ABRELATEDNAMES{pref}:{escape(r.name)}")
    return out


def _pref(preferred: bool, v4: bool) -> str:
    """The parameter of a preferred value: PREF=1 in 4.0, TYPE=pref in 3.0 (as Apple
    writes it on X-ABDATE and X-ABRELATEDNAMES)."""
    if not preferred:
        return ""
    return ";PREF=1" if v4 else ";TYPE=pref"


def _add_kept(card: Component, line: str, v4: bool) -> str | None:
    """Add a property kept from the imported card; returns the line itself when vobject
    cannot write it back unchanged (then it is written as it came)."""
    try:
        parsed = textLineToContentLine(line)
    except ParseError:
        parsed = None
    if parsed is not None:
        name = _name_for_version(parsed.name, v4)
        params = dict(parsed.params)
        # TYPE values as RFC 2426 spells them (lower-case: `LABEL;TYPE=WORK,PREF` from
        # Outlook fails a strict validator), 2.1's bare type words as TYPE=.
        # (On an X- property a bare word may be anything: it is written as it came.)
        standard = parsed.name.upper() in _VCARD3_PROPERTIES
        types = [t.lower() for t in params.pop("TYPE", [])]
        if standard:
            types += [w.lower() for w in parsed.singletonparams
                      if w.upper() not in _BARE_ENCODINGS]
        if types:
            params["TYPE"] = list(dict.fromkeys(types))
        # vobject drops the bare parameters of an X- property and refuses a double quote
        # in a parameter.
        if ((standard or not parsed.singletonparams)
                and not any('"' in v for vs in params.values() for v in vs)):
            _add(card, name, parsed.value, parsed.group, verbatim=True, **params)
            return None
    m = _PROP_NAME.match(line)
    if m is None:
        return line
    return (m.group(1) or "") + _name_for_version(m.group(2), v4) + m.group(3)


def _name_for_version(name: str, v4: bool) -> str:
    upper = name.upper()
    if v4 and upper.startswith("X-CRM-"):
        return name[6:]
    if not v4 and not upper.startswith("X-") and upper not in _VCARD3_PROPERTIES:
        return f"X-CRM-{name}"
    return name


def _add_contact(card: Component, cp: ContactPoint | CompanyContact, v4: bool,
                 group: Callable[[], str], origin: str | None = None) -> list[str]:
    """Add one contact point; returns the lines to write after vobject's (an address's
    LABEL, beside its ADR)."""
    kind = cp.kind
    if kind == "other":
        # Kept as "other" on import (a TEL with no digits, an EMAIL that is no address):
        # written back as the property it came from, never dropped.
        if origin in _PROPERTY:
            kind = origin
        elif cp.label == "phone" or (cp.label or "").lower() in _TYPE_WORDS["phone"] - {
                "home", "work"} or cp.value.lower().startswith(("sip:", "tel:")):
            kind = "phone"
        else:
            kind = "email"
    params: dict[str, str | list[str]] = {}
    types: list[str] = []
    prefix: str | None = None
    label = (cp.label or "").strip()
    words = label.lower().split()
    if kind == "social":
        if label:
            # vobject refuses a double quote in a parameter and quotes ',;:' itself.
            types.append(label.replace('"', "'").replace("\n", " "))
    elif label and all(w in _TYPE_WORDS.get(kind, set()) for w in words):
        types.extend(words)
    elif label:
        prefix = group()
    if cp.preferred:
        if v4:
            params["PREF"] = "1"
        else:
            types.append("pref")
    if types:
        params["TYPE"] = types
    value: object = _address(cp) if kind == "address" else cp.value
    # A URL is a URI value, written as it is, not text-escaped.
    _add(card, _PROPERTY[kind], value, prefix, verbatim=kind == "url", **params)
    if prefix is not None:
        _add(card, "X-ABLabel", _apple_label(label), prefix)
    if kind == "address" and cp.address_label:
        # In the ADR's group, or with its TYPE words: the reader pairs them so.
        head = f"{prefix}.LABEL" if prefix else "LABEL"
        if types:
            head += ";TYPE=" + ",".join(types)
        return [f"{head}:{escape(cp.address_label)}"]
    return []


def _address(cp: ContactPoint | CompanyContact) -> Address:
    """An address by its parts when they were kept, else its text as the street."""
    parts = decode_parts(cp.address_parts)
    if not parts:
        return Address(street=cp.value)
    box, extended, street, city, region, code, country = (parts + [""] * 7)[:7]
    if len(parts) > 7:
        country = ";".join(parts[6:])
    return Address(street=street, city=city, region=region, code=code, country=country,
                   box=box, extended=extended)


def _apple_label(label: str) -> str:
    builtin = _APPLE_LABELS.get(label.lower()) if label == label.lower() else None
    return f"_$!<{builtin}>!$_" if builtin else label


def _birthday(person: Person, v4: bool) -> str | None:
    y, m, d = person.birthday_year, person.birthday_month, person.birthday_day
    if m is not None and d is not None:
        if y is not None:
            return f"{y:04d}{m:02d}{d:02d}" if v4 else f"{y:04d}-{m:02d}-{d:02d}"
        if v4:
            return f"--{m:02d}{d:02d}"
        # 3.0 has no syntax for "no year": Apple's placeholder year, without its
        # X-APPLE-OMIT-YEAR parameter (strict validators refuse parameters on BDAY); the
        # reader takes year 1604 as "no year" either way.
        return f"{NO_YEAR}-{m:02d}-{d:02d}"
    if y is not None and v4:
        return f"{y:04d}"
    return None


def export_vcards(db: Database, version: str = "3.0") -> str:
    """All people as vCards; people without a UID are given one (stored) first."""
    if version not in VERSIONS:
        from crm.core.errors import InvalidInput

        raise InvalidInput(f"bad vCard version {version!r}: use 3.0 or 4.0")
    with db.write() as session:
        missing = list(session.scalars(select(Person).where(Person.uid.is_(None))))
        for person in missing:
            person.uid = str(uuid.uuid4())
        session.flush()
        people = list(session.scalars(
            select(Person).order_by(Person.sort_key, Person.id).options(
                undefer(Person.photo),
                selectinload(Person.contact_points),
                selectinload(Person.positions).selectinload(Position.company)
                .selectinload(Company.aliases),
                selectinload(Person.tags), selectinload(Person.dates),
                selectinload(Person.relations))))
        last = _last_cards(session, [p.id for p in people])
        companies = list(session.scalars(
            select(Company).order_by(Company.name_key, Company.id).options(
                undefer(Company.photo), selectinload(Company.contact_points),
                selectinload(Company.tags), selectinload(Company.aliases),
                selectinload(Company.domains))))
        companies = [c for c in companies if _has_card(c)]
        cards = _last_cards(session, [c.id for c in companies], companies=True)
        return ("".join(card_text(p, version, last=last.get(p.id)) for p in people)
                + "".join(company_text(c, version, cards.get(c.id)) for c in companies))


def _has_card(company: Company) -> bool:
    """A company is exported as a card of its own when it holds more than a name (what a
    company card gave it, other spellings of its name, or details the user entered); a name
    alone is in its people's ORG lines already. (Mail domains alone make no card: those crm
    learned from its people's work addresses are learned again from their cards.)"""
    return bool(company.contact_points or company.tags or company.photo_type
                or company.website or company.note or company.aliases)


# A company card's own lines that company_text writes itself (never twice from the kept).
_COMPANY_WRITTEN = {"X-ABSHOWAS", "KIND", "X-CRM-KIND"}


def company_text(company: Company, version: str = "3.0", last: _LastCard | None = None) -> str:
    """A company as a company card: X-ABShowAs:COMPANY (Apple) in 3.0, KIND:org in 4.0;
    the other spellings of its name (X-CRM-ALIAS), its mail domains with how crm learned
    each (X-CRM-DOMAIN:domain;how), and the lines crm does not model of the company card it
    came from (``last``), so that a round trip keeps them."""
    v4 = version == "4.0"
    last = last or _LastCard()
    extras = [x for x in last.extra_lines
              if (m := _PROP_NAME.match(x)) is None or m.group(2).upper() not in _COMPANY_WRITTEN]
    # A company stores no dates, relations or role: a company card's are kept as they came
    # (an address's LABEL is stored with the address).
    extras += [line for family, line in last.stored_lines if family != "label"]
    used_groups = {m.group(1).lower() for x in extras if (m := ITEM_GROUP.match(x))}
    counter = 0

    def group() -> str:
        nonlocal counter
        while True:
            counter += 1
            name = f"item{counter}"
            if name not in used_groups:
                return name

    card = vobject.vCard()
    _add(card, "VERSION", version)
    _add(card, "PRODID", EXPORT_PRODID)
    _add(card, "UID", last.uid or str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                 f"crm-company:{company.name_key}")))
    _add(card, "N", Name())
    _add(card, "FN", company.name)
    own = ["ORG:" + escape(company.name), "KIND:org" if v4 else "X-ABShowAs:COMPANY"]
    own += [f"X-CRM-ALIAS:{escape(a.alias)}" for a in company.aliases]
    own += [f"X-CRM-DOMAIN:{_structured(d.domain, *([d.source] if d.source else []))}"
            for d in company.domains]
    urls = {cp.value for cp in company.contact_points if cp.kind == "url"}
    if company.website and company.website not in urls:
        _add(card, "URL", company.website, verbatim=True)
    for cp in company.contact_points:
        if (cp.kind, cp.value) in last.kept:
            continue  # written by the kept line it came from
        own += _add_contact(card, cp, v4, group, last.kinds.get(cp.value))
    if company.note:
        _add(card, "NOTE", company.note)
    tags = [t.name for t in company.tags]
    if tags:
        _add(card, "CATEGORIES", tags)
    if company.photo is not None and company.photo_type:
        if v4:
            data = base64.b64encode(company.photo).decode("ascii")
            _add(card, "PHOTO", f"data:{company.photo_type};base64,{data}", verbatim=True)
        else:
            _add(card, "PHOTO", company.photo, ENCODING="b",
                 TYPE=company.photo_type.split("/")[-1].upper())
    own += [line for x in extras if (line := _add_kept(card, x, v4)) is not None]
    text = _refold(card.serialize())
    end = text.rindex("END:VCARD")
    return _regroup(text[:end] + "".join(fold(line) for line in own) + text[end:])


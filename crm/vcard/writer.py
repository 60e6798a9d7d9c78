"""Writing people as vCard 3.0 or 4.0.

Each card is built as a vobject component and vobject serializes it (escaping, structured
N/ADR/ORG values, parameters, groups, folding); ``_refold`` repairs the lines vobject 0.9.9
leaves longer than 75 octets. Every card has UID, N and FN; properties crm does not model
(X-ANDROID-CUSTOM, X-ABDATE, RELATED…) are copied from the person's last imported card, so a
round trip loses nothing. Re-importing the output changes nothing: people without a UID get
one on export, and each value is written so that ``crm.vcard.reader`` reads back exactly
what is stored.
"""

from __future__ import annotations

import base64
import contextlib
import re
import uuid
from collections.abc import Callable

import vobject
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer
from vobject.base import Component, ContentLine, ParseError, textLineToContentLine
from vobject.vcard import Address, Name

from crm.core.db import Database
from crm.core.models import Company, ContactPoint, ImportRecord, Person, Position
from crm.core.people import current_position
from crm.vcard.reader import NO_YEAR, RawCard, parse_card, split_cards

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
    "url": {"home", "work"},
    "address": {"home", "work", "dom", "intl", "postal", "parcel"},
}
_PROPERTY = {"email": "EMAIL", "phone": "TEL", "url": "URL", "social": "X-SOCIALPROFILE",
             "address": "ADR"}
_GROUP = re.compile(r"^([A-Za-z0-9_-]+)\.", re.ASCII)
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


def _extras(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Unmodelled properties of each person's most recent imported card."""
    latest: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(ImportRecord.person_id, ImportRecord.raw)
            .where(ImportRecord.person_id.in_(ids[i: i + 500]),
                   ImportRecord.status == "imported")
            .order_by(ImportRecord.id))
        for pid, raw in rows:
            if pid is not None:
                latest[pid] = raw
    out: dict[int, list[str]] = {}
    for pid, raw in latest.items():
        for item in split_cards(raw, "export"):
            if isinstance(item, RawCard):
                # An unreadable old record adds nothing here; it stays stored as it is.
                with contextlib.suppress(Exception):
                    out[pid] = parse_card(item).extra_lines
    return out


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


def card_text(person: Person, version: str = "3.0", extra_lines: list[str] | None = None) -> str:
    """One person as a vCard (CRLF line ends, folded)."""
    v4 = version == "4.0"
    extras = list(extra_lines or [])
    used_groups = {m.group(1).lower() for x in extras if (m := _GROUP.match(x))}
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
    _add(card, "PRODID", "-//crm//crm vCard export//EN")
    _add(card, "UID", person.uid or "")
    _add(card, "N", Name(family=person.family_name or "", given=person.given_name or "",
                         additional=person.additional_names or "",
                         prefix=person.name_prefix or "", suffix=person.name_suffix or ""))
    _add(card, "FN", person.display_name)
    if person.nickname:
        _add(card, "NICKNAME", person.nickname)
    pos = current_position(person)
    if pos is not None:
        _add(card, "ORG", [pos.company.name] + ([pos.department] if pos.department else []))
        if pos.title:
            _add(card, "TITLE", pos.title)
    elif person.headline:
        _add(card, "TITLE", person.headline)
    for cp in person.contact_points:
        _add_contact(card, cp, v4, group)
    bday = _birthday(person, v4)
    if bday:
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
    own_lines = [line for x in extras if (line := _add_kept(card, x, v4)) is not None]
    text = _refold(card.serialize())
    if own_lines:
        end = text.rindex("END:VCARD")
        text = text[:end] + "".join(fold(line) for line in own_lines) + text[end:]
    return text


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
        # vobject drops bare (2.1-style) parameters and refuses a double quote in one.
        if not parsed.singletonparams and not any('"' in v for vs in params.values()
                                                  for v in vs):
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


def _add_contact(card: Component, cp: ContactPoint, v4: bool,
                 group: Callable[[], str]) -> None:
    kind = cp.kind
    if kind == "other":
        if cp.label == "email" or "@" in cp.value:
            kind = "email"
        elif cp.label == "phone":
            kind = "phone"
        else:
            return
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
    value: object = Address(street=cp.value) if kind == "address" else cp.value
    # A URL is a URI value, written as it is, not text-escaped.
    _add(card, _PROPERTY[kind], value, prefix, verbatim=kind == "url", **params)
    if prefix is not None:
        _add(card, "X-ABLabel", label, prefix)


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
                selectinload(Person.tags))))
        extras = _extras(session, [p.id for p in people])
        return "".join(card_text(p, version, extras.get(p.id)) for p in people)


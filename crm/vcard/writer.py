"""Writing people as vCard 3.0 or 4.0.

Every card has UID, N and FN; properties crm does not model (X-ANDROID-CUSTOM, X-ABDATE,
RELATED…) are copied from the person's last imported card, so a round trip loses nothing.
Re-importing the output changes nothing: people without a UID get one on export, and each
value is written so that ``crm.vcard.reader`` reads back exactly what is stored.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

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
_PROP_NAME = re.compile(r"^(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)(.*)$", re.S)
# Labels written as TYPE= values; any other label goes in an Apple-style item group.
_TYPE_WORDS = {
    "email": {"home", "work", "internet"},
    "phone": {"home", "work", "cell", "voice", "fax", "pager", "text", "video", "msg",
              "textphone"},
    "url": {"home", "work"},
    "address": {"home", "work", "dom", "intl", "postal", "parcel"},
}
_GROUP = re.compile(r"^([A-Za-z0-9_-]+)\.", re.ASCII)


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
            .replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;"))


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
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

    lines = ["BEGIN:VCARD", f"VERSION:{version}", "PRODID:-//crm//crm vCard export//EN"]
    lines.append(f"UID:{person.uid}")
    n_parts = [person.family_name, person.given_name, person.additional_names,
               person.name_prefix, person.name_suffix]
    lines.append("N:" + ";".join(escape(p or "") for p in n_parts))
    lines.append("FN:" + escape(person.display_name))
    if person.nickname:
        lines.append("NICKNAME:" + escape(person.nickname))
    pos = current_position(person)
    if pos is not None:
        org = escape(pos.company.name)
        if pos.department:
            org += ";" + escape(pos.department)
        lines.append("ORG:" + org)
        if pos.title:
            lines.append("TITLE:" + escape(pos.title))
    elif person.headline:
        lines.append("TITLE:" + escape(person.headline))
    for cp in person.contact_points:
        lines.extend(_contact_lines(cp, v4, group))
    bday = _birthday(person, v4)
    if bday:
        lines.append(bday)
    if person.note:
        lines.append("NOTE:" + escape(person.note))
    tags = [t.name for t in person.tags]
    if tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in tags))
    if person.photo is not None and person.photo_type:
        data = base64.b64encode(person.photo).decode("ascii")
        if v4:
            lines.append(f"PHOTO:data:{person.photo_type};base64,{data}")
        else:
            subtype = person.photo_type.split("/")[-1].upper()
            lines.append(f"PHOTO;ENCODING=b;TYPE={subtype}:{data}")
    lines.extend(_kept_for_version(x, v4) for x in extras)
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def _kept_for_version(line: str, v4: bool) -> str:
    m = _PROP_NAME.match(line)
    if m is None:
        return line
    group, name, rest = m.group(1), m.group(2), m.group(3)
    upper = name.upper()
    prefix = f"{group}." if group else ""
    if v4 and upper.startswith("X-CRM-"):
        return prefix + name[6:] + rest
    if not v4 and not upper.startswith("X-") and upper not in _VCARD3_PROPERTIES:
        return f"{prefix}X-CRM-{name}{rest}"
    return line


def _contact_lines(cp: ContactPoint, v4: bool, group: object) -> list[str]:
    kind = cp.kind
    if kind == "other":
        if cp.label == "email" or "@" in cp.value:
            kind = "email"
        elif cp.label == "phone":
            kind = "phone"
        else:
            return []
    name = {"email": "EMAIL", "phone": "TEL", "url": "URL", "social": "X-SOCIALPROFILE",
            "address": "ADR"}[kind]
    value = escape(cp.value) if kind != "address" else ";;" + escape(cp.value) + ";;;;"
    if kind == "url":
        value = cp.value  # a URI value: written as is, not text-escaped
    params: list[str] = []
    label_line: str | None = None
    label = (cp.label or "").strip()
    words = label.lower().split()
    if kind == "social":
        if label:
            params.append("TYPE=" + _param(label))
    elif label and all(w in _TYPE_WORDS.get(kind, set()) for w in words):
        params.append("TYPE=" + ",".join(words))
    elif label:
        assert callable(group)
        prefix = group()
        name = f"{prefix}.{name}"
        label_line = f"{prefix}.X-ABLabel:" + escape(label)
    if cp.preferred:
        params.append("PREF=1" if v4 else "TYPE=pref")
    line = name + "".join(";" + p for p in params) + ":" + value
    return [line] + ([label_line] if label_line else [])


def _param(text: str) -> str:
    cleaned = text.replace('"', "'").replace("\n", " ")
    if any(ch in cleaned for ch in ";:,") or cleaned != cleaned.strip():
        return f'"{cleaned}"'
    return cleaned


def _birthday(person: Person, v4: bool) -> str | None:
    y, m, d = person.birthday_year, person.birthday_month, person.birthday_day
    if m is not None and d is not None:
        if y is not None:
            return f"BDAY:{y:04d}{m:02d}{d:02d}" if v4 else f"BDAY:{y:04d}-{m:02d}-{d:02d}"
        if v4:
            return f"BDAY:--{m:02d}{d:02d}"
        # 3.0 has no syntax for "no year": Apple's placeholder year, without its
        # X-APPLE-OMIT-YEAR parameter (strict validators refuse parameters on BDAY); the
        # reader takes year 1604 as "no year" either way.
        return f"BDAY:{NO_YEAR}-{m:02d}-{d:02d}"
    if y is not None and v4:
        return f"BDAY:{y:04d}"
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


def write_private(path: Path, text: str) -> None:
    """Write contact data to a file only its owner can read (0600)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(path, 0o600)

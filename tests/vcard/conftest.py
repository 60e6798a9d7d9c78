"""Helpers for the vCard tests: fixture files, the photos inside them, and snapshots of people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from crm.core.contacts.profile import person_detail
from crm.core.db import Database
from crm.core.models import Person

FIXTURES = Path(__file__).parent / "fixtures"
# The photos embedded in iphone.vcf / android.vcf (JPEG) and vcard4.vcf (PNG).
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + bytes(range(256)) * 2 + b"\xff\xd9")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89" + bytes(range(60)))


def fixture(name: str) -> Path:
    return FIXTURES / name


def person(db: Database, name: str) -> dict[str, Any]:
    """``crm show --json`` of the person called ``name``, plus the stored photo bytes."""
    with db.read() as s:
        found = s.scalars(select(Person).where(Person.display_name == name)).all()
        assert len(found) == 1, f"{len(found)} people called {name!r}"
        detail = person_detail(s, found[0].id).to_json()
        detail["photo"] = found[0].photo
        detail["photo_type"] = found[0].photo_type
        detail["uid"] = found[0].uid
        for attr in ("additional_names", "name_prefix", "name_suffix", "birthday_year",
                     "birthday_month", "birthday_day"):
            detail[attr] = getattr(found[0], attr)
        return detail


def snapshot(db: Database) -> list[dict[str, Any]]:
    """Everything a user could see about every person, to compare before and after."""
    with db.read() as s:
        ids = list(s.scalars(select(Person.id).order_by(Person.id)))
        out = []
        for pid in ids:
            d = person_detail(s, pid).to_json()
            d.pop("updated_at", None)
            p = s.get(Person, pid)
            assert p is not None
            d["photo"] = p.photo
            d["uid"] = p.uid
            out.append(d)
        return out


def contacts(detail: dict[str, Any]) -> list[tuple[str, str, str | None, bool]]:
    return [(c["kind"], c["value"], c["label"], c["preferred"])
            for c in detail["contact_points"]]

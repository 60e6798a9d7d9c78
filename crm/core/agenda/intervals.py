"""Keep-in-touch intervals: "every 2 months, at most 4", per person or per tag.

Written as ``10d``, ``3w``, ``2m``, ``1y`` (or a bare number of days); kept as days
(a month is 30 days, a year 365).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.errors import InvalidInput, NotFound
from crm.core.models import Person, Tag
from crm.core.normalize import fold

_INTERVAL = re.compile(r"^\s*(\d{1,4})\s*(d|w|m|y|days?|weeks?|months?|years?)?\s*$",
                       re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
MAX_DAYS = 3650


def parse_interval(text: str, what: str = "interval") -> int | None:
    """``2m`` -> 60 (days); ``""`` -> None (clear it)."""
    if not text.strip():
        return None
    m = _INTERVAL.match(text)
    if not m:
        raise InvalidInput(f"bad {what} {text!r}: use a number of days or 10d, 3w, 2m, 1y")
    days = int(m.group(1)) * _UNIT_DAYS[(m.group(2) or "d")[0].lower()]
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"bad {what} {text!r}: between 1 day and 10 years")
    return days


def describe_days(days: int | None) -> str | None:
    """60 -> "2m", 14 -> "2w", 10 -> "10d": the way it can be typed back."""
    if days is None:
        return None
    for unit, size in (("y", 365), ("m", 30), ("w", 7)):
        if days % size == 0:
            return f"{days // size}{unit}"
    return f"{days}d"


@dataclass(frozen=True)
class KeepInTouch:
    """Whom it is for (a person or a tag) and how often."""

    subject: str  # "person" or "tag"
    id: int
    name: str
    every_days: int | None
    at_most_days: int | None

    def to_json(self) -> dict[str, Any]:
        return {self.subject: self.name, "id": self.id, "every_days": self.every_days,
                "at_most_days": self.at_most_days, "every": describe_days(self.every_days),
                "at_most": describe_days(self.at_most_days)}


def _apply(row: Person | Tag, every: str | None, at_most: str | None) -> None:
    new_every = parse_interval(every, "--every") if every is not None else row.keep_every_days
    new_most = (parse_interval(at_most, "--at-most") if at_most is not None
                else row.keep_at_most_days)
    if new_every is not None and new_most is not None and new_most < new_every:
        raise InvalidInput(f"--at-most ({describe_days(new_most)}) is shorter than --every "
                           f"({describe_days(new_every)})")
    row.keep_every_days, row.keep_at_most_days = new_every, new_most


def set_person_interval(session: Session, person: Person, *, every: str | None = None,
                        at_most: str | None = None) -> KeepInTouch:
    """Keep in touch with ``person`` every ``every``, at most ``at_most`` ("" clears)."""
    _apply(person, every, at_most)
    session.flush()
    return KeepInTouch("person", person.id, person.display_name, person.keep_every_days,
                       person.keep_at_most_days)


def find_tag(session: Session, name: str) -> Tag:
    wanted = fold(name).strip()
    for tag in session.scalars(select(Tag)):
        if fold(tag.name).strip() == wanted:
            return tag
    raise NotFound(f"no tag {name!r} (tags are given with crm edit person PERSON --tags)")


def set_tag_interval(session: Session, tag: Tag, *, every: str | None = None,
                     at_most: str | None = None) -> KeepInTouch:
    """Keep in touch with everyone tagged ``tag`` (a person's own interval wins)."""
    _apply(tag, every, at_most)
    session.flush()
    return KeepInTouch("tag", tag.id, tag.name, tag.keep_every_days, tag.keep_at_most_days)

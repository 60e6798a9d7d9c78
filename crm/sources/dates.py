"""The date forms contact exports write, read into dates or partial dates.

LinkedIn writes ``15 Mar 2024`` (connections), ``Sep 2025`` or ``2019`` (positions, studies),
``3/15/24, 2:31 PM`` (invitations, applications, recommendations), ``2024-03-15 14:31:02 UTC``
(messages); older exports ``03/15/2024``. Google and Outlook write ``1990-04-15``,
``--04-15`` (no year) or ``4/15/1990``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1)}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_YEAR = re.compile(r"^(\d{4})$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


class BadDate(ValueError):
    pass


def _year(text: str) -> int:
    year = int(text)
    # Two-digit years are this century's: LinkedIn began in 2003.
    return 2000 + year if len(text) == 2 else year


def read_date(value: str) -> date | None:
    """A whole date, None for an empty cell; ``BadDate`` for text that is not one."""
    text = value.strip()
    if not text:
        return None
    text = text.split(",", 1)[0].strip()  # "3/15/24, 2:31 PM"
    if (len(text) > 10 and text[4] == "-" and text[7] == "-" and text[10] in " T"
            and "\n" not in text):
        # "2024-03-15 14:31:02 UTC": only the day is read, and days repeat (messages).
        day = _day(text[:10])
        if day is not None:
            return day
    found = _day(text)
    if found is None:
        raise BadDate(value)
    return found


@lru_cache(maxsize=8192)
def _day(text: str) -> date | None:
    """The date ``text`` (stripped, with no time after a comma) is, or None."""
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DAY_MONTH_YEAR.match(text):
            month = _MONTHS.get(m[2].lower())
            if month is not None:
                return date(int(m[3]), month, int(m[1]))
        if m := _SLASHED.match(text):  # month first: LinkedIn and Outlook write US dates
            return date(_year(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        pass
    return None


def read_partial_date(value: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` for the forms above, None for an empty cell."""
    text = value.strip()
    if not text:
        return None
    if m := _YEAR.match(text):
        return m[1]
    if m := _MONTH_YEAR.match(text):
        month = _MONTHS.get(m[1].lower())
        if month is not None:
            return f"{m[2]}-{month:02d}"
        raise BadDate(value)
    return read_date(text).isoformat()  # type: ignore[union-attr]


def read_birthday(value: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a birthday cell; a year may be unknown (``--04-15``)."""
    text = value.strip()
    if not text:
        return None, None, None
    if m := _NO_YEAR.match(text):
        month, day = int(m[1]), int(m[2])
        try:
            date(2000, month, day)  # a leap year: 29 February is a birthday
        except ValueError:
            raise BadDate(value) from None
        return None, month, day
    d = read_date(text)
    assert d is not None
    return d.year, d.month, d.day

"""Normalized forms used to match and search: folded text, emails, phones, company names, dates."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from functools import lru_cache

from crm.core.errors import InvalidInput

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Stripped from the end of company names so that "Stripe, Inc." matches "stripe".
_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "co",
    "company", "plc", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "oy", "ab", "srl",
    "spa", "pty", "kk", "kg", "se", "lp", "pte", "pvt",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fold(text: str) -> str:
    """Lowercase, accent-free, compatibility-normalized text ("Müller" -> "muller")."""
    if text.isascii():  # nothing to decompose, strip or translate: the common case, fast
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _COMBINING.sub("", decomposed)
    # Letters that do not decompose but users type without the accent.
    stripped = stripped.translate(_EXTRA_FOLDS)
    return unicodedata.normalize("NFC", stripped).casefold()


_EXTRA_FOLDS = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE",
                              "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                              "ı": "i"})


def words(text: str) -> list[str]:
    """Folded words of ``text``, punctuation removed."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


@lru_cache(maxsize=8192)  # company names repeat across an import's cards
def company_key(name: str) -> str:
    """Case-, accent-, punctuation- and legal-suffix-insensitive key of a company name."""
    parts = words(name.replace("&", " and ").replace(".", ""))
    while len(parts) > 1 and parts[-1] in _LEGAL_SUFFIXES:
        parts.pop()
    return " ".join(parts)


def normalize_email(value: str) -> str:
    return value.strip().casefold()


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def email_domain(value: str) -> str | None:
    value = normalize_email(value)
    if "@" not in value:
        return None
    return value.rsplit("@", 1)[1] or None


def normalize_domain(value: str) -> str:
    value = value.strip().casefold()
    value = re.sub(r"^[a-z]+://", "", value)
    value = value.split("/", 1)[0]
    if value.startswith("www."):
        value = value[4:]
    if value.startswith("@"):
        value = value[1:]
    return value


def default_region() -> str:
    return os.environ.get("CRM_DEFAULT_REGION", "US").upper()


def normalize_phone(value: str, region: str | None = None) -> str:
    """E.164 where the number parses, otherwise its digits (keeping a leading +).

    The stored value the user typed is never changed; this form is only used for matching.
    """
    import phonenumbers

    raw = value.strip()
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    try:
        parsed = phonenumbers.parse(raw, region or default_region())
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"[^\d]", "", raw)
    return ("+" if raw.startswith("+") else "") + digits


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_partial_date(value: str) -> str:
    """Validate ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and return it zero-padded."""
    text = value.strip()
    m = _PARTIAL_DATE.match(text)
    if not m:
        raise InvalidInput(f"bad date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        raise InvalidInput(f"bad date {value!r}: month must be 01-12")
    if day is None:
        return f"{year}-{int(month):02d}"
    try:
        date(int(year), int(month), int(day))
    except ValueError as err:
        raise InvalidInput(f"bad date {value!r}: {err}") from None
    return f"{year}-{int(month):02d}-{int(day):02d}"


def partial_date_bounds(value: str | None) -> tuple[date | None, date | None]:
    """Earliest and latest day a partial date can mean (None for unknown)."""
    if not value:
        return None, None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        y, m = parts
        last = (date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1)
        return date(y, m, 1), date.fromordinal(last)
    d = date(parts[0], parts[1], parts[2])
    return d, d


def span_text(start: str | None, end: str | None, current: bool, *, to: str = " - ") -> str:
    """When a position was held, as both faces print it: "2021-06 - now", "? - 2019"."""
    return f"{start or '?'}{to}{end or ('now' if current else '?')}"

from __future__ import annotations

import pytest

from crm.core.errors import InvalidInput
from crm.core.normalize import (
    company_key,
    fold,
    normalize_domain,
    normalize_phone,
    parse_partial_date,
    partial_date_bounds,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Robotics, Inc.", "acme robotics"),
        ("Stripe, Inc.", "STRIPE"),
        ("Google LLC", "google"),
        ("Société Générale S.A.", "societe generale"),
        ("AT&T", "at and t"),
    ],
)
def test_company_names_match_ignoring_case_punctuation_and_suffixes(a: str, b: str) -> None:
    assert company_key(a) == company_key(b)


def test_a_suffix_alone_is_still_a_name() -> None:
    assert company_key("Company") == "company"


def test_fold_removes_accents_for_search() -> None:
    assert fold("Zoë Müller") == "zoe muller"
    assert fold("Søren Łukasz") == "soren lukasz"


def test_phone_numbers_normalize_to_e164() -> None:
    assert normalize_phone("(415) 555-0100") == "+14155550100"
    assert normalize_phone("+49 30 5550 1234") == "+493055501234"
    assert normalize_phone("tel:+1-415-555-0100") == "+14155550100"
    assert normalize_phone("+44 20 7946 0958", region="US") == "+442079460958"


def test_unparseable_phone_keeps_its_digits() -> None:
    assert normalize_phone("ext 12") == "12"


def test_domains_normalize() -> None:
    assert normalize_domain("https://www.Stripe.com/jobs") == "stripe.com"
    assert normalize_domain("@stripe.com") == "stripe.com"


@pytest.mark.parametrize(("raw", "stored"), [("2024", "2024"), ("2024-5", "2024-05"),
                                              ("2024-05-07", "2024-05-07")])
def test_partial_dates_keep_their_precision(raw: str, stored: str) -> None:
    assert parse_partial_date(raw) == stored


@pytest.mark.parametrize("raw", ["2024-13", "2024-02-30", "May 2024", "24", ""])
def test_bad_dates_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_partial_date(raw)


def test_partial_date_bounds_cover_the_whole_period() -> None:
    lo, hi = partial_date_bounds("2024-02")
    assert (lo.isoformat(), hi.isoformat()) == ("2024-02-01", "2024-02-29")  # type: ignore[union-attr]
    lo, hi = partial_date_bounds("2023")
    assert (lo.isoformat(), hi.isoformat()) == ("2023-01-01", "2023-12-31")  # type: ignore[union-attr]


def _fold_by_definition(text: str) -> str:
    import re
    import unicodedata

    stripped = re.sub(r"[\u0300-\u036f]", "", unicodedata.normalize("NFKD", text))
    stripped = stripped.translate(str.maketrans({"ø": "o", "ß": "ss", "ł": "l"}))
    return unicodedata.normalize("NFC", stripped).casefold()


@pytest.mark.parametrize("text", ["Software Engineer", "ACME, Inc.", "a\tb\x1b[31m", "",
                                  "Zoë", "Straße", "ǅemal", "ﬁnance", "Ⅻ"])
def test_fold_is_the_same_whether_or_not_text_is_ascii(text: str) -> None:
    # ASCII text takes a short cut (it has nothing to decompose); the answer is the same.
    assert fold(text) == _fold_by_definition(text)

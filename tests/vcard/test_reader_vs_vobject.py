"""Our reader cross-checked against vobject on the fixture cards vobject can parse.

vobject gets FN, N, EMAIL, TEL and UID right once the file has been decoded and unfolded
for it (it takes no bytes, no BOM, no quoted-printable soft breaks), so on those properties
both readers must agree. Values with an unescaped comma are left out: vobject cuts them at
the comma, a known vobject bug our reader exists to avoid (see test_reader.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import vobject

from crm.core.cards import Card, CardRejected
from crm.vcard.reader import RawCard, kept_line, logical_lines, parse_prop, read_path
from tests.vcard.conftest import fixture

_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
# How many cards of each family both readers read (messy.vcf: the three cards with a broken
# line, which vobject cannot read, are not compared).
FAMILIES = {"iphone.vcf": 3, "android.vcf": 2, "google.vcf": 2, "outlook.vcf": 1,
            "vcard4.vcf": 2, "messy.vcf": 4}


def vobject_input(raw: RawCard) -> str:
    """The card as vobject can take it: unfolded by us, quoted-printable decoded by us."""
    out = []
    for number, line in logical_lines(raw):
        if "QUOTED-PRINTABLE" in line.split(":", 1)[0].upper():
            line = kept_line(parse_prop(number, line))
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def whole(value: Any) -> str | None:
    """A vobject text value, or None when vobject may have cut it at a comma."""
    if isinstance(value, list | tuple):
        return None
    return str(value)


def comma_free(line: Any) -> bool:
    raw = line.value if isinstance(line.value, str) else ""
    return not _UNESCAPED_COMMA.search(raw)


def compared_cards(name: str) -> list[tuple[Card, Any]]:
    pairs = []
    for item in read_path(fixture(name)):
        if not isinstance(item, RawCard):
            continue
        try:
            ours = item.parse()
        except CardRejected:
            continue
        if any(p.damaged for p in ours.problems):
            continue  # a card with a broken line: vobject stops at it
        theirs = vobject.readOne(vobject_input(item))
        pairs.append((ours, theirs))
    return pairs


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_reader_agrees_with_vobject(name: str) -> None:
    pairs = compared_cards(name)
    assert len(pairs) == FAMILIES[name]
    checked: set[str] = set()
    for ours, theirs in pairs:
        contents = theirs.contents
        if "fn" in contents and whole(contents["fn"][0].value) is not None:
            assert ours.display_name == contents["fn"][0].value.strip()
            checked.add("FN")
        if "uid" in contents:
            assert ours.uid == contents["uid"][0].value.strip()
            checked.add("UID")
        if "n" in contents:
            checked.add("N")
            n = contents["n"][0].value
            for field, part in (("family", ours.family_name), ("given", ours.given_name),
                                ("additional", ours.additional_names),
                                ("prefix", ours.name_prefix), ("suffix", ours.name_suffix)):
                value = whole(getattr(n, field))
                if value is not None:
                    assert (part or "") == value.strip(), field
        for prop, kind in (("email", "email"), ("tel", "phone")):
            lines = contents.get(prop, [])
            mine = [c.value for c in ours.contacts if c.kind == kind]
            theirs_values = [str(x.value).strip() for x in lines]
            # A 4.0 tel: URI is stored as the number it names.
            theirs_values = [v[4:] if v.lower().startswith("tel:") else v
                             for v in theirs_values]
            assert all(comma_free(x) for x in lines)
            assert mine == theirs_values, prop
            if lines:
                checked.add(prop.upper())
    # Every family has names, emails and phones to compare (vCard 4.0 cards have UIDs).
    assert {"FN", "N", "EMAIL", "TEL"} <= checked
    assert ("UID" in checked) == (name == "vcard4.vcf")

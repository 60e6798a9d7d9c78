"""An address kept as its parts (a vCard ADR): post office box, extended address, street,
locality, region, postal code, country; stored as a JSON list in ``address_parts``."""

from __future__ import annotations

import json

PART_NAMES = ("po_box", "extended", "street", "locality", "region", "postal_code", "country")


def encode_parts(parts: tuple[str, ...] | list[str] | None) -> str | None:
    """The stored form of an address's parts (None when there are none)."""
    if not parts or not any(parts):
        return None
    return json.dumps(list(parts), ensure_ascii=False)


def decode_parts(stored: str | None) -> list[str] | None:
    if not stored:
        return None
    try:
        value = json.loads(stored)
    except ValueError:
        return None
    return [str(x) for x in value] if isinstance(value, list) else None


def parts_view(stored: str | None) -> dict[str, str] | None:
    """The parts by name, as ``crm show --json`` gives them (a part beyond the seven of a
    vCard ADR is joined to the country, so none is lost)."""
    parts = decode_parts(stored)
    if parts is None:
        return None
    named = (parts + [""] * 7)[:7]
    if len(parts) > 7:
        named[6] = "; ".join(x for x in parts[6:] if x)
    return dict(zip(PART_NAMES, named, strict=True))

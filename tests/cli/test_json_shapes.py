"""The keys (and their order) of `crm show --json` and `crm who --json` on the demo network
stay what the README's CLI contract promises: a snapshot taken before core's views became
typed dataclasses (tests/cli/json_shapes.json), compared on every person and company.

Set CRM_UPDATE_JSON_SHAPES=1 to write the snapshot again (only when the contract changes).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("json_shapes.json")

Shape = Any  # "value", or [[key, Shape], ...], or ["[]", Shape]


def shape(value: object) -> Shape:
    """Keys in order, nested; a list's shape is the union of its items' ("[]", …)."""
    if isinstance(value, dict):
        return [[key, shape(item)] for key, item in value.items()]
    if isinstance(value, list):
        merged: Shape = "value"
        for item in value:
            merged = merge(merged, shape(item))
        return ["[]", merged]
    return "value"


def merge(a: Shape, b: Shape) -> Shape:
    if a == "value":
        return b
    if b == "value":
        return a
    if a and a[0] == "[]" and b and b[0] == "[]":
        return ["[]", merge(a[1], b[1])]
    common_a = [key for key, _ in a if key in {k for k, _ in b}]
    common_b = [key for key, _ in b if key in {k for k, _ in a}]
    assert common_a == common_b, f"keys in another order: {common_a} vs {common_b}"
    out = [list(pair) for pair in a]
    index = {pair[0]: i for i, pair in enumerate(out)}
    for key, sub in b:
        if key in index:
            out[index[key]][1] = merge(out[index[key]][1], sub)
        else:
            index[key] = len(out)
            out.append([key, sub])
    return out


def _shapes(crm: Any) -> dict[str, Shape]:
    assert crm("demo").exit_code == 0
    people = crm("people", "--json").json()
    companies = crm("companies", "--json").json()
    shown: Shape = "value"
    for person in people:
        r = crm("show", f"#{person['id']}", "--json")
        assert r.exit_code == 0, r.stderr
        shown = merge(shown, shape(r.json()))
    who: Shape = "value"
    for company in companies:
        r = crm("who", f"#{company['id']}", "--json")
        assert r.exit_code == 0, r.stderr
        who = merge(who, shape(r.json()))
    return {"show": shown, "who": who}


def test_show_and_who_json_keep_their_keys_and_order(crm: Any) -> None:
    shapes = _shapes(crm)
    if os.environ.get("CRM_UPDATE_JSON_SHAPES"):
        SNAPSHOT.write_text(json.dumps(shapes, indent=1) + "\n", encoding="utf-8")
    assert shapes == json.loads(SNAPSHOT.read_text(encoding="utf-8"))

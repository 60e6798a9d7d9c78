"""`--json` output is exactly what ``json.dumps(..., ensure_ascii=False, indent=2,
default=str)`` writes, whatever the data (crm.cli.output.json_text is a faster copy)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.cli.output import json_text

_leaves = (st.none() | st.booleans() | st.integers() | st.floats()
           | st.text() | st.dates() | st.just(float("nan")))
_keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
_data = st.recursive(_leaves, lambda inner: st.lists(inner, max_size=4)
                     | st.tuples(inner, inner) | st.dictionaries(_keys, inner, max_size=4),
                     max_leaves=30)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@settings(max_examples=400)
@given(_data)
def test_the_same_text_as_json_dumps(data: Any) -> None:
    assert json_text(data) == _dumps(data)


def test_nested_empty_and_odd_values() -> None:
    data = {"a": [], "b": {}, "c": [{"d": None, 1: True, 2.5: "é\u2028\"\\\n"}],
            "e": date(2024, 3, 15), "f": (1, -0.0, float("inf"), float("-inf"))}
    assert json_text(data) == _dumps(data)
    assert json_text([]) == "[]" and json_text("x") == '"x"'

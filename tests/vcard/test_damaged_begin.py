"""A card whose BEGIN line is damaged is a rejected, kept card: alone in its file or not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DAMAGED = "BEGN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\nEND:VCARD\r\n"
GOOD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("content", [DAMAGED, GOOD + DAMAGED, DAMAGED.replace("BEGN", "BEGIN;")],
                         ids=["alone", "after a good card", "other damage"])
def test_a_damaged_begin_line_is_a_rejected_kept_card(crm: Any, tmp_path: Path,
                                                      content: str) -> None:
    path = tmp_path / "one.vcf"
    path.write_text(content, newline="")
    result = crm("import", str(path), "--json")
    assert result.exit_code == 1, result.stderr
    report = result.json()
    line = content.index("BEGN") if "BEGN" in content else content.index("BEGIN;")
    assert [(r["file"], r["line"]) for r in report["rejected"]] == [
        (str(path), content[:line].count("\r\n") + 1)]
    kept = crm("import", "--rejected", "--json").json()
    assert len(kept) == 1
    out = tmp_path / "fix-me.vcf"
    assert crm("import", "--rejected", "-o", str(out)).exit_code == 0
    assert "FN:Ada Lovelace" in out.read_text()  # the card's text is kept whole


def test_text_without_a_card_structure_is_still_not_a_vcard_file(crm: Any,
                                                                 tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("VERSION: 2\nFN is a key on my keyboard\n")  # no END:VCARD
    result = crm("import", str(notes))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"crm: {notes}: not a vCard file (no BEGIN:VCARD "
                                          "line)"]

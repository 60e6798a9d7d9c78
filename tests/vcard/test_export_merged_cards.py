"""A person who is several cards merged (Marcus's card, then Marc's matched by the same
phone) is exported with the lines crm does not map of each card, not only of the latest;
a later version of one card speaks for that card (crm.core.unmapped)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.cli import test_import_match as matched

# Marcus's and Marc's cards (merged by the same phone), each with lines crm does not map.
MARCUS = matched.MARCUS.replace(
    "END:VCARD", "X-CUSTOM-A:alpha\nitem1.X-FAVOURITE:tea\nitem1.X-ABLabel:drink\nEND:VCARD")
MARC = matched.MARC.replace(
    "END:VCARD", "X-CUSTOM-B:beta\nitem1.X-FAVOURITE:chess\nitem1.X-ABLabel:game\nEND:VCARD")
# Marc's card exported by the phone again: a note added, X-CUSTOM-B deleted, another added.
MARC_LATER = MARC.replace("X-CUSTOM-B:beta\n", "X-CUSTOM-B2:gamma\nNOTE:met again\n")


def _export(crm: Any) -> str:
    r = crm("export", "vcard")
    assert r.exit_code == 0, r.stderr
    text: str = r.stdout
    return text


def _groups(text: str) -> dict[str, set[str]]:
    """Each item group's lines (without its name): {group: {line, …}}."""
    out: dict[str, set[str]] = {}
    for m in re.finditer(r"^(item\d+)\.(.*?)\r?$", text, re.M | re.I):
        out.setdefault(m.group(1).lower(), set()).add(m.group(2))
    return out


def _import(crm: Any, path: Path, text: str) -> None:
    path.write_text(text)
    r = crm("import", str(path))
    assert r.exit_code == 0, r.stderr


def test_each_merged_cards_unmapped_lines_are_exported(crm: Any, tmp_path: Path) -> None:
    _import(crm, tmp_path / "a.vcf", MARCUS)
    _import(crm, tmp_path / "b.vcf", MARC)
    assert len(crm("people", "--json").json()) == 1  # merged by the phone
    text = _export(crm)
    assert "X-CUSTOM-A:alpha" in text and "X-CUSTOM-B:beta" in text
    # Each card's label stays with its own line, in a group of its own.
    groups = sorted(sorted(g) for g in _groups(text).values())
    assert groups == [["X-ABLABEL:drink", "X-FAVOURITE:tea"],
                      ["X-ABLABEL:game", "X-FAVOURITE:chess"]], text


def test_our_export_of_merged_cards_imports_again_with_nothing_changed(
        crm: Any, tmp_path: Path) -> None:
    _import(crm, tmp_path / "a.vcf", MARCUS)
    _import(crm, tmp_path / "b.vcf", MARC)
    first = _export(crm)
    _import(crm, tmp_path / "export.vcf", first)
    again = _export(crm)
    assert again == first
    lines = again.splitlines()
    assert len(lines) == len(set(lines)), again  # no line written twice


def test_a_later_version_of_one_card_speaks_for_that_card(crm: Any, tmp_path: Path) -> None:
    _import(crm, tmp_path / "a.vcf", MARCUS)
    _import(crm, tmp_path / "b.vcf", MARC)
    _import(crm, tmp_path / "b2.vcf", MARC_LATER)
    text = _export(crm)
    assert "X-CUSTOM-B2:gamma" in text
    assert "X-CUSTOM-B:beta" not in text  # deleted on the phone: it does not come back
    assert "X-CUSTOM-A:alpha" in text  # Marcus's card said nothing about it
    assert len(_groups(text)) == 2


def test_what_another_app_added_to_our_card_stays_and_the_phone_still_speaks_for_its_card(
        crm: Any, tmp_path: Path) -> None:
    """crm's own card of the person (an export edited elsewhere, imported back) adds its
    new lines; it does not stand in for the phone's cards it was made from."""
    _import(crm, tmp_path / "a.vcf", MARCUS)
    _import(crm, tmp_path / "b.vcf", MARC)
    edited = _export(crm).replace("END:VCARD", "X-OTHER-APP:kept\r\nNOTE:from the other app\r\n"
                                  "END:VCARD")
    _import(crm, tmp_path / "edited.vcf", edited)
    _import(crm, tmp_path / "b2.vcf", MARC_LATER)
    text = _export(crm)
    assert "X-OTHER-APP:kept" in text
    assert "X-CUSTOM-A:alpha" in text and "X-CUSTOM-B2:gamma" in text
    assert "X-CUSTOM-B:beta" not in text


def test_a_card_whose_only_change_is_a_line_crm_keeps_is_recorded_not_dropped(
        crm: Any, tmp_path: Path) -> None:
    """Re-imported with an X- line changed and nothing else, a card was "unchanged" and not
    recorded: the export kept writing the old line."""
    _import(crm, tmp_path / "a.vcf", MARCUS)
    path = tmp_path / "a2.vcf"
    path.write_text(MARCUS.replace("X-CUSTOM-A:alpha", "X-CUSTOM-A:alpha two"))
    report = crm("import", str(path), "--json").json()
    assert (report["updated"], report["unchanged"]) == (1, 0)
    text = _export(crm)
    assert "X-CUSTOM-A:alpha two" in text and "X-CUSTOM-A:alpha\r\n" not in text
    # Deleted on the phone (and nothing else changed): not written any more.
    _import(crm, tmp_path / "a3.vcf", MARCUS.replace("X-CUSTOM-A:alpha\n", ""))
    assert "X-CUSTOM-A" not in _export(crm)
    # The same again, or our own export of it, changes nothing.
    again = crm("import", str(tmp_path / "a3.vcf"), "--json").json()
    assert again["unchanged"] == 1
    (tmp_path / "ours.vcf").write_text(_export(crm))
    ours = crm("import", str(tmp_path / "ours.vcf"), "--json").json()
    assert (ours["updated"], ours["unchanged"]) == (0, 1)


def test_a_property_a_card_has_once_is_written_once(crm: Any, tmp_path: Path) -> None:
    _import(crm, tmp_path / "a.vcf", MARCUS.replace("END:VCARD", "REV:2024-01-01T00:00:00Z\n"
                                                                 "END:VCARD"))
    _import(crm, tmp_path / "b.vcf", MARC.replace("END:VCARD", "REV:2025-06-01T00:00:00Z\n"
                                                             "END:VCARD"))
    text = _export(crm)
    assert re.findall(r"^REV:.*$", text, re.M) == ["REV:2025-06-01T00:00:00Z\r"]

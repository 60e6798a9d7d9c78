"""The windowed table's text handling: literal, control-free, cut only for display."""

from __future__ import annotations

from rich.cells import cell_len

from crm.tui.widgets.lazy_table import fit, literal_cell


def test_markup_is_kept_as_text_and_control_characters_are_replaced() -> None:
    assert literal_cell("[b]x[/b]") == "[b]x[/b]"
    assert literal_cell("Eve\x1b[31mRed\x07") == "Eve\ufffd[31mRed\ufffd"
    assert literal_cell("Zoë Müller 山田") == "Zoë Müller 山田"
    assert literal_cell(None) == "" and literal_cell(3) == "3"


def test_fit_pads_or_cuts_to_exact_cells_with_an_ellipsis() -> None:
    assert fit("Ada", 6) == "Ada   "
    assert fit("Ada Lovelace", 6) == "Ada L…"
    assert cell_len(fit("山田太郎さん", 7)) == 7
    assert fit("anything", 0) == ""

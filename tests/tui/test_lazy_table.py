"""The windowed table's text handling: literal, control-free, cut only for display."""

from __future__ import annotations

from rich.cells import cell_len

from crm.tui.widgets.lazy_table import fit


def test_fit_pads_or_cuts_to_exact_cells_with_an_ellipsis() -> None:
    assert fit("Ada", 6) == "Ada   "
    assert fit("Ada Lovelace", 6) == "Ada L…"
    assert cell_len(fit("山田太郎さん", 7)) == 7
    assert fit("anything", 0) == ""

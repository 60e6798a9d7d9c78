"""The one rendering rule (crm.core.terminal_text): what a terminal would act on or hide is
shown as the escape Python writes for it; everything visible is kept as it is."""

from __future__ import annotations

import json

from crm.core.terminal_text import json_for_terminal, one_line, terminal_text


def test_visible_text_and_markup_are_kept_as_they_are() -> None:
    for text in ("Zoë Müller 山田", "[b]x[/b] [@click=app.quit]", "O'Neil-Smith ß 🙂", ""):
        assert terminal_text(text) == text
    assert terminal_text(None) == "" and terminal_text(3) == "3"


def test_controls_sequences_and_invisible_characters_are_shown_escaped() -> None:
    assert terminal_text("Zed\x1b]52;c;SU1Q\x07") == "Zed\\x1b]52;c;SU1Q\\x07"
    assert terminal_text("a\x1b[2Jb\x9b31m\x85\x7f\x08") == "a\\x1b[2Jb\\x9b31m\\x85\\x7f\\x08"
    assert terminal_text("\u202eevil\u202c \u2066x\u2069") == "\\u202eevil\\u202c \\u2066x\\u2069"
    assert terminal_text("a\u200bb\ufeff\u2060\u2028\u200e") == \
        "a\\u200bb\\ufeff\\u2060\\u2028\\u200e"
    assert terminal_text("tag\U000e0041") == "tag\\U000e0041"


def test_newlines_and_tabs_only_where_the_layout_has_lines() -> None:
    assert terminal_text("a\nb\tc\r\nd") == "a\\x0ab\\x09c\\x0d\\x0ad"
    assert terminal_text("a\nb\tc\r\nd\re", multiline=True) == "a\nb\tc\nd\\x0de"
    assert one_line("a\nb\tc\r\nd\x1b") == "a b c d\\x1b"


def test_joiners_inside_writing_are_kept_elsewhere_shown() -> None:
    family = "👩\u200d👩\u200d👧"
    assert terminal_text(family) == family
    assert terminal_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian: a non-joiner
    assert terminal_text("\u200dx") == "\\u200dx" and terminal_text("x \u200d") == "x \\u200d"


def test_json_for_terminal_is_the_same_json_without_raw_controls() -> None:
    data = {"name": "x\u202e\x85\x9b\x1b😀\u200b\u2028", "n": [1, "\U000e0041"]}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    shown = json_for_terminal(text)
    assert json.loads(shown) == data
    assert all(ch.isprintable() or ch == "\n" for ch in shown)
    assert "😀" in shown  # visible characters stay as they are

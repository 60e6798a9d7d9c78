"""The one rendering rule for text from data on a terminal, used by every face.

A contact's name, note or tag may hold anything a vCard, a CSV or a hand-edited backup can
carry: C0 and C1 control characters, whole escape sequences (OSC 52 rewrites the clipboard,
CSI 2J blanks the screen), DEL, bidi overrides and isolates that reorder what follows, and
invisible format characters. A terminal must show such text, never act on it. So every
character that is not plain visible text is shown as the escape Python writes for it
(``\\x1b``, ``\\u202e``): visible, unambiguous, and the same in the CLI and the TUI.

Kept as they are: every printable character, the space, and (only where the layout shows
several lines: ``multiline=True``) newlines and tabs. A zero-width joiner or non-joiner
between two visible characters is part of the writing (emoji sequences, Persian, Indic
scripts) and is kept; anywhere else it is shown escaped like any other format character.

Rich or Textual markup is not this module's business: text from data is only ever put into
``Text``/``Content`` objects built from plain strings, so ``[b]`` stays ``[b]``.
"""

from __future__ import annotations

_JOINERS = frozenset("\u200c\u200d")


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _visible(ch: str) -> bool:
    return ch.isprintable() and not ch.isspace()


def terminal_text(value: object, *, multiline: bool = False) -> str:
    """``value`` as text a terminal shows literally: see the module's docstring."""
    text = "" if value is None else str(value)
    if text.isprintable():  # the common case: nothing to do (a space is printable)
        return text
    if multiline:
        text = text.replace("\r\n", "\n")
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        kept = (ch.isprintable() or (multiline and ch in "\n\t")
                or (ch in _JOINERS and 0 < i < last and _visible(text[i - 1])
                    and _visible(text[i + 1])))
        out.append(ch if kept else _escape(ch))
    return "".join(out)


def one_line(value: object) -> str:
    """``value`` on a single line (newlines and tabs as spaces), otherwise as above."""
    text = "" if value is None else str(value)
    return terminal_text(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def json_for_terminal(text: str) -> str:
    """A JSON document (as ``json.dumps`` wrote it) with every character a terminal would act
    on or hide written as a ``\\uXXXX`` escape: the same JSON value, safe to print."""
    # json.dumps escapes C0 controls itself and writes nothing else unprintable outside a
    # string (newlines and spaces only), so each such character is inside a string.
    # Line by line: a line that is all printable (nearly every one) is checked at C speed
    # and kept as it is; only the others are looked at a character at a time (8 MB of
    # `crm duplicates --json` at 100k people: 0.42 -> 0.07 s CPU).
    lines = text.split("\n")
    if all(map(str.isprintable, lines)):
        return text
    return "\n".join(line if line.isprintable() else
                     "".join(ch if ch.isprintable() else _json_escape(ch) for ch in line)
                     for line in lines)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    # Outside the BMP JSON escapes are a surrogate pair.
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

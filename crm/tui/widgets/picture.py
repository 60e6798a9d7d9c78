"""A drawing made of text: a pure layout gives lines of (text, role) pieces for a width; the
widget styles each role from the theme (component classes) and redraws when its width
changes. The timeline and the paths tree are pictures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget


@dataclass(frozen=True)
class Piece:
    """A run of characters drawn in one role ("bar", "axis", "name", …)."""

    text: str
    role: str = ""


Line = tuple[Piece, ...]


def plain(lines: Sequence[Line]) -> list[str]:
    """The characters of a picture, one string a line (what a user reads, without colour)."""
    return ["".join(p.text for p in line).rstrip() for line in lines]


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis (names are single-width here: they
    went through terminal_text, and a picture only lays out, it never wraps)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


def clip(line: Sequence[Piece], width: int) -> Line:
    """``line`` cut to ``width`` cells; a cut piece ends with an ellipsis."""
    out: list[Piece] = []
    room = width
    for piece in line:
        if room <= 0:
            break
        if len(piece.text) > room:
            out.append(Piece(fit(piece.text, room), piece.role))
            break
        out.append(piece)
        room -= len(piece.text)
    return tuple(out)


class Picture(Widget):
    """Renders ``draw(width)``; ``ROLES`` are its component classes (``picture--ROLE``)."""

    DEFAULT_CSS = """
    Picture {
        height: auto;
        padding: 0 0 0 2;
    }
    """
    ROLES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._drawn: tuple[int, Sequence[Line]] | None = None

    def draw(self, width: int) -> Sequence[Line]:
        raise NotImplementedError

    def lines(self, width: int) -> Sequence[Line]:
        if self._drawn is None or self._drawn[0] != width:
            self._drawn = (width, self.draw(width))
        return self._drawn[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.lines(width)))

    def role_style(self, role: str) -> Style:
        """A role's colour and text style from the theme, its alpha blended over the
        background (a muted colour is a translucent one), the background left alone."""
        full = self.get_component_rich_style(f"picture--{role}", partial=False)
        return Style(color=full.color, bold=full.bold, italic=full.italic,
                     underline=full.underline)

    def render(self) -> Text:
        styles = {role: self.role_style(role) for role in self.ROLES}
        out = Text(no_wrap=True, overflow="crop", end="")
        for i, line in enumerate(self.lines(self.size.width)):
            if i:
                out.append("\n")
            for piece in line:
                style = styles.get(piece.role)
                out.append(piece.text, style=style or "")
        return out

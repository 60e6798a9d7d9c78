"""A person's positions drawn to scale: years on one axis, one bar per position (block
characters for sub-cell precision), open-ended ones to today, where our times at the same
company overlapped highlighted, and the undated ones listed under the chart.

``timeline()`` is the whole layout, pure (no terminal); ``TimelinePicture`` only renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from crm.core.contacts.profile import PositionView
from crm.core.normalize import partial_date_bounds
from crm.core.terminal_text import terminal_text as shown
from crm.tui.widgets.picture import Line, Picture, Piece, clip, fit

# A bar's end within a cell, in eighths (its start is drawn to the half cell: ▐).
EIGHTHS = " ▏▎▍▌▋▊▉█"
FULL = "█"
RIGHT_HALF = "▐"
MINE = "━"
ONGOING = "▸"
# Years between labels on the axis, the smallest whose labels fit.
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)

Span = tuple[date, date]  # first and last day, both included


@dataclass(frozen=True)
class Bar:
    """One dated position on the chart."""

    position_id: int
    label: str  # "Company · title", ready for the terminal
    start: date
    end: date  # its last day (today for an ongoing one)
    ongoing: bool  # current with no end: drawn to today
    end_known: bool  # False: a past position with no end, drawn over its start period
    mine: tuple[Span, ...]  # my (dated) positions at the same company
    overlaps: tuple[Span, ...]  # where theirs and mine overlap


@dataclass(frozen=True)
class Timeline:
    first: date  # 1 January of the first year on the axis
    last: date  # 31 December of the last
    label_width: int
    chart_width: int
    bars: tuple[Bar, ...]
    undated: tuple[str, ...]  # positions with no start: "Company (title)", listed aside
    lines: tuple[Line, ...]

    def column(self, day: date) -> float:
        """Where ``day`` begins on the chart, in cells from the chart's left edge."""
        days = (self.last - self.first).days + 1
        return (day - self.first).days / days * self.chart_width


def _span(p: PositionView, today: date) -> tuple[Span, bool, bool] | None:
    """(first day, last day), ongoing, end known; None for a position with no start."""
    start, start_last = partial_date_bounds(p.start)
    if start is None or start_last is None:
        return None
    if p.end:
        end = partial_date_bounds(p.end)[1] or start_last
        ongoing, known = False, True
    elif p.current:
        end, ongoing, known = today, True, True
    else:  # a past position with no end: assumed within its start period
        end, ongoing, known = start_last, False, False
    return (start, max(start, end)), ongoing, known


def _intersections(span: Span, others: Sequence[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for lo, hi in sorted(others):
        a, b = max(span[0], lo), min(span[1], hi)
        if a > b:
            continue
        if out and a <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def _label(p: PositionView) -> str:
    return shown(" · ".join(x for x in (p.company, p.title) if x))


def _cells(a: float, b: float, width: int) -> list[tuple[int, str, float]]:
    """The cells of the interval [a, b) in cell units: (cell, glyph, covered fraction)."""
    out: list[tuple[int, str, float]] = []
    for i in range(max(0, int(a)), min(width, int(b) + 1)):
        lo, hi = max(a, i), min(b, i + 1)
        cover = hi - lo
        if cover <= 0:
            continue
        if lo <= i and hi >= i + 1:
            glyph = FULL
        elif lo <= i:  # ends inside the cell: eighths from the left
            glyph = EIGHTHS[round(cover * 8)]
        elif hi >= i + 1:  # starts inside the cell: to the half cell
            glyph = FULL if cover >= 0.75 else RIGHT_HALF if cover >= 0.25 else " "
        else:  # starts and ends inside it
            glyph = EIGHTHS[max(1, round(cover * 8))]
        if glyph != " ":  # (a sliver under a sixteenth of a cell is not drawn)
            out.append((i, glyph, cover))
    if not out:  # never lose a short position
        i = min(width - 1, max(0, int(a)))
        out = [(i, EIGHTHS[1], b - a)]
    return out


def _bar_line(tl: Timeline, bar: Bar) -> Line:
    chart = [Piece(" ")] * tl.chart_width
    a, b = tl.column(bar.start), tl.column(bar.end + timedelta(days=1))
    cells = _cells(a, b, tl.chart_width)
    overlap_cover: dict[int, float] = {}
    for lo, hi in bar.overlaps:
        for i, _g, cover in _cells(tl.column(lo), tl.column(hi + timedelta(days=1)),
                                   tl.chart_width):
            overlap_cover[i] = overlap_cover.get(i, 0.0) + cover
    covers = {i: cover for i, _g, cover in cells}
    marked = {i for i, c in overlap_cover.items() if c >= covers.get(i, 1.0) / 2}
    if overlap_cover and not marked:  # a short overlap still shows
        marked = {max(overlap_cover, key=lambda i: overlap_cover[i])}
    for i, glyph, _cover in cells:
        chart[i] = Piece(glyph, "overlap" if i in marked else "bar")
    last = max(i for i, _g, _c in cells)
    if last + 1 < tl.chart_width:
        if bar.ongoing:
            chart[last + 1] = Piece(ONGOING, "ongoing")
        elif not bar.end_known:
            chart[last + 1] = Piece("?", "dim")
    return (Piece(fit(bar.label, tl.label_width).ljust(tl.label_width + 1), "label"),
            *chart)


def _mine_line(tl: Timeline, bar: Bar) -> Line:
    chart = [Piece(" ")] * tl.chart_width
    for lo, hi in bar.mine:
        cells = _cells(tl.column(lo), tl.column(hi + timedelta(days=1)), tl.chart_width)
        drawn = [i for i, _g, cover in cells if cover >= 0.5] or [cells[0][0]]
        for i in drawn:
            chart[i] = Piece(MINE, "mine")
    return (Piece(fit("  me there", tl.label_width).ljust(tl.label_width + 1), "dim"), *chart)


def _axis(tl: Timeline) -> tuple[Line, Line]:
    years = range(tl.first.year, tl.last.year + 1)
    per_year = tl.chart_width / len(years)
    step = next((s for s in YEAR_STEPS if s * per_year >= 5), YEAR_STEPS[-1])
    ticks = ["─"] * tl.chart_width
    labels = [" "] * tl.chart_width
    free = 0  # the first column a label may start at
    for year in years:
        if year % step:
            continue
        col = int(tl.column(date(year, 1, 1)))
        text = str(year)
        if col < free or col + len(text) > tl.chart_width:
            continue
        ticks[col] = "┬" if col else "├"
        labels[col:col + len(text)] = list(text)
        free = col + len(text) + 1
    pad = Piece(" " * (tl.label_width + 1))
    return ((pad, Piece("".join(ticks), "axis")), (pad, Piece("".join(labels), "axis")))


def _legend(tl: Timeline, width: int) -> list[Line]:
    items: list[tuple[str, str, str]] = [(FULL, "bar", "theirs")]
    if any(b.overlaps for b in tl.bars):
        items.append((FULL, "overlap", "overlap with mine"))
    if any(b.mine for b in tl.bars):
        items.append((MINE, "mine", "me there"))
    if any(b.ongoing for b in tl.bars):
        items.append((ONGOING, "ongoing", "to today"))
    if any(not b.end_known for b in tl.bars):
        items.append(("?", "dim", "end unknown"))
    lines: list[Line] = []
    line: list[Piece] = []
    used = 0
    for glyph, role, words in items:
        size = 2 + len(words) + (3 if line else 0)
        if line and used + size > width:
            lines.append(tuple(line))
            line, used, size = [], 0, size - 3
        line += [Piece("   " if line else ""), Piece(glyph, role), Piece(f" {words}", "dim")]
        used += size
    lines.append(tuple(line))
    return [clip(x, width) for x in lines]


def _undated_lines(undated: Sequence[str], width: int) -> list[Line]:
    head = "dates unknown: "
    lines: list[Line] = []
    current: list[Piece] = [Piece(head, "dim")]
    used = len(head)
    for i, item in enumerate(undated):
        text = item + ("," if i < len(undated) - 1 else "")
        if used > len(head) and used + 1 + len(text) > width:
            lines.append(tuple(current))
            current, used = [Piece(" " * len(head))], len(head)
        if used > len(head):
            current.append(Piece(" "))
            used += 1
        current.append(Piece(text, "undated"))
        used += len(text)
    lines.append(tuple(current))
    return [clip(line, width) for line in lines]


def timeline(positions: Sequence[PositionView], mine: Sequence[PositionView], width: int,
             today: date) -> Timeline:
    """Lay out ``positions`` (theirs) on a ``width``-cell chart; ``mine`` are my positions
    (only those at the same company as one of theirs count)."""
    label_width = max(12, min(36, width // 4))
    chart_width = max(10, width - label_width - 1)
    bars: list[Bar] = []
    undated: list[str] = []
    for p in sorted(positions, key=lambda p: (p.start or "", p.end or "9999", p.id)):
        resolved = _span(p, today)
        if resolved is None:
            what = shown(p.company) + (f" ({shown(p.title)})" if p.title else "")
            if p.end:
                what += f" until {p.end}"
            undated.append(what)
            continue
        span, ongoing, known = resolved
        my_spans = tuple(s for s, _o, _k in (
            r for m in mine if m.company_id == p.company_id
            for r in [_span(m, today)] if r is not None))
        bars.append(Bar(p.id, _label(p), span[0], span[1], ongoing, known,
                        tuple(sorted(my_spans)), _intersections(span, my_spans)))
    if not bars:
        return Timeline(today, today, label_width, chart_width, (), tuple(undated),
                        tuple(_undated_lines(undated, width) if undated else ()))
    ends = [d for b in bars for d in (b.start, b.end, *(x for s in b.mine for x in s))]
    tl = Timeline(date(min(ends).year, 1, 1), date(max(ends).year, 12, 31), label_width,
                  chart_width, tuple(bars), tuple(undated), ())
    lines: list[Line] = []
    for bar in bars:
        lines.append(_bar_line(tl, bar))
        if bar.mine:
            lines.append(_mine_line(tl, bar))
    lines += _axis(tl)
    lines += _legend(tl, width)
    if undated:
        lines += _undated_lines(undated, width)
    return Timeline(tl.first, tl.last, label_width, chart_width, tl.bars, tl.undated,
                    tuple(lines))


class TimelinePicture(Picture):
    """A person's positions to scale (see ``timeline``)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "picture--label", "picture--bar", "picture--overlap", "picture--mine",
        "picture--ongoing", "picture--axis", "picture--dim", "picture--undated"}
    ROLES = ("label", "bar", "overlap", "mine", "ongoing", "axis", "dim", "undated")
    DEFAULT_CSS = """
    TimelinePicture > .picture--bar { color: $primary; }
    TimelinePicture > .picture--overlap { color: $warning; }
    TimelinePicture > .picture--mine { color: $text-secondary; }
    TimelinePicture > .picture--ongoing { color: $primary; }
    TimelinePicture > .picture--axis { color: $text-muted; }
    TimelinePicture > .picture--dim { color: $text-muted; }
    TimelinePicture > .picture--undated { color: $text; }
    """

    def __init__(self, positions: Sequence[PositionView], mine: Sequence[PositionView],
                 today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.positions = tuple(positions)
        self.mine = tuple(mine)
        self.today = today

    def draw(self, width: int) -> Sequence[Line]:
        return timeline(self.positions, self.mine, width, self.today).lines

"""The pictures (issue 18, item 4): a person's positions to scale, and the ways into a
company as a tree. Their layouts are pure functions, tested here without a terminal; the
Pilot tests check each page shows its picture."""

from __future__ import annotations

from datetime import date

import pytest

from crm.core.contacts.people import PersonSummary, create_person
from crm.core.contacts.positions import add_position
from crm.core.contacts.profile import PositionView, person_detail
from crm.core.db import Database
from crm.core.network import PositionAt, SecondDegree, Staff, Tie, Via, WhoAt
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.paths import NOBODY, paths_tree
from crm.tui.widgets.picture import Line, plain
from crm.tui.widgets.timeline import TimelinePicture, timeline
from tests.tui.helpers import open_screen, running, screen_text

TODAY = date(2026, 12, 6)


def pos(pid: int, company_id: int, start: str | None, end: str | None = None, *,
        current: bool = False, company: str = "Acme", title: str | None = "Engineer"
        ) -> PositionView:
    return PositionView(pid, company, company_id, title, None, None, start, end, current)


def chart(line: Line, label_width: int) -> str:
    return "".join(p.text for p in line)[label_width + 1:]


def roles(line: Line, label_width: int) -> list[str]:
    """The role of each chart cell of a bar line."""
    out: list[str] = []
    for piece in line:
        out += [piece.role] * len(piece.text)
    return out[label_width + 1:]


# -- the timeline ---------------------------------------------------------------------------


def test_timeline_is_drawn_to_scale_at_both_widths() -> None:
    """Ten years on the axis; a position over the first five fills half the chart, its
    last half cell drawn with a half block."""
    positions = [pos(1, 1, "2010", "2014"), pos(2, 2, "2015", "2019", company="Globex")]
    for width in (80, 160):
        tl = timeline(positions, [], width, TODAY)
        assert (tl.first, tl.last) == (date(2010, 1, 1), date(2019, 12, 31))
        assert tl.column(date(2015, 1, 1)) == tl.chart_width / 2 or abs(
            tl.column(date(2015, 1, 1)) - tl.chart_width / 2) < 0.01
        first = chart(tl.lines[0], tl.label_width)
        half = tl.chart_width / 2
        assert first.rstrip() == "█" * int(half) + ("▌" if half % 1 else "")
        # The second starts where the first ends, and runs to the chart's end.
        second = chart(tl.lines[1], tl.label_width)
        assert second.rstrip().endswith("█") and len(second.rstrip()) == tl.chart_width
        # The years are on the axis, 2010 at the chart's left edge.
        years = plain(tl.lines)[3]
        assert years.split() == [str(y) for y in range(2010, 2020)]
        assert years.index("2010") == tl.label_width + 1
    wide, narrow = timeline(positions, [], 160, TODAY), timeline(positions, [], 80, TODAY)
    assert wide.chart_width > narrow.chart_width + 60  # the chart uses the room it has


def test_timeline_highlights_overlap_with_my_position_at_the_same_company() -> None:
    theirs = [pos(1, 1, "2018-01", "2021-12")]
    mine = [pos(10, 1, "2020-01", "2023-12"),  # same company: overlaps 2020-2021
            pos(11, 2, "2018-01", "2019-12", company="Globex")]  # elsewhere: no overlap
    tl = timeline(theirs, mine, 100, TODAY)
    (bar,) = tl.bars
    assert bar.overlaps == ((date(2020, 1, 1), date(2021, 12, 31)),)
    assert bar.mine == ((date(2020, 1, 1), date(2023, 12, 31)),)
    cells = roles(tl.lines[0], tl.label_width)
    overlap = [i for i, r in enumerate(cells) if r == "overlap"]
    start, end = tl.column(date(2020, 1, 1)), tl.column(date(2022, 1, 1))
    # (their bar ends with mine inside the cell of 2022-01-01: that part cell is overlap)
    assert overlap and min(overlap) == round(start) and max(overlap) == int(end)
    assert "bar" in cells[:overlap[0]]  # 2018-2019: theirs alone
    # My time there is drawn under theirs, and the legend says what each mark means.
    text = plain(tl.lines)
    assert text[1].startswith("  me there") and "━" in text[1]
    assert "overlap with mine" in "\n".join(text)
    # Only my position at another company: nothing is highlighted.
    alone = timeline(theirs, mine[1:], 100, TODAY)
    assert alone.bars[0].overlaps == ()
    assert "overlap" not in roles(alone.lines[0], alone.label_width)
    assert "overlap with mine" not in "\n".join(plain(alone.lines))


def test_timeline_lists_undated_positions_and_draws_ongoing_to_today() -> None:
    positions = [pos(1, 1, None, None, company="Hooli", title="Advisor"),
                 pos(2, 2, None, "2019", company="Initech", title=None),
                 pos(3, 3, "2024-06", None, current=True, company="Stripe")]
    tl = timeline(positions, [], 80, TODAY)
    assert [b.position_id for b in tl.bars] == [3]
    assert tl.bars[0].end == TODAY and tl.bars[0].ongoing
    text = "\n".join(plain(tl.lines))
    assert "dates unknown: Initech until 2019, Hooli (Advisor)" in text
    assert (tl.first, tl.last) == (date(2024, 1, 1), date(2026, 12, 31))
    # Only undated ones: no chart, just the list.
    only = timeline(positions[:1], [], 80, TODAY)
    assert plain(only.lines) == ["dates unknown: Hooli (Advisor)"]


def test_timeline_label_from_data_is_escaped() -> None:
    tl = timeline([pos(1, 1, "2020", "2021", company="Evil\x1b[31m Inc")], [], 80, TODAY)
    assert "\x1b" not in "".join(plain(tl.lines))


# -- the paths tree -------------------------------------------------------------------------


def person(pid: int, name: str) -> PersonSummary:
    return PersonSummary(pid, name, [], [], [], None, None, [], None)


def test_paths_tree_draws_now_formerly_and_second_degree_with_strengths() -> None:
    marcus, ada, felix, bruno = (person(1, "Marcus"), person(2, "Ada"), person(3, "Felix"),
                                 person(4, "Bruno"))
    here = [PositionAt("Engineer", None, "2024-06", None, True)]
    who = WhoAt(9, "Stripe",
                current=[Staff(marcus, here, Tie("friend", 4), None)],
                former=[Staff(ada, [PositionAt("Analyst", None, "2015", "2018", False)],
                              Tie("co-worker", 2, derived=True), None)],
                second_degree=[
                    SecondDegree(felix, here, [Via(marcus, Tie("friend", 4),
                                                   Tie("manager", 3), None)]),
                    SecondDegree(person(5, "Gina"), here,
                                 [Via(bruno, Tie("mentor", 5), Tie("co-worker", 2), None)])])
    text = plain(paths_tree(who, 100))
    assert text[:6] == [
        "me",
        "├─ Marcus  ▰▰▰▰▱ now · friend · Engineer since 2024-06",
        "│  └─ Felix  ▰▰▰▱▱ 2nd degree · manager · Engineer since 2024-06",
        "├─ Bruno  ▰▰▰▰▰ not here · mentor",
        "│  └─ Gina  ▰▰▱▱▱ 2nd degree · co-worker · Engineer since 2024-06",
        "└─ Ada  ▰▰▱▱▱ formerly · co-worker (derived) · Analyst 2015 → 2018",
    ]
    # Narrow: every line still fits.
    assert all(len(line) <= 60 for line in plain(paths_tree(who, 60)))


def test_paths_tree_says_nobody_known_here() -> None:
    assert plain(paths_tree(WhoAt(9, "Nowhere", [], [], []), 80)) == ["me", f"└─ {NOBODY}"]


def test_paths_tree_keeps_to_the_best_few() -> None:
    staff = [Staff(person(i, f"P{i}"), [], Tie("friend", 3), None) for i in range(1, 30)]
    text = plain(paths_tree(WhoAt(9, "Big", staff, [], []), 80, most=5))
    assert [t.split()[1] for t in text[1:6]] == ["P1", "P2", "P3", "P4", "P5"]
    assert text[5].startswith("└─ ")  # the last one shown closes the tree
    assert text[6] == "… and 24 more, listed below"


# -- the data: my positions at their companies, both backends --------------------------------


def test_person_detail_has_my_positions_at_their_companies(db: Database) -> None:
    with db.write() as s:
        me = create_person(s, "Me Myself", me=True)
        ada = create_person(s, "Ada")
        add_position(s, ada, "Acme", start="2018", end="2021")
        add_position(s, me, "Acme", start="2020", end="2023")
        add_position(s, me, "Elsewhere", start="2010")
        ada_id, me_id = ada.id, me.id
    with db.read() as s:
        mine = person_detail(s, ada_id).mine_there
        assert [(p.company, p.start, p.end) for p in mine] == [("Acme", "2020", "2023")]
        assert person_detail(s, me_id).mine_there == ()  # on my own page: nothing to compare


# -- on the pages ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_company_page_shows_the_ways_in_as_a_tree(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, CompanyScreen, "Stripe")
        text = screen_text(pilot.app)
        lines = text.splitlines()
        me = next(i for i, line in enumerate(lines) if line.strip() == "me")
        assert "├─ Marcus Webb  ▰▰▰▰▱ now · fellow-intern" in lines[me + 1]
        assert "│  └─ Felix Wagner  ▰▰▰▰▱ 2nd degree · manager" in lines[me + 2]


@pytest.mark.asyncio
async def test_person_page_shows_the_timeline(demo_path: str) -> None:
    async with running(demo_path, (80, 24)) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        picture = screen.query_one(TimelinePicture)
        text = screen_text(pilot.app)
        # At 80x24 the page opens with the picture in view (not scrolled past it).
        assert "Northwind Analyti" in text and "me there" in text and "2023" in text
        # Northwind, where we were interns together: highlighted in the theme's colour.
        drawn = picture.render()
        overlap_style = picture.role_style("overlap")
        assert any(span.style == overlap_style for span in drawn.spans)
        assert screen.focused is not None and screen.focused.id == "field-display_name"

"""The ways into a company drawn as a small tree: me → the people I know → whom they know
there, each hop with its strength; now, formerly and second degree told apart.

``paths_tree()`` is the whole layout, pure (no terminal); ``PathsPicture`` only renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from crm.core.contacts.people import PersonSummary
from crm.core.network import PositionAt, SecondDegree, Staff, Tie, Via, WhoAt
from crm.core.terminal_text import terminal_text as shown
from crm.tui.widgets.picture import Line, Picture, Piece, clip

STRONG, WEAK = "▰", "▱"
MOST_STRENGTH = 5
NOBODY = "nobody I know is here, or knows someone who is"


@dataclass(frozen=True)
class Node:
    """A person on the tree: how they are tied to the one above, and where they stand."""

    person: PersonSummary
    tie: Tie
    status: str  # "now", "formerly", "2nd degree" or "not here"
    positions: Sequence[PositionAt]  # theirs here (the first is told)
    other_ways: int = 0  # a second-degree person's paths in besides this one


def _where(positions: Sequence[PositionAt]) -> str:
    if not positions:
        return ""
    p = positions[0]
    since = f"since {p.start}" if p.start else ""
    when = since if p.current else p.span(" → ")
    return " ".join(x for x in (shown(p.title or ""), when) if x)


Root = tuple[str, Staff | Via]  # (status, whom): a first-degree person on the tree


def _roots(who: WhoAt) -> tuple[list[Root], dict[int, list[SecondDegree]]]:
    """Now, then those through whom I reach someone here, then formerly; and under each (by
    id), the second-degree people they are my best way to. Plain tuples: a big company has
    thousands, and only a dozen are drawn."""
    under: dict[int, list[SecondDegree]] = {}
    known = {s.person.id for s in who.current} | {s.person.id for s in who.former}
    through: list[Root] = []
    for d in who.second_degree:
        best = d.via[0]
        kids = under.get(best.person.id)
        if kids is None:
            kids = under[best.person.id] = []
            if best.person.id not in known:
                through.append(("not here", best))
        kids.append(d)
    return ([*(("now", s) for s in who.current), *through,
             *(("formerly", s) for s in who.former)], under)


def _root_node(root: Root) -> Node:
    status, whom = root
    if isinstance(whom, Via):
        return Node(whom.person, whom.my_tie, status, ())
    return Node(whom.person, whom.tie, status, whom.positions)


def _second(d: SecondDegree) -> Node:
    best = d.via[0]
    return Node(d.person, best.their_tie, "2nd degree", d.positions,
                other_ways=len(d.via) - 1)


def _meter(strength: int) -> list[Piece]:
    s = max(0, min(MOST_STRENGTH, strength))
    return [Piece(STRONG * s, "meter"), Piece(WEAK * (MOST_STRENGTH - s), "meter-off")]


def _tie_words(tie: Tie) -> str:
    kind = shown(tie.kind) if tie.kind else "in my contacts"
    return kind + (" (derived)" if tie.derived else "")


def _node_line(prefix: str, node: Node, width: int) -> Line:
    role = {"now": "now", "formerly": "formerly", "2nd degree": "second"}.get(node.status,
                                                                             "dim")
    pieces: list[Piece] = [Piece(prefix, "branch"),
                           Piece(shown(node.person.name), f"name-{role}"), Piece("  "),
                           *_meter(node.tie.strength), Piece(" "),
                           Piece(node.status, role),
                           Piece(f" · {_tie_words(node.tie)}", "dim")]
    where = _where(node.positions)  # (only for the people drawn: a big company has many)
    if where:
        pieces.append(Piece(f" · {where}", "detail"))
    if node.other_ways:
        more = node.other_ways
        pieces.append(Piece(f" · {more} other way{'s' if more > 1 else ''} in", "dim"))
    return clip(pieces, width)


def paths_tree(who: WhoAt, width: int, *, most: int = 12, per_person: int = 3) -> list[Line]:
    """``who`` as a tree from me, cut to ``width`` cells and at most ``most`` people (the
    best first; the lists under the picture have everyone)."""
    lines: list[Line] = [(Piece("me", "me"),)]
    roots, under = _roots(who)
    if not roots:
        return [*lines, clip((Piece("└─ ", "branch"), Piece(NOBODY, "dim")), width)]
    total = len(roots) + len(who.second_degree)
    chosen: list[tuple[Root, list[SecondDegree]]] = []
    room = most
    for root in roots:
        if room <= 0:
            break
        kids = under.get(root[1].person.id, [])[:max(0, min(per_person, room - 1))]
        chosen.append((root, kids))
        room -= 1 + len(kids)
    shown_people = 0
    for i, (root, kids) in enumerate(chosen):
        last = i == len(chosen) - 1
        lines.append(_node_line("└─ " if last else "├─ ", _root_node(root), width))
        everyone = len(under.get(root[1].person.id, []))
        indent = "   " if last else "│  "
        for j, kid in enumerate(kids):
            end = j == len(kids) - 1 and everyone == len(kids)
            lines.append(_node_line(indent + ("└─ " if end else "├─ "), _second(kid), width))
        if everyone > len(kids):
            lines.append(clip((Piece(indent + "└─ ", "branch"),
                               Piece(f"… {everyone - len(kids)} more through them", "dim")),
                              width))
        shown_people += 1 + everyone  # (hidden ones are told)
    if shown_people < total:
        lines.append(clip((Piece(f"… and {total - shown_people} more, listed below", "dim"),),
                          width))
    lines.append(clip((Piece(STRONG, "meter"), Piece(WEAK, "meter-off"),
                       Piece(" strength of each hop (1-5)", "dim")), width))
    return lines


class PathsPicture(Picture):
    """Who I know at a company and through whom, as a tree (see ``paths_tree``)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "picture--me", "picture--branch", "picture--meter", "picture--meter-off",
        "picture--now", "picture--formerly", "picture--second", "picture--name-now",
        "picture--name-formerly", "picture--name-second", "picture--name-dim",
        "picture--detail", "picture--dim"}
    ROLES = ("me", "branch", "meter", "meter-off", "now", "formerly", "second", "name-now",
             "name-formerly", "name-second", "name-dim", "detail", "dim")
    DEFAULT_CSS = """
    PathsPicture > .picture--me { text-style: bold; color: $text-accent; }
    PathsPicture > .picture--branch { color: $text-muted; }
    PathsPicture > .picture--meter { color: $primary; }
    PathsPicture > .picture--meter-off { color: $text-disabled; }
    PathsPicture > .picture--now { color: $text-success; text-style: bold; }
    PathsPicture > .picture--formerly { color: $text-muted; text-style: italic; }
    PathsPicture > .picture--second { color: $text-secondary; text-style: bold; }
    PathsPicture > .picture--name-now { text-style: bold; }
    PathsPicture > .picture--name-formerly { text-style: bold; }
    PathsPicture > .picture--name-second { text-style: bold; }
    PathsPicture > .picture--name-dim { }
    PathsPicture > .picture--detail { }
    PathsPicture > .picture--dim { color: $text-muted; }
    """

    def __init__(self, who: WhoAt, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.who = who

    def draw(self, width: int) -> Sequence[Line]:
        return paths_tree(self.who, width)

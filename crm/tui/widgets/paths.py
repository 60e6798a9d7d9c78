"""The ways into a company drawn as a small tree: me → the people I know → whom they know
there, each hop with its strength; now, formerly and second degree told apart.

``paths_tree()`` is the whole layout, pure (no terminal); ``PathsPicture`` only renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from crm.core.contacts.people import PersonSummary
from crm.core.network import PositionAt, SecondDegree, Staff, Tie, WhoAt
from crm.core.terminal_text import terminal_text as shown
from crm.tui.widgets.picture import Line, Picture, Piece, clip

STRONG, WEAK = "▰", "▱"
MOST_STRENGTH = 5
NOBODY = "nobody I know is here, or knows someone who is"


@dataclass
class Node:
    """A person on the tree: how they are tied to the one above, and where they stand."""

    person: PersonSummary
    tie: Tie
    status: str  # "now", "formerly", "2nd degree" or "not here"
    where: str  # their position here, or ""
    children: list[Node] = field(default_factory=list)
    other_ways: int = 0  # a second-degree person's paths in besides this one


def _where(positions: Sequence[PositionAt]) -> str:
    if not positions:
        return ""
    p = positions[0]
    since = f"since {p.start}" if p.start else ""
    when = since if p.current else p.span(" → ")
    return " ".join(x for x in (shown(p.title or ""), when) if x)


def _first_degree(who: WhoAt) -> list[Node]:
    """Now, then those through whom I reach someone here, then formerly; under each, the
    second-degree people they are my best way to."""
    def staff(s: Staff, status: str) -> Node:
        return Node(s.person, s.tie, status, _where(s.positions))

    nodes: dict[int, Node] = {}
    order: list[int] = []
    for s in who.current:
        nodes[s.person.id] = staff(s, "now")
        order.append(s.person.id)
    formerly = [staff(s, "formerly") for s in who.former]
    for n in formerly:
        nodes[n.person.id] = n
    vias: list[int] = []
    for d in who.second_degree:
        best = d.via[0]
        if best.person.id not in nodes:
            nodes[best.person.id] = Node(best.person, best.my_tie, "not here", "")
            vias.append(best.person.id)
        nodes[best.person.id].children.append(_second(d))
    return [nodes[i] for i in (*order, *vias)] + formerly


def _second(d: SecondDegree) -> Node:
    best = d.via[0]
    return Node(d.person, best.their_tie, "2nd degree", _where(d.positions),
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
    if node.where:
        pieces.append(Piece(f" · {node.where}", "detail"))
    if node.other_ways:
        more = node.other_ways
        pieces.append(Piece(f" · {more} other way{'s' if more > 1 else ''} in", "dim"))
    return clip(pieces, width)


def paths_tree(who: WhoAt, width: int, *, most: int = 12, per_person: int = 3) -> list[Line]:
    """``who`` as a tree from me, cut to ``width`` cells and at most ``most`` people (the
    best first; the lists under the picture have everyone)."""
    lines: list[Line] = [(Piece("me", "me"),)]
    roots = _first_degree(who)
    if not roots:
        return [*lines, clip((Piece("└─ ", "branch"), Piece(NOBODY, "dim")), width)]
    total = sum(1 + len(n.children) for n in roots)
    chosen: list[tuple[Node, list[Node]]] = []
    room = most
    for node in roots:
        if room <= 0:
            break
        kids = node.children[:max(0, min(per_person, room - 1))]
        chosen.append((node, kids))
        room -= 1 + len(kids)
    shown_people = 0
    for i, (node, kids) in enumerate(chosen):
        last = i == len(chosen) - 1
        lines.append(_node_line("└─ " if last else "├─ ", node, width))
        hidden_kids = len(node.children) - len(kids)
        indent = "   " if last else "│  "
        for j, kid in enumerate(kids):
            end = j == len(kids) - 1 and not hidden_kids
            lines.append(_node_line(indent + ("└─ " if end else "├─ "), kid, width))
        if hidden_kids:
            lines.append(clip((Piece(indent + "└─ ", "branch"),
                               Piece(f"… {hidden_kids} more through them", "dim")), width))
        shown_people += 1 + len(node.children)  # (hidden ones are told)
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

"""Merge two people: both side by side, a pick per field both have, then core's merge.

The survivor takes the picked value of each field; everything else of both (contact
points, positions, links, interactions, references, referrals, tags, notes, imported cards)
is kept, and the other's id keeps leading to the survivor. What is picked is all this
screen decides: the merge itself is ``crm.core.upkeep.merge.merge_people``, as `crm merge` does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from crm.core.contacts.people import PersonSummary, summaries_by_id
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.merge import FieldChoice, MergePlan, Side, merge_people, plan_merge
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import ConfirmDialog
from crm.tui.widgets.rows import ItemRow, section_title

_LABELS = {"display_name": "Name", "given_name": "Given name", "family_name": "Family name",
           "additional_names": "Middle names", "name_prefix": "Prefix",
           "name_suffix": "Suffix", "nickname": "Nickname", "pronouns": "Pronouns",
           "headline": "Headline (title)", "location": "Location", "birthday": "Birthday",
           "role": "Role", "keep_in_touch": "Keep in touch"}
_MOVED = {"contact_points": "contact point", "positions": "position",
          "connections": "link", "tags": "tag", "reference": "reference entry",
          "reference_uses": "reference use", "interactions": "interaction",
          "cards": "imported card"}


@dataclass(frozen=True)
class MergePage:
    """What the merge screen shows: the plan (both values of every field) and the two."""

    plan: MergePlan
    keep: PersonSummary
    other: PersonSummary


def merge_page(session: Session, keep_id: int, other_id: int) -> MergePage:
    plan = plan_merge(session, keep_id, other_id)
    people = summaries_by_id(session, [keep_id, other_id])
    return MergePage(plan, people[keep_id], people[other_id])


@dataclass
class Merged(Message, bubble=False):
    summary: str
    survivor: int


class FieldPick(ItemRow):
    """One field both people have, differently: Enter (or ←/→) picks whose value stays."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "choose", "Pick", tooltip="Pick the other value (←/→ choose a side)",
                id="merge.pick"),
        Binding("left", "take('keep')", "Keep's", show=False, id="merge.take-keep"),
        Binding("right", "take('other')", "Other's", show=False, id="merge.take-other"),
    ]

    def __init__(self, choice: FieldChoice, taken: Side) -> None:
        self.choice = choice
        self.taken: Side = taken
        super().__init__(self._line(), "field", choice.field, id=f"pick-{choice.field}")

    def _line(self) -> Text:
        t = Text(f"{_LABELS.get(self.choice.field, self.choice.field):<18}", style="bold")
        for side, value in (("keep", self.choice.keep), ("other", self.choice.other)):
            chosen = self.taken == side
            t.append("● " if chosen else "○ ", style="bold green" if chosen else "dim")
            t.append(shown(value), style="" if chosen else "dim")
            t.append("    ")
        return t

    def action_take(self, side: Side) -> None:
        self.taken = side
        self.update(self._line())

    def action_choose(self) -> None:
        self.action_take("other" if self.taken == "keep" else "keep")


def _person_text(p: PersonSummary, role: str, pid: int) -> Text:
    t = Text(f"{role} #{pid}\n", style="dim")
    t.append(shown(p.name), style="bold")
    if p.is_me:
        t.append("  (me)", style="dim")
    if p.title or p.company:
        t.append("\n" + shown(" at ".join(x for x in (p.title, p.company) if x)))
    for value in (*p.emails, *p.phones, *p.urls):
        t.append("\n  ")
        t.append(shown(value))
    if p.tags:
        t.append("\ntags: ", style="dim")
        t.append(shown(", ".join(p.tags)))
    if p.note:
        t.append("\nnote: ", style="dim")
        t.append(shown(p.note, multiline=True))
    return t


class MergeScreen(PageScreen[MergePage]):
    """Merge ``other_id`` into ``keep_id`` (s swaps which one survives)."""

    PAGE_TITLE = "Merge"
    BODY_ID = "merge-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back without merging",
                id="merge.back"),
        Binding("s", "swap", "Swap", tooltip="Keep the other one instead (swap the two)",
                id="merge.swap"),
        Binding("ctrl+s", "merge", "Merge", tooltip="Merge the two, with the values picked",
                id="merge.merge"),
    ]

    DEFAULT_CSS = """
    MergeScreen #merge-body { padding: 0 2; }
    MergeScreen .merge-people { height: auto; margin: 1 0 0 0; }
    MergeScreen .merge-person { width: 1fr; height: auto; padding: 0 1; margin: 0 1 0 0;
                                border-left: thick $accent; }
    """

    def __init__(self, keep_id: int, other_id: int) -> None:
        super().__init__()
        self.keep_id, self.other_id = keep_id, other_id
        self.page: MergePage | None = None

    def fetch(self, session: Session) -> MergePage:
        return merge_page(session, self.keep_id, self.other_id)

    async def show(self, view: MergePage) -> None:
        self.page = view
        self.sub_title = f"{shown(view.other.name)} into {shown(view.keep.name)}"
        await self.refill(self._widgets(view), fallback=FieldPick)

    def _widgets(self, page: MergePage) -> list[Widget]:
        plan = page.plan
        out: list[Widget] = [Static(Text(
            "The first one stays and takes the other in. Pick whose value each field keeps "
            "(enter or ←/→); everything else of both is kept. s swaps the two; ctrl+s merges.",
            style="dim"), classes="intro")]
        out.append(Horizontal(
            Static(_person_text(page.keep, "stays", plan.keep_id), classes="merge-person"),
            Static(_person_text(page.other, "merged in", plan.other_id),
                   classes="merge-person"),
            classes="merge-people"))
        picks = [c for c in plan.fields if c.conflict]
        same = [c for c in plan.fields if not c.conflict and c.value]
        out.append(section_title("Fields both have", "enter or ←/→ picks" if picks else ""))
        if not picks:
            out.append(Static(Text("none differ", style="dim"), classes="item"))
        out += [FieldPick(c, c.taken) for c in picks]
        if same:
            t = Text()
            for c in same:
                t.append(f"{_LABELS.get(c.field, c.field):<18}", style="dim")
                t.append(f"{shown(c.value)}\n")
            out.append(section_title("Fields kept as they are",
                                     "the same on both, or on one side only"))
            t.rstrip()
            out.append(Static(t, classes="item", markup=False))
        out.append(section_title("Kept from both"))
        lines = Text()
        for what, n in plan.moved:
            one = _MOVED.get(what, what.replace("_", " ").rstrip("s"))
            lines.append(f"{n} {one}{'s' if n != 1 else ''} of {shown(plan.other_name)} "
                         f"{'moves' if n == 1 else 'move'} over\n")
        for what, n in plan.same:
            one = _MOVED.get(what, what.replace("_", " ").rstrip("s"))
            lines.append(f"{n} {one}{'s' if n != 1 else ''} both have: kept once\n",
                         style="dim")
        if plan.self_links:
            lines.append(f"{plan.self_links} link(s) between the two go (one person now)\n",
                         style="dim")
        lines.append("Both notes are kept; a value not picked is added to the note.\n"
                     f"#{plan.other_id} keeps leading to #{plan.keep_id}.", style="dim")
        out.append(Static(lines, classes="item", markup=False))
        return out

    def choices(self) -> dict[str, Side]:
        return {p.choice.field: p.taken for p in self.query(FieldPick)
                if p.taken != "keep"}

    def action_swap(self) -> None:
        self.keep_id, self.other_id = self.other_id, self.keep_id
        self.load()

    def action_merge(self) -> None:
        if self.page is None:
            return
        choices = self.choices()
        keep_id, other_id = self.keep_id, self.other_id
        keep_name = self.page.keep.name
        question = Text("Merge ").append(shown(self.page.other.name), style="bold").append(
            f" (#{other_id}) into ").append(shown(keep_name), style="bold").append(
            f" (#{keep_id})? Everything of both is kept; #{other_id} leads to #{keep_id}.")

        def job(s: Session) -> Merged:
            plan = merge_people(s, keep_id, other_id, choices)
            return Merged(f"Merged {plan.other_name} into {plan.keep_name}", plan.keep_id)

        def done(yes: bool | None) -> None:
            if yes:
                self.write(job, saved=lambda merged: merged)

        self.app.push_screen(ConfirmDialog(question, yes="Merge"), done)

    def on_merged(self, message: Merged) -> None:
        self.notify(message.summary, markup=False)
        self.dismiss()
        self.crm.open_person(message.survivor)

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        event.stop()

    def action_back(self) -> None:
        self.dismiss()

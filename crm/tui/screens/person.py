"""One person whole: details (edited in place), contact points, positions, connections,
referrals, reference status, interactions; add, link and delete."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from crm.core.agenda.intervals import describe_days, set_person_interval
from crm.core.agenda.todos import add_todo, parse_due
from crm.core.contacts.people import resolve_person
from crm.core.contacts.positions import add_position_at
from crm.core.contacts.profile import PersonDetail, person_detail
from crm.core.contacts.provenance import CardSource
from crm.core.network import link
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.editing import (
    add_contact,
    add_interaction,
    delete_person,
    get_person,
    update_person,
)
from crm.core.upkeep.records import set_me_and_via
from crm.core.vocabulary import CONNECTION_KINDS, CONTACT_KINDS, INTERACTION_KINDS, POSITION_KINDS
from crm.tui.forms.intro import ask_for_intro
from crm.tui.forms.records import delete_record, edit_record, end_position
from crm.tui.lines import none_yet, readable_date
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog, FormField
from crm.tui.widgets.editable import EditableField
from crm.tui.widgets.rows import EditRow, ItemRow, section_title
from crm.tui.widgets.timeline import TimelinePicture

# (field, label, multiline) in the order the Details section shows them.
DETAIL_FIELDS = [
    ("display_name", "Name", False),
    ("headline", "Headline", False),
    ("location", "Location", False),
    ("pronouns", "Pronouns", False),
    ("nickname", "Nickname", False),
    ("birthday", "Birthday", False),
    ("tags", "Tags", False),
    ("note", "Note", True),
]


def _what_goes(d: PersonDetail | None) -> list[str]:
    """Everything deleted with the person shown, for the confirmation."""
    def n(count: int, one: str) -> str:
        return f"{count} {one}{'' if count == 1 else 's'}"

    out: list[str] = []
    if d is None:
        return out
    recorded = [c for c in d.connections if not c.derived]
    for items, one in ((d.contact_points, "contact point"), (d.positions, "position"),
                       (recorded, "connection"), (d.interactions, "interaction"),
                       (d.referrals, "referral")):
        if items:
            out.append(n(len(items), one))
    ref = d.reference
    if ref:
        uses = len(ref.uses)
        out.append("their reference entry" + (f" and {n(uses, 'use')} of it" if uses else ""))
    return out


# The records a row on this page stands for, that Enter (or e) edits and x removes.
EDITABLE = ("position", "contact", "interaction", "referral")


@dataclass
class PersonDeleted(Message, bubble=False):
    summary: str


def _card_line(src: CardSource) -> Text:
    """"#12  b.vcf:1  Marc Webb  matched by the same phone … (inferred)": a card of another
    name than the person's stands out."""
    t = Text(f"#{src.id:<5} ", style="dim")
    t.append(shown(f"{os.path.basename(src.file)}:{src.line}"), style="dim")
    t.append("  ")
    t.append(shown(src.card_name or "(name not recorded)"),
             style="bold yellow" if src.other_name else "")
    t.append("  ")
    t.append(shown(src.how()), style="italic" if src.inferred else "dim")
    return t


def _keep_in_touch(every: int | None, at_most: int | None) -> str:
    """"every 2m, at most 4m" (as typed back); "" when neither is set."""
    return ", ".join(f"{what} {describe_days(days)}" for what, days in
                     (("every", every), ("at most", at_most)) if days is not None)


class PersonScreen(PageScreen[PersonDetail]):
    PAGE_TITLE = "Person"
    BODY_ID = "person-body"

    # The footer keeps to what fits 80 columns: the keys each section acts with are named in
    # its title ("a add · enter edits · x removes"), and every key is on `?` and the palette.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back to the list",
                id="person.back"),
        Binding("a", "add_contact", "Contact+", show=False,
                tooltip="Add a contact point", id="person.add-contact"),
        Binding("n", "add_interaction", "Note+", show=False,
                tooltip="Add a note or interaction", id="person.add-note"),
        Binding("p", "add_position", "Position+", show=False,
                tooltip="Add a position", id="person.add-position"),
        Binding("l", "link", "Link", show=False, tooltip="Link to another person",
                id="person.link"),
        Binding("e", "edit_selected", "Edit", show=False,
                tooltip="Edit the selected position, link, contact, note or referral",
                id="person.edit"),
        Binding("x", "remove_selected", "Remove",
                tooltip="Remove the selected position, link, contact, note or referral",
                id="person.remove"),
        Binding("E", "end_position", "End position",
                tooltip="End the selected position (today or on a date)",
                id="person.end-position"),
        Binding("o", "open_company", "Open company",
                tooltip="Open the selected position's company", id="person.open-company"),
        Binding("i", "toggle_me", "Me?", show=False, tooltip="Mark or unmark this person as me",
                id="person.me"),
        Binding("v", "known_via", "Known via", show=False,
                tooltip="Whom I know this person through", id="person.via"),
        Binding("r", "reference", "Reference", show=False,
                tooltip="Mark as a reference", id="person.reference"),
        Binding("R", "remove_reference", "Not a reference", show=False,
                tooltip="Remove the reference entry and its log of uses (asks first)",
                id="person.remove-reference"),
        Binding("M", "merge", "Merge with…",
                tooltip="Merge this person with another (a duplicate)", id="person.merge"),
        Binding("m", "merge", show=False, id="person.merge-old"),
        Binding("D", "delete", "Delete", show=False, tooltip="Delete this person",
                id="person.delete"),
        Binding("k", "keep_in_touch", "In touch",
                tooltip="How often to be in touch (every 2m, at most 4m; empty clears)",
                id="person.keep-in-touch"),
        Binding("I", "intro", "Intro",
                tooltip="Draft an intro request along the best warm path (copied)",
                id="person.intro"),
        Binding("t", "add_todo", "To-do+", show=False,
                tooltip="Add a to-do about this person (on Today until done)",
                id="person.add-todo"),
        Binding("S", "split_card", "Split off", show=False,
                tooltip="Make the selected imported card a person of its own (asks first)",
                id="person.split-card"),
    ]

    def __init__(self, person_id: int) -> None:
        super().__init__()
        self.person_id = person_id
        self.detail: PersonDetail | None = None
        # A connection row's link id, by row id (derived connections have none).
        self.connection_ids: dict[str, int] = {}
        # A position row's company, by position id (o opens it).
        self.position_companies: dict[int, int] = {}

    def fetch(self, session: Session) -> PersonDetail:
        return person_detail(session, self.person_id)

    # -- showing ----------------------------------------------------------------------------

    async def show(self, view: PersonDetail) -> None:
        first = self.detail is None
        self.detail = view
        self.sub_title = shown(view.name)
        self.refresh_bindings()  # (R is offered only for a reference)
        if not first:
            await self.refill(self._widgets(view), fallback=EditableField)
            return
        # Opened: at the top, with the timeline in view, focus on the first field (focusing
        # it the usual way would scroll the page to centre it, past the timeline).
        await self.refill(self._widgets(view), fallback=None)
        if self.query(EditableField):
            self.query(EditableField).first().focus(scroll_visible=False)

    def _widgets(self, d: PersonDetail) -> list[Widget]:
        out: list[Widget] = []
        head = Text(shown(d.name), style="bold")
        if d.is_me:
            head.append("  (me)", style="dim")
        if d.title or d.company:
            head.append("\n")
            head.append(shown(" at ".join(x for x in (d.title, d.company) if x)))
        if d.known_via:
            head.append("\nknown through ", style="dim")
            head.append(shown(d.known_via))
        keep = _keep_in_touch(d.keep_in_touch.every_days, d.keep_in_touch.at_most_days)
        if keep:
            head.append(f"\nkeep in touch {keep}", style="dim")
        out.append(Static(head, classes="headline"))
        if d.positions:
            out.append(section_title("Timeline", "to scale · mine at the same company"))
            out.append(TimelinePicture(d.positions, d.mine_there, date.today(),
                                       id="person-timeline"))

        out.append(section_title("Details", "enter edits a field"))
        values = {"display_name": d.name, "headline": d.headline, "location": d.location,
                  "pronouns": d.pronouns, "nickname": d.nickname, "birthday": d.birthday,
                  "tags": ", ".join(d.tags), "note": d.note}
        for name, label, multiline in DETAIL_FIELDS:
            value = values.get(name)
            out.append(EditableField(name, label, value, multiline=multiline,
                                     shown_as=readable_date(value) if name == "birthday"
                                     and value else None, id=f"field-{name}"))

        out.append(section_title("Contact", "a add · enter edits · x removes"))
        for cp in d.contact_points:
            t = Text(f"{cp.kind:<10}", style="dim")
            t.append(shown(cp.value))
            if cp.label:
                t.append(f"  {shown(cp.label)}", style="dim")
            out.append(EditRow(t, "contact", cp.id, id=f"contact-{cp.id}"))
        if not d.contact_points:
            out.append(Static(none_yet(), classes="item"))

        facts = Text()
        if d.role:
            facts.append(f"{'role':<12}", style="dim")
            facts.append(shown(d.role))
        for event in d.dates:
            facts.append("\n" if facts.plain else "")
            facts.append(f"{shown(event.label or ''):<12}", style="dim")
            facts.append(readable_date(event.date))
        for rel in d.relations:
            facts.append("\n" if facts.plain else "")
            facts.append(f"{shown(rel.label or 'related'):<12}", style="dim")
            facts.append(shown(rel.name))
            if rel.person_id:
                facts.append(f"  #{rel.person_id}", style="dim")
        for cp in d.contact_points:
            if cp.address_label:
                facts.append("\n" if facts.plain else "")
                facts.append(f"{'address':<12}", style="dim")
                facts.append(shown(cp.address_label, multiline=True).replace("\n", "\n" + " " * 12))
        if facts.plain:
            out.append(section_title("From their card", "dates, relations, role"))
            out.append(Static(facts, classes="facts", id="card-facts"))

        out.append(section_title("Positions", "p add · enter edits · E ends · x deletes · "
                                 "o opens the company"))
        self.position_companies = {p.id: p.company_id for p in d.positions}
        for p in d.positions:
            t = Text("● " if p.current else "○ ", style="bold green" if p.current else "dim")
            t.append(f"{p.span(' → '):<22}", style="dim")
            t.append(shown(p.title) or "(no title)")
            if p.department:
                t.append(f", {shown(p.department)}")
            t.append(" · ")
            t.append(shown(p.company), style="bold")
            if p.kind:
                t.append(f"  {p.kind}", style="dim")
            out.append(EditRow(t, "position", p.id, id=f"position-{p.id}"))
        if not d.positions:
            out.append(Static(none_yet(), classes="item"))

        out.append(section_title("Connections", "l link · enter opens the person · e edits · "
                                 "x unlinks"))
        self.connection_ids = {}
        for i, c in enumerate(d.connections):
            t = Text(shown(c.person))
            t.append(f"  {c.kind}", style="dim")
            if c.derived:
                t.append("  maybe (undated), from " if c.maybe else "  derived from ",
                         style="italic dim")
                t.append(shown(c.company or ""), style="italic dim")
                t.append(f", {c.when(' → ')}", style="italic dim")
            else:
                t.append(f"  strength {c.strength}", style="dim")
                if c.note:
                    t.append("  ")
                    t.append(shown(c.note, multiline=True), style="dim")
            out.append(ItemRow(t, "person", c.person_id, id=f"connection-{i}"))
            if not c.derived and c.id is not None:
                self.connection_ids[f"connection-{i}"] = c.id
        if not d.connections:
            out.append(Static(none_yet(), classes="item"))

        referrals = d.referrals
        if referrals:
            out.append(section_title("Referrals", "enter edits · x deletes"))
            for r in referrals:
                t = Text(shown(r.referrer))
                t.append(" → ")
                t.append(shown(r.referred))
                if r.target:
                    t.append(" to ")
                    t.append(shown(r.target))
                t.append(f"  [{r.status}]", style="dim")
                if r.note:
                    t.append("  ")
                    t.append(shown(r.note, multiline=True), style="dim")
                out.append(EditRow(t, "referral", r.id, id=f"referral-{r.id}"))

        out.append(section_title("Reference", "r edits"))
        ref = d.reference
        if ref is None:
            out.append(Static(none_yet(), classes="item"))
        else:
            t = Text(ref.status, style="bold")
            if ref.relationship:
                t.append("  ")
                t.append(shown(ref.relationship))
            if ref.speaks_to:
                t.append("\ncan speak to: ", style="dim")
                t.append(shown(ref.speaks_to))
            uses = ref.uses
            t.append(f"\nused {len(uses)} time{'s' if len(uses) != 1 else ''}", style="dim")
            for u in uses:
                t.append(f"\n  {u.used_on}" + ("  notified" if u.notified else
                                                  "  not notified yet"), style="dim")
            out.append(Static(t, classes="item", markup=False))

        out.append(section_title("Interactions", "n add · enter edits · x deletes"))
        for entry in d.interactions:
            t = Text(f"{entry.date}  ", style="dim")
            t.append(f"{entry.kind:<8} ", style="dim")
            # (later lines of a long note start under its first line)
            t.append(shown(entry.summary, multiline=True).replace("\n", "\n" + " " * 21))
            out.append(EditRow(t, "interaction", entry.id, id=f"interaction-{entry.id}"))
        if not d.interactions:
            out.append(Static(none_yet(), classes="item"))

        if d.sources:
            out.append(section_title("Imported cards", "S splits one off (not the same "
                                     "person)"))
            for src in d.sources:
                out.append(ItemRow(_card_line(src), "card", src.id, opens=False,
                                   id=f"card-{src.id}"))
        return out

    # -- editing ----------------------------------------------------------------------------

    @on(EditableField.Changed)
    def _field_changed(self, event: EditableField.Changed) -> None:
        event.stop()
        changes = {event.name: event.value}
        self.save_field(event.field, lambda s: update_person(s, self.person_id, changes).id)

    @on(ItemRow.Chosen)
    def _item_chosen(self, event: ItemRow.Chosen) -> None:
        if event.kind == "person":
            self.crm.open_person(event.key)
        elif event.kind == "company":
            self.crm.open_company(event.key)
        elif event.kind in EDITABLE:
            edit_record(self, event.kind, event.key, seen_from=self.person_id)

    # -- the selected row -------------------------------------------------------------------

    def _selected(self) -> tuple[str, int] | None:
        """(record kind, id) of the focused row, when it is a record that can be edited."""
        focused = self.focused
        if not isinstance(focused, ItemRow):
            return None
        if focused.kind in EDITABLE:
            return focused.kind, focused.key
        link_id = self.connection_ids.get(focused.id or "")
        return ("connection", link_id) if link_id is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # End and open-company are about a position: offered while one is selected.
        if action in ("end_position", "open_company"):
            selected = self._selected()
            return selected is not None and selected[0] == "position"
        if action == "remove_reference":
            return self.detail is not None and self.detail.reference is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_edit_selected(self) -> None:
        selected = self._selected()
        if selected is None:
            self.notify("Select a position, link, contact point, interaction or referral "
                        "first (tab or arrows to it), then press e.")
            return
        edit_record(self, *selected, seen_from=self.person_id)

    def action_remove_selected(self) -> None:
        selected = self._selected()
        if selected is None:
            self.notify("Select a position, link, contact point, interaction or referral "
                        "first (tab or arrows to it), then press x.")
            return
        delete_record(self, *selected, seen_from=self.person_id)

    def action_end_position(self) -> None:
        selected = self._selected()
        if selected is not None and selected[0] == "position":
            end_position(self, selected[1])

    def action_open_company(self) -> None:
        selected = self._selected()
        if selected is not None and selected[0] == "position":
            self.crm.open_company(self.position_companies[selected[1]])

    def action_toggle_me(self) -> None:
        me = not (self.detail is not None and self.detail.is_me)
        name = self._person_name()

        def job(s: Session) -> str:
            set_me_and_via(s, self.person_id, me=me)
            return f"{name} is you now" if me else f"{name} is no longer marked as you"

        self.write(job, saved=Saved)

    def action_known_via(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            who = v["via"].strip()
            if not who:
                set_me_and_via(s, self.person_id, clear_via=True)
                return f"{self._person_name()}: no longer known through anyone"
            via = resolve_person(s, who)
            set_me_and_via(s, self.person_id, via=via)
            return f"{self._person_name()}: known through {via.display_name}"

        via_now = self.detail.known_via if self.detail else None
        self.ask(Text("Whom do you know ").append(shown(self._person_name()), style="bold")
                 .append(" through?"), [
            FormField("via", "Known only through (name or #id; empty: nobody)",
                      via_now or "", placeholder="Priya"),
        ], job)

    def action_keep_in_touch(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            kit = set_person_interval(s, get_person(s, self.person_id), every=v["every"],
                                      at_most=v["at_most"])
            how = _keep_in_touch(kit.every_days, kit.at_most_days)
            return (f"Keep in touch with {kit.name} {how}" if how else
                    f"{kit.name}: no interval of their own (their tags' or the default)")

        now = self.detail.keep_in_touch if self.detail else None
        self.ask(Text("How often to be in touch with ").append(
            shown(self._person_name()), style="bold").append(
            " (10d, 3w, 2m, 1y; both empty: their tags' or the default 90 days)"), [
            FormField("every", "Every (ideally)", describe_days(now.every_days if now else None)
                      or "", placeholder="2m"),
            FormField("at_most", "At most (overdue after)",
                      describe_days(now.at_most_days if now else None) or "",
                      placeholder="4m"),
        ], job)

    def action_add_todo(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            due = parse_due(v["due"], what="due date") if v["due"].strip() else None
            todo = add_todo(s, v["text"], person=get_person(s, self.person_id), due_on=due)
            return f"To do: {todo.text}" + (f" (due {due.isoformat()})" if due else "")

        self.ask(Text("Add a to-do about ").append(shown(self._person_name()), style="bold"), [
            FormField("text", "What to do", placeholder="Send the portfolio link"),
            FormField("due", "Due (YYYY-MM-DD, today, tomorrow, 3d, 2w; empty: no date)",
                      placeholder="2w"),
        ], job)

    def action_intro(self) -> None:
        ask_for_intro(self, self.person_id, self._person_name())

    def _person_name(self) -> str:
        return self.detail.name if self.detail else "this person"

    def _title(self, what: str) -> Text:
        return Text(f"{what} for ").append(shown(self._person_name()), style="bold")

    def action_add_contact(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            add_contact(s, self.person_id, v["kind"], v["value"], v.get("label"))
            return f"Added {v['kind']} {v['value'].strip()}"

        self.ask(self._title("Add a contact point"), [
            FormField("kind", "Kind", "email", options=list(CONTACT_KINDS)),
            FormField("value", "Value", placeholder="ada@example.com, +1 415 555 0100, …"),
            FormField("label", "Label (optional)", placeholder="work, home, cell…"),
        ], job)

    def action_add_interaction(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            add_interaction(s, self.person_id, v["kind"], v["date"], v["summary"])
            return f"Logged a {v['kind']} on {v['date'].strip()}"

        self.ask(self._title("Add a note or interaction"), [
            FormField("kind", "Kind", "note", options=list(INTERACTION_KINDS)),
            FormField("date", "Date", date.today().isoformat(), placeholder="YYYY-MM-DD"),
            FormField("summary", "What happened", placeholder="Coffee; talked about …"),
        ], job)

    def action_add_position(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            person = get_person(s, self.person_id)
            added = add_position_at(s, person, v["company"],
                                    new_company=bool(v.get("new_company")),
                                    title=v["title"] or None, kind=v["kind"] or None,
                                    start=v["start"] or None, end=v["end"] or None)
            pos = added.position
            new = " (new company)" if added.company_created else ""
            return f"Added {pos.title or 'a position'} at {pos.company.name}{new}"

        self.ask(self._title("Add a position"), [
            FormField("company", "Company", placeholder="Acme Robotics"),
            FormField("title", "Title", placeholder="Software Engineering Intern"),
            FormField("kind", "Kind", options=list(POSITION_KINDS), allow_blank=True),
            FormField("start", "Start", placeholder="YYYY, YYYY-MM or YYYY-MM-DD"),
            FormField("end", "End (empty: current)", placeholder="YYYY, YYYY-MM or YYYY-MM-DD"),
        ], job)

    def action_link(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            person = get_person(s, self.person_id)
            other = resolve_person(s, v["other"])
            link(s, person, other, v["kind"], strength=int(v["strength"] or 3),
                 note=v["note"] or None)
            return f"Linked {other.display_name} ({v['kind']})"

        self.ask(self._title("Link a person"), [
            FormField("other", "Who (name or #id)", placeholder="Priya"),
            FormField("kind", "They are this person's…", "co-worker",
                      options=list(CONNECTION_KINDS)),
            FormField("strength", "Strength", "3", options=["1", "2", "3", "4", "5"]),
            FormField("note", "How you know each other (optional)"),
        ], job)

    def action_merge(self) -> None:
        """Ask whom to merge with, then show both on the merge screen (this one stays)."""

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self.read_then(lambda s: resolve_person(s, values["other"]).id,
                               lambda other: self.crm.open_merge(self.person_id, other))

        self.app.push_screen(FormDialog(
            Text("Merge ").append(shown(self._person_name()), style="bold").append(
                " with… (they stay; the other is merged in, nothing is lost)"),
            [FormField("other", "The duplicate (name or #id)", placeholder="Priya N")],
            save="Compare"), done)

    def action_remove_reference(self) -> None:
        delete_record(self, "reference", self.person_id)

    def action_reference(self) -> None:
        edit_record(self, "reference", self.person_id)

    def action_delete(self) -> None:
        question = Text("Delete ").append(shown(self._person_name()), style="bold")
        goes = _what_goes(self.detail)
        question.append((" and " + ", ".join(goes) if goes else "") + "? Their imported "
                        "cards are kept, and an import of the same cards will skip them.")

        def done(yes: bool | None) -> None:
            if yes:
                self.write(lambda s: delete_person(s, self.person_id),
                           saved=lambda name: PersonDeleted(f"Deleted {name}"))

        self.app.push_screen(ConfirmDialog(question), done)

    def on_person_deleted(self, message: PersonDeleted) -> None:
        self.notify(message.summary, markup=False)
        self.dismiss()

    def action_split_card(self) -> None:
        focused = self.focused
        if not (isinstance(focused, ItemRow) and focused.kind == "card"
                and self.detail is not None):
            self.notify("Select an imported card first (Imported cards, at the end), "
                        "then press S.")
            return
        card = next(c for c in self.detail.sources if c.id == focused.key)
        name = self._person_name()
        question = Text("Split the card ").append(
            shown(card.card_name or f"#{card.id}"), style="bold").append(
            f" ({shown(os.path.basename(card.file))}:{card.line}) off ").append(
            shown(name), style="bold").append(
            "? It becomes a person of its own; what only that card brought leaves "
            f"{shown(name)}, and a later import will not merge them again.")

        def job(s: Session) -> str:
            # (deferred: the vCard reader is loaded only when a card is split)
            from crm.core.upkeep.split import split_card
            from crm.sources.records import read_record, read_touches

            plan = split_card(s, self.person_id, card.id, read_record,
                              touches=read_touches)
            gone = f"; taken off {name}: {', '.join(plan.removed)}" if plan.removed else ""
            again = (f"; current again for {name}: {', '.join(plan.restored)}"
                     if plan.restored else "")
            return f"{plan.new_name} is a person of their own now{gone}{again}"

        def done(yes: bool | None) -> None:
            if yes:
                self.write(job, saved=Saved)

        self.app.push_screen(ConfirmDialog(question, yes="Split off"), done)

    def action_back(self) -> None:
        self.dismiss()

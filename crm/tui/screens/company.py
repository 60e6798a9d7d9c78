"""One company: who I know here, its applications, and its details (edited in place)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from crm.core.contacts.companies import (
    add_alias,
    add_domain,
    refresh_people_at,
    remove_alias,
    remove_domain,
)
from crm.core.contacts.company_profile import CompanyDetail, company_detail, get_company
from crm.core.errors import InvalidInput
from crm.core.network import PositionAt, SecondDegree, Staff, Tie, WhoAt
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.editing import update_company
from crm.tui.forms.records import delete_record
from crm.tui.lines import application_line, none_yet
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog, FormField
from crm.tui.widgets.editable import EditableField
from crm.tui.widgets.paths import PathsPicture
from crm.tui.widgets.rows import ItemRow, section_title

COMPANY_FIELDS = [("name", "Name", False), ("industry", "Industry", False),
                  ("website", "Website", False), ("location", "Location", False),
                  ("note", "Note", True)]


@dataclass
class CompanyGone(Message, bubble=False):
    """This company was deleted, or merged into ``kept``."""

    summary: str
    kept: int | None


def _tie(tie: Tie) -> str:
    kind = tie.kind or "in my contacts"
    return f"{kind}{' (derived)' if tie.derived else ''}, strength {tie.strength}"


def _positions(positions: list[PositionAt]) -> str:
    return "; ".join(
        " ".join(x for x in (p.title or "(no title)",
                             p.span(" → "))
                 if x) for p in positions[:2])


def staff_line(s: Staff) -> Text:
    t = Text(shown(s.person.name), style="bold")
    t.append("  ")
    t.append(shown(_positions(s.positions)))
    t.append(f"\n    {_tie(s.tie)}", style="dim")
    if s.last_contacted:
        t.append(f" · last contacted {s.last_contacted.isoformat()}", style="dim")
    return t


def second_degree_line(d: SecondDegree) -> Text:
    t = Text(shown(d.person.name), style="bold")
    t.append("  ")
    t.append(shown(_positions(d.positions)))
    for v in d.via[:3]:
        t.append("\n    via ", style="dim")
        t.append(shown(v.person.name))
        t.append(f" ({_tie(v.my_tie)}) → {shown(v.their_tie.kind) or 'knows them'}, "
                 f"path strength {v.strength}", style="dim")
    if len(d.via) > 3:
        t.append(f"\n    … and {len(d.via) - 3} more ways in", style="dim")
    return t


class CompanyScreen(PageScreen[CompanyDetail]):
    PAGE_TITLE = "Company"
    BODY_ID = "company-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back to the list",
                id="company.back"),
        Binding("a", "add_alias", "Alias+", tooltip="Add an alias", id="company.add-alias"),
        Binding("w", "add_domain", "Domain+",
                tooltip="Add an email (web) domain", id="company.add-domain"),
        Binding("d", "add_domain", show=False, id="company.add-domain-old"),
        Binding("x", "remove_selected", "Remove alias/domain",
                tooltip="Remove the selected alias or email domain (asks first)",
                id="company.remove"),
        Binding("M", "merge", "Merge into…",
                tooltip="Merge this company into another (a duplicate)", id="company.merge"),
        Binding("m", "merge", show=False, id="company.merge-old"),
        Binding("D", "delete", "Delete",
                tooltip="Delete this company (when no position or application uses it)",
                id="company.delete"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.page: CompanyDetail | None = None

    def fetch(self, session: Session) -> CompanyDetail:
        return company_detail(session, self.company_id)

    async def show(self, view: CompanyDetail) -> None:
        self.page = view
        self.sub_title = shown(view.summary.name)
        # Opened: the first person here (enter opens them), else the first detail field.
        await self.refill(self._widgets(view), fallback="ItemRow, EditableField")

    def _widgets(self, page: CompanyDetail) -> list[Widget]:
        c = page.summary
        head = Text(shown(c.name), style="bold")
        facts = [x for x in (c.industry, c.location, c.website) if x]
        if facts:
            head.append("\n" + shown(" · ".join(facts)), style="dim")
        out: list[Widget] = [Static(head, classes="headline")]
        out.append(section_title("Ways in", "me → people I know → people here"))
        out.append(PathsPicture(page.who, id="company-paths"))
        out += self.who_widgets(page)
        apps = page.applications
        out.append(section_title("Applications"))
        if not apps:
            out.append(Static(none_yet(), classes="item"))
        for a in apps:
            out.append(Static(application_line(a), classes="item", markup=False))
        out.append(section_title("Details", "enter edits a field"))
        values = {"name": c.name, "industry": c.industry, "website": c.website,
                  "location": c.location, "note": page.note}
        for name, label, multiline in COMPANY_FIELDS:
            out.append(EditableField(name, label, values[name], multiline=multiline,
                                     id=f"field-{name}"))
        if c.contact_points or c.tags:
            # What its company card gave it.
            card = Text()
            for cp in c.contact_points:
                card.append("\n" if card.plain else "")
                card.append(f"{cp['kind']!s:<10}", style="dim")
                card.append(str(cp["value"]))
                if cp.get("label"):
                    card.append(f"  {cp['label']}", style="dim")
            if c.tags:
                card.append("\n" if card.plain else "")
                card.append(f"{'tags':<10}", style="dim")
                card.append(", ".join(c.tags))
            out.append(section_title("Contact"))
            out.append(Static(card, classes="item", id="company-contact"))
        out.append(section_title("Also known as", "a adds an alias · x removes the selected one"))
        out += [ItemRow(Text(shown(alias)), "alias", alias, opens=False, id=f"alias-{i}")
                for i, alias in enumerate(c.aliases)] or [Static(none_yet(), classes="item")]
        out.append(section_title("Email domains", "w adds a domain · x removes the selected one"))
        out += [ItemRow(Text(shown(domain)), "domain", domain, opens=False, id=f"domain-{i}")
                for i, domain in enumerate(c.domains)] or [Static(none_yet(), classes="item")]
        return out

    def who_widgets(self, page: CompanyDetail) -> list[Widget]:
        """Who I know here: now, before, and through whom (with the path), best first."""
        who: WhoAt = page.who
        out: list[Widget] = []
        groups: list[tuple[str, str, list[Any], Any]] = [
            ("Now", "now", who.current, staff_line),
            ("Before", "before", who.former, staff_line),
            ("Through whom", "via", who.second_degree, second_degree_line),
        ]
        for title, key, items, line in groups:
            out.append(section_title(f"{title} ({len(items)})",
                                     "enter opens the person" if items else ""))
            if not items:
                out.append(Static(none_yet(), classes="item"))
            for i, item in enumerate(items):
                out.append(ItemRow(line(item), "person", item.person.id, id=f"{key}-{i}"))
        return out

    # -- editing ----------------------------------------------------------------------------

    @on(EditableField.Changed)
    def _field_changed(self, event: EditableField.Changed) -> None:
        event.stop()
        changes = {event.name: event.value}
        self.save_field(event.field, lambda s: update_company(s, self.company_id, changes).id)

    def action_add_alias(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            if not v["alias"].strip():
                raise InvalidInput("the alias is empty")
            company = get_company(s, self.company_id)
            add_alias(s, company, v["alias"])
            refresh_people_at(s, company)  # people are found by their company's aliases
            return f"Added the alias {v['alias'].strip()}"

        self.ask(Text("Add an alias (another name people use)"),
                 [FormField("alias", "Alias", placeholder="Alphabet, Google LLC, …")], job)

    def action_add_domain(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            add_domain(s, get_company(s, self.company_id), v["domain"])
            return f"Added the domain {v['domain'].strip()}"

        self.ask(Text("Add an email domain (people@domain work here)"),
                 [FormField("domain", "Domain", placeholder="stripe.com")], job)

    def action_remove_selected(self) -> None:
        focused = self.focused
        if not (isinstance(focused, ItemRow) and focused.kind in ("alias", "domain")):
            self.notify("Select an alias or an email domain first (tab to it), then press x.")
            return
        kind, value = focused.kind, str(focused.key)
        what = "the alias" if kind == "alias" else "the email domain"
        question = Text(f"Remove {what} ").append(shown(value), style="bold")
        question.append(" from ").append(self.sub_title or "this company", style="bold")
        question.append("?")

        def job(s: Session) -> str:
            company = get_company(s, self.company_id)
            if kind == "alias":
                return f"Removed the alias {remove_alias(s, company, value)}"
            return f"Removed the email domain {remove_domain(s, company, value)}"

        def done(yes: bool | None) -> None:
            if yes:
                self.write(job, saved=Saved)

        self.app.push_screen(ConfirmDialog(question, yes="Remove"), done)

    def action_delete(self) -> None:
        delete_record(self, "company", self.company_id,
                      saved=lambda name: CompanyGone(f"Deleted the company {name}", None))

    def action_merge(self) -> None:
        name = self.sub_title or "this company"

        def job(s: Session, v: dict[str, str]) -> tuple[str, int]:
            from crm.core.contacts.companies import resolve_company
            from crm.core.upkeep.company_merge import merge_companies

            keep = resolve_company(s, v["into"])
            plan = merge_companies(s, keep.id, self.company_id)
            return (f"Merged {plan.other_name} into {plan.keep_name}: both names are its "
                    "names now", keep.id)

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self.write(lambda s: job(s, values),
                           saved=lambda r: CompanyGone(r[0], r[1]))

        self.app.push_screen(FormDialog(
            Text("Merge ").append(name, style="bold").append(
                " into another company: its people, applications, aliases and domains move "
                "there, and its name becomes an alias"),
            [FormField("into", "Into (name, alias, domain or #id)", placeholder="Stripe")],
            save="Merge"), done)

    def on_company_gone(self, message: CompanyGone) -> None:
        """This company was deleted or merged away: say so, and show the one kept."""
        self.notify(message.summary, markup=False)
        self.dismiss()
        if message.kept is not None:
            self.crm.open_company(message.kept)

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        if event.kind == "person":
            self.crm.open_person(event.key)

    def action_back(self) -> None:
        self.dismiss()

"""The references board: who vouches for me, by status; change status; export the list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from crm.core.errors import InvalidInput
from crm.core.jobhunt.applications import (
    ApplicationView,
    get_application,
    list_applications,
    resolve_target,
)
from crm.core.jobhunt.references import (
    Candidate,
    ReferenceView,
    list_references,
    mark_notified,
    reference_candidates,
)
from crm.core.models import Application, Company
from crm.core.paths import default_export_dir
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.editing import get_person
from crm.core.vocabulary import EXPORT_FORMATS, REFERENCE_BOARD_ORDER
from crm.export.service import ExportResult, export_references
from crm.tui.forms.reference import ask_reference
from crm.tui.lines import home_short
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import FormDialog, FormField
from crm.tui.widgets.rows import ItemRow, section_title


def reference_line(v: ReferenceView) -> Text:
    t = Text(shown(v.name), style="bold")
    where = " at ".join(x for x in (v.title, v.company) if x)
    if where:
        t.append("  ")
        t.append(shown(where))
    if v.relationship:
        t.append("\n    ")
        t.append(shown(v.relationship), style="dim")
    if v.speaks_to:
        t.append("\n    can speak to: ", style="dim")
        t.append(shown(v.speaks_to), style="dim")
    if v.uses:
        pending = sum(1 for u in v.uses if not u.notified)
        last = v.uses[-1]
        t.append(f"\n    used {len(v.uses)}×, last {last.used_on.isoformat()} ", style="dim")
        t.append(shown(last.application or last.company), style="dim")
        if pending:
            t.append(f"  ({pending} not notified)", style="bold")
    return t


def default_export_path(label: str, fmt: str, folder: Path | None = None) -> Path:
    """The list's file when no path is typed: in Documents (or Downloads, or the current
    directory outside a git checkout; crm.core.paths.default_export_dir)."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "references"
    return (folder or default_export_dir()) / f"references-{slug}.{fmt}"


def resolve_pick(session: Session, values: dict[str, str]) -> Company | Application:
    """The application picked from the list, else the application or company typed."""
    picked = values.get("application", "").strip()
    if picked:
        if not picked.isdigit():  # (only a list's choice gives an application)
            raise InvalidInput("choose an application from the list, or type a company")
        return get_application(session, int(picked))
    if not values.get("company", "").strip():
        raise InvalidInput("choose an application, or type a company")
    return resolve_target(session, values["company"])


class ExportDone(ModalScreen[None]):
    """Where the document went, and whom to tell that their name was given."""

    DEFAULT_CSS = """
    ExportDone { align: center middle; }
    ExportDone > VerticalScroll {
        width: 84; height: auto; max-height: 90%; padding: 1 2; border: thick $success;
        background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", tooltip="Close this message",
                id="export-done.close"),
    ]

    def __init__(self, result: ExportResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        t = Text("Wrote ", style="bold")
        t.append(shown(r.path.name), style="bold underline")
        t.append("\nin ")
        t.append(shown(r.path.parent))
        n = len(r.references)
        t.append(f"\n{r.format}, {n} reference{'s' if n != 1 else ''} for ")
        t.append(shown(r.target))
        for w in r.warnings:
            t.append("\nwarning: ", style="bold")
            t.append(shown(w))
        t.append("\n\nLet them know you gave their name:\n", style="bold")
        for item in r.notify:
            t.append("  [ ] ")
            t.append(shown(item.name))
            if item.contact:
                t.append("  ")
                t.append(shown(item.contact), style="dim")
            t.append("\n")
        t.append("\nPress m on a reference in the board once you have told them.", style="dim")
        with VerticalScroll():
            yield Static(t, markup=False)

    def action_close(self) -> None:
        self.dismiss()


class CandidatesView(ModalScreen[None]):
    """The references worth giving for one application or company, with the reasons."""

    DEFAULT_CSS = """
    CandidatesView { align: center middle; }
    CandidatesView > VerticalScroll {
        width: 90; height: auto; max-height: 90%; padding: 1 2; border: thick $primary;
        background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", tooltip="Close the ranking",
                id="candidates.close"),
    ]

    def __init__(self, target: str, candidates: list[Candidate]) -> None:
        super().__init__()
        self.target = target
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        t = Text("Reference candidates for ", style="bold").append(shown(self.target), style="bold")
        if not self.candidates:
            t.append("\n\nNobody yet: mark people as references from their page (r).")
        for i, c in enumerate(self.candidates, 1):
            t.append(f"\n\n{i}. ")
            t.append(shown(c.name), style="bold")
            t.append(f"  {c.status.replace('-', ' ')}, strength {c.strength}", style="dim")
            where = " at ".join(x for x in (c.title, c.company) if x)
            if where:
                t.append("\n   ")
                t.append(shown(where))
            if c.reasons:
                t.append("\n   ")
                t.append(shown("; ".join(c.reasons)), style="dim")
        with VerticalScroll():
            yield Static(t, markup=False)

    def action_close(self) -> None:
        self.dismiss()


@dataclass
class CandidatesRanked(Message, bubble=False):
    target: str  # the application or company, in the user's words
    candidates: list[Candidate]


@dataclass(frozen=True)
class Board:
    """What the references board shows: the references, and the applications to export
    a list for."""

    references: list[ReferenceView]
    applications: list[ApplicationView]


class ReferencesScreen(PageScreen[Board]):
    PAGE_TITLE = "References"
    BODY_ID = "refs-body"
    RELOAD_ON_RESUME = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.switch_mode('people')", "Back", show=False, tooltip="Go back",
                id="refs.back"),
        Binding("s", "set_status", "Status", tooltip="Change the selected reference's status",
                id="refs.status"),
        Binding("e", "set_status", "Edit", tooltip="Edit the selected reference: status, "
                "relationship, what they can speak to", id="refs.edit"),
        Binding("ctrl+e", "export", "Export list",
                tooltip="Write the reference list for an application or company to a file",
                id="refs.export"),
        Binding("c", "candidates", "Candidates",
                tooltip="Rank who could be a reference for an application or company",
                id="refs.candidates"),
        Binding("m", "notified", "Mark notified",
                tooltip="Record that you told the selected reference you gave their name",
                id="refs.notified"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.references: list[ReferenceView] = []
        self.applications: list[ApplicationView] = []

    def fetch(self, session: Session) -> Board:
        return Board(list_references(session), list_applications(session))

    async def show(self, view: Board) -> None:
        self.references, self.applications = view.references, view.applications
        await self.refill(self._widgets())

    def _widgets(self) -> list[Widget]:
        out: list[Widget] = [Static(Text(
            "Who vouches for you, agreed first. Enter opens a person; s (or e) changes the "
            "status; ctrl+e exports the list for an application or company; c ranks the "
            "candidates; m marks that you told them.", style="dim"), classes="intro")]
        if not self.references:
            out.append(Static(Text("No references yet: open a person and press r to mark them "
                                   "as a reference.")))
        for status in REFERENCE_BOARD_ORDER:
            group = [v for v in self.references if v.status == status]
            if not group:
                continue
            out.append(section_title(f"{status} ({len(group)})"))
            for v in group:
                out.append(ItemRow(reference_line(v), "person", v.person_id,
                                   id=f"ref-{v.person_id}"))
        return out

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        self.crm.open_person(event.key)

    def _selected(self) -> ReferenceView | None:
        focused = self.focused
        if isinstance(focused, ItemRow):
            return next((v for v in self.references if v.person_id == focused.key), None)
        return None

    def action_set_status(self) -> None:
        v = self._selected()
        if v is None:
            self.notify("Select a reference first.")
            return
        ask_reference(self, v.person_id, v.name, v.status, v.relationship, v.speaks_to)

    def action_notified(self) -> None:
        v = self._selected()
        if v is None:
            self.notify("Select a reference first.")
            return
        person_id = v.person_id
        self.write(lambda s: len(mark_notified(s, get_person(s, person_id))),
                   saved=lambda n: Saved(f"Marked {n} use{'s' if n != 1 else ''} as notified"
                                         if n else "Already marked as notified"))

    def _target_fields(self) -> list[FormField]:
        apps = [(f"{a.role} at {a.company} ({a.stage})", str(a.id)) for a in self.applications]
        if not apps:  # nothing to choose: the company alone (a list of none was a text box)
            return [FormField("company", "Company", placeholder="Stripe")]
        return [
            FormField("application", "Application", apps[0][1] if apps else "", options=apps,
                      allow_blank=True),
            FormField("company", "…or a company (when no application is chosen)",
                      placeholder="Stripe"),
        ]

    def action_export(self) -> None:
        folder = default_export_dir()
        fields = [*self._target_fields(),
                  FormField("format", "Format", "md", options=list(EXPORT_FORMATS)),
                  FormField("path", f"Write to (empty: {shown(home_short(folder))}/references-"
                            "<for>.<format>)", placeholder=str(folder / "references.md"))]

        def job(s: Session, v: dict[str, str]) -> ExportResult:
            target = resolve_pick(s, v)
            label = (f"{target.company.name} {target.role}" if isinstance(target, Application)
                     else target.name)
            path = (Path(v["path"].strip()).expanduser() if v["path"].strip()
                    else default_export_path(label, v["format"], folder))
            return export_references(s, target, v["format"], path)

        self.ask(Text("Export the reference list"), fields, job,
                 summary=lambda r: f"Wrote {r.path}")

    def action_candidates(self) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def job(s: Session) -> CandidatesRanked:
                target = resolve_pick(s, values)
                label = (f"{target.role} at {target.company.name}"
                         if isinstance(target, Application) else target.name)
                return CandidatesRanked(label, reference_candidates(s, target))

            self.read(job, lambda ranked: ranked, group="candidates")

        self.app.push_screen(FormDialog(Text("Rank reference candidates for…"),
                                        self._target_fields(), save="Rank"), done)

    def on_candidates_ranked(self, message: CandidatesRanked) -> None:
        self.app.push_screen(CandidatesView(message.target, message.candidates))

    def tell_saved(self, message: Saved) -> None:
        if isinstance(message.result, ExportResult):
            self.app.push_screen(ExportDone(message.result))
        else:
            super().tell_saved(message)


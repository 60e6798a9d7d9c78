"""Applications: stage, dates, and the referrals and references attached to each."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from crm.core.jobhunt.applications import (
    ApplicationView,
    add_application_at,
    get_application,
    list_applications,
    parse_day,
    update_application,
)
from crm.core.paths import default_export_dir
from crm.core.terminal_text import terminal_text as shown
from crm.core.vocabulary import APPLICATION_STAGES, OPEN_STAGES
from crm.tui.forms.records import delete_record, edit_record
from crm.tui.lines import application_line, home_short
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import FormField
from crm.tui.widgets.rows import ItemRow, section_title


class ApplicationsScreen(PageScreen[list[ApplicationView]]):
    PAGE_TITLE = "Applications"
    BODY_ID = "apps-body"
    RELOAD_ON_RESUME = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.switch_mode('people')", "Back", show=False, tooltip="Go back",
                id="apps.back"),
        Binding("a", "add", "Add application", tooltip="Add a job application",
                id="apps.add"),
        Binding("s", "stage", "Stage", tooltip="Move the selected application to another stage",
                id="apps.stage"),
        Binding("e", "edit", "Edit", tooltip="Edit the selected application: company, role, "
                "stage, dates", id="apps.edit"),
        Binding("x", "delete", "Delete", tooltip="Delete the selected application (asks "
                "first)", id="apps.delete"),
        Binding("ctrl+e", "prep", "Prep sheet", tooltip="Write the interview prep sheet of "
                "the selected application", id="apps.prep"),
        Binding("p", "prep", show=False, id="apps.prep-old"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.applications: list[ApplicationView] = []

    def fetch(self, session: Session) -> list[ApplicationView]:
        return list_applications(session)

    async def show(self, view: list[ApplicationView]) -> None:
        self.applications = view
        await self.refill(self._widgets())

    def _widgets(self) -> list[Widget]:
        out: list[Widget] = [Static(Text(
            "Enter opens the company; s moves an application to another stage; e edits it; "
            "x deletes it; a adds one; ctrl+e writes its interview prep sheet.",
            style="dim"), classes="intro")]
        if not self.applications:
            out.append(Static(Text("No applications yet: press a to add one.")))
        groups = (("Open", [a for a in self.applications if a.stage in OPEN_STAGES]),
                  ("Closed", [a for a in self.applications if a.stage not in OPEN_STAGES]))
        for title, group in groups:
            if group:
                out.append(section_title(f"{title} ({len(group)})"))
                out += [ItemRow(application_line(a), "company", a.company_id, id=f"app-{a.id}")
                        for a in group]
        return out

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        self.crm.open_company(event.key)

    def action_add(self) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            added = add_application_at(
                s, v["company"], v["role"], new_company=bool(v.get("new_company")),
                stage=v["stage"] or "applied",
                applied_on=parse_day(v["applied_on"], "applied date"),
                interview_on=parse_day(v["interview_on"], "interview date"),
                note=v["note"] or None)
            app = added.application
            new = " (new company)" if added.company_created else ""
            return f"Added {app.role} at {app.company.name}{new}"

        self.ask(Text("Add an application"), [
            FormField("company", "Company", placeholder="Stripe"),
            FormField("role", "Role", placeholder="Software Engineer, New Grad"),
            FormField("stage", "Stage", "applied", options=list(APPLICATION_STAGES)),
            FormField("applied_on", "Applied on (YYYY-MM-DD)"),
            FormField("interview_on", "Interview on (YYYY-MM-DD)"),
            FormField("note", "Note"),
        ], job)

    def _selected_id(self) -> int | None:
        focused = self.focused
        if not isinstance(focused, ItemRow) or not (focused.id or "").startswith("app-"):
            self.notify("Select an application first.")
            return None
        return int((focused.id or "")[4:])

    def action_edit(self) -> None:
        app_id = self._selected_id()
        if app_id is not None:
            edit_record(self, "application", app_id)

    def action_delete(self) -> None:
        app_id = self._selected_id()
        if app_id is not None:
            delete_record(self, "application", app_id)

    def action_prep(self) -> None:
        app_id = self._selected_id()
        if app_id is None:
            return
        current = next(a for a in self.applications if a.id == app_id)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{current.company} {current.role}".lower()
                      ).strip("-")[:60] or "prep"

        folder = default_export_dir()

        def job(s: Session, v: dict[str, str]) -> str:
            from crm.core.agenda.prep import build_prep
            from crm.export.prep import check_prep_format, write_prep

            fmt = check_prep_format(v["format"])
            path = (Path(v["path"].strip()).expanduser() if v["path"].strip()
                    else folder / f"prep-{slug}.{fmt}")
            warnings = write_prep(build_prep(s, get_application(s, app_id)), fmt, path)
            return f"Wrote {path}" + "".join(f" (warning: {w})" for w in warnings)

        self.ask(Text("Interview prep sheet for ")
                 .append(shown(f"{current.role} at {current.company}")),
                 [FormField("format", "Format", "md", options=["md", "html", "pdf"]),
                  FormField("path", f"Write to (empty: {shown(home_short(folder))}/prep-"
                            f"{slug}.<format>)")], job)

    def action_stage(self) -> None:
        focused = self.focused
        if not isinstance(focused, ItemRow) or not (focused.id or "").startswith("app-"):
            self.notify("Select an application first.")
            return
        app_id = int((focused.id or "")[4:])
        current = next(a for a in self.applications if a.id == app_id)

        def job(s: Session, v: dict[str, str]) -> str:
            app = update_application(s, get_application(s, app_id), stage=v["stage"],
                                     interview_on=parse_day(v["interview_on"],
                                                            "interview date"))
            return f"{app.role} at {app.company.name}: {app.stage}"

        self.ask(Text("Stage of ").append(shown(f"{current.role} at {current.company}")), [
            FormField("stage", "Stage", current.stage, options=list(APPLICATION_STAGES)),
            FormField("interview_on", "Interview on (YYYY-MM-DD)",
                      current.interview_on.isoformat() if current.interview_on else ""),
        ], job)

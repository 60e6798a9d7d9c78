"""One company: what crm knows about it, and (with the network services) who I know there."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from crm.core.companies import company_summary
from crm.tui.messages import Failed, Loaded
from crm.tui.screens.base import CrmScreen
from crm.tui.widgets.rows import section_title


class CompanyScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="company.back"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.detail: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="company-body"):
            yield Static(Text("Loading…", style="dim"), id="company-name", classes="headline")
            yield Static("", id="company-facts")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Company"
        self.load()

    def load(self) -> None:
        self.read("company", lambda s: company_summary(s, self.company_id))

    def on_loaded(self, message: Loaded) -> None:
        if message.what != "company":
            return
        c = message.data
        self.detail = c
        self.sub_title = c.name
        self.query_one("#company-name", Static).update(Text(c.name, style="bold"))
        facts = Text()
        for label, value in (("industry", c.industry), ("website", c.website),
                             ("location", c.location),
                             ("also known as", ", ".join(c.aliases)),
                             ("email domains", ", ".join(c.domains))):
            if value:
                facts.append(f"{label:<15}", style="dim")
                facts.append(str(value) + "\n")
        facts.append(f"{'people':<15}", style="dim")
        facts.append(f"{c.people_current} now, {c.people_former} before\n")
        self.query_one("#company-facts", Static).update(facts)
        body = self.query_one("#company-body")
        if not body.query(".section-title"):
            body.mount(section_title("Who I know here", "(needs the network services)"))

    def on_failed(self, message: Failed) -> None:
        self.notify(message.error, severity="error", markup=False)

    def action_back(self) -> None:
        self.dismiss()

"""The command palette (ctrl+p): jump to any person or company by name, or run any action."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from crm.core.contacts.companies import list_companies
from crm.core.contacts.listing import people_page
from crm.core.terminal_text import terminal_text as shown

if TYPE_CHECKING:
    from crm.tui.app import CrmApp

LOOKUP_LIMIT = 8

def what_it_does(binding: Binding) -> str | None:
    """The sentence that says what ``binding`` does: its tooltip. A key without one is not
    offered in the palette (the arrows, page keys: moving is not a command); a test checks
    that every key with an id has one."""
    return binding.tooltip or None



class CrmCommands(Provider):
    """Actions by name, and people and companies found in the database as you type."""

    @property
    def crm(self) -> CrmApp:
        return cast("CrmApp", self.app)

    def actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.crm
        return [
            ("People", "Show the people list", partial(app.run_action, "switch_mode('people')")),
            ("Companies", "Show the companies list",
             partial(app.run_action, "switch_mode('companies')")),
            ("References", "The references board: status, candidates, export",
             partial(app.run_action, "switch_mode('references')")),
            ("Export the reference list", "Write the list for an application or company",
             partial(self._on_references, "export")),
            ("Applications", "Job applications: stage, referrals, references",
             partial(app.run_action, "switch_mode('applications')")),
            ("Today", "The agenda: to-dos, interviews, birthdays, people due for contact",
             partial(app.run_action, "switch_mode('today')")),
            ("Toggle light/dark theme", "Switch between the dark and the light theme",
             app.action_toggle_theme),
            ("Import contacts", "Import a .vcf file from your phone, a Google or Outlook CSV, "
             "or LinkedIn's export", app.action_open_import),
            ("Sync now", "Sync again with every vdir and CardDAV address book synced "
             "before (the header shows the last sync)", app.action_sync_now),
            ("Sync settings", "The vdirs and CardDAV address books crm syncs with, and the "
             "deletions proposed by their last sync", app.action_open_sync),
            ("Add address book", "Sync with a new vdir folder or CardDAV address book "
             "(a phone's server)", partial(app.action_open_sync, True)),
            ("Suggestions", "Inferred co-workers, classmates and same-name people to review",
             app.action_open_suggestions),
            ("Duplicates and merge", "Likely duplicate people and companies, with the "
             "evidence; merge two, picking what stays", app.action_open_duplicates),
            ("Deleted people", "People you deleted; restore (undelete) one",
             app.action_open_deleted),
            ("Load the demo network", "Fill an empty database with sample people",
             app.load_demo),
            ("Help: keys", "List the keys of this screen", app.action_help),
            ("Quit", "Leave crm", app.exit),
        ]

    async def _on_references(self, action: str) -> None:
        await self.crm.run_action("switch_mode('references')")
        self.crm.call_after_refresh(self.crm.screen.run_action, action)

    def screen_actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        """What the keys of the screen the palette was opened on do, runnable by what they
        do ("Add a note or interaction"), with the key and its footer label beside it."""
        out: list[tuple[str, str, Callable[[], object]]] = []
        seen = {name for name, _h, _r in self.actions()}
        for active in self.screen.active_bindings.values():
            b = active.binding
            what = what_it_does(b)
            if what is None or what in seen or not active.enabled:
                continue
            seen.add(what)
            key = self.app.get_key_display(b)
            out.append((what, f"key {key}" + (f" ({b.description} in the footer)"
                                               if b.show and b.description else ""),
                        partial(self.crm.run_action, b.action, active.node)))
        return out

    async def discover(self) -> Hits:
        for name, help_text, run in self.screen_actions() + self.actions():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self.screen_actions() + self.actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
        if len(query.strip()) < 2:
            return
        people, companies = await asyncio.to_thread(self._lookup, query)
        # Names are contact text: shown as plain Content, never through markup (the stock
        # Matcher.highlight parses its argument as markup).
        for pid, name, where in people:
            yield Hit(0.9, Content.assemble(("person  ", "dim"), shown(name),
                                            (f"  {shown(where)}" if where else "", "dim")),
                      partial(self.crm.open_person, pid), text=shown(name), help="Open this person")
        for cid, name in companies:
            yield Hit(0.95, Content.assemble(("company ", "dim"), shown(name)),
                      partial(self.crm.open_company, cid), text=shown(name),
                      help="Open this company")

    def _lookup(self, query: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
        with self.crm.db.read() as session:
            rows = people_page(session, query, 0, LOOKUP_LIMIT)
            companies = list_companies(session, query, limit=LOOKUP_LIMIT)
        people = [(r.id, r.name, " at ".join(x for x in (r.title, r.company) if x))
                  for r in rows]
        return people, [(c.id, c.name) for c in companies]

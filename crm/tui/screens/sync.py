"""Sync settings (palette: "Sync settings", "Add address book"): the vdirs and CardDAV address
books crm syncs with, adding one (checked, then synced), syncing one now, and the deletion
proposals of their last sync, each kept (refused: the card is written there again) or
applied (the person deleted in crm, undoable from the deleted list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from crm.core.terminal_text import terminal_text as shown
from crm.sync.targets import ProposalView, TargetView, list_targets, summary_text
from crm.tui.screens.base import PageScreen, describe_error
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog, FormField
from crm.tui.widgets.rows import ItemRow, section_title

KIND_OPTIONS = [("vdir folder (khard, vdirsyncer)", "vdir"),
                ("CardDAV address book (a phone's server)", "carddav")]


@dataclass
class SyncFinished(Message, bubble=False):
    """A sync started here is over: what to tell; ``form`` holds what the user typed into
    the add form when it was refused (shown again with the reason)."""

    outcome: str
    error: bool = False
    form: dict[str, str] | None = None


def add_fields(values: dict[str, str] | None = None) -> list[FormField]:
    v = values or {}
    return [
        FormField("kind", "Kind", v.get("kind", "carddav"), options=KIND_OPTIONS),
        FormField("location", "Folder (vdir) or address (CardDAV URL)", v.get("location", ""),
                  placeholder="https://dav.example.com/jordan/contacts/"),
        FormField("user", "User name (CardDAV)", v.get("user", ""), placeholder="jordan"),
        FormField("password", "Password (CardDAV): kept in the system keyring, never in "
                  "crm's database", secret=True),
    ]


def target_line(t: TargetView) -> Text:
    line = Text(f"{t.kind:<8}", style="bold")
    line.append(shown(t.location))
    if t.username:
        line.append(f"  user {shown(t.username)}", style="dim")
    line.append("\n    ")
    when = f"{t.last_sync_at:%Y-%m-%d %H:%M}: " if t.last_sync_at else ""
    line.append(when + t.last_summary, style="dim")
    return line


def proposal_line(p: ProposalView) -> Text:
    line = Text("  deleted there: ", style="dim")
    line.append(shown(p.person), style="bold")
    line.append(f"  #{p.person_id}  ({shown(p.card)})", style="dim")
    return line


class SyncScreen(PageScreen[list[TargetView]]):
    PAGE_TITLE = "Sync settings"
    BODY_ID = "sync-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="sync.back"),
        Binding("a", "add", "Add address book",
                tooltip="Add a vdir folder or a CardDAV address book, then sync with it",
                id="sync.add"),
        Binding("s", "sync", "Sync now", tooltip="Sync with the selected address book",
                id="sync.now"),
        Binding("k", "keep", "Keep", tooltip="Refuse the selected deletion: keep the person "
                "and write their card there again", id="sync.keep"),
        Binding("d", "delete", "Delete", tooltip="Apply the selected deletion: delete the "
                "person in crm", id="sync.delete"),
    ]

    DEFAULT_CSS = """
    SyncScreen #sync-body { padding: 0 2; }
    """

    def fetch(self, session: Session) -> list[TargetView]:
        return list_targets(session)

    async def show(self, view: list[TargetView]) -> None:
        out: list[Widget] = [Static(Text(
            "The vdir folders and CardDAV address books crm syncs with. a adds one; s (or "
            "Enter) syncs the selected one now. A card deleted there is only proposed: k "
            "keeps the person (their card is written there again), d deletes them in crm.",
            style="dim"), classes="intro")]
        out.append(section_title(f"Address books ({len(view)})"))
        if not view:
            out.append(Static(Text("none yet: press a to add one", style="dim"),
                              classes="item"))
        for t in view:
            out.append(ItemRow(target_line(t), "target", t, id=f"target-{t.id}"))
            out += [ItemRow(proposal_line(p), "proposal", (t, p),
                            id=f"proposal-{t.id}-{p.person_id}") for p in t.proposals]
        await self.refill(out)

    # -- keys ---------------------------------------------------------------------------------

    def _selected(self) -> tuple[TargetView, ProposalView | None] | None:
        """The address book of the selected line, and its proposal if it is one."""
        focused = self.focused
        if isinstance(focused, ItemRow) and focused.kind == "target":
            return focused.key, None
        if isinstance(focused, ItemRow) and focused.kind == "proposal":
            target, proposal = focused.key
            return target, proposal
        return None

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        if event.kind == "target":
            self._sync(event.key)
        elif event.kind == "proposal":
            self.crm.open_person(event.key[1].person_id)

    def action_sync(self) -> None:
        selected = self._selected()
        if selected is None:
            self.notify("Select an address book first (or a to add one).")
            return
        self._sync(selected[0])

    def action_keep(self) -> None:
        proposal = self._proposal()
        if proposal is None:
            return
        target, p = proposal
        self._start(f"Kept {p.person}; their card is written there again",
                    lambda: _sync_again(self, target, refuse={p.person_id}))

    def action_delete(self) -> None:
        proposal = self._proposal()
        if proposal is None:
            return
        target, p = proposal
        question = Text("Delete ").append(shown(p.person), style="bold").append(
            " in crm, as their card was deleted there? (Deleted people can be restored.)")

        def done(yes: bool | None) -> None:
            if yes:
                self._start(f"Deleted {p.person}",
                            lambda: _sync_again(self, target, apply={p.person_id}))

        self.app.push_screen(ConfirmDialog(question), done)

    def _proposal(self) -> tuple[TargetView, ProposalView] | None:
        selected = self._selected()
        if selected is None or selected[1] is None:
            self.notify("Select a deletion proposal first (a \"deleted there\" line).")
            return None
        return selected[0], selected[1]

    def _sync(self, target: TargetView) -> None:
        self._start("Synced", lambda: _sync_again(self, target))

    def action_add(self, values: dict[str, str] | None = None,
                   error: str | None = None) -> None:
        def done(typed: dict[str, str] | None) -> None:
            if typed is not None:
                self._start("Added and synced", lambda: _add(self, typed), form=typed)

        self.app.push_screen(FormDialog(Text("Add an address book"), add_fields(values),
                                        save="Add and sync", error=error,
                                        focus="location" if error else None), done)

    def action_back(self) -> None:
        self.dismiss()

    # -- the sync, in a worker the app owns (it outlives this screen) --------------------------

    def _start(self, done: str, job: Callable[[], str],
               form: dict[str, str] | None = None) -> None:
        app = self.crm
        token = app.saving("a sync")
        self.notify("Syncing…", markup=False)

        def run() -> None:
            try:
                outcome, error = f"{done}: {job()}", False
            except Exception as err:
                outcome, error = describe_error(err), True
            told = self.is_attached and self.post_message(
                SyncFinished(outcome, error, form if error else None))
            app.saved(token, outcome, told=told, error=error)

        app.run_worker(run, thread=True, group="sync-settings", name="sync")

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.crm.show_last_sync()
        self.load()
        if message.form is not None:
            # The form again, as typed (the password typed again), with the reason.
            self.action_add(message.form, message.outcome)
            return
        self.notify(message.outcome, severity="error" if message.error else "information",
                    markup=False)


def _sync_again(screen: SyncScreen, target: TargetView, *, apply: set[int] | None = None,
                refuse: set[int] | None = None) -> str:
    from crm.sync.targets import sync_again

    report = sync_again(screen.db, target, apply_deletions=apply or False,
                        refuse_deletions=refuse or False)
    return summary_text(report.summary())


def _add(screen: SyncScreen, v: dict[str, str]) -> str:
    from crm.sync.targets import new_store, remember_password, sync_with

    kind, location, user, password = (v.get("kind", ""), v.get("location", "").strip(),
                                       v.get("user", "").strip(), v.get("password", ""))
    store = new_store(kind, location, user, password)  # checked: refused, the form comes back
    said = ""
    if kind == "carddav" and password:
        if remember_password(user, store.location, password):
            said = " The password is in the system keyring."
        else:
            said = (" No system keyring here: the password was used for this sync only "
                    "(set CRM_CARDDAV_PASSWORD to sync again).")
    report = sync_with(screen.db, store, user if kind == "carddav" else None)
    return summary_text(report.summary()) + "." + said

"""What every crm screen shares: the database handle and the read/write worker plumbing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, get_current_worker

from crm.core.errors import CrmError, NotSureWhichCompany
from crm.tui.messages import Failed, Loaded, Saved
from crm.tui.screens.dialogs import NEW_COMPANY, CompanyChoiceDialog, FormDialog, FormField
from crm.tui.widgets.editable import EditableField
from crm.tui.widgets.rows import ItemRow

if TYPE_CHECKING:
    from crm.core.db import Database
    from crm.tui.app import CrmApp


def describe_error(err: BaseException) -> str:
    """One line for the user: our own errors as they are, anything else told by its cause."""
    if isinstance(err, CrmError):
        return str(err)
    from crm.core.faults import explain

    return str(explain(err))


class CrmScreen(Screen[None]):
    """A screen whose database work runs in thread workers that post messages back."""

    @property
    def crm(self) -> CrmApp:
        return cast("CrmApp", self.app)

    @property
    def db(self) -> Database:
        return self.crm.db

    def read(self, what: str, job: Callable[[Session], Any], generation: int = 0) -> Worker[None]:
        """Run ``job`` in a read unit off the UI thread; post Loaded or Failed."""

        def run() -> None:
            try:
                with self.db.read() as session:
                    data = job(session)
            except Exception as err:
                if not get_current_worker().is_cancelled:
                    self.post_message(Failed(what, describe_error(err)))
                return
            if not get_current_worker().is_cancelled:
                self.post_message(Loaded(what, data, generation))

        return self.run_worker(run, thread=True, exclusive=True, group=f"read:{what}",
                               name=f"read {what}")

    def write(self, what: str, job: Callable[[Session], Any], *,
              summary: Callable[[Any], str] = lambda _data: "saved",
              data: Any = None) -> Worker[None]:
        """Run ``job`` in one write unit: committed whole or not at all; post Saved/Failed.

        The write may wait for another writer (a long import; the app tells the user after a
        second, see ``CrmApp``). They may leave this screen meanwhile, so the worker
        belongs to the app (a screen's workers are cancelled with it, and a write not yet
        started would be dropped), and the app and database are taken now, as a screen that
        is gone no longer knows its app; its outcome is then told app-wide rather than lost.
        """
        app, db, about = self.crm, self.db, self.sub_title
        change = f"Your change to {about}" if about else "Your change"
        token = app.saving(change[0].lower() + change[1:])

        def tell(message: Failed | Saved) -> bool:
            """Post to this screen; False if it has gone (or is going) and cannot say it."""
            return self.is_attached and self.post_message(message)

        def run() -> None:
            try:
                with db.write() as session:  # (the app says when it waits)
                    result = job(session)
                    text = summary(result)
            except Exception as err:
                error = describe_error(err)
                app.saved(token, f"{change} was not saved: {error}", error=True,
                          told=tell(Failed(what, error, data, cause=err)))
                return
            app.saved(token, f"{change} was saved.", told=tell(Saved(what, text, result)))

        return app.run_worker(run, thread=True, group=f"write:{what}", name=f"write {what}")

    # -- forms ------------------------------------------------------------------------------

    def ask(self, what: str, title: Text, fields: list[FormField],
            job: Callable[[Session, dict[str, str]], Any], *,
            summary: Callable[[Any], str] = str, error: str | None = None) -> None:
        """Show a form; its values go to ``job`` in one write unit (Saved or Failed follow).

        A refused form comes back (see ``retry_form``) with what the user typed and the
        reason, so nothing typed is lost.
        """

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                retry = FormRetry(title, fields, job, summary, values)
                self.write(what, lambda s: job(s, values), summary=summary, data=retry)

        self.app.push_screen(FormDialog(title, fields, error=error), done)

    def retry_form(self, message: Failed) -> bool:
        """Reopen the form a Failed write came from, filled in; False if it had none.

        A company name close to known ones first asks which one was meant (or to create
        it); going back from that question reopens the form.
        """
        retry = message.data
        if not isinstance(retry, FormRetry):
            return False
        unsure = message.cause
        if isinstance(unsure, NotSureWhichCompany) and "company" in retry.values:
            self._ask_which_company(message, retry, unsure)
            return True
        self._reopen_form(message, retry)
        return True

    def _ask_which_company(self, message: Failed, retry: FormRetry,
                           unsure: NotSureWhichCompany) -> None:
        def chosen(answer: str | None) -> None:
            if answer is None:
                self._reopen_form(message, retry)
                return
            values = dict(retry.values)
            if answer == NEW_COMPANY:
                values["new_company"] = "yes"
            else:
                values["company"] = answer
            again = replace(retry, values=values)
            self.write(message.what, lambda s: retry.job(s, values), summary=retry.summary,
                       data=again)

        self.app.push_screen(CompanyChoiceDialog(unsure.query, unsure.companies), chosen)

    def _reopen_form(self, message: Failed, retry: FormRetry) -> None:
        filled = [replace(f, value=retry.values.get(f.name, f.value)) for f in retry.fields]
        self.ask(message.what, retry.title, filled, retry.job, summary=retry.summary,
                 error=message.error)

    def ask_reference(self, person_id: int, name: str, status: str | None = None,
                      relationship: str | None = None, speaks_to: str | None = None) -> None:
        """Make someone a reference or change their status, relationship, what they speak to."""
        from crm.tui.screens.references import reference_fields, save_reference

        self.ask("reference", Text("Reference: ").append(name, style="bold"),
                 reference_fields(status or "not-asked", relationship, speaks_to),
                 lambda s, v: save_reference(s, person_id, v))


class PageScreen(CrmScreen):
    """A screen that is one scrolling page, filled by ``load()`` when shown."""

    PAGE_TITLE: ClassVar[str] = ""
    BODY_ID: ClassVar[str] = "page-body"
    RELOAD_ON_RESUME: ClassVar[bool] = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(Static(Text("Loading…", style="dim")), id=self.BODY_ID)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.PAGE_TITLE
        self.load()

    def on_screen_resume(self) -> None:
        if self.RELOAD_ON_RESUME and self.is_mounted:
            self.load()

    def load(self) -> None:
        """Start the read that fills the page."""
        raise NotImplementedError

    # A widget id to focus after the next refill instead of the focused one (a field just
    # saved, whose editor had the focus).
    refocus: str | None = None

    async def refill(self, widgets: list[Widget],
                     fallback: type[Widget] | None = ItemRow) -> None:
        """Replace the page's content, keeping focus on the same row when it is still there
        (else on the first ``fallback`` widget)."""
        body = self.query_one(f"#{self.BODY_ID}", VerticalScroll)
        target = self.refocus or (self.focused.id if self.focused is not None else None)
        self.refocus = None
        await body.remove_children()
        await body.mount_all(widgets)
        found = body.query(f"#{target}") if target else None
        if found:
            found.first().focus()
        elif fallback is not None and body.query(fallback):
            body.query(fallback).first().focus()

    def show_failure(self, message: Failed) -> None:
        """A refused field edit shows under the field; a refused form reopens; else a toast."""
        if message.what == "field" and message.data:
            found = self.query(f"#{message.data}")
            if found and isinstance(found.first(), EditableField):
                found.first(EditableField).show_error(message.error)
        elif self.retry_form(message):
            return
        self.notify(message.error, severity="error", markup=False)


@dataclass
class FormRetry:
    """What is needed to show a refused form again."""

    title: Text
    fields: list[FormField]
    job: Callable[[Session, dict[str, str]], Any]
    summary: Callable[[Any], str]
    values: dict[str, str]

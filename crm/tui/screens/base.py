"""What every crm screen shares: the database handle, the read/write worker plumbing and
the forms; and the page template (fetch in a worker, then show)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from crm.core.errors import CrmError, NotSureWhichCompany
from crm.tui.forms.retry import FormRetry
from crm.tui.messages import (
    Fetched,
    FieldRefused,
    FieldSaved,
    Loaded,
    ReadFailed,
    Refused,
    Saved,
    ViewT,
)
from crm.tui.screens.dialogs import (
    NEW_COMPANY,
    CompanyChoiceDialog,
    FormDialog,
    FormField,
    refused_field,
)
from crm.tui.widgets.chrome import CrmFooter, CrmHeader, ScreenTabs
from crm.tui.widgets.editable import EditableField
from crm.tui.widgets.rows import ItemRow
from crm.tui.wording import say

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crm.core.db import Database
    from crm.tui.app import CrmApp


R = TypeVar("R")


def describe_error(err: BaseException) -> str:
    """One line for the user: our own errors as they are, anything else told by its cause."""
    if isinstance(err, CrmError):
        return say(err)
    from crm.core.faults import explain

    return say(explain(err))


class CrmScreen(Screen[None]):
    """A screen whose database work runs in thread workers that post messages back.

    Every message a worker posts goes to this screen and stops here (none bubbles): the
    screen that asked is the one that tells the user, once.
    """

    @property
    def crm(self) -> CrmApp:
        return cast("CrmApp", self.app)

    @property
    def db(self) -> Database:
        return self.crm.db

    def read(self, job: Callable[[Session], R], loaded: Callable[[R], Message], *,
             group: str = "page") -> Worker[None]:
        """Run ``job`` in a read unit off the UI thread; post ``loaded(result)``, or
        ReadFailed. A read of the same ``group`` started later replaces this one."""

        def run() -> None:
            try:
                with self.db.read() as session:
                    data = job(session)
            except Exception as err:
                if not get_current_worker().is_cancelled:
                    self.post_message(ReadFailed(describe_error(err)))
                return
            if not get_current_worker().is_cancelled:
                self.post_message(loaded(data))

        return self.run_worker(run, thread=True, exclusive=True, group=f"read:{group}",
                               name=f"read {group}")

    def read_then(self, job: Callable[[Session], R], then: Callable[[R], None]) -> None:
        """Read ``job`` off the UI thread, then call ``then`` with it here (a form that
        starts from what a record holds now)."""
        self.read(job, lambda view: Loaded(view, then), group="then")

    def on_loaded(self, message: Loaded) -> None:
        message.then(message.view)

    def on_read_failed(self, message: ReadFailed) -> None:
        self.notify(message.error, severity="error", markup=False)

    def write(self, job: Callable[[Session], R], *,
              saved: Callable[[R], Message] = lambda _result: Saved("saved"),
              refused: Callable[[str, Exception], Message] = (
                  lambda error, cause: Refused(error, cause=cause)),
              ) -> Worker[None]:
        """Run ``job`` in one write unit, committed whole or not at all; then post
        ``saved(result)`` (made inside the unit, so it may read what was written), or
        ``refused(error, cause)``, to this screen.

        The write may wait for another writer (a long import; the app tells the user after a
        second, see ``CrmApp``). They may leave this screen meanwhile, so the worker
        belongs to the app (a screen's workers are cancelled with it, and a write not yet
        started would be dropped), and the app and database are taken now, as a screen that
        is gone no longer knows its app; its outcome is then told app-wide rather than lost.
        """
        app, db, about = self.crm, self.db, self.sub_title
        change = f"Your change to {about}" if about else "Your change"
        token = app.saving(change[0].lower() + change[1:])

        def tell(message: Message) -> bool:
            """Post to this screen; False if it has gone (or is going) and cannot say it."""
            return self.is_attached and self.post_message(message)

        def run() -> None:
            try:
                with db.write() as session:  # (the app says when it waits)
                    outcome = saved(job(session))
            except Exception as err:
                error = describe_error(err)
                app.saved(token, f"{change} was not saved: {error}", error=True,
                          told=tell(refused(error, err)))
                return
            app.saved(token, f"{change} was saved.", told=tell(outcome))

        return app.run_worker(run, thread=True, group="write", name="write")

    # -- forms ------------------------------------------------------------------------------

    def ask(self, title: Text, fields: list[FormField],
            job: Callable[[Session, dict[str, str]], Any], *,
            summary: Callable[[Any], str] = str, error: str | None = None,
            focus: str | None = None, shown: dict[str, str] | None = None) -> None:
        """Show a form; its values go to ``job`` in one write unit (Saved or Refused follow).

        A refused form comes back (see ``retry_form``) with what the user typed and the
        reason, so nothing typed is lost.
        """

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                # (a value shown as a name stays so only while the user leaves it)
                kept = {f.name: (shown or {})[f.name] for f in fields
                        if f.name in (shown or {}) and values.get(f.name) == f.value}
                self._submit(FormRetry(title, fields, job, summary, values, kept))

        self.app.push_screen(FormDialog(title, fields, error=error, focus=focus), done)

    def _submit(self, form: FormRetry) -> None:
        values = form.values
        self.write(lambda s: form.job(s, values),
                   saved=lambda result: Saved(form.summary(result), result),
                   refused=lambda error, cause: Refused(error, form=form, cause=cause))

    def on_refused(self, message: Refused) -> None:
        """A refused write is told in a toast; a refused form also comes back, filled in."""
        self.notify(message.error, severity="error", markup=False)
        self.retry_form(message)

    def retry_form(self, message: Refused) -> bool:
        """Reopen the form a refused write came from, filled in; False if it had none.

        A company name close to known ones first asks which one was meant (or to create
        it); going back from that question reopens the form.
        """
        form = message.form
        if form is None:
            return False
        unsure = message.cause
        if isinstance(unsure, NotSureWhichCompany) and "company" in form.values:
            self._ask_which_company(message.error, form, unsure)
        else:
            self._reopen_form(message.error, form)
        return True

    def _ask_which_company(self, error: str, form: FormRetry,
                           unsure: NotSureWhichCompany) -> None:
        def chosen(answer: str | None) -> None:
            if answer is None:
                self._reopen_form(error, form, focus="company")
                return
            values, shown = dict(form.values), dict(form.shown)
            if answer == NEW_COMPANY:
                values["new_company"] = "yes"
            else:
                # The form keeps the company's id, and shows its name should it come back.
                values["company"] = answer
                shown["company"] = next((name for cid, name in unsure.companies
                                         if f"#{cid}" == answer), answer)
            self._submit(replace(form, values=values, shown=shown))

        self.app.push_screen(CompanyChoiceDialog(unsure.query, unsure.companies), chosen)

    def _reopen_form(self, error: str, form: FormRetry, focus: str | None = None) -> None:
        filled = [replace(f, value=form.values.get(f.name, f.value),
                          shown=form.shown.get(f.name)) for f in form.fields]
        self.ask(form.title, filled, form.job, summary=form.summary, error=error,
                 focus=focus or refused_field(form.fields, form.values, error),
                 shown=form.shown)


class PageScreen(CrmScreen, Generic[ViewT]):
    """A screen that is one scrolling page: ``fetch`` reads what it shows (in a thread
    worker, from one read unit), then ``show`` puts it on the page (on the UI thread).

    Saving a change reloads the page; a field edited in place keeps the focus.
    """

    PAGE_TITLE: ClassVar[str] = ""
    BODY_ID: ClassVar[str] = "page-body"
    RELOAD_ON_RESUME: ClassVar[bool] = False

    def compose(self) -> ComposeResult:
        yield CrmHeader()
        yield ScreenTabs()
        yield VerticalScroll(Static(Text("Loading…", style="dim")), id=self.BODY_ID)
        yield CrmFooter()

    def on_mount(self) -> None:
        self.title = self.PAGE_TITLE
        self.load()

    def on_screen_resume(self) -> None:
        if self.RELOAD_ON_RESUME and self.is_mounted:
            self.load()

    # -- what a concrete page provides ------------------------------------------------------

    def fetch(self, session: Session) -> ViewT:
        """What the page shows, read in a worker thread: plain data, never ORM objects."""
        raise NotImplementedError

    async def show(self, view: ViewT) -> None:
        """Put ``view`` on the page (usually with ``refill``)."""
        raise NotImplementedError

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the page again (a read still running is replaced)."""
        self.read(self.fetch, Fetched)

    async def on_fetched(self, message: Fetched[ViewT]) -> None:
        await self.show(message.view)

    # A widget id to focus after the next refill instead of the focused one (a field just
    # saved, whose editor had the focus).
    refocus: str | None = None

    async def refill(self, widgets: list[Widget],
                     fallback: type[Widget] | str | None = ItemRow) -> None:
        """Replace the page's content, keeping focus on the same row when it is still there
        (else on the first ``fallback`` widget: a type or a selector, first in page order),
        so the page's keys act on a row as soon as it opens."""
        body = self.query_one(f"#{self.BODY_ID}", VerticalScroll)
        target = self.refocus or (self.focused.id if self.focused is not None else None)
        self.refocus = None
        await body.remove_children()
        await body.mount_all(widgets)
        found = body.query(f"#{target}") if target else None
        if found:
            found.first().focus()
        elif fallback is not None and body.query(fallback):
            # Focused before the page is laid out, the row would be scrolled to the top
            # (the page's title out of view): scrolled to, only if need be, once laid out.
            first = body.query(fallback).first()
            first.focus(scroll_visible=False)
            self.call_after_refresh(first.scroll_visible, animate=False)

    # -- writing ----------------------------------------------------------------------------

    # (Textual calls a message's handler in every class of the screen's MRO: a page changes
    # how a save is told by overriding tell_saved, not on_saved.)
    def on_saved(self, message: Saved) -> None:
        self.tell_saved(message)
        self.load()

    def tell_saved(self, message: Saved) -> None:
        """Say what a write changed: a toast, unless the page shows it otherwise."""
        self.notify(message.summary, markup=False)

    def save_field(self, field: EditableField, job: Callable[[Session], object]) -> None:
        """Save a field edited in place: refused, the reason shows under it."""
        field_id = field.id or ""
        self.refocus = field_id
        # (job returns only plain data: the ORM object never crosses to the UI thread)
        self.write(job, saved=lambda _result: FieldSaved(field_id),
                   refused=lambda error, _cause: FieldRefused(field_id, error))

    def on_field_saved(self, _message: FieldSaved) -> None:
        self.load()

    def on_field_refused(self, message: FieldRefused) -> None:
        found = self.query(f"#{message.field_id}")
        if found and isinstance(found.first(), EditableField):
            found.first(EditableField).show_error(message.error)
        self.notify(message.error, severity="error", markup=False)

"""What every crm screen shares: the database handle and the read/write worker plumbing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.orm import Session
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from crm.core.errors import CrmError
from crm.tui.messages import Failed, Loaded, Saved

if TYPE_CHECKING:
    from crm.core.db import Database
    from crm.tui.app import CrmApp


def describe_error(err: BaseException) -> str:
    """One line for the user: our own errors as they are, anything else labelled."""
    if isinstance(err, CrmError):
        return str(err)
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"unexpected error: {type(err).__name__}: {first}"


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
        """Run ``job`` in one write unit: committed whole or not at all; post Saved/Failed."""

        def run() -> None:
            try:
                with self.db.write() as session:
                    result = job(session)
                    text = summary(result)
            except Exception as err:
                self.post_message(Failed(what, describe_error(err), data))
                return
            self.post_message(Saved(what, text, result))

        return self.run_worker(run, thread=True, group=f"write:{what}", name=f"write {what}")

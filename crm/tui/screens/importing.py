"""Import vCards: pick a file, preview what would change (a dry run), then apply it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import (
    Button,
    DirectoryTree,
    Input,
    ProgressBar,
    Static,
)

from crm.core.terminal_text import terminal_text as shown
from crm.tui.screens.base import CrmScreen, describe_error
from crm.tui.widgets.chrome import CrmFooter, CrmHeader, ScreenTabs

SHOWN_NAMES = 40  # per group in the preview; the counts are always whole


class PathSuggester(Suggester):
    """Completes the file or folder name being typed (→ or End accepts it)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
        try:
            names = sorted(e.name for e in os.scandir(folder)
                           if e.name.startswith(stem) and not e.name.startswith("."))
        except OSError:
            return None
        for name in names:
            if name != stem:
                suffix = os.sep if (folder / name).is_dir() else ""
                return value + name[len(stem):] + suffix
        return None


class VCardTree(DirectoryTree):
    """Folders and the files crm imports: vCards, CSVs (Google, Outlook, LinkedIn) and
    LinkedIn's zip."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in (".vcf", ".vcard", ".csv", ".zip"))]


def report_text(report: Any, applied: bool) -> Text:
    """The preview (or result) of an import, in the user's words; names shown literally."""
    t = Text()
    verb = "Imported" if applied else "Would import (nothing is saved yet)"
    t.append(f"{verb}:\n", style="bold")
    for label, n in (("created", report.created), ("updated", report.updated),
                     ("merged into someone already here", report.merged),
                     ("unchanged", report.unchanged),
                     ("companies created", report.companies_created)):
        t.append(f"  {n:>6}  {label}\n")
    t.append(f"  {len(report.rejected):>6}  rejected\n",
             style="bold red" if report.rejected else "")
    for action, title in (("created", "New people"), ("updated", "Updated"),
                          ("merged", "Merged")):
        outcomes = [o for o in report.outcomes if o.action == action]
        if outcomes:
            t.append(f"\n{title}:\n", style="bold")
            for o in outcomes[:SHOWN_NAMES]:
                t.append("  ")
                t.append(shown(o.name))
                if getattr(o, "inferred", False):
                    # Another name, matched by a shared phone or email: the evidence.
                    t.append("  into ", style="dim")
                    t.append(shown(f"{o.person_name} (#{o.person_id})"))
                    t.append(f"  same {o.matched_by} ", style="dim")
                    t.append(shown(o.evidence or ""), style="dim")
                t.append("\n")
            if len(outcomes) > SHOWN_NAMES:
                t.append(f"  … and {len(outcomes) - SHOWN_NAMES} more\n", style="dim")
    if report.suggestions:
        t.append("\nMaybe someone already here (kept apart; check them):\n",
                 style="bold")
        for s in report.suggestions[:SHOWN_NAMES]:
            t.append("  ")
            t.append(shown(s.name))
            t.append(f"  {shown(s.evidence)}  ", style="dim")
            t.append(shown(", ".join(f"{n} (#{i})" for i, n in s.candidates)))
            t.append("\n")
    extras = getattr(report, "extras", None)
    if extras is not None:
        for n, label in ((extras.interactions, "interactions"),
                         (extras.my_positions, "of my positions and studies"),
                         (extras.references, "reference candidates (not asked yet)"),
                         (extras.applications, "applications")):
            t.append(f"  {n:>6}  {label}\n")
        if extras.job_changes:
            t.append("\nChanged jobs:\n", style="bold")
            for j in extras.job_changes:
                t.append("  ")
                t.append(shown(job_change_text(j)))
                t.append("\n")
    if report.rejected:
        t.append("\nRejected (kept with their raw text; fix the file and import it again):\n",
                 style="bold red")
        for r in report.rejected:
            t.append(f"  {shown(Path(r.file).name)}:{r.line}  ", style="bold")
            t.append(shown(r.message))
            t.append("\n")
    if report.warnings:
        t.append("\nRead with a doubt (the card is imported; its raw text is kept):\n",
                 style="bold yellow")
        for w in report.warnings:
            t.append(f"  {shown(Path(w.file).name)}:{w.line}  ", style="bold")
            t.append(shown(w.message))
            t.append("\n")
    return t


@dataclass
class ImportProgress(Message, bubble=False):
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ImportProgress)  # only the latest count matters


@dataclass
class Previewed(Message, bubble=False):
    """What importing ``path`` would do (nothing was saved)."""

    path: Path
    report: Any


@dataclass
class Imported(Message, bubble=False):
    path: Path
    report: Any


@dataclass
class ImportFailed(Message, bubble=False):
    error: str


def job_change_text(j: Any) -> str:
    old = " at ".join(x for x in (j.old_title, j.old_company) if x) or "no position"
    new = " at ".join(x for x in (j.new_title, j.new_company) if x) or "no position"
    return f"{j.name}: {old} → {new} (as of {j.as_of.isoformat()})"


def import_summary(path: Path, report: Any) -> str:
    # (cards, not people: a card merged into someone already here makes nobody new)
    counts = [(report.created, "created"), (report.updated, "updated"),
              (report.merged, "merged into someone already here"),
              (report.unchanged, "unchanged")]
    said = ", ".join(f"{n} {what}" for n, what in counts if n) or "no cards"
    text = f"Imported {Path(path).name}: {said}, {len(report.rejected)} rejected."
    extras = getattr(report, "extras", None)
    if extras is not None and extras.job_changes:
        text += f" {len(extras.job_changes)} changed jobs: " + "; ".join(
            job_change_text(j) for j in extras.job_changes[:5])
        if len(extras.job_changes) > 5:
            text += f"; and {len(extras.job_changes) - 5} more"
    return text


class ImportScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back",
                id="import.back"),
        Binding("ctrl+r", "preview", "Preview",
                tooltip="Show what the import would do, writing nothing",
                id="import.preview"),
        Binding("ctrl+s", "apply", "Import", tooltip="Import the file",
                id="import.apply"),
    ]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path.cwd()
        self.previewed: Path | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield CrmHeader()
        yield ScreenTabs()
        with Vertical(id="import-body"):
            yield Static(Text("Import contacts from a vCard file (.vcf), e.g. your phone's "
                              "export, a Google or Outlook CSV, or LinkedIn's data export "
                              "(the zip or its folder). Type a path (→ completes it) or pick "
                              "one below; Preview shows what would change, Import applies "
                              "it."),
                         classes="intro")
            with Horizontal(id="import-row"):
                yield Input(placeholder="~/Downloads/contacts.vcf", id="import-path",
                            suggester=PathSuggester())
                yield Button("Preview", id="import-preview", variant="primary")
                yield Button("Import", id="import-apply", variant="success", disabled=True)
            yield VCardTree(self.start, id="import-tree")
            yield ProgressBar(id="import-progress", show_eta=False)
            with VerticalScroll(id="import-report-box"):
                yield Static("", id="import-report", markup=False)
        yield CrmFooter()

    def on_mount(self) -> None:
        self.title = "Import"
        self.query_one("#import-progress").display = False
        self.query_one("#import-path", Input).focus()

    @property
    def path(self) -> Path | None:
        value = self.query_one("#import-path", Input).value.strip()
        return Path(value).expanduser() if value else None

    def show(self, text: Text) -> None:
        self.query_one("#import-report", Static).update(text)

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)
        self.action_preview()

    @on(Input.Changed, "#import-path")
    def _path_changed(self) -> None:
        self.previewed = None
        self.query_one("#import-apply", Button).disabled = True

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-preview")
    def action_preview(self) -> None:
        path = self.path
        if path is None:
            self.show(Text("Type or pick a .vcf file first.", style="bold"))
            return
        if self.busy:
            return
        self.busy = True
        self.show(Text("Reading ", style="dim").append(shown(path)).append("…"))
        self.run_import(path, dry_run=True)

    @on(Button.Pressed, "#import-apply")
    def action_apply(self) -> None:
        path = self.path
        if self.busy or path is None or path != self.previewed:
            if path is not None and path != self.previewed:
                self.notify("Preview the file first (ctrl+r).")
            return
        running = [w for w in self.crm.still_saving() if w.startswith("the import of")]
        if running:  # (it would only queue behind it, and look stuck)
            self.notify(f"Wait for {running[0]} to finish first.", markup=False)
            return
        self.busy = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.run_import(path, dry_run=False)

    def run_import(self, path: Path, dry_run: bool) -> None:
        """Preview or import ``path`` in a thread. The import belongs to the app, not to this
        screen: the user may go back meanwhile, and it then finishes and says so app-wide."""
        from crm.sources.importer import import_any

        app, db = self.crm, self.db
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = monotonic()
            if now - last > 0.05 or done >= total:  # a few updates a second is enough
                last = now
                # A message, never a call that waits for the UI: the TUI may be closing.
                self.post_message(ImportProgress(done, total))

        what = "preview" if dry_run else "import"
        token = None if dry_run else app.saving(f"the import of {path.name}")

        def tell(message: Message) -> bool:
            return self.is_attached and self.post_message(message)

        def run() -> None:
            try:
                report = import_any(db, [path], dry_run=dry_run,
                                      progress=None if dry_run else progress)
            except Exception as err:
                error = describe_error(err)
                told = tell(ImportFailed(error))
                if token is not None:
                    app.saved(token, f"Importing {path.name} failed: {error}", error=True,
                              told=told)
                return
            if token is None:
                tell(Previewed(path, report))
            else:
                app.saved(token, import_summary(path, report),
                          told=tell(Imported(path, report)))

        app.run_worker(run, thread=True, group="import", name=f"{what} {path.name}")

    def on_import_progress(self, message: ImportProgress) -> None:
        with contextlib.suppress(NoMatches):  # (the user went back meanwhile)
            self.query_one("#import-progress", ProgressBar).update(total=message.total,
                                                                   progress=message.done)

    def on_previewed(self, message: Previewed) -> None:
        self.busy = False
        report = message.report
        self.previewed = message.path
        self.show(report_text(report, applied=False))
        apply = self.query_one("#import-apply", Button)
        extras = report.extras
        apply.disabled = not (report.created or report.updated or report.merged
                              or report.companies_created
                              or (extras is not None and (
                                  extras.interactions or extras.my_positions
                                  or extras.references or extras.applications
                                  or extras.job_changes or extras.me_created)))

    def on_imported(self, message: Imported) -> None:
        self.busy = False
        path, report = message.path, message.report
        self.previewed = None
        self.query_one("#import-apply", Button).disabled = True
        self.query_one("#import-progress").display = False
        self.show(report_text(report, applied=True))
        self.notify(import_summary(path, report), markup=False)

    def on_import_failed(self, message: ImportFailed) -> None:
        self.busy = False
        self.query_one("#import-progress").display = False
        self.show(Text(shown(message.error, multiline=True), style="bold red"))
        self.notify(message.error, severity="error", markup=False)

    def action_back(self) -> None:
        if self.busy and self.query_one("#import-progress").display:
            self.notify("The import goes on in the background; you will be told when it is "
                        "done.", markup=False)
        self.dismiss()

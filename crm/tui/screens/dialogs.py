"""Modal dialogs: a yes/no confirmation and a small form; each dismisses with its answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from crm.core.terminal_text import terminal_text as shown
from crm.tui.widgets.chrome import CrmFooter


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; ``y``/``n``, Enter/Escape or the buttons answer it."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 60; height: auto; padding: 1 2; border: thick $error; background: $surface;
    }
    ConfirmDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", tooltip="Answer yes: do it", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No",
                tooltip="Answer no: leave everything as it is", id="confirm.no"),
    ]

    def __init__(self, question: Text | str, yes: str = "Delete") -> None:
        super().__init__()
        self.question = question if isinstance(question, Text) else Text(question)
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question")
            with Horizontal():
                yield Button("Cancel (n)", id="confirm-no")
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


NEW_COMPANY = "new"


class CompanyChoiceDialog(ModalScreen[str | None]):
    """"No company is named X; did you mean…": pick one (its ``#id``), create X, or go back.

    Dismisses with ``"#id"`` of the chosen company, NEW_COMPANY, or None (back to the form).
    """

    DEFAULT_CSS = """
    CompanyChoiceDialog { align: center middle; }
    CompanyChoiceDialog > Vertical {
        width: 72; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    CompanyChoiceDialog Button { width: 100%; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the form",
                tooltip="Back to the form without choosing a company", id="company-choice.back"),
        Binding("down", "app.focus_next", "Next", show=False, id="company-choice.next"),
        Binding("up", "app.focus_previous", "Previous", show=False,
                id="company-choice.previous"),
    ]

    def __init__(self, typed: str, companies: Sequence[tuple[int, str]]) -> None:
        super().__init__()
        self.typed = typed
        self.companies = list(companies)

    def compose(self) -> ComposeResult:
        question = Text("No company is named ").append(shown(self.typed), style="bold")
        question.append(". Did you mean:")
        with Vertical():
            yield Static(question, id="company-choice-question")
            for cid, name in self.companies:
                # Text labels: a company name is shown literally, never as markup.
                yield Button(Text(shown(name)), id=f"company-choice-{cid}", variant="primary")
            yield Button(Text("Create ").append(shown(self.typed), style="bold")
                         .append(" as a new company"), id="company-choice-new")
            yield Button("Back to the form (Esc)", id="company-choice-back")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = (event.button.id or "").removeprefix("company-choice-")
        if choice == "back":
            self.dismiss(None)
        elif choice == "new":
            self.dismiss(NEW_COMPANY)
        else:
            self.dismiss(f"#{choice}")


@dataclass
class FormField:
    """One input of a FormDialog: free text, or a choice among ``options``.

    An option is a value shown as itself, or a (label, value) pair; labels are shown
    literally (they may be contact text such as a company name). ``shown`` is what the
    input shows instead of ``value`` when the value is a code the user would not read (a
    company chosen by its ``#id`` shows its name); left as shown, the value is ``value``.
    Either is put in the input through ``terminal_text`` (the module's ``shown``).
    """

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    options: Sequence[str | tuple[str, str]] = field(default_factory=list)
    allow_blank: bool = False
    shown: str | None = None
    secret: bool = False  # a password: typed hidden, and never put back into the input

    def displayed(self) -> str:
        """What the input holds at first, before escaping: ``shown`` if set, else the value."""
        return self.value if self.shown is None else self.shown

    def choices(self) -> list[tuple[Text, str]]:
        return [(Text(shown(o)), o) if isinstance(o, str) else (Text(shown(o[0])), o[1])
                for o in self.options]


def refused_field(fields: Sequence[FormField], values: dict[str, str], error: str) -> str | None:
    """The field a refusal is about: the first whose typed value the reason quotes (core
    says ``bad date '2026-13-01'``), else the first whose label the reason names."""
    low = error.casefold()
    for f in fields:
        typed = (values.get(f.name) or "").strip()
        if typed and not f.options and (repr(typed) in error or f"'{typed}'" in error
                                        or f'"{typed}"' in error):
            return f.name
    for f in fields:
        words = [w for w in f.label.casefold().replace("(", " ").split() if len(w) > 3]
        if words and words[0] in low:
            return f.name
    return None


class FormDialog(ModalScreen[dict[str, str] | None]):
    """A few labelled inputs that scroll between a title and buttons that stay in view;
    Enter/ctrl+s/Save dismisses with their values, Escape/Cancel with None.

    After a refusal the form shows the reason above the fields and puts the cursor in the
    field it was about (``focus``)."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > #form-box {
        width: 72; max-width: 100%; height: auto; max-height: 100%; padding: 0 2;
        border: thick $primary; background: $surface;
    }
    FormDialog .form-title { text-style: bold; margin-top: 1; height: auto; }
    FormDialog .form-error { color: $error; text-style: bold; height: auto; }
    FormDialog #form-fields { height: auto; }
    FormDialog Label { margin-top: 1; }
    FormDialog #form-buttons { height: auto; margin: 1 0; align-horizontal: right; }
    FormDialog Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the form without saving",
                id="form.cancel"),
        Binding("ctrl+s", "save", "Save", tooltip="Save what the form holds", id="form.save"),
    ]

    def __init__(self, title: str | Text, fields: list[FormField], save: str = "Save",
                 error: str | None = None, focus: str | None = None) -> None:
        super().__init__()
        self.form_title = title if isinstance(title, Text) else Text(title)
        self.fields = fields
        self.save_label = save
        self.error = error
        self.focus_field = focus

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.form_title, classes="form-title")
            if self.error:
                # Why the last attempt was refused, above the values to correct.
                yield Static(Text(shown(self.error)), classes="form-error")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    yield Label(Text(f.label))  # a label may name someone: never markup
                    if f.options:
                        yield Select(f.choices(), value=f.value or Select.NULL,
                                     allow_blank=f.allow_blank, id=f"form-{f.name}")
                    else:
                        yield Input("" if f.secret else shown(f.displayed()),
                                    placeholder=f.placeholder, password=f.secret,
                                    id=f"form-{f.name}")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel (esc)", id="form-cancel")
                yield Button(f"{self.save_label} (ctrl+s)", id="form-save", variant="primary")
        yield CrmFooter()

    def on_mount(self) -> None:
        # The fields scroll, but the keys are for the fields: the cursor starts in the first
        # one (or the one a refusal was about), not on the scrolling box.
        self.query_one("#form-fields").can_focus = False
        self.call_after_refresh(self._fit)
        wanted = f"#form-{self.focus_field}" if self.focus_field else None
        if wanted and self.query(wanted):
            target = self.query_one(wanted)
        elif self.fields:
            target = self.query_one(f"#form-{self.fields[0].name}")
        else:
            return
        target.focus()
        self.call_after_refresh(target.scroll_visible, animate=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Let the fields scroll in what the terminal has left beside the title, the reason
        and the buttons (CSS has no "the rest of an auto-height box")."""
        box, scroll = self.query_one("#form-box"), self.query_one("#form-fields")
        footer = self.query_one(CrmFooter).outer_size.height
        around = box.styles.gutter.height + sum(
            w.outer_size.height + w.styles.margin.top + w.styles.margin.bottom
            for w in box.children if w is not scroll)
        room = max(3, self.size.height - footer - around)
        if scroll.styles.max_height != room:
            scroll.styles.max_height = room
        focused = self.focused
        if focused is not None and focused in scroll.query("*"):
            self.call_after_refresh(focused.scroll_visible, animate=False)

    def values(self) -> dict[str, str]:
        result = {}
        for f in self.fields:
            widget = self.query_one(f"#form-{f.name}")
            if isinstance(widget, Select):
                value = widget.value
                result[f.name] = "" if value is Select.NULL else str(value)
            else:
                assert isinstance(widget, Input)
                # A value left as the form showed it (escaped, or a code shown as a name)
                # is the stored value itself.
                unchanged = widget.value == shown(f.displayed()) and not f.secret
                result[f.name] = f.value if unchanged else widget.value
        return result

    def action_save(self) -> None:
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

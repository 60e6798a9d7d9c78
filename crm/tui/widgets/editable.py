"""A labelled value that turns into an input on Enter: edit in place, validated by core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from crm.core.terminal_text import terminal_text as shown
from crm.tui.widgets.rows import step_focus


class EditableField(Widget, can_focus=True):
    """Shows ``label  value``; Enter edits, Enter (ctrl+s for notes) saves, Escape cancels.

    It does not save anything itself: it posts ``Changed`` and its screen asks core, which
    either accepts the value or refuses it with a message shown under the field.
    """

    DEFAULT_CSS = """
    EditableField { height: auto; }
    EditableField > .field-value { height: auto; }
    EditableField:focus > .field-value { background: $block-cursor-blurred-background; }
    EditableField > .field-error { color: $error; height: auto; }
    EditableField > Input, EditableField > TextArea { margin: 0 0 0 16; }
    EditableField > TextArea { height: 8; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,e", "edit", "Edit", tooltip="Edit the selected field in place",
                id="field.edit"),
        Binding("ctrl+s", "save", "Save", show=False, tooltip="Save the field being edited",
                id="field.save"),
        Binding("down", "step(1)", "Next", show=False, id="field.next"),
        Binding("up", "step(-1)", "Previous", show=False, id="field.previous"),
    ]

    LABEL_WIDTH = 16

    @dataclass
    class Changed(Message):
        field: EditableField
        name: str
        value: str

    def __init__(self, name: str, label: str, value: str | None, *, multiline: bool = False,
                 placeholder: str = "", shown_as: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.field_name = name
        self.label = label
        self.value = value or ""
        # How the value reads when not being edited ("14 March" for --03-14), if not as is.
        self.shown_as = shown_as
        self.multiline = multiline
        self.placeholder = placeholder
        self.editing = False

    def compose(self) -> ComposeResult:
        yield Static(self._display(), classes="field-value", markup=False)
        error = Static("", classes="field-error", markup=False)
        error.display = False
        yield error

    def _display(self) -> Text:
        text = Text(f"{self.label:<{self.LABEL_WIDTH}}", style="dim")
        if self.value:
            # Contact text goes in as plain Text: never markup, never an action. The lines
            # of a note start under its first line, not under the label.
            value = shown(self.shown_as or self.value, multiline=self.multiline)
            text.append(Text(value.replace("\n", "\n" + " " * self.LABEL_WIDTH)))
        else:
            text.append("—", style="dim")
        return text

    def action_step(self, delta: int) -> None:
        step_focus(self, delta)

    def action_edit(self) -> None:
        if self.editing:
            return
        self.editing = True
        editor: Input | TextArea
        if self.multiline:
            editor = TextArea(shown(self.value, multiline=True), soft_wrap=True, id="editor")
        else:
            editor = Input(shown(self.value), placeholder=self.placeholder, id="editor")
        self.mount(editor)
        editor.focus()

    @property
    def editor(self) -> Input | TextArea | None:
        found = self.query("#editor")
        widget = found.first() if found else None
        return widget if isinstance(widget, Input | TextArea) else None

    def action_save(self) -> None:
        editor = self.editor
        if editor is None:
            return
        value = editor.text if isinstance(editor, TextArea) else editor.value
        if value == shown(self.value, multiline=self.multiline):
            # Unchanged: the stored text, whatever the editor showed escaped.
            value = self.value
        self.post_message(self.Changed(self, self.field_name, value))

    @on(Input.Submitted, "#editor")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.editing:
            event.stop()
            event.prevent_default()
            self.stop_editing()

    def stop_editing(self) -> None:
        editor = self.editor
        if editor is not None:
            editor.remove()
        self.editing = False
        self.show_error(None)
        self.focus()

    def show_error(self, error: str | None) -> None:
        widget = self.query_one(".field-error", Static)
        widget.update(Text(error or ""))
        widget.display = bool(error)

    def on_click(self, event: events.Click) -> None:
        if not self.editing and (self.has_focus or event.chain >= 2):
            self.action_edit()

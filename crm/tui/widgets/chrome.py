"""The top of every screen: a header that names the database, and the screen keys as tabs.

The F-keys that switch screens are the same everywhere, so they live in one line under the
header ("F2 People  F3 Companies …", the current one highlighted) instead of in the footer,
where a screen with many keys cut them off ("Scre" on a person at 120 columns). The footer
is left to the keys of the screen itself.
"""

from __future__ import annotations

from typing import Protocol, cast

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header
from textual.widgets._header import HeaderIcon, HeaderTitle

from crm.core.terminal_text import terminal_text as shown


class _OnADatabase(Protocol):
    """The app, as far as the header needs it (widgets never import the app)."""

    # (known before the database is open: the first screen is painted before that)
    @property
    def database_label(self) -> str: ...

# (key shown, what it opens, the app mode) in F-key order.
SCREEN_TABS: list[tuple[str, str, str]] = [
    ("F2", "People", "people"),
    ("F3", "Companies", "companies"),
    ("F4", "References", "references"),
    ("F5", "Applications", "applications"),
    ("F6", "Today", "today"),
]
HELP_HINT = "? keys"


def tabs_text(current: str | None) -> Text:
    """The tab line: every screen key and its name, the current screen highlighted."""
    out = Text()
    for key, name, mode in SCREEN_TABS:
        if mode == current:
            out.append(f" {key} {name} ", style="reverse bold")
        else:
            out.append(f" {key}", style="bold")
            out.append(f" {name} ")
    return out


class DatabaseName(Widget):
    """The database this crm is working on, at the right of the header."""

    DEFAULT_CSS = """
    DatabaseName {
        dock: right;
        width: auto;
        max-width: 40%;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def render(self) -> RenderResult:
        label = cast(_OnADatabase, self.app).database_label
        return Text(shown(label))


class CrmHeader(Header):
    """Textual's header, with the database's name where the clock would be."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield DatabaseName()
        yield HeaderTitle()


class ScreenTabs(Widget):
    """F2 People  F3 Companies  F4 References  F5 Applications  F6 Today      ? keys"""

    DEFAULT_CSS = """
    ScreenTabs {
        height: 1;
        background: $panel;
        color: $foreground;
        layout: horizontal;
    }
    ScreenTabs > .tabs { width: 1fr; height: 1; }
    ScreenTabs > .help-hint { width: auto; height: 1; padding: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield _Tabs(classes="tabs")
        yield _HelpHint(classes="help-hint")


class _Tabs(Widget):
    def render(self) -> RenderResult:
        return tabs_text(self.app.current_mode)


class _HelpHint(Widget):
    def render(self) -> RenderResult:
        return Text(HELP_HINT)


class CrmFooter(Footer):
    """Textual's footer, rebuilt only when the keys it shows change.

    Textual rebuilds the footer (its key widgets, mounted anew) whenever the screen's
    bindings may have changed: on every focus move, on screen resume, on every
    ``refresh_bindings``; each rebuild lays out the whole screen (30–90 ms with a full page).
    Most of those change nothing shown: a row focused after another of its kind.
    """

    # What the footer shows, or will once the rebuild already asked for has run (two
    # signals in one refresh would otherwise ask for two rebuilds of the same keys).
    _shown: tuple[object, ...] | None = None

    def _keys_shown(self) -> tuple[object, ...]:
        return tuple((binding.key, self.app.get_key_display(binding), binding.description,
                      binding.action, enabled, tooltip)
                     for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                     if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            keys = self._keys_shown()
            if self._bindings_ready and keys == self._shown:
                return
            if screen.app.app_focus:  # (else Textual leaves the footer as it is)
                self._shown = keys
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys_shown()
        yield from super().compose()
